//! The life of an `EXTERNAL` key's material, as methods of [`Key`]: creation without
//! material (`PendingImport`), import and reimport, deletion, expiry on the virtual clock,
//! and the on-demand rotation that makes pending material current. The record these keep is
//! in `imported.rs`; the wrapping and the token of an import are checked before these run.
//!
//! Rules (AWS's, see the operations' docs in the model):
//! - the first import makes its material current; a symmetric key may then take new
//!   material (`NEW_KEY_MATERIAL`) as pending rotation (one at a time: a newer one replaces
//!   it), which RotateKeyOnDemand makes current; other keys keep their one material;
//! - a reimport (`EXISTING_KEY_MATERIAL`, the default once anything was imported) must be
//!   bytes imported before (same `KeyMaterialId`); it resets the expiry;
//! - the key is `Enabled` again once every permanently associated material is imported, and
//!   goes `PendingImport` as soon as one is deleted or expires (a key pending deletion stays
//!   so); deleting or expiring pending material only drops it.

use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::KmsCaller;
use super::envelope::MATERIAL_ID_LEN;
use super::error::KmsError;
use super::imported::{
    Expiry, ExternalMaterials, ImportedMaterial, MaterialState, Origin, derive_material_id,
};
use super::key_spec::KeyType;
use super::keys::{Key, KeyManager, KeyState, Material, Secret};
use super::rotation::{RotationRecord, RotationType};

/// `ImportType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportType {
    /// `NEW_KEY_MATERIAL`.
    New,
    /// `EXISTING_KEY_MATERIAL`.
    Existing,
}

/// One validated ImportKeyMaterial, its material unwrapped.
pub struct Import {
    /// The unwrapped material; zeroized on drop.
    pub material: Zeroizing<Vec<u8>>,
    /// Whether and when it expires.
    pub expiry: Expiry,
    /// `ImportType`, if given (symmetric keys only).
    pub import_type: Option<ImportType>,
    /// `KeyMaterialDescription`, if given (symmetric keys only).
    pub description: Option<String>,
    /// `KeyMaterialId`, if given (symmetric keys only; not with `NEW_KEY_MATERIAL`).
    pub material_id: Option<[u8; MATERIAL_ID_LEN]>,
}

impl std::fmt::Debug for Import {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Import")
            .field("expiry", &self.expiry)
            .field("import_type", &self.import_type)
            .finish_non_exhaustive()
    }
}

/// `IncorrectKeyMaterialException` for material that differs from the key's (AWS's wording is
/// not documented; unverified).
fn different_material(arn: &str) -> KmsError {
    KmsError::IncorrectKeyMaterial(format!(
        "The key material does not match the key material previously imported into {arn}."
    ))
}

impl Key {
    /// A new key of origin `EXTERNAL` without material: `PendingImport`, created now.
    pub fn new_external(
        caller: KmsCaller<'_>,
        manager: KeyManager,
        description: String,
        policy: Option<String>,
        key_type: KeyType,
    ) -> Key {
        let mut key = Key::with_materials(caller, manager, description, policy, key_type, vec![]);
        key.state = KeyState::PendingImport;
        key.origin = Origin::External(ExternalMaterials::default());
        key
    }

    /// The import record, or `UnsupportedOperationException` for a key of origin `AWS_KMS`
    /// (`<arn> origin is AWS_KMS which is not valid for this operation.`, in the form AWS
    /// uses for the reverse case).
    pub fn check_external(&self) -> Result<&ExternalMaterials, KmsError> {
        self.origin.external().ok_or_else(|| {
            KmsError::UnsupportedOperation(format!(
                "{} origin is {} which is not valid for this operation.",
                self.arn,
                self.origin.as_str()
            ))
        })
    }

    /// `UnsupportedOperationException` for an `EXTERNAL` key (automatic rotation):
    /// `<arn> origin is EXTERNAL which is not valid for this operation.`
    pub fn check_not_external(&self) -> Result<(), KmsError> {
        match self.origin {
            Origin::AwsKms => Ok(()),
            Origin::External(_) => Err(KmsError::UnsupportedOperation(format!(
                "{} origin is EXTERNAL which is not valid for this operation.",
                self.arn
            ))),
        }
    }

    fn record_mut(&mut self) -> Result<&mut ExternalMaterials, KmsError> {
        match &mut self.origin {
            Origin::External(record) => Ok(record),
            Origin::AwsKms => Err(KmsError::Internal),
        }
    }

