//! EnableKeyRotation, DisableKeyRotation and GetKeyRotationStatus: the automatic rotation
//! schedule of a key (key id or key ARN only). Changing it needs a customer managed key of
//! origin `AWS_KMS` (`EXTERNAL`: `UnsupportedOperationException "<arn> origin is EXTERNAL which
//! is not valid for this operation."`, in every state) that is usable (Disabled ->
//! `DisabledException`, PendingDeletion -> `KMSInvalidStateException`); reading it works in
//! every state (an `EXTERNAL` key answers `false`: it never rotates automatically). The scheduler performs the rotations
//! (`LocalKms::rotate_due_keys`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::super::keys::Key;
use super::super::local::Accepts;
use super::super::rotation::DEFAULT_PERIOD_DAYS;
use super::super::{KmsError, LocalKms};
use super::input::{KeyIdInput, finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, read_key};
use super::related_op::{check_not_replica, write_key_or_set};
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

/// GetKeyRotationStatus output. `RotationPeriodInDays` and `NextRotationDate` appear only
/// while automatic rotation is on. On-demand rotations complete within the call, so
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

impl EnableKeyRotationInput {
    /// The key and the rotation period in days.
    fn validate(self) -> Result<(String, i64), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.range(
            "RotationPeriodInDays",
            self.rotation_period_in_days,
            90,
            2560,
        );
        let key_id = finish(v, self.key_id)?;
        Ok((
            key_id,
            self.rotation_period_in_days.unwrap_or(DEFAULT_PERIOD_DAYS),
        ))
    }
}

/// Serves EnableKeyRotation.
pub fn enable_key_rotation(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: EnableKeyRotationInput,
) -> Result<(), KmsError> {
    let (key_id, period) = input.validate()?;
    if ctx.now.checked_add(time::Duration::days(period)).is_none() {
        return Err(KmsError::Validation(
            "the next rotation date would be past the latest representable time".into(),
        ));
    }
    change(kms, ctx, &key_id, "kms:EnableKeyRotation", |key| {
        key.rotation.enable(period, ctx.now);
    })
}

/// Serves DisableKeyRotation.
pub fn disable_key_rotation(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<(), KmsError> {
    let key_id = input.validate()?;
    change(kms, ctx, &key_id, "kms:DisableKeyRotation", |key| {
        key.rotation.disable();
    })
}

/// Applies `apply` to a usable customer managed symmetric encryption key (other kinds do not
/// rotate: `UnsupportedOperationException`), then schedules its next rotation. The rotation
/// of a multi-Region key is set on its primary and reaches its replicas with the change; a
/// replica refuses it (`UnsupportedOperationException`).
fn change(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    action: &'static str,
    apply: impl FnOnce(&mut Key),
) -> Result<(), KmsError> {
    let rule = KeyRule::new(
        Accepts::KeyOnly,
        KeyStates::Any,
        AwsManaged::Refused(action),
    );
    let next: Option<OffsetDateTime> = write_key_or_set(kms, ctx, key_id, rule, |key| {
        key.check_not_external()?;
        key.check_usable()?;
        key.check_rotatable()?;
        check_not_replica(key, &ctx.region)?;
        apply(key);
        Ok(key.rotation.next)
    })?;
    if let Some(next) = next {
        kms.schedule_rotation(next);
    }
    Ok(())
}

/// Serves GetKeyRotationStatus. `KeyId` is the key id, as AWS's examples show it. Keys of
/// kinds that cannot rotate (asymmetric, HMAC) answer `KeyRotationEnabled: false`.
pub fn get_key_rotation_status(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<GetKeyRotationStatusOutput, KmsError> {
    let key_id = input.validate()?;
    read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |key| {
        Ok(GetKeyRotationStatusOutput {
            key_rotation_enabled: key.rotation.period_days.is_some(),
            key_id: key.id.clone(),
            rotation_period_in_days: key.rotation.period_days,
            next_rotation_date: key.rotation.next.map(EpochSeconds),
        })
    })
}
