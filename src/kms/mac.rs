//! HMAC keys: material generation, GenerateMac and VerifyMac (RFC 2104 with SHA-2, from the
//! `hmac` and `sha2` crates). A MAC is compared in constant time.
//!
//! Generated material is as long as the digest (28, 32, 48 or 64 bytes); seeded or imported
//! material may be from the digest length up to 1024 bits, as KMS accepts for imports.

use hmac::Hmac;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::KmsError;
use super::key_spec::KeySpec;

/// Longest HMAC key material KMS accepts, in bytes (1024 bits).
pub const MAX_MATERIAL_LEN: usize = 128;

/// The digest length of an HMAC spec, which is also the length of its generated material and
/// of its MACs; `None` for other specs.
pub fn digest_len(spec: KeySpec) -> Option<usize> {
    match spec {
        KeySpec::Hmac224 => Some(28),
        KeySpec::Hmac256 => Some(32),
        KeySpec::Hmac384 => Some(48),
        KeySpec::Hmac512 => Some(64),
        _ => None,
    }
}

/// Whether `len` bytes of material fit an HMAC key of `spec`.
pub fn material_len_fits(spec: KeySpec, len: usize) -> bool {
    digest_len(spec).is_some_and(|min| (min..=MAX_MATERIAL_LEN).contains(&len))
}

/// Fresh random material of the digest length of `spec`.
pub fn generate(spec: KeySpec) -> Option<Zeroizing<Vec<u8>>> {
    let len = digest_len(spec)?;
    let mut material = Zeroizing::new(vec![0u8; len]);
    rand::fill(material.as_mut_slice());
    Some(material)
}

/// The HMAC of `message` under `material` with the hash of `spec`.
pub fn compute(spec: KeySpec, material: &[u8], message: &[u8]) -> Result<Vec<u8>, KmsError> {
    fn tag<M: hmac::Mac + hmac::digest::KeyInit>(
        key: &[u8],
        message: &[u8],
    ) -> Result<Vec<u8>, KmsError> {
        let mut mac =
            <M as hmac::digest::KeyInit>::new_from_slice(key).map_err(|_| KmsError::Internal)?;
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
    match spec {
        KeySpec::Hmac224 => tag::<Hmac<Sha224>>(material, message),
        KeySpec::Hmac256 => tag::<Hmac<Sha256>>(material, message),
        KeySpec::Hmac384 => tag::<Hmac<Sha384>>(material, message),
        KeySpec::Hmac512 => tag::<Hmac<Sha512>>(material, message),
        _ => Err(KmsError::Internal),
    }
}

/// Ok when `mac` is the HMAC of `message` (constant-time comparison), else
/// `KMSInvalidMacException`.
pub fn verify(spec: KeySpec, material: &[u8], message: &[u8], mac: &[u8]) -> Result<(), KmsError> {
    let expected = compute(spec, material, message)?;
    match bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), mac)) {
        true => Ok(()),
        false => Err(KmsError::InvalidMac),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_case_2_and_verification() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let data = b"what do ya want for nothing?";
        let mac = compute(KeySpec::Hmac256, b"Jefe", data).unwrap();
        assert_eq!(
            hex::encode(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(compute(KeySpec::Hmac224, b"Jefe", data).unwrap().len(), 28);
        assert!(verify(KeySpec::Hmac256, b"Jefe", data, &mac).is_ok());
        assert_eq!(
            verify(KeySpec::Hmac256, b"Jefe", b"other", &mac),
            Err(KmsError::InvalidMac)
        );
        assert_eq!(
            verify(KeySpec::Hmac256, b"Jefe", data, &mac[..31]),
            Err(KmsError::InvalidMac)
        );
    }

    #[test]
    fn material_lengths() {
        assert_eq!(generate(KeySpec::Hmac384).unwrap().len(), 48);
        assert!(generate(KeySpec::Rsa2048).is_none());
        assert!(material_len_fits(KeySpec::Hmac512, 64));
        assert!(material_len_fits(KeySpec::Hmac224, 128));
        assert!(!material_len_fits(KeySpec::Hmac512, 63));
        assert!(!material_len_fits(KeySpec::Hmac256, 129));
    }
}
