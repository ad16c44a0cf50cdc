//! Multi-Region keys of imported material (origin `EXTERNAL`): how [`relink`] keeps such a
//! set consistent without ever copying material between Regions.
//!
//! In such a set every key holds its own copy of the material, imported into it separately
//! (with its own expiry); what the keys share is the list of materials the set expects (ids
//! and rotation states, the primary's being authoritative) and the rotation history. A
//! replica therefore starts `PendingImport` with the primary's list and no material, and
//! accepts only the primary's material: the same bytes give the same `KeyMaterialId` in
//! every key of the set, since the id depends on the shared key id and the bytes only.
//!
//! New material imported into a primary that has replicas waits in
//! `PENDING_MULTI_REGION_IMPORT_AND_ROTATION` until every replica has it too; then it is
//! `PENDING_ROTATION`, and RotateKeyOnDemand on the primary makes it current in every key.
//! Pending material the primary drops (replaced, deleted, expired) leaves every replica at
//! the next relink; a replica's own deletion or expiry affects that replica only.
//!
//! [`relink`]: super::multi_region::relink

use super::imported::{ExternalMaterials, ImportedMaterial, MaterialState, Origin};
use super::keys::{Key, KeyState};
use super::multi_region::RegionKeys;

impl Key {
    /// A new replica of this (`EXTERNAL`) key: the same list of expected materials, none of
    /// them imported, no secrets, `PendingImport`. Keys of origin `AWS_KMS` are left alone.
    pub fn strip_imported_for_replica(&mut self) {
        let Origin::External(record) = &mut self.origin else {
            return;
        };
        for entry in &mut record.entries {
            entry.import = None;
            entry.description = None;
        }
        self.materials.clear();
        self.state = KeyState::PendingImport;
    }

    /// Whether this replica already expects the materials `primary` expects (same ids and
    /// states, same rotation history and settings).
    pub fn follows_imported(&self, primary: &Key) -> bool {
        let ids_and_states = |key: &Key| {
            key.origin.external().map(|record| {
                record
                    .entries
                    .iter()
                    .map(|entry| (entry.id, entry.state))
                    .collect::<Vec<_>>()
            })
        };
        ids_and_states(self) == ids_and_states(primary)
            && self.rotation.period_days == primary.rotation.period_days
            && self.rotation.next == primary.rotation.next
            && self.rotation.history == primary.rotation.history
    }

    /// Makes this replica expect what `primary` expects, keeping its own imports (and their
    /// expiry and description) of the materials that remain, and dropping the secrets of the
    /// others. A replica missing permanently associated material goes `PendingImport` (a key
    /// pending deletion stays so).
    pub fn follow_imported(&mut self, primary: &Key) {
        let Some(expected) = primary.origin.external() else {
            return;
        };
        let own = self.origin.external().cloned().unwrap_or_default();
        let entries: Vec<ImportedMaterial> = expected
            .entries
            .iter()
            .map(|wanted| {
                let mine = own.entry(&wanted.id);
                ImportedMaterial {
                    id: wanted.id,
                    state: wanted.state,
                    description: mine.and_then(|entry| entry.description.clone()),
                    import: mine.and_then(|entry| entry.import),
                }
            })
            .collect();
        let record = ExternalMaterials { entries };
        self.materials.retain(|material| {
            record
                .entry(&material.id)
                .is_some_and(|entry| entry.import.is_some())
        });
        let complete = record.complete();
        self.origin = Origin::External(record);
        self.rotation = primary.rotation.clone();
        if !complete && matches!(self.state, KeyState::Enabled | KeyState::Disabled) {
            self.state = KeyState::PendingImport;
        }
    }
}

/// Sets the state of the new material waiting in the `EXTERNAL` primary (in
/// `primary_region`) of the set `id`: `PENDING_ROTATION` once every key of the set has
/// imported it, `PENDING_MULTI_REGION_IMPORT_AND_ROTATION` until then. Changes nothing otherwise.
pub fn settle_waiting_material(regions: &mut [RegionKeys<'_>], id: &str, primary_region: &str) {
    let Some(waiting) = regions
        .iter()
        .find(|part| part.region == primary_region)
        .and_then(|part| part.keys.get(id))
        .and_then(|primary| primary.origin.external())
        .and_then(ExternalMaterials::awaiting_rotation)
        .map(|entry| (entry.id, entry.state, entry.import.is_some()))
    else {
        return;
    };
    // The primary itself may lack it too, after UpdatePrimaryRegion made a replica primary.
    let everywhere = waiting.2
        && regions
            .iter()
            .filter(|part| part.region != primary_region)
            .filter_map(|part| part.keys.get(id))
            .filter(|key| key.multi_region.is_some())
            .all(|replica| {
                replica
                    .origin
                    .external()
                    .and_then(|record| record.entry(&waiting.0))
                    .is_some_and(|entry| entry.import.is_some())
            });
    let wanted = match everywhere {
        true => MaterialState::PendingRotation,
        false => MaterialState::PendingMultiRegionImportAndRotation,
    };
    if waiting.1 == wanted {
        return;
    }
    let entry = regions
        .iter_mut()
        .find(|part| part.region == primary_region)
        .and_then(|part| part.keys.get_mut(id))
        .and_then(|primary| match &mut primary.origin {
            Origin::External(record) => record.entry_mut(&waiting.0),
            Origin::AwsKms => None,
        });
    if let Some(entry) = entry {
        entry.state = wanted;
    }
}

#[cfg(test)]
#[path = "multi_region_imported_tests.rs"]
mod tests;
