//! Encrypt: seals up to 4096 bytes under a symmetric key (any identifier form), binding the
//! encryption context, or encrypts one OAEP block with an RSA `ENCRYPT_DECRYPT` key and its
//! `RSAES_OAEP_*` algorithm (no context). Output: `CiphertextBlob`, `KeyId` (the key ARN),
//! `EncryptionAlgorithm` (no `KeyMaterialId`, as in the model).

use serde::{Deserialize, Serialize};

use super::super::asymmetric::encryption;
use super::super::{EncryptionContext, KmsError, LocalKms, crypto};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::{
    ENCRYPTION_ALGORITHMS, Encryption, check_algorithm, check_grant_tokens, rsa_key,
};
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// What Encrypt requires of the key.
const ENCRYPT: KeyRule = KeyRule::crypto("kms:Encrypt");

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

/// A valid Encrypt request.
struct ValidEncrypt {
    key_id: String,
    plaintext: SecretBlob,
    context: EncryptionContext,
    algorithm: Option<String>,
    dry_run: bool,
}

impl EncryptInput {
    fn validate(self) -> Result<ValidEncrypt, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("Plaintext", self.plaintext.as_ref());
        v.blob_length(
            "Plaintext",
            self.plaintext.as_ref().map(|p| p.0.as_slice()),
            1,
            4096,
        );
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        v.one_of(
            "EncryptionAlgorithm",
            self.encryption_algorithm.as_deref(),
            &ENCRYPTION_ALGORITHMS,
        );
        let (key_id, plaintext) = finish(v, (self.key_id, self.plaintext))?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidEncrypt {
            key_id,
            plaintext,
            context: self.encryption_context.unwrap_or_default(),
            algorithm: self.encryption_algorithm,
            dry_run: self.dry_run == Some(true),
        })
    }
}

/// Serves Encrypt.
pub fn encrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: EncryptInput,
) -> Result<EncryptOutput, KmsError> {
    let input = input.validate()?;
    read_key(kms, ctx, &input.key_id, ENCRYPT, |key| {
        let algorithm = check_algorithm(key, "Encrypt", input.algorithm.as_deref())?;
        let plaintext = &input.plaintext.0;
        let rsa = match algorithm {
            Encryption::Rsa(hash) => Some((
                rsa_key(key, hash, &input.context, Some(plaintext.len()))?,
                hash,
            )),
            Encryption::Symmetric => None,
        };
        if input.dry_run {
            return Err(KmsError::DryRun);
        }
        let blob = match rsa {
            Some((private, hash)) => encryption::encrypt(private, hash, plaintext)?,
            None => crypto::seal(key, plaintext, &input.context)?.blob,
        };
        Ok(EncryptOutput {
            ciphertext_blob: SecretBlob::new(blob),
            key_id: key.arn.clone(),
            encryption_algorithm: algorithm.as_str(),
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, "Encrypt"))
}
