//! Where a key's material comes from ([`Origin`]) and, for a key of origin `EXTERNAL`, the
//! record of every key material associated with it ([`ExternalMaterials`]): its id, its
//! rotation state, whether it is imported now and until when, and its description.
//!
//! The secrets themselves live in the key's `materials` like any other material; this record
//! says which of them are expected. Invariants:
//! - at most one entry is `Current` and at most one `PendingRotation`; the first import makes
//!   the first entry `Current`;
//! - an entry whose `import` is `Some` has its secret among the key's materials, one whose
//!   `import` is `None` (deleted or expired) has none;
//! - a `KeyMaterialId` is derived from the key id and the material bytes only
//!   ([`derive_material_id`]), so importing the same bytes into the same key always gives
//!   the same id, on any instance, and the id reveals nothing usable about the bytes.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::envelope::MATERIAL_ID_LEN;

/// Where a key's material comes from (`Origin` in `KeyMetadata`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Origin {
    /// KMS generated it.
    #[default]
    AwsKms,
    /// The caller imports it (`EXTERNAL`), with the record of its materials.
    External(ExternalMaterials),
}

impl Origin {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Origin::AwsKms => "AWS_KMS",
            Origin::External(_) => "EXTERNAL",
        }
    }

    /// The import record of an `EXTERNAL` key.
    pub fn external(&self) -> Option<&ExternalMaterials> {
        match self {
            Origin::External(record) => Some(record),
            Origin::AwsKms => None,
        }
    }
}

/// The state of one key material (`KeyMaterialState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialState {
    /// Encrypts and decrypts.
    Current,
    /// Decrypts only (replaced by a rotation).
    NonCurrent,
    /// Imported as new material, waiting for RotateKeyOnDemand; not yet permanently associated.
    PendingRotation,
    /// Imported as new material into a multi-Region primary, waiting to be imported into
    /// every replica too before it becomes `PendingRotation` (`multi_region_imported.rs`);
    /// not yet permanently associated.
    PendingMultiRegionImportAndRotation,
}

impl MaterialState {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            MaterialState::Current => "CURRENT",
            MaterialState::NonCurrent => "NON_CURRENT",
            MaterialState::PendingRotation => "PENDING_ROTATION",
            MaterialState::PendingMultiRegionImportAndRotation => {
                "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
            }
        }
    }

    /// The state named `name` (stored form).
    pub fn parse(name: &str) -> Option<MaterialState> {
        [
            MaterialState::Current,
            MaterialState::NonCurrent,
            MaterialState::PendingRotation,
            MaterialState::PendingMultiRegionImportAndRotation,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }
}

/// Whether and when imported material expires (`ExpirationModel` and `ValidTo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// `KEY_MATERIAL_DOES_NOT_EXPIRE`.
    Never,
    /// `KEY_MATERIAL_EXPIRES` at this time (virtual clock).
    At(OffsetDateTime),
}

impl Expiry {
    /// The `ExpirationModel` wire name.
    pub fn model(self) -> &'static str {
        match self {
            Expiry::Never => "KEY_MATERIAL_DOES_NOT_EXPIRE",
            Expiry::At(_) => "KEY_MATERIAL_EXPIRES",
        }
    }

    /// `ValidTo`, when the material expires.
    pub fn valid_to(self) -> Option<OffsetDateTime> {
        match self {
            Expiry::Never => None,
            Expiry::At(date) => Some(date),
        }
    }
}

/// One key material associated with an `EXTERNAL` key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMaterial {
    /// Its `KeyMaterialId` (see [`derive_material_id`]).
    pub id: [u8; MATERIAL_ID_LEN],
    /// Current, non-current or pending rotation.
    pub state: MaterialState,
    /// `KeyMaterialDescription`, kept from the last import that gave one.
    pub description: Option<String>,
    /// `Some` while imported (with its expiry), `None` once deleted or expired.
    pub import: Option<Expiry>,
}

impl ImportedMaterial {
    /// Whether its loss makes the key unusable (current and non-current material are
    /// permanently associated; pending material is not).
    pub fn is_permanent(&self) -> bool {
        !matches!(
            self.state,
            MaterialState::PendingRotation | MaterialState::PendingMultiRegionImportAndRotation
        )
    }

    /// When it expires, if it is imported and expires.
    pub fn expires(&self) -> Option<OffsetDateTime> {
        self.import.and_then(Expiry::valid_to)
    }
}

/// The materials of an `EXTERNAL` key, first associated first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalMaterials {
    /// Every material associated with the key, pending rotation included.
    pub entries: Vec<ImportedMaterial>,
}

impl ExternalMaterials {
    /// The current material's entry.
    pub fn current(&self) -> Option<&ImportedMaterial> {
        self.entries
            .iter()
            .find(|entry| entry.state == MaterialState::Current)
    }

