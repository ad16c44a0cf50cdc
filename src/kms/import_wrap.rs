//! How imported key material travels: the wrapping algorithms and RSA wrapping key specs of
//! GetParametersForImport, which of them fit which key spec, and unwrapping the
//! `EncryptedKeyMaterial` of ImportKeyMaterial with the wrapping key.
//!
//! - `RSAES_OAEP_SHA_1` / `RSAES_OAEP_SHA_256`: RSAES-OAEP (MGF1 with the same hash, empty
//!   label) directly over the material, so one OAEP block (`encryption.rs` does the RSA).
//! - `RSA_AES_KEY_WRAP_SHA_1` / `_256`: the OAEP encryption of a fresh 256-bit AES key (as
//!   long as the wrapping modulus), followed by the material wrapped under that AES key with
//!   RFC 5649 AES key wrap with padding (the `aes-kw` crate).
//!
//! Which pairs AWS accepts outside its China Regions: symmetric and HMAC material only with
//! the OAEP algorithms, RSA private keys only with the AES key wrap ones (they do not fit one
//! OAEP block), elliptic-curve keys with either except `ECC_NIST_P521` directly under an
//! `RSA_2048` wrapping key (its PKCS#8 is longer than one block). `RSAES_PKCS1_V1_5` is
//! retired, `SM2PKE` and the `SM2` wrapping key exist only in China. Every unwrapping
//! failure is `InvalidCiphertextException`, whatever the cause.

use zeroize::Zeroizing;

use super::KmsError;
use super::asymmetric::{OaepHash, PrivateKey, encryption};
use super::key_spec::KeySpec;

/// `AlgorithmSpec`, the wrapping algorithms in the model's order.
pub const WRAPPING_ALGORITHMS: [&str; 6] = [
    "RSAES_PKCS1_V1_5",
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "RSA_AES_KEY_WRAP_SHA_1",
    "RSA_AES_KEY_WRAP_SHA_256",
    "SM2PKE",
];

/// `WrappingKeySpec`.
pub const WRAPPING_KEY_SPECS: [&str; 4] = ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"];

/// A wrapping algorithm Lockbox unwraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrappingAlgorithm {
    /// `RSAES_OAEP_SHA_1` / `RSAES_OAEP_SHA_256`: OAEP over the material.
    Oaep(OaepHash),
    /// `RSA_AES_KEY_WRAP_SHA_1` / `_256`: OAEP over an AES key, then AES-KWP over the material.
    RsaAesKeyWrap(OaepHash),
}

impl WrappingAlgorithm {
    /// Every algorithm, in a fixed order (its index is its code in import tokens).
    const ALL: [WrappingAlgorithm; 4] = [
        WrappingAlgorithm::Oaep(OaepHash::Sha1),
        WrappingAlgorithm::Oaep(OaepHash::Sha256),
        WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha1),
        WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha256),
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            WrappingAlgorithm::Oaep(hash) => hash.as_str(),
            WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha1) => "RSA_AES_KEY_WRAP_SHA_1",
            WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha256) => "RSA_AES_KEY_WRAP_SHA_256",
        }
    }

    /// The algorithm named `name` (a name of the model's enum), or the error AWS answers for
    /// the ones it does not serve here.
    pub fn parse(name: &str) -> Result<WrappingAlgorithm, KmsError> {
        if let Some(algorithm) = Self::ALL.into_iter().find(|a| a.as_str() == name) {
            return Ok(algorithm);
        }
        Err(match name {
            // AWS stopped accepting PKCS#1 v1.5 wrapping on 2023-10-10; its text is not
            // documented (unverified wording).
            "RSAES_PKCS1_V1_5" => KmsError::Validation(
                "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.".into(),
            ),
            // Outside AWS's China Regions (unverified wording, as for the SM2 key spec).
            other => KmsError::UnsupportedOperation(format!(
                "WrappingAlgorithm {other} is not supported in this region."
            )),
        })
    }

    /// Its code inside an import token.
    pub fn code(self) -> u8 {
        Self::ALL
            .iter()
            .position(|a| *a == self)
            .and_then(|i| u8::try_from(i).ok())
            .unwrap_or(u8::MAX)
    }

    /// The algorithm with token code `code`.
    pub fn from_code(code: u8) -> Option<WrappingAlgorithm> {
        Self::ALL.get(usize::from(code)).copied()
    }

    fn hash(self) -> OaepHash {
        match self {
            WrappingAlgorithm::Oaep(hash) | WrappingAlgorithm::RsaAesKeyWrap(hash) => hash,
        }
    }
}

