//! CreateGroup, GetGroup (with its users), ListGroups, DeleteGroup, AddUserToGroup,
//! RemoveUserFromGroup and ListGroupsForUser.
//!
//! Adding a member twice is not an error; removing a user that is not a member is
//! `NoSuchEntity`. DeleteGroup refuses while the group has members or policies.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::ids::{self, GROUP_PREFIX};
use super::super::input::{Checks, present};
use super::super::model::{Group, key};
use super::super::paging::page;
use super::super::wire::{GroupShape, UserShape};
use super::{group, group_mut, path_or_root, user};
use crate::api::RequestCtx;

/// CreateGroup input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupInput {
    path: Option<String>,
    group_name: Option<String>,
}

/// CreateGroup output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupOutput {
    group: GroupShape,
}

/// GetGroup input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupInput {
    group_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// GetGroup output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupOutput {
    group: GroupShape,
    users: Vec<UserShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// ListGroups input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListGroups and ListGroupsForUser output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsOutput {
    groups: Vec<GroupShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// DeleteGroup input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteGroupInput {
    group_name: Option<String>,
}

/// AddUserToGroup and RemoveUserFromGroup input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupMemberInput {
    group_name: Option<String>,
    user_name: Option<String>,
}

/// ListGroupsForUser input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsForUserInput {
    user_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

fn groups_page(
    groups: Vec<GroupShape>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<ListGroupsOutput, IamError> {
    let page = page(groups, marker, max_items)?;
    Ok(ListGroupsOutput {
        is_truncated: page.is_truncated(),
        groups: page.items,
        marker: page.marker,
    })
}

/// CreateGroup.
pub fn create_group(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreateGroupInput,
) -> Result<CreateGroupOutput, IamError> {
    Checks::new()
        .name("GroupName", input.group_name.as_deref(), 128)
        .path("Path", input.path.as_deref())
        .finish()?;
    let name = present(input.group_name)?;
    let path = path_or_root(input.path);
    iam.write(ctx.account(), |state| {
        if state.groups.contains_key(&key(&name)) {
            return Err(IamError::EntityAlreadyExists(format!(
                "Group with name {name} already exists."
            )));
        }
        let group = Group {
            arn: ids::arn(ctx.account(), "group", &path, &name),
            id: ids::unique_id(GROUP_PREFIX),
            path,
            name: name.clone(),
            created: ctx.now,
            members: Vec::new(),
            inline_policies: Default::default(),
            attached: Vec::new(),
        };
        let shape = GroupShape::of(&group);
        state.groups.insert(key(&name), group);
        Ok(CreateGroupOutput { group: shape })
    })
}

/// GetGroup: the group and a page of its users.
pub fn get_group(
    iam: &IamService,
    ctx: &RequestCtx,
    input: GetGroupInput,
) -> Result<GetGroupOutput, IamError> {
    Checks::new()
        .name("GroupName", input.group_name.as_deref(), 128)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = present(input.group_name)?;
    let (shape, users) = iam.read(ctx.account(), |state| {
        let found = group(state, &name)?;
        let users: Vec<UserShape> = found
            .members
            .iter()
            .filter_map(|member| state.users.get(member))
            .map(|user| UserShape::of(user, false))
            .collect();
        Ok::<_, IamError>((GroupShape::of(found), users))
    })?;
    let page = page(users, input.marker.as_deref(), input.max_items)?;
    Ok(GetGroupOutput {
        group: shape,
        is_truncated: page.is_truncated(),
        users: page.items,
        marker: page.marker,
    })
}

/// ListGroups.
pub fn list_groups(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListGroupsInput,
) -> Result<ListGroupsOutput, IamError> {
    Checks::new()
        .path_prefix(input.path_prefix.as_deref())
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let groups = iam.read(ctx.account(), |state| {
        state
            .groups
            .values()
            .filter(|group| group.path.starts_with(&prefix))
            .map(GroupShape::of)
            .collect()
    });
    groups_page(groups, input.marker.as_deref(), input.max_items)
}

/// DeleteGroup.
pub fn delete_group(
    iam: &IamService,
    ctx: &RequestCtx,
    input: DeleteGroupInput,
) -> Result<(), IamError> {
    Checks::new()
        .name("GroupName", input.group_name.as_deref(), 128)
        .finish()?;
    let name = present(input.group_name)?;
    iam.write(ctx.account(), |state| {
        let found = group(state, &name)?;
        if !found.members.is_empty() {
            return Err(IamError::must_first("remove users from group"));
        }
        if !found.inline_policies.is_empty() {
            return Err(IamError::must_first("delete policies"));
        }
        if !found.attached.is_empty() {
            return Err(IamError::must_first("detach all policies"));
        }
        state.groups.remove(&key(&name));
        Ok(())
    })
}

fn check_member(input: &GroupMemberInput) -> Result<(String, String), IamError> {
    Checks::new()
        .name("GroupName", input.group_name.as_deref(), 128)
        .name("UserName", input.user_name.as_deref(), 128)
        .finish()?;
    Ok((
        present(input.group_name.clone())?,
        present(input.user_name.clone())?,
    ))
}

/// AddUserToGroup.
pub fn add_user_to_group(
    iam: &IamService,
    ctx: &RequestCtx,
    input: GroupMemberInput,
) -> Result<(), IamError> {
    let (group_name, user_name) = check_member(&input)?;
    iam.write(ctx.account(), |state| {
        group(state, &group_name)?;
        let member = key(&user(state, &user_name)?.name);
        let found = group_mut(state, &group_name)?;
        if !found.members.contains(&member) {
            found.members.push(member);
        }
        Ok(())
    })
}

/// RemoveUserFromGroup.
pub fn remove_user_from_group(
    iam: &IamService,
    ctx: &RequestCtx,
    input: GroupMemberInput,
) -> Result<(), IamError> {
    let (group_name, user_name) = check_member(&input)?;
    iam.write(ctx.account(), |state| {
        group(state, &group_name)?;
        let member = key(&user(state, &user_name)?.name);
        let found = group_mut(state, &group_name)?;
        let before = found.members.len();
        found.members.retain(|m| *m != member);
        if found.members.len() == before {
            return Err(IamError::no_such_user(&user_name));
        }
        Ok(())
    })
}

/// ListGroupsForUser.
pub fn list_groups_for_user(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListGroupsForUserInput,
) -> Result<ListGroupsOutput, IamError> {
    Checks::new()
        .name("UserName", input.user_name.as_deref(), 128)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = present(input.user_name)?;
    let groups = iam.read(ctx.account(), |state| {
        let member = key(&user(state, &name)?.name);
        Ok::<_, IamError>(state.groups_of(&member).map(GroupShape::of).collect())
    })?;
    groups_page(groups, input.marker.as_deref(), input.max_items)
}
