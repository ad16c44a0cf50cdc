//! Checks the cryptographic and grant operations share once their input is valid: grant
//! tokens, grant ids and encryption algorithms, with KMS's errors.

use super::super::KmsError;
use super::super::grants::grant_id_of_token;

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

/// A symmetric key encrypts with `SYMMETRIC_DEFAULT` only; other algorithms are
/// `InvalidKeyUsageException` (the text LocalStack answers; AWS's is not documented).
pub fn check_algorithm(algorithm: Option<&str>) -> Result<&'static str, KmsError> {
    match algorithm {
        None | Some(SYMMETRIC_DEFAULT) => Ok(SYMMETRIC_DEFAULT),
        Some(other) => Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {other} is incompatible with key spec SYMMETRIC_DEFAULT."
        ))),
    }
}
