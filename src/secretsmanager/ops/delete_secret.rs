//! DeleteSecret: schedules a secret for deletion after a 7-30 day recovery window (default 30),
//! or removes it at once with ForceDeleteWithoutRecovery.
//!
//! While scheduled the secret keeps its name: DescribeSecret shows `DeletedDate` (the time of
//! this request) and everything but RestoreSecret and a forced delete is refused. The purge
//! (`SecretTable::purge_due`) removes it once `DeletionDate` has passed.

use serde::{Deserialize, Serialize};
use time::Duration;

use super::super::SecretsManager;
use super::super::access::authorize_secret;
use super::super::error::{SmError, text};
use super::super::names::{self, check_secret_id, new_arn};
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;

/// The recovery window when the caller gives none.
const DEFAULT_WINDOW_DAYS: i64 = 30;
/// The accepted recovery windows, in days.
const WINDOW_DAYS: std::ops::RangeInclusive<i64> = 7..=30;

/// DeleteSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteSecretInput {
    secret_id: Option<String>,
    recovery_window_in_days: Option<i64>,
    force_delete_without_recovery: Option<bool>,
}

/// DeleteSecret output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteSecretOutput {
    #[serde(rename = "ARN")]
    arn: String,
    name: String,
    deletion_date: EpochSeconds,
}

/// Serves DeleteSecret.
pub fn delete_secret(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: DeleteSecretInput,
) -> Result<DeleteSecretOutput, SmError> {
    let secret_id = validation::only_secret_id(input.secret_id)?;
    // Invalid name characters are a ValidationException even with ForceDeleteWithoutRecovery.
    check_secret_id(&secret_id)?;

    // Decision (AWS text unverified): `ForceDeleteWithoutRecovery: false` with a window is
    // accepted, as only a forced delete conflicts with a window; the conflict is reported
    // before the window's range.
    let force = input.force_delete_without_recovery == Some(true);
    if force && input.recovery_window_in_days.is_some() {
        return Err(SmError::InvalidParameter(
            text::FORCE_WITH_WINDOW.to_owned(),
        ));
    }
    let days = input.recovery_window_in_days.unwrap_or(DEFAULT_WINDOW_DAYS);
    if !WINDOW_DAYS.contains(&days) {
        return Err(SmError::InvalidParameter(text::WINDOW_RANGE.to_owned()));
    }
    if ctx.now.checked_add(Duration::days(days)).is_none() {
        return Err(SmError::InvalidParameter(
            "the deletion date would be past the latest representable time".to_owned(),
        ));
    }

    sm.write_table_of(ctx, names::owner_account(ctx, &secret_id), |secrets| {
        let name = match names::resolve_name(secrets, ctx, &secret_id) {
            Ok(name) => name.to_owned(),
            // AWS: forcibly deleting a nonexistent secret is not a ResourceNotFoundException.
            Err(SmError::ResourceNotFound(_)) if force => {
                return Ok(never_existed(ctx, &secret_id));
            }
            Err(error) => return Err(error),
        };
        if let Some(secret) = secrets.get(&name) {
            authorize_secret(ctx, secret, &secret_id)?;
        }
        if force {
            let removed = secrets
                .remove(&name)
                .ok_or_else(SmError::secret_not_found)?;
            return Ok(DeleteSecretOutput {
                arn: removed.arn,
                name: removed.name,
                deletion_date: EpochSeconds(ctx.now),
            });
        }
        let secret = secrets
            .get_mut(&name)
            .ok_or_else(SmError::secret_not_found)?;
        if secret.deleted.is_some() {
            // Decision (unverified on AWS; every peer emulator agrees): scheduling twice is
            // refused rather than moving the deletion date.
            return Err(SmError::InvalidRequest(text::ALREADY_SCHEDULED.to_owned()));
        }
        // The write section notes the deletion date for the purge.
        let deletion_date = secret.schedule_deletion(ctx.now, Duration::days(days));
        Ok(DeleteSecretOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            deletion_date: EpochSeconds(deletion_date),
        })
    })
}

/// The answer to a forced delete of a secret that does not exist: the ARN as given (or a fresh
/// one for a name), the name, and "now" as the deletion date.
fn never_existed(ctx: &RequestCtx, secret_id: &str) -> DeleteSecretOutput {
    let (arn, name) = match names::name_from_arn(secret_id) {
        Some(name) if secret_id.starts_with("arn:") => (secret_id.to_owned(), name.to_owned()),
        _ => (new_arn(ctx, secret_id), secret_id.to_owned()),
    };
    DeleteSecretOutput {
        arn,
        name,
        deletion_date: EpochSeconds(ctx.now),
    }
}
