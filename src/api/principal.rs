//! Who is calling: the identity an authenticated request acts as.
//!
//! Every request acts as one principal: an account's root user (the built-in keys), an IAM user
//! (a configured or IAM-created access key), or a role session (temporary credentials from STS).
//! Authorization, `GetCallerIdentity` and the audit trail's `userIdentity` all read it from here.

use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The 12-digit account the caller acts in.
    pub account_id: String,
    /// The caller's ARN: `arn:aws:iam::<account>:root`, `arn:aws:iam::<account>:user/<path><name>`
    /// or `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub arn: String,
    /// The access key id the request was signed with.
    pub access_key_id: String,
    /// The kind of identity, with what each kind needs besides the ARN.
    pub kind: PrincipalKind,
    /// The unique id `GetCallerIdentity` answers as `UserId` (the account id for root, the
    /// user's `AIDA...` id, or `<role id>:<session name>`) and `aws:userid` holds.
    pub user_id: String,
    /// What temporary credentials carry (expiry, MFA, session policies); `None` for long-term
    /// keys.
    pub session: Option<Box<SessionFacts>>,
}

/// What a request signed with temporary credentials (from `AssumeRole` or `GetSessionToken`)
/// knows besides the identity: authorization reads MFA and session policies from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFacts {
    /// When the credentials stop being accepted (virtual clock).
    pub expires_at: OffsetDateTime,
    /// When the session was minted with a valid MFA code, if it was
    /// (`aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`).
    pub mfa_authenticated_at: Option<OffsetDateTime>,
    /// The inline session policy's JSON text, if one was passed.
    pub session_policy: Option<String>,
    /// The managed policies passed as session policies.
    pub session_policy_arns: Vec<String>,
    /// Session tags (`aws:PrincipalTag/...` for role sessions).
    pub tags: Vec<(String, String)>,
}

/// The kinds of identity a request can act as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalKind {
    /// The account's root user.
    Root,
    /// An IAM user.
    User {
        /// The user's name (without its path).
        name: String,
    },
    /// A session of an assumed role.
    AssumedRole {
        /// The role's ARN (`arn:aws:iam::<account>:role/<path><name>`).
        role_arn: String,
        /// The session name given to `AssumeRole`.
        session_name: String,
    },
}

impl Principal {
    /// The root user of `account`, signing with `access_key_id`.
    pub fn root(account: &str, access_key_id: &str) -> Principal {
        Principal {
            account_id: account.to_owned(),
            arn: format!("arn:aws:iam::{account}:root"),
            access_key_id: access_key_id.to_owned(),
            kind: PrincipalKind::Root,
            user_id: account.to_owned(),
            session: None,
        }
    }

    /// The principal a configured key with this ARN stands for: the kind is read from the ARN
    /// (root, `user/`, or `assumed-role/`); an IAM user declared only in the config file gets a
    /// stable `AIDA...` id derived from its ARN.
    pub fn from_arn(account: &str, arn: &str, access_key_id: &str) -> Principal {
        let (kind, user_id) = if let Some((_, path_and_name)) = arn.split_once(":user/") {
            let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
            (
                PrincipalKind::User {
                    name: name.to_owned(),
                },
                derived_unique_id("AIDA", arn),
            )
        } else if let Some((_, role_and_session)) = arn.split_once(":assumed-role/") {
            let (role, session) = role_and_session
                .split_once('/')
                .unwrap_or((role_and_session, ""));
            let role_arn = format!("arn:aws:iam::{account}:role/{role}");
            let role_id = derived_unique_id("AROA", &role_arn);
            (
                PrincipalKind::AssumedRole {
                    role_arn,
                    session_name: session.to_owned(),
                },
                format!("{role_id}:{session}"),
            )
        } else {
            (PrincipalKind::Root, account.to_owned())
        };
        Principal {
            account_id: account.to_owned(),
            arn: arn.to_owned(),
            access_key_id: access_key_id.to_owned(),
            kind,
            user_id,
            session: None,
        }
    }

    /// True for an account's root user.
    pub fn is_root(&self) -> bool {
        self.kind == PrincipalKind::Root
    }
}

/// A stable IAM-style unique id (`prefix` + 17 characters of `[A-Z2-7]`) derived from `seed`,
/// for identities that exist only in the configuration and so were never assigned one.
pub fn derived_unique_id(prefix: &str, seed: &str) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(seed.as_bytes());
    let tail: String = digest
        .iter()
        .take(17)
        .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
        .collect();
    format!("{prefix}{tail}")
}

/// Test support: a principal carrying temporary credentials that expire at 2026-01-01 12:00 UTC,
/// minted with MFA (at that same time) when `mfa` is set.
#[cfg(test)]
pub fn with_test_session(principal: Principal, mfa: bool) -> Principal {
    let at = time::macros::datetime!(2026-01-01 12:00 UTC);
    Principal {
        session: Some(Box::new(SessionFacts {
            expires_at: at,
            mfa_authenticated_at: mfa.then_some(at),
            session_policy: None,
            session_policy_arns: Vec::new(),
            tags: Vec::new(),
        })),
        ..principal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_the_arn() {
        let root = Principal::from_arn("111122223333", "arn:aws:iam::111122223333:root", "k");
        assert_eq!(root, Principal::root("111122223333", "k"));
        assert!(root.is_root());
        assert_eq!(root.user_id, "111122223333");

        let user = Principal::from_arn(
            "111122223333",
            "arn:aws:iam::111122223333:user/team/ci-reader",
            "k",
        );
        assert_eq!(
            user.kind,
            PrincipalKind::User {
                name: "ci-reader".into()
            }
        );
        assert!(user.user_id.starts_with("AIDA") && user.user_id.len() == 21);
        assert!(!user.is_root());

        let role = Principal::from_arn(
            "111122223333",
            "arn:aws:sts::111122223333:assumed-role/app/deploy",
            "k",
        );
        assert_eq!(
            role.kind,
            PrincipalKind::AssumedRole {
                role_arn: "arn:aws:iam::111122223333:role/app".into(),
                session_name: "deploy".into()
            }
        );
        assert!(role.user_id.starts_with("AROA") && role.user_id.ends_with(":deploy"));
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        assert_eq!(
            derived_unique_id("AIDA", "a"),
            derived_unique_id("AIDA", "a")
        );
        assert_ne!(
            derived_unique_id("AIDA", "a"),
            derived_unique_id("AIDA", "b")
        );
    }
}
