//! GenerateMac and VerifyMac with an HMAC key (`GENERATE_VERIFY_MAC`, any identifier form).
//! KMS's order: the model's constraints (`Message` 1-4096 bytes, `Mac` 1-6144), the key
//! (existence, AWS managed, state), its usage (`<arn> key usage is ENCRYPT_DECRYPT which is
//! not valid for GenerateMac.`), the algorithm against the key's spec (`Algorithm HMAC_SHA_256
//! is incompatible with key spec HMAC_384.`), then `DryRun`, then the MAC (`mac.rs`). Output
//! `KeyId` is the key ARN; VerifyMac answers `MacValid: true` or `KMSInvalidMacException`.

use serde::{Deserialize, Serialize};

use super::super::key_spec::KeyUsage;
use super::super::keys::Key;
use super::super::{KmsError, LocalKms, mac};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// `MacAlgorithmSpec`.
const MAC_ALGORITHMS: [&str; 4] = [
    "HMAC_SHA_224",
    "HMAC_SHA_256",
    "HMAC_SHA_384",
    "HMAC_SHA_512",
];

/// GenerateMac input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateMacInput {
    message: Option<SecretBlob>,
    key_id: Option<String>,
    mac_algorithm: Option<String>,
    grant_tokens: Option<Vec<String>>,
    dry_run: Option<bool>,
}

/// VerifyMac input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyMacInput {
    message: Option<SecretBlob>,
    key_id: Option<String>,
    mac_algorithm: Option<String>,
    mac: Option<SecretBlob>,
    grant_tokens: Option<Vec<String>>,
    dry_run: Option<bool>,
}

/// GenerateMac output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GenerateMacOutput {
    mac: SecretBlob,
    mac_algorithm: &'static str,
    key_id: String,
}

/// VerifyMac output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyMacOutput {
    key_id: String,
    mac_valid: bool,
    mac_algorithm: &'static str,
}

/// A valid GenerateMac or VerifyMac request.
struct ValidMac {
    key_id: String,
    message: SecretBlob,
    algorithm: String,
    dry_run: bool,
}

fn validate_shared(
    v: &mut Validator,
    message: Option<&SecretBlob>,
    key_id: Option<&String>,
    algorithm: Option<&String>,
) {
    v.required("Message", message);
    v.blob_length("Message", message.map(|m| m.0.as_slice()), 1, 4096);
    validate_key_id(v, key_id);
    v.required("MacAlgorithm", algorithm);
    v.one_of(
        "MacAlgorithm",
        algorithm.map(String::as_str),
        &MAC_ALGORITHMS,
    );
}

impl GenerateMacInput {
    fn validate(self) -> Result<ValidMac, KmsError> {
        let mut v = Validator::new();
        validate_shared(
            &mut v,
            self.message.as_ref(),
            self.key_id.as_ref(),
            self.mac_algorithm.as_ref(),
        );
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let (message, key_id, algorithm) =
            finish(v, (self.message, self.key_id, self.mac_algorithm))?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidMac {
            key_id,
            message,
            algorithm,
            dry_run: self.dry_run == Some(true),
        })
    }
}

impl VerifyMacInput {
    fn validate(self) -> Result<(ValidMac, SecretBlob), KmsError> {
        let mut v = Validator::new();
        validate_shared(
            &mut v,
            self.message.as_ref(),
            self.key_id.as_ref(),
            self.mac_algorithm.as_ref(),
        );
        v.required("Mac", self.mac.as_ref());
        v.blob_length("Mac", self.mac.as_ref().map(|m| m.0.as_slice()), 1, 6144);
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let (message, key_id, algorithm) =
            finish(v, (self.message, self.key_id, self.mac_algorithm))?;
        let tag = self.mac.ok_or(KmsError::Internal)?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        let request = ValidMac {
            key_id,
            message,
            algorithm,
            dry_run: self.dry_run == Some(true),
        };
        Ok((request, tag))
    }
}

/// The key's HMAC material and algorithm name, once its usage and spec allow `algorithm`.
fn mac_key<'k>(
    key: &'k Key,
    operation: &str,
    algorithm: &str,
) -> Result<(&'k [u8], &'static str), KmsError> {
    key.check_usage(KeyUsage::GenerateVerifyMac, operation)?;
    let spec = key.key_type.spec();
    let Some(name) = MAC_ALGORITHMS
        .into_iter()
        .find(|name| *name == algorithm && key.key_type.macs_with(name))
    else {
        return Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {algorithm} is incompatible with key spec {}.",
            spec.as_str()
        )));
    };
    Ok((key.hmac_key().ok_or(KmsError::Internal)?, name))
}

/// Serves GenerateMac.
pub fn generate_mac(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GenerateMacInput,
) -> Result<GenerateMacOutput, KmsError> {
    let request = input.validate()?;
    let rule = KeyRule::crypto("kms:GenerateMac");
    read_key(kms, ctx, &request.key_id, rule, |key| {
        let (material, algorithm) = mac_key(key, "GenerateMac", &request.algorithm)?;
        if request.dry_run {
            return Err(KmsError::DryRun);
        }
        let tag = mac::compute(key.key_type.spec(), material, &request.message.0)?;
        Ok(GenerateMacOutput {
            mac: SecretBlob::new(tag),
            mac_algorithm: algorithm,
            key_id: key.arn.clone(),
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, "GenerateMac"))
}

/// Serves VerifyMac.
pub fn verify_mac(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: VerifyMacInput,
) -> Result<VerifyMacOutput, KmsError> {
    let (request, tag) = input.validate()?;
    let rule = KeyRule::crypto("kms:VerifyMac");
    read_key(kms, ctx, &request.key_id, rule, |key| {
        let (material, algorithm) = mac_key(key, "VerifyMac", &request.algorithm)?;
        if request.dry_run {
            return Err(KmsError::DryRun);
        }
        mac::verify(key.key_type.spec(), material, &request.message.0, &tag.0)?;
        Ok(VerifyMacOutput {
            key_id: key.arn.clone(),
            mac_valid: true,
            mac_algorithm: algorithm,
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, "VerifyMac"))
}
