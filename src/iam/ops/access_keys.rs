//! CreateAccessKey, ListAccessKeys, UpdateAccessKey and DeleteAccessKey.
//!
//! A user has at most two keys, inactive ones included. The secret half is returned once, by
//! CreateAccessKey, and never again; a new key signs at once (authentication asks the
//! directory), an Inactive or deleted one is refused like an unknown key. Without `UserName`
//! the caller's own keys are meant.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::error::IamError;
use super::super::ids;
use super::super::input::{Checks, present};
use super::super::model::{AccessKey, KeyStatus};
use super::super::paging::page;
use super::super::wire::{AccessKeyMetadataShape, timestamp};
use super::{user, user_mut, user_or_caller};
use crate::api::RequestCtx;
use crate::crypto::Sensitive;

/// Keys a user may have.
const MAX_KEYS: usize = 2;

/// CreateAccessKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyInput {
    user_name: Option<String>,
}

/// The `AccessKey` shape, with its secret: sent once, never logged or audited.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyShape {
    user_name: String,
    access_key_id: String,
    status: &'static str,
    secret_access_key: String,
    create_date: String,
}

impl std::fmt::Debug for AccessKeyShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessKeyShape")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// CreateAccessKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyOutput {
    access_key: AccessKeyShape,
}

/// ListAccessKeys input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysInput {
    user_name: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListAccessKeys output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysOutput {
    access_key_metadata: Vec<AccessKeyMetadataShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// UpdateAccessKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccessKeyInput {
    user_name: Option<String>,
    access_key_id: Option<String>,
    status: Option<String>,
}

/// DeleteAccessKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAccessKeyInput {
    user_name: Option<String>,
    access_key_id: Option<String>,
}

fn no_such_key(id: &str) -> IamError {
    IamError::NoSuchEntity(format!("The Access Key with id {id} cannot be found."))
}

/// CreateAccessKey.
pub fn create_access_key(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreateAccessKeyInput,
) -> Result<CreateAccessKeyOutput, IamError> {
    Checks::new()
        .optional_name("UserName", input.user_name.as_deref(), 128)
        .finish()?;
    let name = user_or_caller(ctx, input.user_name)?;
    iam.write(ctx.account(), |state| {
        let user = user_mut(state, &name)?;
        if user.access_keys.len() >= MAX_KEYS {
            return Err(IamError::LimitExceeded(format!(
                "Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}"
            )));
        }
        let secret = ids::secret_access_key();
        let key = AccessKey {
            id: ids::access_key_id(),
            secret: Sensitive::new(secret.clone()),
            status: KeyStatus::Active,
            created: ctx.now,
        };
        let shape = AccessKeyShape {
            user_name: user.name.clone(),
            access_key_id: key.id.clone(),
            status: key.status.as_str(),
            secret_access_key: secret,
            create_date: timestamp(key.created),
        };
        user.access_keys.push(key);
        Ok(CreateAccessKeyOutput { access_key: shape })
    })
}

/// ListAccessKeys.
pub fn list_access_keys(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListAccessKeysInput,
) -> Result<ListAccessKeysOutput, IamError> {
    Checks::new()
        .optional_name("UserName", input.user_name.as_deref(), 128)
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    let name = user_or_caller(ctx, input.user_name)?;
    let keys = iam.read(ctx.account(), |state| {
        user(state, &name).map(|user| {
            user.access_keys
                .iter()
                .map(|key| AccessKeyMetadataShape::of(&user.name, key))
                .collect()
        })
    })?;
    let page = page(keys, input.marker.as_deref(), input.max_items)?;
    Ok(ListAccessKeysOutput {
        is_truncated: page.is_truncated(),
        access_key_metadata: page.items,
        marker: page.marker,
    })
}

fn check_key_input(user_name: Option<&str>, key_id: Option<&str>) -> Checks {
    let mut checks = Checks::new();
    checks
        .optional_name("UserName", user_name, 128)
        .text("AccessKeyId", key_id, 16, 128);
    checks
}

/// UpdateAccessKey.
pub fn update_access_key(
    iam: &IamService,
    ctx: &RequestCtx,
    input: UpdateAccessKeyInput,
) -> Result<(), IamError> {
    let mut checks = check_key_input(input.user_name.as_deref(), input.access_key_id.as_deref());
    checks.required("Status", input.status.as_ref());
    checks.finish()?;
    let status = match input.status.as_deref() {
        Some("Active") => KeyStatus::Active,
        Some("Inactive") => KeyStatus::Inactive,
        other => {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
                other.unwrap_or_default()
            )));
        }
    };
    let name = user_or_caller(ctx, input.user_name)?;
    let key_id = present(input.access_key_id)?;
    iam.write(ctx.account(), |state| {
        let key = user_mut(state, &name)?
            .access_keys
            .iter_mut()
            .find(|key| key.id == key_id)
            .ok_or_else(|| no_such_key(&key_id))?;
        key.status = status;
        Ok(())
    })
}

/// DeleteAccessKey.
pub fn delete_access_key(
    iam: &IamService,
    ctx: &RequestCtx,
    input: DeleteAccessKeyInput,
) -> Result<(), IamError> {
    check_key_input(input.user_name.as_deref(), input.access_key_id.as_deref()).finish()?;
    let name = user_or_caller(ctx, input.user_name)?;
    let key_id = present(input.access_key_id)?;
    iam.write(ctx.account(), |state| {
        let user = user_mut(state, &name)?;
        let before = user.access_keys.len();
        user.access_keys.retain(|key| key.id != key_id);
        if user.access_keys.len() == before {
            return Err(no_such_key(&key_id));
        }
        Ok(())
    })
}
