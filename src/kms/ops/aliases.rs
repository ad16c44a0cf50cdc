//! CreateAlias, UpdateAlias and DeleteAlias.
//!
//! Alias names follow the model (1-256, `^[a-zA-Z0-9:/_-]+$`), then KMS's own rules: the
//! `alias/` prefix is required (ValidationException with the text recorded against AWS), and
//! the `alias/aws/` prefix is reserved for AWS managed keys: `NotAuthorizedException` with no
//! message, as moto and local-kms answer (AWS's answer is not recorded) [I]. Targets are key
//! ids or key ARNs only; an AWS managed key cannot be a target (AccessDenied) and neither can
//! a key pending deletion (`KMSInvalidStateException`). Aliases carry their creation and
//! last-update dates for ListAliases.

use serde::Deserialize;

use super::super::keys::Alias;
use super::super::local::{Accepts, alias_arn, alias_not_found};
use super::super::{KmsCaller, KmsError, LocalKms};
use super::{gone, refuse_aws_managed};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// CreateAlias / UpdateAlias input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasTargetInput {
    alias_name: Option<String>,
    target_key_id: Option<String>,
}

/// DeleteAlias input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAliasInput {
    alias_name: Option<String>,
}

/// Adds the model's `AliasNameType` constraints (1-256, `^[a-zA-Z0-9:/_-]+$`).
pub(super) fn validate_alias_name(v: &mut Validator, name: Option<&String>) {
    let name = name.map(String::as_str);
    v.length("AliasName", name, 1, 256, Echo::Value);
    v.pattern("AliasName", name, "^[a-zA-Z0-9:/_-]+$", |name| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '_' | '-'))
    });
}

/// KMS's rules for alias names beyond the model: the `alias/` prefix, and `alias/aws/`
/// reserved for AWS.
fn check_alias_name(name: &str) -> Result<(), KmsError> {
    if !name.starts_with("alias/") {
        return Err(KmsError::Validation(
            "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html".into(),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Err(KmsError::NotAuthorized);
    }
    Ok(())
}

fn validate_target(input: &AliasTargetInput) -> Result<(), KmsError> {
    let mut v = Validator::new();
    v.required("AliasName", input.alias_name.as_ref());
    validate_alias_name(&mut v, input.alias_name.as_ref());
    v.required("TargetKeyId", input.target_key_id.as_ref());
    v.length(
        "TargetKeyId",
        input.target_key_id.as_deref(),
        1,
        2048,
        Echo::Value,
    );
    v.finish()?;
    check_alias_name(input.alias_name.as_deref().unwrap_or_default())
}

/// Serves CreateAlias.
pub fn create_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: AliasTargetInput,
) -> Result<(), KmsError> {
    validate_target(&input)?;
    let name = input.alias_name.unwrap_or_default();
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let target = input.target_key_id.as_deref().unwrap_or_default();
    let id = kms.resolve(caller, &ring, target, Accepts::KeyOnly)?;
    kms.write_ring(caller, &ring, |aliases, keys| {
        let key = keys.get(&id).ok_or_else(|| gone(caller, &id))?;
        refuse_aws_managed(ctx, key, "CreateAlias")?;
        key.check_not_pending_deletion()?;
        if aliases.contains_key(&name) {
            return Err(KmsError::AlreadyExists(format!(
                "An alias with the name {} already exists",
                alias_arn(caller, &name)
            )));
        }
        aliases.insert(name, Alias::new(id, caller.now));
        Ok(())
    })
}

/// Serves UpdateAlias: points an existing alias at another key. Works whatever the state of
/// the old target; the new one must not be pending deletion (reference §2.2 note [10]).
pub fn update_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: AliasTargetInput,
) -> Result<(), KmsError> {
    validate_target(&input)?;
    let name = input.alias_name.unwrap_or_default();
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let target = input.target_key_id.as_deref().unwrap_or_default();
    if !ring.aliases.read().contains_key(&name) {
        return Err(alias_not_found(caller, &name));
    }
    let id = kms.resolve(caller, &ring, target, Accepts::KeyOnly)?;
    kms.write_ring(caller, &ring, |aliases, keys| {
        let key = keys.get(&id).ok_or_else(|| gone(caller, &id))?;
        refuse_aws_managed(ctx, key, "UpdateAlias")?;
        key.check_not_pending_deletion()?;
        let alias = aliases
            .get_mut(&name)
            .ok_or_else(|| alias_not_found(caller, &name))?;
        alias.key_id = id;
        alias.last_updated_date = caller.now;
        Ok(())
    })
}

/// Serves DeleteAlias.
pub fn delete_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DeleteAliasInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    v.required("AliasName", input.alias_name.as_ref());
    validate_alias_name(&mut v, input.alias_name.as_ref());
    v.finish()?;
    let name = input.alias_name.unwrap_or_default();
    check_alias_name(&name)?;
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    kms.write_ring(caller, &ring, |aliases, _| {
        aliases
            .remove(&name)
            .map(|_| ())
            .ok_or_else(|| alias_not_found(caller, &name))
    })
}
