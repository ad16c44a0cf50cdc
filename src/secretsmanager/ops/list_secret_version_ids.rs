//! ListSecretVersionIds: a secret's versions, oldest first, paginated.
//!
//! Deprecated versions (no labels) appear only with `IncludeDeprecated`, and then without a
//! `VersionStages` key. `KmsKeyIds` is `["DefaultEncryptionKey"]` for the AWS managed key,
//! else the customer key's id (the UUID; not observed on AWS). `NextToken` is opaque (base64 of
//! the next version's creation time and id), omitted on the last page; a token that does not
//! decode is `InvalidNextTokenException`. Decisions where AWS's behaviour was not observed,
//! pinned in tests: oldest first (the order of the AWS CLI example); no `MaxResults` = one page
//! with every version (at most 100 exist); a secret scheduled for deletion is refused like
//! every other version operation.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::model::SecretVersionsListEntry;
use super::super::secret::{Secret, Version};
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::{Echo, Validator};

/// ListSecretVersionIds input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretVersionIdsInput {
    pub secret_id: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub include_deprecated: Option<bool>,
}

/// ListSecretVersionIds output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretVersionIdsOutput {
    pub versions: Vec<SecretVersionsListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
}

/// What `KmsKeyIds` shows for a version under the AWS managed key.
const DEFAULT_ENCRYPTION_KEY: &str = "DefaultEncryptionKey";
const TOKEN_PREFIX: &str = "lockbox-versions-v1";

/// Serves ListSecretVersionIds.
pub fn list_secret_version_ids(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: ListSecretVersionIdsInput,
) -> Result<ListSecretVersionIdsOutput, SmError> {
    let mut v = Validator::new();
    let secret_id = validation::secret_id(&mut v, input.secret_id);
    v.range("MaxResults", input.max_results, 1, 100);
    v.length(
        "NextToken",
        input.next_token.as_deref(),
        1,
        4096,
        Echo::Value,
    );
    v.finish()?;
    let secret_id = secret_id.take()?;
    let resume = input.next_token.as_deref().map(decode_token).transpose()?;
    let page_size = input
        .max_results
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(usize::MAX);
    let include_deprecated = input.include_deprecated.unwrap_or(false);
    let managed_key = sm.kms.resolve_key_arn(ctx, None).ok();

    sm.read_secret(ctx, &secret_id, |secret| {
        secret.ensure_not_deleted()?;
        let start = resume
            .as_ref()
            .map_or(0, |(at, id)| resume_index(secret, *at, id));
        let mut listed = secret.versions[start..]
            .iter()
            .filter(|v| include_deprecated || !v.stages.is_empty());
        let versions = listed
            .by_ref()
            .take(page_size)
            .map(|v| entry(v, managed_key.as_deref()))
            .collect();
        Ok(ListSecretVersionIdsOutput {
            versions,
            next_token: listed.next().map(encode_token),
            arn: secret.arn.clone(),
            name: secret.name.clone(),
        })
    })
}

fn entry(version: &Version, managed_key: Option<&str>) -> SecretVersionsListEntry {
    let key_ids = version
        .value
        .iter()
        .map(|sealed| {
            if Some(sealed.key_arn.as_str()) == managed_key {
                DEFAULT_ENCRYPTION_KEY.to_owned()
            } else {
                let (_, key_id) = sealed.key_arn.rsplit_once("key/").unwrap_or_default();
                key_id.to_owned()
            }
        })
        .collect();
    SecretVersionsListEntry {
        version_id: version.id.clone(),
        version_stages: (!version.stages.is_empty()).then(|| version.stages.clone()),
        last_accessed_date: version.last_accessed.get().map(EpochSeconds),
        created_date: EpochSeconds(version.created),
        kms_key_ids: key_ids,
    }
}

/// Where a page that starts at the version (`created`, `id`) resumes: at that version, or,
/// if it was pruned meanwhile, at the first version created no earlier.
fn resume_index(secret: &Secret, created: OffsetDateTime, id: &str) -> usize {
    secret
        .versions
        .iter()
        .position(|v| v.id == id)
        .or_else(|| secret.versions.iter().position(|v| v.created >= created))
        .unwrap_or(secret.versions.len())
}

fn encode_token(next: &Version) -> String {
    let raw = format!(
        "{TOKEN_PREFIX}\n{}\n{}",
        next.created.unix_timestamp_nanos(),
        next.id
    );
    URL_SAFE_NO_PAD.encode(raw)
}

fn decode_token(token: &str) -> Result<(OffsetDateTime, String), SmError> {
    let invalid = || SmError::InvalidNextToken("The NextToken value is invalid.".to_owned());
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    let mut parts = raw.splitn(3, '\n');
    let (Some(TOKEN_PREFIX), Some(nanos), Some(id)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let nanos: i128 = nanos.parse().map_err(|_| invalid())?;
    let created = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| invalid())?;
    Ok((created, id.to_owned()))
}
