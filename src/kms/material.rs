//! One generation of key material ([`Material`]) and its secret by key kind ([`Secret`]):
//! an AES-256 key, an HMAC key or a key pair; how each is generated and encoded for sealed
//! storage, seeds and exports.
//!
//! Invariants: secrets are zeroized on drop (zeroizing buffers, or the key-pair crates' own
//! zeroizing) and `Debug` never shows them; a secret's encoding round-trips through
//! [`Secret::from_bytes`] for the same spec.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::asymmetric::{MaterialError, PrivateKey};
use super::envelope::MATERIAL_ID_LEN;
use super::error::KmsError;
use super::key_spec::KeySpec;
use super::mac;
use crate::crypto::{Sensitive, aead};

/// The secret of one generation of key material, by key kind. `Debug` never shows it.
#[derive(Clone)]
pub enum Secret {
    /// The 256-bit AES-GCM key of a symmetric encryption key; zeroized on drop.
    Symmetric(Sensitive<Zeroizing<[u8; 32]>>),
    /// The key of an HMAC key; zeroized on drop.
    Hmac(Sensitive<Zeroizing<Vec<u8>>>),
    /// The key pair of an asymmetric key (its crate zeroizes it on drop; shared, not copied,
    /// when the key is cloned).
    Private(Arc<PrivateKey>),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::crypto::REDACTED)
    }
}

impl Secret {
    /// Fresh random material for a key of `spec`.
    pub fn generate(spec: KeySpec) -> Result<Secret, MaterialError> {
        if spec == KeySpec::SymmetricDefault {
            return Ok(Secret::Symmetric(Sensitive::new(aead::random_key())));
        }
        match mac::generate(spec) {
            Some(material) => Ok(Secret::Hmac(Sensitive::new(material))),
            None => Ok(Secret::Private(Arc::new(PrivateKey::generate(spec)?))),
        }
    }

    /// The material of a key of `spec` from its encoding (see [`Secret::to_bytes`]).
    pub fn from_bytes(spec: KeySpec, bytes: &[u8]) -> Result<Secret, MaterialError> {
        if spec == KeySpec::SymmetricDefault {
            let key: [u8; 32] = bytes
                .try_into()
                .map_err(|_| MaterialError::NotPkcs8Of("SYMMETRIC_DEFAULT"))?;
            return Ok(Secret::Symmetric(Sensitive::new(Zeroizing::new(key))));
        }
        if mac::digest_len(spec).is_some() {
            return match mac::material_len_fits(spec, bytes.len()) {
                true => Ok(Secret::Hmac(Sensitive::new(Zeroizing::new(bytes.to_vec())))),
                false => Err(MaterialError::NotPkcs8Of(spec.as_str())),
            };
        }
        Ok(Secret::Private(Arc::new(PrivateKey::from_pkcs8_der(
            spec, bytes,
        )?)))
    }

    /// The material's encoding, as sealed in storage and carried by exports and seeds: the 32
    /// AES key bytes, the HMAC key bytes, or the private key as PKCS#8 DER.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        match self {
            Secret::Symmetric(key) => Ok(Zeroizing::new(key.to_vec())),
            Secret::Hmac(key) => Ok(Zeroizing::new(key.to_vec())),
            Secret::Private(key) => key.to_pkcs8_der(),
        }
    }

    /// The AES key of symmetric material (`KMSInternalException` for other kinds: callers
    /// check the key's kind first).
    pub fn symmetric(&self) -> Result<&[u8; 32], KmsError> {
        match self {
            Secret::Symmetric(key) => Ok(key.expose()),
            _ => Err(KmsError::Internal),
        }
    }
}

/// One generation of key material.
#[derive(Debug, Clone)]
pub struct Material {
    /// Identifies this material inside ciphertext blobs (`KeyMaterialId` is its hex form).
    pub id: [u8; MATERIAL_ID_LEN],
    /// The secret; zeroized on drop, never printed.
    pub secret: Secret,
}

impl Material {
    /// Fresh random material of a symmetric encryption key.
    pub fn generate() -> Self {
        Material::with_secret(Secret::Symmetric(Sensitive::new(aead::random_key())))
    }

    /// Fresh random material for a key of `spec`.
    pub fn generate_for(spec: KeySpec) -> Result<Self, MaterialError> {
        Secret::generate(spec).map(Material::with_secret)
    }

    /// `secret` with a fresh random id.
    fn with_secret(secret: Secret) -> Self {
        let mut id = [0u8; MATERIAL_ID_LEN];
        id.copy_from_slice(&aead::random_key()[..MATERIAL_ID_LEN]);
        Material { id, secret }
    }

    /// `KeyMaterialId` as KMS shows it: 64 lowercase hex characters.
    pub fn id_hex(&self) -> String {
        hex::encode(self.id)
    }
}
