//! Decrypt: opens a ciphertext blob made by Encrypt, GenerateDataKey* or ReEncrypt. `KeyId` is
//! optional (the blob names its key); given, it must be that key (`IncorrectKeyException`).
//! A garbled blob or a different encryption context is `InvalidCiphertextException` with no
//! message; a blob naming a key the caller cannot see is the AccessDenied "ciphertext refers
//! to..." answer. Output: `KeyId` (ARN), `Plaintext`, `EncryptionAlgorithm`, `KeyMaterialId`.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{EncryptionContext, KmsCaller, KmsError, LocalKms, crypto};
use super::support::{
    DRY_RUN_MODIFIERS, ENCRYPTION_ALGORITHMS, check_algorithm, check_grant_tokens,
    deny_aws_managed, validate_grant_tokens,
};
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::{Echo, Validator};

/// Decrypt input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptInput {
    ciphertext_blob: Option<SecretBlob>,
    encryption_context: Option<EncryptionContext>,
    grant_tokens: Option<Vec<String>>,
    key_id: Option<String>,
    encryption_algorithm: Option<String>,
    recipient: Option<serde_json::Value>,
    dry_run: Option<bool>,
    dry_run_modifiers: Option<Vec<String>>,
}

/// Decrypt output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptOutput {
    key_id: String,
    plaintext: SecretBlob,
    encryption_algorithm: &'static str,
    key_material_id: String,
}

/// Validates the members Decrypt and ReEncrypt share for the ciphertext side.
pub(super) fn validate_ciphertext(v: &mut Validator, blob: Option<&SecretBlob>, required: bool) {
    if required {
        v.required("CiphertextBlob", blob);
    }
    v.blob_length("CiphertextBlob", blob.map(|b| b.0.as_slice()), 1, 6144);
}

/// `Recipient` (Nitro Enclaves attestation) cannot be emulated; refusing it beats answering
/// without the `CiphertextForRecipient` the caller relies on. [I]
pub(super) fn refuse_recipient(recipient: Option<&serde_json::Value>) -> Result<(), KmsError> {
    match recipient {
        None => Ok(()),
        Some(_) => Err(KmsError::Validation(
            "Lockbox does not support Recipient (Nitro Enclaves attestation).".into(),
        )),
    }
}

/// Serves Decrypt.
pub fn decrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DecryptInput,
) -> Result<DecryptOutput, KmsError> {
    let ignore_ciphertext = input.dry_run == Some(true)
        && input
            .dry_run_modifiers
            .iter()
            .flatten()
            .any(|m| m == "IGNORE_CIPHERTEXT");
    let mut v = Validator::new();
    validate_ciphertext(
        &mut v,
        input.ciphertext_blob.as_ref(),
        !(ignore_ciphertext && input.key_id.is_some()),
    );
    v.length("KeyId", input.key_id.as_deref(), 1, 2048, Echo::Value);
    validate_grant_tokens(&mut v, input.grant_tokens.as_deref());
    v.one_of(
        "EncryptionAlgorithm",
        input.encryption_algorithm.as_deref(),
        &ENCRYPTION_ALGORITHMS,
    );
    for modifier in input.dry_run_modifiers.iter().flatten() {
        v.one_of("DryRunModifiers", Some(modifier), &DRY_RUN_MODIFIERS);
    }
    v.finish()?;
    refuse_recipient(input.recipient.as_ref())?;
    check_grant_tokens(input.grant_tokens.as_deref())?;

    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let expected = match input.key_id.as_deref() {
        Some(key_id) => Some(kms.resolve(caller, &ring, key_id, Accepts::KeyOrAlias)?),
        None => None,
    };
    let keys = ring.keys.read();
    let algorithm = input.encryption_algorithm.as_deref();
    if let (true, Some(expected)) = (ignore_ciphertext, expected.as_deref()) {
        let key = keys.get(expected).ok_or(KmsError::Internal)?;
        deny_aws_managed(ctx, key, "kms:Decrypt")?;
        key.check_usable()?;
        check_algorithm(algorithm)?;
        return Err(KmsError::DryRun);
    }
    let blob = input.ciphertext_blob.ok_or(KmsError::Internal)?;
    let context = input.encryption_context.unwrap_or_default();
    let opened = crypto::open_checked(&keys, &blob.0, &context, |key| {
        if expected.as_deref().is_some_and(|id| id != key.id) {
            return Err(KmsError::IncorrectKey);
        }
        deny_aws_managed(ctx, key, "kms:Decrypt")?;
        key.check_usable()?;
        check_algorithm(algorithm).map(|_| ())
    })?;
    if input.dry_run == Some(true) {
        return Err(KmsError::DryRun);
    }
    Ok(DecryptOutput {
        key_id: opened.key_arn,
        plaintext: SecretBlob(opened.plaintext),
        encryption_algorithm: super::support::SYMMETRIC_DEFAULT,
        key_material_id: opened.key_material_id,
    })
}
