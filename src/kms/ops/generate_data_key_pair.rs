//! GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh key pair of
//! `KeyPairSpec`, unrelated to the KMS key, whose private half (PKCS#8 DER) is sealed under a
//! symmetric encryption key exactly as Encrypt would seal it, bound to `EncryptionContext`,
//! so plain Decrypt opens `PrivateKeyCiphertextBlob`. Output: that blob, the public key as DER
//! SubjectPublicKeyInfo, `KeyId` (ARN), `KeyPairSpec`, `KeyMaterialId` of the sealing
//! material and, for GenerateDataKeyPair only, `PrivateKeyPlaintext` (the same PKCS#8 DER).
//!
//! Order: the model's constraints, `SM2` (a China Regions spec, `UnsupportedOperationException`;
//! AWS's text outside China is not documented), `Recipient` (refused as everywhere), grant
//! tokens, then the key (existence, AWS managed, state), its usage and spec (the texts of
//! GenerateDataKey), then `DryRun`. Only then is the pair generated, with no lock held (an
//! RSA_4096 pair takes a moment), and the key is looked up again to seal it, so a key
//! disabled in between refuses the request as it would have before.
//!
//! The private key lives only in zeroizing buffers and is only ever serialized into the
//! response; KMS keeps nothing of the pair.

use serde::{Deserialize, Serialize};

use super::super::asymmetric::PrivateKey;
use super::super::key_spec::KeySpec;
use super::super::keys::Key;
use super::super::{EncryptionContext, KmsError, LocalKms, crypto};
use super::decrypt::{RecipientInfo, refuse_recipient};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// The model's `DataKeyPairSpec`, in its order.
const DATA_KEY_PAIR_SPECS: [&str; 9] = [
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SM2",
    "ECC_NIST_EDWARDS25519",
];

/// GenerateDataKeyPair / GenerateDataKeyPairWithoutPlaintext input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairInput {
    encryption_context: Option<EncryptionContext>,
    key_id: Option<String>,
    key_pair_spec: Option<String>,
    grant_tokens: Option<Vec<String>>,
    recipient: Option<RecipientInfo>,
    dry_run: Option<bool>,
}

/// GenerateDataKeyPair output (GenerateDataKeyPairWithoutPlaintext: without
/// `PrivateKeyPlaintext`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateDataKeyPairOutput {
    private_key_ciphertext_blob: SecretBlob,
    #[serde(skip_serializing_if = "Option::is_none")]
    private_key_plaintext: Option<SecretBlob>,
    public_key: SecretBlob,
    key_id: String,
    key_pair_spec: &'static str,
    key_material_id: String,
}

/// Serves GenerateDataKeyPair.
pub fn generate_data_key_pair(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateDataKeyPairInput,
) -> Result<GenerateDataKeyPairOutput, KmsError> {
    generate(kms, ctx, input, "GenerateDataKeyPair", true)
}

/// Serves GenerateDataKeyPairWithoutPlaintext (no `PrivateKeyPlaintext`; the operation has no
/// `Recipient` member, so one sent anyway is ignored like any unknown member).
pub fn generate_data_key_pair_without_plaintext(
    kms: &LocalKms,
    ctx: &RequestCtx,
    mut input: GenerateDataKeyPairInput,
) -> Result<GenerateDataKeyPairOutput, KmsError> {
    input.recipient = None;
    generate(
        kms,
        ctx,
        input,
        "GenerateDataKeyPairWithoutPlaintext",
        false,
    )
}

/// A valid request.
struct ValidPairRequest {
    key_id: String,
    spec: KeySpec,
    context: EncryptionContext,
    dry_run: bool,
}

impl GenerateDataKeyPairInput {
    fn validate(self) -> Result<ValidPairRequest, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("KeyPairSpec", self.key_pair_spec.as_ref());
        v.one_of(
            "KeyPairSpec",
            self.key_pair_spec.as_deref(),
            &DATA_KEY_PAIR_SPECS,
        );
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let (key_id, spec_name) = finish(v, (self.key_id, self.key_pair_spec))?;
        // Every name of the enum but SM2 is a key spec Lockbox holds.
        let Some(spec) = KeySpec::parse(&spec_name) else {
            // Unverified: AWS's text for SM2 outside its China Regions is not documented;
            // this is the one CreateKey uses.
            return Err(KmsError::UnsupportedOperation(format!(
                "KeyPairSpec {spec_name} is not supported in this region."
            )));
        };
        refuse_recipient(self.recipient.as_ref())?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidPairRequest {
            key_id,
            spec,
            context: self.encryption_context.unwrap_or_default(),
            dry_run: self.dry_run == Some(true),
        })
    }
}

/// Fails unless `key` may seal a data key pair for `operation`: a symmetric encryption key.
fn check_wrapping_key(key: &Key, operation: &str) -> Result<(), KmsError> {
    key.check_symmetric(operation)
}

fn generate(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateDataKeyPairInput,
    operation: &'static str,
    with_plaintext: bool,
) -> Result<GenerateDataKeyPairOutput, KmsError> {
    let request = input.validate()?;
    let rule = KeyRule::crypto(action_of(operation));
    read_key(kms, ctx, &request.key_id, rule, |key| {
        check_wrapping_key(key, operation)?;
        if request.dry_run {
            return Err(KmsError::DryRun);
        }
        Ok(())
    })?;
    // No lock is held here: RSA key generation is slow.
    let pair = PrivateKey::generate(request.spec).map_err(|error| {
        tracing::error!(%error, "generating a data key pair");
        KmsError::Internal
    })?;
    let private_der = pair.to_pkcs8_v1_der().map_err(|_| KmsError::Internal)?;
    let public_key = pair.public_key_der().map_err(|_| KmsError::Internal)?;
    drop(pair);
    read_key(kms, ctx, &request.key_id, rule, |key| {
        check_wrapping_key(key, operation)?;
        let sealed = crypto::seal(key, &private_der, &request.context)?;
        Ok(GenerateDataKeyPairOutput {
            private_key_ciphertext_blob: SecretBlob::new(sealed.blob),
            private_key_plaintext: with_plaintext.then(|| SecretBlob::new(private_der.clone())),
            public_key: SecretBlob::new(public_key),
            key_id: key.arn.clone(),
            key_pair_spec: request.spec.as_str(),
            key_material_id: sealed.key_material_id,
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, operation))
}

/// The IAM action of `operation` (`kms:<operation>`).
fn action_of(operation: &'static str) -> &'static str {
    match operation {
        "GenerateDataKeyPair" => "kms:GenerateDataKeyPair",
        _ => "kms:GenerateDataKeyPairWithoutPlaintext",
    }
}
