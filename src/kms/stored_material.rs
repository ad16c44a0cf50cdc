//! How a stored KMS key's material is laid out and bound before the root key seals it (the
//! rules are in `stored.rs`'s module doc): the plaintext of the sealed blob for each key kind,
//! its split back into generations, and the associated data that binds it to the key.

use zeroize::Zeroizing;

use super::key_spec::{KeySpec, KeyType, KeyUsage};
use super::keys::Key;
use crate::storage::StoreError;

/// What sealed material is bound to: the ARN, and for keys that are not symmetric
/// encryption keys also their spec and usage.
pub fn sealing_aad(arn: &str, spec: Option<&str>, usage: Option<&str>) -> Vec<u8> {
    let mut aad = arn.as_bytes().to_vec();
    if let (Some(spec), Some(usage)) = (spec, usage) {
        for part in [spec, usage] {
            aad.push(0);
            aad.extend_from_slice(part.as_bytes());
        }
    }
    aad
}

/// The plaintext the root key seals for `key` (see the module doc).
pub fn material_bytes(key: &Key) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let mut secrets = Zeroizing::new(Vec::new());
    for material in &key.materials {
        let bytes = material.secret.to_bytes().map_err(|error| {
            StoreError::Corrupt(format!("KMS key {}: material: {error}", key.id))
        })?;
        if !key.key_type.is_symmetric() {
            let len = u32::try_from(bytes.len())
                .map_err(|_| StoreError::Corrupt(format!("KMS key {}: material size", key.id)))?;
            secrets.extend_from_slice(&len.to_be_bytes());
        }
        secrets.extend_from_slice(&bytes);
    }
    Ok(secrets)
}

/// Splits opened material into one encoding per generation (see the module doc).
pub fn split_materials<'a>(
    opened: &'a [u8],
    key_type: KeyType,
    what: &str,
) -> Result<Vec<&'a [u8]>, StoreError> {
    if key_type.is_symmetric() {
        if opened.len() % 32 != 0 {
            return Err(StoreError::Corrupt(format!("{what}: material size")));
        }
        return Ok(opened.chunks_exact(32).collect());
    }
    let mut parts = Vec::new();
    let mut rest = opened;
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| StoreError::Corrupt(format!("{what}: material framing")))?;
        let len = usize::try_from(u32::from_be_bytes(*len))
            .map_err(|_| StoreError::Corrupt(format!("{what}: material framing")))?;
        if tail.len() < len {
            return Err(StoreError::Corrupt(format!("{what}: material framing")));
        }
        let (part, tail) = tail.split_at(len);
        parts.push(part);
        rest = tail;
    }
    Ok(parts)
}

/// The stored names of a key's kind: `None` for a symmetric encryption key.
pub fn stored_kind(key_type: KeyType) -> (Option<String>, Option<String>) {
    match key_type.is_symmetric() {
        true => (None, None),
        false => (
            Some(key_type.spec().as_str().to_owned()),
            Some(key_type.usage().as_str().to_owned()),
        ),
    }
}

/// The kind a stored key's `key_spec` and `key_usage` name (both absent = symmetric
/// encryption).
pub fn key_type_of(
    spec: Option<&str>,
    usage: Option<&str>,
    what: &str,
) -> Result<KeyType, StoreError> {
    match (spec, usage) {
        (None, None) => Ok(KeyType::SYMMETRIC),
        (Some(spec), Some(usage)) => KeySpec::parse(spec)
            .zip(KeyUsage::parse(usage))
            .and_then(|(spec, usage)| KeyType::new(spec, usage))
            .ok_or_else(|| StoreError::Corrupt(format!("{what}: key spec {spec} / usage {usage}"))),
        _ => Err(StoreError::Corrupt(format!(
            "{what}: key spec without usage"
        ))),
    }
}
