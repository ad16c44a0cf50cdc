//! The decision algorithm: explicit Deny anywhere wins; otherwise what counts as an Allow
//! depends on whether caller and resource share an account and on the kind of resource policy
//! (an ordinary resource policy, or a KMS key policy, which must allow on its own or delegate
//! to the account before identity policies count). A caller acting with a session policy
//! (temporary credentials) gets through its identity policies only what the session policy
//! also allows; a resource policy naming the caller directly is not narrowed by it.

use super::condition::condition_holds;
use super::document::{Effect, PolicyDocument, Statement};
use super::pattern::{action_matches, arn_tokens_match};
use super::principal::{PrincipalMatch, not_principal_matches, principal_matches, root_arn};
use super::variables::expand;

/// An identity policy (inline or managed) attached to the caller, with a name to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPolicy {
    /// Name used when reporting which policy decided.
    pub name: String,
    /// The parsed policy.
    pub document: PolicyDocument,
}

/// How the resource's own policy takes part in the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcePolicyKind {
    /// A Secrets Manager style resource policy: in the same account, an Allow in it or in an
    /// identity policy is enough, and the account root needs neither.
    Standard,
    /// A KMS key policy: nothing is allowed unless the key policy allows the caller, or names
    /// the caller's account (which then needs an identity-policy Allow, or a root caller).
    KmsKeyPolicy,
}

/// What is being asked: who calls, which action, on which resource owned by which account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestContext<'a> {
    /// User ARN, assumed-role session ARN, `arn:aws:iam::<account>:root`, or a service name.
    pub principal_arn: &'a str,
    /// Account the caller belongs to.
    pub principal_account: &'a str,
    /// `service:Operation`, e.g. `secretsmanager:GetSecretValue`.
    pub action: &'a str,
    /// The resource ARN, or `*` for actions without a resource.
    pub resource: &'a str,
    /// Account that owns the resource.
    pub resource_account: &'a str,
    /// Condition keys and their values, e.g. `("aws:SecureTransport", "true")`; a key listed
    /// more than once is multi-valued.
    pub condition_keys: &'a [(&'a str, &'a str)],
    /// The session policies of temporary credentials that carry some; `None` otherwise.
    pub session_policies: Option<&'a [NamedPolicy]>,
}

/// Which policy a statement came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySource {
    /// The identity policy with this name.
    Identity(String),
    /// The resource's own policy (resource policy or key policy).
    Resource,
    /// The session policy with this name (inline, or a managed policy's ARN).
    Session(String),
}

/// The statement behind a decision: its policy, position in that policy, and `Sid` if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The policy holding the statement.
    pub source: PolicySource,
    /// Position of the statement in that policy.
    pub index: usize,
    /// The statement's `Sid`, when it has one.
    pub sid: Option<String>,
}

/// Which kind of policy failed to allow, for the `because no … policy allows` wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingAllow {
    /// No identity-based policy allows the action.
    IdentityBased,
    /// No resource-based (or key) policy allows the action.
    ResourceBased,
    /// The identity policies allow, but the session policy does not.
    SessionPolicy,
}

/// The outcome of [`evaluate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// A matching Deny statement, which overrides every Allow.
    ExplicitDeny(StatementRef),
    /// The Allow statements that together grant the request; empty when the account root
    /// acts on its own account's resource without a policy saying so.
    Allow(Vec<StatementRef>),
    /// Nothing denied, but no sufficient Allow either.
    ImplicitDeny(MissingAllow),
}

