//! EnableKey, DisableKey and UpdateKeyDescription: key id or key ARN only; idempotent;
//! refused for AWS managed keys (AccessDenied) and for keys pending deletion
//! (`KMSInvalidStateException "<arn> is pending deletion."`); EnableKey and DisableKey also
//! for keys pending import (`"<arn> is pending import."`).

use serde::Deserialize;

use super::super::keys::KeyState;
use super::super::{KmsError, LocalKms};
use super::input::{KeyIdInput, finish, validate_key_id};
use super::key_op::{KeyRule, write_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// UpdateKeyDescription input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateKeyDescriptionInput {
    key_id: Option<String>,
    description: Option<String>,
}

impl UpdateKeyDescriptionInput {
    /// The key and its new description.
    fn validate(self) -> Result<(String, String), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("Description", self.description.as_ref());
        v.length(
            "Description",
            self.description.as_deref(),
            0,
            8192,
            Echo::Value,
        );
        finish(v, (self.key_id, self.description))
    }
}

/// Serves EnableKey.
pub fn enable_key(kms: &LocalKms, ctx: &RequestCtx, input: KeyIdInput) -> Result<(), KmsError> {
    set_state(kms, ctx, input, "kms:EnableKey", KeyState::Enabled)
}

/// Serves DisableKey.
pub fn disable_key(kms: &LocalKms, ctx: &RequestCtx, input: KeyIdInput) -> Result<(), KmsError> {
    set_state(kms, ctx, input, "kms:DisableKey", KeyState::Disabled)
}

fn set_state(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
    action: &'static str,
    state: KeyState,
) -> Result<(), KmsError> {
    let key_id = input.validate()?;
    write_key(kms, ctx, &key_id, KeyRule::manage(action), |key| {
        if key.state == KeyState::PendingImport {
            return Err(KmsError::pending_import(&key.arn));
        }
        key.state = state;
        Ok(())
    })
}

/// Serves UpdateKeyDescription.
pub fn update_key_description(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: UpdateKeyDescriptionInput,
) -> Result<(), KmsError> {
    let (key_id, description) = input.validate()?;
    let rule = KeyRule::manage("kms:UpdateKeyDescription");
    write_key(kms, ctx, &key_id, rule, |key| {
        key.description = description;
        Ok(())
    })
}
