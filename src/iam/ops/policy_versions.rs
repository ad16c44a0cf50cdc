//! CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion and
//! SetDefaultPolicyVersion.
//!
//! A policy keeps at most five versions (`LimitExceeded` for a sixth); version ids count up
//! and are never reused. The default version cannot be deleted; making another version the
//! default moves the policy's `UpdateDate`.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::documents::{self, DocumentKind};
use super::super::error::IamError;
use super::super::input::{Checks, present};
use super::super::model::{ManagedPolicy, PolicyVersion};
use super::super::paging::page;
use super::super::wire::PolicyVersionShape;
use super::managed_policies::{check_policy_arn, policy};
use crate::api::RequestCtx;

/// Versions a managed policy may keep.
const MAX_VERSIONS: usize = 5;

/// CreatePolicyVersion input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyVersionInput {
    policy_arn: Option<String>,
    policy_document: Option<String>,
    set_as_default: Option<bool>,
}

/// CreatePolicyVersion and GetPolicyVersion output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionOutput {
    policy_version: PolicyVersionShape,
}

/// GetPolicyVersion, DeletePolicyVersion and SetDefaultPolicyVersion input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionInput {
    policy_arn: Option<String>,
    version_id: Option<String>,
}

/// ListPolicyVersions input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsInput {
    policy_arn: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListPolicyVersions output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsOutput {
    versions: Vec<PolicyVersionShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

fn is_version_id(value: &str) -> bool {
    let Some(rest) = value.strip_prefix('v') else {
        return false;
    };
    let (number, suffix) = rest.split_once('.').unwrap_or((rest, ""));
    number.starts_with(|c: char| ('1'..='9').contains(&c))
        && number.bytes().all(|b| b.is_ascii_digit())
        && suffix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn checked(input: PolicyVersionInput) -> Result<(String, String), IamError> {
    let mut checks = Checks::new();
    check_policy_arn(&mut checks, input.policy_arn.as_deref());
    checks.required("VersionId", input.version_id.as_ref());
    checks.finish()?;
    let version = present(input.version_id)?;
    if !is_version_id(&version) {
        return Err(IamError::Validation(format!(
            "1 validation error detected: Value '{version}' at 'versionId' failed to satisfy constraint: Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"
        )));
    }
    Ok((present(input.policy_arn)?, version))
}

fn no_such_version(arn: &str, version: &str) -> IamError {
    IamError::NoSuchEntity(format!(
        "Policy {arn} version {version} does not exist or is not attachable."
    ))
}

fn version<'a>(
    policy: &'a ManagedPolicy,
    arn: &str,
    id: &str,
) -> Result<&'a PolicyVersion, IamError> {
    policy
        .versions
        .iter()
        .find(|version| version.id == id)
        .ok_or_else(|| no_such_version(arn, id))
}

/// CreatePolicyVersion.
pub fn create_policy_version(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreatePolicyVersionInput,
) -> Result<PolicyVersionOutput, IamError> {
    let mut checks = Checks::new();
    check_policy_arn(&mut checks, input.policy_arn.as_deref());
    checks.document("PolicyDocument", input.policy_document.as_deref());
    checks.finish()?;
    let arn = present(input.policy_arn)?;
    let document = present(input.policy_document)?;
    documents::check(&document, DocumentKind::Identity)?;
    iam.write(ctx.account(), |state| {
        let policy = state
            .policy_by_arn_mut(&arn)
            .ok_or_else(|| IamError::no_such_policy(&arn))?;
        if policy.versions.len() >= MAX_VERSIONS {
            return Err(IamError::LimitExceeded(format!(
                "A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, you must delete an existing version."
            )));
        }
        let id = format!("v{}", policy.next_version);
        policy.next_version += 1;
        policy.versions.push(PolicyVersion {
            id: id.clone(),
            document,
            created: ctx.now,
        });
        if input.set_as_default.unwrap_or(false) {
            policy.default_version = id.clone();
            policy.updated = ctx.now;
        }
        let created = version(policy, &arn, &id)?;
        Ok(PolicyVersionOutput {
            policy_version: PolicyVersionShape::of(policy, created, false),
        })
    })
}

/// GetPolicyVersion.
pub fn get_policy_version(
    iam: &IamService,
    ctx: &RequestCtx,
    input: PolicyVersionInput,
) -> Result<PolicyVersionOutput, IamError> {
    let (arn, id) = checked(input)?;
    iam.read(ctx.account(), |state| {
        let policy = policy(state, &arn)?;
        Ok(PolicyVersionOutput {
            policy_version: PolicyVersionShape::of(policy, version(policy, &arn, &id)?, true),
        })
    })
}

/// ListPolicyVersions: newest first, without documents.
pub fn list_policy_versions(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListPolicyVersionsInput,
) -> Result<ListPolicyVersionsOutput, IamError> {
    let mut checks = Checks::new();
    check_policy_arn(&mut checks, input.policy_arn.as_deref());
    checks.paging(input.marker.as_deref(), input.max_items);
    checks.finish()?;
    let arn = present(input.policy_arn)?;
    let versions = iam.read(ctx.account(), |state| {
        policy(state, &arn).map(|policy| {
            policy
                .versions
                .iter()
                .rev()
                .map(|version| PolicyVersionShape::of(policy, version, false))
                .collect()
        })
    })?;
    let page = page(versions, input.marker.as_deref(), input.max_items)?;
    Ok(ListPolicyVersionsOutput {
        is_truncated: page.is_truncated(),
        versions: page.items,
        marker: page.marker,
    })
}

/// DeletePolicyVersion.
pub fn delete_policy_version(
    iam: &IamService,
    ctx: &RequestCtx,
    input: PolicyVersionInput,
) -> Result<(), IamError> {
    let (arn, id) = checked(input)?;
    iam.write(ctx.account(), |state| {
        let policy = state
            .policy_by_arn_mut(&arn)
            .ok_or_else(|| IamError::no_such_policy(&arn))?;
        version(policy, &arn, &id)?;
        if policy.default_version == id {
            return Err(IamError::DeleteConflict(
                "Cannot delete the default version of a policy.".into(),
            ));
        }
        policy.versions.retain(|version| version.id != id);
        Ok(())
    })
}

/// SetDefaultPolicyVersion.
pub fn set_default_policy_version(
    iam: &IamService,
    ctx: &RequestCtx,
    input: PolicyVersionInput,
) -> Result<(), IamError> {
    let (arn, id) = checked(input)?;
    iam.write(ctx.account(), |state| {
        let policy = state
            .policy_by_arn_mut(&arn)
            .ok_or_else(|| IamError::no_such_policy(&arn))?;
        version(policy, &arn, &id)?;
        if policy.default_version != id {
            policy.default_version = id;
            policy.updated = ctx.now;
        }
        Ok(())
    })
}
