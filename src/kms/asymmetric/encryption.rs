//! RSA encryption as KMS does it: RSAES-OAEP (RFC 8017 §7.1) with SHA-1 or SHA-256 for both
//! the label hash and MGF1, and an empty label. A ciphertext is the bare OAEP output (as long
//! as the modulus), so one made offline with the GetPublicKey key decrypts here and back.
//!
//! Limits: a plaintext holds at most `k - 2·hLen - 2` bytes (k = modulus bytes): RSA_2048 214
//! (SHA-1) / 190 (SHA-256), RSA_3072 342 / 318, RSA_4096 470 / 446. Longer ones are
//! `ValidationException` (AWS's wording is not documented). Every decryption failure is
//! `InvalidCiphertextException`, whatever the cause, so nothing is learnt from it.

use getrandom::SysRng;
use rsa::Oaep;
use rsa::traits::PublicKeyParts as _;
use zeroize::Zeroizing;

use super::super::KmsError;
use super::private_key::PrivateKey;

/// The hash of an `RSAES_OAEP_*` algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OaepHash {
    /// `RSAES_OAEP_SHA_1`.
    Sha1,
    /// `RSAES_OAEP_SHA_256`.
    Sha256,
}

impl OaepHash {
    /// The algorithm named `name`.
    pub fn parse(name: &str) -> Option<OaepHash> {
        match name {
            "RSAES_OAEP_SHA_1" => Some(OaepHash::Sha1),
            "RSAES_OAEP_SHA_256" => Some(OaepHash::Sha256),
            _ => None,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OaepHash::Sha1 => "RSAES_OAEP_SHA_1",
            OaepHash::Sha256 => "RSAES_OAEP_SHA_256",
        }
    }

    fn hash_len(self) -> usize {
        match self {
            OaepHash::Sha1 => 20,
            OaepHash::Sha256 => 32,
        }
    }
}

fn rsa_key(key: &PrivateKey) -> Result<&rsa::PrivateKey, KmsError> {
    match key {
        PrivateKey::Rsa(key) => Ok(key),
        _ => Err(KmsError::Internal),
    }
}

/// The longest plaintext `key` encrypts with `hash`.
pub fn max_plaintext(key: &PrivateKey, hash: OaepHash) -> Result<usize, KmsError> {
    let modulus = rsa_key(key)?.size();
    Ok(modulus.saturating_sub(2 * hash.hash_len() + 2))
}

/// Encrypts `plaintext` with `key`'s public key.
pub fn encrypt(key: &PrivateKey, hash: OaepHash, plaintext: &[u8]) -> Result<Vec<u8>, KmsError> {
    check_length(key, hash, plaintext.len())?;
    let public = rsa_key(key)?.to_public_key();
    let rng = &mut SysRng;
    match hash {
        OaepHash::Sha1 => public.encrypt(rng, Oaep::<sha1::Sha1>::new(), plaintext),
        OaepHash::Sha256 => public.encrypt(rng, Oaep::<rsa::sha2::Sha256>::new(), plaintext),
    }
    .map_err(|_| KmsError::Internal)
}

/// `ValidationException` when `len` bytes do not fit one OAEP block of `key`.
pub fn check_length(key: &PrivateKey, hash: OaepHash, len: usize) -> Result<(), KmsError> {
    let max = max_plaintext(key, hash)?;
    match len <= max {
        true => Ok(()),
        false => Err(KmsError::Validation(format!(
            "Algorithm {} with key spec {} can encrypt at most {max} bytes.",
            hash.as_str(),
            key.spec().as_str()
        ))),
    }
}

/// Decrypts an OAEP `ciphertext` with `key`; any failure is `InvalidCiphertextException`.
pub fn decrypt(
    key: &PrivateKey,
    hash: OaepHash,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KmsError> {
    let private = rsa_key(key)?;
    match hash {
        OaepHash::Sha1 => private.decrypt(Oaep::<sha1::Sha1>::new(), ciphertext),
        OaepHash::Sha256 => private.decrypt(Oaep::<rsa::sha2::Sha256>::new(), ciphertext),
    }
    .map(Zeroizing::new)
    .map_err(|_| KmsError::InvalidCiphertext)
}

#[cfg(test)]
mod tests {
    use super::super::super::key_spec::KeySpec;
    use super::*;

    #[test]
    fn both_hashes_round_trip_up_to_the_limit_and_refuse_beyond_it() {
        let key = PrivateKey::generate(KeySpec::Rsa2048).unwrap();
        for (hash, limit) in [(OaepHash::Sha1, 214), (OaepHash::Sha256, 190)] {
            assert_eq!(max_plaintext(&key, hash).unwrap(), limit);
            let plaintext = vec![7u8; limit];
            let ciphertext = encrypt(&key, hash, &plaintext).unwrap();
            assert_eq!(ciphertext.len(), 256);
            assert_eq!(
                decrypt(&key, hash, &ciphertext).unwrap().as_slice(),
                plaintext
            );
            assert!(matches!(
                encrypt(&key, hash, &vec![7u8; limit + 1]),
                Err(KmsError::Validation(_))
            ));
        }
        let ciphertext = encrypt(&key, OaepHash::Sha256, b"x").unwrap();
        assert_eq!(
            decrypt(&key, OaepHash::Sha1, &ciphertext),
            Err(KmsError::InvalidCiphertext)
        );
        assert_eq!(
            decrypt(&key, OaepHash::Sha256, &ciphertext[1..]),
            Err(KmsError::InvalidCiphertext)
        );
    }
}
