//! `GET /_lockbox/export` and `POST /_lockbox/import`: the whole state as a seed document
//! (see [`crate::seed`] for the format and what an encrypted export contains).
//!
//! Export writes secret values encrypted unless `?plaintext=true` is given; `?format=yaml`
//! writes YAML. Import reads JSON, or YAML when the `Content-Type` mentions yaml, and answers
//! with the [`crate::seed::ApplyReport`] or a 400 `{"error": ...}` naming what is wrong.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::app::AppState;
use crate::seed::{self, Format};

/// Query of `GET /_lockbox/export`.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    plaintext: Option<bool>,
    format: Option<String>,
}

fn error(status: StatusCode, message: String) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// `GET /_lockbox/export[?plaintext=true][&format=yaml]`.
pub async fn export(
    State(app): State<Arc<AppState>>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let format = match query.format.as_deref() {
        None | Some("json") => Format::Json,
        Some("yaml") => Format::Yaml,
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("format must be json or yaml, got '{other}'"),
            );
        }
    };
    let plaintext = query.plaintext.unwrap_or(false);
    let rendered = seed::export(&app, plaintext).and_then(|doc| seed::render(&doc, format));
    match rendered {
        Ok(body) => {
            tracing::info!(plaintext, "state exported");
            let content_type = match format {
                Format::Json => "application/json",
                Format::Yaml => "application/yaml",
            };
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        Err(message) => error(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// `POST /_lockbox/import` with a seed document as the body.
pub async fn import(State(app): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let yaml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("yaml"));
    let format = if yaml { Format::Yaml } else { Format::Json };
    let document = match seed::parse(&body, format) {
        Ok(document) => document,
        Err(message) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("invalid document: {message}"),
            );
        }
    };
    match seed::apply(&app, &document) {
        Ok(report) => {
            tracing::info!(?report, "document imported");
            (StatusCode::OK, axum::Json(report)).into_response()
        }
        Err(message) => error(StatusCode::BAD_REQUEST, message),
    }
}
