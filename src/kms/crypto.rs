//! The symmetric core every KMS cryptographic operation shares: seal a plaintext under a
//! key's current material into a versioned blob, and open a blob with the material it names.
//! Key state is checked here, so no caller can forget it.
//!
//! Both work on an already locked key map, so an operation touching two keys (ReEncrypt)
//! takes the partition's lock once. `open` checks in AWS's order: blob shape
//! (`InvalidCiphertextException`), the key it names (AccessDenied "ciphertext refers to..."),
//! the caller's own check (IncorrectKey, authorization), key state, then the material and tag.

use std::collections::BTreeMap;

use zeroize::Zeroizing;

use super::envelope::{self, associated_data, header};
use super::keys::Key;
use super::{EncryptionContext, KmsError};
use crate::crypto::aead;

/// AWS's answer when a ciphertext names a key the caller cannot see (it deliberately does not
/// say whether the key exists).
pub const UNKNOWN_KEY_IN_CIPHERTEXT: &str = "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.";

/// A fresh blob and the material that made it.
pub struct Sealed {
    /// The ciphertext blob.
    pub blob: Vec<u8>,
    /// `KeyMaterialId` of the material that sealed it.
    pub key_material_id: String,
}

/// Encrypts `plaintext` under `key` (which must be usable) binding `context`.
pub fn seal(key: &Key, plaintext: &[u8], context: &EncryptionContext) -> Result<Sealed, KmsError> {
    key.check_usable()?;
    let material = key.current_material().ok_or(KmsError::Internal)?;
    let mut blob = header(&key.id, &material.id);
    let aad = associated_data(&blob, context);
    let sealed = aead::seal(material.secret.symmetric()?, plaintext, &aad)
        .map_err(|_| KmsError::Internal)?;
    blob.extend_from_slice(&sealed);
    Ok(Sealed {
        blob,
        key_material_id: material.id_hex(),
    })
}

/// A decrypted blob and what made it.
pub struct Opened {
    /// ARN of the key that sealed it.
    pub key_arn: String,
    /// `KeyMaterialId` of the material that sealed it.
    pub key_material_id: String,
    /// The plaintext; zeroized on drop.
    pub plaintext: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("key_arn", &self.key_arn)
            .finish_non_exhaustive()
    }
}

/// The id of the key a blob was sealed under, without decrypting it (for audit records).
pub fn key_id_of(blob: &[u8]) -> Result<&str, KmsError> {
    envelope::parse(blob)
        .map(|b| b.key_id)
        .map_err(|_| KmsError::InvalidCiphertext)
}

/// Decrypts a blob sealed in this partition with the same `context`.
pub fn open(
    keys: &BTreeMap<String, Key>,
    blob: &[u8],
    context: &EncryptionContext,
) -> Result<Opened, KmsError> {
    open_checked(keys, blob, context, |_| Ok(()))
}

/// Like [`open`], running `check` on the key the blob names before its state is checked (the
/// place of `IncorrectKeyException` and authorization in KMS's order).
pub fn open_checked(
    keys: &BTreeMap<String, Key>,
    blob: &[u8],
    context: &EncryptionContext,
    check: impl FnOnce(&Key) -> Result<(), KmsError>,
) -> Result<Opened, KmsError> {
    let parsed = envelope::parse(blob).map_err(|_| KmsError::InvalidCiphertext)?;
    let key = keys
        .get(parsed.key_id)
        .ok_or_else(|| KmsError::AccessDenied(UNKNOWN_KEY_IN_CIPHERTEXT.to_owned()))?;
    check(key)?;
    key.check_usable()?;
    let material = key
        .material(&parsed.material_id)
        .ok_or(KmsError::InvalidCiphertext)?;
    // Only symmetric keys make these blobs; one naming another kind of key is forged.
    let secret = material
        .secret
        .symmetric()
        .map_err(|_| KmsError::InvalidCiphertext)?;
    let header_len = blob.len().saturating_sub(parsed.sealed.len());
    let aad = associated_data(&blob[..header_len], context);
    let plaintext =
        aead::open(secret, parsed.sealed, &aad).map_err(|_| KmsError::InvalidCiphertext)?;
    Ok(Opened {
        key_arn: key.arn.clone(),
        key_material_id: material.id_hex(),
        plaintext,
    })
}
