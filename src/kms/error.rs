//! Errors of the emulated KMS, with AWS's codes and texts.

/// A KMS failure, as KMS would report it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KmsError {
    /// The key or alias does not exist (`NotFoundException`).
    #[error("{0}")]
    NotFound(String),
    /// The key identifier is malformed (`NotFoundException` "Invalid keyId ...").
    #[error("Invalid keyId {0}")]
    InvalidKeyId(String),
    /// The key is disabled (`DisabledException`).
    #[error("{0} is disabled.")]
    Disabled(String),
    /// The blob is malformed, was tampered with, or the context differs (`InvalidCiphertextException`).
    #[error("")]
    InvalidCiphertext,
    /// An internal failure; the cause was logged.
    #[error("An internal error occurred.")]
    Internal,
}

impl KmsError {
    /// The KMS error code, e.g. `NotFoundException`.
    pub fn code(&self) -> &'static str {
        match self {
            KmsError::NotFound(_) | KmsError::InvalidKeyId(_) => "NotFoundException",
            KmsError::Disabled(_) => "DisabledException",
            KmsError::InvalidCiphertext => "InvalidCiphertextException",
            KmsError::Internal => "KMSInternalException",
        }
    }
}
