//! CreatePolicy, GetPolicy, DeletePolicy and ListPolicies: customer managed policies.
//!
//! A new policy has one version, `v1`, which is its default. Names are unique in the account
//! whatever the path. DeletePolicy refuses while the policy is attached anywhere or still has
//! versions besides the default one. ListPolicies knows only the account's own policies
//! (Lockbox has no AWS managed policies): `Scope=AWS` lists nothing.

use serde::{Deserialize, Serialize};

use super::super::IamService;
use super::super::documents::{self, DocumentKind};
use super::super::error::IamError;
use super::super::ids::{self, POLICY_PREFIX};
use super::super::input::{Checks, Tag, present};
use super::super::model::{AccountIam, ManagedPolicy, PolicyVersion, key};
use super::super::paging::page;
use super::super::wire::PolicyShape;
use super::path_or_root;
use super::users::tag_pairs;
use crate::api::RequestCtx;

/// CreatePolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyInput {
    policy_name: Option<String>,
    path: Option<String>,
    policy_document: Option<String>,
    description: Option<String>,
    tags: Option<Vec<Tag>>,
}

/// CreatePolicy and GetPolicy output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    policy: PolicyShape,
}

/// GetPolicy and DeletePolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyArnInput {
    policy_arn: Option<String>,
}

/// ListPolicies input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesInput {
    scope: Option<String>,
    only_attached: Option<bool>,
    path_prefix: Option<String>,
    policy_usage_filter: Option<String>,
    marker: Option<String>,
    max_items: Option<i64>,
}

/// ListPolicies output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesOutput {
    policies: Vec<PolicyShape>,
    is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
}

/// Checks a required `PolicyArn`.
pub(super) fn check_policy_arn(checks: &mut Checks, arn: Option<&str>) {
    checks.text("PolicyArn", arn, 20, 2048);
}

/// The policy `arn`, or `NoSuchEntity`.
pub(super) fn policy<'a>(state: &'a AccountIam, arn: &str) -> Result<&'a ManagedPolicy, IamError> {
    state
        .policy_by_arn(arn)
        .ok_or_else(|| IamError::no_such_policy(arn))
}

/// CreatePolicy.
pub fn create_policy(
    iam: &IamService,
    ctx: &RequestCtx,
    input: CreatePolicyInput,
) -> Result<PolicyOutput, IamError> {
    Checks::new()
        .name("PolicyName", input.policy_name.as_deref(), 128)
        .path("Path", input.path.as_deref())
        .document("PolicyDocument", input.policy_document.as_deref())
        .optional_text("Description", input.description.as_deref(), 1000)
        .tags(input.tags.as_deref())
        .finish()?;
    let name = present(input.policy_name)?;
    let document = present(input.policy_document)?;
    documents::check(&document, DocumentKind::Identity)?;
    let path = path_or_root(input.path);
    iam.write(ctx.account(), |state| {
        if state.policies.contains_key(&key(&name)) {
            return Err(IamError::EntityAlreadyExists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )));
        }
        let policy = ManagedPolicy {
            arn: ids::arn(ctx.account(), "policy", &path, &name),
            id: ids::unique_id(POLICY_PREFIX),
            name: name.clone(),
            path,
            description: input.description,
            created: ctx.now,
            updated: ctx.now,
            versions: vec![PolicyVersion {
                id: "v1".into(),
                document,
                created: ctx.now,
            }],
            default_version: "v1".into(),
            next_version: 2,
            tags: tag_pairs(input.tags),
        };
        let shape = PolicyShape::of(&policy, 0, true);
        state.policies.insert(key(&name), policy);
        Ok(PolicyOutput { policy: shape })
    })
}

/// GetPolicy.
pub fn get_policy(
    iam: &IamService,
    ctx: &RequestCtx,
    input: PolicyArnInput,
) -> Result<PolicyOutput, IamError> {
    let mut checks = Checks::new();
    check_policy_arn(&mut checks, input.policy_arn.as_deref());
    checks.finish()?;
    let arn = present(input.policy_arn)?;
    iam.read(ctx.account(), |state| {
        let found = policy(state, &arn)?;
        Ok(PolicyOutput {
            policy: PolicyShape::of(found, state.attachment_count(&arn), true),
        })
    })
}

/// DeletePolicy.
pub fn delete_policy(
    iam: &IamService,
    ctx: &RequestCtx,
    input: PolicyArnInput,
) -> Result<(), IamError> {
    let mut checks = Checks::new();
    check_policy_arn(&mut checks, input.policy_arn.as_deref());
    checks.finish()?;
    let arn = present(input.policy_arn)?;
    iam.write(ctx.account(), |state| {
        let found = policy(state, &arn)?;
        let name_key = key(&found.name);
        if state.attachment_count(&arn) > 0 {
            return Err(IamError::DeleteConflict(
                "Cannot delete a policy attached to entities.".into(),
            ));
        }
        if found.versions.len() > 1 {
            return Err(IamError::DeleteConflict(
                "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".into(),
            ));
        }
        state.policies.remove(&name_key);
        Ok(())
    })
}

/// ListPolicies.
pub fn list_policies(
    iam: &IamService,
    ctx: &RequestCtx,
    input: ListPoliciesInput,
) -> Result<ListPoliciesOutput, IamError> {
    Checks::new()
        .path_prefix(input.path_prefix.as_deref())
        .paging(input.marker.as_deref(), input.max_items)
        .finish()?;
    for (member, value, allowed) in [
        (
            "scope",
            input.scope.as_deref(),
            &["All", "AWS", "Local"][..],
        ),
        (
            "policyUsageFilter",
            input.policy_usage_filter.as_deref(),
            &["PermissionsPolicy", "PermissionsBoundary"][..],
        ),
    ] {
        if let Some(value) = value.filter(|value| !allowed.contains(value)) {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            )));
        }
    }
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let only_attached = input.only_attached.unwrap_or(false);
    let aws_only = input.scope.as_deref() == Some("AWS");
    let boundaries_only = input.policy_usage_filter.as_deref() == Some("PermissionsBoundary");
    let policies = iam.read(ctx.account(), |state| {
        state
            .policies
            .values()
            .filter(|_| !aws_only && !boundaries_only)
            .filter(|policy| policy.path.starts_with(&prefix))
            .map(|policy| PolicyShape::of(policy, state.attachment_count(&policy.arn), false))
            .filter(|shape| !only_attached || shape.attachment_count > 0)
            .collect()
    });
    let page = page(policies, input.marker.as_deref(), input.max_items)?;
    Ok(ListPoliciesOutput {
        is_truncated: page.is_truncated(),
        policies: page.items,
        marker: page.marker,
    })
}
