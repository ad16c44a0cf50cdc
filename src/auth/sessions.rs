//! The temporary credentials STS has issued: access key id (`ASIA...`) -> secret, session
//! token and the principal the session acts as (with its [`SessionFacts`](crate::api::SessionFacts): expiry, MFA,
//! session policies, tags).
//!
//! STS adds entries ([`SessionRegistry::issue`]); authentication reads them
//! ([`SessionRegistry::judge`]) in AWS's order: the key is known, the token sent is the one
//! issued with it (compared in constant time; a missing or different token is refused like an
//! unknown key), the session has not expired at the virtual clock's now, and only then is the
//! signature checked against the session's secret. Expiry follows the virtual clock, so tests
//! move time forward to see credentials expire. Expired entries are dropped when new ones are
//! issued. Sessions live in memory only: a restart forgets them, as it forgets nothing else.
//! Secrets and tokens are never logged.

use std::collections::HashMap;

use parking_lot::RwLock;
use rand::Rng as _;
use subtle::ConstantTimeEq as _;
use time::OffsetDateTime;

use crate::api::Principal;
use crate::api::error::CommonError;
use crate::crypto::Sensitive;
use crate::sigv4::SecretKey;

/// How many live sessions the registry keeps at most; issuing beyond it drops the sessions
/// closest to expiry first (a client minting credentials in a loop cannot exhaust memory).
pub const MAX_SESSIONS: usize = 100_000;

/// A set of temporary credentials, as STS hands them out.
#[derive(Debug, Clone)]
pub struct TemporaryCredentials {
    /// `ASIA` + 16 characters.
    pub access_key_id: String,
    /// The 40-character secret access key.
    pub secret_access_key: Sensitive<String>,
    /// The opaque session token.
    pub session_token: Sensitive<String>,
    /// When they stop being accepted (virtual clock).
    pub expires_at: OffsetDateTime,
}

struct Session {
    secret: SecretKey,
    token: Sensitive<String>,
    principal: Principal,
    expires_at: OffsetDateTime,
}

/// Every issued set of temporary credentials.
#[derive(Default)]
pub struct SessionRegistry {
    sessions: RwLock<HashMap<String, Session>>,
}

impl std::fmt::Debug for SessionRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRegistry")
            .field("sessions", &self.sessions.read().len())
            .finish()
    }
}

impl SessionRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Issues credentials for `principal`, whose `session` facts (expiry included) must be
    /// set; its `access_key_id` is replaced with the new key's. `now` is the virtual now. The
    /// expiry is cut to whole seconds, so it is exactly the `Expiration` the client is told.
    pub fn issue(&self, mut principal: Principal, now: OffsetDateTime) -> TemporaryCredentials {
        let mut expires_at = now;
        if let Some(facts) = principal.session.as_mut() {
            facts.expires_at = facts
                .expires_at
                .replace_nanosecond(0)
                .unwrap_or(facts.expires_at);
            expires_at = facts.expires_at;
        }
        let mut sessions = self.sessions.write();
        sessions.retain(|_, session| session.expires_at > now);
        while sessions.len() >= MAX_SESSIONS {
            let Some(soonest) = sessions
                .iter()
                .min_by_key(|(_, session)| session.expires_at)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            sessions.remove(&soonest);
        }
        let access_key_id = loop {
            let candidate = format!("ASIA{}", random_text(16, UPPER_ALNUM));
            if !sessions.contains_key(&candidate) {
                break candidate;
            }
        };
        let secret = random_text(40, SECRET_ALPHABET);
        let token = session_token();
        principal.access_key_id = access_key_id.clone();
        sessions.insert(
            access_key_id.clone(),
            Session {
                secret: SecretKey::new(secret.clone()),
                token: Sensitive::new(token.clone()),
                principal,
                expires_at,
            },
        );
        TemporaryCredentials {
            access_key_id,
            secret_access_key: Sensitive::new(secret),
            session_token: Sensitive::new(token),
            expires_at,
        }
    }

    /// Judges a request signed with `access_key_id` and carrying `token`: `None` when the key
    /// is not one of ours (the caller then looks among long-term keys), else the secret to
    /// check the signature with and the session's principal, or the refusal.
    pub fn judge(
        &self,
        access_key_id: &str,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Option<Result<(SecretKey, Principal), CommonError>> {
        let sessions = self.sessions.read();
        let session = sessions.get(access_key_id)?;
        let matches = token.is_some_and(|token| {
            bool::from(token.as_bytes().ct_eq(session.token.expose().as_bytes()))
        });
        if !matches {
            tracing::warn!(
                access_key_id,
                "request refused: temporary credentials signed without their session token (or with another one); pass the SessionToken STS returned with this key"
            );
            return Some(Err(CommonError::UnrecognizedClient));
        }
        if now >= session.expires_at {
            tracing::info!(
                access_key_id,
                expired_at = %session.expires_at,
                "request refused: the temporary credentials have expired (virtual clock)"
            );
            return Some(Err(CommonError::ExpiredToken));
        }
        Some(Ok((session.secret.clone(), session.principal.clone())))
    }

    /// The principal of a session key, without judging anything (`--auth off`).
    pub fn principal(&self, access_key_id: &str) -> Option<Principal> {
        self.sessions
            .read()
            .get(access_key_id)
            .map(|session| session.principal.clone())
    }

    /// Forgets every session, or those acting in `account`.
    pub fn reset(&self, account: Option<&str>) {
        let mut sessions = self.sessions.write();
        match account {
            Some(account) => sessions.retain(|_, session| session.principal.account_id != account),
            None => sessions.clear(),
        }
    }
}

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

