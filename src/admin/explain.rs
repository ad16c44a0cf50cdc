//! `POST /_lockbox/explain`: what authorization decides for a principal, an action and a
//! resource of this instance, and why, without calling anything. The body is
//! `{"principal": "<ARN or access key id>", "action": "kms:Decrypt", "resource": "<secret or key ARN, or *>",
//! "region": "us-east-1", "context": {"aws:SourceIp": "10.0.0.1", "aws:TagKeys": ["a", "b"]}}`
//! (`region` defaults to the resource's, `context` adds request condition keys); the answer
//! is `{"decision": "Allow" | "ExplicitDeny" | "ImplicitDeny", "statements": [...],
//! "grant": ..., "message": ...}` with the deciding statements and AWS's denial text. The
//! evaluation is the one requests get, whatever `--iam` says.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::access::{Access, ResourceFacts};
use crate::api::{Principal, RequestCtx};
use crate::app::AppState;
use crate::authz::Authorizer;
use crate::clock::Clock as _;
use crate::config::IamMode;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExplainRequest {
    principal: String,
    action: String,
    resource: String,
    region: Option<String>,
    #[serde(default)]
    context: serde_json::Map<String, Value>,
}

fn refused(status: StatusCode, error: &str) -> (StatusCode, Json<Value>) {
    (status, Json(json!({"error": error})))
}

/// Serves `POST /_lockbox/explain`.
pub async fn explain(State(app): State<Arc<AppState>>, body: Bytes) -> (StatusCode, Json<Value>) {
    let Ok(request) = serde_json::from_slice::<ExplainRequest>(&body) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "expected {\"principal\": ARN, \"action\": \"service:Action\", \"resource\": ARN or \"*\", \"region\"?, \"context\"?}",
        );
    };
    let principal = if request.principal.starts_with("arn:") {
        let Some(account) = request
            .principal
            .split(':')
            .nth(4)
            .filter(|account| crate::config::is_account_id(account))
        else {
            return refused(
                StatusCode::BAD_REQUEST,
                "principal must be an IAM or STS ARN, or an access key id",
            );
        };
        Principal::from_arn(account, &request.principal, "explain")
    } else {
        // A key names its holder with everything it carries (a session's policies too).
        match app.auth.principal_of_key(&request.principal) {
            Some(principal) => principal,
            None => return refused(StatusCode::NOT_FOUND, "no access key has that id"),
        }
    };
    let account = principal.account_id.clone();
    let account = account.as_str();
    let Some((service, _)) = request.action.split_once(':') else {
        return refused(StatusCode::BAD_REQUEST, "action must be service:Action");
    };
    let region = request
        .region
        .clone()
        .or_else(|| {
            request
                .resource
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "us-east-1".to_owned());
    let mut request_keys = Vec::new();
    for (key, value) in &request.context {
        match value {
            Value::Array(values) => {
                for value in values {
                    request_keys.push((key.clone(), scalar(value)));
                }
            }
            value => request_keys.push((key.clone(), scalar(value))),
        }
    }
    let authorizer = Authorizer::new(IamMode::Enforce, Arc::clone(&app.identities));
    let ctx = RequestCtx {
        request_id: "explain".to_owned(),
        event_id: "explain".to_owned(),
        principal,
        region,
        now: app.clock.now(),
        access: Access {
            operation: "Explain",
            gate: Arc::new(authorizer.clone()),
            request_keys,
            via_service: None,
        },
    };
    // IAM has no resource policies: its entities are judged by identity policies alone.
    let facts = if request.resource == "*" || service.eq_ignore_ascii_case("iam") {
        Some(ResourceFacts {
            arn: request.resource.clone(),
            account: account.to_owned(),
            is_key: false,
            policy: None,
            resource_keys: Vec::new(),
            granted_by: None,
        })
    } else if service.eq_ignore_ascii_case("kms") {
        app.kms
            .resource_facts(&ctx, &request.resource, &request.action)
    } else {
        app.secrets_manager.resource_facts(&ctx, &request.resource)
    };
    let Some(facts) = facts else {
        return refused(StatusCode::NOT_FOUND, "no secret or key has that ARN");
    };
    let explained = authorizer.explain(&ctx, &facts.request(request.action.clone()));
    (
        StatusCode::OK,
        Json(json!({
            "decision": explained.decision,
            "statements": explained.statements,
            "details": explained.details,
            "grant": explained.grant,
            "message": explained.message,
            "principal": ctx.principal.arn,
        })),
    )
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
