//! The [`Authorizer`]: the `AccessGate` every request carries. It assembles the request
//! context, runs the evaluator and turns its decision into nothing or AWS's denial text.
//!
//! Besides the policies, a KMS grant naming the caller as grantee for the operation (with its
//! constraints met) allows a call no policy allows; an explicit Deny still wins over it.

use std::sync::Arc;

use crate::api::access::{AccessGate, AccessRequest, ResourcePolicy};
use crate::api::{Principal, RequestCtx};
use crate::config::IamMode;
use crate::iam_policy::{
    self, Decision, NamedPolicy, PolicyDocument, PolicySource, RequestContext, ResourcePolicyKind,
    StatementRef,
};
use crate::identity::IdentityDirectory;

use super::denial::{describe, explicit_deny, implicit_deny};
use super::global_keys::{global_keys, kms_keys};
use super::statement_view::statement_json;

/// Decides every access of a request, or (mode `off`) allows them all.
#[derive(Debug, Clone)]
pub struct Authorizer {
    mode: IamMode,
    identities: Arc<dyn IdentityDirectory>,
}

impl Authorizer {
    /// An authorizer in `mode` reading identities from `identities`.
    pub fn new(mode: IamMode, identities: Arc<dyn IdentityDirectory>) -> Authorizer {
        Authorizer { mode, identities }
    }
}

/// The answer of [`Authorizer::explain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// `Allow`, `ExplicitDeny` or `ImplicitDeny`.
    pub decision: &'static str,
    /// The statements that decided (the Allows that grant, or the Deny), described.
    pub statements: Vec<String>,
    /// The deciding statements in detail: `{"policy", "index", "sid", "statement"}`, the
    /// statement shown as policy JSON; the resource's own policy is named `key policy` or
    /// `resource policy`.
    pub details: Vec<serde_json::Value>,
    /// The grant that allowed what no policy allows, if one did.
    pub grant: Option<String>,
    /// AWS's `AccessDeniedException` text, when refused.
    pub message: Option<String>,
}

impl Authorizer {
    /// What enforcement would decide about `request` by `ctx`'s caller, and why (whatever the
    /// mode).
    pub fn explain(&self, ctx: &RequestCtx, request: &AccessRequest<'_>) -> Explanation {
        let (decision, gathered) = self.evaluate(ctx, request);
        let denial = denial_text(&ctx.principal.arn, request, &decision);
        let is_key = matches!(request.policy, ResourcePolicy::Key(_));
        let detail = |found: &StatementRef| gathered.detail(found, is_key);
        match decision {
            Decision::Allow(found) => Explanation {
                decision: "Allow",
                statements: found.iter().map(describe).collect(),
                details: found.iter().map(detail).collect(),
                grant: None,
                message: None,
            },
            Decision::ExplicitDeny(found) => Explanation {
                decision: "ExplicitDeny",
                statements: vec![describe(&found)],
                details: vec![detail(&found)],
                grant: None,
                message: denial,
            },
            Decision::ImplicitDeny(_) if request.granted_by.is_some() => Explanation {
                decision: "Allow",
                statements: Vec::new(),
                details: Vec::new(),
                grant: request.granted_by.clone(),
                message: None,
            },
            Decision::ImplicitDeny(_) => Explanation {
                decision: "ImplicitDeny",
                statements: Vec::new(),
                details: Vec::new(),
                grant: None,
                message: denial,
            },
        }
    }

    /// Runs the evaluator on `request` by `ctx`'s caller.
    fn decide(&self, ctx: &RequestCtx, request: &AccessRequest<'_>) -> Decision {
        self.evaluate(ctx, request).0
    }

    /// Runs the evaluator on `request` by `ctx`'s caller; also gives back the policies it
    /// judged, for [`Authorizer::explain`].
    fn evaluate(&self, ctx: &RequestCtx, request: &AccessRequest<'_>) -> (Decision, Gathered) {
        let principal = &ctx.principal;
        let tags = self.identities.principal_tags(principal);
        let mut keys = global_keys(ctx, &tags);
        if request.action.starts_with("kms:") {
            keys.extend(kms_keys(ctx));
        }
        if request.resource != "*" {
            keys.push((
                "aws:ResourceAccount".to_owned(),
                request.resource_account.to_owned(),
            ));
        }
        keys.extend(ctx.access.request_keys.iter().cloned());
        keys.extend(request.resource_keys.iter().cloned());
        let condition_keys: Vec<(&str, &str)> = keys
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();

        let identity_policies = self.identities.identity_policies(principal);
        let session_policies = session_policies(principal, &*self.identities);
        let (resource_policy, kind) = match request.policy {
            ResourcePolicy::None => (None, ResourcePolicyKind::Standard),
            ResourcePolicy::Secret(text) => (
                text.and_then(|text| stored_policy(text, "secret resource policy")),
                ResourcePolicyKind::Standard,
            ),
            ResourcePolicy::Key(text) => (
                stored_policy(text, "key policy"),
                ResourcePolicyKind::KmsKeyPolicy,
            ),
        };
        let context = RequestContext {
            principal_arn: &principal.arn,
            principal_account: &principal.account_id,
            action: &request.action,
            resource: request.resource,
            resource_account: request.resource_account,
            condition_keys: &condition_keys,
            session_policies: session_policies.as_deref(),
        };
        let decision =
            iam_policy::evaluate(&identity_policies, resource_policy.as_ref(), kind, &context);
        (
            decision,
            Gathered {
                identity: identity_policies,
                resource: resource_policy,
                session: session_policies,
            },
        )
    }
}

