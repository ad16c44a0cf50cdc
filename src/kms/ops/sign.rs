//! Sign and Verify with an asymmetric `SIGN_VERIFY` key (any identifier form). KMS's order:
//! the model's constraints (`Message` 1-4096 bytes, `Signature` 1-6144), the key (existence,
//! AWS managed, state), its usage (`<arn> key usage is ENCRYPT_DECRYPT which is not valid for
//! Sign.`), the algorithm against the key's spec (`Algorithm ECDSA_SHA_256 is incompatible
//! with key spec ECC_NIST_P521.`), the message type and digest length
//! (`ValidationException`), then `DryRun`, then the cryptography (`asymmetric::signing`).
//! Output `KeyId` is the key ARN; Verify answers `SignatureValid: true` or
//! `KMSInvalidSignatureException`.

use serde::{Deserialize, Serialize};

use super::super::asymmetric::{self, Message, PrivateKey, SigningAlgorithm};
use super::super::key_spec::KeyUsage;
use super::super::keys::Key;
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// `SigningAlgorithmSpec`, in the model's order.
const SIGNING_ALGORITHMS: [&str; 13] = [
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "ECDSA_SHA_256",
    "ECDSA_SHA_384",
    "ECDSA_SHA_512",
    "SM2DSA",
    "ML_DSA_SHAKE_256",
    "ED25519_SHA_512",
    "ED25519_PH_SHA_512",
];

/// `MessageType`.
const MESSAGE_TYPES: [&str; 3] = ["RAW", "DIGEST", "EXTERNAL_MU"];

/// Sign input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignInput {
    key_id: Option<String>,
    message: Option<SecretBlob>,
    message_type: Option<String>,
    grant_tokens: Option<Vec<String>>,
    signing_algorithm: Option<String>,
    dry_run: Option<bool>,
}

/// Verify input: Sign's members and the signature.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyInput {
    key_id: Option<String>,
    message: Option<SecretBlob>,
    message_type: Option<String>,
    signature: Option<SecretBlob>,
    signing_algorithm: Option<String>,
    grant_tokens: Option<Vec<String>>,
    dry_run: Option<bool>,
}

/// Sign output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignOutput {
    key_id: String,
    signature: SecretBlob,
    signing_algorithm: &'static str,
}

/// Verify output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifyOutput {
    key_id: String,
    signature_valid: bool,
    signing_algorithm: &'static str,
}

/// A valid Sign or Verify request.
struct ValidSigning {
    key_id: String,
    message: SecretBlob,
    message_type: String,
    /// The algorithm name, one of the model's.
    algorithm: String,
    dry_run: bool,
}

impl ValidSigning {
    fn message(&self) -> Message<'_> {
        match self.message_type.as_str() {
            "DIGEST" => Message::Digest(&self.message.0),
            "EXTERNAL_MU" => Message::ExternalMu(&self.message.0),
            _ => Message::Raw(&self.message.0),
        }
    }
}

/// The members Sign and Verify share, checked in member order.
struct Shared<'a> {
    key_id: Option<&'a String>,
    message: Option<&'a SecretBlob>,
    message_type: Option<&'a str>,
    grant_tokens: Option<&'a [String]>,
    algorithm: Option<&'a String>,
}

fn validate_shared(v: &mut Validator, input: &Shared<'_>) {
    validate_key_id(v, input.key_id);
    v.required("Message", input.message);
    v.blob_length("Message", input.message.map(|m| m.0.as_slice()), 1, 4096);
    v.one_of("MessageType", input.message_type, &MESSAGE_TYPES);
    validate_grant_tokens(v, input.grant_tokens);
    v.required("SigningAlgorithm", input.algorithm);
    v.one_of(
        "SigningAlgorithm",
        input.algorithm.map(String::as_str),
        &SIGNING_ALGORITHMS,
    );
}

