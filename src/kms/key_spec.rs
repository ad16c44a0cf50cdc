//! What kind of KMS key a key is: its [`KeySpec`] and [`KeyUsage`], the combinations of the
//! two that CreateKey accepts ([`KeyType`]), and the algorithm lists each kind shows in
//! `KeyMetadata` and GetPublicKey.
//!
//! Invariant: a [`KeyType`] can only be made from a combination AWS accepts (outside the China
//! Regions, so never SM2), so code holding one never meets an impossible key.

/// `KeySpec` of a key Lockbox can hold (every value of the model's enum except SM2, which AWS
/// offers only in its China Regions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeySpec {
    /// A 256-bit AES-GCM key.
    SymmetricDefault,
    /// RSA with a 2048-bit modulus.
    Rsa2048,
    /// RSA with a 3072-bit modulus.
    Rsa3072,
    /// RSA with a 4096-bit modulus.
    Rsa4096,
    /// ECDSA on NIST P-256 (secp256r1).
    EccNistP256,
    /// ECDSA on NIST P-384 (secp384r1).
    EccNistP384,
    /// ECDSA on NIST P-521 (secp521r1).
    EccNistP521,
    /// ECDSA on secp256k1.
    EccSecgP256k1,
    /// EdDSA on edwards25519.
    EccNistEdwards25519,
    /// ML-DSA-44 (FIPS 204).
    MlDsa44,
    /// ML-DSA-65 (FIPS 204).
    MlDsa65,
    /// ML-DSA-87 (FIPS 204).
    MlDsa87,
    /// HMAC with SHA-224.
    Hmac224,
    /// HMAC with SHA-256.
    Hmac256,
    /// HMAC with SHA-384.
    Hmac384,
    /// HMAC with SHA-512.
    Hmac512,
}

impl KeySpec {
    /// Every spec, in the model's enum order.
    pub const ALL: [KeySpec; 16] = [
        KeySpec::Rsa2048,
        KeySpec::Rsa3072,
        KeySpec::Rsa4096,
        KeySpec::EccNistP256,
        KeySpec::EccNistP384,
        KeySpec::EccNistP521,
        KeySpec::EccSecgP256k1,
        KeySpec::SymmetricDefault,
        KeySpec::Hmac224,
        KeySpec::Hmac256,
        KeySpec::Hmac384,
        KeySpec::Hmac512,
        KeySpec::MlDsa44,
        KeySpec::MlDsa65,
        KeySpec::MlDsa87,
        KeySpec::EccNistEdwards25519,
    ];

