//! The actions that name no resource (AWS authorizes them on `*`, by identity policies only):
//! Secrets Manager's ListSecrets, GetRandomPassword and BatchGetSecretValue (which also needs
//! `secretsmanager:GetSecretValue` on each secret it reads, checked as it reads them), and
//! KMS's CreateKey, ListKeys, ListAliases, GenerateRandom, ListRetirableGrants and the custom
//! key store operations. The edge checks them before the service is called; every other
//! action is checked by its service once the resource is known.

use crate::api::RequestCtx;
use crate::api::access::{AccessRequest, ResourcePolicy};

const SECRETS_MANAGER: [&str; 3] = ["ListSecrets", "GetRandomPassword", "BatchGetSecretValue"];

const KMS: [&str; 11] = [
    "CreateKey",
    "ListKeys",
    "ListAliases",
    "GenerateRandom",
    "ListRetirableGrants",
    "CreateCustomKeyStore",
    "DescribeCustomKeyStores",
    "ConnectCustomKeyStore",
    "DisconnectCustomKeyStore",
    "DeleteCustomKeyStore",
    "UpdateCustomKeyStore",
];

/// For an action without a resource of the service signing as `service`: whether the caller
/// may perform it (`Err` holds AWS's text). `None` for an action the service checks itself.
pub fn authorize_without_resource(ctx: &RequestCtx, service: &str) -> Option<Result<(), String>> {
    let operation = ctx.access.operation;
    let listed = match service {
        "secretsmanager" => SECRETS_MANAGER.contains(&operation),
        "kms" => KMS.contains(&operation),
        _ => false,
    };
    if !listed {
        return None;
    }
    let request = AccessRequest {
        action: ctx.action(service),
        resource: "*",
        resource_account: ctx.account(),
        shown_resource: "*",
        policy: ResourcePolicy::None,
        resource_keys: Vec::new(),
        granted_by: None,
    };
    Some(ctx.authorize(&request))
}
