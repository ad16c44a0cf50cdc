//! ReEncrypt: decrypts a blob (as Decrypt, with `SourceKeyId` and `SourceEncryptionContext`)
//! and encrypts the plaintext under `DestinationKeyId` with `DestinationEncryptionContext`,
//! without the plaintext leaving KMS. Either side may be an RSA key (its `RSAES_OAEP_*`
//! algorithm named, no encryption context; the source named by `SourceKeyId`). Output per the
//! model: `CiphertextBlob`, `SourceKeyId` and `KeyId` (ARNs), both algorithms, and
//! `SourceKeyMaterialId` / `DestinationKeyMaterialId` for the symmetric side(s) only.

use serde::{Deserialize, Serialize};

use zeroize::Zeroizing;

use super::super::asymmetric::encryption;
use super::super::{EncryptionContext, KmsError, LocalKms, crypto};
use super::decrypt::{Opening, asymmetric_key, open_asymmetric, open_blob, validate_ciphertext};
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

/// What ReEncrypt requires of the key that made the blob.
const REENCRYPT_FROM: KeyRule = KeyRule::crypto("kms:ReEncryptFrom");
/// What ReEncrypt requires of the destination key.
const REENCRYPT_TO: KeyRule = KeyRule::crypto("kms:ReEncryptTo");

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
    #[serde(skip_serializing_if = "Option::is_none")]
    source_key_material_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination_key_material_id: Option<String>,
}

/// A valid ReEncrypt request.
struct ValidReEncrypt {
    blob: SecretBlob,
    source_context: EncryptionContext,
    source_key_id: Option<String>,
    source_algorithm: Option<String>,
    destination_key_id: String,
    destination_context: EncryptionContext,
    destination_algorithm: Option<String>,
    dry_run: bool,
}

impl ReEncryptInput {
    fn validate(self) -> Result<ValidReEncrypt, KmsError> {
        let mut v = Validator::new();
        validate_ciphertext(&mut v, self.ciphertext_blob.as_ref(), true);
        v.length(
            "SourceKeyId",
            self.source_key_id.as_deref(),
            1,
            2048,
            Echo::Value,
        );
        v.required("DestinationKeyId", self.destination_key_id.as_ref());
        v.length(
            "DestinationKeyId",
            self.destination_key_id.as_deref(),
            1,
            2048,
            Echo::Value,
        );
        for (member, value) in [
            (
                "SourceEncryptionAlgorithm",
                &self.source_encryption_algorithm,
            ),
            (
                "DestinationEncryptionAlgorithm",
                &self.destination_encryption_algorithm,
            ),
        ] {
            v.one_of(member, value.as_deref(), &ENCRYPTION_ALGORITHMS);
        }
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        for modifier in self.dry_run_modifiers.iter().flatten() {
            v.one_of("DryRunModifiers", Some(modifier), &DRY_RUN_MODIFIERS);
        }
        let (blob, destination_key_id) =
            finish(v, (self.ciphertext_blob, self.destination_key_id))?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidReEncrypt {
            blob,
            source_context: self.source_encryption_context.unwrap_or_default(),
            source_key_id: self.source_key_id,
            source_algorithm: self.source_encryption_algorithm,
            destination_key_id,
            destination_context: self.destination_encryption_context.unwrap_or_default(),
            destination_algorithm: self.destination_encryption_algorithm,
            dry_run: self.dry_run == Some(true),
        })
    }
}

/// Serves ReEncrypt.
pub fn re_encrypt(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ReEncryptInput,
) -> Result<ReEncryptOutput, KmsError> {
    let input = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let expected = input
        .source_key_id
        .as_deref()
        .map(|key_id| partition.resolve(key_id, REENCRYPT_FROM.accepts))
        .transpose()?;
    let destination_id = partition.resolve(&input.destination_key_id, REENCRYPT_TO.accepts)?;
    let keys = partition.ring().keys();
    let opening = Opening {
        expected: expected.as_deref(),
        rule: REENCRYPT_FROM,
        operation: "ReEncrypt",
        algorithm: input.source_algorithm.as_deref(),
    };
    // The source: an RSA key's OAEP block, or a symmetric blob (which names its key).
    let source = match asymmetric_key(&keys, expected.as_deref()) {
        Some(key) => {
            let opened = open_asymmetric(
                &partition,
                key,
                &input.blob.0,
                &input.source_context,
                &opening,
                false,
            )?;
            Source {
                key_arn: opened.key_arn,
                algorithm: opened.algorithm,
                key_material_id: None,
                plaintext: opened.plaintext,
            }
        }
        None => {
            let opened = open_blob(
                &partition,
                &keys,
                &input.blob.0,
                &input.source_context,
                opening,
            )?;
            Source {
                key_arn: opened.key_arn,
                algorithm: SYMMETRIC_DEFAULT,
                key_material_id: Some(opened.key_material_id),
                plaintext: opened.plaintext,
            }
        }
    };
    let destination = partition.find(&keys, &destination_id)?;
    partition.check(REENCRYPT_TO, destination)?;
    let destination_algorithm = check_algorithm(
        destination,
        "ReEncrypt",
        input.destination_algorithm.as_deref(),
    )?;
    let context = &input.destination_context;
    let rsa = match destination_algorithm {
        Encryption::Rsa(hash) => Some((
            rsa_key(destination, hash, context, Some(source.plaintext.len()))?,
            hash,
        )),
        Encryption::Symmetric => None,
    };
    if input.dry_run {
        return Err(KmsError::DryRun);
    }
    let (blob, destination_key_material_id) = match rsa {
        Some((private, hash)) => (encryption::encrypt(private, hash, &source.plaintext)?, None),
        None => {
            let sealed = crypto::seal(destination, &source.plaintext, context)?;
            (sealed.blob, Some(sealed.key_material_id))
        }
    };
    record_use(kms, ctx, &source.key_arn, "ReEncrypt");
    record_use(kms, ctx, &destination.arn, "ReEncrypt");
    Ok(ReEncryptOutput {
        ciphertext_blob: SecretBlob::new(blob),
        source_key_id: source.key_arn,
        key_id: destination.arn.clone(),
        source_encryption_algorithm: source.algorithm,
        destination_encryption_algorithm: destination_algorithm.as_str(),
        source_key_material_id: source.key_material_id,
        destination_key_material_id,
    })
}

/// The opened source ciphertext of a ReEncrypt.
struct Source {
    key_arn: String,
    algorithm: &'static str,
    key_material_id: Option<String>,
    plaintext: Zeroizing<Vec<u8>>,
}
