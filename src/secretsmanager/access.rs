//! Where Secrets Manager asks whether the caller may act: on a secret once its `SecretId` is
//! resolved (the action `secretsmanager:<Operation>`, the secret's ARN, its resource policy,
//! and the keys `secretsmanager:SecretId`, `aws:ResourceTag/*`, `secretsmanager:ResourceTag/*`),
//! and on a secret about to be created (its future ARN, no policy yet; with `Tags`, also
//! `secretsmanager:TagResource`). A denial names the resource as the caller wrote the
//! `SecretId`.

use super::error::SmError;
use super::secret::Secret;
use crate::api::RequestCtx;
use crate::api::access::{AccessRequest, ResourceFacts, ResourcePolicy};

/// The action of the request on one secret: BatchGetSecretValue reads each secret with
/// `secretsmanager:GetSecretValue`, as AWS requires.
fn secret_action(ctx: &RequestCtx) -> String {
    match ctx.access.operation {
        "BatchGetSecretValue" => "secretsmanager:GetSecretValue".to_owned(),
        _ => ctx.action("secretsmanager"),
    }
}

/// The account in a secret ARN (`arn:aws:secretsmanager:<region>:<account>:secret:...`).
fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

/// The condition keys of `secret`.
fn secret_keys(secret: &Secret) -> Vec<(String, String)> {
    let mut resource_keys = vec![("secretsmanager:SecretId".to_owned(), secret.arn.clone())];
    for tag in secret.tags.iter().flatten() {
        if let Some(key) = &tag.key {
            let value = tag.value.clone().unwrap_or_default();
            resource_keys.push((format!("aws:ResourceTag/{key}"), value.clone()));
            resource_keys.push((format!("secretsmanager:ResourceTag/{key}"), value));
        }
    }
    resource_keys
}

/// What authorization knows of `secret`, owned (for `explain`).
pub fn secret_facts(secret: &Secret) -> ResourceFacts {
    ResourceFacts {
        arn: secret.arn.clone(),
        account: account_of(&secret.arn).to_owned(),
        is_key: false,
        policy: secret.resource_policy.clone(),
        resource_keys: secret_keys(secret),
        granted_by: None,
    }
}

/// May the caller act on `secret`, which it named `secret_id`?
pub fn authorize_secret(ctx: &RequestCtx, secret: &Secret, secret_id: &str) -> Result<(), SmError> {
    let resource_keys = secret_keys(secret);
    let request = AccessRequest {
        action: secret_action(ctx),
        resource: &secret.arn,
        resource_account: account_of(&secret.arn),
        shown_resource: secret_id,
        policy: ResourcePolicy::Secret(secret.resource_policy.as_deref()),
        resource_keys,
        granted_by: None,
    };
    ctx.authorize(&request).map_err(SmError::AccessDenied)
}

/// May the caller create the secret `name`, which would get the ARN `arn`?
pub fn authorize_new_secret(
    ctx: &RequestCtx,
    arn: &str,
    name: &str,
    tagged: bool,
) -> Result<(), SmError> {
    let mut actions = vec![ctx.action("secretsmanager")];
    if tagged {
        actions.push("secretsmanager:TagResource".to_owned());
    }
    for action in actions {
        let request = AccessRequest {
            action,
            resource: arn,
            resource_account: ctx.account(),
            shown_resource: name,
            policy: ResourcePolicy::Secret(None),
            resource_keys: Vec::new(),
            granted_by: None,
        };
        ctx.authorize(&request).map_err(SmError::AccessDenied)?;
    }
    Ok(())
}

/// May the caller perform this request's action with no secret named (`*`): the
/// ValidateResourcePolicy of a document alone, or the `secretsmanager:ListSecrets` a
/// BatchGetSecretValue by filters also needs (`action` overrides the request's own).
pub fn authorize_without_secret(ctx: &RequestCtx, action: Option<&str>) -> Result<(), SmError> {
    let request = AccessRequest {
        action: action.map_or_else(|| ctx.action("secretsmanager"), str::to_owned),
        resource: "*",
        resource_account: ctx.account(),
        shown_resource: "*",
        policy: ResourcePolicy::None,
        resource_keys: Vec::new(),
        granted_by: None,
    };
    ctx.authorize(&request).map_err(SmError::AccessDenied)
}
