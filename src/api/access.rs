//! What a request carries for authorization, and the seam services ask through.
//!
//! Services know their resources (a secret's ARN, tags and resource policy; a key's ARN, key
//! policy and grants); the authorizer (`crate::authz`, above the services) knows identities,
//! policies and the evaluation logic. A service describes the access it is about to give as an
//! [`AccessRequest`] and asks the request's [`AccessGate`] (carried in [`Access`] on the
//! `RequestCtx`), which answers with nothing or the `AccessDeniedException` text.

use std::sync::Arc;

use super::RequestCtx;

/// The authorization facts of one request, set at the edge.
#[derive(Debug, Clone)]
pub struct Access {
    /// The operation's name (`GetSecretValue`), from which actions are named.
    pub operation: &'static str,
    /// Who decides.
    pub gate: Arc<dyn AccessGate>,
    /// Condition keys the request itself supplies: its parameters (`kms:EncryptionContext:*`,
    /// `secretsmanager:VersionStage`, `aws:RequestTag/*`, ...) and where it came from
    /// (`aws:SourceIp`). A key listed more than once is multi-valued.
    pub request_keys: Vec<(String, String)>,
    /// The service calling KMS for the caller (`secretsmanager.<region>.amazonaws.com`), on
    /// the calls Secrets Manager makes; `None` on direct calls.
    pub via_service: Option<String>,
}

impl Access {
    /// Access for in-process calls that are not the caller's to authorize (seeding, unit
    /// tests): every check passes.
    pub fn unchecked(operation: &'static str) -> Access {
        Access {
            operation,
            gate: Arc::new(AllowAll),
            request_keys: Vec::new(),
            via_service: None,
        }
    }
}

/// The resource's own policy, as the service stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourcePolicy<'a> {
    /// No resource (`*`), so no resource policy.
    None,
    /// A secret's resource policy, if it has one.
    Secret(Option<&'a str>),
    /// A KMS key's key policy.
    Key(&'a str),
}

/// One access a service is about to give.
#[derive(Debug, Clone)]
pub struct AccessRequest<'a> {
    /// `service:Action`, e.g. `kms:Decrypt`.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: &'a str,
    /// The account owning the resource (the caller's for `*`).
    pub resource_account: &'a str,
    /// How the resource is named in a denial: the `SecretId` as the caller passed it for
    /// Secrets Manager, the key ARN for KMS.
    pub shown_resource: &'a str,
    /// The resource's policy.
    pub policy: ResourcePolicy<'a>,
    /// Condition keys of the resource (`aws:ResourceTag/*`, `kms:KeySpec`, ...).
    pub resource_keys: Vec<(String, String)>,
    /// The id of a KMS grant that allows this call for this caller, if one does.
    pub granted_by: Option<String>,
}

/// What a service knows of one of its resources for authorization, owned, for the admin
/// `explain` endpoint (requests in flight borrow from the resource instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFacts {
    /// The resource ARN.
    pub arn: String,
    /// The owning account.
    pub account: String,
    /// A KMS key (its policy is a key policy) rather than a secret.
    pub is_key: bool,
    /// The resource policy or key policy, if any.
    pub policy: Option<String>,
    /// The resource's condition keys.
    pub resource_keys: Vec<(String, String)>,
    /// A grant on the key allowing the call to the caller, if one does.
    pub granted_by: Option<String>,
}

impl ResourceFacts {
    /// The access `action` on this resource.
    pub fn request(&self, action: String) -> AccessRequest<'_> {
        AccessRequest {
            action,
            resource: &self.arn,
            resource_account: &self.account,
            shown_resource: &self.arn,
            policy: match (self.is_key, &self.policy) {
                (true, Some(policy)) => ResourcePolicy::Key(policy),
                (true, None) => ResourcePolicy::Key(""),
                (false, policy) => ResourcePolicy::Secret(policy.as_deref()),
            },
            resource_keys: self.resource_keys.clone(),
            granted_by: self.granted_by.clone(),
        }
    }
}

/// Decides whether the request's caller may have an access.
pub trait AccessGate: Send + Sync + std::fmt::Debug {
    /// `Ok` when allowed; otherwise the `AccessDeniedException` message.
    fn check(&self, ctx: &RequestCtx, request: &AccessRequest<'_>) -> Result<(), String>;

    /// Whether a resource of another account, named by its ARN, may be reached at all (then
    /// its policies decide). Without policy evaluation accounts stay fully apart.
    fn reaches_other_accounts(&self) -> bool {
        false
    }
}

/// The gate of in-process calls nobody authorizes.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl AccessGate for AllowAll {
    fn check(&self, _: &RequestCtx, _: &AccessRequest<'_>) -> Result<(), String> {
        Ok(())
    }
}

impl RequestCtx {
    /// Asks the request's gate about `request`.
    pub fn authorize(&self, request: &AccessRequest<'_>) -> Result<(), String> {
        self.access.gate.check(self, request)
    }

    /// `<service>:<this operation>`.
    pub fn action(&self, service: &str) -> String {
        format!("{service}:{}", self.access.operation)
    }
}

/// The `errorCode` an audit record carries for a refused call: CloudTrail records AWS's
/// authorization failures as `AccessDenied`; every other code as sent.
pub fn audit_error_code(code: &'static str) -> &'static str {
    match code {
        "AccessDeniedException" => "AccessDenied",
        other => other,
    }
}

/// A refusal raised before the service sees the request (an action without a resource, such
/// as `ListSecrets` or `CreateKey`), in the service's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessDeniedError {
    /// AWS's text.
    pub message: String,
    /// The service sends `Message` (Secrets Manager) rather than `message` (KMS).
    pub modeled: bool,
}

impl super::WireError for AccessDeniedError {
    fn code(&self) -> &'static str {
        "AccessDeniedException"
    }

    fn status(&self) -> u16 {
        400
    }

    fn message(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.message.as_str().into())
    }

    fn modeled(&self) -> bool {
        self.modeled
    }
}
