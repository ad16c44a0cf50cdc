//! Whether a resource-policy statement's `Principal` / `NotPrincipal` covers the caller, and
//! how: naming the caller itself (enough on its own in the same account), or naming only the
//! caller's account, which delegates the decision to that account's identity policies.

use super::document::PrincipalSpec;

/// How a statement's principal block relates to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PrincipalMatch {
    NotCovered,
    /// The account principal (`"111122223333"` or `arn:aws:iam::111122223333:root`) of the
    /// caller's account, for a caller other than that account's root.
    CallersAccount,
    /// The caller by its ARN, its role (for an assumed-role session), its account's root when
    /// the caller is that root, or everyone.
    Caller,
}

/// The root-user ARN of `account`.
pub fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// Matches a `Principal` block against the caller.
pub fn principal_matches(
    spec: &PrincipalSpec,
    caller_arn: &str,
    caller_account: &str,
) -> PrincipalMatch {
    let by_type = match spec {
        PrincipalSpec::Everyone => return PrincipalMatch::Caller,
        PrincipalSpec::Named(by_type) => by_type,
    };
    by_type
        .iter()
        .flat_map(|(kind, values)| {
            values
                .iter()
                .map(move |value| (kind.as_str(), value.as_str()))
        })
        .map(|(kind, value)| match kind {
            "AWS" => aws_value_matches(value, caller_arn, caller_account),
            _ if value == caller_arn => PrincipalMatch::Caller,
            _ => PrincipalMatch::NotCovered,
        })
        .max()
        .unwrap_or(PrincipalMatch::NotCovered)
}

/// Matches a `NotPrincipal` block: the statement applies to the caller unless the block lists
/// the caller's exact ARN (or the account, when the caller is that account's root). Listing an
/// account does not exclude its users, and listing a role does not exclude its sessions.
pub fn not_principal_matches(
    spec: &PrincipalSpec,
    caller_arn: &str,
    caller_account: &str,
) -> PrincipalMatch {
    let excluded = match spec {
        PrincipalSpec::Everyone => true,
        PrincipalSpec::Named(by_type) => {
            by_type.iter().flat_map(|(_, values)| values).any(|value| {
                value == "*"
                    || value == caller_arn
                    || (caller_arn == root_arn(caller_account) && value == caller_account)
            })
        }
    };
    if excluded {
        PrincipalMatch::NotCovered
    } else {
        PrincipalMatch::Caller
    }
}

fn aws_value_matches(value: &str, caller_arn: &str, caller_account: &str) -> PrincipalMatch {
    if value == "*" || value == caller_arn || role_of_session(caller_arn).as_deref() == Some(value)
    {
        return PrincipalMatch::Caller;
    }
    let named_account = if is_account_id(value) {
        Some(value)
    } else {
        value
            .strip_prefix("arn:aws:iam::")
            .and_then(|rest| rest.strip_suffix(":root"))
            .filter(|account| is_account_id(account))
    };
    match named_account {
        Some(account) if account == caller_account && caller_arn == root_arn(account) => {
            PrincipalMatch::Caller
        }
        Some(account) if account == caller_account => PrincipalMatch::CallersAccount,
        _ => PrincipalMatch::NotCovered,
    }
}

/// The role ARN behind an assumed-role session ARN
/// (`arn:aws:sts::<account>:assumed-role/<role>/<session>` → `arn:aws:iam::<account>:role/<role>`).
fn role_of_session(caller_arn: &str) -> Option<String> {
    let rest = caller_arn.strip_prefix("arn:aws:sts::")?;
    let (account, resource) = rest.split_once(':')?;
    let role_and_session = resource.strip_prefix("assumed-role/")?;
    let (role, _session) = role_and_session.rsplit_once('/')?;
    Some(format!("arn:aws:iam::{account}:role/{role}"))
}

fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|byte| byte.is_ascii_digit())
}
