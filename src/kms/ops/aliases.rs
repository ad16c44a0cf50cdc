//! CreateAlias, UpdateAlias and DeleteAlias.
//!
//! Alias names follow the model (1-256, `^[a-zA-Z0-9:/_-]+$`), then KMS's own rules: the
//! `alias/` prefix is required (ValidationException with the text AWS was seen sending), and
//! the `alias/aws/` prefix is reserved for AWS managed keys: `NotAuthorizedException` with no
//! message, as moto and local-kms answer (AWS's answer is not documented). Targets are key ids
//! or key ARNs only; an AWS managed key cannot be a target (AccessDenied) and neither can a key
//! pending deletion (`KMSInvalidStateException`). Aliases carry their creation and last-update
//! dates for ListAliases.

use serde::Deserialize;

use super::super::access::{authorize_alias, authorize_key};
use super::super::keys::Alias;
use super::super::local::alias_not_found;
use super::super::{KmsError, LocalKms};
use super::input::finish;
use super::key_op::{KeyRule, Partition};
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

/// A valid CreateAlias / UpdateAlias request.
struct AliasTarget {
    /// `alias/<name>`.
    name: String,
    /// Key id or key ARN of the target.
    target: String,
}

/// Adds the model's `AliasNameType` constraints (1-256, `^[a-zA-Z0-9:/_-]+$`).
fn validate_alias_name(v: &mut Validator, name: Option<&String>) {
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

impl AliasTargetInput {
    fn validate(self) -> Result<AliasTarget, KmsError> {
        let mut v = Validator::new();
        v.required("AliasName", self.alias_name.as_ref());
        validate_alias_name(&mut v, self.alias_name.as_ref());
        v.required("TargetKeyId", self.target_key_id.as_ref());
        v.length(
            "TargetKeyId",
            self.target_key_id.as_deref(),
            1,
            2048,
            Echo::Value,
        );
        let (name, target) = finish(v, (self.alias_name, self.target_key_id))?;
        check_alias_name(&name)?;
        Ok(AliasTarget { name, target })
    }
}

impl DeleteAliasInput {
    fn validate(self) -> Result<String, KmsError> {
        let mut v = Validator::new();
        v.required("AliasName", self.alias_name.as_ref());
        validate_alias_name(&mut v, self.alias_name.as_ref());
        let name = finish(v, self.alias_name)?;
        check_alias_name(&name)?;
        Ok(name)
    }
}

/// Serves CreateAlias.
pub fn create_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: AliasTargetInput,
) -> Result<(), KmsError> {
    let AliasTarget { name, target } = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let caller = partition.caller();
    authorize_alias(ctx, &caller.alias_arn(&name), "kms:CreateAlias")?;
    partition.write_key_and_aliases(
        &target,
        KeyRule::manage("kms:CreateAlias"),
        |key, aliases| {
            if aliases.contains_key(&name) {
                return Err(KmsError::AlreadyExists(format!(
                    "An alias with the name {} already exists",
                    caller.alias_arn(&name)
                )));
            }
            aliases.insert(name, Alias::new(key.id.clone(), caller.now));
            Ok(())
        },
    )
}

/// Serves UpdateAlias: points an existing alias at another key. Works whatever the state of
/// the old target; the new one must not be pending deletion.
pub fn update_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: AliasTargetInput,
) -> Result<(), KmsError> {
    let AliasTarget { name, target } = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let caller = partition.caller();
    authorize_alias(ctx, &caller.alias_arn(&name), "kms:UpdateAlias")?;
    if !partition.ring().aliases().contains_key(&name) {
        return Err(alias_not_found(caller, &name));
    }
    partition.write_key_and_aliases(
        &target,
        KeyRule::manage("kms:UpdateAlias"),
        |key, aliases| {
            let alias = aliases
                .get_mut(&name)
                .ok_or_else(|| alias_not_found(caller, &name))?;
            alias.key_id = key.id.clone();
            alias.last_updated_date = caller.now;
            Ok(())
        },
    )
}

/// Serves DeleteAlias.
pub fn delete_alias(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DeleteAliasInput,
) -> Result<(), KmsError> {
    let name = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let caller = partition.caller();
    authorize_alias(ctx, &caller.alias_arn(&name), "kms:DeleteAlias")?;
    partition.write(|aliases, keys| {
        // The key the alias points at must let the caller delete its alias too.
        let target = aliases
            .get(&name)
            .ok_or_else(|| alias_not_found(caller, &name))?;
        if let Some(key) = keys.get(&target.key_id) {
            authorize_key(ctx, key, "kms:DeleteAlias")?;
        }
        aliases
            .remove(&name)
            .map(|_| ())
            .ok_or_else(|| alias_not_found(caller, &name))
    })
}
