//! GenerateDataKey and GenerateDataKeyWithoutPlaintext: a random data key of `KeySpec`
//! (`AES_256` = 32 bytes, `AES_128` = 16) or `NumberOfBytes` (1-1024) — exactly one of the
//! two — sealed under a symmetric key exactly as Encrypt would seal it, so the blob decrypts
//! with plain Decrypt. The plaintext key lives in a zeroizing buffer and is only ever
//! serialized into the GenerateDataKey response.

use rand::Rng as _;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::super::{EncryptionContext, KmsError, LocalKms, crypto};
use super::decrypt::{RecipientInfo, refuse_recipient};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
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
    recipient: Option<RecipientInfo>,
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

/// A valid GenerateDataKey request.
struct ValidGenerate {
    key_id: String,
    /// Bytes of data key.
    length: usize,
    context: EncryptionContext,
    dry_run: bool,
}

impl GenerateDataKeyInput {
    fn validate(self) -> Result<ValidGenerate, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.range("NumberOfBytes", self.number_of_bytes, 1, 1024);
        v.one_of("KeySpec", self.key_spec.as_deref(), &DATA_KEY_SPECS);
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let key_id = finish(v, self.key_id)?;
        let length = match (self.key_spec.as_deref(), self.number_of_bytes) {
            (Some("AES_256"), None) => 32,
            (Some(_), None) => 16,
            (None, Some(bytes)) => usize::try_from(bytes).map_err(|_| KmsError::Internal)?,
            // moto's wording; AWS's is not documented. Pinned in tests/kms_crypto.rs.
            _ => {
                return Err(KmsError::Validation(
                    "Please specify either number of bytes or key spec.".into(),
                ));
            }
        };
        refuse_recipient(self.recipient.as_ref())?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidGenerate {
            key_id,
            length,
            context: self.encryption_context.unwrap_or_default(),
            dry_run: self.dry_run == Some(true),
        })
    }
}

fn generate(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateDataKeyInput,
    action: &'static str,
    with_plaintext: bool,
) -> Result<GenerateDataKeyOutput, KmsError> {
    let input = input.validate()?;
    read_key(kms, ctx, &input.key_id, KeyRule::crypto(action), |key| {
        key.check_symmetric(action.trim_start_matches("kms:"))?;
        if input.dry_run {
            return Err(KmsError::DryRun);
        }
        let data_key = random_bytes(input.length);
        let sealed = crypto::seal(key, &data_key, &input.context)?;
        Ok(GenerateDataKeyOutput {
            ciphertext_blob: SecretBlob::new(sealed.blob),
            plaintext: with_plaintext.then_some(SecretBlob::new(data_key)),
            key_id: key.arn.clone(),
            key_material_id: sealed.key_material_id,
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, action.trim_start_matches("kms:")))
}

/// `length` bytes from the thread-local CSPRNG, in a zeroizing buffer.
pub(super) fn random_bytes(length: usize) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(vec![0u8; length]);
    rand::rng().fill(bytes.as_mut_slice());
    bytes
}
