//! GetSecretValue: decrypts one version, chosen by VersionId and/or VersionStage (AWSCURRENT
//! when neither is given), and records the access day on the secret and the version.

use super::super::SecretsManager;
use super::super::error::{SmError, text};
use super::super::model::{GetSecretValueInput, GetSecretValueOutput};
use super::super::secret::{AWSCURRENT, SealedValue, Secret, Version};
use super::super::value::{self, SecretValue};
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::{Echo, Validator};
use time::OffsetDateTime;

/// Serves GetSecretValue.
pub fn get_secret_value(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: GetSecretValueInput,
) -> Result<GetSecretValueOutput, SmError> {
    let mut v = Validator::new();
    let secret_id = validation::secret_id(&mut v, input.secret_id);
    v.length(
        "VersionId",
        input.version_id.as_deref(),
        32,
        64,
        Echo::Value,
    );
    v.length(
        "VersionStage",
        input.version_stage.as_deref(),
        1,
        256,
        Echo::Value,
    );
    v.finish()?;

    read_value(
        sm,
        ctx,
        &secret_id.take()?,
        input.version_id.as_deref(),
        input.version_stage.as_deref(),
    )
}

/// Decrypts the version of `secret_id` that `id` / `stage` select (AWSCURRENT when neither)
/// and records the access day on the secret and the version. Shared by GetSecretValue and
/// BatchGetSecretValue, so both fail (and touch `LastAccessedDate`) identically.
pub(super) fn read_value(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    secret_id: &str,
    id: Option<&str>,
    stage: Option<&str>,
) -> Result<GetSecretValueOutput, SmError> {
    let selected = sm.read_secret(ctx, secret_id, |secret| {
        if secret.deleted.is_some() {
            return Err(SmError::InvalidRequest(
                text::MARKED_FOR_DELETION.to_owned(),
            ));
        }
        let version = select(secret, id, stage)?;
        let sealed = version
            .value
            .clone()
            .ok_or_else(|| not_found_for(id, stage))?;
        Ok(Selected {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            version_id: version.id.clone(),
            stages: version.stages.clone(),
            created: version.created,
            sealed,
            access_is_stale: secret.access_is_stale(&version.id, ctx.now),
        })
    })?;
    let Selected {
        arn,
        name,
        version_id,
        stages,
        created,
        sealed,
        access_is_stale,
    } = selected;
    // Reads stay under the shared lock; only the first read of a day takes the write path,
    // before decrypting, so a value KMS refuses still counts as accessed.
    if access_is_stale {
        sm.record_access(ctx, &name, &arn, &version_id);
    }

    let plaintext = value::open(&sm.kms, ctx, &arn, &version_id, &sealed)?;
    let (secret_string, secret_binary) = match plaintext {
        SecretValue::Text(text) => (Some(text), None),
        SecretValue::Binary(blob) => (None, Some(blob)),
    };
    Ok(GetSecretValueOutput {
        arn,
        name,
        version_id,
        secret_binary,
        secret_string,
        version_stages: stages,
        created_date: EpochSeconds(created),
    })
}

/// What the look under the shared lock copies out of the secret.
struct Selected {
    arn: String,
    name: String,
    version_id: String,
    stages: Vec<String>,
    created: OffsetDateTime,
    sealed: SealedValue,
    /// True when this read moves a last-access day (see [`Secret::access_is_stale`]).
    access_is_stale: bool,
}

/// The version the selectors name, with AWS's errors when they name none.
fn select<'a>(
    secret: &'a Secret,
    version_id: Option<&str>,
    stage: Option<&str>,
) -> Result<&'a Version, SmError> {
    match (version_id, stage) {
        (Some(id), stage) => {
            let version = secret
                .version(id)
                .ok_or_else(|| not_found_for(Some(id), None))?;
            match stage {
                Some(stage) if !version.stages.iter().any(|s| s == stage) => Err(
                    SmError::InvalidRequest(text::STAGE_NOT_ON_VERSION.to_owned()),
                ),
                _ => Ok(version),
            }
        }
        (None, stage) => {
            let stage = stage.unwrap_or(AWSCURRENT);
            secret
                .version_with_stage(stage)
                .ok_or_else(|| not_found_for(None, Some(stage)))
        }
    }
}

fn not_found_for(version_id: Option<&str>, stage: Option<&str>) -> SmError {
    let message = match (version_id, stage) {
        (Some(id), _) => {
            format!("Secrets Manager can't find the specified secret value for VersionId: {id}")
        }
        (None, stage) => format!(
            "Secrets Manager can't find the specified secret value for staging label: {}",
            stage.unwrap_or(AWSCURRENT)
        ),
    };
    SmError::ResourceNotFound(message)
}
