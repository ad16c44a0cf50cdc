//! Deterministic seeding and export of KMS keys (issue 5: `--seed`, `/_lockbox/import`,
//! `/_lockbox/export`).
//!
//! [`LocalKms::seed_key`] installs a key with a fixed id, fixed material and its aliases, or
//! confirms that an identical one exists (idempotent); a differing existing key or alias is a
//! conflict reported in words, never overwritten. [`LocalKms::export_keys`] is the ONE place
//! key material leaves this module unsealed: exports must carry it so another instance can
//! decrypt the same ciphertexts (and sign with the same key pairs). It returns material in
//! zeroizing buffers; nothing here logs it.
//!
//! Material of every kind travels as bytes: the 32-byte AES key of a symmetric key, the key
//! of an HMAC key (digest length up to 128 bytes), or the private key of an asymmetric key
//! as PKCS#8 DER; in a seed document as base64, or for a private key also as PKCS#8 PEM
//! (`seeding_material.rs`). A seeded key pair makes the same public key and verifiable
//! signatures on every instance.

use zeroize::Zeroizing;

use super::envelope::MATERIAL_ID_LEN;
use super::key_spec::KeyType;
use super::keys::{Alias, Key, KeyManager, KeyState, Material, MultiRegion};
use super::multi_region;
use super::seeding_imported::{
    ExportedMaterial, SeedImportDetails, SeededRecord, exported_materials, external_difference,
    make_external, seeded_record,
};
use super::seeding_material::{seeded_materials, seeded_type};
use super::{KmsCaller, LocalKms, SECRETS_MANAGER_ALIAS};
use crate::crypto::Sensitive;
use crate::storage::{PartitionKey, Tracked};

/// A key as a seed declares it (material already decoded).
#[derive(Debug)]
pub struct KeySeed {
    /// Hyphenated UUID.
    pub key_id: String,
    /// Description.
    pub description: String,
    /// Enabled (else Disabled).
    pub enabled: bool,
    /// Key policy; `None` = default policy, not compared when the key exists.
    pub policy: Option<String>,
    /// Tags in order.
    pub tags: Vec<(String, String)>,
    /// The AWS managed key of Secrets Manager.
    pub aws_managed: bool,
    /// `KeySpec`; `None` = `SYMMETRIC_DEFAULT`.
    pub key_spec: Option<String>,
    /// `KeyUsage`; `None` = `ENCRYPT_DECRYPT`.
    pub key_usage: Option<String>,
    /// Material generations, oldest first; empty = fresh random material. A key that is not
    /// a symmetric encryption key has exactly one.
    pub materials: Vec<SeedMaterial>,
    /// Aliases (`alias/<name>`).
    pub aliases: Vec<String>,
    /// The Region of the primary key of a multi-Region key (`mrk-` id); `None` for a
    /// single-Region key.
    pub primary_region: Option<String>,
    /// Origin `EXTERNAL`: `materials` are the entries of its import record, imported ones with
    /// the ids an import of the same bytes gets (none: `PendingImport`; see
    /// `seeding_imported.rs`).
    pub external: bool,
}

/// Whether `region` has the form of a Region name (lowercase words and digits joined by
/// hyphens).
fn is_region_name(region: &str) -> bool {
    region.contains('-')
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Most tags a seeded key may carry: the API's quota, so a seeded key accepts ordinary writes.
const MAX_SEEDED_TAGS: usize = 50;

/// One generation of material.
#[derive(Debug)]
pub struct SeedMaterial {
    /// Material id; `None` derives it from the key id and the secret.
    pub id: Option<[u8; MATERIAL_ID_LEN]>,
    /// The material's bytes (see the module doc); `None` only for material of an `EXTERNAL`
    /// key that is associated but not imported.
    pub secret: Option<Sensitive<Zeroizing<Vec<u8>>>>,
    /// Import details of an `EXTERNAL` key's material (see `seeding_imported.rs`).
    pub details: SeedImportDetails,
}

/// What applying one object did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// It did not exist and was created.
    Created,
    /// An identical object existed; nothing changed.
    Unchanged,
}

/// Why an object of a seed was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedError {
    /// The object is malformed or cannot be applied here (a bad id, a missing KMS key...).
    Invalid(String),
    /// An existing object differs from the declared one (nothing was overwritten).
    Conflict(String),
}

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeedError::Invalid(message) | SeedError::Conflict(message) => f.write_str(message),
        }
    }
}

