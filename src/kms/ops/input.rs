//! Validation shared by the KMS operations. Each operation's input has a `validate` that runs
//! the model's constraints (all failures reported together, in member order, with Coral's
//! texts) and then hands over a validated value whose required members are no longer
//! `Option`s ([`finish`]). Also: the input of the operations that take only a `KeyId`, and the
//! checks of members several operations share.

use serde::Deserialize;

use super::super::KmsError;
use crate::api::validate::{Echo, Validator};

/// Required members handed over by [`finish`]: one `Option`, or a tuple of them.
pub trait Required {
    /// The members, present.
    type Present;
    /// All the members, if every one is present.
    fn present(self) -> Option<Self::Present>;
}

impl<A> Required for Option<A> {
    type Present = A;
    fn present(self) -> Option<A> {
        self
    }
}

impl<A, B> Required for (Option<A>, Option<B>) {
    type Present = (A, B);
    fn present(self) -> Option<(A, B)> {
        self.0.zip(self.1)
    }
}

impl<A, B, C> Required for (Option<A>, Option<B>, Option<C>) {
    type Present = (A, B, C);
    fn present(self) -> Option<(A, B, C)> {
        Some((self.0?, self.1?, self.2?))
    }
}

/// Ends validation: the `ValidationException` listing every failure `v` collected, or else
/// the `required` members moved out of their `Option`s. Pass only members `v` checked with
/// [`Validator::required`]: a missing one has then failed validation already, so it cannot
/// reach the hand-over (which would answer `KMSInternalException`).
pub fn finish<R: Required>(v: Validator, required: R) -> Result<R::Present, KmsError> {
    v.finish()?;
    required.present().ok_or(KmsError::Internal)
}

/// Input of the operations that take only a key (EnableKey, DisableKey, DisableKeyRotation,
/// GetKeyRotationStatus, RotateKeyOnDemand, CancelKeyDeletion).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdInput {
    key_id: Option<String>,
}

impl KeyIdInput {
    /// The validated `KeyId`.
    pub fn validate(self) -> Result<String, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        finish(v, self.key_id)
    }
}

/// Adds the model's `KeyIdType` constraints (required, 1-2048).
pub fn validate_key_id(v: &mut Validator, key_id: Option<&String>) {
    v.required("KeyId", key_id);
    v.length("KeyId", key_id.map(String::as_str), 1, 2048, Echo::Value);
}

/// The model's `GrantTokenList` (0-10 tokens of 1-8192 characters).
pub fn validate_grant_tokens(v: &mut Validator, tokens: Option<&[String]>) {
    v.list_length("GrantTokens", tokens, 0, 10);
    v.member_lengths("GrantTokens", tokens, 1, 8192);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_members_are_handed_over_only_after_validation() {
        let mut v = Validator::new();
        v.required("KeyId", None::<&String>);
        assert!(matches!(
            finish(v, None::<String>),
            Err(KmsError::Common(_))
        ));
        assert_eq!(
            finish(Validator::new(), (Some(1), Some("a"), Some(2.5))),
            Ok((1, "a", 2.5))
        );
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
