//! Applying a [`SeedDocument`] to a running instance.
//!
//! The whole document is checked and converted first (versions, account ids, base64, value
//! forms), so a malformed document changes nothing. Then, per partition, KMS keys and their
//! aliases are applied before secrets (secrets may name those keys, and imported ciphertexts
//! need them). Each object is created or found identical ([`Applied`]); a differing existing
//! object stops the application with a message naming it.
//!
//! All or nothing: before touching the instance, the document is rehearsed on a scratch
//! in-memory copy of the partitions it names (exported and imported, ciphertexts and key
//! material included), so a conflict anywhere in the document is reported while nothing has
//! changed. Secrets scheduled for deletion are not part of that copy: a seed naming one
//! still stops at it, after the objects before it were applied; re-applying after a fix is
//! safe because application is idempotent.
//!
//! Derived values are deterministic: a missing `arn_suffix` comes from SHA-256 over (account,
//! region, name), a missing `version_id` from (account, region, name, position), a missing
//! material id from (key id, material); a secret whose versions carry no `AWSCURRENT` gets it
//! on its last version.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use zeroize::Zeroizing;

use super::export::export;
use super::model::{
    EncryptedValueDoc, KeyDoc, KeyMaterialText, MaterialDoc, PartitionDoc, SecretDoc, SeedDocument,
    ValueKindDoc, VersionDoc,
};
use crate::app::AppState;
use crate::clock::Clock as _;
use crate::config::is_account_id;
use crate::crypto::Sensitive;
use crate::kms::{
    Applied, KeySeed, KmsCaller, MaterialState, SeedError, SeedImportDetails, SeedMaterial,
    decode_material_text,
};
use crate::secretsmanager::{SecretSeed, SecretValue, SeedValue, ValueKind, VersionSeed};

/// What an application did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ApplyReport {
    /// KMS keys created (or given new aliases).
    pub keys_created: usize,
    /// KMS keys found identical.
    pub keys_unchanged: usize,
    /// Secrets created.
    pub secrets_created: usize,
    /// Secrets found identical.
    pub secrets_unchanged: usize,
    /// Objects that differ from the document and were kept as they are
    /// ([`OnConflict::KeepExisting`] only).
    #[serde(skip_serializing_if = "is_zero")]
    pub conflicts_kept: usize,
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}

/// What to do when an existing object differs from the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Stop with an error naming the object; nothing of the document is applied.
    Fail,
    /// Keep the existing object, log a warning, apply the rest (a seed given at start-up over a
    /// data dir whose objects were changed through the API since).
    KeepExisting,
}

struct PartitionPlan {
    account: String,
    region: String,
    keys: Vec<KeySeed>,
    secrets: Vec<SecretSeed>,
}

/// Checks `document` and applies it to `state` at the instance's current (virtual) time; a
/// conflict with an existing object is an error and nothing is applied.
pub fn apply(state: &AppState, document: &SeedDocument) -> Result<ApplyReport, String> {
    apply_with(state, document, OnConflict::Fail)
}

/// [`apply`] with a choice of what a conflict does.
pub fn apply_with(
    state: &AppState,
    document: &SeedDocument,
    on_conflict: OnConflict,
) -> Result<ApplyReport, String> {
    let plans = plans_of(document)?;
    rehearse(state, &plans, on_conflict)?;
    apply_plans(state, &plans, on_conflict)
}

fn plans_of(document: &SeedDocument) -> Result<Vec<PartitionPlan>, String> {
    document
        .partitions
        .iter()
        .enumerate()
        .map(|(index, partition)| plan(partition).map_err(|e| format!("partitions[{index}]: {e}")))
        .collect()
}

/// Applies `document` to a scratch copy of the partitions it names; fails as the real
/// application would on a conflict.
fn rehearse(
    state: &AppState,
    plans: &[PartitionPlan],
    on_conflict: OnConflict,
) -> Result<(), String> {
    let named: BTreeSet<(&str, &str)> = plans
        .iter()
        .map(|p| (p.account.as_str(), p.region.as_str()))
        .collect();
    let mut current = export(state, false)?;
    current
        .partitions
        .retain(|p| named.contains(&(p.account.as_str(), p.region.as_str())));
    let scratch = AppState::new(state.config.clone());
    let copy = plans_of(&current).and_then(|copy| apply_plans(&scratch, &copy, OnConflict::Fail));
    if let Err(error) = copy {
        // Not the caller's fault: go on without a rehearsal rather than refuse the seed.
        tracing::warn!(%error, "the seed could not be rehearsed; applying it directly");
        return Ok(());
    }
    apply_plans(&scratch, plans, on_conflict).map(|_| ())
}

