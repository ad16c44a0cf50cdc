//! ListGrants: the grants of a key (key id or key ARN, every key state), oldest first,
//! optionally only the one with `GrantId` (unknown -> `InvalidGrantIdException`) or those of
//! a `GranteePrincipal`. ListRetirableGrants: the grants of every key of the caller's account
//! and Region whose `RetiringPrincipal` is the one given (keys by id, each key's grants
//! oldest first). Entries omit `Name`, `RetiringPrincipal` and `Constraints` when the grant
//! has none, as AWS's examples show; both answer `ListGrantsResponse`.

use serde::{Deserialize, Serialize};

use super::super::grants::Grant;
use super::super::keys::Key;
use super::super::local::Accepts;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::create_grant::GrantConstraintsShape;
use super::support::{invalid_grant_id, page, validate_marker, validate_principal};
use super::{read_key, validate_key_id};
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;
use crate::api::validate::{Echo, Validator};

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

/// ListRetirableGrants input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRetirableGrantsInput {
    limit: Option<i64>,
    marker: Option<String>,
    retiring_principal: Option<String>,
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
                .map(|g| (g.id.clone(), entry(key, g)))
                .collect();
            output(entries, input.limit, input.marker.as_deref())
        },
    )
}

/// Serves ListRetirableGrants.
pub fn list_retirable_grants(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListRetirableGrantsInput,
) -> Result<ListGrantsOutput, KmsError> {
    let mut v = Validator::new();
    v.range("Limit", input.limit, 1, 100);
    validate_marker(&mut v, input.marker.as_deref());
    v.required("RetiringPrincipal", input.retiring_principal.as_ref());
    validate_principal(
        &mut v,
        "RetiringPrincipal",
        input.retiring_principal.as_deref(),
    );
    v.finish()?;
    let principal = input.retiring_principal.unwrap_or_default();
    let ring = kms.ring(KmsCaller::from(ctx));
    let keys = ring.keys.read();
    let entries = keys
        .values()
        .flat_map(|key| key.grants.iter().map(move |grant| (key, grant)))
        .filter(|(_, grant)| grant.terms.retiring_principal.as_deref() == Some(principal.as_str()))
        .map(|(key, grant)| (format!("{}/{}", key.id, grant.id), entry(key, grant)))
        .collect();
    output(entries, input.limit, input.marker.as_deref())
}

/// The listing of `grant` of `key`.
fn entry(key: &Key, grant: &Grant) -> GrantListEntry {
    GrantListEntry {
        key_id: key.arn.clone(),
        grant_id: grant.id.clone(),
        name: grant.terms.name.clone(),
        creation_date: EpochSeconds(grant.creation_date),
        grantee_principal: grant.terms.grantee_principal.clone(),
        retiring_principal: grant.terms.retiring_principal.clone(),
        issuing_account: grant.issuing_account.clone(),
        operations: grant.terms.operations.clone(),
        constraints: grant
            .terms
            .constraints
            .as_ref()
            .map(GrantConstraintsShape::from),
    }
}

/// One page of `entries` (each with the position its marker names), as both operations answer.
fn output(
    entries: Vec<(String, GrantListEntry)>,
    limit: Option<i64>,
    marker: Option<&str>,
) -> Result<ListGrantsOutput, KmsError> {
    let limit = usize::try_from(limit.unwrap_or(50)).map_err(|_| KmsError::Internal)?;
    let page = page(entries, limit, marker)?;
    Ok(ListGrantsOutput {
        grants: page.items,
        truncated: page.next_marker.is_some(),
        next_marker: page.next_marker,
    })
}
