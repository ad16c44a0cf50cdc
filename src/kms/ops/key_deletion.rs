//! ScheduleKeyDeletion and CancelKeyDeletion (key id or key ARN only).
//!
//! Scheduling puts the key in `PendingDeletion` for `PendingWindowInDays` (7-30, default 30)
//! on the virtual clock; `deletion.rs` deletes it (and its aliases) when the window ends.
//! Cancelling leaves the key `Disabled`, as AWS does. AWS managed keys refuse both.
//! A multi-Region primary key with replicas goes `PendingReplicaDeletion` instead, without a
//! `DeletionDate` (omitted from the output): its window starts only when its last replica is
//! deleted (`multi_region.rs`); cancelling works from that state too.
//! Outside 7-30 but inside the model's 1-365 the text is the one real KMS was seen sending:
//! `PendingWindowInDays must be between 7 and 30`.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{KmsError, LocalKms};
use super::input::{KeyIdInput, finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, write_key};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::Validator;

/// What ScheduleKeyDeletion requires of the key.
const SCHEDULE: KeyRule = KeyRule::manage("kms:ScheduleKeyDeletion");

/// What CancelKeyDeletion requires of the key.
const CANCEL: KeyRule = KeyRule::new(
    Accepts::KeyOnly,
    KeyStates::PendingDeletion,
    AwsManaged::Refused("kms:CancelKeyDeletion"),
);

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
    #[serde(skip_serializing_if = "Option::is_none")]
    deletion_date: Option<EpochSeconds>,
    key_state: &'static str,
    pending_window_in_days: i64,
}

/// CancelKeyDeletion input.
pub type CancelKeyDeletionInput = KeyIdInput;

/// CancelKeyDeletion output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelKeyDeletionOutput {
    key_id: String,
}

impl ScheduleKeyDeletionInput {
    /// The key and the window in days.
    fn validate(self) -> Result<(String, i64), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.range("PendingWindowInDays", self.pending_window_in_days, 1, 365);
        let key_id = finish(v, self.key_id)?;
        let days = self.pending_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(KmsError::Validation(
                "PendingWindowInDays must be between 7 and 30".into(),
            ));
        }
        Ok((key_id, days))
    }
}

/// Serves ScheduleKeyDeletion.
pub fn schedule_key_deletion(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ScheduleKeyDeletionInput,
) -> Result<ScheduleKeyDeletionOutput, KmsError> {
    let (key_id, days) = input.validate()?;
    if ctx.now.checked_add(time::Duration::days(days)).is_none() {
        return Err(KmsError::Validation(
            "the deletion date would be past the latest representable time".into(),
        ));
    }
    write_key(kms, ctx, &key_id, SCHEDULE, |key| {
        let deletion_date = match key.has_multi_region_replicas(&ctx.region) {
            true => {
                key.await_replica_deletion(days);
                None
            }
            false => Some(EpochSeconds(key.schedule_deletion(ctx.now, days))),
        };
        Ok(ScheduleKeyDeletionOutput {
            key_id: key.arn.clone(),
            deletion_date,
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
    let key_id = input.validate()?;
    write_key(kms, ctx, &key_id, CANCEL, |key| {
        key.cancel_deletion();
        Ok(CancelKeyDeletionOutput {
            key_id: key.arn.clone(),
        })
    })
}