/// What one object's application means for the report: `None` when a conflict was kept.
fn settle(
    result: Result<Applied, SeedError>,
    on_conflict: OnConflict,
    report: &mut ApplyReport,
) -> Result<Option<Applied>, String> {
    match result {
        Ok(applied) => Ok(Some(applied)),
        Err(SeedError::Conflict(message)) if on_conflict == OnConflict::KeepExisting => {
            tracing::warn!(%message, "the seed differs from the stored object; the stored one is kept");
            report.conflicts_kept += 1;
            Ok(None)
        }
        Err(error) => Err(error.to_string()),
    }
}

fn apply_plans(
    state: &AppState,
    plans: &[PartitionPlan],
    on_conflict: OnConflict,
) -> Result<ApplyReport, String> {
    let now = state.clock.now();
    let mut report = ApplyReport::default();
    for plan in plans {
        let caller = KmsCaller {
            account: &plan.account,
            region: &plan.region,
            now,
        };
        for key in &plan.keys {
            match settle(state.kms.seed_key(caller, key), on_conflict, &mut report)? {
                Some(Applied::Created) => report.keys_created += 1,
                Some(Applied::Unchanged) => report.keys_unchanged += 1,
                None => {}
            }
        }
        for secret in &plan.secrets {
            let applied =
                state
                    .secrets_manager
                    .seed_secret(&plan.account, &plan.region, now, secret);
            match settle(applied, on_conflict, &mut report)? {
                Some(Applied::Created) => report.secrets_created += 1,
                Some(Applied::Unchanged) => report.secrets_unchanged += 1,
                None => {}
            }
        }
    }
    Ok(report)
}

fn plan(partition: &PartitionDoc) -> Result<PartitionPlan, String> {
    if !is_account_id(&partition.account) {
        return Err(format!("account '{}' must be 12 digits", partition.account));
    }
    let region_ok = !partition.region.is_empty()
        && partition
            .region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !region_ok {
        return Err(format!(
            "region '{}' is not a region name",
            partition.region
        ));
    }
    let keys = partition
        .kms_keys
        .iter()
        .map(|key| key_seed(key).map_err(|e| format!("KMS key {}: {e}", key.key_id)))
        .collect::<Result<_, _>>()?;
    let secrets = partition
        .secrets
        .iter()
        .map(|secret| {
            secret_seed(&partition.account, &partition.region, secret)
                .map_err(|e| format!("secret '{}': {e}", secret.name))
        })
        .collect::<Result<_, _>>()?;
    Ok(PartitionPlan {
        account: partition.account.clone(),
        region: partition.region.clone(),
        keys,
        secrets,
    })
}

/// The bytes of seeded material (base64, or PKCS#8 PEM for a private key); KMS checks that
/// they fit the key's spec.
fn material(text: &KeyMaterialText) -> Result<Zeroizing<Vec<u8>>, String> {
    decode_material_text(text.0.expose())
}

fn key_seed(doc: &KeyDoc) -> Result<KeySeed, String> {
    let mut materials = Vec::new();
    if let Some(text) = &doc.key_material {
        if !doc.key_materials.is_empty() {
            return Err("give key_material or key_materials, not both".to_owned());
        }
        materials.push(SeedMaterial {
            id: None,
            secret: Some(Sensitive::new(material(text)?)),
            details: SeedImportDetails::default(),
        });
    }
    for generation in &doc.key_materials {
        let id = match &generation.id {
            None => None,
            Some(hex_id) => Some(
                hex::decode(hex_id)
                    .ok()
                    .and_then(|bytes| bytes.try_into().ok())
                    .ok_or_else(|| format!("material id '{hex_id}' must be 64 hex characters"))?,
            ),
        };
        let secret = match &generation.material {
            Some(text) => Some(Sensitive::new(material(text)?)),
            None => None,
        };
        materials.push(SeedMaterial {
            id,
            secret,
            details: import_details(generation)?,
        });
    }
    let seed = KeySeed {
        key_id: doc.key_id.clone(),
        description: doc.description.clone(),
        enabled: doc.enabled,
        policy: doc.policy.clone(),
        tags: doc.tags.clone().into_iter().collect(),
        aws_managed: doc.aws_managed,
        key_spec: doc.key_spec.clone(),
        key_usage: doc.key_usage.clone(),
        materials,
        aliases: doc.aliases.clone(),
        primary_region: doc.primary_region.clone(),
        external: match doc.origin.as_deref() {
            None | Some("AWS_KMS") => false,
            Some("EXTERNAL") => true,
            Some(other) => return Err(format!("origin must be AWS_KMS or EXTERNAL, not {other}")),
        },
    };
    seed.check()?;
    Ok(seed)
}

