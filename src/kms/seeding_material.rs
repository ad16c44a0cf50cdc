//! The material of a seeded key: seed text decoded to bytes ([`decode_material_text`]), the
//! kind the seed declares, and its generations checked against that kind and given their
//! ids (derived from the key id and the material when the seed gives none, so the same seed
//! always makes the same key). Errors never contain material.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::envelope::MATERIAL_ID_LEN;
use super::imported::derive_material_id;
use super::key_spec::{KeySpec, KeyType, KeyUsage};
use super::keys::{Material, Secret};
use super::seeding::KeySeed;

impl KeySeed {
    /// Checks the declared kind and material without installing anything, so that a seed
    /// document is found malformed before any of it is applied.
    pub fn check(&self) -> Result<(), String> {
        let key_type = seeded_type(self)?;
        if self.external {
            super::seeding_imported::seeded_record(self)?;
        }
        seeded_materials(self, key_type).map(|_| ())
    }
}

/// Decodes seeded material text: PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or base64 (of the
/// AES key, the HMAC key or PKCS#8 DER). Errors never contain the text.
pub fn decode_material_text(text: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        let (label, der) = pkcs8::der::pem::decode_vec(text.as_bytes())
            .map_err(|_| "key material PEM does not decode".to_owned())?;
        let der = Zeroizing::new(der);
        return match label {
            "PRIVATE KEY" => Ok(der),
            _ => Err("key material PEM must be a PKCS#8 PRIVATE KEY".to_owned()),
        };
    }
    STANDARD
        .decode(text.as_bytes())
        .map(Zeroizing::new)
        .map_err(|_| "key material must be base64 or PKCS#8 PEM".to_owned())
}

/// The material id a seed gets when it gives none: SHA-256 over the key id and the secret,
/// so the same seed always yields the same ciphertext headers.
fn derived_material_id(key_id: &str, secret: &[u8]) -> [u8; MATERIAL_ID_LEN] {
    let mut hash = Sha256::new();
    hash.update(b"lockbox-seed-material-id\0");
    hash.update(key_id.as_bytes());
    hash.update([0]);
    hash.update(secret);
    hash.finalize().into()
}

/// The kind the seed declares.
pub(super) fn seeded_type(seed: &KeySeed) -> Result<KeyType, String> {
    let spec_name = seed.key_spec.as_deref().unwrap_or("SYMMETRIC_DEFAULT");
    let usage_name = seed.key_usage.as_deref().unwrap_or("ENCRYPT_DECRYPT");
    let spec = KeySpec::parse(spec_name).ok_or_else(|| format!("unknown key_spec {spec_name}"))?;
    let usage =
        KeyUsage::parse(usage_name).ok_or_else(|| format!("unknown key_usage {usage_name}"))?;
    KeyType::new(spec, usage).ok_or_else(|| {
        format!("key_usage {usage_name} is not compatible with key_spec {spec_name}")
    })
}

pub(super) fn seeded_materials(seed: &KeySeed, key_type: KeyType) -> Result<Vec<Material>, String> {
    if !key_type.is_symmetric() && seed.materials.len() > 1 {
        return Err("only a symmetric encryption key has several key materials".to_owned());
    }
    let spec = key_type.spec();
    seed.materials
        .iter()
        .filter_map(|m| match (&m.secret, seed.external) {
            (Some(secret), _) => Some(Ok((m, secret))),
            // Associated, not imported: its entry is in the import record only.
            (None, true) => None,
            (None, false) => Some(Err("every key material needs its material".to_owned())),
        })
        .map(|found| {
            let (m, bytes) = found?;
            if !seed.external && !m.details.is_empty() {
                return Err("state, valid_to, description and rotated_at are for key material of origin EXTERNAL".to_owned());
            }
            let secret = Secret::from_bytes(spec, bytes).map_err(|_| {
                match spec {
                    KeySpec::SymmetricDefault => "key material must be exactly 32 bytes",
                    KeySpec::Hmac224 | KeySpec::Hmac256 | KeySpec::Hmac384 | KeySpec::Hmac512 => {
                        "HMAC key material must be from the digest length up to 128 bytes"
                    }
                    _ => "key material must be a PKCS#8 private key of the key spec",
                }
                .to_owned()
            })?;
            let id = match seed.external {
                // The id ImportKeyMaterial gives these bytes, so they can be reimported.
                true => {
                    let id = derive_material_id(&seed.key_id, bytes);
                    if m.id.is_some_and(|given| given != id) {
                        return Err("the id of imported material is derived from the key id and the material; leave it out".to_owned());
                    }
                    id
                }
                false => m
                    .id
                    .unwrap_or_else(|| derived_material_id(&seed.key_id, bytes)),
            };
            Ok(Material { id, secret })
        })
        .collect()
}
