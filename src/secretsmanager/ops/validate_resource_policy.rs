//! ValidateResourcePolicy: checks a policy document without storing it and reports every
//! finding as `{CheckName, ErrorMessage}`; `ValidationErrors` is `[]` when the policy passes.
//!
//! Findings: structure/JSON syntax (reported, not thrown), a missing `Version`, Secrets
//! Manager actions that do not exist, and broad (public) access. A `SecretId`, when given,
//! must name an existing secret in the caller's partition.

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::access::authorize_without_secret;
use super::super::error::SmError;
use super::super::policy::{self, Finding};
use super::resource_policy::validate_policy_length;
use super::validation::require;
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// ValidateResourcePolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateResourcePolicyInput {
    secret_id: Option<String>,
    resource_policy: Option<String>,
}

/// ValidateResourcePolicy output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateResourcePolicyOutput {
    policy_validation_passed: bool,
    validation_errors: Vec<ValidationErrorsEntry>,
}

/// One finding on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationErrorsEntry {
    check_name: String,
    error_message: String,
}

/// Serves ValidateResourcePolicy.
pub fn validate_resource_policy(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: ValidateResourcePolicyInput,
) -> Result<ValidateResourcePolicyOutput, SmError> {
    let mut v = Validator::new();
    v.length("SecretId", input.secret_id.as_deref(), 1, 2048, Echo::Value);
    let document = require(&mut v, "ResourcePolicy", input.resource_policy);
    validate_policy_length(&mut v, document.as_ref());
    v.finish()?;
    let document = document.take()?;
    match input.secret_id.as_deref() {
        Some(secret_id) => sm.read_secret(ctx, secret_id, |_| Ok(()))?,
        None => authorize_without_secret(ctx, None)?,
    }
    let findings: Vec<Finding> = match policy::parse(&document) {
        Ok(parsed) => parsed.findings(),
        Err(finding) => vec![finding],
    };
    Ok(ValidateResourcePolicyOutput {
        policy_validation_passed: findings.is_empty(),
        validation_errors: findings
            .into_iter()
            .map(|finding| ValidationErrorsEntry {
                check_name: finding.check.to_owned(),
                error_message: finding.message,
            })
            .collect(),
    })
}