/// The import details of an `EXTERNAL` key's material (the key checks where they apply).
fn import_details(doc: &MaterialDoc) -> Result<SeedImportDetails, String> {
    let date = |name: &str, text: &Option<String>| match text {
        None => Ok(None),
        Some(text) => OffsetDateTime::parse(text, &Rfc3339)
            .map(Some)
            .map_err(|_| format!("{name} '{text}' must be an RFC 3339 date")),
    };
    let state = match doc.state.as_deref() {
        None => None,
        Some(name) => Some(MaterialState::parse(name).ok_or_else(|| {
            format!("material state must be CURRENT, NON_CURRENT, PENDING_ROTATION or PENDING_MULTI_REGION_IMPORT_AND_ROTATION, not {name}")
        })?),
    };
    Ok(SeedImportDetails {
        state,
        valid_to: date("valid_to", &doc.valid_to)?,
        description: doc.description.clone(),
        rotated_at: date("rotated_at", &doc.rotated_at)?,
    })
}

fn digest(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
        hash.update([0]);
    }
    hash.finalize().into()
}

/// Six alphanumerics derived from the secret's place and name.
fn derived_suffix(account: &str, region: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let hash = digest(&[
        b"lockbox-seed-arn-suffix",
        account.as_bytes(),
        region.as_bytes(),
        name.as_bytes(),
    ]);
    hash.iter()
        .take(6)
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// A UUID-shaped version id derived from the secret's place, name and version position.
fn derived_version_id(account: &str, region: &str, name: &str, position: usize) -> String {
    let position = position.to_string();
    let hash = digest(&[
        b"lockbox-seed-version-id",
        account.as_bytes(),
        region.as_bytes(),
        name.as_bytes(),
        position.as_bytes(),
    ]);
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&hash[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn secret_seed(account: &str, region: &str, doc: &SecretDoc) -> Result<SecretSeed, String> {
    let mut versions = doc
        .versions
        .iter()
        .enumerate()
        .map(|(position, version)| {
            let id = version
                .version_id
                .clone()
                .unwrap_or_else(|| derived_version_id(account, region, &doc.name, position));
            let value = seed_value(version).map_err(|e| format!("versions[{position}]: {e}"))?;
            Ok(VersionSeed {
                id,
                stages: version.stages.clone(),
                value,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let has_current = versions
        .iter()
        .any(|v| v.stages.iter().any(|s| s == "AWSCURRENT"));
    if !has_current {
        if let Some(last) = versions.last_mut() {
            last.stages.push("AWSCURRENT".to_owned());
        }
    }
    Ok(SecretSeed {
        name: doc.name.clone(),
        arn_suffix: doc
            .arn_suffix
            .clone()
            .unwrap_or_else(|| derived_suffix(account, region, &doc.name)),
        description: doc.description.clone(),
        kms_key_id: doc.kms_key_id.clone(),
        tags: doc.tags.clone().into_iter().collect(),
        resource_policy: doc.resource_policy.clone(),
        versions,
    })
}

fn seed_value(doc: &VersionDoc) -> Result<SeedValue, String> {
    match (&doc.secret_string, &doc.secret_binary, &doc.encrypted) {
        (Some(text), None, None) => Ok(SeedValue::Plain(SecretValue::Text(text.clone()))),
        (None, Some(blob), None) => Ok(SeedValue::Plain(SecretValue::Binary(blob.clone()))),
        (None, None, Some(encrypted)) => sealed(encrypted),
        _ => Err("give exactly one of secret_string, secret_binary or encrypted".to_owned()),
    }
}

fn sealed(doc: &EncryptedValueDoc) -> Result<SeedValue, String> {
    let decode = |field: &str, text: &str| {
        STANDARD
            .decode(text.as_bytes())
            .map_err(|_| format!("encrypted.{field} must be base64"))
    };
    Ok(SeedValue::Sealed {
        kind: match doc.kind {
            ValueKindDoc::String => ValueKind::Text,
            ValueKindDoc::Binary => ValueKind::Binary,
        },
        ciphertext: decode("ciphertext", &doc.ciphertext)?,
        encrypted_data_key: decode("encrypted_data_key", &doc.encrypted_data_key)?,
    })
}
