//! UpdatePrimaryRegion: makes the replica in `PrimaryRegion` the primary key of its set of
//! multi-Region keys, and the former primary a replica; every key of the set shows the new
//! roles at once (AWS shows both keys `Updating` for a few seconds; here the change is
//! immediate). No output.
//!
//! Refusals after the model's constraints, in this order: the key must be usable
//! (`DisabledException`, `KMSInvalidStateException`, so also not `PendingReplicaDeletion`), a
//! multi-Region primary key (`UnsupportedOperationException`, see `related_op.rs`); the
//! Region must be another one (`UnsupportedOperationException`) holding a replica of the set
//! (`NotFoundException` naming the replica's ARN), and that replica must not be pending
//! deletion (`KMSInvalidStateException`). The texts of the Region refusals are unverified.

use serde::Deserialize;

use super::super::keys::KeyState;
use super::super::{KmsCaller, KmsError, LocalKms, arn};
use super::input::{finish, validate_key_id};
use super::key_op::KeyRule;
use super::related_op::{check_primary, validate_region, write_related_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

/// What UpdatePrimaryRegion requires of the current primary key.
const RULE: KeyRule = KeyRule::usable("kms:UpdatePrimaryRegion");

/// UpdatePrimaryRegion input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdatePrimaryRegionInput {
    key_id: Option<String>,
    primary_region: Option<String>,
}

impl UpdatePrimaryRegionInput {
    fn validate(self) -> Result<(String, String), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        validate_region(&mut v, "PrimaryRegion", self.primary_region.as_ref());
        finish(v, (self.key_id, self.primary_region))
    }
}

/// Serves UpdatePrimaryRegion.
pub fn update_primary_region(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: UpdatePrimaryRegionInput,
) -> Result<(), KmsError> {
    let (key_id, region) = input.validate()?;
    let caller = KmsCaller::from(ctx);
    write_related_key(kms, ctx, &key_id, RULE, None, |id, related| {
        let primary = related.key(caller.region, id).ok_or(KmsError::Internal)?;
        check_primary(primary, caller.region)?;
        if region == caller.region {
            return Err(KmsError::UnsupportedOperation(format!(
                "{} is already the primary key in {region}.",
                primary.arn
            )));
        }
        let replica = related.key(&region, id).ok_or_else(|| {
            KmsError::NotFound(format!(
                "Key '{}' does not exist",
                arn::key_arn(&region, caller.account, id)
            ))
        })?;
        if replica.state == KeyState::PendingDeletion {
            return Err(KmsError::pending_deletion(&replica.arn));
        }
        for key in related.keys_mut(id) {
            if let Some(mr) = key.multi_region.as_mut() {
                mr.primary_region = region.clone();
            }
        }
        related.touch(id, caller.now);
        Ok(())
    })
}
