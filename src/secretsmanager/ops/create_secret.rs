//! CreateSecret: a new secret, optionally with a first version labelled AWSCURRENT.
//!
//! Idempotency: replaying the same ClientRequestToken with the same value returns the original
//! response; the same token with another value, or an existing name with any other token, is
//! `ResourceExistsException`. A name scheduled for deletion cannot be reused until it is gone.

use super::super::SecretsManager;
use super::super::access::{authorize_new_secret, authorize_secret};
use super::super::error::{SmError, text};
use super::super::model::{CreateSecretInput, CreateSecretOutput, Tag};
use super::super::names::{is_valid_name, new_arn};
use super::super::secret::{AWSCURRENT, AccessDay, Secret, Version};
use super::super::tags;
use super::super::value::{self, SecretValue};
use super::new_version::{self, token_in_use, token_required};
use super::validation::{self, require};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};
use crate::kms::SECRETS_MANAGER_ALIAS;

/// Serves CreateSecret.
pub fn create_secret(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    mut input: CreateSecretInput,
) -> Result<CreateSecretOutput, SmError> {
    let name = validate(&mut input)?;
    if !is_valid_name(&name) {
        return Err(SmError::invalid_name());
    }
    if input.add_replica_regions.is_some() {
        return Err(SmError::InvalidRequest(
            "Lockbox does not emulate multi-Region replication; create the secret without AddReplicaRegions.".into(),
        ));
    }
    let tags = input.tags.map(check_tags).transpose()?;
    let value = SecretValue::from_members(input.secret_string, input.secret_binary)?;
    let token = input.client_request_token;
    if value.is_some() && token.is_none() {
        return Err(token_required());
    }

    let table = sm.table(ctx);
    // A copy, so the replay decrypts with no lock held.
    let existing = table.read().get(&name).cloned();
    if let Some(existing) = existing {
        authorize_secret(ctx, &existing, &name)?;
        return replay(sm, ctx, &existing, token.as_deref(), value.as_ref());
    }

    let kms_key_id = input
        .kms_key_id
        .filter(|id| !id.is_empty() && id != SECRETS_MANAGER_ALIAS);
    let arn = new_arn(ctx, &name);
    authorize_new_secret(
        ctx,
        &arn,
        &name,
        tags.as_ref().is_some_and(|t| !t.is_empty()),
    )?;
    if kms_key_id.is_some() {
        value::check_key_access(&sm.kms, ctx, kms_key_id.as_deref(), &arn)?;
    }
    let version = match (&value, &token) {
        (Some(value), Some(token)) => Some(new_version(
            sm,
            ctx,
            kms_key_id.as_deref(),
            &arn,
            token,
            value,
        )?),
        _ => None,
    };
    let version_id = version.as_ref().map(|v| v.id.clone());
    let secret = Secret {
        description: input.description.filter(|d| !d.is_empty()),
        kms_key_id,
        secret_type: input.secret_type.filter(|t| !t.is_empty()),
        tags,
        versions: version.into_iter().collect(),
        ..Secret::new(name.clone(), arn.clone(), ctx.now)
    };

    sm.write_table(ctx, |secrets| {
        if secrets.contains_key(&name) {
            // Another request created the name while we were encrypting.
            return Err(already_exists(&name));
        }
        secrets.insert(secret);
        Ok(())
    })?;
    Ok(CreateSecretOutput {
        arn,
        name,
        version_id,
    })
}

/// Checks `input` against the model and takes its `Name` out.
fn validate(input: &mut CreateSecretInput) -> Result<String, SmError> {
    let mut v = Validator::new();
    let name = require(&mut v, "Name", input.name.take());
    v.length("Name", name.as_deref(), 1, 512, Echo::Value);
    validation::token(&mut v, input.client_request_token.as_deref());
    validation::metadata(
        &mut v,
        input.description.as_deref(),
        input.kms_key_id.as_deref(),
        input.secret_type.as_deref(),
    );
    new_version::validate_value(
        &mut v,
        input.secret_string.as_ref(),
        input.secret_binary.as_ref(),
    );
    v.list_length(
        "AddReplicaRegions",
        input.add_replica_regions.as_deref(),
        1,
        usize::MAX,
    );
    for (index, replica) in input.add_replica_regions.iter().flatten().enumerate() {
        let at = index + 1;
        let region = replica.region.as_deref();
        v.length(
            &format!("AddReplicaRegions.{at}.member.Region"),
            region,
            1,
            128,
            Echo::Value,
        );
        v.pattern(
            &format!("AddReplicaRegions.{at}.member.Region"),
            region,
            r"^([a-z]+-)+\d+$",
            is_region_name,
        );
        v.length(
            &format!("AddReplicaRegions.{at}.member.KmsKeyId"),
            replica.kms_key_id.as_deref(),
            0,
            2048,
            Echo::Value,
        );
    }
    tags::validate_tags(&mut v, "Tags", input.tags.as_deref());
    v.finish()?;
    name.take()
}

/// The model's region pattern `^([a-z]+-)+\d+$`.
fn is_region_name(value: &str) -> bool {
    let mut parts = value.split('-').collect::<Vec<_>>();
    let Some(number) = parts.pop() else {
        return false;
    };
    !parts.is_empty()
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Enforces the tag rules the model does not express: count and the reserved `aws:` prefix.
fn check_tags(tags: Vec<Tag>) -> Result<Vec<Tag>, SmError> {
    tags::check_count(tags.len())?;
    tags::check_keys_present(&tags)?;
    tags::check_not_reserved(tags.iter().filter_map(|tag| tag.key.as_deref()))?;
    Ok(tags)
}

fn new_version(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    key_id: Option<&str>,
    arn: &str,
    token: &str,
    value: &SecretValue,
) -> Result<Version, SmError> {
    let sealed = value::seal(&sm.kms, ctx, key_id, arn, token, value)?;
    Ok(Version {
        id: token.to_owned(),
        stages: vec![AWSCURRENT.to_owned()],
        created: ctx.now,
        last_accessed: AccessDay::default(),
        value: Some(sealed),
    })
}

/// The name exists: succeed only for a replay of the same token and value.
fn replay(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    existing: &Secret,
    token: Option<&str>,
    value: Option<&SecretValue>,
) -> Result<CreateSecretOutput, SmError> {
    if existing.deleted.is_some() {
        return Err(SmError::InvalidRequest(
            text::NAME_SCHEDULED_FOR_DELETION.to_owned(),
        ));
    }
    let (Some(token), Some(value)) = (token, value) else {
        return Err(already_exists(&existing.name));
    };
    let Some(version) = existing.version(token) else {
        return Err(already_exists(&existing.name));
    };
    let same = match &version.value {
        Some(sealed) => {
            value::open(&sm.kms, ctx, &existing.arn, &version.id, sealed)?.same_as(value)
        }
        None => false,
    };
    if !same {
        return Err(token_in_use(token, &existing.arn));
    }
    Ok(CreateSecretOutput {
        arn: existing.arn.clone(),
        name: existing.name.clone(),
        version_id: Some(version.id.clone()),
    })
}

fn already_exists(name: &str) -> SmError {
    SmError::ResourceExists(format!(
        "The operation failed because the secret {name} already exists."
    ))
}

#[cfg(test)]
mod tests {
    use super::is_region_name;

    #[test]
    fn region_pattern_matches_the_model() {
        for ok in ["us-east-1", "ap-southeast-2", "us-gov-west-1", "a-1"] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "",
            "us",
            "US-east-1",
            "us-east-",
            "-1",
            "us--1",
            "us-east-1a",
            "NOT_VALID!",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }
}
