//! Seeding and export of keys of origin `EXTERNAL`: the key's whole import record travels
//! with it, so an export imported elsewhere reproduces the key exactly and re-applied to its
//! own instance finds it identical.
//!
//! Each material of a seeded `EXTERNAL` key is one entry of its import record, in the order
//! it was associated with the key ([`SeedImportDetails`] says what a seed may declare beyond
//! the bytes):
//! - with bytes it is imported; its id is the one ImportKeyMaterial gives the same bytes (so
//!   a later reimport matches); without bytes it is associated but not imported (deleted or
//!   expired), and the seed names it by id; only permanent material can be missing;
//! - its state defaults as older seeds had it: the last material not declared otherwise is
//!   `CURRENT`, the others `NON_CURRENT`; exactly one is `CURRENT`, and it is the last
//!   permanent one (each later permanent material became current by a rotation); at most
//!   one waits for rotation (`PENDING_ROTATION`, or in a multi-Region key also
//!   `PENDING_MULTI_REGION_IMPORT_AND_ROTATION`), and it is imported except in a
//!   multi-Region key (a replica may lack the primary's new material);
//! - `valid_to` makes an imported material expire then (`KEY_MATERIAL_EXPIRES`), else it
//!   does not expire; `description` is its `KeyMaterialDescription`;
//! - every permanent material after the first came from an on-demand rotation, dated
//!   `rotated_at` (the time of seeding when absent; re-applying then does not compare it).
//!
//! Material whose `valid_to` is not after the time of seeding is seeded already expired
//! ([`SeededRecord::expire`]), so a seed re-applied after that date finds the key unchanged.
//! The key is `PendingImport` while some permanent material is not imported (or there is
//! none), else `Enabled` or `Disabled` as the seed says. An export writes every entry
//! explicitly (state, expiry, description, rotation date, bytes when imported).

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::envelope::MATERIAL_ID_LEN;
use super::imported::{
    Expiry, ExternalMaterials, ImportedMaterial, MaterialState, Origin, derive_material_id,
};
use super::keys::{Key, KeyState, Material};
use super::rotation::{RotationRecord, RotationType};
use super::seeding::KeySeed;

/// Most characters of a `KeyMaterialDescription` (as ImportKeyMaterial allows).
const MAX_DESCRIPTION_LEN: usize = 256;

/// What a seed may say about one material of an `EXTERNAL` key beyond its bytes (all absent
/// for other keys).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeedImportDetails {
    /// `KeyMaterialState`; `None` = the default of the module doc.
    pub state: Option<MaterialState>,
    /// When the material expires; `None` = it does not.
    pub valid_to: Option<OffsetDateTime>,
    /// `KeyMaterialDescription`.
    pub description: Option<String>,
    /// When the rotation that made it current happened.
    pub rotated_at: Option<OffsetDateTime>,
}

impl SeedImportDetails {
    /// Whether nothing is declared.
    pub fn is_empty(&self) -> bool {
        *self == SeedImportDetails::default()
    }
}

/// The import record a seed declares for an `EXTERNAL` key, with its rotations.
#[derive(Debug, Clone)]
pub struct SeededRecord {
    /// The entries, first associated first.
    pub record: ExternalMaterials,
    /// Each rotation: the material it made current and its date when the seed gives one.
    pub rotations: Vec<([u8; MATERIAL_ID_LEN], Option<OffsetDateTime>)>,
}

impl SeededRecord {
    /// Expires, as the key itself would, the material whose `valid_to` is not after `now`
    /// (permanent material stays as not imported, pending material leaves the record), so a
    /// seed applied after that date finds the key as it has become; returns the expired ids.
    pub fn expire(&mut self, now: OffsetDateTime) -> Vec<[u8; MATERIAL_ID_LEN]> {
        let due: Vec<[u8; MATERIAL_ID_LEN]> = self
            .record
            .entries
            .iter()
            .filter(|entry| entry.expires().is_some_and(|date| date <= now))
            .map(|entry| entry.id)
            .collect();
        self.record
            .entries
            .retain(|entry| entry.is_permanent() || !due.contains(&entry.id));
        for entry in &mut self.record.entries {
            if due.contains(&entry.id) {
                entry.import = None;
            }
        }
        due
    }
}

