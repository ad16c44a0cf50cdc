//! The stored form of a key's origin: absent for `AWS_KMS` (every record written before
//! imports existed), or the import record of an `EXTERNAL` key. It holds no secret (material
//! ids, states, descriptions and expiry dates); the imported secrets are sealed with the
//! key's other material (`stored.rs`), only those imported now.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::envelope::MATERIAL_ID_LEN;
use super::imported::{Expiry, ExternalMaterials, ImportedMaterial, MaterialState, Origin};
use crate::storage::StoreError;
use crate::storage::codec::opt_nanos;

/// The import record of an `EXTERNAL` key.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredExternal {
    entries: Vec<StoredImportedMaterial>,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredImportedMaterial {
    /// Hex material id.
    id: String,
    /// `CURRENT`, `NON_CURRENT` or `PENDING_ROTATION`.
    state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    /// Whether it is imported now.
    imported: bool,
    /// When it expires, if imported and expiring.
    #[serde(with = "opt_nanos", default)]
    valid_to: Option<OffsetDateTime>,
}

/// The stored form of `origin` (`None` for `AWS_KMS`).
pub fn stored_origin(origin: &Origin) -> Option<StoredExternal> {
    let record = origin.external()?;
    Some(StoredExternal {
        entries: record
            .entries
            .iter()
            .map(|entry| StoredImportedMaterial {
                id: hex::encode(entry.id),
                state: entry.state.as_str().to_owned(),
                description: entry.description.clone(),
                imported: entry.import.is_some(),
                valid_to: entry.expires(),
            })
            .collect(),
    })
}

/// The origin a stored key record names (`what` names the key in errors).
pub fn origin_of(stored: Option<StoredExternal>, what: &str) -> Result<Origin, StoreError> {
    let Some(stored) = stored else {
        return Ok(Origin::AwsKms);
    };
    let corrupt = |part: &str| StoreError::Corrupt(format!("{what}: imported material {part}"));
    let entries = stored
        .entries
        .into_iter()
        .map(|entry| {
            let mut id = [0u8; MATERIAL_ID_LEN];
            hex::decode_to_slice(&entry.id, &mut id).map_err(|_| corrupt("id"))?;
            let state = MaterialState::parse(&entry.state).ok_or_else(|| corrupt("state"))?;
            let import = entry
                .imported
                .then(|| entry.valid_to.map_or(Expiry::Never, Expiry::At));
            Ok(ImportedMaterial {
                id,
                state,
                description: entry.description,
                import,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Origin::External(ExternalMaterials { entries }))
}
