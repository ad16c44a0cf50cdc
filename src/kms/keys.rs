//! A KMS key and the key ring of one (account, region) partition.

use std::collections::HashMap;

use parking_lot::RwLock;
use zeroize::Zeroizing;

use super::aead;
use super::envelope::MATERIAL_ID_LEN;

/// Who manages a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyManager {
    /// An AWS managed key such as `aws/secretsmanager`.
    Aws,
    /// A customer managed key.
    Customer,
}

/// Lifecycle state of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Usable for cryptographic operations.
    Enabled,
}

/// One generation of key material.
pub struct Material {
    /// Identifies this material inside ciphertext blobs.
    pub id: [u8; MATERIAL_ID_LEN],
    /// The 256-bit secret; zeroized on drop.
    pub secret: Zeroizing<[u8; 32]>,
}

impl Material {
    /// Fresh random material.
    pub fn generate() -> Self {
        let mut id = [0u8; MATERIAL_ID_LEN];
        id.copy_from_slice(&aead::random_key()[..MATERIAL_ID_LEN]);
        Material {
            id,
            secret: aead::random_key(),
        }
    }
}

/// A symmetric KMS key.
pub struct Key {
    /// The key id (a UUID).
    pub id: String,
    /// The key ARN.
    pub arn: String,
    /// Who manages it.
    pub manager: KeyManager,
    /// Lifecycle state.
    pub state: KeyState,
    /// All material generations, newest last; only the newest encrypts.
    pub materials: Vec<Material>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("manager", &self.manager)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// The material new ciphertexts are made with.
    pub fn current_material(&self) -> Option<&Material> {
        self.materials.last()
    }

    /// The material with `id`, for decryption.
    pub fn material(&self, id: &[u8; MATERIAL_ID_LEN]) -> Option<&Material> {
        self.materials.iter().find(|m| &m.id == id)
    }
}

/// Keys and aliases of one partition.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// Keys by key id.
    pub keys: RwLock<HashMap<String, Key>>,
    /// Alias name (`alias/...`) -> key id.
    pub aliases: RwLock<HashMap<String, String>>,
}
