//! ScheduleKeyDeletion and CancelKeyDeletion (key id or key ARN only).
//!
//! Scheduling puts the key in `PendingDeletion` for `PendingWindowInDays` (7-30, default 30)
//! on the virtual clock; `deletion.rs` deletes it (and its aliases) when the window ends.
//! Cancelling leaves the key `Disabled`, as AWS does. AWS managed keys refuse both.
//! Outside 7-30 but inside the model's 1-365 the text is the one real KMS was seen sending:
//! `PendingWindowInDays must be between 7 and 30` [O].

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::{gone, refuse_aws_managed, validate_key_id, with_key};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::Validator;

/// ScheduleKeyDeletion input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionInput {
    key_id: Option<String>,
    pending_window_in_days: Option<i64>,
}

/// ScheduleKeyDeletion output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScheduleKeyDeletionOutput {
    key_id: String,
    deletion_date: EpochSeconds,
    key_state: &'static str,
    pending_window_in_days: i64,
}

/// CancelKeyDeletion input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelKeyDeletionInput {
    key_id: Option<String>,
}

/// CancelKeyDeletion output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelKeyDeletionOutput {
    key_id: String,
}

/// Serves ScheduleKeyDeletion.
pub fn schedule_key_deletion(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ScheduleKeyDeletionInput,
) -> Result<ScheduleKeyDeletionOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.range("PendingWindowInDays", input.pending_window_in_days, 1, 365);
    v.finish()?;
    let days = input.pending_window_in_days.unwrap_or(30);
    if !(7..=30).contains(&days) {
        return Err(KmsError::Validation(
            "PendingWindowInDays must be between 7 and 30".into(),
        ));
    }
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let key_id = input.key_id.as_deref().unwrap_or_default();
    let id = kms.resolve(caller, &ring, key_id, Accepts::KeyOnly)?;
    kms.write_ring(caller, &ring, |_, keys| {
        let key = keys.get_mut(&id).ok_or_else(|| gone(caller, &id))?;
        refuse_aws_managed(ctx, key, "ScheduleKeyDeletion")?;
        key.check_not_pending_deletion()?;
        let deletion_date = key.schedule_deletion(caller.now, days);
        ring.deletion_hint.note(deletion_date);
        Ok(ScheduleKeyDeletionOutput {
            key_id: key.arn.clone(),
            deletion_date: EpochSeconds(deletion_date),
            key_state: key.state.as_str(),
            pending_window_in_days: days,
        })
    })
}

/// Serves CancelKeyDeletion.
pub fn cancel_key_deletion(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: CancelKeyDeletionInput,
) -> Result<CancelKeyDeletionOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.finish()?;
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, "CancelKeyDeletion")?;
            if key.deletion_date.is_none() {
                return Err(KmsError::not_pending_deletion(&key.arn));
            }
            key.cancel_deletion();
            Ok(CancelKeyDeletionOutput {
                key_id: key.arn.clone(),
            })
        },
    )
}
