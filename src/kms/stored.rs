//! Stored forms of KMS state: a key (`RecordKind::KmsKey`, id = key id) with its metadata,
//! policy, tags, rotation schedule and history, and grants (tokens only as digests); an alias
//! (`RecordKind::KmsAlias`, id = `alias/<name>`).
//!
//! Key material is never stored in the clear: every generation is sealed in ONE blob with the
//! root key, bound to the key's ARN (so sealed material cannot be moved to another key's
//! record). Material ids are not secret and stay readable.
//! - A symmetric encryption key (no `key_spec` in the record, as every record written before
//!   other kinds existed): the generations' 32-byte AES keys concatenated, bound to the ARN.
//! - Any other kind (`key_spec` and `key_usage` in the record): each generation's encoding
//!   (HMAC key bytes, or the private key as PKCS#8 DER) after its big-endian u32 length,
//!   bound to the ARN, the spec and the usage (so a record edited to another kind fails to
//!   open instead of misreading its material).
//!
//! - An `EXTERNAL` key also carries its import record (`stored_imported.rs`); only its
//!   materials imported now are sealed, so it may have none.
//!
//! Evolving the forms: add fields with `#[serde(default)]`; never rename or retype one.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::EncryptionContext;
use super::envelope::MATERIAL_ID_LEN;
use super::grants::{Constraints, Grant, GrantTerms};
use super::keys::{Alias, Key, KeyManager, KeyState, Material, MultiRegion, Secret};
use super::root_key::{RootKey, RootKeyError};
use super::rotation::{KeyRotation, RotationRecord, RotationType};
use super::stored_imported::{StoredExternal, origin_of, stored_origin};
use super::stored_material::{
    key_type_of, material_bytes, sealing_aad, split_materials, stored_kind,
};
use crate::storage::codec::{b64, nanos, opt_nanos};
use crate::storage::{
    Mutation, PartitionKey, RecordKind, Section, StoreError, Tracked, changed_records, decode_json,
    encode_json,
};

#[derive(Serialize, Deserialize)]
struct StoredKey {
    id: String,
    arn: String,
    account: String,
    aws_managed: bool,
    /// `KeySpec`; absent for a symmetric encryption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_spec: Option<String>,
    /// `KeyUsage`; absent for a symmetric encryption key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key_usage: Option<String>,
    state: String,
    description: String,
    #[serde(with = "nanos")]
    creation_date: OffsetDateTime,
    #[serde(with = "opt_nanos", default)]
    deletion_date: Option<OffsetDateTime>,
    policy: String,
    tags: Vec<(String, String)>,
    /// Hex material ids, oldest first.
    material_ids: Vec<String>,
    /// The materials' secrets in the same order, sealed with the root key (see the module doc).
    #[serde(with = "b64")]
    sealed_materials: Vec<u8>,
    rotation: StoredRotation,
    #[serde(default)]
    grants: Vec<StoredGrant>,
    /// The key's place in a set of multi-Region keys; absent for a single-Region key (and
    /// in every record written before multi-Region keys existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    multi_region: Option<StoredMultiRegion>,
    /// The import record of an `EXTERNAL` key; absent for `AWS_KMS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    external: Option<StoredExternal>,
}

#[derive(Serialize, Deserialize)]
struct StoredMultiRegion {
    primary_region: String,
    replica_regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    replica_deletion_window: Option<i64>,
}

#[derive(Serialize, Deserialize)]
struct StoredRotation {
    period_days: Option<i64>,
    #[serde(with = "opt_nanos", default)]
    next: Option<OffsetDateTime>,
    #[serde(with = "opt_nanos", default)]
    anchor: Option<OffsetDateTime>,
    overdue: bool,
    history: Vec<StoredRotationRecord>,
}

#[derive(Serialize, Deserialize)]
struct StoredRotationRecord {
    material_id: String,
    #[serde(with = "nanos")]
    date: OffsetDateTime,
    on_demand: bool,
}

