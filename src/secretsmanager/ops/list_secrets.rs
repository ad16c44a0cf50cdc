//! ListSecrets: one page of the partition's secrets, filtered and sorted (see [`listing`] for
//! paging and [`filter`] for matching). Entries carry DescribeSecret's metadata with the version map named
//! `SecretVersionsToStages`; secrets scheduled for deletion are hidden unless
//! `IncludePlannedDeletion` is true (they then show `DeletedDate`).

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::filter::{self, SecretFilters};
use super::super::listing::{
    self, Cursor, SCAN_BUDGET, SORT_BY_VALUES, SORT_ORDER_VALUES, SortBy, Walk,
};
use super::super::model::{Filter, SecretListEntry};
use super::describe_secret::metadata;
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// Page size when `MaxResults` is absent (AWS does not document it; 100 is the maximum).
const DEFAULT_MAX_RESULTS: usize = 100;

/// ListSecrets input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsInput {
    pub include_planned_deletion: Option<bool>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filters: Option<Vec<Filter>>,
    pub sort_order: Option<String>,
    pub sort_by: Option<String>,
}

/// ListSecrets output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsOutput {
    pub secret_list: Vec<SecretListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Serves ListSecrets.
pub fn list_secrets(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: ListSecretsInput,
) -> Result<ListSecretsOutput, SmError> {
    let mut v = Validator::new();
    v.range("MaxResults", input.max_results, 1, 100);
    validate_next_token(&mut v, input.next_token.as_deref());
    filter::validate(&mut v, input.filters.as_deref());
    v.one_of("SortOrder", input.sort_order.as_deref(), &SORT_ORDER_VALUES);
    v.one_of("SortBy", input.sort_by.as_deref(), &SORT_BY_VALUES);
    v.finish()?;

    let filters = SecretFilters::parse(input.filters.as_deref())?;
    let walk = Walk {
        sort_by: SortBy::parse(input.sort_by.as_deref()),
        descending: input.sort_order.as_deref() == Some("desc"),
        include_planned_deletion: input.include_planned_deletion.unwrap_or(false),
        filters: &filters,
        max_results: page_size(input.max_results, DEFAULT_MAX_RESULTS),
        budget: SCAN_BUDGET,
    };
    let cursor = input
        .next_token
        .as_deref()
        .map(|token| Cursor::decode(token, walk.sort_by, walk.descending))
        .transpose()?;

    let table = sm.table(ctx);
    let secrets = table.read();
    let page = listing::page(&secrets, &walk, cursor.as_ref());
    Ok(ListSecretsOutput {
        secret_list: page
            .secrets
            .into_iter()
            .map(|secret| SecretListEntry {
                metadata: metadata(secret),
                secret_versions_to_stages: secret.version_ids_to_stages(),
            })
            .collect(),
        next_token: page.next.map(|cursor| cursor.token()),
    })
}

/// Adds the model's `NextTokenType` constraints (1-4096).
pub(super) fn validate_next_token(v: &mut Validator, token: Option<&str>) {
    v.length("NextToken", token, 1, 4096, Echo::Value);
}

/// A validated `MaxResults` as a page size, or `default`.
pub(super) fn page_size(max_results: Option<i64>, default: usize) -> usize {
    max_results
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(default)
}
