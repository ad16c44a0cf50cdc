//! PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy: one JSON policy document
//! per secret, stored exactly as sent.
//!
//! Put refuses a structurally invalid document (MalformedPolicyDocumentException with AWS's
//! "This policy has invalid syntax.") and, with `BlockPublicPolicy`, a document granting
//! broad access (PublicPolicyException). Put and Delete refuse a secret scheduled for
//! deletion; Get, like DescribeSecret, still answers for it (decision: AWS unverified).

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::{SmError, text};
use super::super::policy;
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// The model's `NonEmptyResourcePolicyType` maximum.
pub const MAX_POLICY_LENGTH: usize = 20_480;

/// PutResourcePolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyInput {
    secret_id: Option<String>,
    resource_policy: Option<String>,
    block_public_policy: Option<bool>,
}

/// Input of GetResourcePolicy and DeleteResourcePolicy.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretIdInput {
    secret_id: Option<String>,
}

/// Output of PutResourcePolicy and DeleteResourcePolicy.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ArnAndName {
    #[serde(rename = "ARN")]
    arn: String,
    name: String,
}

/// GetResourcePolicy output; `ResourcePolicy` is omitted when the secret has none.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetResourcePolicyOutput {
    #[serde(rename = "ARN")]
    arn: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_policy: Option<String>,
}

/// Adds the `ResourcePolicy` length constraint (1-20480); the member is also required.
pub fn validate_policy_length(v: &mut Validator, policy: Option<&String>) {
    let policy = policy.map(String::as_str);
    v.length("ResourcePolicy", policy, 1, MAX_POLICY_LENGTH, Echo::Value);
}

/// Serves PutResourcePolicy.
pub fn put_resource_policy(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: PutResourcePolicyInput,
) -> Result<ArnAndName, SmError> {
    let (secret_id, document) = validation::secret_id_and(
        input.secret_id,
        "ResourcePolicy",
        input.resource_policy,
        validate_policy_length,
    )?;
    let block_public = input.block_public_policy.unwrap_or(false);
    sm.write_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        let parsed = policy::parse(&document).map_err(|_| {
            SmError::MalformedPolicyDocument(text::POLICY_INVALID_SYNTAX.to_owned())
        })?;
        if block_public && parsed.is_public() {
            return Err(SmError::PublicPolicy(text::PUBLIC_POLICY.to_owned()));
        }
        secret.resource_policy = Some(document);
        Ok(ArnAndName {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    })
}

/// Serves GetResourcePolicy.
pub fn get_resource_policy(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: SecretIdInput,
) -> Result<GetResourcePolicyOutput, SmError> {
    let secret_id = validation::only_secret_id(input.secret_id)?;
    sm.read_secret(ctx, &secret_id, |secret| {
        Ok(GetResourcePolicyOutput {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
            resource_policy: secret.resource_policy.clone(),
        })
    })
}

/// Serves DeleteResourcePolicy (a secret without a policy is fine).
pub fn delete_resource_policy(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: SecretIdInput,
) -> Result<ArnAndName, SmError> {
    let secret_id = validation::only_secret_id(input.secret_id)?;
    sm.write_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        secret.resource_policy = None;
        Ok(ArnAndName {
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    })
}
