//! DeleteImportedKeyMaterial: deletes the current imported material of an `EXTERNAL` key, or
//! the one `KeyMaterialId` names (symmetric keys only), as `key_import.rs` describes: the key
//! goes `PendingImport` (a key pending deletion stays so) and its ciphertexts fail until the
//! same material is imported again. Works in every state (in `PendingImport` it changes
//! nothing). Key id or key ARN only, a customer managed key; another origin is
//! `UnsupportedOperationException`.
//!
//! In a multi-Region set of imported material each key's material is deleted separately;
//! only new material a primary still waits to rotate to leaves its replicas with it.
//!
//! Output: `KeyId` (the ARN) and `KeyMaterialId`, the deleted material's id, empty for
//! keys other than symmetric ones (the model's `BackingKeyIdResponseType` allows length 0).

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{KmsError, LocalKms};
use super::import_key_material::{MATERIAL_ID_PATTERN, is_material_id, material_id};
use super::input::{finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates};
use super::related_op::write_key_or_set;
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

const RULE: KeyRule = KeyRule::new(
    Accepts::KeyOnly,
    KeyStates::Any,
    AwsManaged::Refused("kms:DeleteImportedKeyMaterial"),
);

/// DeleteImportedKeyMaterial input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteImportedKeyMaterialInput {
    key_id: Option<String>,
    key_material_id: Option<String>,
}

/// DeleteImportedKeyMaterial output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteImportedKeyMaterialOutput {
    key_id: String,
    key_material_id: String,
}

impl DeleteImportedKeyMaterialInput {
    fn validate(self) -> Result<(String, Option<String>), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        let id = self.key_material_id.as_deref();
        v.length("KeyMaterialId", id, 64, 64, Echo::Value);
        v.pattern("KeyMaterialId", id, MATERIAL_ID_PATTERN, is_material_id);
        Ok((finish(v, self.key_id)?, self.key_material_id))
    }
}

/// Serves DeleteImportedKeyMaterial.
pub fn delete_imported_key_material(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DeleteImportedKeyMaterialInput,
) -> Result<DeleteImportedKeyMaterialOutput, KmsError> {
    let (key_id, material) = input.validate()?;
    let material = material.as_deref().map(material_id).transpose()?;
    // A multi-Region key is changed with its related keys: pending material a primary drops
    // leaves its replicas too (`multi_region_imported.rs`).
    write_key_or_set(kms, ctx, &key_id, RULE, |key| {
        key.check_external()?;
        let symmetric = key.key_type.is_symmetric();
        if material.is_some() && !symmetric {
            // AWS's wording is not documented (unverified).
            return Err(KmsError::Validation(
                "KeyMaterialId is supported only for symmetric encryption keys.".into(),
            ));
        }
        let deleted = key.delete_imported_material(material)?;
        Ok(DeleteImportedKeyMaterialOutput {
            key_id: key.arn.clone(),
            key_material_id: deleted
                .filter(|_| symmetric)
                .map(hex::encode)
                .unwrap_or_default(),
        })
    })
}
