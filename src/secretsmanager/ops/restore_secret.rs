//! RestoreSecret: cancels a scheduled deletion; the secret, its versions and labels are usable
//! again at once.

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::SmError;
use super::validation;
use crate::api::ctx::RequestCtx;

/// RestoreSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreSecretInput {
    secret_id: Option<String>,
}

/// RestoreSecret output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreSecretOutput {
    #[serde(rename = "ARN")]
    arn: String,
    name: String,
}

/// Serves RestoreSecret.
pub fn restore_secret(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: RestoreSecretInput,
) -> Result<RestoreSecretOutput, SmError> {
    let secret_id = validation::only_secret_id(input.secret_id)?;
    sm.write_secret(ctx, &secret_id, |secret| {
        // Decision (unverified on AWS; peers agree): restoring a secret that is not scheduled
        // for deletion is a successful no-op.
        secret.restore();
        Ok(RestoreSecretOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    })
}
