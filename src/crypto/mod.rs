//! Cryptographic building blocks with no knowledge of AWS services: AES-256-GCM sealing
//! (`aead`). KMS builds its ciphertext format on them; the root key seals stored key
//! material with them.

pub mod aead;
