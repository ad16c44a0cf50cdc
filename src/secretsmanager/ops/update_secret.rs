//! UpdateSecret: changes a secret's description, KMS key, type and/or value.
//!
//! A value makes a new version (rule 1: it becomes AWSCURRENT) and only then is `VersionId`
//! returned; a Description-, KmsKeyId- or Type-only update creates no version even though
//! SDKs always send a ClientRequestToken. `Description: ""` clears the description.
//! `KmsKeyId` is resolved through the KeyService (`""` or `alias/aws/secretsmanager` = the
//! AWS managed key); new versions use the new key and the versions labelled AWSCURRENT,
//! AWSPENDING and AWSPREVIOUS are re-encrypted under it with their version ids unchanged.
//! Every supplied member counts as a change and moves `LastChangedDate`.

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::labels::{AWSPENDING, AWSPREVIOUS};
use super::super::secret::{AWSCURRENT, SealedValue, Secret};
use super::super::value::{self, SecretValue};
use super::new_version::{self, Existing, Replay};
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::{SecretBlob, SecretText};
use crate::api::validate::Validator;
use crate::kms::SECRETS_MANAGER_ALIAS;

/// UpdateSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecretInput {
    pub secret_id: Option<String>,
    pub client_request_token: Option<String>,
    pub description: Option<String>,
    pub kms_key_id: Option<String>,
    pub secret_binary: Option<SecretBlob>,
    pub secret_string: Option<SecretText>,
    #[serde(rename = "Type")]
    pub secret_type: Option<String>,
}

/// UpdateSecret output: `VersionId` only when a version was written.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecretOutput {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// The labels whose versions follow the secret to a new KMS key.
const RE_ENCRYPTED_LABELS: [&str; 3] = [AWSCURRENT, AWSPENDING, AWSPREVIOUS];

/// What the first (shared-lock) look at the secret saw.
struct Snapshot {
    arn: String,
    name: String,
    key_id: Option<String>,
    existing: Option<Existing>,
    labelled: Vec<(String, SealedValue)>,
}

/// A labelled version's value sealed again under the new key.
struct Resealed {
    version_id: String,
    old_ciphertext: Vec<u8>,
    sealed: SealedValue,
}

/// Serves UpdateSecret.
pub fn update_secret(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    mut input: UpdateSecretInput,
) -> Result<UpdateSecretOutput, SmError> {
    let secret_id = validate(&mut input)?;
    let secret_id = secret_id.as_str();
    let value = SecretValue::from_members(input.secret_string, input.secret_binary)?;
    let token = match (&value, input.client_request_token) {
        (Some(_), None) => return Err(new_version::token_required()),
        (Some(_), Some(token)) => Some(token),
        (None, _) => None,
    };
    // Some(None): back to the AWS managed key.
    let new_key: Option<Option<String>> = input
        .kms_key_id
        .map(|id| (!id.is_empty() && id != SECRETS_MANAGER_ALIAS).then_some(id));

    let snapshot = sm.read_secret(ctx, secret_id, |secret| {
        secret.ensure_not_deleted()?;
        Ok(snapshot(secret, token.as_deref(), new_key.is_some()))
    })?;
    let arn = snapshot.arn.clone();
    if let (Some(value), Some(token)) = (&value, &token) {
        let existing = snapshot.existing.as_ref();
        if let Replay::Same(_) = new_version::replay(sm, ctx, &arn, token, existing, value)? {
            return Ok(output(snapshot, Some(token.clone())));
        }
    }

    let resealed = match &new_key {
        Some(key_id) => re_encrypt(sm, ctx, &snapshot, key_id.as_deref())?,
        None => Vec::new(),
    };
    let key_id = new_key.clone().unwrap_or_else(|| snapshot.key_id.clone());
    let sealed = match (&value, &token) {
        (Some(value), Some(token)) => Some(value::seal(
            &sm.kms,
            ctx,
            key_id.as_deref(),
            &arn,
            token,
            value,
        )?),
        _ => None,
    };

    let (description, secret_type) = (input.description, input.secret_type);
    let changes = sealed.is_some() || new_key.is_some();
    let changes = changes || description.is_some() || secret_type.is_some();
    sm.write_secret(ctx, secret_id, |secret| {
        new_version::recheck(secret, &arn)?;
        if let (Some(sealed), Some(token)) = (sealed, &token) {
            new_version::commit(secret, token, sealed, None, ctx.now)?;
        }
        if let Some(description) = description {
            secret.description = (!description.is_empty()).then_some(description);
        }
        if let Some(secret_type) = secret_type {
            secret.secret_type = (!secret_type.is_empty()).then_some(secret_type);
        }
        if let Some(key_id) = new_key {
            secret.kms_key_id = key_id;
        }
        for resealed in resealed {
            let version = secret
                .versions
                .iter_mut()
                .find(|v| v.id == resealed.version_id);
            if let Some(version) = version {
                // Skip a version whose value changed meanwhile (a placeholder filled).
                if version
                    .value
                    .as_ref()
                    .is_some_and(|v| v.ciphertext == resealed.old_ciphertext)
                {
                    version.value = Some(resealed.sealed);
                }
            }
        }
        if changes {
            secret.record_change(ctx.now);
        }
        Ok(())
    })?;
    let version_id = token.filter(|_| value.is_some());
    Ok(output(snapshot, version_id))
}

