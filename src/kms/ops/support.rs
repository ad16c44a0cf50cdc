//! Checks the cryptographic and grant operations share once their input is valid: grant
//! tokens, grant ids, the key's usage and encryption algorithms, with KMS's errors.

use super::super::asymmetric::{OaepHash, PrivateKey, encryption};
use super::super::grants::grant_id_of_token;
use super::super::key_spec::{KeySpec, KeyUsage};
use super::super::keys::Key;
use super::super::{EncryptionContext, KmsError};

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

/// The encryption algorithm of an operation, once checked against its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encryption {
    /// `SYMMETRIC_DEFAULT`: Lockbox's AES-256-GCM blob.
    Symmetric,
    /// `RSAES_OAEP_SHA_1` or `RSAES_OAEP_SHA_256` with an RSA key.
    Rsa(OaepHash),
}

impl Encryption {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Encryption::Symmetric => SYMMETRIC_DEFAULT,
            Encryption::Rsa(hash) => hash.as_str(),
        }
    }
}

/// Checks an encryption operation (`operation`, e.g. `Encrypt`) on `key` with `algorithm`
/// (absent = `SYMMETRIC_DEFAULT`): the key must be an encryption key
/// (`<arn> key usage is SIGN_VERIFY which is not valid for Encrypt.`), and the algorithm one
/// of its spec (`Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096.`, AWS's
/// texts; so an RSA key needs its algorithm named).
pub fn check_algorithm(
    key: &Key,
    operation: &str,
    algorithm: Option<&str>,
) -> Result<Encryption, KmsError> {
    key.check_usage(KeyUsage::EncryptDecrypt, operation)?;
    let spec = key.key_type.spec();
    let name = algorithm.unwrap_or(SYMMETRIC_DEFAULT);
    let rsa = matches!(spec, KeySpec::Rsa2048 | KeySpec::Rsa3072 | KeySpec::Rsa4096);
    match (spec, OaepHash::parse(name)) {
        (KeySpec::SymmetricDefault, _) if name == SYMMETRIC_DEFAULT => Ok(Encryption::Symmetric),
        (_, Some(hash)) if rsa => Ok(Encryption::Rsa(hash)),
        _ => Err(KmsError::InvalidKeyUsage(format!(
            "Algorithm {name} is incompatible with key spec {}.",
            spec.as_str()
        ))),
    }
}

/// The RSA key of an asymmetric encryption with `hash`, once the request fits it: no
/// encryption context (AWS: `EncryptionContext is not supported when encrypting/decrypting
/// with asymmetric CMKs.`) and, when encrypting `plaintext_len` bytes, at most one OAEP block.
pub fn rsa_key<'k>(
    key: &'k Key,
    hash: OaepHash,
    context: &EncryptionContext,
    plaintext_len: Option<usize>,
) -> Result<&'k PrivateKey, KmsError> {
    if !context.is_empty() {
        return Err(KmsError::Validation(
            "EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs."
                .into(),
        ));
    }
    let private = key.private_key().ok_or(KmsError::Internal)?;
    if let Some(len) = plaintext_len {
        encryption::check_length(private, hash, len)?;
    }
    Ok(private)
}