    /// The wire name, e.g. `ECC_NIST_P256`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeySpec::SymmetricDefault => "SYMMETRIC_DEFAULT",
            KeySpec::Rsa2048 => "RSA_2048",
            KeySpec::Rsa3072 => "RSA_3072",
            KeySpec::Rsa4096 => "RSA_4096",
            KeySpec::EccNistP256 => "ECC_NIST_P256",
            KeySpec::EccNistP384 => "ECC_NIST_P384",
            KeySpec::EccNistP521 => "ECC_NIST_P521",
            KeySpec::EccSecgP256k1 => "ECC_SECG_P256K1",
            KeySpec::EccNistEdwards25519 => "ECC_NIST_EDWARDS25519",
            KeySpec::MlDsa44 => "ML_DSA_44",
            KeySpec::MlDsa65 => "ML_DSA_65",
            KeySpec::MlDsa87 => "ML_DSA_87",
            KeySpec::Hmac224 => "HMAC_224",
            KeySpec::Hmac256 => "HMAC_256",
            KeySpec::Hmac384 => "HMAC_384",
            KeySpec::Hmac512 => "HMAC_512",
        }
    }

    /// The spec named `name` (`None` for SM2 and unknown names).
    pub fn parse(name: &str) -> Option<KeySpec> {
        KeySpec::ALL.into_iter().find(|spec| spec.as_str() == name)
    }

    /// The deprecated `CustomerMasterKeySpec` twin of this spec; `None` for the specs added
    /// after it was deprecated (Ed25519 and ML-DSA), which its enum cannot express, so the
    /// member is left out for them.
    pub fn customer_master_key_spec(self) -> Option<&'static str> {
        match self {
            KeySpec::EccNistEdwards25519
            | KeySpec::MlDsa44
            | KeySpec::MlDsa65
            | KeySpec::MlDsa87 => None,
            other => Some(other.as_str()),
        }
    }

    /// The usages a key of this spec may have.
    pub fn usages(self) -> &'static [KeyUsage] {
        use KeyUsage::*;
        match self {
            KeySpec::SymmetricDefault => &[EncryptDecrypt],
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => &[EncryptDecrypt, SignVerify],
            KeySpec::EccNistP256 | KeySpec::EccNistP384 | KeySpec::EccNistP521 => {
                &[SignVerify, KeyAgreement]
            }
            KeySpec::EccSecgP256k1
            | KeySpec::EccNistEdwards25519
            | KeySpec::MlDsa44
            | KeySpec::MlDsa65
            | KeySpec::MlDsa87 => &[SignVerify],
            KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => {
                &[GenerateVerifyMac]
            }
        }
    }

    /// The signing algorithms of this spec, in the order AWS lists them.
    fn signing_algorithms(self) -> &'static [&'static str] {
        match self {
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => &[
                "RSASSA_PKCS1_V1_5_SHA_256",
                "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_512",
                "RSASSA_PSS_SHA_256",
                "RSASSA_PSS_SHA_384",
                "RSASSA_PSS_SHA_512",
            ],
            KeySpec::EccNistP256 | KeySpec::EccSecgP256k1 => &["ECDSA_SHA_256"],
            KeySpec::EccNistP384 => &["ECDSA_SHA_384"],
            KeySpec::EccNistP521 => &["ECDSA_SHA_512"],
            KeySpec::EccNistEdwards25519 => &["ED25519_SHA_512", "ED25519_PH_SHA_512"],
            KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87 => &["ML_DSA_SHAKE_256"],
            _ => &[],
        }
    }

    /// The one MAC algorithm of an HMAC spec.
    fn mac_algorithms(self) -> &'static [&'static str] {
        match self {
            KeySpec::Hmac224 => &["HMAC_SHA_224"],
            KeySpec::Hmac256 => &["HMAC_SHA_256"],
            KeySpec::Hmac384 => &["HMAC_SHA_384"],
            KeySpec::Hmac512 => &["HMAC_SHA_512"],
            _ => &[],
        }
    }

    /// The encryption algorithms of this spec.
    fn encryption_algorithms(self) -> &'static [&'static str] {
        match self {
            KeySpec::SymmetricDefault => &["SYMMETRIC_DEFAULT"],
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096 => {
                &["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]
            }
            _ => &[],
        }
    }
}

/// `KeyUsage` of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUsage {
    /// Encrypt and decrypt.
    EncryptDecrypt,
    /// Sign and verify.
    SignVerify,
    /// GenerateMac and VerifyMac.
    GenerateVerifyMac,
    /// DeriveSharedSecret.
    KeyAgreement,
}

impl KeyUsage {
    /// Every usage, in the model's enum order.
    pub const ALL: [KeyUsage; 4] = [
        KeyUsage::SignVerify,
        KeyUsage::EncryptDecrypt,
        KeyUsage::GenerateVerifyMac,
        KeyUsage::KeyAgreement,
    ];

    /// The wire name, e.g. `SIGN_VERIFY`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUsage::EncryptDecrypt => "ENCRYPT_DECRYPT",
            KeyUsage::SignVerify => "SIGN_VERIFY",
            KeyUsage::GenerateVerifyMac => "GENERATE_VERIFY_MAC",
            KeyUsage::KeyAgreement => "KEY_AGREEMENT",
        }
    }

    /// The usage named `name`.
    pub fn parse(name: &str) -> Option<KeyUsage> {
        KeyUsage::ALL
            .into_iter()
            .find(|usage| usage.as_str() == name)
    }
}

/// A spec with a usage it accepts: the kind of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyType {
    spec: KeySpec,
    usage: KeyUsage,
}

impl KeyType {
    /// A symmetric encryption key, the default kind.
    pub const SYMMETRIC: KeyType = KeyType {
        spec: KeySpec::SymmetricDefault,
        usage: KeyUsage::EncryptDecrypt,
    };

    /// `spec` with `usage`, if AWS accepts the pair.
    pub fn new(spec: KeySpec, usage: KeyUsage) -> Option<KeyType> {
        spec.usages()
            .contains(&usage)
            .then_some(KeyType { spec, usage })
    }

    /// The spec.
    pub fn spec(self) -> KeySpec {
        self.spec
    }

    /// The usage.
    pub fn usage(self) -> KeyUsage {
        self.usage
    }

