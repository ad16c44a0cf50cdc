//! Policy documents as IAM takes and gives them: checked with the shared parser on the way in
//! (identity policies must not name a principal, trust policies must), URL-encoded on the way
//! out, as every `policyDocumentType` member of an IAM response is.

use crate::iam_policy::{self, ParseError};

use super::error::IamError;

/// The text IAM sends for a document that is not a JSON policy.
const SYNTAX_ERRORS: &str = "Syntax errors in policy.";

/// Which kind of document is being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An inline or managed policy of a user, role or group.
    Identity,
    /// A role's trust policy (`AssumeRolePolicyDocument`).
    Trust,
}

/// Checks `document` as a policy of `kind`.
pub fn check(document: &str, kind: DocumentKind) -> Result<(), IamError> {
    if kind == DocumentKind::Identity && names_principal(document) {
        return Err(IamError::MalformedPolicyDocument(
            PRINCIPAL_IN_IDENTITY.into(),
        ));
    }
    let parsed = match kind {
        DocumentKind::Identity => iam_policy::parse(document),
        DocumentKind::Trust => iam_policy::parse(&with_resources(document)),
    };
    let parsed = parsed.map_err(|error| match error {
        ParseError::NotJson
        | ParseError::NotAnObject
        | ParseError::MissingStatement
        | ParseError::BadVersion => IamError::MalformedPolicyDocument(SYNTAX_ERRORS.into()),
        ParseError::BadStatement { reason, .. } => IamError::MalformedPolicyDocument(reason),
        // Refused rather than stored: a policy Lockbox cannot judge must not be silently
        // skipped by authorization (a Deny in it would be lost).
        ParseError::ConditionNotSupported { index } => IamError::MalformedPolicyDocument(format!(
            "Statement {index} uses a condition operator or value Lockbox does not evaluate."
        )),
    })?;
    let has_principal = parsed
        .statements
        .iter()
        .all(|statement| statement.principal.is_some());
    if kind == DocumentKind::Trust && !has_principal {
        return Err(IamError::MalformedPolicyDocument(
            "AssumeRolepolicy contained an invalid principal: missing.".into(),
        ));
    }
    Ok(())
}

/// The text IAM sends for an identity policy that names a principal.
const PRINCIPAL_IN_IDENTITY: &str = "Policy document should not specify a principal.";

/// True when some statement of `document` (JSON text) has `Principal` or `NotPrincipal`.
fn names_principal(document: &str) -> bool {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(document) else {
        return false;
    };
    let has = |statement: &serde_json::Value| {
        statement.get("Principal").is_some() || statement.get("NotPrincipal").is_some()
    };
    match value.get("Statement") {
        Some(serde_json::Value::Array(statements)) => statements.iter().any(has),
        Some(statement) => has(statement),
        None => false,
    }
}

/// A trust policy names no resource (the role is the resource); the shared parser wants one,
/// so each statement without `Resource`/`NotResource` gets `"Resource": "*"` for the check.
/// Text that is not a JSON object is returned as it is (the parser then refuses it).
fn with_resources(document: &str) -> String {
    let Ok(mut value) = serde_json::from_str::<serde_json::Value>(document) else {
        return document.to_owned();
    };
    let add = |statement: &mut serde_json::Value| {
        if let Some(object) = statement.as_object_mut() {
            if !object.contains_key("Resource") && !object.contains_key("NotResource") {
                object.insert("Resource".into(), "*".into());
            }
        }
    };
    match value.get_mut("Statement") {
        Some(serde_json::Value::Array(statements)) => statements.iter_mut().for_each(add),
        Some(statement) => add(statement),
        None => {}
    }
    value.to_string()
}

/// `document` percent-encoded (every byte but `A-Z a-z 0-9 - _ . ~`), as IAM returns policy
/// documents.
pub fn url_encode(document: &str) -> String {
    let mut out = String::with_capacity(document.len() * 2);
    for byte in document.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn identity_and_trust_documents_are_told_apart() {
        assert_eq!(check(ALLOW, DocumentKind::Identity), Ok(()));
        assert_eq!(check(TRUST, DocumentKind::Trust), Ok(()));
        assert!(matches!(
            check(TRUST, DocumentKind::Identity),
            Err(IamError::MalformedPolicyDocument(m)) if m.contains("principal")
        ));
        assert!(check(ALLOW, DocumentKind::Trust).is_err());
        assert_eq!(
            check("{not json", DocumentKind::Identity),
            Err(IamError::MalformedPolicyDocument(SYNTAX_ERRORS.into()))
        );
    }

    #[test]
    fn documents_are_percent_encoded() {
        assert_eq!(
            url_encode(r#"{"Version":"2012-10-17","Statement":[]}"#),
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"
        );
        assert_eq!(url_encode("a b+é"), "a%20b%2B%C3%A9");
    }
}
