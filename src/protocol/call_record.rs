//! The audit record of every authenticated call, made here at the edge from the request, the
//! caller and the outcome: CloudTrail's common fields from the request context, the
//! operation's name and `readOnly` from the operation table, and `requestParameters` /
//! `responseElements` from the members the service allows to be recorded (never a secret
//! value, a plaintext, a ciphertext or key material). What the client sent is kept within
//! CloudTrail's limits (`audit::bounds`), so a refused megabyte request leaves a small record.

use crate::api::RequestCtx;
use crate::api::access::audit_error_code;
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
    /// The VPC endpoint the request came through, when it arrived on an endpoint's listener.
    pub vpc_endpoint: Option<std::sync::Arc<crate::config::VpcEndpoint>>,
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
        event_id: ctx.event_id.clone(),
        at: ctx.now,
        source_ip_address: origin.source_ip_address.clone(),
        user_agent: origin.user_agent.clone(),
        request_parameters: allowed_members(
            body,
            <Op::Service as JsonService>::AUDITED_REQUEST_MEMBERS,
        ),
        response_elements,
        error: outcome.err().map(|error| {
            (
                audit_error_code(error.code()),
                error.message().map(String::from),
            )
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{CommonError, Principal};
    use crate::audit::Calls;
    use crate::audit::bounds::{MAX_MEMBERS_BYTES, MAX_TEXT_BYTES};
    use crate::secretsmanager::Operation;

    fn ctx() -> RequestCtx {
        RequestCtx {
            request_id: "r".into(),
            event_id: "e".into(),
            principal: Principal::root("111111111111", "111111111111"),
            region: "us-east-1".into(),
            now: time::OffsetDateTime::UNIX_EPOCH,
            access: crate::api::access::Access::unchecked("Test"),
        }
    }

    /// The one direct record in `audit`, as JSON.
    fn only_record(audit: &AuditLog) -> serde_json::Value {
        let records = audit.records(None, Calls::Direct);
        assert_eq!(records.len(), 1);
        serde_json::to_value(&records[0]).unwrap()
    }

    #[test]
    fn what_the_client_sent_is_kept_within_cloudtrails_limits() {
        let audit = AuditLog::new();
        let secret_id = "s".repeat(1_000_000);
        let body = serde_json::json!({"SecretId": secret_id, "VersionStage": "AWSCURRENT"});
        let error = CommonError::Validation(format!("Value '{secret_id}' at 'secretId' is long"));
        let origin = Origin {
            source_ip_address: Some("127.0.0.1".into()),
            user_agent: Some(format!("agent/{}", "a".repeat(5000))),
            vpc_endpoint: None,
        };
        record_call(
            &audit,
            Operation::GetSecretValue,
            &ctx(),
            &origin,
            body.to_string().as_bytes(),
            Err(&error),
        );
        let record = only_record(&audit);
        assert_eq!(
            record["requestParameters"],
            serde_json::json!({"versionStage": "AWSCURRENT", "omitted": true})
        );
        let message = record["errorMessage"].as_str().unwrap();
        assert!(message.len() <= MAX_TEXT_BYTES, "{}", message.len());
        assert!(message.starts_with("Value 'sss") && message.ends_with("..."));
        let agent = record["userAgent"].as_str().unwrap();
        assert!(agent.len() <= MAX_TEXT_BYTES && agent.starts_with("agent/aaa"));
        assert!(record.to_string().len() < 4 * 1024);
        assert!(
            audit.retained_bytes() < 4 * 1024,
            "{}",
            audit.retained_bytes()
        );
    }

    #[test]
    fn parameters_within_the_limit_are_kept_whole() {
        let audit = AuditLog::new();
        let description = "d".repeat(MAX_MEMBERS_BYTES / 2);
        let body = serde_json::json!({"Name": "app", "Description": description});
        record_call(
            &audit,
            Operation::CreateSecret,
            &ctx(),
            &Origin::default(),
            body.to_string().as_bytes(),
            Err(&CommonError::InternalFailure),
        );
        assert_eq!(
            only_record(&audit)["requestParameters"],
            serde_json::json!({"name": "app", "description": description})
        );
    }
}