/// The import record `seed` declares (see the module doc for the rules it checks).
pub fn seeded_record(seed: &KeySeed) -> Result<SeededRecord, String> {
    let mut entries: Vec<ImportedMaterial> = Vec::with_capacity(seed.materials.len());
    let mut rotated_at = Vec::with_capacity(seed.materials.len());
    for (position, material) in seed.materials.iter().enumerate() {
        let details = &material.details;
        let id = match &material.secret {
            Some(secret) => derive_material_id(&seed.key_id, secret.expose()),
            None => material.id.ok_or_else(|| {
                format!(
                    "material {}: material that is not imported (no material) needs its id",
                    position + 1
                )
            })?,
        };
        if entries.iter().any(|entry| entry.id == id) {
            return Err(format!(
                "material {}: the same key material is listed twice",
                position + 1
            ));
        }
        if material.secret.is_none() && details.valid_to.is_some() {
            return Err(format!(
                "material {}: valid_to is for imported material (give its material)",
                position + 1
            ));
        }
        if let Some(description) = &details.description {
            let allowed =
                |c: char| c.is_ascii_alphanumeric() || ":/_.-".contains(c) || c.is_whitespace();
            if description.is_empty()
                || description.chars().count() > MAX_DESCRIPTION_LEN
                || !description.chars().all(allowed)
            {
                return Err(format!(
                    "material {}: description must be 1-{MAX_DESCRIPTION_LEN} characters of letters, digits, spaces and :/_.-",
                    position + 1
                ));
            }
        }
        entries.push(ImportedMaterial {
            id,
            // Settled below, once every declared state is known.
            state: details.state.unwrap_or(MaterialState::NonCurrent),
            description: details.description.clone(),
            import: material
                .secret
                .as_ref()
                .map(|_| details.valid_to.map_or(Expiry::Never, Expiry::At)),
        });
        rotated_at.push(details.rotated_at);
    }
    let declared_current = seed
        .materials
        .iter()
        .any(|m| m.details.state == Some(MaterialState::Current));
    if !declared_current {
        let defaulted = seed
            .materials
            .iter()
            .rposition(|m| m.details.state.is_none());
        if let Some(last) = defaulted {
            entries[last].state = MaterialState::Current;
        }
    }
    check_states(&entries, seed.primary_region.is_some())?;
    let mut rotations = Vec::new();
    for (position, entry) in entries.iter().enumerate() {
        let rotated = entry.is_permanent() && position > 0;
        match (rotated, rotated_at[position]) {
            (true, date) => rotations.push((entry.id, date)),
            (false, Some(_)) => {
                return Err(format!(
                    "material {}: rotated_at is only for permanent material after the first",
                    position + 1
                ));
            }
            (false, None) => {}
        }
    }
    Ok(SeededRecord {
        record: ExternalMaterials { entries },
        rotations,
    })
}

/// Checks the states of a declared record (see the module doc); `multi_region` allows what
/// only a key of a multi-Region set has.
fn check_states(entries: &[ImportedMaterial], multi_region: bool) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let count = |state| entries.iter().filter(|e| e.state == state).count();
    if count(MaterialState::Current) != 1 {
        return Err("exactly one key material must be CURRENT".to_owned());
    }
    if entries.iter().filter(|e| !e.is_permanent()).count() > 1 {
        return Err("at most one key material may wait for rotation (PENDING_ROTATION or PENDING_MULTI_REGION_IMPORT_AND_ROTATION)".to_owned());
    }
    if !multi_region && count(MaterialState::PendingMultiRegionImportAndRotation) > 0 {
        return Err("only a multi-Region key (primary_region) has key material PENDING_MULTI_REGION_IMPORT_AND_ROTATION".to_owned());
    }
    // A replica may lack the primary's new material; a single-Region key always has it.
    if !multi_region
        && entries
            .iter()
            .any(|e| !e.is_permanent() && e.import.is_none())
    {
        return Err(
            "key material PENDING_ROTATION must be imported (give its material)".to_owned(),
        );
    }
    let last_permanent = entries.iter().rev().find(|e| e.is_permanent());
    if last_permanent.is_some_and(|e| e.state != MaterialState::Current) {
        return Err(
            "the CURRENT key material must be the last one that is not PENDING_ROTATION".to_owned(),
        );
    }
    Ok(())
}

