//! GetKeyLastUsage, and [`record_use`], which the tracked cryptographic operations call once
//! they succeed (see `last_usage.rs` for what is tracked and for how long).
//!
//! GetKeyLastUsage takes a key id or key ARN (no alias, `NotFoundException "Invalid keyId"`
//! as for the other key-only operations), answers in every key state and for AWS managed
//! keys too (it is a `kms:Get*` action). Output: `KeyId` (the bare key id: the model calls it
//! the key's "globally unique identifier"), `KeyLastUsage` (`{}` when the key was not used
//! since tracking began; else `Operation`, `Timestamp`, `CloudTrailEventId`, `KmsRequestId`),
//! `TrackingStartDate` and `KeyCreationDate`.

use serde::Serialize;

use super::super::last_usage::LastUse;
use super::super::{KmsError, LocalKms};
use super::input::KeyIdInput;
use super::key_op::{KeyRule, read_key};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;

/// GetKeyLastUsage output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyLastUsageOutput {
    key_id: String,
    key_last_usage: KeyLastUsageData,
    tracking_start_date: EpochSeconds,
    key_creation_date: EpochSeconds,
}

/// The model's `KeyLastUsageData`: every member absent when the key was not used.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyLastUsageData {
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<EpochSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cloud_trail_event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kms_request_id: Option<String>,
}

impl From<Option<LastUse>> for KeyLastUsageData {
    fn from(used: Option<LastUse>) -> Self {
        match used {
            None => KeyLastUsageData::default(),
            Some(used) => KeyLastUsageData {
                operation: Some(used.operation),
                timestamp: Some(EpochSeconds(used.at)),
                cloud_trail_event_id: Some(used.event_id),
                kms_request_id: Some(used.request_id),
            },
        }
    }
}

/// Serves GetKeyLastUsage.
pub fn get_key_last_usage(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: KeyIdInput,
) -> Result<GetKeyLastUsageOutput, KmsError> {
    let key_id = input.validate()?;
    read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |key| {
        Ok(GetKeyLastUsageOutput {
            key_id: key.id.clone(),
            key_last_usage: kms.last_usage.last_use(&key.arn).into(),
            tracking_start_date: EpochSeconds(kms.last_usage.tracking_start(key.creation_date)),
            key_creation_date: EpochSeconds(key.creation_date),
        })
    })
}

/// Records that the request `ctx` used the key `key_arn` in a successful `operation` (one of
/// `last_usage::TRACKED_OPERATIONS`). Call it after the operation succeeded, outside the key
/// ring's locks.
pub(super) fn record_use(kms: &LocalKms, ctx: &RequestCtx, key_arn: &str, operation: &'static str) {
    kms.last_usage.record(
        key_arn,
        LastUse {
            operation,
            at: ctx.now,
            request_id: ctx.request_id.clone(),
            event_id: ctx.event_id.clone(),
        },
    );
}
