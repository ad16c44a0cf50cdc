//! ReEncrypt: decrypts a blob (as Decrypt, with `SourceKeyId` and `SourceEncryptionContext`)
//! and encrypts the plaintext under `DestinationKeyId` with `DestinationEncryptionContext`,
//! without the plaintext leaving KMS. Output per the model: `CiphertextBlob`, `SourceKeyId`
//! and `KeyId` (ARNs), both algorithms, `SourceKeyMaterialId`, `DestinationKeyMaterialId`.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{EncryptionContext, KmsCaller, KmsError, LocalKms, crypto};
use super::decrypt::validate_ciphertext;
use super::support::{
    DRY_RUN_MODIFIERS, ENCRYPTION_ALGORITHMS, check_algorithm, check_grant_tokens,
    deny_aws_managed, validate_grant_tokens,
};
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::{Echo, Validator};

/// ReEncrypt input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptInput {
    ciphertext_blob: Option<SecretBlob>,
    source_encryption_context: Option<EncryptionContext>,
    source_key_id: Option<String>,
    destination_key_id: Option<String>,
    destination_encryption_context: Option<EncryptionContext>,
    source_encryption_algorithm: Option<String>,
    destination_encryption_algorithm: Option<String>,
    grant_tokens: Option<Vec<String>>,
    dry_run: Option<bool>,
    dry_run_modifiers: Option<Vec<String>>,
}

/// ReEncrypt output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReEncryptOutput {
    ciphertext_blob: SecretBlob,
    source_key_id: String,
    key_id: String,
    source_encryption_algorithm: &'static str,
    destination_encryption_algorithm: &'static str,
    source_key_material_id: String,
    destination_key_material_id: String,
}

/// Serves ReEncrypt.
pub fn re_encrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ReEncryptInput,
) -> Result<ReEncryptOutput, KmsError> {
    let mut v = Validator::new();
    validate_ciphertext(&mut v, input.ciphertext_blob.as_ref(), true);
    v.length(
        "SourceKeyId",
        input.source_key_id.as_deref(),
        1,
        2048,
        Echo::Value,
    );
    v.required("DestinationKeyId", input.destination_key_id.as_ref());
    v.length(
        "DestinationKeyId",
        input.destination_key_id.as_deref(),
        1,
        2048,
        Echo::Value,
    );
    for (member, value) in [
        (
            "SourceEncryptionAlgorithm",
            &input.source_encryption_algorithm,
        ),
        (
            "DestinationEncryptionAlgorithm",
            &input.destination_encryption_algorithm,
        ),
    ] {
        v.one_of(member, value.as_deref(), &ENCRYPTION_ALGORITHMS);
    }
    validate_grant_tokens(&mut v, input.grant_tokens.as_deref());
    for modifier in input.dry_run_modifiers.iter().flatten() {
        v.one_of("DryRunModifiers", Some(modifier), &DRY_RUN_MODIFIERS);
    }
    v.finish()?;
    check_grant_tokens(input.grant_tokens.as_deref())?;

    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let expected = match input.source_key_id.as_deref() {
        Some(key_id) => Some(kms.resolve(caller, &ring, key_id, Accepts::KeyOrAlias)?),
        None => None,
    };
    let destination_id = kms.resolve(
        caller,
        &ring,
        input.destination_key_id.as_deref().unwrap_or_default(),
        Accepts::KeyOrAlias,
    )?;
    let keys = ring.keys.read();
    let blob = input.ciphertext_blob.ok_or(KmsError::Internal)?;
    let source_context = input.source_encryption_context.unwrap_or_default();
    let source_algorithm = input.source_encryption_algorithm.as_deref();
    let opened = crypto::open_checked(&keys, &blob.0, &source_context, |key| {
        if expected.as_deref().is_some_and(|id| id != key.id) {
            return Err(KmsError::IncorrectKey);
        }
        deny_aws_managed(ctx, key, "kms:ReEncryptFrom")?;
        key.check_usable()?;
        check_algorithm(source_algorithm).map(|_| ())
    })?;
    let destination = keys.get(&destination_id).ok_or(KmsError::Internal)?;
    deny_aws_managed(ctx, destination, "kms:ReEncryptTo")?;
    destination.check_usable()?;
    let destination_algorithm = check_algorithm(input.destination_encryption_algorithm.as_deref())?;
    if input.dry_run == Some(true) {
        return Err(KmsError::DryRun);
    }
    let context = input.destination_encryption_context.unwrap_or_default();
    let sealed = crypto::seal(destination, &opened.plaintext, &context)?;
    Ok(ReEncryptOutput {
        ciphertext_blob: SecretBlob(sealed.blob.into()),
        source_key_id: opened.key_arn,
        key_id: destination.arn.clone(),
        source_encryption_algorithm: super::support::SYMMETRIC_DEFAULT,
        destination_encryption_algorithm: destination_algorithm,
        source_key_material_id: opened.key_material_id,
        destination_key_material_id: sealed.key_material_id,
    })
}
