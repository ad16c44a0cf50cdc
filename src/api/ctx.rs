//! What every operation knows about the request it serves.

use time::OffsetDateTime;

use super::Principal;

/// Per-request context, built once at the edge and passed down by reference.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// The id sent in `x-amzn-RequestId`, logged and put in the audit record.
    pub request_id: String,
    /// Who signed the request; carries the account.
    pub principal: Principal,
    /// Region from the SigV4 credential scope.
    pub region: String,
    /// The (possibly virtual) time the request is processed at.
    pub now: OffsetDateTime,
}

impl RequestCtx {
    /// The account the request acts in.
    pub fn account(&self) -> &str {
        &self.principal.account_id
    }
}
