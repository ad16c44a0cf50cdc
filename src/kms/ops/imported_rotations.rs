//! The ListKeyRotations entries of a symmetric key of origin `EXTERNAL`: the first material
//! (with `ALL_KEY_MATERIAL`), then one entry per on-demand rotation with its date and type,
//! then the material pending rotation (with `ALL_KEY_MATERIAL`). Each shows its
//! `ImportState`, its `KeyMaterialDescription` when it has one, and `ExpirationModel` (with
//! `ValidTo` when it expires) while it is imported.

use super::super::imported::{ExternalMaterials, ImportedMaterial};
use super::super::keys::Key;
use super::rotate_key_on_demand::RotationsListEntry;
use crate::api::json::EpochSeconds;

/// The entries of `key`, whose import record is `record`.
pub fn imported_entries(
    key: &Key,
    record: &ExternalMaterials,
    all_material: bool,
) -> Vec<RotationsListEntry> {
    let mut entries = Vec::new();
    if all_material {
        entries.extend(record.entries.first().map(|first| entry(key, first)));
    }
    for rotation in &key.rotation.history {
        if let Some(material) = record.entry(&rotation.material_id) {
            entries.push(RotationsListEntry {
                rotation_date: Some(EpochSeconds(rotation.date)),
                rotation_type: Some(rotation.kind.as_str()),
                ..entry(key, material)
            });
        }
    }
    if all_material {
        entries.extend(
            record
                .awaiting_rotation()
                .map(|pending| entry(key, pending)),
        );
    }
    entries
}

fn entry(key: &Key, material: &ImportedMaterial) -> RotationsListEntry {
    RotationsListEntry {
        key_id: key.id.clone(),
        key_material_id: hex::encode(material.id),
        key_material_description: material.description.clone(),
        import_state: Some(match material.import {
            Some(_) => "IMPORTED",
            None => "PENDING_IMPORT",
        }),
        key_material_state: material.state.as_str(),
        expiration_model: material.import.map(|expiry| expiry.model()),
        valid_to: material.expires().map(EpochSeconds),
        rotation_date: None,
        rotation_type: None,
    }
}
