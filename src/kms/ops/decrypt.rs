//! Decrypt: opens a ciphertext blob made by Encrypt, GenerateDataKey* or ReEncrypt. `KeyId` is
//! optional (the blob names its key); given, it must be that key (`IncorrectKeyException`).
//! When `KeyId` names an RSA key, the blob is an OAEP block for it (made here or offline with
//! its public key) and `EncryptionAlgorithm` must name the `RSAES_OAEP_*` algorithm.
//! A garbled blob or a different encryption context is `InvalidCiphertextException` with no
//! message; a blob naming a key the caller cannot see is the AccessDenied "ciphertext refers
//! to..." answer. Output: `KeyId` (ARN), `Plaintext`, `EncryptionAlgorithm`, `KeyMaterialId`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use zeroize::Zeroizing;

use super::super::asymmetric::encryption;
use super::super::crypto::{self, Opened};
use super::super::keys::Key;
use super::super::{EncryptionContext, KmsError, LocalKms};
use super::input::{finish, validate_grant_tokens};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, Partition};
use super::support::{
    DRY_RUN_MODIFIERS, ENCRYPTION_ALGORITHMS, Encryption, SYMMETRIC_DEFAULT, check_algorithm,
    check_grant_tokens, rsa_key,
};
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::{Echo, Validator};

/// What Decrypt requires of the key.
const DECRYPT: KeyRule = KeyRule::crypto("kms:Decrypt");

/// Decrypt input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptInput {
    ciphertext_blob: Option<SecretBlob>,
    encryption_context: Option<EncryptionContext>,
    grant_tokens: Option<Vec<String>>,
    key_id: Option<String>,
    encryption_algorithm: Option<String>,
    recipient: Option<RecipientInfo>,
    dry_run: Option<bool>,
    dry_run_modifiers: Option<Vec<String>>,
}

/// Decrypt output (`KeyMaterialId` for symmetric ciphertexts only, as in the model).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecryptOutput {
    key_id: String,
    plaintext: SecretBlob,
    encryption_algorithm: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_material_id: Option<String>,
}

/// Validates the members Decrypt and ReEncrypt share for the ciphertext side.
pub(super) fn validate_ciphertext(v: &mut Validator, blob: Option<&SecretBlob>, required: bool) {
    if required {
        v.required("CiphertextBlob", blob);
    }
    v.blob_length("CiphertextBlob", blob.map(|b| b.0.as_slice()), 1, 6144);
}

/// The model's `RecipientInfo`, typed so that a member of the wrong JSON type is a
/// `SerializationException` as on AWS (its contents are never used: see [`refuse_recipient`]).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecipientInfo {
    #[allow(dead_code)]
    key_encryption_algorithm: Option<String>,
    #[allow(dead_code)]
    attestation_document: Option<SecretBlob>,
}

/// `Recipient` (Nitro Enclaves attestation) cannot be emulated; refusing it beats answering
/// without the `CiphertextForRecipient` the caller relies on.
pub(super) fn refuse_recipient(recipient: Option<&RecipientInfo>) -> Result<(), KmsError> {
    match recipient {
        None => Ok(()),
        Some(_) => Err(KmsError::Validation(
            "Lockbox does not support Recipient (Nitro Enclaves attestation).".into(),
        )),
    }
}

/// What [`open_blob`] checks of the key a blob names.
pub(super) struct Opening<'a> {
    /// The key the request names, if it does (`IncorrectKeyException` for another one).
    pub expected: Option<&'a str>,
    /// What the operation requires of the key.
    pub rule: KeyRule,
    /// The operation (`Decrypt` or `ReEncrypt`), for the key-usage error.
    pub operation: &'static str,
    /// The algorithm the request names.
    pub algorithm: Option<&'a str>,
}

/// Opens `blob` for Decrypt or ReEncrypt in KMS's order: the key the blob names must be the
/// `expected` one when the request names a key (`IncorrectKeyException`), then pass the
/// rule, then be an encryption key whose algorithm is the one asked.
pub(super) fn open_blob(
    partition: &Partition<'_>,
    keys: &BTreeMap<String, Key>,
    blob: &[u8],
    context: &EncryptionContext,
    opening: Opening<'_>,
) -> Result<Opened, KmsError> {
    crypto::open_checked(keys, blob, context, |key| {
        if opening.expected.is_some_and(|id| id != key.id) {
            return Err(KmsError::IncorrectKey);
        }
        partition.check(opening.rule, key)?;
        check_algorithm(key, opening.operation, opening.algorithm).map(|_| ())
    })
}

/// A ciphertext of an asymmetric key, opened.
pub(super) struct OpenedRsa {
    /// ARN of the key.
    pub key_arn: String,
    /// The algorithm.
    pub algorithm: &'static str,
    /// The plaintext; zeroized on drop.
    pub plaintext: Zeroizing<Vec<u8>>,
}

