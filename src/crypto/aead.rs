//! AES-256-GCM with a random 96-bit nonce: `seal` -> `nonce || ciphertext || tag`.
//! Used for KMS ciphertext blobs and for Secrets Manager's data-key encryption of values.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::Rng as _;
use zeroize::Zeroizing;

/// Nonce length in bytes.
pub const NONCE_LEN: usize = 12;
/// Authentication tag length in bytes.
pub const TAG_LEN: usize = 16;

/// The sealed data could not be opened: wrong key, wrong associated data, or tampering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenError;

/// Encryption failed (only possible for inputs beyond AES-GCM's 64 GiB limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealError;

/// Encrypts `plaintext` under `key`, binding `aad`; returns `nonce || ciphertext || tag`.
pub fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    let mut nonce = [0u8; NONCE_LEN];
    rand::rng().fill(&mut nonce);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| SealError)?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Decrypts `nonce || ciphertext || tag` made by [`seal`] with the same key and `aad`.
pub fn open(key: &[u8; 32], sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(OpenError);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(key));
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad })
        .map(Zeroizing::new)
        .map_err(|_| OpenError)
}

/// 32 random bytes from the thread-local CSPRNG, in a zeroizing buffer.
pub fn random_key() -> Zeroizing<[u8; 32]> {
    let mut key = Zeroizing::new([0u8; 32]);
    rand::rng().fill(key.as_mut_slice());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_tampering() {
        let key = random_key();
        let sealed = seal(&key, b"hello", b"ctx").unwrap();
        assert_eq!(open(&key, &sealed, b"ctx").unwrap().as_slice(), b"hello");
        assert_eq!(open(&key, &sealed, b"other"), Err(OpenError));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(open(&key, &flipped, b"ctx"), Err(OpenError));
        assert_eq!(open(&random_key(), &sealed, b"ctx"), Err(OpenError));
        assert_eq!(open(&key, &sealed[..10], b"ctx"), Err(OpenError));
    }
}
