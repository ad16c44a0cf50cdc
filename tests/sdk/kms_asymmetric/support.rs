//! Helpers of the asymmetric and HMAC key tests.

use aws_sdk_kms::types::{KeySpec, KeyUsageType};

/// Creates a key of `spec` and `usage`; returns its ARN.
pub async fn new_key(kms: &aws_sdk_kms::Client, spec: &str, usage: &str) -> String {
    let created = kms
        .create_key()
        .key_spec(KeySpec::from(spec))
        .key_usage(KeyUsageType::from(usage))
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateKey {spec} {usage}: {e:?}"));
    created.key_metadata().unwrap().arn().unwrap().to_owned()
}

/// Every signing key spec with its signing algorithms, as DescribeKey lists them.
pub const SIGNING_SPECS: [(&str, &[&str]); 11] = [
    ("RSA_2048", &RSA_ALGORITHMS),
    ("RSA_3072", &RSA_ALGORITHMS),
    ("RSA_4096", &RSA_ALGORITHMS),
    ("ECC_NIST_P256", &["ECDSA_SHA_256"]),
    ("ECC_NIST_P384", &["ECDSA_SHA_384"]),
    ("ECC_NIST_P521", &["ECDSA_SHA_512"]),
    ("ECC_SECG_P256K1", &["ECDSA_SHA_256"]),
    (
        "ECC_NIST_EDWARDS25519",
        &["ED25519_SHA_512", "ED25519_PH_SHA_512"],
    ),
    ("ML_DSA_44", &["ML_DSA_SHAKE_256"]),
    ("ML_DSA_65", &["ML_DSA_SHAKE_256"]),
    ("ML_DSA_87", &["ML_DSA_SHAKE_256"]),
];

pub const RSA_ALGORITHMS: [&str; 6] = [
    "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384",
    "RSASSA_PKCS1_V1_5_SHA_512",
    "RSASSA_PSS_SHA_256",
    "RSASSA_PSS_SHA_384",
    "RSASSA_PSS_SHA_512",
];

/// The digest of `message` by the hash an algorithm names (SHA-256/384/512).
pub fn digest_for(algorithm: &str, message: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    if algorithm.ends_with("256") {
        sha2::Sha256::digest(message).to_vec()
    } else if algorithm.ends_with("384") {
        sha2::Sha384::digest(message).to_vec()
    } else {
        sha2::Sha512::digest(message).to_vec()
    }
}