    /// Whether this is a symmetric encryption key.
    pub fn is_symmetric(self) -> bool {
        self == KeyType::SYMMETRIC
    }

    /// The algorithm lists `KeyMetadata` and GetPublicKey show: exactly the list that goes
    /// with the usage, the others absent.
    pub fn algorithms(self) -> Algorithms {
        let list = |names: &[&'static str]| Some(names.to_vec());
        let mut out = Algorithms::default();
        match self.usage {
            KeyUsage::EncryptDecrypt => out.encryption = list(self.spec.encryption_algorithms()),
            KeyUsage::SignVerify => out.signing = list(self.spec.signing_algorithms()),
            KeyUsage::GenerateVerifyMac => out.mac = list(self.spec.mac_algorithms()),
            KeyUsage::KeyAgreement => out.key_agreement = list(&["ECDH"]),
        }
        out
    }

    /// Whether `algorithm` is one of the key's signing algorithms.
    pub fn signs_with(self, algorithm: &str) -> bool {
        self.usage == KeyUsage::SignVerify && self.spec.signing_algorithms().contains(&algorithm)
    }

    /// Whether `algorithm` is the key's MAC algorithm.
    pub fn macs_with(self, algorithm: &str) -> bool {
        self.spec.mac_algorithms().contains(&algorithm)
    }
}

/// The algorithm lists of a key kind; exactly one is present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Algorithms {
    /// `EncryptionAlgorithms`.
    pub encryption: Option<Vec<&'static str>>,
    /// `SigningAlgorithms`.
    pub signing: Option<Vec<&'static str>>,
    /// `MacAlgorithms`.
    pub mac: Option<Vec<&'static str>>,
    /// `KeyAgreementAlgorithms`.
    pub key_agreement: Option<Vec<&'static str>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sm2_is_not_a_spec_here() {
        for spec in KeySpec::ALL {
            assert_eq!(KeySpec::parse(spec.as_str()), Some(spec));
        }
        for usage in KeyUsage::ALL {
            assert_eq!(KeyUsage::parse(usage.as_str()), Some(usage));
        }
        assert_eq!(KeySpec::parse("SM2"), None);
    }

    #[test]
    fn only_the_aws_pairs_make_a_key_type() {
        let accepted: Vec<(KeySpec, KeyUsage)> = KeySpec::ALL
            .into_iter()
            .flat_map(|spec| KeyUsage::ALL.into_iter().map(move |usage| (spec, usage)))
            .filter(|&(spec, usage)| KeyType::new(spec, usage).is_some())
            .collect();
        // 1 symmetric + 3 RSA x 2 + 3 NIST x 2 + secp256k1 + Ed25519 + 3 ML-DSA + 4 HMAC.
        assert_eq!(accepted.len(), 1 + 6 + 6 + 1 + 1 + 3 + 4);
        assert!(KeyType::new(KeySpec::EccSecgP256k1, KeyUsage::KeyAgreement).is_none());
        assert!(KeyType::new(KeySpec::SymmetricDefault, KeyUsage::SignVerify).is_none());
        assert!(KeyType::new(KeySpec::Hmac256, KeyUsage::EncryptDecrypt).is_none());
    }

    #[test]
    fn each_kind_shows_exactly_the_list_of_its_usage() {
        let rsa_sign = KeyType::new(KeySpec::Rsa2048, KeyUsage::SignVerify).unwrap();
        let algorithms = rsa_sign.algorithms();
        assert_eq!(algorithms.signing.as_ref().map(Vec::len), Some(6));
        assert_eq!(
            (
                algorithms.encryption,
                algorithms.mac,
                algorithms.key_agreement
            ),
            (None, None, None)
        );
        let agreement = KeyType::new(KeySpec::EccNistP384, KeyUsage::KeyAgreement).unwrap();
        assert_eq!(agreement.algorithms().key_agreement, Some(vec!["ECDH"]));
        assert_eq!(agreement.algorithms().signing, None);
        let hmac = KeyType::new(KeySpec::Hmac384, KeyUsage::GenerateVerifyMac).unwrap();
        assert_eq!(hmac.algorithms().mac, Some(vec!["HMAC_SHA_384"]));
        assert!(hmac.macs_with("HMAC_SHA_384") && !hmac.macs_with("HMAC_SHA_256"));
        assert_eq!(KeySpec::MlDsa65.customer_master_key_spec(), None);
        assert_eq!(
            KeySpec::Rsa4096.customer_master_key_spec(),
            Some("RSA_4096")
        );
    }
}
