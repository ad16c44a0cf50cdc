//! Cryptographic building blocks with no knowledge of AWS services: AES-256-GCM sealing
//! (`aead`) and [`Sensitive`], the one redaction type for secrets in memory. KMS builds its
//! ciphertext format on them; the root key seals stored key material with them.

pub mod aead;
mod sensitive;

pub use sensitive::{REDACTED, Sensitive};
