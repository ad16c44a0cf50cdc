//! ListGrants: the grants of a key (key id or key ARN, every key state), oldest first,
//! optionally only the one with `GrantId` (unknown -> `InvalidGrantIdException`) or those of
//! a `GranteePrincipal`. Entries omit `Name`, `RetiringPrincipal` and `Constraints` when the
//! grant has none, as AWS's examples show.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{KmsError, LocalKms};
use super::create_grant::GrantConstraintsShape;
use super::support::{invalid_grant_id, page, validate_marker, validate_principal};
use super::{read_key, validate_key_id};
use crate::protocol::ctx::RequestCtx;
use crate::protocol::json::EpochSeconds;
use crate::protocol::validate::{Echo, Validator};

/// ListGrants input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantsInput {
    limit: Option<i64>,
    marker: Option<String>,
    key_id: Option<String>,
    grant_id: Option<String>,
    grantee_principal: Option<String>,
}

/// A `GrantListEntry`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GrantListEntry {
    key_id: String,
    grant_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    creation_date: EpochSeconds,
    grantee_principal: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    retiring_principal: Option<String>,
    issuing_account: String,
    operations: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<GrantConstraintsShape>,
}

/// ListGrants output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantsOutput {
    grants: Vec<GrantListEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    truncated: bool,
}

/// Serves ListGrants.
pub fn list_grants(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListGrantsInput,
) -> Result<ListGrantsOutput, KmsError> {
    let mut v = Validator::new();
    v.range("Limit", input.limit, 1, 100);
    validate_marker(&mut v, input.marker.as_deref());
    validate_key_id(&mut v, input.key_id.as_ref());
    v.length("GrantId", input.grant_id.as_deref(), 1, 128, Echo::Value);
    validate_principal(
        &mut v,
        "GranteePrincipal",
        input.grantee_principal.as_deref(),
    );
    v.finish()?;
    read_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        Accepts::KeyOnly,
        |key| {
            if let Some(grant_id) = input.grant_id.as_deref() {
                if !key.grants.iter().any(|g| g.id == grant_id) {
                    return Err(invalid_grant_id(grant_id));
                }
            }
            let entries = key
                .grants
                .iter()
                .filter(|g| input.grant_id.as_ref().is_none_or(|id| &g.id == id))
                .filter(|g| {
                    input
                        .grantee_principal
                        .as_ref()
                        .is_none_or(|p| &g.terms.grantee_principal == p)
                })
                .map(|g| {
                    (
                        g.id.clone(),
                        GrantListEntry {
                            key_id: key.arn.clone(),
                            grant_id: g.id.clone(),
                            name: g.terms.name.clone(),
                            creation_date: EpochSeconds(g.creation_date),
                            grantee_principal: g.terms.grantee_principal.clone(),
                            retiring_principal: g.terms.retiring_principal.clone(),
                            issuing_account: g.issuing_account.clone(),
                            operations: g.terms.operations.clone(),
                            constraints: g
                                .terms
                                .constraints
                                .as_ref()
                                .map(GrantConstraintsShape::from),
                        },
                    )
                })
                .collect();
            let limit =
                usize::try_from(input.limit.unwrap_or(50)).map_err(|_| KmsError::Internal)?;
            let page = page(entries, limit, input.marker.as_deref())?;
            Ok(ListGrantsOutput {
                grants: page.items,
                truncated: page.next_marker.is_some(),
                next_marker: page.next_marker,
            })
        },
    )
}