fn random_text(length: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..length)
        .map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())]))
        .collect()
}

/// An opaque session token: a recognisable prefix and 128 random bytes, base64.
fn session_token() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 128];
    rand::rng().fill(&mut bytes[..]);
    format!(
        "LBXs{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::SessionFacts;

    const NOW: OffsetDateTime = time::macros::datetime!(2026-01-01 12:00 UTC);

    fn session_principal(expires_at: OffsetDateTime) -> Principal {
        Principal {
            session: Some(Box::new(SessionFacts {
                expires_at,
                mfa_authenticated_at: None,
                session_policy: None,
                session_policy_arns: Vec::new(),
                tags: Vec::new(),
            })),
            ..Principal::root("111122223333", "long-term")
        }
    }

    #[test]
    fn issued_credentials_have_aws_shapes() {
        let registry = SessionRegistry::new();
        let issued = registry.issue(session_principal(NOW + time::Duration::hours(1)), NOW);
        assert_eq!(issued.access_key_id.len(), 20);
        assert!(issued.access_key_id.starts_with("ASIA"));
        assert!(
            issued.access_key_id[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(issued.secret_access_key.expose().len(), 40);
        assert!(issued.session_token.expose().len() > 100);
        assert_eq!(issued.expires_at, NOW + time::Duration::hours(1));
        let (_, principal) = registry
            .judge(
                &issued.access_key_id,
                Some(issued.session_token.expose()),
                NOW,
            )
            .unwrap()
            .unwrap();
        assert_eq!(principal.access_key_id, issued.access_key_id);
        assert_eq!(principal.arn, "arn:aws:iam::111122223333:root");
    }

    #[test]
    fn checks_run_key_then_token_then_expiry() {
        let registry = SessionRegistry::new();
        let issued = registry.issue(session_principal(NOW + time::Duration::hours(1)), NOW);
        let token = issued.session_token.expose().as_str();
        assert!(
            registry
                .judge("ASIAUNKNOWN000000000", Some(token), NOW)
                .is_none()
        );
        for wrong in [None, Some(""), Some("LBXsother")] {
            assert_eq!(
                registry
                    .judge(&issued.access_key_id, wrong, NOW)
                    .unwrap()
                    .err(),
                Some(CommonError::UnrecognizedClient)
            );
        }
        let later = NOW + time::Duration::hours(1);
        assert_eq!(
            registry
                .judge(&issued.access_key_id, Some(token), later)
                .unwrap()
                .err(),
            Some(CommonError::ExpiredToken)
        );
        // A wrong token on an expired key is still an invalid token, not an expired one.
        assert_eq!(
            registry
                .judge(&issued.access_key_id, Some("x"), later)
                .unwrap()
                .err(),
            Some(CommonError::UnrecognizedClient)
        );
    }

    #[test]
    fn expired_sessions_are_dropped_and_accounts_reset() {
        let registry = SessionRegistry::new();
        let old = registry.issue(session_principal(NOW + time::Duration::minutes(15)), NOW);
        let later = NOW + time::Duration::hours(1);
        let fresh = registry.issue(session_principal(later + time::Duration::hours(1)), later);
        assert!(registry.principal(&old.access_key_id).is_none());
        assert!(registry.principal(&fresh.access_key_id).is_some());
        registry.reset(Some("999999999999"));
        assert!(registry.principal(&fresh.access_key_id).is_some());
        registry.reset(Some("111122223333"));
        assert!(registry.principal(&fresh.access_key_id).is_none());
    }
}
