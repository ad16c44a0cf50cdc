//! RotateKeyOnDemand and ListKeyRotations. An on-demand rotation adds a material generation
//! at once (new ciphertexts use it, old ones keep decrypting), leaves the automatic schedule
//! alone, and is limited to 25 per key. A multi-Region primary's new material reaches its
//! replicas in the same change; a replica refuses it. ListKeyRotations lists completed rotations, oldest
//! first; `ALL_KEY_MATERIAL` adds the first material (without a date or type, as AWS does).
//!
//! A symmetric key of origin `EXTERNAL` rotates to the material imported as
//! `NEW_KEY_MATERIAL` (`PENDING_ROTATION`; without one: `KMSInvalidStateException`), and its
//! entries also show `ImportState`, `KeyMaterialDescription`, `ExpirationModel` and `ValidTo`
//! (see `imported_rotations.rs`); `ALL_KEY_MATERIAL` adds the pending material last.

use serde::{Deserialize, Serialize};

use super::super::keys::Key;
use super::super::paging::{self, Listing, PageRequest};
use super::super::rotation::{ON_DEMAND_LIMIT, RotationType};
use super::super::{KmsError, LocalKms};
use super::imported_rotations::imported_entries;
use super::input::{KeyIdInput, finish, validate_key_id};
use super::key_op::{KeyRule, read_key};
use super::related_op::{check_not_replica, write_key_or_set};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::Validator;

const INCLUDE_KEY_MATERIAL: [&str; 2] = ["ALL_KEY_MATERIAL", "ROTATIONS_ONLY"];

/// RotateKeyOnDemand output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotateKeyOnDemandOutput {
    key_id: String,
}

/// Serves RotateKeyOnDemand. `KeyId` in the output is the key ARN.
pub fn rotate_key_on_demand(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<RotateKeyOnDemandOutput, KmsError> {
    let key_id = input.validate()?;
    write_key_or_set(
        kms,
        ctx,
        &key_id,
        KeyRule::usable("kms:RotateKeyOnDemand"),
        |key| {
            key.check_rotatable()?;
            check_not_replica(key, &ctx.region)?;
            if key.rotation.on_demand_count() >= ON_DEMAND_LIMIT {
                return Err(KmsError::LimitExceeded(format!(
                    "The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: {}",
                    key.arn
                )));
            }
            match key.origin.external() {
                Some(_) => key.rotate_imported(ctx.now)?,
                None => key.rotate(RotationType::OnDemand, ctx.now),
            }
            Ok(RotateKeyOnDemandOutput {
                key_id: key.arn.clone(),
            })
        },
    )
}

/// ListKeyRotations input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyRotationsInput {
    key_id: Option<String>,
    include_key_material: Option<String>,
    limit: Option<i64>,
    marker: Option<String>,
}

/// A `RotationsListEntry`; the import members only for `EXTERNAL` keys.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationsListEntry {
    pub(super) key_id: String,
    pub(super) key_material_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) key_material_description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) import_state: Option<&'static str>,
    pub(super) key_material_state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) expiration_model: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) valid_to: Option<EpochSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rotation_date: Option<EpochSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) rotation_type: Option<&'static str>,
}

/// ListKeyRotations output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyRotationsOutput {
    rotations: Vec<RotationsListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

impl ListKeyRotationsInput {
    /// The key, whether to list its first material, and the page asked for.
    fn validate(self) -> Result<(String, bool, PageRequest), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.one_of(
            "IncludeKeyMaterial",
            self.include_key_material.as_deref(),
            &INCLUDE_KEY_MATERIAL,
        );
        let request = paging::validate(&mut v, Listing::KeyRotations, self.limit, self.marker);
        let all_material = self.include_key_material.as_deref() == Some("ALL_KEY_MATERIAL");
        Ok((finish(v, self.key_id)?, all_material, request))
    }
}

/// Serves ListKeyRotations (every key state; entries name the key by its id, as AWS's
/// examples show). Keys that cannot rotate are `UnsupportedOperationException`.
pub fn list_key_rotations(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListKeyRotationsInput,
) -> Result<ListKeyRotationsOutput, KmsError> {
    let (key_id, all_material, request) = input.validate()?;
    read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |key| {
        key.check_rotatable()?;
        let entries = match key.origin.external() {
            Some(record) => imported_entries(key, record, all_material),
            None => generated_entries(key, all_material),
        };
        let page = paging::page(
            Listing::KeyRotations,
            entries,
            |entry| entry.key_material_id.as_str(),
            &request,
        )?;
        Ok(ListKeyRotationsOutput {
            rotations: page.items,
            next_marker: page.next_marker,
            truncated: page.truncated,
        })
    })
}

/// The entries of a key of origin `AWS_KMS`.
fn generated_entries(key: &Key, all_material: bool) -> Vec<RotationsListEntry> {
    let current = key.current_material().map(|m| m.id);
    let state = |material: &[u8; 32]| match Some(*material) == current {
        true => "CURRENT",
        false => "NON_CURRENT",
    };
    let mut entries = Vec::new();
    if let (true, Some(first)) = (all_material, key.materials.first()) {
        entries.push(RotationsListEntry {
            key_id: key.id.clone(),
            key_material_id: first.id_hex(),
            key_material_state: state(&first.id),
            ..RotationsListEntry::default()
        });
    }
    for record in &key.rotation.history {
        entries.push(RotationsListEntry {
            key_id: key.id.clone(),
            key_material_id: hex::encode(record.material_id),
            key_material_state: state(&record.material_id),
            rotation_date: Some(EpochSeconds(record.date)),
            rotation_type: Some(record.kind.as_str()),
            ..RotationsListEntry::default()
        });
    }
    entries
}
