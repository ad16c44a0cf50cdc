//! ListGrants: the grants of a key (key id or key ARN, every key state), oldest first,
//! optionally only the one with `GrantId` (unknown -> `InvalidGrantIdException`) or those of
//! a `GranteePrincipal`. ListRetirableGrants: the grants of every key of the caller's account
//! and Region whose `RetiringPrincipal` is the one given (keys by id, each key's grants
//! oldest first). Entries omit `Name`, `RetiringPrincipal` and `Constraints` when the grant
//! has none, as AWS's examples show; both answer `ListGrantsResponse`.

use serde::{Deserialize, Serialize};

use super::super::grants::Grant;
use super::super::keys::Key;
use super::super::paging::{self, Listing, PageRequest};
use super::super::{KmsError, LocalKms};
use super::create_grant::GrantConstraintsShape;
use super::input::{finish, validate_key_id, validate_principal};
use super::key_op::{KeyRule, Partition, read_key};
use super::support::invalid_grant_id;
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

/// A valid ListGrants request.
struct GrantQuery {
    key_id: String,
    grant_id: Option<String>,
    grantee_principal: Option<String>,
    request: PageRequest,
}

impl ListGrantsInput {
    fn validate(self) -> Result<GrantQuery, KmsError> {
        let mut v = Validator::new();
        let request = paging::validate(&mut v, Listing::Grants, self.limit, self.marker);
        validate_key_id(&mut v, self.key_id.as_ref());
        v.length("GrantId", self.grant_id.as_deref(), 1, 128, Echo::Value);
        validate_principal(
            &mut v,
            "GranteePrincipal",
            self.grantee_principal.as_deref(),
        );
        Ok(GrantQuery {
            key_id: finish(v, self.key_id)?,
            grant_id: self.grant_id,
            grantee_principal: self.grantee_principal,
            request,
        })
    }
}

impl ListRetirableGrantsInput {
    /// `RetiringPrincipal` and the page asked for.
    fn validate(self) -> Result<(String, PageRequest), KmsError> {
        let mut v = Validator::new();
        let request = paging::validate(&mut v, Listing::RetirableGrants, self.limit, self.marker);
        v.required("RetiringPrincipal", self.retiring_principal.as_ref());
        validate_principal(
            &mut v,
            "RetiringPrincipal",
            self.retiring_principal.as_deref(),
        );
        Ok((finish(v, self.retiring_principal)?, request))
    }
}

/// Serves ListGrants.
pub fn list_grants(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListGrantsInput,
) -> Result<ListGrantsOutput, KmsError> {
    let query = input.validate()?;
    read_key(kms, ctx, &query.key_id, KeyRule::ANY_KEY, |key| {
        if let Some(grant_id) = query.grant_id.as_deref() {
            if !key.grants.iter().any(|g| g.id == grant_id) {
                return Err(invalid_grant_id(grant_id));
            }
        }
        let entries = key
            .grants
            .iter()
            .filter(|g| query.grant_id.as_ref().is_none_or(|id| &g.id == id))
            .filter(|g| {
                query
                    .grantee_principal
                    .as_ref()
                    .is_none_or(|p| &g.terms.grantee_principal == p)
            })
            .map(|g| entry(key, g))
            .collect();
        output(Listing::Grants, entries, &query.request)
    })
}

/// Serves ListRetirableGrants.
pub fn list_retirable_grants(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListRetirableGrantsInput,
) -> Result<ListGrantsOutput, KmsError> {
    let (principal, request) = input.validate()?;
    let partition = Partition::open(kms, ctx);
    let keys = partition.ring().keys();
    let entries = keys
        .values()
        .flat_map(|key| key.grants.iter().map(move |grant| (key, grant)))
        .filter(|(_, grant)| grant.terms.retiring_principal.as_deref() == Some(principal.as_str()))
        .map(|(key, grant)| entry(key, grant))
        .collect();
    output(Listing::RetirableGrants, entries, &request)
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

/// One page of `entries` (grant ids are unique in a partition, so they name the positions
/// markers resume after), as both operations answer.
fn output(
    listing: Listing,
    entries: Vec<GrantListEntry>,
    request: &PageRequest,
) -> Result<ListGrantsOutput, KmsError> {
    let page = paging::page(listing, entries, |entry| entry.grant_id.as_str(), request)?;
    Ok(ListGrantsOutput {
        grants: page.items,
        next_marker: page.next_marker,
        truncated: page.truncated,
    })
}
