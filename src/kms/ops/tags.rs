//! TagResource, UntagResource and ListResourceTags (key id or key ARN only), and KMS's tag
//! rules (CreateKey applies them too).
//!
//! Tagging upserts (an existing tag key gets the new value) under KMS's rules (`check_tags`),
//! and at most 50 tags may exist on a key afterwards: more is `TagException "Too many tags"`,
//! the text AWS sends for too many tags in one request (its text for this case is not
//! documented). Untagging a key that is absent is not an error. AWS managed keys cannot be
//! (un)tagged (AccessDenied); keys pending deletion refuse both (`KMSInvalidStateException`).
//! Listing works in every state, orders tags by key, and pages hold at most 50 (the documented
//! maximum), default 50.

use serde::{Deserialize, Serialize};

use super::super::model::KmsTag;
use super::super::paging::{self, Listing, Page, PageRequest};
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{KeyRule, read_key, write_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

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

/// Adds the model's `Tag` constraints (`TagKey` 1-128 and `TagValue` 0-256, both required)
/// for every entry of a `Tags` list.
pub(super) fn validate_tags(v: &mut Validator, tags: Option<&[KmsTag]>) {
    for (index, tag) in tags.unwrap_or_default().iter().enumerate() {
        let at = index + 1;
        v.required(&format!("Tags.{at}.member.TagKey"), tag.tag_key.as_ref());
        v.length(
            &format!("Tags.{at}.member.TagKey"),
            tag.tag_key.as_deref(),
            1,
            128,
            Echo::Value,
        );
        v.required(
            &format!("Tags.{at}.member.TagValue"),
            tag.tag_value.as_ref(),
        );
        v.length(
            &format!("Tags.{at}.member.TagValue"),
            tag.tag_value.as_deref(),
            0,
            256,
            Echo::Value,
        );
    }
}

/// The `(key, value)` pairs of `tags`, if every tag has both members (the required members
/// [`validate_tags`] checks, to hand to `input::finish`).
pub(super) fn tag_pairs(tags: Vec<KmsTag>) -> Option<Vec<(String, String)>> {
    tags.into_iter()
        .map(|tag| tag.tag_key.zip(tag.tag_value))
        .collect()
}

/// KMS's tag rules with its `TagException` texts: at most 50, no duplicate keys, no `aws:`
/// prefix in any case.
pub(super) fn check_tags(tags: Vec<(String, String)>) -> Result<Vec<(String, String)>, KmsError> {
    if tags.len() > 50 {
        return Err(KmsError::Tag("Too many tags".into()));
    }
    let mut out: Vec<(String, String)> = Vec::with_capacity(tags.len());
    for (key, value) in tags {
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(KmsError::Tag(
                "Tags beginning with aws: are reserved".into(),
            ));
        }
        if out.iter().any(|(existing, _)| existing == &key) {
            return Err(KmsError::Tag("Duplicate tag keys".into()));
        }
        out.push((key, value));
    }
    Ok(out)
}

impl TagResourceInput {
    fn validate(self) -> Result<(String, Vec<(String, String)>), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("Tags", self.tags.as_ref());
        validate_tags(&mut v, self.tags.as_deref());
        let (key_id, tags) = finish(v, (self.key_id, self.tags.and_then(tag_pairs)))?;
        Ok((key_id, check_tags(tags)?))
    }
}

impl UntagResourceInput {
    fn validate(self) -> Result<(String, Vec<String>), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("TagKeys", self.tag_keys.as_ref());
        v.member_lengths("TagKeys", self.tag_keys.as_deref(), 1, 128);
        finish(v, (self.key_id, self.tag_keys))
    }
}

impl ListResourceTagsInput {
    /// The key and the page asked for.
    fn validate(self) -> Result<(String, PageRequest), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        let request = paging::validate(&mut v, Listing::ResourceTags, self.limit, self.marker);
        Ok((finish(v, self.key_id)?, request))
    }
}

/// Serves TagResource.
pub fn tag_resource(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: TagResourceInput,
) -> Result<(), KmsError> {
    let (key_id, new_tags) = input.validate()?;
    write_key(
        kms,
        ctx,
        &key_id,
        KeyRule::manage("kms:TagResource"),
        |key| {
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
    let (key_id, remove) = input.validate()?;
    write_key(
        kms,
        ctx,
        &key_id,
        KeyRule::manage("kms:UntagResource"),
        |key| {
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
    let (key_id, request) = input.validate()?;
    let mut tags = read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |key| {
        Ok(key.tags.clone())
    })?;
    tags.sort_by(|a, b| a.0.cmp(&b.0));
    let Page {
        items,
        next_marker,
        truncated,
    } = paging::page(
        Listing::ResourceTags,
        tags,
        |(tag_key, _)| tag_key.as_str(),
        &request,
    )?;
    Ok(ListResourceTagsOutput {
        tags: items
            .into_iter()
            .map(|(tag_key, value)| KmsTag {
                tag_key: Some(tag_key),
                tag_value: Some(value),
            })
            .collect(),
        next_marker,
        truncated,
    })
}
