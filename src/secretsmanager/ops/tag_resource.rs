//! TagResource / UntagResource: change a secret's tags; both answer an empty body.
//!
//! TagResource upserts (existing key overwritten in place, new keys appended, 50 at most);
//! UntagResource removes the listed keys, absent keys silently. Once a secret has had tags,
//! removing them all leaves `"Tags": []` in DescribeSecret (not an absent member). A secret
//! scheduled for deletion refuses both. `aws:` keys are refused by both operations (removing a
//! system tag modifies it too [U]) before the secret is looked up [U order].
//!
//! Decision [U]: a call that actually changes the tags sets `LastChangedDate` (AWS documents
//! it as the last modification "in any way"); a call that changes nothing (same values, or
//! only absent keys) leaves it alone, as the UntagResource doc says "the secret metadata is
//! unchanged".

use serde::Deserialize;

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::model::Tag;
use super::super::tags;
use super::validate_secret_id;
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

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
    let mut v = Validator::new();
    validate_secret_id(&mut v, input.secret_id.as_ref());
    v.required("Tags", input.tags.as_ref());
    tags::validate_tags(&mut v, "Tags", input.tags.as_deref());
    v.finish()?;

    let new = input.tags.unwrap_or_default();
    tags::check_keys_present(&new)?;
    tags::check_not_reserved(new.iter().filter_map(|tag| tag.key.as_deref()))?;
    let secret_id = input.secret_id.as_deref().unwrap_or_default();
    sm.write_secret(ctx, secret_id, |secret| {
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
    let mut v = Validator::new();
    validate_secret_id(&mut v, input.secret_id.as_ref());
    v.required("TagKeys", input.tag_keys.as_ref());
    tags::validate_tag_keys(&mut v, "TagKeys", input.tag_keys.as_deref());
    v.finish()?;

    let keys = input.tag_keys.unwrap_or_default();
    tags::check_not_reserved(keys.iter().map(String::as_str))?;
    let secret_id = input.secret_id.as_deref().unwrap_or_default();
    sm.write_secret(ctx, secret_id, |secret| {
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
