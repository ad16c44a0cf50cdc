//! Where KMS asks whether the caller may use a key: once the key is resolved, with the action
//! `kms:<Operation>` (ReEncrypt: `kms:ReEncryptFrom` / `kms:ReEncryptTo`), the key ARN as the
//! resource, the key policy (which must allow the caller or delegate to its account), the
//! key's condition keys (`kms:KeySpec`, `kms:KeyUsage`, `kms:KeyOrigin`, `kms:MultiRegion`,
//! `aws:ResourceTag/*`) and the grants on the key: a grant whose grantee is the caller (or the
//! caller's role) and that lists the operation allows it, within its encryption-context
//! constraints. RetireGrant is authorized by the grant itself (its retiring or grantee
//! principal), not by policies. CreateAlias, UpdateAlias and DeleteAlias also need an IAM
//! permission on the alias ARN ([`authorize_alias`]); aliases have no policy of their own.

use super::grants::{Constraints, Grant};
use super::keys::Key;
use super::{EncryptionContext, KmsError};
use crate::api::access::{AccessRequest, ResourceFacts, ResourcePolicy};
use crate::api::{PrincipalKind, RequestCtx};

const CONTEXT_PREFIX: &str = "kms:EncryptionContext:";

/// What authorization knows of `key` for `action` by `ctx`'s caller, owned (for `explain`).
pub fn key_facts(ctx: &RequestCtx, key: &Key, action: &str) -> ResourceFacts {
    let operation = action.strip_prefix("kms:").unwrap_or(action);
    ResourceFacts {
        arn: key.arn.clone(),
        account: key.account.clone(),
        is_key: true,
        policy: Some(key.policy.clone()),
        resource_keys: key_keys(key),
        granted_by: key
            .grants
            .iter()
            .find(|grant| grant_allows(grant, ctx, operation))
            .map(|grant| grant.id.clone()),
    }
}

/// May the caller perform `action` on `key`?
pub fn authorize_key(ctx: &RequestCtx, key: &Key, action: &str) -> Result<(), KmsError> {
    if ctx.access.operation == "RetireGrant" {
        return Ok(());
    }
    let resource_keys = key_keys(key);
    let operation = action.strip_prefix("kms:").unwrap_or(action);
    let granted_by = key
        .grants
        .iter()
        .find(|grant| grant_allows(grant, ctx, operation))
        .map(|grant| grant.id.clone());
    let request = AccessRequest {
        action: action.to_owned(),
        resource: &key.arn,
        resource_account: &key.account,
        shown_resource: &key.arn,
        policy: ResourcePolicy::Key(&key.policy),
        resource_keys,
        granted_by,
    };
    ctx.authorize(&request).map_err(KmsError::AccessDenied)
}

/// The condition keys of `key`.
fn key_keys(key: &Key) -> Vec<(String, String)> {
    let mut resource_keys = vec![
        (
            "kms:KeySpec".to_owned(),
            key.key_type.spec().as_str().to_owned(),
        ),
        (
            "kms:KeyUsage".to_owned(),
            key.key_type.usage().as_str().to_owned(),
        ),
        ("kms:KeyOrigin".to_owned(), key.origin.as_str().to_owned()),
        (
            "kms:MultiRegion".to_owned(),
            key.multi_region.is_some().to_string(),
        ),
    ];
    for (tag_key, tag_value) in &key.tags {
        resource_keys.push((format!("aws:ResourceTag/{tag_key}"), tag_value.clone()));
    }
    resource_keys
}

/// The request's encryption context, as the edge (or Secrets Manager) put it in the keys.
fn request_context(ctx: &RequestCtx) -> EncryptionContext {
    ctx.access
        .request_keys
        .iter()
        .filter_map(|(key, value)| {
            key.strip_prefix(CONTEXT_PREFIX)
                .map(|name| (name.to_owned(), value.clone()))
        })
        .collect()
}

/// Whether `grant` lets the caller perform `operation`.
fn grant_allows(grant: &Grant, ctx: &RequestCtx, operation: &str) -> bool {
    let grantee = &grant.terms.grantee_principal;
    let caller = &ctx.principal;
    let names_caller = *grantee == caller.arn
        || matches!(&caller.kind, PrincipalKind::AssumedRole { role_arn, .. } if role_arn == grantee);
    let lists_operation = grant
        .terms
        .operations
        .iter()
        .any(|listed| listed == operation);
    names_caller
        && lists_operation
        && grant
            .terms
            .constraints
            .as_ref()
            .is_none_or(|constraints| constraints_met(constraints, &request_context(ctx)))
}

fn constraints_met(constraints: &Constraints, context: &EncryptionContext) -> bool {
    let equals = constraints
        .equals
        .as_ref()
        .is_none_or(|wanted| wanted == context);
    let subset = constraints.subset.as_ref().is_none_or(|wanted| {
        wanted
            .iter()
            .all(|(key, value)| context.get(key) == Some(value))
    });
    equals && subset
}

/// The request keys of a call Secrets Manager makes for the caller: its encryption context,
/// and that the call came through Secrets Manager (`aws:CalledVia`, `aws:ViaAWSService`).
pub fn on_behalf_keys(context: &EncryptionContext) -> Vec<(String, String)> {
    const SECRETS_MANAGER: &str = "secretsmanager.amazonaws.com";
    let mut keys = vec![
        ("aws:CalledVia".to_owned(), SECRETS_MANAGER.to_owned()),
        ("aws:CalledViaFirst".to_owned(), SECRETS_MANAGER.to_owned()),
        ("aws:CalledViaLast".to_owned(), SECRETS_MANAGER.to_owned()),
        ("aws:ViaAWSService".to_owned(), "true".to_owned()),
    ];
    for (name, value) in context {
        keys.push(("kms:EncryptionContextKeys".to_owned(), name.clone()));
        keys.push((format!("{CONTEXT_PREFIX}{name}"), value.clone()));
    }
    keys
}

/// May the caller perform `action` (`kms:CreateAlias`, ...) on the alias `alias_arn` of its
/// account? Only identity policies (and the root user) can allow it.
pub fn authorize_alias(ctx: &RequestCtx, alias_arn: &str, action: &str) -> Result<(), KmsError> {
    let request = AccessRequest {
        action: action.to_owned(),
        resource: alias_arn,
        resource_account: ctx.account(),
        shown_resource: alias_arn,
        policy: ResourcePolicy::None,
        resource_keys: Vec::new(),
        granted_by: None,
    };
    ctx.authorize(&request).map_err(KmsError::AccessDenied)
}