    /// Imports `import` (see the module doc); returns the material's `KeyMaterialId`.
    pub fn import_material(&mut self, import: Import) -> Result<[u8; MATERIAL_ID_LEN], KmsError> {
        let spec = self.key_type.spec();
        let secret = Secret::from_bytes(spec, &import.material).map_err(|_| {
            // AWS's wording is not documented (unverified).
            KmsError::IncorrectKeyMaterial(format!(
                "The key material is not valid for a KMS key with key spec {}.",
                spec.as_str()
            ))
        })?;
        let id = derive_material_id(&self.id, &import.material);
        if import.material_id.is_some_and(|given| given != id) {
            return Err(different_material(&self.arn));
        }
        let arn = self.arn.clone();
        let record = self.record_mut()?;
        let import_type = import
            .import_type
            .unwrap_or(match record.entries.is_empty() {
                true => ImportType::New,
                false => ImportType::Existing,
            });
        let mut dropped = None;
        match import_type {
            ImportType::Existing => {
                if record.entry(&id).is_none() {
                    return Err(different_material(&arn));
                }
            }
            ImportType::New => {
                if record.entry(&id).is_some() {
                    // AWS's wording is not documented (unverified).
                    return Err(KmsError::IncorrectKeyMaterial(format!(
                        "The key material is already associated with {arn}. Import it with ImportType EXISTING_KEY_MATERIAL."
                    )));
                }
                let state = match record.entries.is_empty() {
                    true => MaterialState::Current,
                    false => MaterialState::PendingRotation,
                };
                if let Some(pending) = record.awaiting_rotation().map(|entry| entry.id) {
                    record.entries.retain(|entry| entry.id != pending);
                    dropped = Some(pending);
                }
                record.entries.push(ImportedMaterial {
                    id,
                    state,
                    description: None,
                    import: None,
                });
            }
        }
        let entry = record.entry_mut(&id).ok_or(KmsError::Internal)?;
        entry.import = Some(import.expiry);
        if import.description.is_some() {
            entry.description = import.description;
        }
        let complete = record.complete();
        if let Some(dropped) = dropped {
            self.materials.retain(|material| material.id != dropped);
        }
        if self.material(&id).is_none() {
            self.materials.push(Material { id, secret });
        }
        if complete && self.state == KeyState::PendingImport {
            self.state = KeyState::Enabled;
        }
        Ok(id)
    }

    /// Deletes the imported material `id` (the current one when `None`); returns the id of
    /// what was deleted (`None` when nothing was ever imported). A key that has it
    /// permanently goes `PendingImport` unless it is pending deletion; deleting material
    /// that is not imported changes nothing. An unknown id is `NotFoundException` (AWS's
    /// wording is not documented; unverified).
    pub fn delete_imported_material(
        &mut self,
        id: Option<[u8; MATERIAL_ID_LEN]>,
    ) -> Result<Option<[u8; MATERIAL_ID_LEN]>, KmsError> {
        let arn = self.arn.clone();
        let record = self.record_mut()?;
        let target = match id {
            Some(id) => id,
            None => match record.current() {
                Some(entry) => entry.id,
                None => return Ok(None),
            },
        };
        if record.entry(&target).is_none() {
            return Err(KmsError::NotFound(format!(
                "Key material {} is not associated with {arn}.",
                hex::encode(target)
            )));
        }
        self.remove_material(&target);
        Ok(Some(target))
    }

    /// Removes the material `id`'s secret; pending material leaves the record, permanent
    /// material stays in it as not imported and the key goes `PendingImport`.
    fn remove_material(&mut self, id: &[u8; MATERIAL_ID_LEN]) {
        self.materials.retain(|material| &material.id != id);
        let Ok(record) = self.record_mut() else {
            return;
        };
        let permanent = record.entry(id).is_some_and(ImportedMaterial::is_permanent);
        match permanent {
            true => {
                if let Some(entry) = record.entry_mut(id) {
                    entry.import = None;
                }
                if self.state != KeyState::PendingDeletion {
                    self.state = KeyState::PendingImport;
                }
            }
            false => record.entries.retain(|entry| &entry.id != id),
        }
    }

    /// The earliest expiry of the key's imported material, if any expires.
    pub fn next_material_expiry(&self) -> Option<OffsetDateTime> {
        self.origin.external()?.next_expiry()
    }

    /// The next time the key changes by itself: its deletion or a material's expiry.
    pub fn next_due(&self) -> Option<OffsetDateTime> {
        match (self.deletion_date, self.next_material_expiry()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Deletes every imported material whose `ValidTo` is not after `now`, as AWS does when
    /// material expires; returns whether anything expired.
    pub fn expire_materials(&mut self, now: OffsetDateTime) -> bool {
        let Some(record) = self.origin.external() else {
            return false;
        };
        let due: Vec<[u8; MATERIAL_ID_LEN]> = record
            .entries
            .iter()
            .filter(|entry| entry.expires().is_some_and(|date| date <= now))
            .map(|entry| entry.id)
            .collect();
        for id in &due {
            self.remove_material(id);
        }
        !due.is_empty()
    }

    /// RotateKeyOnDemand of an `EXTERNAL` key: the pending material becomes current and the
    /// current one non-current. Without pending material: `KMSInvalidStateException` (AWS's
    /// wording is not documented; unverified).
    pub fn rotate_imported(&mut self, now: OffsetDateTime) -> Result<(), KmsError> {
        let arn = self.arn.clone();
        let record = self.record_mut()?;
        if let Some(waiting) = record
            .awaiting_rotation()
            .filter(|entry| entry.state == MaterialState::PendingMultiRegionImportAndRotation)
        {
            // AWS's wording is not documented (unverified).
            return Err(KmsError::InvalidState(format!(
                "{arn} has key material {} in PENDING_MULTI_REGION_IMPORT_AND_ROTATION state. Import it into every replica key with ImportType EXISTING_KEY_MATERIAL before rotating it.",
                hex::encode(waiting.id)
            )));
        }
        let Some(pending) = record.pending().map(|entry| entry.id) else {
            return Err(KmsError::InvalidState(format!(
                "{arn} has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL before rotating it."
            )));
        };
        if record
            .entry(&pending)
            .is_none_or(|entry| entry.import.is_none())
        {
            return Err(KmsError::Internal);
        }
        for entry in &mut record.entries {
            entry.state = match entry.state {
                MaterialState::PendingRotation => MaterialState::Current,
                _ => MaterialState::NonCurrent,
            };
        }
        self.rotation.history.push(RotationRecord {
            material_id: pending,
            date: now,
            kind: RotationType::OnDemand,
        });
        Ok(())
    }
}

#[cfg(test)]
#[path = "key_import_tests.rs"]
mod tests;
