//! What PutSecretValue and UpdateSecret share when a request carries a value: model checks
//! for the value members, ClientRequestToken idempotency (see [`replay`]) and the commit
//! of a sealed value as a new version (or into a value-less rotation placeholder).
//!
//! Protocol: read what the token names under the shared lock, compare or seal with no lock
//! held (KMS work), then [`commit`] under the exclusive lock, re-checking everything the
//! first look saw. Invariant: a version's value, once set, never changes (re-encryption under
//! another key keeps the plaintext).

use time::OffsetDateTime;

use super::super::SecretsManager;
use super::super::error::{SmError, text};
use super::super::labels;
use super::super::secret::{AccessDay, SealedValue, Secret, Version};
use super::super::value::{self, SecretValue};
use crate::api::ctx::RequestCtx;
use crate::api::json::{SecretBlob, SecretText};
use crate::api::validate::{Echo, Validator};

/// Adds the model's constraints on `SecretString` / `SecretBinary` (1-65536, sensitive).
pub fn validate_value(v: &mut Validator, string: Option<&SecretText>, binary: Option<&SecretBlob>) {
    v.blob_length("SecretBinary", binary.map(|b| b.0.as_slice()), 1, 65_536);
    v.length(
        "SecretString",
        string.map(|s| s.0.as_str()),
        1,
        65_536,
        Echo::Redact,
    );
}

/// The version a ClientRequestToken already names, as seen under the shared lock.
#[derive(Debug)]
pub struct Existing {
    /// Its sealed value; `None` for a rotation placeholder.
    pub value: Option<SealedValue>,
    /// Its labels.
    pub stages: Vec<String>,
}

impl Existing {
    /// The version `token` names in `secret`, if any.
    pub fn find(secret: &Secret, token: &str) -> Option<Existing> {
        secret.version(token).map(|version| Existing {
            value: version.value.clone(),
            stages: version.stages.clone(),
        })
    }
}

/// What to do with a request whose token may name an existing version.
#[derive(Debug)]
pub enum Replay {
    /// The token names a version with this very value: succeed without change, reporting
    /// that version's labels.
    Same(Vec<String>),
    /// Seal the value and commit it (a new version, or a placeholder being filled).
    Write,
}

/// ClientRequestToken idempotency: same token and same value (same kind, same bytes)
/// is a no-op; same token and another value is `ResourceExistsException`; a value-less
/// placeholder is filled.
pub fn replay(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    arn: &str,
    token: &str,
    existing: Option<&Existing>,
    value: &SecretValue,
) -> Result<Replay, SmError> {
    let Some(existing) = existing else {
        return Ok(Replay::Write);
    };
    let Some(sealed) = &existing.value else {
        return Ok(Replay::Write);
    };
    let stored = value::open(&sm.kms, ctx, arn, token, sealed)?;
    if stored.same_as(value) {
        Ok(Replay::Same(existing.stages.clone()))
    } else {
        Err(token_in_use(token, arn))
    }
}

/// `ResourceExistsException` for a token already used by a version with another value.
pub fn token_in_use(token: &str, arn: &str) -> SmError {
    SmError::ResourceExists(format!(
        "You can't use ClientRequestToken {token} because that value is already in use for a version of secret {arn}."
    ))
}

/// `InvalidRequestException` for a value without a token (raw requests; SDKs always fill it).
pub fn token_required() -> SmError {
    SmError::InvalidRequest(text::TOKEN_REQUIRED.to_owned())
}

/// Fails unless `secret` is still the active secret whose ARN the first look saw.
pub fn recheck(secret: &Secret, arn: &str) -> Result<(), SmError> {
    secret.ensure_not_deleted()?;
    if secret.arn != arn {
        // Deleted and re-created between the two looks: the secret we sealed for is gone.
        return Err(SmError::secret_not_found());
    }
    Ok(())
}

/// Stores `sealed` as version `token`: a new version placed by the label rules, or the value
/// of the placeholder `token` names. Returns the labels now on that version.
pub fn commit(
    secret: &mut Secret,
    token: &str,
    sealed: SealedValue,
    stages: Option<&[String]>,
    now: OffsetDateTime,
) -> Result<Vec<String>, SmError> {
    match secret.versions.iter().position(|v| v.id == token) {
        None => {
            let version = Version {
                id: token.to_owned(),
                stages: Vec::new(),
                created: now,
                last_accessed: AccessDay::default(),
                value: Some(sealed),
            };
            labels::add_version(&mut secret.versions, version, stages, now)?;
        }
        Some(index) if secret.versions[index].value.is_none() => {
            labels::fill_placeholder(&mut secret.versions, token, stages)?;
            secret.versions[index].value = Some(sealed);
        }
        // Another request with the same token won the race: no decryption under the lock,
        // so report the token as taken.
        Some(_) => return Err(token_in_use(token, &secret.arn)),
    }
    secret.record_change(now);
    Ok(secret
        .version(token)
        .map(|v| v.stages.clone())
        .unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::secretsmanager::labels::AWSPENDING;
    use crate::secretsmanager::secret::{AWSCURRENT, ValueKind};

    fn sealed(byte: u8) -> SealedValue {
        SealedValue {
            kind: ValueKind::Text,
            ciphertext: vec![byte],
            encrypted_data_key: Vec::new(),
            key_arn: "arn:aws:kms:us-east-1:000000000000:key/k".into(),
        }
    }

    fn secret_with_placeholder() -> Secret {
        let at = OffsetDateTime::UNIX_EPOCH;
        let version = |id: &str, stage: &str, value: Option<SealedValue>| Version {
            id: id.into(),
            stages: vec![stage.into()],
            created: at,
            last_accessed: AccessDay::default(),
            value,
        };
        Secret {
            versions: vec![
                version("current", AWSCURRENT, Some(sealed(1))),
                version("pending", AWSPENDING, None),
            ],
            ..Secret::new(
                "s".into(),
                "arn:aws:secretsmanager:us-east-1:000000000000:secret:s-AbCdEf".into(),
                at,
            )
        }
    }

    /// PutSecretValue with a rotation placeholder's token fills it (how rotation functions
    /// store the pending value).
    #[test]
    fn a_placeholder_token_fills_the_placeholder() {
        let mut secret = secret_with_placeholder();
        let now = OffsetDateTime::UNIX_EPOCH + time::Duration::hours(1);
        let pending = vec![AWSPENDING.to_owned()];
        let stages = commit(&mut secret, "pending", sealed(2), Some(&pending), now).unwrap();
        assert_eq!(stages, [AWSPENDING]);
        assert_eq!(secret.versions.len(), 2);
        assert_eq!(secret.versions[1].value.as_ref().unwrap().ciphertext, [2]);
        assert_eq!(secret.last_changed, now);
        // Once filled, the token is taken.
        let again = commit(&mut secret, "pending", sealed(3), None, now);
        assert_eq!(
            again,
            Err(token_in_use("pending", &secret.arn)),
            "a filled version is never overwritten"
        );
    }

    #[test]
    fn last_changed_strictly_increases() {
        let mut secret = secret_with_placeholder();
        let now = secret.last_changed;
        secret.record_change(now);
        assert!(secret.last_changed > now);
    }
}
