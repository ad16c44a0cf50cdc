//! Seeding and export of keys of origin `EXTERNAL`.
//!
//! A seeded `EXTERNAL` key's materials are imported material that does not expire, oldest
//! first, the last one current (their ids are the ones ImportKeyMaterial gives the same
//! bytes, so a later reimport matches); without material the key is `PendingImport`.
//! An export carries the imported, permanently associated materials of a key that has all of
//! them; a key missing some (`PendingImport`) is exported without material, so it comes back
//! pending import. Expiry dates, descriptions and material pending rotation are not exported.

use zeroize::Zeroizing;

use super::imported::{Expiry, ExternalMaterials, ImportedMaterial, MaterialState, Origin};
use super::keys::{Key, KeyState};

/// Turns a freshly seeded key into an `EXTERNAL` one whose `materials` are all imported.
pub fn make_external(key: &mut Key, enabled: bool) {
    let last = key.materials.len().saturating_sub(1);
    let entries = key
        .materials
        .iter()
        .enumerate()
        .map(|(i, material)| ImportedMaterial {
            id: material.id,
            state: match i == last {
                true => MaterialState::Current,
                false => MaterialState::NonCurrent,
            },
            description: None,
            import: Some(Expiry::Never),
        })
        .collect();
    key.origin = Origin::External(ExternalMaterials { entries });
    key.state = match (key.materials.is_empty(), enabled) {
        (true, _) => KeyState::PendingImport,
        (false, true) => KeyState::Enabled,
        (false, false) => KeyState::Disabled,
    };
}

/// The `(material id hex, material bytes)` an export carries for `key`, oldest first.
pub fn exported_materials(key: &Key) -> Vec<(String, Zeroizing<Vec<u8>>)> {
    let wanted = |id: &[u8; 32]| match &key.origin {
        Origin::AwsKms => true,
        Origin::External(record) => {
            record.complete() && record.entry(id).is_some_and(ImportedMaterial::is_permanent)
        }
    };
    // Permanent material in the order it became current: the first import, then rotations.
    let mut ordered: Vec<&super::keys::Material> = key.materials.iter().collect();
    if let Origin::External(record) = &key.origin {
        let position = |id: &[u8; 32]| {
            let rotated = key
                .rotation
                .history
                .iter()
                .position(|r| &r.material_id == id);
            match (record.entries.first().map(|e| &e.id == id), rotated) {
                (Some(true), _) => 0,
                (_, Some(i)) => i + 1,
                _ => usize::MAX,
            }
        };
        ordered.sort_by_key(|m| position(&m.id));
    }
    ordered
        .into_iter()
        .filter(|m| wanted(&m.id))
        .filter_map(|m| Some((m.id_hex(), m.secret.to_bytes().ok()?)))
        .collect()
}
