//! The versioned KMS ciphertext blob and the canonical encryption-context encoding.
//!
//! Layout (version 1):
//! `0x01 | key-id length (u8) | key id (ASCII) | key-material id (32 bytes) | nonce (12) | ciphertext | tag (16)`.
//! The associated data binds the header (version, key id, material id) and the encryption
//! context encoded as `count, (len key, key, len value, value)*` with big-endian u32 lengths,
//! sorted by key — so `{"ab":"c"}` and `{"a":"bc"}` can never collide, and a blob moved to
//! another key, material or context fails to open.

use super::EncryptionContext;
use crate::crypto::aead::{NONCE_LEN, TAG_LEN};

/// The only blob format version so far.
pub const VERSION_1: u8 = 1;
/// Length of a key-material id.
pub const MATERIAL_ID_LEN: usize = 32;

/// A parsed blob, borrowing from the input bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob<'a> {
    /// Id of the KMS key that sealed it.
    pub key_id: &'a str,
    /// Which material of that key (rotation keeps older material for decryption).
    pub material_id: [u8; MATERIAL_ID_LEN],
    /// `nonce || ciphertext || tag`, as [`crate::crypto::aead::seal`] produced it.
    pub sealed: &'a [u8],
}

/// The blob is not one of ours (truncated, unknown version, bad key id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedBlob;

/// The header bytes that precede the sealed part.
pub fn header(key_id: &str, material_id: &[u8; MATERIAL_ID_LEN]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + key_id.len() + MATERIAL_ID_LEN);
    out.push(VERSION_1);
    // Key ids are 36-character UUIDs; longer ids cannot be produced by this module.
    out.push(u8::try_from(key_id.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(key_id.as_bytes());
    out.extend_from_slice(material_id);
    out
}

/// Parses a blob without decrypting it.
pub fn parse(bytes: &[u8]) -> Result<Blob<'_>, MalformedBlob> {
    let (&version, rest) = bytes.split_first().ok_or(MalformedBlob)?;
    if version != VERSION_1 {
        return Err(MalformedBlob);
    }
    let (&id_len, rest) = rest.split_first().ok_or(MalformedBlob)?;
    let id_len = usize::from(id_len);
    if id_len == 0 || rest.len() < id_len + MATERIAL_ID_LEN + NONCE_LEN + TAG_LEN {
        return Err(MalformedBlob);
    }
    let (id, rest) = rest.split_at(id_len);
    let key_id = std::str::from_utf8(id).map_err(|_| MalformedBlob)?;
    let (material, sealed) = rest.split_at(MATERIAL_ID_LEN);
    let mut material_id = [0u8; MATERIAL_ID_LEN];
    material_id.copy_from_slice(material);
    Ok(Blob {
        key_id,
        material_id,
        sealed,
    })
}

/// Associated data: the blob header followed by the canonical encryption context.
pub fn associated_data(header: &[u8], context: &EncryptionContext) -> Vec<u8> {
    let mut out = Vec::with_capacity(header.len() + 4 + context.len() * 32);
    out.extend_from_slice(header);
    push_len(&mut out, context.len());
    for (key, value) in context {
        push_len(&mut out, key.len());
        out.extend_from_slice(key.as_bytes());
        push_len(&mut out, value.len());
        out.extend_from_slice(value.as_bytes());
    }
    out
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    // Context entries are bounded by the request body cap, far below u32::MAX.
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(pairs: &[(&str, &str)]) -> EncryptionContext {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn context_encoding_has_no_collisions_across_boundaries() {
        let h = header("k", &[0; MATERIAL_ID_LEN]);
        assert_ne!(
            associated_data(&h, &ctx(&[("ab", "c")])),
            associated_data(&h, &ctx(&[("a", "bc")]))
        );
        assert_ne!(
            associated_data(&h, &ctx(&[])),
            associated_data(&h, &ctx(&[("", "")]))
        );
    }

    #[test]
    fn parses_what_it_writes_and_rejects_garbage() {
        let mut bytes = header(
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            &[7; MATERIAL_ID_LEN],
        );
        bytes.extend_from_slice(&[9; NONCE_LEN + TAG_LEN + 3]);
        let blob = parse(&bytes).unwrap();
        assert_eq!(blob.key_id, "1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(blob.material_id, [7; MATERIAL_ID_LEN]);
        assert_eq!(blob.sealed.len(), NONCE_LEN + TAG_LEN + 3);
        assert_eq!(parse(&bytes[..20]), Err(MalformedBlob));
        assert_eq!(parse(&[2, 1, b'x']), Err(MalformedBlob));
        assert_eq!(parse(&[]), Err(MalformedBlob));
    }
}
