//! The admin surface under `/_lockbox/` (not AWS): health, reset, the audit trail, the virtual
//! clock ([`clock`]) and export/import ([`transfer`]), plus `/moto-api/reset` so suites written
//! against moto's server work unchanged. Everything but health is behind [`access::guard`]:
//! never from a browser, and with the instance owner's credential where one is needed.

pub mod access;
pub mod clock;
pub mod transfer;

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::audit::Calls;
use crate::config::is_account_id;
use crate::protocol;

/// `GET /_lockbox/health`: status, version, auth mode, store (`memory` or `sqlite` with a
/// data dir) and the services served.
pub async fn health(State(app): State<Arc<AppState>>) -> Json<Value> {
    let services: serde_json::Map<String, Value> = protocol::served_signing_names()
        .map(|name| (name.to_owned(), json!("available")))
        .collect();
    Json(json!({
        "status": "running",
        "version": env!("CARGO_PKG_VERSION"),
        "auth": app.auth.mode().to_string(),
        "store": if app.journal.store().is_some() { "sqlite" } else { "memory" },
        "services": services,
    }))
}

/// Query of `GET /_lockbox/events`.
#[derive(Debug, Default, Deserialize)]
pub struct EventsQuery {
    account: Option<String>,
    #[serde(default)]
    calls: Calls,
}

/// `GET /_lockbox/events[?account=<12 digits>][&calls=relayed|direct|all]`: the audit trail as
/// CloudTrail records (`{"Records": [...]}`, oldest first). By default the KMS calls Secrets
/// Manager made on callers' behalf (`relayed`), as before direct calls were recorded;
/// `direct` gives every authenticated Secrets Manager and KMS call clients made, `all` both.
/// The CloudTrail LookupEvents API comes later.
pub async fn events(
    State(app): State<Arc<AppState>>,
    Query(query): Query<EventsQuery>,
) -> Json<Value> {
    let records = app.audit.records(query.account.as_deref(), query.calls);
    Json(json!({ "Records": records }))
}

#[derive(Debug, Default, Deserialize)]
struct ResetRequest {
    account: Option<String>,
}

/// `POST /_lockbox/reset` (and `/moto-api/reset`): wipes all state, or one account's with
/// the body `{"account": "<12 digits>"}`.
pub async fn reset(State(app): State<Arc<AppState>>, body: Bytes) -> (StatusCode, Json<Value>) {
    let request: ResetRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResetRequest::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(_) => {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(
                        json!({"error": "expected an empty body or {\"account\": \"<12-digit id>\"}"}),
                    ),
                );
            }
        }
    };
    if let Some(account) = request.account.as_deref().filter(|a| !is_account_id(a)) {
        tracing::debug!(%account, "reset refused");
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "account must be 12 digits"})),
        );
    }
    if let Err(error) = app.reset(request.account.as_deref()) {
        tracing::error!(%error, "the reset could not be stored");
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": format!("the reset could not be stored: {error}")})),
        );
    }
    match request.account {
        Some(account) => {
            tracing::info!(%account, "state of one account reset");
            (StatusCode::OK, Json(json!({"reset": account})))
        }
        None => {
            tracing::info!("all state reset");
            (StatusCode::OK, Json(json!({"reset": "all"})))
        }
    }
}
