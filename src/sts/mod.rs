//! AWS STS: who the caller is (`GetCallerIdentity`) and temporary credentials
//! (`GetSessionToken`, `AssumeRole`, `AssumeRoleWithWebIdentity` for the OpenID Connect
//! providers of the config file), served over awsQuery by `protocol::query`.
//!
//! Temporary credentials go into the shared [`SessionRegistry`], which authentication reads;
//! they expire on the virtual clock (`RequestCtx::now`). Roles, their trust policies, the
//! caller's identity policies and MFA devices come from the [`IdentityDirectory`] (IAM), so STS
//! knows nothing of how identities are stored.

mod error;
pub mod limits;
mod model;
mod operations;
mod ops;

use std::sync::Arc;

pub use error::StsError;
pub use operations::Operation;

use crate::api::operation::{JsonService, QueryService};
use crate::auth::SessionRegistry;
use crate::config::OidcProvider;
use crate::identity::IdentityDirectory;

/// The STS service.
#[derive(Debug, Clone)]
pub struct Sts {
    sessions: Arc<SessionRegistry>,
    directory: Arc<dyn IdentityDirectory>,
    oidc_providers: Arc<[OidcProvider]>,
}

impl Sts {
    /// STS issuing into `sessions` and asking `directory` about roles, policies and MFA.
    pub fn new(sessions: Arc<SessionRegistry>, directory: Arc<dyn IdentityDirectory>) -> Self {
        Sts {
            sessions,
            directory,
            oidc_providers: Arc::from([]),
        }
    }

    /// This STS trusting `providers` for `AssumeRoleWithWebIdentity`.
    pub fn with_oidc_providers(mut self, providers: Vec<OidcProvider>) -> Self {
        self.oidc_providers = Arc::from(providers);
        self
    }
}

impl JsonService for Sts {
    type Error = StsError;
    const EVENT_SOURCE: &'static str = "sts.amazonaws.com";
    const AUDITED_REQUEST_MEMBERS: &'static [&'static str] = &[
        "RoleArn",
        "RoleSessionName",
        "DurationSeconds",
        "ExternalId",
        "SerialNumber",
        "SourceIdentity",
        "PolicyArns",
        "ProviderId",
        "Tags",
        "TransitiveTagKeys",
    ];
    const AUDITED_RESPONSE_MEMBERS: &'static [&'static str] = &[];
}

impl QueryService for Sts {
    const XML_NAMESPACE: &'static str = "https://sts.amazonaws.com/doc/2011-06-15/";
    const API_VERSION: &'static str = "2011-06-15";
}
