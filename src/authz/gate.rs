//! The [`Authorizer`]: the `AccessGate` every request carries. It assembles the request
//! context, runs the evaluator and turns its decision into nothing or AWS's denial text.
//!
//! Besides the policies, a KMS grant naming the caller as grantee for the operation (with its
//! constraints met) allows a call no policy allows; an explicit Deny still wins over it.
//!
//! A request that came through a VPC endpoint with a policy must also be allowed by that
//! policy ([`super::endpoint`]). Explicit denies are named first (the caller's policies',
//! then the endpoint's), then a missing Allow (the caller's side, then the endpoint's).

use std::sync::Arc;

use crate::api::access::{AccessGate, AccessRequest, ResourcePolicy};
use crate::api::{Principal, RequestCtx};
use crate::config::IamMode;
use crate::iam_policy::{
    self, Decision, NamedPolicy, PolicyDocument, PolicySource, RequestContext, ResourcePolicyKind,
    StatementRef,
};
use crate::identity::IdentityDirectory;

use super::denial::{
    describe, endpoint_explicit_deny, endpoint_implicit_deny, explicit_deny, implicit_deny,
};
use super::endpoint::{self, EndpointVerdict};
use super::global_keys::{global_keys, kms_keys};
use super::statement_view::statement_json;

/// Decides every access of a request, or (mode `off`) allows them all.
#[derive(Debug, Clone)]
pub struct Authorizer {
    mode: IamMode,
    identities: Arc<dyn IdentityDirectory>,
    endpoint_policy: Option<Arc<PolicyDocument>>,
}

impl Authorizer {
    /// An authorizer in `mode` reading identities from `identities`.
    pub fn new(mode: IamMode, identities: Arc<dyn IdentityDirectory>) -> Authorizer {
        Authorizer {
            mode,
            identities,
            endpoint_policy: None,
        }
    }

    /// The same authorizer for a request that came through a VPC endpoint with `policy`
    /// (`None`: no endpoint, or one without a policy, which allows everything).
    pub fn with_endpoint_policy(mut self, policy: Option<Arc<PolicyDocument>>) -> Authorizer {
        self.endpoint_policy = policy;
        self
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
        let (decision, gathered, endpoint) = self.evaluate(ctx, request);
        if let Some(refused) =
            endpoint_explanation(&ctx.principal.arn, request, &decision, endpoint)
        {
            return refused;
        }
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

    /// Runs the evaluator on `request` by `ctx`'s caller, and judges it by the endpoint
    /// policy when it came through an endpoint with one.
    fn decide(
        &self,
        ctx: &RequestCtx,
        request: &AccessRequest<'_>,
    ) -> (Decision, Option<EndpointVerdict>) {
        let (decision, _, endpoint) = self.evaluate(ctx, request);
        (decision, endpoint)
    }

    /// Runs the evaluator on `request` by `ctx`'s caller and the endpoint policy, if any; also
    /// gives back the policies it judged, for [`Authorizer::explain`].
    fn evaluate(
        &self,
        ctx: &RequestCtx,
        request: &AccessRequest<'_>,
    ) -> (Decision, Gathered, Option<EndpointVerdict>) {
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
        // A call a service makes for the caller does not travel through the endpoint.
        let endpoint = match (&self.endpoint_policy, &ctx.access.via_service) {
            (Some(policy), None) => Some(endpoint::judge(policy, &context)),
            _ => None,
        };
        (
            decision,
            Gathered {
                identity: identity_policies,
                resource: resource_policy,
                session: session_policies,
            },
            endpoint,
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

/// The explanation of a request the endpoint policy refuses while the caller's policies do
/// not explicitly deny it; `None` otherwise.
fn endpoint_explanation(
    caller: &str,
    request: &AccessRequest<'_>,
    decision: &Decision,
    endpoint: Option<EndpointVerdict>,
) -> Option<Explanation> {
    if matches!(decision, Decision::ExplicitDeny(_)) {
        return None;
    }
    let action = request.action.as_str();
    match endpoint? {
        EndpointVerdict::Allowed => None,
        EndpointVerdict::ExplicitDeny(found) => Some(Explanation {
            decision: "ExplicitDeny",
            statements: vec![endpoint::describe(&found)],
            details: Vec::new(),
            grant: None,
            message: Some(endpoint_explicit_deny(
                caller,
                action,
                request.shown_resource,
            )),
        }),
        EndpointVerdict::NotAllowed if allowed_apart_from_endpoint(request, decision) => {
            Some(Explanation {
                decision: "ImplicitDeny",
                statements: Vec::new(),
                details: Vec::new(),
                grant: None,
                message: Some(endpoint_implicit_deny(
                    caller,
                    action,
                    request.shown_resource,
                )),
            })
        }
        EndpointVerdict::NotAllowed => None,
    }
}

/// Whether the caller's policies (or a grant) allow `request`.
fn allowed_apart_from_endpoint(request: &AccessRequest<'_>, decision: &Decision) -> bool {
    match decision {
        Decision::Allow(_) => true,
        Decision::ImplicitDeny(_) => request.granted_by.is_some(),
        Decision::ExplicitDeny(_) => false,
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
        let (decision, endpoint) = self.decide(ctx, request);
        let action = request.action.as_str();
        if !matches!(decision, Decision::ExplicitDeny(_)) {
            if let Some(EndpointVerdict::ExplicitDeny(found)) = &endpoint {
                tracing::info!(
                    caller = %principal.arn,
                    action,
                    resource = request.resource,
                    decided_by = %endpoint::describe(found),
                    "access denied by an explicit deny in the VPC endpoint policy"
                );
                return Err(endpoint_explicit_deny(
                    &principal.arn,
                    action,
                    request.shown_resource,
                ));
            }
            if allowed_apart_from_endpoint(request, &decision)
                && endpoint == Some(EndpointVerdict::NotAllowed)
            {
                tracing::info!(
                    caller = %principal.arn,
                    action,
                    resource = request.resource,
                    "access denied: the VPC endpoint policy does not allow it"
                );
                return Err(endpoint_implicit_deny(
                    &principal.arn,
                    action,
                    request.shown_resource,
                ));
            }
        }
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