/// Turns a freshly seeded key, whose `materials` are the imported ones, into the `EXTERNAL`
/// key `seeded` describes; rotations without a date are dated `now`.
pub fn make_external(key: &mut Key, seeded: SeededRecord, enabled: bool, now: OffsetDateTime) {
    key.rotation
        .history
        .extend(seeded.rotations.iter().map(|(id, date)| RotationRecord {
            material_id: *id,
            date: date.unwrap_or(now),
            kind: RotationType::OnDemand,
        }));
    key.state = match (seeded.record.complete(), enabled) {
        (false, _) => KeyState::PendingImport,
        (true, true) => KeyState::Enabled,
        (true, false) => KeyState::Disabled,
    };
    key.origin = Origin::External(seeded.record);
}

/// Why the existing `EXTERNAL` key differs from the seeded record and materials, if it does.
pub fn external_difference(
    existing: &Key,
    seeded: &SeededRecord,
    wanted: &[Material],
) -> Option<&'static str> {
    let record = existing.origin.external()?;
    if record != &seeded.record {
        return Some("key material");
    }
    let same_secret = |w: &Material| match existing.material(&w.id) {
        Some(e) => match (w.secret.to_bytes(), e.secret.to_bytes()) {
            (Ok(w), Ok(e)) => bool::from(subtle::ConstantTimeEq::ct_eq(w.as_slice(), e.as_slice())),
            _ => false,
        },
        None => false,
    };
    if wanted.len() != existing.materials.len() || !wanted.iter().all(same_secret) {
        return Some("key material");
    }
    let rotations: Vec<_> = existing
        .rotation
        .history
        .iter()
        .filter(|r| record.entry(&r.material_id).is_some())
        .collect();
    let same_rotations = rotations.len() == seeded.rotations.len()
        && rotations
            .iter()
            .zip(&seeded.rotations)
            .all(|(r, (id, date))| &r.material_id == id && date.is_none_or(|d| d == r.date));
    (!same_rotations).then_some("key material rotation")
}

/// One material as an export carries it.
#[derive(Debug)]
pub struct ExportedMaterial {
    /// `KeyMaterialId` in hex.
    pub id: String,
    /// Its bytes; `None` for `EXTERNAL` material that is not imported.
    pub secret: Option<Zeroizing<Vec<u8>>>,
    /// Its import details (all absent for a key of origin `AWS_KMS`).
    pub details: SeedImportDetails,
}

/// The materials an export carries for `key`: every generation of an `AWS_KMS` key, oldest
/// first; every entry of an `EXTERNAL` key's import record, in order, with its details.
pub fn exported_materials(key: &Key) -> Vec<ExportedMaterial> {
    let bytes = |id: &[u8; MATERIAL_ID_LEN]| key.material(id)?.secret.to_bytes().ok();
    let Some(record) = key.origin.external() else {
        return key
            .materials
            .iter()
            .filter_map(|m| {
                Some(ExportedMaterial {
                    id: m.id_hex(),
                    secret: Some(bytes(&m.id)?),
                    details: SeedImportDetails::default(),
                })
            })
            .collect();
    };
    record
        .entries
        .iter()
        .enumerate()
        .map(|(position, entry)| ExportedMaterial {
            id: hex::encode(entry.id),
            secret: entry.import.and_then(|_| bytes(&entry.id)),
            details: SeedImportDetails {
                state: Some(entry.state),
                valid_to: entry.expires(),
                description: entry.description.clone(),
                rotated_at: match entry.is_permanent() && position > 0 {
                    true => key
                        .rotation
                        .history
                        .iter()
                        .rev()
                        .find(|r| r.material_id == entry.id)
                        .map(|r| r.date),
                    false => None,
                },
            },
        })
        .collect()
}

#[cfg(test)]
#[path = "seeding_imported_tests.rs"]
mod tests;