fn snapshot(secret: &Secret, token: Option<&str>, key_changes: bool) -> Snapshot {
    let labelled = if key_changes {
        secret
            .versions
            .iter()
            .filter(|v| {
                RE_ENCRYPTED_LABELS
                    .iter()
                    .any(|l| v.stages.iter().any(|s| s == l))
            })
            .filter_map(|v| v.value.clone().map(|sealed| (v.id.clone(), sealed)))
            .collect()
    } else {
        Vec::new()
    };
    Snapshot {
        arn: secret.arn.clone(),
        name: secret.name.clone(),
        key_id: secret.kms_key_id.clone(),
        existing: token.and_then(|token| Existing::find(secret, token)),
        labelled,
    }
}

/// Resolves the new key (an unknown key fails the whole update), then re-seals every
/// labelled version not already under it. As on AWS, a version that cannot be re-encrypted
/// (the caller may not decrypt the old key) is left as it is, without an error.
fn re_encrypt(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    snapshot: &Snapshot,
    key_id: Option<&str>,
) -> Result<Vec<Resealed>, SmError> {
    let key_arn = value::check_key_access(&sm.kms, ctx, key_id, &snapshot.arn)?;
    let kms = &sm.kms;
    let mut resealed = Vec::new();
    for (version_id, old) in &snapshot.labelled {
        if old.key_arn == key_arn {
            continue;
        }
        let sealed = value::open(kms, ctx, &snapshot.arn, version_id, old)
            .and_then(|plain| value::seal(kms, ctx, key_id, &snapshot.arn, version_id, &plain));
        match sealed {
            Ok(sealed) => resealed.push(Resealed {
                version_id: version_id.clone(),
                old_ciphertext: old.ciphertext.clone(),
                sealed,
            }),
            Err(error) => tracing::warn!(
                code = crate::api::error::WireError::code(&error),
                "a secret version was not re-encrypted under the new KMS key"
            ),
        }
    }
    Ok(resealed)
}

fn output(snapshot: Snapshot, version_id: Option<String>) -> UpdateSecretOutput {
    UpdateSecretOutput {
        arn: snapshot.arn,
        name: snapshot.name,
        version_id,
    }
}

/// Checks `input` against the model and takes its `SecretId` out.
fn validate(input: &mut UpdateSecretInput) -> Result<String, SmError> {
    let mut v = Validator::new();
    let secret_id = validation::secret_id(&mut v, input.secret_id.take());
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
    v.finish()?;
    secret_id.take()
}
