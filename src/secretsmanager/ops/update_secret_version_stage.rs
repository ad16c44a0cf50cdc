//! UpdateSecretVersionStage: moves a staging label between versions, or removes it
//! (rules 4-6 of [`labels`], which decides and words the errors).
//! Answers only `ARN` and `Name`, as AWS does.

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::labels;
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::validate::Echo;

/// UpdateSecretVersionStage input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecretVersionStageInput {
    pub secret_id: Option<String>,
    pub version_stage: Option<String>,
    pub remove_from_version_id: Option<String>,
    pub move_to_version_id: Option<String>,
}

/// UpdateSecretVersionStage output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecretVersionStageOutput {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
}

/// Serves UpdateSecretVersionStage.
pub fn update_secret_version_stage(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: UpdateSecretVersionStageInput,
) -> Result<UpdateSecretVersionStageOutput, SmError> {
    let (remove_from, move_to) = (input.remove_from_version_id, input.move_to_version_id);
    let (secret_id, label) = validation::secret_id_and(
        input.secret_id,
        "VersionStage",
        input.version_stage,
        |v, label| {
            v.length(
                "VersionStage",
                label.map(String::as_str),
                1,
                256,
                Echo::Value,
            );
            for (member, id) in [
                ("RemoveFromVersionId", &remove_from),
                ("MoveToVersionId", &move_to),
            ] {
                v.length(member, id.as_deref(), 32, 64, Echo::Value);
            }
        },
    )?;

    sm.write_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        labels::update_stage(
            &mut secret.versions,
            &label,
            remove_from.as_deref(),
            move_to.as_deref(),
        )?;
        secret.record_change(ctx.now);
        Ok(UpdateSecretVersionStageOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    })
}
