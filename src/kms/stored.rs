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
//! Evolving the forms: add fields with `#[serde(default)]`; never rename or retype one.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::EncryptionContext;
use super::envelope::MATERIAL_ID_LEN;
use super::grants::{Constraints, Grant, GrantTerms};
use super::key_spec::{KeySpec, KeyType, KeyUsage};
use super::keys::{Alias, Key, KeyManager, KeyState, Material, Secret};
use super::root_key::{RootKey, RootKeyError};
use super::rotation::{KeyRotation, RotationRecord, RotationType};
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

/// What sealed material is bound to: the ARN, and for keys that are not symmetric
/// encryption keys also their spec and usage.
fn sealing_aad(arn: &str, spec: Option<&str>, usage: Option<&str>) -> Vec<u8> {
    let mut aad = arn.as_bytes().to_vec();
    if let (Some(spec), Some(usage)) = (spec, usage) {
        for part in [spec, usage] {
            aad.push(0);
            aad.extend_from_slice(part.as_bytes());
        }
    }
    aad
}

/// The plaintext the root key seals for `key` (see the module doc).
fn material_bytes(key: &Key) -> Result<Zeroizing<Vec<u8>>, StoreError> {
    let mut secrets = Zeroizing::new(Vec::new());
    for material in &key.materials {
        let bytes = material.secret.to_bytes().map_err(|error| {
            StoreError::Corrupt(format!("KMS key {}: material: {error}", key.id))
        })?;
        if !key.key_type.is_symmetric() {
            let len = u32::try_from(bytes.len())
                .map_err(|_| StoreError::Corrupt(format!("KMS key {}: material size", key.id)))?;
            secrets.extend_from_slice(&len.to_be_bytes());
        }
        secrets.extend_from_slice(&bytes);
    }
    Ok(secrets)
}

/// Splits opened material into one encoding per generation (see the module doc).
fn split_materials<'a>(
    opened: &'a [u8],
    key_type: KeyType,
    what: &str,
) -> Result<Vec<&'a [u8]>, StoreError> {
    if key_type.is_symmetric() {
        if opened.len() % 32 != 0 {
            return Err(StoreError::Corrupt(format!("{what}: material size")));
        }
        return Ok(opened.chunks_exact(32).collect());
    }
    let mut parts = Vec::new();
    let mut rest = opened;
    while !rest.is_empty() {
        let (len, tail) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| StoreError::Corrupt(format!("{what}: material framing")))?;
        let len = usize::try_from(u32::from_be_bytes(*len))
            .map_err(|_| StoreError::Corrupt(format!("{what}: material framing")))?;
        if tail.len() < len {
            return Err(StoreError::Corrupt(format!("{what}: material framing")));
        }
        let (part, tail) = tail.split_at(len);
        parts.push(part);
        rest = tail;
    }
    Ok(parts)
}

/// The stored names of a key's kind: `None` for a symmetric encryption key.
fn stored_kind(key_type: KeyType) -> (Option<String>, Option<String>) {
    match key_type.is_symmetric() {
        true => (None, None),
        false => (
            Some(key_type.spec().as_str().to_owned()),
            Some(key_type.usage().as_str().to_owned()),
        ),
    }
}

