//! BatchGetSecretValue: the AWSCURRENT values of up to 20 secrets, named by `SecretIdList` or
//! chosen by `Filters` (the same filters and paging as ListSecrets, in creation order).
//!
//! Each value is read exactly as GetSecretValue reads it (same code: same errors, same
//! `LastAccessedDate` update). A secret that cannot be read does not fail the call: it becomes
//! an `Errors` entry `{SecretId, ErrorCode, Message}` and the call still answers 200. Both
//! lists are always sent (`"Errors": []` when none, as the AWS CLI example shows).

use serde::{Deserialize, Serialize};

use super::super::SecretsManager;
use super::super::access::authorize_without_secret;
use super::super::error::SmError;
use super::super::filter::{self, SecretFilters};
use super::super::listing::{self, Cursor, SCAN_BUDGET, SortBy, Walk};
use super::super::model::{Filter, GetSecretValueOutput};
use super::get_secret_value::read_value;
use super::list_secrets::{page_size, validate_next_token};
use crate::api::ctx::RequestCtx;
use crate::api::error::WireError;
use crate::api::validate::Validator;

const MAX_IDS: usize = 20;
/// Page size with `Filters` when `MaxResults` is absent (not documented by AWS: the model's
/// maximum).
const DEFAULT_MAX_RESULTS: usize = 20;
/// InvalidParameterException texts (moto's wording; AWS's exact wording is unrecorded).
const EITHER_LIST_OR_FILTERS: &str =
    "Either 'SecretIdList' or 'Filters' must be provided, but not both.";
const MAX_RESULTS_NEEDS_FILTERS: &str =
    "'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.";

/// BatchGetSecretValue input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetSecretValueInput {
    pub secret_id_list: Option<Vec<String>>,
    pub filters: Option<Vec<Filter>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

/// A `SecretValueEntry`: exactly GetSecretValue's output members.
pub type SecretValueEntry = GetSecretValueOutput;

/// One secret that could not be read (`APIErrorType`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiError {
    pub secret_id: String,
    pub error_code: String,
    pub message: String,
}

/// BatchGetSecretValue output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetSecretValueOutput {
    pub secret_values: Vec<SecretValueEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub errors: Vec<ApiError>,
}

/// Serves BatchGetSecretValue.
pub fn batch_get_secret_value(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: BatchGetSecretValueInput,
) -> Result<BatchGetSecretValueOutput, SmError> {
    let mut v = Validator::new();
    let ids = input.secret_id_list.as_deref();
    v.string_list_length("SecretIdList", ids, 1, MAX_IDS);
    v.member_lengths("SecretIdList", ids, 1, 2048);
    filter::validate(&mut v, input.filters.as_deref());
    v.range("MaxResults", input.max_results, 1, MAX_IDS as i64);
    validate_next_token(&mut v, input.next_token.as_deref());
    v.finish()?;

    // Decision (not observed on AWS): neither list is refused like both (the text covers both
    // cases).
    let (ids, targets) = match (&input.secret_id_list, &input.filters) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(SmError::InvalidParameter(EITHER_LIST_OR_FILTERS.to_owned()));
        }
        (Some(_), None) if input.max_results.is_some() => {
            return Err(SmError::InvalidParameter(
                MAX_RESULTS_NEEDS_FILTERS.to_owned(),
            ));
        }
        // Decision (not observed on AWS): with SecretIdList every id fits one page, so
        // NextToken is ignored.
        (Some(ids), None) => (ids.clone(), None),
        (None, Some(filters)) => {
            let (arns, next) = filtered_page(sm, ctx, &input, filters)?;
            (arns, Some(next))
        }
    };

    let mut output = BatchGetSecretValueOutput {
        secret_values: Vec::new(),
        next_token: targets.flatten(),
        errors: Vec::new(),
    };
    for id in ids {
        match read_value(sm, ctx, &id, None, None) {
            Ok(value) => output.secret_values.push(value),
            Err(SmError::Internal) => return Err(SmError::Internal),
            Err(error) => output.errors.push(ApiError {
                error_code: error.code().to_owned(),
                message: error.message().unwrap_or_default().into_owned(),
                secret_id: id,
            }),
        }
    }
    Ok(output)
}

/// The ARNs on this page of the filtered walk, and the next page's token. Filtered batches
/// list like ListSecrets with default options: creation order, oldest first, no secret
/// scheduled for deletion. Errors for these secrets name them by ARN (not observed on AWS).
fn filtered_page(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: &BatchGetSecretValueInput,
    filters: &[Filter],
) -> Result<(Vec<String>, Option<String>), SmError> {
    let filters = SecretFilters::parse(Some(filters))?;
    // Listing by filters is a ListSecrets as well, and needs its permission.
    authorize_without_secret(ctx, Some("secretsmanager:ListSecrets"))?;
    let walk = Walk {
        sort_by: SortBy::CreatedDate,
        descending: false,
        include_planned_deletion: false,
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
    let arns = page.secrets.iter().map(|s| s.arn.clone()).collect();
    Ok((arns, page.next.map(|c| c.token())))
}