/// Evaluates a request against the caller's identity policies and the resource's policy.
pub fn evaluate(
    identity_policies: &[NamedPolicy],
    resource_policy: Option<&PolicyDocument>,
    kind: ResourcePolicyKind,
    request: &RequestContext<'_>,
) -> Decision {
    let identity: Vec<(StatementRef, Effect)> = identity_policies
        .iter()
        .flat_map(|policy| {
            applicable(&policy.document, request).map(move |(index, statement)| {
                (
                    reference(
                        PolicySource::Identity(policy.name.clone()),
                        index,
                        statement,
                    ),
                    statement.effect,
                )
            })
        })
        .collect();
    let resource: Vec<(StatementRef, Effect, PrincipalMatch)> = resource_policy
        .into_iter()
        .flat_map(|document| applicable(document, request))
        .filter_map(|(index, statement)| {
            let covered = statement_principal(statement, request);
            (covered != PrincipalMatch::NotCovered).then(|| {
                (
                    reference(PolicySource::Resource, index, statement),
                    statement.effect,
                    covered,
                )
            })
        })
        .collect();

    let session: Option<Vec<(StatementRef, Effect)>> = request.session_policies.map(|policies| {
        policies
            .iter()
            .flat_map(|policy| {
                applicable(&policy.document, request).map(move |(index, statement)| {
                    (
                        reference(PolicySource::Session(policy.name.clone()), index, statement),
                        statement.effect,
                    )
                })
            })
            .collect()
    });

    let deny = identity
        .iter()
        .find(|(_, effect)| *effect == Effect::Deny)
        .map(|(found, _)| found)
        .or_else(|| {
            resource
                .iter()
                .find(|(_, effect, _)| *effect == Effect::Deny)
                .map(|(found, _, _)| found)
        })
        .or_else(|| {
            session
                .iter()
                .flatten()
                .find(|(_, effect)| *effect == Effect::Deny)
                .map(|(found, _)| found)
        });
    if let Some(found) = deny {
        return Decision::ExplicitDeny(found.clone());
    }
    // With a session policy, what the identity side grants must also be in it.
    let session_allow: Option<Option<StatementRef>> = session.as_ref().map(|statements| {
        statements
            .iter()
            .find(|(_, effect)| *effect == Effect::Allow)
            .map(|(found, _)| found.clone())
    });

    let identity_allow = identity
        .iter()
        .find(|(_, effect)| *effect == Effect::Allow)
        .map(|(found, _)| found.clone());
    let resource_allow = |wanted: PrincipalMatch| {
        resource
            .iter()
            .find(|(_, effect, covered)| *effect == Effect::Allow && *covered == wanted)
            .map(|(found, _, _)| found.clone())
    };
    let direct_allow = resource_allow(PrincipalMatch::Caller);
    let delegating_allow = resource_allow(PrincipalMatch::CallersAccount);
    let caller_is_root = request.principal_arn == root_arn(request.principal_account);
    let same_account = request.principal_account == request.resource_account;

    // The caller's own account grants the call: by an identity policy, or because it is root.
    let identity_grant = identity_allow
        .map(|found| vec![found])
        .or_else(|| caller_is_root.then(Vec::new));
    let (identity_grant, missing_identity) = match (identity_grant, session_allow) {
        (None, _) => (None, MissingAllow::IdentityBased),
        (Some(granted), None) => (Some(granted), MissingAllow::IdentityBased),
        (Some(granted), Some(Some(found))) => {
            (Some(with_last(granted, found)), MissingAllow::IdentityBased)
        }
        (Some(_), Some(None)) => (None, MissingAllow::SessionPolicy),
    };

    match (same_account, kind) {
        (true, ResourcePolicyKind::Standard) => match (direct_allow, identity_grant) {
            (Some(found), _) => Decision::Allow(vec![found]),
            (None, Some(granted)) => Decision::Allow(granted),
            (None, None) => Decision::ImplicitDeny(missing_identity),
        },
        (true, ResourcePolicyKind::KmsKeyPolicy) => {
            match (direct_allow, delegating_allow, identity_grant) {
                (Some(found), _, _) => Decision::Allow(vec![found]),
                (None, Some(found), Some(granted)) => Decision::Allow(with(found, granted)),
                (None, Some(_), None) => Decision::ImplicitDeny(missing_identity),
                (None, None, _) => Decision::ImplicitDeny(MissingAllow::ResourceBased),
            }
        }
        // Across accounts both sides must allow, whatever the kind of resource policy.
        (false, _) => match (direct_allow.or(delegating_allow), identity_grant) {
            (Some(found), Some(granted)) => Decision::Allow(with(found, granted)),
            (Some(_), None) => Decision::ImplicitDeny(missing_identity),
            (None, _) => Decision::ImplicitDeny(MissingAllow::ResourceBased),
        },
    }
}

/// Statements of `document` whose action and resource blocks cover the request.
fn applicable<'d>(
    document: &'d PolicyDocument,
    request: &RequestContext<'_>,
) -> impl Iterator<Item = (usize, &'d Statement)> {
    let action = request.action;
    let resource = request.resource;
    let condition_keys = request.condition_keys;
    let variables = document.variables;
    document
        .statements
        .iter()
        .enumerate()
        .filter(move |(_, statement)| {
            let action_listed = statement
                .actions
                .iter()
                .any(|pattern| action_matches(pattern, action));
            let resource_listed = statement.resources.iter().any(|pattern| {
                expand(pattern, condition_keys, variables)
                    .is_some_and(|tokens| arn_tokens_match(&tokens, resource, true))
            });
            statement
                .conditions
                .iter()
                .all(|condition| condition_holds(condition, condition_keys, variables))
                && action_listed != statement.negated_actions
                && resource_listed != statement.negated_resources
        })
}

fn statement_principal(statement: &Statement, request: &RequestContext<'_>) -> PrincipalMatch {
    match (&statement.principal, statement.negated_principal) {
        (None, _) => PrincipalMatch::NotCovered,
        (Some(spec), false) => {
            principal_matches(spec, request.principal_arn, request.principal_account)
        }
        (Some(spec), true) => {
            not_principal_matches(spec, request.principal_arn, request.principal_account)
        }
    }
}

fn reference(source: PolicySource, index: usize, statement: &Statement) -> StatementRef {
    StatementRef {
        source,
        index,
        sid: statement.sid.clone(),
    }
}

fn with(first: StatementRef, mut rest: Vec<StatementRef>) -> Vec<StatementRef> {
    rest.insert(0, first);
    rest
}

fn with_last(mut first: Vec<StatementRef>, last: StatementRef) -> Vec<StatementRef> {
    first.push(last);
    first
}
