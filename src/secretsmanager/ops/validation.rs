//! Input validation shared by the operations.
//!
//! Every operation checks the model's constraints with one [`Validator`], which collects all
//! failures and reports them together, in order. A member the model requires leaves its
//! `Option` only through [`Required`], made by [`require`] (which adds the "must not be null"
//! check) and opened by [`Required::take`] once the validator has passed: no handler reads a
//! required member with a default.

use super::super::error::SmError;
use crate::api::validate::{Echo, Validator};

/// A member the model requires, with its presence checked by the validator it was made with.
#[derive(Debug)]
pub struct Required<T>(Option<T>);

/// Adds the check that `member` is present and keeps its value for after validation.
pub fn require<T>(v: &mut Validator, member: &str, value: Option<T>) -> Required<T> {
    v.required(member, value.as_ref());
    Required(value)
}

impl<T> Required<T> {
    /// The value, if present, for the member's other checks.
    pub fn as_ref(&self) -> Option<&T> {
        self.0.as_ref()
    }

    /// The value, once the validator has passed. A missing value failed validation, so it
    /// cannot reach here; if it ever did, the request fails as an internal error rather than
    /// running on an empty value.
    pub fn take(self) -> Result<T, SmError> {
        self.0.ok_or(SmError::Internal)
    }
}

impl Required<String> {
    /// The value as `&str`, if present, for the member's other checks.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Adds the model's `SecretIdType` constraints (required, 1-2048).
pub fn secret_id(v: &mut Validator, secret_id: Option<String>) -> Required<String> {
    let secret_id = require(v, "SecretId", secret_id);
    v.length("SecretId", secret_id.as_deref(), 1, 2048, Echo::Value);
    secret_id
}

/// Validates an input whose only constrained member is `SecretId`; returns it.
pub fn only_secret_id(secret_id: Option<String>) -> Result<String, SmError> {
    let mut v = Validator::new();
    let secret_id = self::secret_id(&mut v, secret_id);
    v.finish()?;
    secret_id.take()
}

/// Validates an input made of `SecretId` and one more required member, `member`, whose other
/// constraints `check` adds; returns both values.
pub fn secret_id_and<T>(
    secret_id: Option<String>,
    member: &str,
    value: Option<T>,
    check: impl FnOnce(&mut Validator, Option<&T>),
) -> Result<(String, T), SmError> {
    let mut v = Validator::new();
    let secret_id = self::secret_id(&mut v, secret_id);
    let value = require(&mut v, member, value);
    check(&mut v, value.as_ref());
    v.finish()?;
    Ok((secret_id.take()?, value.take()?))
}

/// Adds the model's `ClientRequestTokenType` constraint (32-64).
pub fn token(v: &mut Validator, token: Option<&str>) {
    v.length("ClientRequestToken", token, 32, 64, Echo::Value);
}

/// Adds the constraints shared by CreateSecret and UpdateSecret: `Description` (0-2048),
/// `KmsKeyId` (0-2048) and `Type` (0-256).
pub fn metadata(
    v: &mut Validator,
    description: Option<&str>,
    kms_key_id: Option<&str>,
    secret_type: Option<&str>,
) {
    v.length("Description", description, 0, 2048, Echo::Value);
    v.length("KmsKeyId", kms_key_id, 0, 2048, Echo::Value);
    v.length("Type", secret_type, 0, 256, Echo::Value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::WireError as _;

    #[test]
    fn a_missing_required_member_is_reported_with_the_other_failures_in_order() {
        let mut v = Validator::new();
        let id = secret_id(&mut v, None);
        v.length("VersionId", Some("short"), 32, 64, Echo::Value);
        let error = SmError::from(v.finish().unwrap_err());
        assert_eq!(
            error.message().unwrap(),
            "2 validation errors detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null; Value 'short' at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32"
        );
        assert_eq!(id.take(), Err(SmError::Internal));
    }

    #[test]
    fn a_present_member_is_handed_on() {
        assert_eq!(only_secret_id(Some("db".into())), Ok("db".to_owned()));
        assert!(only_secret_id(Some(String::new())).is_err());
    }
}