/// The RSA wrapping key spec named `name` (`SM2` is refused as outside China; unverified
/// wording).
pub fn wrapping_key_spec(name: &str) -> Result<KeySpec, KmsError> {
    match name {
        "RSA_2048" => Ok(KeySpec::Rsa2048),
        "RSA_3072" => Ok(KeySpec::Rsa3072),
        "RSA_4096" => Ok(KeySpec::Rsa4096),
        other => Err(KmsError::UnsupportedOperation(format!(
            "WrappingKeySpec {other} is not supported in this region."
        ))),
    }
}

/// Ok when material of a key of `spec` may be wrapped with `algorithm` under a wrapping key
/// of `wrapping_spec`, else `UnsupportedOperationException` (AWS's wording is not
/// documented).
pub fn check_fits(
    spec: KeySpec,
    algorithm: WrappingAlgorithm,
    wrapping_spec: KeySpec,
) -> Result<(), KmsError> {
    let direct = matches!(algorithm, WrappingAlgorithm::Oaep(_));
    let fits = match spec {
        KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => !direct,
        KeySpec::EccNistP521 => !(direct && wrapping_spec == KeySpec::Rsa2048),
        KeySpec::EccNistP256
        | KeySpec::EccNistP384
        | KeySpec::EccSecgP256k1
        | KeySpec::EccNistEdwards25519 => true,
        _ => direct,
    };
    match fits {
        true => Ok(()),
        false => Err(KmsError::UnsupportedOperation(format!(
            "The wrapping algorithm {} with wrapping key spec {} is not supported for key spec {}.",
            algorithm.as_str(),
            wrapping_spec.as_str(),
            spec.as_str()
        ))),
    }
}

