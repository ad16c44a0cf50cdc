//! ListAliases: the aliases of the caller's partition by name, optionally only those of one
//! key (`KeyId`: key id or key ARN only). Includes `alias/aws/secretsmanager` once the
//! managed key exists (predefined aliases without a key are not listed). `Limit` 1-1000
//! in the model; pages hold at most 100 (the documented maximum), default 50.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::paging::{self, Listing, Page, PageRequest};
use super::super::{KmsError, LocalKms};
use super::key_op::Partition;
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::{Echo, Validator};

/// ListAliases input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAliasesInput {
    key_id: Option<String>,
    limit: Option<i64>,
    marker: Option<String>,
}

/// One entry of ListAliases.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AliasListEntry {
    alias_name: String,
    alias_arn: String,
    target_key_id: String,
    creation_date: EpochSeconds,
    last_updated_date: EpochSeconds,
}

/// ListAliases output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAliasesOutput {
    aliases: Vec<AliasListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

impl ListAliasesInput {
    /// The key whose aliases to list, if given, and the page asked for.
    fn validate(self) -> Result<(Option<String>, PageRequest), KmsError> {
        let mut v = Validator::new();
        v.length("KeyId", self.key_id.as_deref(), 1, 2048, Echo::Value);
        let request = paging::validate(&mut v, Listing::Aliases, self.limit, self.marker);
        v.finish()?;
        Ok((self.key_id, request))
    }
}

/// Serves ListAliases.
pub fn list_aliases(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListAliasesInput,
) -> Result<ListAliasesOutput, KmsError> {
    let (key_id, request) = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let caller = partition.caller();
    let only = key_id
        .as_deref()
        .map(|key_id| partition.resolve(key_id, Accepts::KeyOnly))
        .transpose()?;
    let entries: Vec<AliasListEntry> = partition
        .ring()
        .aliases()
        .iter()
        .filter(|(_, alias)| only.as_ref().is_none_or(|id| &alias.key_id == id))
        .map(|(name, alias)| AliasListEntry {
            alias_name: name.clone(),
            alias_arn: caller.alias_arn(name),
            target_key_id: alias.key_id.clone(),
            creation_date: EpochSeconds(alias.creation_date),
            last_updated_date: EpochSeconds(alias.last_updated_date),
        })
        .collect();
    let Page {
        items,
        next_marker,
        truncated,
    } = paging::page(
        Listing::Aliases,
        entries,
        |entry| entry.alias_name.as_str(),
        &request,
    )?;
    Ok(ListAliasesOutput {
        aliases: items,
        next_marker,
        truncated,
    })
}