#[derive(Serialize, Deserialize)]
struct StoredGrant {
    id: String,
    name: Option<String>,
    grantee_principal: String,
    retiring_principal: Option<String>,
    operations: Vec<String>,
    #[serde(default)]
    context_subset: Option<EncryptionContext>,
    #[serde(default)]
    context_equals: Option<EncryptionContext>,
    #[serde(default)]
    has_constraints: bool,
    #[serde(with = "nanos")]
    creation_date: OffsetDateTime,
    issuing_account: String,
    /// Hex SHA-256 digests of the tokens issued (never the tokens).
    token_digests: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredAlias {
    key_id: String,
    #[serde(with = "nanos")]
    creation_date: OffsetDateTime,
    #[serde(with = "nanos")]
    last_updated_date: OffsetDateTime,
}

fn sealing_error(error: RootKeyError) -> StoreError {
    StoreError::Backend {
        context: "sealing key material with the root key",
        source: Box::new(error),
    }
}

fn material_id(hex_id: &str, what: &str) -> Result<[u8; MATERIAL_ID_LEN], StoreError> {
    let mut id = [0u8; MATERIAL_ID_LEN];
    hex::decode_to_slice(hex_id, &mut id)
        .map_err(|_| StoreError::Corrupt(format!("{what}: a material id is not hex")))?;
    Ok(id)
}

/// The record bytes of `key`, its material sealed with `root_key`.
pub fn encode_key(key: &Key, root_key: &RootKey) -> Result<Vec<u8>, StoreError> {
    let secrets = material_bytes(key)?;
    let (key_spec, key_usage) = stored_kind(key.key_type);
    let aad = sealing_aad(&key.arn, key_spec.as_deref(), key_usage.as_deref());
    let sealed_materials = root_key.seal(&secrets, &aad).map_err(sealing_error)?;
    encode_json(&StoredKey {
        id: key.id.clone(),
        arn: key.arn.clone(),
        account: key.account.clone(),
        aws_managed: key.manager == KeyManager::Aws,
        key_spec,
        key_usage,
        state: key.state.as_str().to_owned(),
        description: key.description.clone(),
        creation_date: key.creation_date,
        deletion_date: key.deletion_date,
        policy: key.policy.clone(),
        tags: key.tags.clone(),
        material_ids: key.materials.iter().map(Material::id_hex).collect(),
        sealed_materials,
        rotation: StoredRotation {
            period_days: key.rotation.period_days,
            next: key.rotation.next,
            anchor: key.rotation.anchor,
            overdue: key.rotation.overdue,
            history: key
                .rotation
                .history
                .iter()
                .map(|record| StoredRotationRecord {
                    material_id: hex::encode(record.material_id),
                    date: record.date,
                    on_demand: record.kind == RotationType::OnDemand,
                })
                .collect(),
        },
        grants: key.grants.iter().map(stored_grant).collect(),
        multi_region: key.multi_region.as_ref().map(|mr| StoredMultiRegion {
            primary_region: mr.primary_region.clone(),
            replica_regions: mr.replica_regions.clone(),
            replica_deletion_window: mr.replica_deletion_window,
        }),
        external: stored_origin(&key.origin),
    })
}

fn stored_grant(grant: &Grant) -> StoredGrant {
    let constraints = grant.terms.constraints.as_ref();
    StoredGrant {
        id: grant.id.clone(),
        name: grant.terms.name.clone(),
        grantee_principal: grant.terms.grantee_principal.clone(),
        retiring_principal: grant.terms.retiring_principal.clone(),
        operations: grant.terms.operations.clone(),
        context_subset: constraints.and_then(|c| c.subset.clone()),
        context_equals: constraints.and_then(|c| c.equals.clone()),
        has_constraints: constraints.is_some(),
        creation_date: grant.creation_date,
        issuing_account: grant.issuing_account.clone(),
        token_digests: grant.token_digests.iter().map(hex::encode).collect(),
    }
}

fn grant_from(stored: StoredGrant, what: &str) -> Result<Grant, StoreError> {
    let token_digests = stored
        .token_digests
        .iter()
        .map(|digest| {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(digest, &mut bytes)
                .map_err(|_| StoreError::Corrupt(format!("{what}: a grant token digest")))?;
            Ok(bytes)
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Grant {
        id: stored.id,
        terms: GrantTerms {
            name: stored.name,
            grantee_principal: stored.grantee_principal,
            retiring_principal: stored.retiring_principal,
            operations: stored.operations,
            constraints: stored.has_constraints.then_some(Constraints {
                subset: stored.context_subset,
                equals: stored.context_equals,
            }),
        },
        creation_date: stored.creation_date,
        issuing_account: stored.issuing_account,
        token_digests,
    })
}

/// The key stored as `bytes`, its material opened with `root_key`.
pub fn decode_key(bytes: &[u8], root_key: &RootKey) -> Result<Key, StoreError> {
    let stored: StoredKey = decode_json(bytes, "a stored KMS key")?;
    let what = format!("KMS key {}", stored.id);
    let key_type = key_type_of(
        stored.key_spec.as_deref(),
        stored.key_usage.as_deref(),
        &what,
    )?;
    let aad = sealing_aad(
        &stored.arn,
        stored.key_spec.as_deref(),
        stored.key_usage.as_deref(),
    );
    let secrets = root_key
        .open(&stored.sealed_materials, &aad)
        .map_err(|error| StoreError::Corrupt(format!("{what}: material: {error}")))?;
    let parts = split_materials(&secrets, key_type, &what)?;
    let origin = origin_of(stored.external, &what)?;
    let may_be_empty = origin.external().is_some();
    if parts.len() != stored.material_ids.len() || (parts.is_empty() && !may_be_empty) {
        return Err(StoreError::Corrupt(format!(
            "{what}: material count does not match"
        )));
    }
    let materials = stored
        .material_ids
        .iter()
        .zip(parts)
        .map(|(id, secret)| {
            Ok(Material {
                id: material_id(id, &what)?,
                secret: Secret::from_bytes(key_type.spec(), secret)
                    .map_err(|error| StoreError::Corrupt(format!("{what}: material: {error}")))?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let state = match stored.state.as_str() {
        "Enabled" => KeyState::Enabled,
        "Disabled" => KeyState::Disabled,
        "PendingDeletion" => KeyState::PendingDeletion,
        "PendingReplicaDeletion" => KeyState::PendingReplicaDeletion,
        "PendingImport" => KeyState::PendingImport,
        other => return Err(StoreError::Corrupt(format!("{what}: state {other}"))),
    };
    let history = stored
        .rotation
        .history
        .iter()
        .map(|record| {
            Ok(RotationRecord {
                material_id: material_id(&record.material_id, &what)?,
                date: record.date,
                kind: if record.on_demand {
                    RotationType::OnDemand
                } else {
                    RotationType::Automatic
                },
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let grants = stored
        .grants
        .into_iter()
        .map(|grant| grant_from(grant, &what))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Key {
        id: stored.id,
        arn: stored.arn,
        account: stored.account,
        manager: if stored.aws_managed {
            KeyManager::Aws
        } else {
            KeyManager::Customer
        },
        key_type,
        state,
        description: stored.description,
        creation_date: stored.creation_date,
        deletion_date: stored.deletion_date,
        policy: stored.policy,
        tags: stored.tags,
        materials,
        rotation: KeyRotation {
            period_days: stored.rotation.period_days,
            next: stored.rotation.next,
            anchor: stored.rotation.anchor,
            overdue: stored.rotation.overdue,
            history,
        },
        grants,
        multi_region: stored.multi_region.map(|mr| MultiRegion {
            primary_region: mr.primary_region,
            replica_regions: mr.replica_regions,
            replica_deletion_window: mr.replica_deletion_window,
        }),
        origin,
    })
}

/// The stored key `bytes` with its material re-sealed from the root key `old` to `new`
/// (`lockbox rekey`); everything else is kept as stored.
pub fn reseal_key(bytes: &[u8], old: &RootKey, new: &RootKey) -> Result<Vec<u8>, StoreError> {
    let mut stored: StoredKey = decode_json(bytes, "a stored KMS key")?;
    let aad = sealing_aad(
        &stored.arn,
        stored.key_spec.as_deref(),
        stored.key_usage.as_deref(),
    );
    let secrets = old.open(&stored.sealed_materials, &aad).map_err(|error| {
        StoreError::Corrupt(format!("KMS key {}: material: {error}", stored.id))
    })?;
    stored.sealed_materials = new.seal(&secrets, &aad).map_err(sealing_error)?;
    encode_json(&stored)
}

/// The record bytes of an alias.
pub fn encode_alias(alias: &Alias) -> Result<Vec<u8>, StoreError> {
    encode_json(&StoredAlias {
        key_id: alias.key_id.clone(),
        creation_date: alias.creation_date,
        last_updated_date: alias.last_updated_date,
    })
}

/// The alias stored as `bytes`.
pub fn decode_alias(bytes: &[u8]) -> Result<Alias, StoreError> {
    let stored: StoredAlias = decode_json(bytes, "a stored KMS alias")?;
    Ok(Alias {
        key_id: stored.key_id,
        creation_date: stored.creation_date,
        last_updated_date: stored.last_updated_date,
    })
}

/// A write section over one partition's aliases and keys.
pub struct RingSection<'a> {
    /// The aliases, write-locked.
    pub aliases: &'a mut Tracked<Alias>,
    /// The keys, write-locked.
    pub keys: &'a mut Tracked<Key>,
    /// Which partition they are.
    pub partition: &'a PartitionKey,
    /// The key that seals key material (`None` in memory, where nothing is stored).
    pub root_key: Option<&'a RootKey>,
}

impl Section for RingSection<'_> {
    fn is_changed(&self) -> bool {
        self.aliases.is_changed() || self.keys.is_changed()
    }

    fn batch(&self) -> Result<Vec<Mutation>, StoreError> {
        let root_key = self.root_key.ok_or_else(|| {
            StoreError::Corrupt("key material to store but no root key to seal it".into())
        })?;
        let mut batch = changed_records(
            self.keys.changes(),
            RecordKind::KmsKey,
            self.partition,
            |key| encode_key(key, root_key),
        )?;
        batch.extend(changed_records(
            self.aliases.changes(),
            RecordKind::KmsAlias,
            self.partition,
            encode_alias,
        )?);
        Ok(batch)
    }

    fn settle(&mut self) {
        self.aliases.settle();
        self.keys.settle();
    }

    fn rollback(&mut self) {
        self.aliases.rollback();
        self.keys.rollback();
    }
}

#[cfg(test)]
#[path = "stored_tests.rs"]
mod tests;