impl SignInput {
    fn validate(self) -> Result<ValidSigning, KmsError> {
        let mut v = Validator::new();
        validate_shared(
            &mut v,
            &Shared {
                key_id: self.key_id.as_ref(),
                message: self.message.as_ref(),
                message_type: self.message_type.as_deref(),
                grant_tokens: self.grant_tokens.as_deref(),
                algorithm: self.signing_algorithm.as_ref(),
            },
        );
        let (key_id, message, algorithm) =
            finish(v, (self.key_id, self.message, self.signing_algorithm))?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidSigning {
            key_id,
            message,
            message_type: self.message_type.unwrap_or_else(|| "RAW".to_owned()),
            algorithm,
            dry_run: self.dry_run == Some(true),
        })
    }
}

impl VerifyInput {
    fn validate(self) -> Result<(ValidSigning, SecretBlob), KmsError> {
        let mut v = Validator::new();
        validate_shared(
            &mut v,
            &Shared {
                key_id: self.key_id.as_ref(),
                message: self.message.as_ref(),
                message_type: self.message_type.as_deref(),
                grant_tokens: self.grant_tokens.as_deref(),
                algorithm: self.signing_algorithm.as_ref(),
            },
        );
        v.required("Signature", self.signature.as_ref());
        v.blob_length(
            "Signature",
            self.signature.as_ref().map(|s| s.0.as_slice()),
            1,
            6144,
        );
        let (key_id, message, algorithm) =
            finish(v, (self.key_id, self.message, self.signing_algorithm))?;
        let signature = self.signature.ok_or(KmsError::Internal)?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        let request = ValidSigning {
            key_id,
            message,
            message_type: self.message_type.unwrap_or_else(|| "RAW".to_owned()),
            algorithm,
            dry_run: self.dry_run == Some(true),
        };
        Ok((request, signature))
    }
}

/// The key's private key and the algorithm, once the key's usage and spec allow it.
fn signing_key<'k>(
    key: &'k Key,
    operation: &str,
    algorithm: &str,
) -> Result<(&'k PrivateKey, SigningAlgorithm), KmsError> {
    key.check_usage(KeyUsage::SignVerify, operation)?;
    let parsed = SigningAlgorithm::parse(algorithm).filter(|_| key.key_type.signs_with(algorithm));
    let Some(parsed) = parsed else {
        return Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {algorithm} is incompatible with key spec {}.",
            key.key_type.spec().as_str()
        )));
    };
    Ok((key.private_key().ok_or(KmsError::Internal)?, parsed))
}

/// Serves Sign.
pub fn sign(kms: &LocalKms, ctx: &RequestCtx, input: SignInput) -> Result<SignOutput, KmsError> {
    let request = input.validate()?;
    read_key(
        kms,
        ctx,
        &request.key_id,
        KeyRule::crypto("kms:Sign"),
        |key| {
            let (private, algorithm) = signing_key(key, "Sign", &request.algorithm)?;
            if request.dry_run {
                asymmetric::check_message(private.spec(), algorithm, request.message())?;
                return Err(KmsError::DryRun);
            }
            let signature = asymmetric::sign(private, algorithm, request.message())?;
            Ok(SignOutput {
                key_id: key.arn.clone(),
                signature: SecretBlob::new(signature),
                signing_algorithm: algorithm.as_str(),
            })
        },
    )
    .inspect(|out| record_use(kms, ctx, &out.key_id, "Sign"))
}

/// Serves Verify.
pub fn verify(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: VerifyInput,
) -> Result<VerifyOutput, KmsError> {
    let (request, signature) = input.validate()?;
    read_key(
        kms,
        ctx,
        &request.key_id,
        KeyRule::crypto("kms:Verify"),
        |key| {
            let (private, algorithm) = signing_key(key, "Verify", &request.algorithm)?;
            if request.dry_run {
                asymmetric::check_message(private.spec(), algorithm, request.message())?;
                return Err(KmsError::DryRun);
            }
            asymmetric::verify(private, algorithm, request.message(), &signature.0)?;
            Ok(VerifyOutput {
                key_id: key.arn.clone(),
                signature_valid: true,
                signing_algorithm: algorithm.as_str(),
            })
        },
    )
    .inspect(|out| record_use(kms, ctx, &out.key_id, "Verify"))
}
