//! One handler per IAM operation, grouped by the entity they act on; each validates its input
//! against the model first, then reads or writes the caller's account.

mod access_keys;
mod attachments;
mod groups;
mod inline_policies;
mod managed_policies;
mod mfa;
mod policy_versions;
mod roles;
mod tags;
mod users;

pub use access_keys::*;
pub use attachments::*;
pub use groups::*;
pub use inline_policies::*;
pub use managed_policies::*;
pub use mfa::*;
pub use policy_versions::*;
pub use roles::*;
pub use tags::*;
pub use users::*;

use crate::api::{PrincipalKind, RequestCtx};

use super::error::IamError;
use super::model::{AccountIam, Group, Role, User, key};

/// The user an operation with an optional `UserName` acts on: the named one, else the caller
/// when the caller is an IAM user.
fn user_or_caller(ctx: &RequestCtx, user_name: Option<String>) -> Result<String, IamError> {
    if let Some(name) = user_name {
        return Ok(name);
    }
    match &ctx.principal.kind {
        PrincipalKind::User { name } => Ok(name.clone()),
        _ => Err(IamError::Validation(
            "Must specify userName when calling with non-User credentials".into(),
        )),
    }
}

/// The user `name` (case-insensitively).
fn user<'a>(state: &'a AccountIam, name: &str) -> Result<&'a User, IamError> {
    state
        .users
        .get(&key(name))
        .ok_or_else(|| IamError::no_such_user(name))
}

/// The user `name`, to change.
fn user_mut<'a>(state: &'a mut AccountIam, name: &str) -> Result<&'a mut User, IamError> {
    state
        .users
        .get_mut(&key(name))
        .ok_or_else(|| IamError::no_such_user(name))
}

/// The role `name`.
fn role<'a>(state: &'a AccountIam, name: &str) -> Result<&'a Role, IamError> {
    state
        .roles
        .get(&key(name))
        .ok_or_else(|| IamError::no_such_role(name))
}

/// The role `name`, to change.
fn role_mut<'a>(state: &'a mut AccountIam, name: &str) -> Result<&'a mut Role, IamError> {
    state
        .roles
        .get_mut(&key(name))
        .ok_or_else(|| IamError::no_such_role(name))
}

/// The group `name`.
fn group<'a>(state: &'a AccountIam, name: &str) -> Result<&'a Group, IamError> {
    state
        .groups
        .get(&key(name))
        .ok_or_else(|| IamError::no_such_group(name))
}

/// The group `name`, to change.
fn group_mut<'a>(state: &'a mut AccountIam, name: &str) -> Result<&'a mut Group, IamError> {
    state
        .groups
        .get_mut(&key(name))
        .ok_or_else(|| IamError::no_such_group(name))
}

/// `Path` or its default, `/`.
fn path_or_root(path: Option<String>) -> String {
    path.unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests;
