//! Envelope encryption of secret values through KMS (the in-process KeyService, called on
//! the caller's behalf and audited by [`KmsOnBehalf`]).
//!
//! Each version gets its own AES-256 data key from GenerateDataKey with the encryption context
//! {"SecretARN": arn, "SecretVersionId": version id}; the value is sealed with AES-256-GCM and
//! the plaintext data key is dropped (zeroized) at once. Reads call Decrypt with the same context.

use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use super::error::{SmError, text};
use super::kms_calls::KmsOnBehalf;
use super::secret::{SealedValue, ValueKind};
use crate::api::ctx::RequestCtx;
use crate::api::json::{SecretBlob, SecretText};
use crate::crypto::aead;
use crate::kms::{EncryptionContext, KmsError};

/// A plaintext secret value, as it arrived or is about to leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretValue {
    /// `SecretString`.
    Text(SecretText),
    /// `SecretBinary`.
    Binary(SecretBlob),
}

impl SecretValue {
    /// Picks the value of a request: at most one of string and binary.
    pub fn from_members(
        string: Option<SecretText>,
        binary: Option<SecretBlob>,
    ) -> Result<Option<SecretValue>, SmError> {
        match (string, binary) {
            (Some(_), Some(_)) => Err(SmError::InvalidParameter(text::BOTH_VALUES.to_owned())),
            (Some(s), None) => Ok(Some(SecretValue::Text(s))),
            (None, Some(b)) => Ok(Some(SecretValue::Binary(b))),
            (None, None) => Ok(None),
        }
    }

    fn kind(&self) -> ValueKind {
        match self {
            SecretValue::Text(_) => ValueKind::Text,
            SecretValue::Binary(_) => ValueKind::Binary,
        }
    }

    /// The value's bytes (UTF-8 for text).
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            SecretValue::Text(text) => text.0.as_bytes(),
            SecretValue::Binary(blob) => blob.0.as_slice(),
        }
    }

    /// Same kind and same bytes, compared in constant time.
    pub fn same_as(&self, other: &SecretValue) -> bool {
        self.kind() == other.kind() && bool::from(self.bytes().ct_eq(other.bytes()))
    }
}

fn context(arn: &str, version_id: &str) -> EncryptionContext {
    [
        ("SecretARN".to_owned(), arn.to_owned()),
        ("SecretVersionId".to_owned(), version_id.to_owned()),
    ]
    .into_iter()
    .collect()
}

/// Associated data binding the value ciphertext to its secret and version.
fn value_aad(arn: &str, version_id: &str) -> Vec<u8> {
    format!("lockbox-secret-value-v1\0{arn}\0{version_id}").into_bytes()
}

/// The `SecretVersionId` of the GenerateDataKey + Decrypt pair Secrets Manager makes to check
/// the caller can use a KMS key when it is set or changed.
pub const KEY_ACCESS_CHECK: &str = "RequestToValidateKeyAccess";

/// What Secrets Manager says when KMS refuses the caller.
const KMS_ACCESS_DENIED: &str = "Access to KMS is not allowed";

/// Maps a KMS failure during a write to what Secrets Manager reports.
pub fn encryption_error(error: KmsError) -> SmError {
    match error {
        KmsError::InvalidKeyId(_) => SmError::InvalidParameter(
            "The operation failed because of an invalid KMS key: Invalid keyId".to_owned(),
        ),
        KmsError::AccessDenied(_) => SmError::AccessDenied(KMS_ACCESS_DENIED.to_owned()),
        KmsError::Internal => SmError::Internal,
        other => SmError::EncryptionFailure(format!(
            "Secrets Manager can't encrypt the secret value: {other}"
        )),
    }
}

/// Maps a KMS failure during a read: a refusal is `AccessDeniedException`, anything else
/// (disabled or pending-deletion key, tampered data) Secrets Manager's `DecryptionFailure`.
pub fn decryption_error(error: KmsError) -> SmError {
    tracing::warn!(
        code = error.code(),
        "KMS refused to decrypt a secret's data key"
    );
    match error {
        KmsError::AccessDenied(_) => SmError::AccessDenied(KMS_ACCESS_DENIED.to_owned()),
        _ => SmError::DecryptionFailure(text::DECRYPTION_FAILURE.to_owned()),
    }
}

/// The check Secrets Manager makes when a secret's KMS key is set or changed: a
/// GenerateDataKey and a Decrypt under `key_id` with the context {SecretARN: arn,
/// SecretVersionId: RequestToValidateKeyAccess}, results discarded. Returns the key's ARN.
pub fn check_key_access(
    kms: &KmsOnBehalf,
    ctx: &RequestCtx,
    key_id: Option<&str>,
    arn: &str,
) -> Result<String, SmError> {
    let probe = context(arn, KEY_ACCESS_CHECK);
    let data_key = kms
        .generate_data_key(ctx, owner_of(arn), key_id, &probe)
        .map_err(encryption_error)?;
    kms.decrypt(ctx, &data_key.key_arn, &data_key.ciphertext_blob, &probe)
        .map_err(encryption_error)?;
    Ok(data_key.key_arn)
}

/// The account owning the secret `arn`.
fn owner_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

/// Encrypts `value` for version `version_id` of the secret `arn` under `key_id`.
pub fn seal(
    kms: &KmsOnBehalf,
    ctx: &RequestCtx,
    key_id: Option<&str>,
    arn: &str,
    version_id: &str,
    value: &SecretValue,
) -> Result<SealedValue, SmError> {
    let data_key = kms
        .generate_data_key(ctx, owner_of(arn), key_id, &context(arn, version_id))
        .map_err(encryption_error)?;
    let ciphertext = aead::seal(
        &data_key.plaintext,
        value.bytes(),
        &value_aad(arn, version_id),
    )
    .map_err(|_| {
        tracing::error!("sealing a secret value failed");
        SmError::Internal
    })?;
    Ok(SealedValue {
        kind: value.kind(),
        ciphertext,
        encrypted_data_key: data_key.ciphertext_blob,
        key_arn: data_key.key_arn,
    })
}

/// Decrypts a stored version of the secret `arn`.
pub fn open(
    kms: &KmsOnBehalf,
    ctx: &RequestCtx,
    arn: &str,
    version_id: &str,
    sealed: &SealedValue,
) -> Result<SecretValue, SmError> {
    let decryption_failure = || SmError::DecryptionFailure(text::DECRYPTION_FAILURE.to_owned());
    let data_key = kms
        .decrypt(
            ctx,
            &sealed.key_arn,
            &sealed.encrypted_data_key,
            &context(arn, version_id),
        )
        .map_err(decryption_error)?;
    let key: Zeroizing<[u8; 32]> = Zeroizing::new(
        data_key
            .as_slice()
            .try_into()
            .map_err(|_| decryption_failure())?,
    );
    let plaintext = aead::open(&key, &sealed.ciphertext, &value_aad(arn, version_id))
        .map_err(|_| decryption_failure())?;
    match sealed.kind {
        ValueKind::Binary => Ok(SecretValue::Binary(SecretBlob::new(plaintext))),
        ValueKind::Text => {
            let text = String::from_utf8(plaintext.to_vec()).map_err(|_| decryption_failure())?;
            Ok(SecretValue::Text(SecretText::new(text)))
        }
    }
}
