//! GenerateDataKey and GenerateDataKeyWithoutPlaintext: a random data key of `KeySpec`
//! (`AES_256` = 32 bytes, `AES_128` = 16) or `NumberOfBytes` (1-1024) — exactly one of the
//! two — sealed under a symmetric key exactly as Encrypt would seal it, so the blob decrypts
//! with plain Decrypt. The plaintext key lives in a zeroizing buffer and is only ever
//! serialized into the GenerateDataKey response.

use rand::Rng as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::super::local::Accepts;
use super::super::{EncryptionContext, KmsCaller, KmsError, LocalKms, crypto};
use super::decrypt::refuse_recipient;
use super::support::{check_grant_tokens, deny_aws_managed, validate_grant_tokens};
use super::validate_key_id;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

const DATA_KEY_SPECS: [&str; 2] = ["AES_256", "AES_128"];

/// GenerateDataKey / GenerateDataKeyWithoutPlaintext input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyInput {
    key_id: Option<String>,
    encryption_context: Option<EncryptionContext>,
    number_of_bytes: Option<i64>,
    key_spec: Option<String>,
    grant_tokens: Option<Vec<String>>,
    recipient: Option<serde_json::Value>,
    dry_run: Option<bool>,
}

/// GenerateDataKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyOutput {
    ciphertext_blob: SecretBlob,
    #[serde(skip_serializing_if = "Option::is_none")]
    plaintext: Option<SecretBlob>,
    key_id: String,
    key_material_id: String,
}

/// Serves GenerateDataKey.
pub fn generate_data_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateDataKeyInput,
) -> Result<GenerateDataKeyOutput, KmsError> {
    generate(kms, ctx, input, "kms:GenerateDataKey", true)
}

/// Serves GenerateDataKeyWithoutPlaintext (the same, minus `Plaintext`; it has no `Recipient`).
pub fn generate_data_key_without_plaintext(
    kms: &LocalKms,
    ctx: &RequestCtx,
    mut input: GenerateDataKeyInput,
) -> Result<GenerateDataKeyOutput, KmsError> {
    input.recipient = None;
    generate(
        kms,
        ctx,
        input,
        "kms:GenerateDataKeyWithoutPlaintext",
        false,
    )
}

fn generate(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateDataKeyInput,
    action: &str,
    with_plaintext: bool,
) -> Result<GenerateDataKeyOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.range("NumberOfBytes", input.number_of_bytes, 1, 1024);
    v.one_of("KeySpec", input.key_spec.as_deref(), &DATA_KEY_SPECS);
    validate_grant_tokens(&mut v, input.grant_tokens.as_deref());
    v.finish()?;
    let length = match (input.key_spec.as_deref(), input.number_of_bytes) {
        (Some("AES_256"), None) => 32,
        (Some(_), None) => 16,
        (None, Some(bytes)) => usize::try_from(bytes).map_err(|_| KmsError::Internal)?,
        // [Mo] wording; AWS's is unverified. Pinned in tests/kms_crypto.rs.
        _ => {
            return Err(KmsError::Validation(
                "Please specify either number of bytes or key spec.".into(),
            ));
        }
    };
    refuse_recipient(input.recipient.as_ref())?;
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
    deny_aws_managed(ctx, key, action)?;
    key.check_usable()?;
    if input.dry_run == Some(true) {
        return Err(KmsError::DryRun);
    }
    let data_key = random_bytes(length);
    let context = input.encryption_context.unwrap_or_default();
    let sealed = crypto::seal(key, &data_key, &context)?;
    Ok(GenerateDataKeyOutput {
        ciphertext_blob: SecretBlob(sealed.blob.into()),
        plaintext: with_plaintext.then_some(SecretBlob(data_key)),
        key_id: key.arn.clone(),
        key_material_id: sealed.key_material_id,
    })
}

/// `length` bytes from the thread-local CSPRNG, in a zeroizing buffer.
pub(super) fn random_bytes(length: usize) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(vec![0u8; length]);
    rand::rng().fill(bytes.as_mut_slice());
    bytes
}