/// The policies one evaluation judged.
struct Gathered {
    identity: Vec<NamedPolicy>,
    resource: Option<PolicyDocument>,
    session: Option<Vec<NamedPolicy>>,
}

impl Gathered {
    /// `found` with its policy's name and the statement itself.
    fn detail(&self, found: &StatementRef, is_key: bool) -> serde_json::Value {
        let named = |policies: &[NamedPolicy], name: &str| {
            policies
                .iter()
                .find(|policy| policy.name == name)
                .and_then(|policy| policy.document.statements.get(found.index))
                .map(statement_json)
        };
        let (policy, statement) = match &found.source {
            PolicySource::Identity(name) => (
                format!("identity policy \"{name}\""),
                named(&self.identity, name),
            ),
            PolicySource::Session(name) => (
                format!("session policy \"{name}\""),
                named(self.session.as_deref().unwrap_or_default(), name),
            ),
            PolicySource::Resource => (
                if is_key {
                    "key policy"
                } else {
                    "resource policy"
                }
                .to_owned(),
                self.resource
                    .as_ref()
                    .and_then(|document| document.statements.get(found.index))
                    .map(statement_json),
            ),
        };
        serde_json::json!({
            "policy": policy,
            "index": found.index,
            "sid": found.sid,
            "statement": statement,
        })
    }
}

/// AWS's denial text for a refusing `decision`.
fn denial_text(caller: &str, request: &AccessRequest<'_>, decision: &Decision) -> Option<String> {
    let action = request.action.as_str();
    match decision {
        Decision::Allow(_) => None,
        Decision::ExplicitDeny(found) => {
            Some(explicit_deny(caller, action, request.shown_resource, found))
        }
        Decision::ImplicitDeny(missing) => Some(implicit_deny(
            caller,
            action,
            request.shown_resource,
            *missing,
        )),
    }
}

impl AccessGate for Authorizer {
    fn reaches_other_accounts(&self) -> bool {
        self.mode == IamMode::Enforce
    }

    fn check(&self, ctx: &RequestCtx, request: &AccessRequest<'_>) -> Result<(), String> {
        if self.mode == IamMode::Off {
            return Ok(());
        }
        let principal = &ctx.principal;
        let decision = self.decide(ctx, request);
        let action = request.action.as_str();
        match decision {
            Decision::Allow(_) => Ok(()),
            Decision::ExplicitDeny(found) => {
                tracing::info!(
                    caller = %principal.arn,
                    action,
                    resource = request.resource,
                    decided_by = %describe(&found),
                    "access denied by an explicit deny"
                );
                Err(explicit_deny(
                    &principal.arn,
                    action,
                    request.shown_resource,
                    &found,
                ))
            }
            Decision::ImplicitDeny(_) if request.granted_by.is_some() => Ok(()),
            Decision::ImplicitDeny(missing) => {
                tracing::info!(
                    caller = %principal.arn,
                    action,
                    resource = request.resource,
                    missing = ?missing,
                    "access denied: no policy allows it"
                );
                Err(implicit_deny(
                    &principal.arn,
                    action,
                    request.shown_resource,
                    missing,
                ))
            }
        }
    }
}

/// A stored policy parsed for evaluation; one the parser refuses (stored before it learnt to
/// refuse it) counts as absent, which allows nothing.
fn stored_policy(text: &str, what: &str) -> Option<PolicyDocument> {
    match iam_policy::parse(text) {
        Ok(document) => Some(document),
        Err(error) => {
            tracing::warn!(
                ?error,
                what,
                "a stored policy could not be evaluated; it allows nothing"
            );
            None
        }
    }
}

/// The session policies of temporary credentials that carry some: the inline one, and each
/// managed one the directory knows (one it does not know allows nothing).
fn session_policies(
    principal: &Principal,
    identities: &dyn IdentityDirectory,
) -> Option<Vec<NamedPolicy>> {
    let session = principal.session.as_ref()?;
    if session.session_policy.is_none() && session.session_policy_arns.is_empty() {
        return None;
    }
    let mut policies = Vec::new();
    if let Some(text) = &session.session_policy {
        let document = stored_policy(text, "session policy").unwrap_or(PolicyDocument {
            statements: Vec::new(),
            variables: false,
        });
        policies.push(NamedPolicy {
            name: "inline session policy".to_owned(),
            document,
        });
    }
    for arn in &session.session_policy_arns {
        if let Some(policy) = identities.managed_policy(arn) {
            policies.push(policy);
        }
    }
    Some(policies)
}
