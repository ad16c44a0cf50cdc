//! Checks the cryptographic and grant operations share once their input is valid: grant
//! tokens, grant ids, the key's usage and encryption algorithms, with KMS's errors.

use super::super::KmsError;
use super::super::grants::grant_id_of_token;
use super::super::key_spec::{KeySpec, KeyUsage};
use super::super::keys::Key;

/// The only encryption algorithm of a symmetric key.
pub const SYMMETRIC_DEFAULT: &str = "SYMMETRIC_DEFAULT";

/// `EncryptionAlgorithmSpec`, in the model's order.
pub const ENCRYPTION_ALGORITHMS: [&str; 4] = [
    "SYMMETRIC_DEFAULT",
    "RSAES_OAEP_SHA_1",
    "RSAES_OAEP_SHA_256",
    "SM2PKE",
];

/// `DryRunModifierType`.
pub const DRY_RUN_MODIFIERS: [&str; 1] = ["IGNORE_CIPHERTEXT"];

/// `InvalidGrantTokenException` (the token is not echoed: it carries authority). AWS's
/// wording is not documented; this text is pinned in tests/kms_grants.rs.
pub fn invalid_grant_token() -> KmsError {
    KmsError::InvalidGrant("InvalidGrantTokenException", "Invalid grant token.".into())
}

/// `InvalidGrantIdException` for `grant_id`. AWS's wording is not documented; this text is
/// pinned in tests/kms_grants.rs.
pub fn invalid_grant_id(grant_id: &str) -> KmsError {
    KmsError::InvalidGrant(
        "InvalidGrantIdException",
        format!("Invalid grant ID '{grant_id}'"),
    )
}

/// Every grant token must be one Lockbox issued (`InvalidGrantTokenException` otherwise).
pub fn check_grant_tokens(tokens: Option<&[String]>) -> Result<(), KmsError> {
    match tokens
        .unwrap_or_default()
        .iter()
        .all(|token| grant_id_of_token(token).is_some())
    {
        true => Ok(()),
        false => Err(invalid_grant_token()),
    }
}

/// Checks an encryption operation (`operation`, e.g. `Encrypt`) on `key` with `algorithm`
/// (absent = `SYMMETRIC_DEFAULT`): the key must be an encryption key
/// (`<arn> key usage is SIGN_VERIFY which is not valid for Encrypt.`), and the algorithm one
/// of its spec (`Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.`, AWS's
/// texts). Encryption with RSA keys (`RSAES_OAEP_*`) is not emulated yet and is refused with
/// `UnsupportedOperationException` rather than answered wrongly.
pub fn check_algorithm(
    key: &Key,
    operation: &str,
    algorithm: Option<&str>,
) -> Result<&'static str, KmsError> {
    key.check_usage(KeyUsage::EncryptDecrypt, operation)?;
    let spec = key.key_type.spec();
    let algorithm = algorithm.unwrap_or(SYMMETRIC_DEFAULT);
    match (spec, algorithm) {
        (KeySpec::SymmetricDefault, SYMMETRIC_DEFAULT) => Ok(SYMMETRIC_DEFAULT),
        (
            KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096,
            "RSAES_OAEP_SHA_1" | "RSAES_OAEP_SHA_256",
        ) => Err(KmsError::UnsupportedOperation(format!(
            "Lockbox does not emulate {operation} with RSA keys yet ({algorithm})."
        ))),
        (spec, other) => Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {other} is incompatible with key spec {}.",
            spec.as_str()
        ))),
    }
}
