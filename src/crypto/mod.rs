//! Cryptographic building blocks with no knowledge of AWS services: AES-256-GCM sealing
//! (`aead`) and [`Sensitive`], the one redaction type for secrets in memory. KMS builds its
//! ciphertext format on them; the root key seals stored key material with them.

pub mod aead;
pub mod jwt;
mod sensitive;

pub use sensitive::{REDACTED, Sensitive};

/// A random (version 4) UUID in its hyphenated form, drawn from the thread-local CSPRNG (no
/// system call per id): request ids and audit event ids.
pub fn random_uuid() -> String {
    uuid::Builder::from_random_bytes(rand::random())
        .into_uuid()
        .to_string()
}
