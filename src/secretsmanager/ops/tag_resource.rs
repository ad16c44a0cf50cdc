//! TagResource / UntagResource: change a secret's tags; both answer an empty body.
//!
//! TagResource upserts (existing key overwritten in place, new keys appended, 50 at most);
//! UntagResource removes the listed keys, absent keys silently. Once a secret has had tags,
//! removing them all leaves `"Tags": []` in DescribeSecret (not an absent member). A secret
//! scheduled for deletion refuses both. `aws:` keys are refused by both operations (decision:
//! removing a system tag modifies it too) before the secret is looked up (decision: the order
//! of the two checks was not observed on AWS).
//!
//! Decision (not observed on AWS): a call that actually changes the tags sets
//! `LastChangedDate` (AWS documents it as the last modification "in any way"); a call that
//! changes nothing (same values, or only absent keys) leaves it alone, as the UntagResource
//! documentation says "the secret metadata is unchanged".

use serde::Deserialize;

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::model::Tag;
use super::super::tags;
use super::validation;
use crate::api::ctx::RequestCtx;

/// TagResource input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub secret_id: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

/// UntagResource input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub secret_id: Option<String>,
    pub tag_keys: Option<Vec<String>>,
}

/// Serves TagResource.
pub fn tag_resource(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: TagResourceInput,
) -> Result<(), SmError> {
    let (secret_id, new) =
        validation::secret_id_and(input.secret_id, "Tags", input.tags, |v, new| {
            tags::validate_tags(v, "Tags", new.map(Vec::as_slice));
        })?;

    tags::check_keys_present(&new)?;
    tags::check_not_reserved(new.iter().filter_map(|tag| tag.key.as_deref()))?;
    sm.write_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        let current = secret.tags.as_deref().unwrap_or_default();
        let merged = tags::upsert(current, &new);
        tags::check_count(merged.len())?;
        if current != merged.as_slice() {
            secret.tags = Some(merged);
            secret.last_changed = ctx.now;
        }
        Ok(())
    })
}

/// Serves UntagResource.
pub fn untag_resource(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: UntagResourceInput,
) -> Result<(), SmError> {
    let (secret_id, keys) =
        validation::secret_id_and(input.secret_id, "TagKeys", input.tag_keys, |v, keys| {
            tags::validate_tag_keys(v, "TagKeys", keys.map(Vec::as_slice));
        })?;

    tags::check_not_reserved(keys.iter().map(String::as_str))?;
    sm.write_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        if let Some(current) = secret.tags.as_mut() {
            let before = current.len();
            current.retain(|tag| !keys.iter().any(|key| tag.key.as_deref() == Some(key)));
            if current.len() != before {
                secret.last_changed = ctx.now;
            }
        }
        Ok(())
    })
}
