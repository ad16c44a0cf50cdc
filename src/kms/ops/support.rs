//! Helpers the cryptographic, rotation and grant operations share: grant-token and algorithm
//! checks, the AWS managed key's refusal of direct use, principal patterns, and paging.

use super::super::KmsError;
use super::super::grants::grant_id_of_token;
use super::super::keys::{Key, KeyManager};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// The only encryption algorithm of a symmetric key.
pub const SYMMETRIC_DEFAULT: &str = "SYMMETRIC_DEFAULT";

/// `EncryptionAlgorithmSpec`, in the model's order.
pub const ENCRYPTION_ALGORITHMS: [&str; 4] = [
    "SYMMETRIC_DEFAULT",
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "SM2PKE",
];

/// `DryRunModifierType`.
pub const DRY_RUN_MODIFIERS: [&str; 1] = ["IGNORE_CIPHERTEXT"];

/// The model's `GrantTokenList` (0-10 tokens of 1-8192 characters).
pub fn validate_grant_tokens(v: &mut Validator, tokens: Option<&[String]>) {
    v.list_length("GrantTokens", tokens, 0, 10);
    v.list_members(
        "GrantTokens",
        tokens,
        &Validator::length_constraints(1, 8192),
        |token| Validator::length_ok(token, 1, 8192),
    );
}

/// `InvalidGrantTokenException` (the token is not echoed: it carries authority).
pub fn invalid_grant_token() -> KmsError {
    // [I] AWS's wording is unverified; pinned in tests/kms_grants.rs.
    KmsError::InvalidGrant("InvalidGrantTokenException", "Invalid grant token.".into())
}

/// `InvalidGrantIdException` for `grant_id`.
pub fn invalid_grant_id(grant_id: &str) -> KmsError {
    // [I] AWS's wording is unverified; pinned in tests/kms_grants.rs.
    KmsError::InvalidGrant(
        "InvalidGrantIdException",
        format!("Invalid grant ID '{grant_id}'"),
    )
}

/// Every grant token must be one Lockbox issued (`InvalidGrantTokenException` otherwise).
pub fn check_grant_tokens(tokens: Option<&[String]>) -> Result<(), KmsError> {
    match tokens
        .unwrap_or_default()
        .iter()
        .all(|token| grant_id_of_token(token).is_some())
    {
        true => Ok(()),
        false => Err(invalid_grant_token()),
    }
}

/// A symmetric key encrypts with `SYMMETRIC_DEFAULT` only; other algorithms are
/// `InvalidKeyUsageException` (text as LocalStack records it [LS]).
pub fn check_algorithm(algorithm: Option<&str>) -> Result<&'static str, KmsError> {
    match algorithm {
        None | Some(SYMMETRIC_DEFAULT) => Ok(SYMMETRIC_DEFAULT),
        Some(other) => Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {other} is incompatible with key spec SYMMETRIC_DEFAULT."
        ))),
    }
}

/// The AWS managed key (`aws/secretsmanager`) may be used only through Secrets Manager and
/// its settings cannot be changed: its key policy (`auto-secretsmanager-2`) allows the
/// cryptographic actions only with `kms:ViaService`, and only `Describe*`, `Get*`, `List*` and
/// `RevokeGrant` directly. A direct call of anything else fails as the key policy makes it
/// fail on AWS: `AccessDeniedException` naming the caller, the action and the key ARN with
/// "because no resource-based policy allows" (reference §4, §7.9).
pub fn deny_aws_managed(ctx: &RequestCtx, key: &Key, action: &str) -> Result<(), KmsError> {
    match key.manager {
        KeyManager::Customer => Ok(()),
        KeyManager::Aws => Err(KmsError::AccessDenied(format!(
            "User: {} is not authorized to perform: {action} on resource: {} because no resource-based policy allows the {action} action",
            ctx.principal.arn, key.arn
        ))),
    }
}

/// The model's `PrincipalIdType` pattern `^[\w+=,.@:/-]+$`.
pub const PRINCIPAL_PATTERN: &str = r"^[\w+=,.@:/-]+$";

/// Whether `value` matches [`PRINCIPAL_PATTERN`].
pub fn is_principal(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c))
}

/// A principal member: 1-256 characters of [`PRINCIPAL_PATTERN`].
pub fn validate_principal(v: &mut Validator, member: &str, value: Option<&str>) {
    v.length(member, value, 1, 256, Echo::Value);
    v.pattern(member, value, PRINCIPAL_PATTERN, is_principal);
}

/// The model's `MarkerType`: 1-1024 characters of `[\u0020-\u00FF]*`.
pub fn validate_marker(v: &mut Validator, marker: Option<&str>) {
    v.length("Marker", marker, 1, 1024, Echo::Value);
    v.pattern("Marker", marker, r"[\u0020-\u00FF]*", |m| {
        m.chars().all(|c| ('\u{20}'..='\u{ff}').contains(&c))
    });
}

/// One page of a listing: the items, the marker of the next page, and `Truncated`.
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// `NextMarker`: the id of the first item of the next page.
    pub next_marker: Option<String>,
}

/// Pages `items` (in listing order, each with a stable id) by `limit`, starting at the item
/// whose id is `marker`. A marker naming no item (never issued, or its item is gone) is
/// `InvalidMarkerException`.
pub fn page<T>(
    items: Vec<(String, T)>,
    limit: usize,
    marker: Option<&str>,
) -> Result<Page<T>, KmsError> {
    let start = match marker {
        None => 0,
        Some(marker) => items
            .iter()
            .position(|(id, _)| id == marker)
            .ok_or_else(|| KmsError::InvalidMarker("Invalid marker".into()))?,
    };
    let mut rest = items.into_iter().skip(start);
    let items: Vec<T> = rest.by_ref().take(limit).map(|(_, item)| item).collect();
    let next_marker = rest.next().map(|(id, _)| id);
    Ok(Page { items, next_marker })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_markers_and_refuse_unknown_ones() {
        let items: Vec<(String, u32)> = (0..5).map(|i| (format!("id{i}"), i)).collect();
        let first = page(items.clone(), 2, None).unwrap();
        assert_eq!(first.items, vec![0, 1]);
        assert_eq!(first.next_marker.as_deref(), Some("id2"));
        let last = page(items.clone(), 10, Some("id2")).unwrap();
        assert_eq!(last.items, vec![2, 3, 4]);
        assert!(last.next_marker.is_none());
        assert!(matches!(
            page(items, 2, Some("nope")),
            Err(KmsError::InvalidMarker(_))
        ));
    }

    #[test]
    fn principals_follow_the_model_pattern() {
        assert!(is_principal(
            "arn:aws:iam::111122223333:role/Example_Role+=,.@-"
        ));
        assert!(!is_principal("has space"));
        assert!(!is_principal(""));
    }
}
