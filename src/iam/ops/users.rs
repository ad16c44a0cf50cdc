//! CreateUser, GetUser, ListUsers and DeleteUser.
//!
//! GetUser without a name answers for the caller: an IAM user gets its own entry, the root
//! user an entry with only its id, ARN and a creation date (no name, no path), as AWS does.
//! DeleteUser refuses while the user still has access keys, inline or attached policies, an
//! MFA device or group memberships, each with its own `DeleteConflict` text.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::ids::{self, USER_PREFIX};
use super::super::input::{Checks, Tag, present};
use super::super::model::{User, key};
use super::super::paging::page;
use super::super::wire::{UserShape, timestamp};
use super::{path_or_root, user, user_or_caller};
use crate::api::{PrincipalKind, RequestCtx};

/// CreateUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserInput {
    path: Option<String>,
    user_name: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// CreateUser and GetUser output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserOutput {
    user: UserShape,
}

/// GetUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserInput {
    user_name: Option<String>,
}

/// ListUsers input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListUsers output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersOutput {
    users: Vec<UserShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// DeleteUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserInput {
    user_name: Option<String>,
}

/// Tags as the entities keep them.
pub(super) fn tag_pairs(tags: Option<Vec<Tag>>) -> Vec<(String, String)> {
    tags.unwrap_or_default()
        .into_iter()
        .map(|tag| (tag.key, tag.value))
        .collect()
}

/// CreateUser.
pub fn create_user(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreateUserInput,
) -> Result<UserOutput, IamError> {
    Checks::new()
        .name("UserName", input.user_name.as_deref(), 64)
        .path("Path", input.path.as_deref())
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.user_name)?;
    let path = path_or_root(input.path);
    iam.write(ctx.account(), |state| {
        if state.users.contains_key(&key(&name)) {
            return Err(IamError::EntityAlreadyExists(format!(
                "User with name {name} already exists."
            )));
        }
        let user = User {
            arn: ids::arn(ctx.account(), "user", &path, &name),
            id: ids::unique_id(USER_PREFIX),
            path,
            name: name.clone(),
            created: ctx.now,
            tags: tag_pairs(input.tags),
            access_keys: Vec::new(),
            inline_policies: Default::default(),
            attached: Vec::new(),
        };
        let shape = UserShape::of(&user, true);
        state.users.insert(key(&name), user);
        Ok(UserOutput { user: shape })
    })
}

/// GetUser.
pub fn get_user(
    iam: &IamService,
    ctx: &RequestCtx,
    input: GetUserInput,
) -> Result<UserOutput, IamError> {
    Checks::new()
        .optional_name("UserName", input.user_name.as_deref(), 128)
        .finish()?;
    if input.user_name.is_none() && ctx.principal.kind == PrincipalKind::Root {
        return Ok(UserOutput {
            user: UserShape {
                path: None,
                user_name: None,
                user_id: ctx.account().to_owned(),
                arn: ctx.principal.arn.clone(),
                create_date: timestamp(ctx.now),
                tags: None,
            },
        });
    }
    let name = user_or_caller(ctx, input.user_name)?;
    iam.read(ctx.account(), |state| {
        Ok(UserOutput {
            user: UserShape::of(user(state, &name)?, true),
        })
    })
}

/// ListUsers: users whose path starts with `PathPrefix`, by name, without tags.
pub fn list_users(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListUsersInput,
) -> Result<ListUsersOutput, IamError> {
    Checks::new()
        .path_prefix(input.path_prefix.as_deref())
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let users = iam.read(ctx.account(), |state| {
        state
            .users
            .values()
            .filter(|user| user.path.starts_with(&prefix))
            .map(|user| UserShape::of(user, false))
            .collect()
    });
    let page = page(users, input.marker.as_deref(), input.max_items)?;
    Ok(ListUsersOutput {
        is_truncated: page.is_truncated(),
        users: page.items,
        marker: page.marker,
    })
}

/// DeleteUser.
pub fn delete_user(
    iam: &IamService,
    ctx: &RequestCtx,
    input: DeleteUserInput,
) -> Result<(), IamError> {
    Checks::new()
        .name("UserName", input.user_name.as_deref(), 64)
        .finish()?;
    let name = present(input.user_name)?;
    iam.write(ctx.account(), |state| {
        let found = user(state, &name)?;
        let user_key = key(&found.name);
        if !found.access_keys.is_empty() {
            return Err(IamError::must_first("delete access keys"));
        }
        if !found.inline_policies.is_empty() {
            return Err(IamError::must_first("delete policies"));
        }
        if !found.attached.is_empty() {
            return Err(IamError::must_first("detach all policies"));
        }
        if state
            .mfa_devices
            .values()
            .any(|device| device.user.as_deref() == Some(user_key.as_str()))
        {
            return Err(IamError::must_first("delete MFA device"));
        }
        if state.groups_of(&user_key).next().is_some() {
            return Err(IamError::must_first("remove user from all groups"));
        }
        state.users.remove(&user_key);
        Ok(())
    })
}