/// The material inside `encrypted`, wrapped with `algorithm` under `wrapping_key`'s public key;
/// `InvalidCiphertextException` when it does not unwrap.
pub fn unwrap(
    wrapping_key: &PrivateKey,
    algorithm: WrappingAlgorithm,
    encrypted: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KmsError> {
    let hash = algorithm.hash();
    match algorithm {
        WrappingAlgorithm::Oaep(_) => encryption::decrypt(wrapping_key, hash, encrypted),
        WrappingAlgorithm::RsaAesKeyWrap(_) => {
            let modulus_len = modulus_len(wrapping_key.spec());
            if encrypted.len() <= modulus_len {
                return Err(KmsError::InvalidCiphertext);
            }
            let (wrapped_aes_key, wrapped_material) = encrypted.split_at(modulus_len);
            let aes_key = encryption::decrypt(wrapping_key, hash, wrapped_aes_key)?;
            if aes_key.len() != 32 {
                return Err(KmsError::InvalidCiphertext);
            }
            let kek = aes_kw::KekAes256::try_from(aes_key.as_slice())
                .map_err(|_| KmsError::InvalidCiphertext)?;
            // The 8-byte integrity block is not output.
            let out_len = wrapped_material
                .len()
                .checked_sub(8)
                .ok_or(KmsError::InvalidCiphertext)?;
            let mut out = Zeroizing::new(vec![0u8; out_len]);
            let len = kek
                .unwrap_with_padding(wrapped_material, &mut out)
                .map_err(|_| KmsError::InvalidCiphertext)?
                .len();
            out.truncate(len);
            Ok(out)
        }
    }
}

/// Bytes of the modulus of an RSA wrapping key of `spec`.
fn modulus_len(spec: KeySpec) -> usize {
    match spec {
        KeySpec::Rsa2048 => 256,
        KeySpec::Rsa3072 => 384,
        _ => 512,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_refusals() {
        for algorithm in WrappingAlgorithm::ALL {
            assert_eq!(WrappingAlgorithm::parse(algorithm.as_str()), Ok(algorithm));
            assert_eq!(
                WrappingAlgorithm::from_code(algorithm.code()),
                Some(algorithm)
            );
        }
        assert_eq!(WrappingAlgorithm::from_code(4), None);
        assert!(matches!(
            WrappingAlgorithm::parse("RSAES_PKCS1_V1_5"),
            Err(KmsError::Validation(_))
        ));
        assert!(matches!(
            WrappingAlgorithm::parse("SM2PKE"),
            Err(KmsError::UnsupportedOperation(_))
        ));
        assert_eq!(wrapping_key_spec("RSA_3072"), Ok(KeySpec::Rsa3072));
        assert!(wrapping_key_spec("SM2").is_err());
    }

    #[test]
    fn which_algorithms_fit_which_material() {
        let oaep = WrappingAlgorithm::Oaep(OaepHash::Sha256);
        let kwp = WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha256);
        let ok = |spec, algorithm, wrapping| check_fits(spec, algorithm, wrapping).is_ok();
        assert!(ok(KeySpec::SymmetricDefault, oaep, KeySpec::Rsa2048));
        assert!(!ok(KeySpec::SymmetricDefault, kwp, KeySpec::Rsa2048));
        assert!(ok(KeySpec::Hmac512, oaep, KeySpec::Rsa4096));
        assert!(!ok(KeySpec::Rsa2048, oaep, KeySpec::Rsa4096));
        assert!(ok(KeySpec::Rsa4096, kwp, KeySpec::Rsa2048));
        assert!(ok(KeySpec::EccNistP256, oaep, KeySpec::Rsa2048));
        assert!(!ok(KeySpec::EccNistP521, oaep, KeySpec::Rsa2048));
        assert!(ok(KeySpec::EccNistP521, oaep, KeySpec::Rsa3072));
        assert!(ok(KeySpec::EccNistP521, kwp, KeySpec::Rsa2048));
    }

    #[test]
    fn both_forms_unwrap_and_anything_else_is_invalid_ciphertext() {
        let wrapping = PrivateKey::generate(KeySpec::Rsa2048).unwrap();
        let material = [9u8; 32];
        let direct = encryption::encrypt(&wrapping, OaepHash::Sha1, &material).unwrap();
        let oaep = WrappingAlgorithm::Oaep(OaepHash::Sha1);
        assert_eq!(
            unwrap(&wrapping, oaep, &direct).unwrap().as_slice(),
            material
        );
        assert_eq!(
            unwrap(
                &wrapping,
                WrappingAlgorithm::Oaep(OaepHash::Sha256),
                &direct
            ),
            Err(KmsError::InvalidCiphertext)
        );

        let aes_key = [5u8; 32];
        let secret = b"a PKCS#8 document of odd length".to_vec();
        let mut encrypted = encryption::encrypt(&wrapping, OaepHash::Sha256, &aes_key).unwrap();
        encrypted.extend(
            aes_kw::KekAes256::from(aes_key)
                .wrap_with_padding_vec(&secret)
                .unwrap(),
        );
        let kwp = WrappingAlgorithm::RsaAesKeyWrap(OaepHash::Sha256);
        assert_eq!(
            unwrap(&wrapping, kwp, &encrypted).unwrap().as_slice(),
            secret
        );
        let mut tampered = encrypted.clone();
        if let Some(last) = tampered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            unwrap(&wrapping, kwp, &tampered),
            Err(KmsError::InvalidCiphertext)
        );
        assert_eq!(
            unwrap(&wrapping, kwp, &encrypted[..256]),
            Err(KmsError::InvalidCiphertext)
        );
    }
}
