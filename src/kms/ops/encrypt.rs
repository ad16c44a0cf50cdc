//! Encrypt: seals up to 4096 bytes under a symmetric key (any identifier form), binding the
//! encryption context. Output: `CiphertextBlob`, `KeyId` (the key ARN), `EncryptionAlgorithm`
//! (no `KeyMaterialId`, as in the model).

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{EncryptionContext, KmsCaller, KmsError, LocalKms, crypto};
use super::support::{
    ENCRYPTION_ALGORITHMS, check_algorithm, check_grant_tokens, deny_aws_managed,
    validate_grant_tokens,
};
use super::validate_key_id;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// Encrypt input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptInput {
    key_id: Option<String>,
    plaintext: Option<SecretBlob>,
    encryption_context: Option<EncryptionContext>,
    grant_tokens: Option<Vec<String>>,
    encryption_algorithm: Option<String>,
    dry_run: Option<bool>,
}

/// Encrypt output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptOutput {
    ciphertext_blob: SecretBlob,
    key_id: String,
    encryption_algorithm: &'static str,
}

/// Serves Encrypt.
pub fn encrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: EncryptInput,
) -> Result<EncryptOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.required("Plaintext", input.plaintext.as_ref());
    v.blob_length(
        "Plaintext",
        input.plaintext.as_ref().map(|p| p.0.as_slice()),
        1,
        4096,
    );
    validate_grant_tokens(&mut v, input.grant_tokens.as_deref());
    v.one_of(
        "EncryptionAlgorithm",
        input.encryption_algorithm.as_deref(),
        &ENCRYPTION_ALGORITHMS,
    );
    v.finish()?;
    check_grant_tokens(input.grant_tokens.as_deref())?;

    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let id = kms.resolve(
        caller,
        &ring,
        input.key_id.as_deref().unwrap_or_default(),
        Accepts::KeyOrAlias,
    )?;
    let keys = ring.keys.read();
    let key = keys.get(&id).ok_or(KmsError::Internal)?;
    deny_aws_managed(ctx, key, "kms:Encrypt")?;
    key.check_usable()?;
    let algorithm = check_algorithm(input.encryption_algorithm.as_deref())?;
    if input.dry_run == Some(true) {
        return Err(KmsError::DryRun);
    }
    let plaintext = input.plaintext.ok_or(KmsError::Internal)?;
    let context = input.encryption_context.unwrap_or_default();
    let sealed = crypto::seal(key, &plaintext.0, &context)?;
    Ok(EncryptOutput {
        ciphertext_blob: SecretBlob(sealed.blob.into()),
        key_id: key.arn.clone(),
        encryption_algorithm: algorithm,
    })
}
