//! Cryptographic half of SigV4: the credential scope, the string to sign, the signing-key
//! derivation (HMAC-SHA256 chain) and the `Signature` type with its constant-time comparison.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::secret::SecretKey;

/// The only algorithm we accept.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The fixed last element of a credential scope.
pub const TERMINATOR: &str = "aws4_request";

type HmacSha256 = Hmac<Sha256>;

/// The `date/region/service` part of `Credential=AKID/date/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// `yyyymmdd`.
    pub date: String,
    /// e.g. `us-east-1`.
    pub region: String,
    /// e.g. `secretsmanager` or `kms`.
    pub service: String,
}

impl CredentialScope {
    /// `date/region/service/aws4_request`, as it appears in the string to sign.
    pub fn to_scope_string(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

/// A SigV4 signature (32 bytes). Deliberately not `PartialEq`: compare with [`Signature::ct_eq`].
#[derive(Clone)]
pub struct Signature([u8; 32]);

impl Signature {
    /// Parses the 64 lowercase hexadecimal characters of a `Signature=` parameter.
    pub fn from_hex(hex_str: &str) -> Option<Signature> {
        let lower = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        if hex_str.len() != 64 || !hex_str.bytes().all(lower) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_str, &mut out).ok()?;
        Some(Signature(out))
    }

    /// HMAC-SHA256 of the string to sign under the derived signing key.
    pub fn compute(signing_key: &[u8; 32], string_to_sign: &str) -> Signature {
        Signature(hmac(signing_key, string_to_sign.as_bytes()))
    }

    /// Constant-time equality (via `subtle`).
    pub fn ct_eq(&self, other: &Signature) -> bool {
        self.0.ct_eq(&other.0).into()
    }

    /// Lowercase hex, as sent in the `Authorization` header.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A computed signature is as good as a valid request: never print it by accident.
        f.write_str("Signature(**redacted**)")
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 accepts keys of any length"),
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lowercase hex SHA-256 of `data` (used for the payload hash and the canonical request hash).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
/// Every intermediate key is wiped when dropped.
pub fn signing_key(secret: &SecretKey, scope: &CredentialScope) -> Zeroizing<[u8; 32]> {
    let mut seed = Zeroizing::new(Vec::with_capacity(4 + secret.expose().len()));
    seed.extend_from_slice(b"AWS4");
    seed.extend_from_slice(secret.expose().as_bytes());
    let k_date = Zeroizing::new(hmac(&seed, scope.date.as_bytes()));
    let k_region = Zeroizing::new(hmac(k_date.as_ref(), scope.region.as_bytes()));
    let k_service = Zeroizing::new(hmac(k_region.as_ref(), scope.service.as_bytes()));
    Zeroizing::new(hmac(k_service.as_ref(), TERMINATOR.as_bytes()))
}

/// `AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex(sha256(canonical_request))>`.
pub fn string_to_sign(amz_date: &str, scope: &CredentialScope, canonical_request: &str) -> String {
    string_to_sign_bytes(amz_date, scope, canonical_request.as_bytes())
}

pub(crate) fn string_to_sign_bytes(
    amz_date: &str,
    scope: &CredentialScope,
    canonical_request: &[u8],
) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{}\n{}",
        scope.to_scope_string(),
        sha256_hex(canonical_request)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn scope() -> CredentialScope {
        CredentialScope {
            date: "20150830".into(),
            region: "us-east-1".into(),
            service: "iam".into(),
        }
    }

    #[test]
    fn signing_key_matches_aws_documentation_example() {
        // From the AWS "Deriving the signing key" documentation example.
        let key = signing_key(
            &SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            &scope(),
        );
        assert_eq!(
            hex::encode(key.as_ref()),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn signature_hex_roundtrip_and_rejects_bad_input() {
        let hex_sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let sig = Signature::from_hex(hex_sig).unwrap();
        assert_eq!(sig.to_hex(), hex_sig);
        assert!(sig.ct_eq(&Signature::from_hex(hex_sig).unwrap()));
        assert!(Signature::from_hex(&hex_sig.to_uppercase()).is_none());
        assert!(Signature::from_hex(&hex_sig[1..]).is_none());
        assert!(Signature::from_hex(&format!("{}g", &hex_sig[1..])).is_none());
        let other = Signature::from_hex(&format!("{}0", &hex_sig[..63])).unwrap();
        assert!(!sig.ct_eq(&other));
        assert_eq!(format!("{sig:?}"), "Signature(**redacted**)");
    }

    #[test]
    fn string_to_sign_layout() {
        let sts = string_to_sign("20150830T123600Z", &scope(), "");
        assert_eq!(
            sts,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