impl From<String> for SeedError {
    fn from(message: String) -> Self {
        SeedError::Invalid(message)
    }
}

/// A key as exported.
#[derive(Debug)]
pub struct KeyExport {
    /// Key id.
    pub key_id: String,
    /// Description.
    pub description: String,
    /// Enabled (a key pending deletion is exported as disabled).
    pub enabled: bool,
    /// Key policy.
    pub policy: String,
    /// Tags.
    pub tags: Vec<(String, String)>,
    /// AWS managed.
    pub aws_managed: bool,
    /// `(KeySpec, KeyUsage)`; `None` for a symmetric encryption key.
    pub key_type: Option<(&'static str, &'static str)>,
    /// The materials, oldest first (for an `EXTERNAL` key, its whole import record).
    pub materials: Vec<ExportedMaterial>,
    /// Origin `EXTERNAL` (see `seeding_imported.rs` for which material it exports).
    pub external: bool,
    /// Aliases pointing at the key.
    pub aliases: Vec<String>,
    /// The Region of its primary key, for a multi-Region key.
    pub primary_region: Option<String>,
}

/// Why an existing key differs from its seed, if it does.
fn difference(
    existing: &Key,
    seed: &KeySeed,
    key_type: KeyType,
    wanted: &[Material],
    external: Option<&SeededRecord>,
) -> Option<&'static str> {
    let manager = if seed.aws_managed {
        KeyManager::Aws
    } else {
        KeyManager::Customer
    };
    let state = if external.is_some_and(|e| !e.record.complete()) {
        KeyState::PendingImport
    } else if seed.enabled {
        KeyState::Enabled
    } else {
        KeyState::Disabled
    };
    let mut tags = existing.tags.clone();
    tags.sort();
    let mut wanted_tags = seed.tags.clone();
    wanted_tags.sort();
    let same_material =
        |w: &Material, e: &Material| match (w.secret.to_bytes(), e.secret.to_bytes()) {
            (Ok(w), Ok(e)) => bool::from(subtle::ConstantTimeEq::ct_eq(w.as_slice(), e.as_slice())),
            _ => false,
        };
    let primary_region = existing.multi_region.as_ref().map(|mr| &mr.primary_region);
    if existing.key_type != key_type {
        Some("key spec or key usage")
    } else if primary_region != seed.primary_region.as_ref() {
        Some("multi-Region primary Region")
    } else if existing.origin.external().is_some() != seed.external {
        Some("origin")
    } else if existing.manager != manager {
        Some("key manager")
    } else if existing.state != state {
        Some("state")
    } else if existing.description != seed.description {
        Some("description")
    } else if seed.policy.as_ref().is_some_and(|p| *p != existing.policy) {
        Some("policy")
    } else if tags != wanted_tags {
        Some("tags")
    } else if let Some(what) = external.and_then(|e| external_difference(existing, e, wanted)) {
        Some(what)
    } else if external.is_none()
        && !wanted.is_empty()
        && (wanted.len() != existing.materials.len()
            || wanted
                .iter()
                .zip(&existing.materials)
                .any(|(w, e)| w.id != e.id || !same_material(w, e)))
    {
        Some("key material")
    } else {
        None
    }
}