    /// The entry waiting for rotation.
    pub fn pending(&self) -> Option<&ImportedMaterial> {
        self.entries
            .iter()
            .find(|entry| entry.state == MaterialState::PendingRotation)
    }

    /// The new material not yet rotated to, in either pending state (at most one).
    pub fn awaiting_rotation(&self) -> Option<&ImportedMaterial> {
        self.entries.iter().find(|entry| !entry.is_permanent())
    }

    /// The entry with `id`.
    pub fn entry(&self, id: &[u8; MATERIAL_ID_LEN]) -> Option<&ImportedMaterial> {
        self.entries.iter().find(|entry| &entry.id == id)
    }

    /// The entry with `id`, to change it.
    pub fn entry_mut(&mut self, id: &[u8; MATERIAL_ID_LEN]) -> Option<&mut ImportedMaterial> {
        self.entries.iter_mut().find(|entry| &entry.id == id)
    }

    /// Whether every permanently associated material is imported (and there is one): the
    /// condition for the key to leave `PendingImport`.
    pub fn complete(&self) -> bool {
        let mut permanent = self.entries.iter().filter(|e| e.is_permanent()).peekable();
        permanent.peek().is_some() && permanent.all(|entry| entry.import.is_some())
    }

    /// `ExpirationModel` and `ValidTo` of the key as `KeyMetadata` shows them: none before
    /// any permanently associated material is imported; `KEY_MATERIAL_EXPIRES` with the
    /// earliest expiry when any imported permanent material expires, else
    /// `KEY_MATERIAL_DOES_NOT_EXPIRE`. Pending material is ignored, as AWS documents.
    pub fn expiration(&self) -> Option<Expiry> {
        let imported: Vec<Expiry> = self
            .entries
            .iter()
            .filter(|entry| entry.is_permanent())
            .filter_map(|entry| entry.import)
            .collect();
        if imported.is_empty() {
            return None;
        }
        Some(
            imported
                .iter()
                .filter_map(|expiry| expiry.valid_to())
                .min()
                .map_or(Expiry::Never, Expiry::At),
        )
    }

    /// The earliest expiry of any imported material (pending included: it expires too).
    pub fn next_expiry(&self) -> Option<OffsetDateTime> {
        self.entries
            .iter()
            .filter_map(ImportedMaterial::expires)
            .min()
    }
}

/// The `KeyMaterialId` of `material` imported into the key `key_id`: SHA-256 over a label,
/// the key id and the material, each length-prefixed. Deterministic, as AWS's is, so a
/// reimport of the same bytes is recognised; bound to the key, so the same bytes in two keys
/// have two ids.
pub fn derive_material_id(key_id: &str, material: &[u8]) -> [u8; MATERIAL_ID_LEN] {
    let mut hash = Sha256::new();
    for part in [
        b"lockbox imported key material v1".as_slice(),
        key_id.as_bytes(),
        material,
    ] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;

    fn entry(id: u8, state: MaterialState, import: Option<Expiry>) -> ImportedMaterial {
        ImportedMaterial {
            id: [id; MATERIAL_ID_LEN],
            state,
            description: None,
            import,
        }
    }

    #[test]
    fn material_ids_depend_on_the_key_and_the_bytes_only() {
        let id = derive_material_id("key-a", &[1; 32]);
        assert_eq!(id, derive_material_id("key-a", &[1; 32]));
        assert_ne!(id, derive_material_id("key-b", &[1; 32]));
        assert_ne!(id, derive_material_id("key-a", &[2; 32]));
        // Length prefixes keep the key id and the material apart.
        assert_ne!(
            derive_material_id("ab", b"c"),
            derive_material_id("a", b"bc")
        );
    }

    #[test]
    fn the_key_is_complete_only_with_all_permanent_material_imported() {
        let at = OffsetDateTime::UNIX_EPOCH + Duration::days(10);
        let mut record = ExternalMaterials::default();
        assert!(!record.complete());
        assert_eq!(record.expiration(), None);
        record
            .entries
            .push(entry(1, MaterialState::NonCurrent, Some(Expiry::At(at))));
        record
            .entries
            .push(entry(2, MaterialState::Current, Some(Expiry::Never)));
        record
            .entries
            .push(entry(3, MaterialState::PendingRotation, None));
        assert!(record.complete());
        assert_eq!(record.expiration(), Some(Expiry::At(at)));
        assert_eq!(record.next_expiry(), Some(at));
        assert_eq!(record.current().map(|e| e.id[0]), Some(2));
        assert_eq!(record.pending().map(|e| e.id[0]), Some(3));
        record.entries[0].import = None;
        assert!(!record.complete());
        assert_eq!(record.expiration(), Some(Expiry::Never));
        assert_eq!(
            MaterialState::parse("PENDING_ROTATION"),
            Some(MaterialState::PendingRotation)
        );
        assert_eq!(MaterialState::parse("nope"), None);
    }
}
