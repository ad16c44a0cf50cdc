//! CreateRole, GetRole, ListRoles, DeleteRole, UpdateRole and UpdateAssumeRolePolicy.
//!
//! A role's trust policy must name a principal; `MaxSessionDuration` is 3600 to 43200 seconds
//! (default 3600). DeleteRole refuses while inline or attached policies remain. Lists leave
//! out tags, as AWS does.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::documents::{self, DocumentKind};
use super::super::error::IamError;
use super::super::ids::{self, ROLE_PREFIX};
use super::super::input::{Checks, Tag, present};
use super::super::model::{Role, key};
use super::super::paging::page;
use super::super::wire::RoleShape;
use super::users::tag_pairs;
use super::{path_or_root, role, role_mut};
use crate::api::RequestCtx;

/// The session length a role allows when none is given.
const DEFAULT_MAX_SESSION: u32 = 3600;

/// CreateRole input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleInput {
    path: Option<String>,
    role_name: Option<String>,
    assume_role_policy_document: Option<String>,
    description: Option<String>,
    max_session_duration: Option<i64>,
    tags: Option<Vec<Tag>>,
}

/// CreateRole and GetRole output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleOutput {
    role: RoleShape,
}

/// GetRole and DeleteRole input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleNameInput {
    role_name: Option<String>,
}

/// ListRoles input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesInput {
    path_prefix: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListRoles output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesOutput {
    roles: Vec<RoleShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// UpdateRole input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRoleInput {
    role_name: Option<String>,
    description: Option<String>,
    max_session_duration: Option<i64>,
}

/// UpdateRole output: the model gives it a shape with no members, so the response carries an
/// empty `UpdateRoleResult` element (which botocore looks for).
#[derive(Debug, Serialize)]
pub struct UpdateRoleOutput {}

/// UpdateAssumeRolePolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAssumeRolePolicyInput {
    role_name: Option<String>,
    policy_document: Option<String>,
}

fn check_name(name: Option<&str>) -> Result<String, IamError> {
    Checks::new().name("RoleName", name, 64).finish()?;
    present(name.map(str::to_owned))
}

fn session_seconds(value: Option<i64>) -> u32 {
    value
        .and_then(|seconds| u32::try_from(seconds).ok())
        .unwrap_or(DEFAULT_MAX_SESSION)
}

/// CreateRole.
pub fn create_role(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreateRoleInput,
) -> Result<RoleOutput, IamError> {
    Checks::new()
        .name("RoleName", input.role_name.as_deref(), 64)
        .path("Path", input.path.as_deref())
        .document(
            "AssumeRolePolicyDocument",
            input.assume_role_policy_document.as_deref(),
        )
        .optional_text("Description", input.description.as_deref(), 1000)
        .range(
            "MaxSessionDuration",
            input.max_session_duration,
            3600,
            43200,
        )
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.role_name)?;
    let trust_policy = present(input.assume_role_policy_document)?;
    documents::check(&trust_policy, DocumentKind::Trust)?;
    let path = path_or_root(input.path);
    iam.write(ctx.account(), |state| {
        if state.roles.contains_key(&key(&name)) {
            return Err(IamError::EntityAlreadyExists(format!(
                "Role with name {name} already exists."
            )));
        }
        let role = Role {
            arn: ids::arn(ctx.account(), "role", &path, &name),
            id: ids::unique_id(ROLE_PREFIX),
            path,
            name: name.clone(),
            created: ctx.now,
            trust_policy,
            description: input.description,
            max_session_duration: session_seconds(input.max_session_duration),
            tags: tag_pairs(input.tags),
            inline_policies: Default::default(),
            attached: Vec::new(),
        };
        let shape = RoleShape::of(&role, true);
        state.roles.insert(key(&name), role);
        Ok(RoleOutput { role: shape })
    })
}

/// GetRole.
pub fn get_role(
    iam: &IamService,
    ctx: &RequestCtx,
    input: RoleNameInput,
) -> Result<RoleOutput, IamError> {
    let name = check_name(input.role_name.as_deref())?;
    iam.read(ctx.account(), |state| {
        Ok(RoleOutput {
            role: RoleShape::of(role(state, &name)?, true),
        })
    })
}

/// ListRoles.
pub fn list_roles(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListRolesInput,
) -> Result<ListRolesOutput, IamError> {
    Checks::new()
        .path_prefix(input.path_prefix.as_deref())
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let roles = iam.read(ctx.account(), |state| {
        state
            .roles
            .values()
            .filter(|role| role.path.starts_with(&prefix))
            .map(|role| RoleShape::of(role, false))
            .collect()
    });
    let page = page(roles, input.marker.as_deref(), input.max_items)?;
    Ok(ListRolesOutput {
        is_truncated: page.is_truncated(),
        roles: page.items,
        marker: page.marker,
    })
}

/// DeleteRole.
pub fn delete_role(
    iam: &IamService,
    ctx: &RequestCtx,
    input: RoleNameInput,
) -> Result<(), IamError> {
    let name = check_name(input.role_name.as_deref())?;
    iam.write(ctx.account(), |state| {
        let found = role(state, &name)?;
        if !found.inline_policies.is_empty() {
            return Err(IamError::must_first("delete policies"));
        }
        if !found.attached.is_empty() {
            return Err(IamError::must_first("detach all policies"));
        }
        state.roles.remove(&key(&name));
        Ok(())
    })
}

/// UpdateRole: description and maximum session length.
pub fn update_role(
    iam: &IamService,
    ctx: &RequestCtx,
    input: UpdateRoleInput,
) -> Result<UpdateRoleOutput, IamError> {
    Checks::new()
        .name("RoleName", input.role_name.as_deref(), 64)
        .optional_text("Description", input.description.as_deref(), 1000)
        .range(
            "MaxSessionDuration",
            input.max_session_duration,
            3600,
            43200,
        )
        .finish()?;
    let name = present(input.role_name)?;
    iam.write(ctx.account(), |state| {
        let role = role_mut(state, &name)?;
        if let Some(description) = input.description {
            role.description = Some(description);
        }
        if input.max_session_duration.is_some() {
            role.max_session_duration = session_seconds(input.max_session_duration);
        }
        Ok(UpdateRoleOutput {})
    })
}

/// UpdateAssumeRolePolicy.
pub fn update_assume_role_policy(
    iam: &IamService,
    ctx: &RequestCtx,
    input: UpdateAssumeRolePolicyInput,
) -> Result<(), IamError> {
    Checks::new()
        .name("RoleName", input.role_name.as_deref(), 64)
        .document("PolicyDocument", input.policy_document.as_deref())
        .finish()?;
    let name = present(input.role_name)?;
    let document = present(input.policy_document)?;
    documents::check(&document, DocumentKind::Trust)?;
    iam.write(ctx.account(), |state| {
        role_mut(state, &name)?.trust_policy = document;
        Ok(())
    })
}
