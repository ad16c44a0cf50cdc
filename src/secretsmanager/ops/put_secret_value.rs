//! PutSecretValue: stores a new value as a new version of an existing secret.
//!
//! Labels follow the rules in [`labels`](super::super::labels) (rule 1 without
//! `VersionStages`, rule 2 with them, rule 3 for the first value of a value-less secret); the
//! token is idempotent as [`new_version::replay`] describes (replay = no-op, other value =
//! `ResourceExistsException`, a rotation placeholder's token fills it). The value is sealed
//! with no lock held, under the secret's KMS key.

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::value::{self, SecretValue};
use super::new_version::{self, Existing, Replay};
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::{SecretBlob, SecretText};
use crate::api::validate::{Echo, Validator};

/// PutSecretValue input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutSecretValueInput {
    pub secret_id: Option<String>,
    pub client_request_token: Option<String>,
    pub secret_binary: Option<SecretBlob>,
    pub secret_string: Option<SecretText>,
    pub version_stages: Option<Vec<String>>,
    pub rotation_token: Option<SecretText>,
}

/// PutSecretValue output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutSecretValueOutput {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    pub version_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_stages: Option<Vec<String>>,
}

/// The text for a request with neither value member (moto's wording; AWS's is unrecorded).
const VALUE_REQUIRED: &str = "You must provide either SecretString or SecretBinary.";

/// Serves PutSecretValue.
pub fn put_secret_value(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    mut input: PutSecretValueInput,
) -> Result<PutSecretValueOutput, SmError> {
    let secret_id = validate(&mut input)?;
    let secret_id = secret_id.as_str();
    let value = SecretValue::from_members(input.secret_string, input.secret_binary)?
        .ok_or_else(|| SmError::InvalidRequest(VALUE_REQUIRED.to_owned()))?;
    let token = input
        .client_request_token
        .ok_or_else(new_version::token_required)?;
    let stages = input.version_stages;

    let (arn, name, key_id, existing) = sm.read_secret(ctx, secret_id, |secret| {
        secret.ensure_not_deleted()?;
        Ok((
            secret.arn.clone(),
            secret.name.clone(),
            secret.kms_key_id.clone(),
            Existing::find(secret, &token),
        ))
    })?;
    if let Replay::Same(stages) =
        new_version::replay(sm, ctx, &arn, &token, existing.as_ref(), &value)?
    {
        return Ok(output(arn, name, token, stages));
    }
    let sealed = value::seal(&sm.kms, ctx, key_id.as_deref(), &arn, &token, &value)?;
    let stages = sm.write_secret(ctx, secret_id, |secret| {
        new_version::recheck(secret, &arn)?;
        new_version::commit(secret, &token, sealed, stages.as_deref(), ctx.now)
    })?;
    Ok(output(arn, name, token, stages))
}

fn output(
    arn: String,
    name: String,
    version_id: String,
    stages: Vec<String>,
) -> PutSecretValueOutput {
    PutSecretValueOutput {
        arn,
        name,
        version_id,
        // A replayed token of a version that has since lost its labels has none to report.
        version_stages: (!stages.is_empty()).then_some(stages),
    }
}

/// Checks `input` against the model and takes its `SecretId` out.
fn validate(input: &mut PutSecretValueInput) -> Result<String, SmError> {
    let mut v = Validator::new();
    let secret_id = validation::secret_id(&mut v, input.secret_id.take());
    validation::token(&mut v, input.client_request_token.as_deref());
    new_version::validate_value(
        &mut v,
        input.secret_string.as_ref(),
        input.secret_binary.as_ref(),
    );
    validate_version_stages(&mut v, input.version_stages.as_deref());
    let rotation_token = input.rotation_token.as_ref().map(|t| t.0.as_str());
    v.length("RotationToken", rotation_token, 36, 256, Echo::Redact);
    v.sensitive_pattern(
        "RotationToken",
        rotation_token,
        r"^[a-zA-Z0-9\-]+$",
        |token| {
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        },
    );
    v.finish()?;
    secret_id.take()
}

/// The model's `SecretVersionStagesType`: 1-20 labels of 1-256 characters each.
pub fn validate_version_stages(v: &mut Validator, stages: Option<&[String]>) {
    v.string_list_length("VersionStages", stages, 1, 20);
    v.member_lengths("VersionStages", stages, 1, 256);
}