/// The kind a stored key names (absent = symmetric encryption).
fn key_type_of(stored: &StoredKey, what: &str) -> Result<KeyType, StoreError> {
    match (stored.key_spec.as_deref(), stored.key_usage.as_deref()) {
        (None, None) => Ok(KeyType::SYMMETRIC),
        (Some(spec), Some(usage)) => KeySpec::parse(spec)
            .zip(KeyUsage::parse(usage))
            .and_then(|(spec, usage)| KeyType::new(spec, usage))
            .ok_or_else(|| StoreError::Corrupt(format!("{what}: key spec {spec} / usage {usage}"))),
        _ => Err(StoreError::Corrupt(format!(
            "{what}: key spec without usage"
        ))),
    }
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
    let key_type = key_type_of(&stored, &what)?;
    let aad = sealing_aad(
        &stored.arn,
        stored.key_spec.as_deref(),
        stored.key_usage.as_deref(),
    );
    let secrets = root_key
        .open(&stored.sealed_materials, &aad)
        .map_err(|error| StoreError::Corrupt(format!("{what}: material: {error}")))?;
    let parts = split_materials(&secrets, key_type, &what)?;
    if parts.len() != stored.material_ids.len() || parts.is_empty() {
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
mod tests {
    use super::*;
    use crate::kms::KmsCaller as KeyPlace;

    #[test]
    fn a_key_round_trips_and_its_material_is_sealed() {
        let root = RootKey::from_bytes(&[7; 32]);
        let place = KeyPlace {
            account: "111122223333",
            region: "us-east-1",
            now: OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_000_000_001).unwrap(),
        };
        let mut key = Key::new(place, KeyManager::Customer, "d".into(), None);
        key.rotation.enable(90, place.now);
        key.rotate(RotationType::OnDemand, place.now);
        key.tags.push(("k".into(), "v".into()));
        let mut grant = Grant::new(
            GrantTerms {
                name: Some("g".into()),
                grantee_principal: "arn:aws:iam::111122223333:role/r".into(),
                retiring_principal: None,
                operations: vec!["Decrypt".into()],
                constraints: Some(Constraints::default()),
            },
            "111122223333",
            place.now,
        );
        let token = grant.issue_token();
        key.grants.push(grant);
        let bytes = encode_key(&key, &root).unwrap();
        for material in &key.materials {
            let secret = material.secret.to_bytes().unwrap();
            assert!(!bytes.windows(32).any(|w| w == secret.as_slice()));
        }
        // A symmetric key's record has the form it had before other key kinds existed.
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(json.get("key_spec").is_none() && json.get("key_usage").is_none());
        let back = decode_key(&bytes, &root).unwrap();
        assert_eq!(back.materials.len(), 2);
        assert_eq!(back.key_type, KeyType::SYMMETRIC);
        for (a, b) in back.materials.iter().zip(&key.materials) {
            assert_eq!(a.id, b.id);
            assert_eq!(a.secret.to_bytes().unwrap(), b.secret.to_bytes().unwrap());
        }
        assert_eq!(back.rotation.history, key.rotation.history);
        assert_eq!(back.rotation.next, key.rotation.next);
        assert_eq!(back.creation_date, key.creation_date);
        assert!(back.grants[0].has_token(&token));
        assert_eq!(back.grants[0].terms, key.grants[0].terms);
        let wrong = RootKey::from_bytes(&[8; 32]);
        assert!(matches!(
            decode_key(&bytes, &wrong),
            Err(StoreError::Corrupt(_))
        ));
        let resealed = reseal_key(&bytes, &root, &wrong).unwrap();
        assert!(decode_key(&resealed, &root).is_err());
        let moved = decode_key(&resealed, &wrong).unwrap();
        assert_eq!(
            moved.materials[1].secret.to_bytes().unwrap(),
            key.materials[1].secret.to_bytes().unwrap()
        );
    }

    fn place() -> KeyPlace<'static> {
        KeyPlace {
            account: "111122223333",
            region: "us-east-1",
            now: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_record_written_before_key_kinds_existed_still_loads() {
        let root = RootKey::from_bytes(&[7; 32]);
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let secret = [42u8; 32];
        let sealed = root.seal(&secret, arn.as_bytes()).unwrap();
        let record = serde_json::json!({
            "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn": arn,
            "account": "111122223333",
            "aws_managed": false,
            "state": "Enabled",
            "description": "",
            "creation_date": 1_700_000_000_000_000_000i64,
            "policy": "{}",
            "tags": [],
            "material_ids": [hex::encode([1u8; 32])],
            "sealed_materials": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &sealed),
            "rotation": {"period_days": null, "overdue": false, "history": []},
        });
        let key = decode_key(&serde_json::to_vec(&record).unwrap(), &root).unwrap();
        assert_eq!(key.key_type, KeyType::SYMMETRIC);
        assert_eq!(key.materials[0].secret.symmetric().unwrap(), &secret);
        assert_eq!(key.metadata().key_spec, "SYMMETRIC_DEFAULT");
    }

    #[test]
    fn asymmetric_and_hmac_keys_round_trip_bound_to_their_kind() {
        let root = RootKey::from_bytes(&[9; 32]);
        for (spec, usage) in [
            (KeySpec::EccNistP256, KeyUsage::SignVerify),
            (KeySpec::EccNistEdwards25519, KeyUsage::SignVerify),
            (KeySpec::MlDsa44, KeyUsage::SignVerify),
            (KeySpec::Hmac512, KeyUsage::GenerateVerifyMac),
        ] {
            let key_type = KeyType::new(spec, usage).unwrap();
            let key =
                Key::new_of_type(place(), KeyManager::Customer, String::new(), None, key_type)
                    .unwrap();
            let bytes = encode_key(&key, &root).unwrap();
            let secret = key.materials[0].secret.to_bytes().unwrap();
            assert!(
                !bytes
                    .windows(16)
                    .any(|w| secret.windows(16).any(|s| s == w))
            );
            let back = decode_key(&bytes, &root).unwrap();
            assert_eq!(back.key_type, key_type);
            assert_eq!(back.materials[0].secret.to_bytes().unwrap(), secret);
            // A record edited to claim another kind does not open.
            let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            json["key_spec"] = "HMAC_256".into();
            json["key_usage"] = "GENERATE_VERIFY_MAC".into();
            let edited = serde_json::to_vec(&json).unwrap();
            if spec != KeySpec::Hmac256 {
                assert!(matches!(
                    decode_key(&edited, &root),
                    Err(StoreError::Corrupt(_))
                ));
            }
            let moved = reseal_key(&bytes, &root, &RootKey::from_bytes(&[1; 32])).unwrap();
            assert!(decode_key(&moved, &RootKey::from_bytes(&[1; 32])).is_ok());
        }
    }
}
