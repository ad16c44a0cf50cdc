//! The audit record of every authenticated call, made here at the edge from the request, the
//! caller and the outcome: CloudTrail's common fields from the request context, the
//! operation's name and `readOnly` from the operation table, and `requestParameters` /
//! `responseElements` from the members the service allows to be recorded (never a secret
//! value, a plaintext, a ciphertext or key material).

use crate::api::RequestCtx;
use crate::api::error::WireError;
use crate::api::operation::{JsonService, OperationTable};
use crate::audit::members::allowed_members;
use crate::audit::{ApiCall, AuditLog, AuditRecord, UserIdentity};

/// What the edge knows about where a request came from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The peer's IP address, when the server passes it on.
    pub source_ip_address: Option<String>,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
}

/// Records the call of `op` with the request `body` and its outcome (the response body, or
/// the error sent).
pub fn record_call<Op: OperationTable>(
    audit: &AuditLog,
    op: Op,
    ctx: &RequestCtx,
    origin: &Origin,
    body: &[u8],
    outcome: Result<&[u8], &dyn WireError>,
) {
    audit.record(call_record(op, ctx, origin, body, outcome));
}

fn call_record<Op: OperationTable>(
    op: Op,
    ctx: &RequestCtx,
    origin: &Origin,
    body: &[u8],
    outcome: Result<&[u8], &dyn WireError>,
) -> AuditRecord {
    let response_elements = match outcome {
        Ok(response) if !op.read_only() => allowed_members(
            response,
            <Op::Service as JsonService>::AUDITED_RESPONSE_MEMBERS,
        ),
        _ => serde_json::Value::Null,
    };
    AuditRecord::api_call(ApiCall {
        event_source: <Op::Service as JsonService>::EVENT_SOURCE,
        event_name: op.name(),
        read_only: op.read_only(),
        identity: UserIdentity::of_principal(&ctx.principal),
        region: ctx.region.clone(),
        request_id: ctx.request_id.clone(),
        at: ctx.now,
        source_ip_address: origin.source_ip_address.clone(),
        user_agent: origin.user_agent.clone(),
        request_parameters: allowed_members(
            body,
            <Op::Service as JsonService>::AUDITED_REQUEST_MEMBERS,
        ),
        response_elements,
        error: outcome
            .err()
            .map(|error| (error.code(), error.message().map(String::from))),
    })
}
