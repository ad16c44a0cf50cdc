//! AWS's `AccessDeniedException` texts, and the one log line that says which statement
//! decided (policy, position, `Sid`), so a refused caller's operator can find it. Neither ever
//! holds a request value.

use crate::iam_policy::{MissingAllow, PolicySource, StatementRef};

/// The kind of policy a statement belongs to, as AWS names it in denials.
fn policy_type(source: &PolicySource) -> &'static str {
    match source {
        PolicySource::Identity(_) => "an identity-based policy",
        PolicySource::Resource => "a resource-based policy",
        PolicySource::Session(_) => "a session policy",
    }
}

/// `User: <arn> is not authorized to perform: <action> on resource: <resource> with an explicit
/// deny in <a policy type>`.
pub fn explicit_deny(caller: &str, action: &str, resource: &str, found: &StatementRef) -> String {
    format!(
        "User: {caller} is not authorized to perform: {action} on resource: {resource} with an explicit deny in {}",
        policy_type(&found.source)
    )
}

/// `User: <arn> is not authorized to perform: <action> on resource: <resource> because no
/// <policy type> allows the <action> action`.
pub fn implicit_deny(caller: &str, action: &str, resource: &str, missing: MissingAllow) -> String {
    let kind = match missing {
        MissingAllow::IdentityBased => "identity-based policy",
        MissingAllow::ResourceBased => "resource-based policy",
        MissingAllow::SessionPolicy => "session policy",
    };
    format!(
        "User: {caller} is not authorized to perform: {action} on resource: {resource} because no {kind} allows the {action} action"
    )
}

/// The explicit-deny text when the Deny is in the VPC endpoint policy the request came through.
pub fn endpoint_explicit_deny(caller: &str, action: &str, resource: &str) -> String {
    format!(
        "User: {caller} is not authorized to perform: {action} on resource: {resource} with an explicit deny in a VPC endpoint policy"
    )
}

/// The implicit-deny text when the caller's policies allow but the VPC endpoint policy does not.
pub fn endpoint_implicit_deny(caller: &str, action: &str, resource: &str) -> String {
    format!(
        "User: {caller} is not authorized to perform: {action} on resource: {resource} because no VPC endpoint policy allows the {action} action"
    )
}

/// How a statement is named in logs: `identity policy "<name>"`, `resource policy` or
/// `session policy "<name>"`, with its index and `Sid`.
pub fn describe(found: &StatementRef) -> String {
    let policy = match &found.source {
        PolicySource::Identity(name) => format!("identity policy \"{name}\""),
        PolicySource::Resource => "resource policy".to_owned(),
        PolicySource::Session(name) => format!("session policy \"{name}\""),
    };
    match &found.sid {
        Some(sid) => format!("{policy} statement {} (Sid \"{sid}\")", found.index),
        None => format!("{policy} statement {}", found.index),
    }
}