/// The key `expected` names when it is not a symmetric key: its ciphertexts are bare OAEP
/// blocks that only the request's `KeyId` identifies.
pub(super) fn asymmetric_key<'k>(
    keys: &'k BTreeMap<String, Key>,
    expected: Option<&str>,
) -> Option<&'k Key> {
    expected
        .and_then(|id| keys.get(id))
        .filter(|key| !key.key_type.is_symmetric())
}

/// Decrypts `blob` with the asymmetric `key` for Decrypt or ReEncrypt, in KMS's order: the
/// rule, the key's usage and algorithm, no encryption context, then (unless `dry_run`) RSA.
pub(super) fn open_asymmetric(
    partition: &Partition<'_>,
    key: &Key,
    blob: &[u8],
    context: &EncryptionContext,
    opening: &Opening<'_>,
    dry_run: bool,
) -> Result<OpenedRsa, KmsError> {
    partition.check(opening.rule, key)?;
    let Encryption::Rsa(hash) = check_algorithm(key, opening.operation, opening.algorithm)? else {
        return Err(KmsError::Internal);
    };
    let private = rsa_key(key, hash, context, None)?;
    if dry_run {
        return Err(KmsError::DryRun);
    }
    Ok(OpenedRsa {
        key_arn: key.arn.clone(),
        algorithm: hash.as_str(),
        plaintext: encryption::decrypt(private, hash, blob)?,
    })
}

/// What a valid Decrypt request opens.
enum Target {
    /// A dry run that ignores the ciphertext: only the key `KeyId` names is checked.
    KeyOnly(String),
    /// The blob, and the key `KeyId` names if given.
    Blob(SecretBlob, Option<String>),
}

/// A valid Decrypt request.
struct ValidDecrypt {
    target: Target,
    context: EncryptionContext,
    algorithm: Option<String>,
    dry_run: bool,
}

impl DecryptInput {
    fn validate(self) -> Result<ValidDecrypt, KmsError> {
        let dry_run = self.dry_run == Some(true);
        let ignore_ciphertext = dry_run
            && self
                .dry_run_modifiers
                .iter()
                .flatten()
                .any(|m| m == "IGNORE_CIPHERTEXT");
        let key_only = ignore_ciphertext && self.key_id.is_some();
        let mut v = Validator::new();
        validate_ciphertext(&mut v, self.ciphertext_blob.as_ref(), !key_only);
        v.length("KeyId", self.key_id.as_deref(), 1, 2048, Echo::Value);
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        v.one_of(
            "EncryptionAlgorithm",
            self.encryption_algorithm.as_deref(),
            &ENCRYPTION_ALGORITHMS,
        );
        for modifier in self.dry_run_modifiers.iter().flatten() {
            v.one_of("DryRunModifiers", Some(modifier), &DRY_RUN_MODIFIERS);
        }
        let target = match (key_only, self.key_id) {
            (true, Some(key_id)) => {
                v.finish()?;
                Target::KeyOnly(key_id)
            }
            (_, key_id) => Target::Blob(finish(v, self.ciphertext_blob)?, key_id),
        };
        refuse_recipient(self.recipient.as_ref())?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidDecrypt {
            target,
            context: self.encryption_context.unwrap_or_default(),
            algorithm: self.encryption_algorithm,
            dry_run,
        })
    }
}

/// Serves Decrypt.
pub fn decrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DecryptInput,
) -> Result<DecryptOutput, KmsError> {
    let ValidDecrypt {
        target,
        context,
        algorithm,
        dry_run,
    } = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let (blob, key_id) = match target {
        Target::KeyOnly(key_id) => {
            return partition.read_key(&key_id, DECRYPT, |key| {
                check_algorithm(key, "Decrypt", algorithm.as_deref())?;
                Err(KmsError::DryRun)
            });
        }
        Target::Blob(blob, key_id) => (blob, key_id),
    };
    let expected = key_id
        .map(|key_id| partition.resolve(&key_id, DECRYPT.accepts))
        .transpose()?;
    let keys = partition.ring().keys();
    let opening = Opening {
        expected: expected.as_deref(),
        rule: DECRYPT,
        operation: "Decrypt",
        algorithm: algorithm.as_deref(),
    };
    if let Some(key) = asymmetric_key(&keys, expected.as_deref()) {
        let opened = open_asymmetric(&partition, key, &blob.0, &context, &opening, dry_run)?;
        record_use(kms, ctx, &opened.key_arn, "Decrypt");
        return Ok(DecryptOutput {
            key_id: opened.key_arn,
            plaintext: SecretBlob::new(opened.plaintext),
            encryption_algorithm: opened.algorithm,
            key_material_id: None,
        });
    }
    let opened = open_blob(&partition, &keys, &blob.0, &context, opening)?;
    if dry_run {
        return Err(KmsError::DryRun);
    }
    record_use(kms, ctx, &opened.key_arn, "Decrypt");
    Ok(DecryptOutput {
        key_id: opened.key_arn,
        plaintext: SecretBlob::new(opened.plaintext),
        encryption_algorithm: SYMMETRIC_DEFAULT,
        key_material_id: Some(opened.key_material_id),
    })
}
