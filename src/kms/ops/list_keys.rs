//! ListKeys: every key of the caller's partition — customer and AWS managed, in every state,
//! including keys pending deletion — as `{KeyId, KeyArn}`, ordered by key id. `Limit` 1-1000
//! (default 100); `Truncated` is always sent because the SDK paginators depend on it.

use serde::{Deserialize, Serialize};

use super::super::paging::{self, Listing, Page};
use super::super::{KmsCaller, KmsError, LocalKms};
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

/// ListKeys input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeysInput {
    limit: Option<i64>,
    marker: Option<String>,
}

/// One entry of ListKeys.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyListEntry {
    key_id: String,
    key_arn: String,
}

/// ListKeys output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeysOutput {
    keys: Vec<KeyListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

/// Serves ListKeys.
pub fn list_keys(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListKeysInput,
) -> Result<ListKeysOutput, KmsError> {
    let mut v = Validator::new();
    let request = paging::validate(&mut v, Listing::Keys, input.limit, input.marker);
    v.finish()?;
    let ring = kms.ring(KmsCaller::from(ctx));
    let mut entries: Vec<KeyListEntry> = ring
        .keys()
        .values()
        .map(|key| KeyListEntry {
            key_id: key.id.clone(),
            key_arn: key.arn.clone(),
        })
        .collect();
    entries.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    let Page {
        items,
        next_marker,
        truncated,
    } = paging::page(
        Listing::Keys,
        entries,
        |entry| entry.key_id.as_str(),
        &request,
    )?;
    Ok(ListKeysOutput {
        keys: items,
        next_marker,
        truncated,
    })
}