impl LocalKms {
    /// Creates the seeded key and its aliases in the caller's partition, or confirms that an
    /// identical key exists. Errors name the key and what differs.
    pub fn seed_key(&self, caller: KmsCaller<'_>, seed: &KeySeed) -> Result<Applied, SeedError> {
        let where_ = format!(
            "KMS key {} in {}/{}",
            seed.key_id, caller.account, caller.region
        );
        match &seed.primary_region {
            None if uuid::Uuid::try_parse(&seed.key_id).is_err() || seed.key_id.len() != 36 => {
                return Err(SeedError::Invalid(format!(
                    "{where_}: key_id must be a hyphenated UUID (or mrk- and 32 hex digits with primary_region)"
                )));
            }
            Some(_) if !multi_region::is_id(&seed.key_id) => {
                return Err(SeedError::Invalid(format!(
                    "{where_}: a multi-Region key (primary_region) needs a key_id of mrk- and 32 lowercase hex digits"
                )));
            }
            Some(_) if seed.aws_managed => {
                return Err(SeedError::Invalid(format!(
                    "{where_}: the AWS managed key is not a multi-Region key"
                )));
            }
            Some(region) if !is_region_name(region) => {
                return Err(SeedError::Invalid(format!(
                    "{where_}: primary_region '{region}' is not a Region name"
                )));
            }
            _ => {}
        }
        for alias in &seed.aliases {
            let reserved = alias.starts_with("alias/aws/");
            if !alias.starts_with("alias/") || alias.len() <= 6 || (reserved && !seed.aws_managed) {
                return Err(SeedError::Invalid(format!(
                    "{where_}: alias '{alias}' must be alias/<name> (alias/aws/ is reserved for the AWS managed key)"
                )));
            }
        }
        if seed.description.len() > 8192 {
            return Err(SeedError::Invalid(format!(
                "{where_}: the description must be at most 8192 characters"
            )));
        }
        if seed.tags.len() > MAX_SEEDED_TAGS {
            return Err(SeedError::Invalid(format!(
                "{where_}: at most {MAX_SEEDED_TAGS} tags, as TagResource allows"
            )));
        }
        if let Some((key, _)) = seed
            .tags
            .iter()
            .find(|(k, v)| k.is_empty() || k.len() > 128 || v.len() > 256)
        {
            return Err(SeedError::Invalid(format!(
                "{where_}: tag '{key}': keys must be 1-128 characters and values at most 256"
            )));
        }
        if let Some(policy) = &seed.policy {
            if policy.len() > 32_768 || serde_json::from_str::<serde_json::Value>(policy).is_err() {
                return Err(SeedError::Invalid(format!(
                    "{where_}: the policy must be a JSON document of at most 32768 characters"
                )));
            }
        }
        if seed.aws_managed && !seed.aliases.iter().any(|a| a == SECRETS_MANAGER_ALIAS) {
            return Err(SeedError::Invalid(format!(
                "{where_}: an AWS managed key needs the alias {SECRETS_MANAGER_ALIAS}"
            )));
        }
        let key_type =
            seeded_type(seed).map_err(|e| SeedError::Invalid(format!("{where_}: {e}")))?;
        if seed.aws_managed && seed.external {
            return Err(SeedError::Invalid(format!(
                "{where_}: the AWS managed key has origin AWS_KMS"
            )));
        }
        if seed.aws_managed && !key_type.is_symmetric() {
            return Err(SeedError::Invalid(format!(
                "{where_}: the AWS managed key is a symmetric encryption key"
            )));
        }
        let mut wanted = seeded_materials(seed, key_type)
            .map_err(|e| SeedError::Invalid(format!("{where_}: {e}")))?;
        let external = match seed.external {
            true => {
                let mut record = seeded_record(seed)
                    .map_err(|e| SeedError::Invalid(format!("{where_}: {e}")))?;
                let expired = record.expire(caller.now);
                wanted.retain(|material| !expired.contains(&material.id));
                Some(record)
            }
            false => None,
        };
        // A key pair to generate is made before the ring is locked (RSA takes a moment).
        let fresh = match wanted.is_empty() && !seed.external {
            true => Some(
                Material::generate_for(key_type.spec())
                    .map_err(|e| SeedError::Invalid(format!("{where_}: {e}")))?,
            ),
            false => None,
        };
        let ring = self.ring(caller);
        let installed = self.write_ring(caller, &ring, |aliases, keys| {
            Ok(install_key(
                aliases,
                keys,
                caller,
                seed,
                Materials {
                    key_type,
                    wanted,
                    fresh,
                    external,
                },
                &where_,
            ))
        });
        let (outcome, rotation_due) = match installed {
            Ok(result) => result?,
            Err(error) => {
                return Err(SeedError::Invalid(format!(
                    "{where_}: the key could not be stored: {error}"
                )));
            }
        };
        if let Some(at) = rotation_due {
            self.schedule_rotation(at);
        }
        if seed.primary_region.is_some() {
            // Joins the key to its set (and a replica to its primary's material).
            self.write_related(caller, None, |related| {
                related.touch(&seed.key_id, caller.now);
                Ok(())
            })
            .map_err(|error| {
                SeedError::Invalid(format!("{where_}: the key could not be stored: {error}"))
            })?;
        }
        Ok(outcome)
    }

