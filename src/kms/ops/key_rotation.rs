//! EnableKeyRotation, DisableKeyRotation and GetKeyRotationStatus: the automatic rotation
//! schedule of a key (key id or key ARN only). Changing it needs a usable key (Disabled ->
//! `DisabledException`, PendingDeletion -> `KMSInvalidStateException`) and a customer managed
//! one; reading it works in every state. The scheduler performs the rotations
//! (`LocalKms::rotate_due_keys`).

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::rotation::DEFAULT_PERIOD_DAYS;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::support::deny_aws_managed;
use super::{read_key, validate_key_id, with_key};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::Validator;

/// EnableKeyRotation input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableKeyRotationInput {
    key_id: Option<String>,
    rotation_period_in_days: Option<i64>,
}

/// DisableKeyRotation and GetKeyRotationStatus input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyIdInput {
    pub(super) key_id: Option<String>,
}

/// GetKeyRotationStatus output. `RotationPeriodInDays` and `NextRotationDate` appear only
/// while automatic rotation is on [S]. On-demand rotations complete within the call, so
/// `OnDemandRotationStartDate` (shown only while one is in progress) never appears.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyRotationStatusOutput {
    key_rotation_enabled: bool,
    key_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotation_period_in_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_rotation_date: Option<EpochSeconds>,
}

/// Serves EnableKeyRotation.
pub fn enable_key_rotation(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: EnableKeyRotationInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.range(
        "RotationPeriodInDays",
        input.rotation_period_in_days,
        90,
        2560,
    );
    v.finish()?;
    let period = input.rotation_period_in_days.unwrap_or(DEFAULT_PERIOD_DAYS);
    let caller = KmsCaller::from(ctx);
    let next = change(
        kms,
        ctx,
        input.key_id.as_deref(),
        "kms:EnableKeyRotation",
        |key| {
            key.rotation.enable(period, caller.now);
        },
    )?;
    if let Some(next) = next {
        kms.schedule_rotation(next);
    }
    Ok(())
}

/// Serves DisableKeyRotation.
pub fn disable_key_rotation(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.finish()?;
    change(
        kms,
        ctx,
        input.key_id.as_deref(),
        "kms:DisableKeyRotation",
        |key| {
            key.rotation.disable();
        },
    )?;
    Ok(())
}

/// Applies `apply` to a usable customer managed key; returns its next rotation date.
fn change(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: Option<&str>,
    action: &str,
    apply: impl FnOnce(&mut super::super::keys::Key),
) -> Result<Option<time::OffsetDateTime>, KmsError> {
    with_key(kms, ctx, key_id.unwrap_or_default(), |key| {
        deny_aws_managed(ctx, key, action)?;
        key.check_usable()?;
        apply(key);
        Ok(key.rotation.next)
    })
}

/// Serves GetKeyRotationStatus. `KeyId` is the key id, as AWS's examples show it [I].
pub fn get_key_rotation_status(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<GetKeyRotationStatusOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.finish()?;
    read_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        Accepts::KeyOnly,
        |key| {
            Ok(GetKeyRotationStatusOutput {
                key_rotation_enabled: key.rotation.period_days.is_some(),
                key_id: key.id.clone(),
                rotation_period_in_days: key.rotation.period_days,
                next_rotation_date: key.rotation.next.map(EpochSeconds),
            })
        },
    )
}
