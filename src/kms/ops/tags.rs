//! TagResource, UntagResource and ListResourceTags (key id or key ARN only).
//!
//! Tagging upserts (an existing tag key gets the new value) under CreateKey's rules
//! (`check_tags`), and at most 50 tags may exist on a key afterwards: more is `TagException
//! "Too many tags"`, the text AWS sends for too many tags in one request [I]. Untagging a key
//! that is absent is not an error. AWS managed keys cannot be (un)tagged (AccessDenied); keys
//! pending deletion refuse both (`KMSInvalidStateException`). Listing works in every state,
//! orders tags by key, and pages hold at most 50 (the documented maximum), default 50.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::model::KmsTag;
use super::super::paging::{self, Page};
use super::super::{KmsError, LocalKms};
use super::create_key::{check_tags, validate_tags};
use super::{read_key, refuse_aws_managed, validate_key_id, with_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

/// Tags per key.
const MAX_TAGS: usize = 50;

/// TagResource input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    key_id: Option<String>,
    tags: Option<Vec<KmsTag>>,
}

/// UntagResource input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    key_id: Option<String>,
    tag_keys: Option<Vec<String>>,
}

/// ListResourceTags input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceTagsInput {
    key_id: Option<String>,
    limit: Option<i64>,
    marker: Option<String>,
}

/// ListResourceTags output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceTagsOutput {
    tags: Vec<KmsTag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

/// Serves TagResource.
pub fn tag_resource(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: TagResourceInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.required("Tags", input.tags.as_ref());
    validate_tags(&mut v, input.tags.as_deref());
    v.finish()?;
    let new_tags = check_tags(input.tags.unwrap_or_default())?;
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, "TagResource")?;
            key.check_not_pending_deletion()?;
            let mut tags = key.tags.clone();
            for (tag_key, value) in new_tags {
                match tags.iter_mut().find(|(existing, _)| *existing == tag_key) {
                    Some(tag) => tag.1 = value,
                    None => tags.push((tag_key, value)),
                }
            }
            if tags.len() > MAX_TAGS {
                return Err(KmsError::Tag("Too many tags".into()));
            }
            key.tags = tags;
            Ok(())
        },
    )
}

/// Serves UntagResource.
pub fn untag_resource(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: UntagResourceInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.required("TagKeys", input.tag_keys.as_ref());
    v.list_members(
        "TagKeys",
        input.tag_keys.as_deref(),
        &Validator::length_constraints(1, 128),
        |tag_key| Validator::length_ok(tag_key, 1, 128),
    );
    v.finish()?;
    let remove = input.tag_keys.unwrap_or_default();
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, "UntagResource")?;
            key.check_not_pending_deletion()?;
            key.tags.retain(|(tag_key, _)| !remove.contains(tag_key));
            Ok(())
        },
    )
}

/// Serves ListResourceTags.
pub fn list_resource_tags(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListResourceTagsInput,
) -> Result<ListResourceTagsOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    paging::validate(&mut v, input.limit, input.marker.as_deref());
    v.finish()?;
    let key_id = input.key_id.as_deref().unwrap_or_default();
    let mut tags: Vec<KmsTag> = read_key(kms, ctx, key_id, Accepts::KeyOnly, |key| {
        Ok(key
            .tags
            .iter()
            .map(|(tag_key, value)| KmsTag {
                tag_key: Some(tag_key.clone()),
                tag_value: Some(value.clone()),
            })
            .collect())
    })?;
    tags.sort_by(|a, b| a.tag_key.cmp(&b.tag_key));
    let Page {
        items,
        next_marker,
        truncated,
    } = paging::page(
        "tags",
        tags,
        |tag| tag.tag_key.as_deref().unwrap_or_default(),
        input.marker.as_deref(),
        input.limit,
        (50, 50),
    )?;
    Ok(ListResourceTagsOutput {
        tags: items,
        next_marker,
        truncated,
    })
}