    /// Every key of every partition, with its material (see the module doc), aliases sorted.
    pub fn export_keys(&self) -> Vec<(PartitionKey, Vec<KeyExport>)> {
        let mut out = Vec::new();
        for (partition, ring) in self.rings.entries() {
            let (aliases, keys) = ring.read();
            let mut exported: Vec<KeyExport> = keys
                .values()
                .map(|key| KeyExport {
                    key_id: key.id.clone(),
                    description: key.description.clone(),
                    enabled: key.state == KeyState::Enabled,
                    policy: key.policy.clone(),
                    tags: key.tags.clone(),
                    aws_managed: key.manager == KeyManager::Aws,
                    key_type: (!key.key_type.is_symmetric())
                        .then(|| (key.key_type.spec().as_str(), key.key_type.usage().as_str())),
                    materials: exported_materials(key),
                    external: key.origin.external().is_some(),
                    aliases: aliases
                        .iter()
                        .filter(|(_, alias)| alias.key_id == key.id)
                        .map(|(name, _)| name.clone())
                        .collect(),
                    primary_region: key
                        .multi_region
                        .as_ref()
                        .map(|mr| mr.primary_region.clone()),
                })
                .collect();
            exported.sort_by(|a, b| a.key_id.cmp(&b.key_id));
            if !exported.is_empty() {
                out.push((partition, exported));
            }
        }
        out
    }
}

/// The material a seeded key gets: the declared generations, or else `fresh`.
struct Materials {
    key_type: KeyType,
    wanted: Vec<Material>,
    fresh: Option<Material>,
    external: Option<SeededRecord>,
}

/// Installs the seeded key and its aliases in a write section (see [`LocalKms::seed_key`]).
fn install_key(
    aliases: &mut Tracked<Alias>,
    keys: &mut Tracked<Key>,
    caller: KmsCaller<'_>,
    seed: &KeySeed,
    materials: Materials,
    where_: &str,
) -> Result<(Applied, Option<time::OffsetDateTime>), SeedError> {
    let Materials {
        key_type,
        wanted,
        fresh,
        external,
    } = materials;
    for alias in &seed.aliases {
        if let Some(found) = aliases.get(alias).filter(|a| a.key_id != seed.key_id) {
            return Err(SeedError::Conflict(format!(
                "{where_}: alias {alias} already points at key {}",
                found.key_id
            )));
        }
    }
    let mut rotation_due = None;
    let outcome = match keys.get(&seed.key_id) {
        Some(existing) => match difference(existing, seed, key_type, &wanted, external.as_ref()) {
            Some(what) => {
                return Err(SeedError::Conflict(format!(
                    "{where_} already exists with a different {what}; reset the instance or change the seed"
                )));
            }
            None => Applied::Unchanged,
        },
        None => {
            let manager = if seed.aws_managed {
                KeyManager::Aws
            } else {
                KeyManager::Customer
            };
            let mut key = Key::new(
                caller,
                manager,
                seed.description.clone(),
                seed.policy.clone(),
            );
            key.arn = caller.key_arn(&seed.key_id);
            key.id = seed.key_id.clone();
            key.tags = seed.tags.clone();
            key.key_type = key_type;
            if !seed.enabled {
                key.state = KeyState::Disabled;
            }
            key.multi_region = seed.primary_region.as_deref().map(|region| MultiRegion {
                primary_region: region.to_owned(),
                replica_regions: Vec::new(),
                replica_deletion_window: None,
            });
            match (wanted.is_empty(), fresh) {
                (false, _) => key.materials = wanted,
                (true, Some(material)) => key.materials = vec![material],
                // Only an EXTERNAL key has no material to generate: it waits for an import.
                (true, None) => key.materials = Vec::new(),
            }
            if let Some(external) = external {
                make_external(&mut key, external, seed.enabled, caller.now);
            }
            // AWS managed keys always rotate yearly, as when created lazily (local.rs).
            if seed.aws_managed {
                key.rotation
                    .enable(super::rotation::DEFAULT_PERIOD_DAYS, caller.now);
                rotation_due = key.rotation.next;
            }
            keys.insert(key.id.clone(), key);
            Applied::Created
        }
    };
    let mut added_alias = false;
    for alias in &seed.aliases {
        if !aliases.contains_key(alias) {
            aliases.insert(alias.clone(), Alias::new(seed.key_id.clone(), caller.now));
            added_alias = true;
        }
    }
    let outcome = if added_alias {
        Applied::Created
    } else {
        outcome
    };
    Ok((outcome, rotation_due))
}
