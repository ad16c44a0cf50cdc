//! What every operation knows about the request it serves.

use time::OffsetDateTime;

use super::Principal;
use super::access::Access;

/// Per-request context, built once at the edge and passed down by reference.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// The id sent in `x-amzn-RequestId`, logged and put in the audit record.
    pub request_id: String,
    /// The `eventID` of the call's audit record (made at the edge with the request id), so
    /// what the call records elsewhere (a key's last use) can point at that record.
    pub event_id: String,
    /// Who signed the request; carries the account.
    pub principal: Principal,
    /// Region from the SigV4 credential scope.
    pub region: String,
    /// The (possibly virtual) time the request is processed at.
    pub now: OffsetDateTime,
    /// The operation, its condition keys and the gate that authorizes it.
    pub access: Access,
}

impl RequestCtx {
    /// The account the request acts in.
    pub fn account(&self) -> &str {
        &self.principal.account_id
    }
}

#[cfg(test)]
impl RequestCtx {
    /// A request of the root user of account 111111111111 in us-east-1, served at `now`
    /// (for unit tests that call services directly).
    pub fn for_tests(now: OffsetDateTime) -> RequestCtx {
        RequestCtx {
            request_id: "r".into(),
            event_id: "e".into(),
            principal: Principal::root("111111111111", "test"),
            region: "us-east-1".into(),
            now,
            access: Access::unchecked("Test"),
        }
    }
}
