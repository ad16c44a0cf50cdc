//! Entry points for the ciphertext-blob fuzz target (`fuzz/fuzz_targets/ciphertext_blob.rs`)
//! and the property tests (`tests/props/kms_blob_props.rs`): they feed arbitrary bytes to the blob
//! parser and to the full open path, which must answer with an error, never panic.

use super::keys::{Key, KeyManager};
use super::{EncryptionContext, KmsCaller, KmsError, crypto, envelope};

/// Parses `bytes` as a ciphertext blob; `Some((key id, sealed length))` when well formed.
pub fn parse_blob(bytes: &[u8]) -> Option<(String, usize)> {
    envelope::parse(bytes)
        .ok()
        .map(|blob| (blob.key_id.to_owned(), blob.sealed.len()))
}

/// A partition with one enabled key, to open arbitrary blobs against.
pub struct FuzzKeyRing {
    keys: std::collections::BTreeMap<String, Key>,
    key_id: String,
}

impl std::fmt::Debug for FuzzKeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FuzzKeyRing")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl Default for FuzzKeyRing {
    fn default() -> Self {
        Self::new()
    }
}

impl FuzzKeyRing {
    /// A ring with one fresh key.
    pub fn new() -> Self {
        let caller = KmsCaller {
            account: "000000000000",
            region: "us-east-1",
            now: time::OffsetDateTime::UNIX_EPOCH,
        };
        let key = Key::new(caller, KeyManager::Customer, String::new(), None);
        let key_id = key.id.clone();
        let keys = [(key_id.clone(), key)].into_iter().collect();
        FuzzKeyRing { keys, key_id }
    }

    /// The id of the ring's key (to build blobs that name it).
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Seals `plaintext` under the ring's key with `context` (a valid blob to mutate).
    pub fn seal(&self, plaintext: &[u8], context: &EncryptionContext) -> Vec<u8> {
        self.keys
            .get(&self.key_id)
            .and_then(|key| crypto::seal(key, plaintext, context).ok())
            .map(|sealed| sealed.blob)
            .unwrap_or_default()
    }

    /// Opens `blob` with `context`: the plaintext, or the KMS error code it fails with.
    pub fn open(&self, blob: &[u8], context: &EncryptionContext) -> Result<Vec<u8>, &'static str> {
        crypto::open(&self.keys, blob, context)
            .map(|opened| opened.plaintext.to_vec())
            .map_err(|error: KmsError| error.code())
    }
}
