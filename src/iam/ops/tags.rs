//! TagUser, UntagUser, ListUserTags, TagRole, UntagRole and ListRoleTags.
//!
//! Tagging upserts (a key already present gets the new value, keys compare case-sensitively)
//! and an entity carries at most 50 tags afterwards; untagging a key that is absent is not an
//! error. Lists page with `Marker`/`MaxItems`.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::input::{Checks, MAX_TAGS, Tag, present};
use super::super::model::Tags;
use super::super::paging::page;
use super::super::wire;
use super::{role, role_mut, user, user_mut};
use crate::api::RequestCtx;

/// TagUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagUserInput {
    user_name: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// UntagUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagUserInput {
    user_name: Option<String>,
    tag_keys: Option<Vec<String>>,
}

/// ListUserTags input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserTagsInput {
    user_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// TagRole input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagRoleInput {
    role_name: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// UntagRole input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagRoleInput {
    role_name: Option<String>,
    tag_keys: Option<Vec<String>>,
}

/// ListRoleTags input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRoleTagsInput {
    role_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListUserTags and ListRoleTags output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    tags: Vec<Tag>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// Upserts `new` into `tags`, refusing more than [`MAX_TAGS`] in all.
fn merge(tags: &mut Tags, new: Vec<Tag>, entity: &str) -> Result<(), IamError> {
    let mut merged = tags.clone();
    for tag in new {
        match merged.iter_mut().find(|(key, _)| *key == tag.key) {
            Some(existing) => existing.1 = tag.value,
            None => merged.push((tag.key, tag.value)),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for TagsPer{entity}: {MAX_TAGS}"
        )));
    }
    *tags = merged;
    Ok(())
}

fn check_untag(
    member: &str,
    name: Option<&str>,
    keys: Option<&Vec<String>>,
) -> Result<(), IamError> {
    let mut checks = Checks::new();
    checks.name(member, name, 64).required("TagKeys", keys);
    for (index, tag_key) in keys
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        checks.text(&format!("TagKeys.{}", index + 1), Some(tag_key), 1, 128);
    }
    checks.finish()
}

fn listed(
    tags: Vec<Tag>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<ListTagsOutput, IamError> {
    let page = page(tags, marker, max_items)?;
    Ok(ListTagsOutput {
        is_truncated: page.is_truncated(),
        tags: page.items,
        marker: page.marker,
    })
}

/// TagUser.
pub fn tag_user(iam: &IamService, ctx: &RequestCtx, input: TagUserInput) -> Result<(), IamError> {
    Checks::new()
        .name("UserName", input.user_name.as_deref(), 128)
        .required("Tags", input.tags.as_ref())
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.user_name)?;
    iam.write(ctx.account(), |state| {
        merge(
            &mut user_mut(state, &name)?.tags,
            input.tags.unwrap_or_default(),
            "User",
        )
    })
}

/// UntagUser.
pub fn untag_user(
    iam: &IamService,
    ctx: &RequestCtx,
    input: UntagUserInput,
) -> Result<(), IamError> {
    check_untag(
        "UserName",
        input.user_name.as_deref(),
        input.tag_keys.as_ref(),
    )?;
    let name = present(input.user_name)?;
    let keys = input.tag_keys.unwrap_or_default();
    iam.write(ctx.account(), |state| {
        user_mut(state, &name)?
            .tags
            .retain(|(key, _)| !keys.contains(key));
        Ok(())
    })
}

/// ListUserTags.
pub fn list_user_tags(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListUserTagsInput,
) -> Result<ListTagsOutput, IamError> {
    Checks::new()
        .name("UserName", input.user_name.as_deref(), 128)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = present(input.user_name)?;
    let tags = iam.read(ctx.account(), |state| {
        user(state, &name).map(|user| wire::tags(&user.tags))
    })?;
    listed(tags, input.marker.as_deref(), input.max_items)
}

/// TagRole.
pub fn tag_role(iam: &IamService, ctx: &RequestCtx, input: TagRoleInput) -> Result<(), IamError> {
    Checks::new()
        .name("RoleName", input.role_name.as_deref(), 64)
        .required("Tags", input.tags.as_ref())
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.role_name)?;
    iam.write(ctx.account(), |state| {
        merge(
            &mut role_mut(state, &name)?.tags,
            input.tags.unwrap_or_default(),
            "Role",
        )
    })
}

/// UntagRole.
pub fn untag_role(
    iam: &IamService,
    ctx: &RequestCtx,
    input: UntagRoleInput,
) -> Result<(), IamError> {
    check_untag(
        "RoleName",
        input.role_name.as_deref(),
        input.tag_keys.as_ref(),
    )?;
    let name = present(input.role_name)?;
    let keys = input.tag_keys.unwrap_or_default();
    iam.write(ctx.account(), |state| {
        role_mut(state, &name)?
            .tags
            .retain(|(key, _)| !keys.contains(key));
        Ok(())
    })
}

/// ListRoleTags.
pub fn list_role_tags(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListRoleTagsInput,
) -> Result<ListTagsOutput, IamError> {
    Checks::new()
        .name("RoleName", input.role_name.as_deref(), 64)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = present(input.role_name)?;
    let tags = iam.read(ctx.account(), |state| {
        role(state, &name).map(|role| wire::tags(&role.tags))
    })?;
    listed(tags, input.marker.as_deref(), input.max_items)
}
