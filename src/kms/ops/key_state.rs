//! EnableKey, DisableKey and UpdateKeyDescription: key id or key ARN only; idempotent;
//! refused for AWS managed keys (AccessDenied) and for keys pending deletion
//! (`KMSInvalidStateException "<arn> is pending deletion."`, reference §2.2).

use serde::Deserialize;

use super::super::keys::KeyState;
use super::super::{KmsError, LocalKms};
use super::{refuse_aws_managed, validate_key_id, with_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// EnableKey / DisableKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdInput {
    key_id: Option<String>,
}

/// UpdateKeyDescription input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateKeyDescriptionInput {
    key_id: Option<String>,
    description: Option<String>,
}

/// Serves EnableKey.
pub fn enable_key(kms: &LocalKms, ctx: &RequestCtx, input: KeyIdInput) -> Result<(), KmsError> {
    set_state(kms, ctx, input, "EnableKey", KeyState::Enabled)
}

/// Serves DisableKey.
pub fn disable_key(kms: &LocalKms, ctx: &RequestCtx, input: KeyIdInput) -> Result<(), KmsError> {
    set_state(kms, ctx, input, "DisableKey", KeyState::Disabled)
}

fn set_state(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
    operation: &str,
    state: KeyState,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.finish()?;
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, operation)?;
            key.check_not_pending_deletion()?;
            key.state = state;
            Ok(())
        },
    )
}

/// Serves UpdateKeyDescription.
pub fn update_key_description(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: UpdateKeyDescriptionInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.required("Description", input.description.as_ref());
    v.length(
        "Description",
        input.description.as_deref(),
        0,
        8192,
        Echo::Value,
    );
    v.finish()?;
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, "UpdateKeyDescription")?;
            key.check_not_pending_deletion()?;
            key.description = input.description.unwrap_or_default();
            Ok(())
        },
    )
}
