//! The awsJson1_1 edge: body limit -> `X-Amz-Target` -> SigV4 -> decode -> call -> encode ->
//! audit record. Requests without `X-Amz-Target` that carry a form body are awsQuery (STS) and
//! go to [`query`], which follows the same steps with its own decoding, encoding and errors.
//!
//! One request id is made here and used in the `x-amzn-RequestId` header, the log span and
//! the audit record. Every authenticated call of a served operation is recorded in the audit
//! trail, success or failure ([`call_record`]). Errors are logged once, in this layer, with
//! their code; internal causes were logged where they happened and only a generic message is
//! sent. This is the only layer below the app that knows HTTP.

pub mod call_record;
pub mod dispatch;
pub mod query;
pub mod target;

#[cfg(test)]
mod edge_tests;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use http_body_util::{BodyExt as _, Limited};
use tracing::Instrument as _;

use crate::api::RequestCtx;
use crate::api::access::{Access, AccessDeniedError};
use crate::api::error::{CommonError, WireError, error_body};
use crate::api::operation::OperationTable;
use crate::app::AppState;
use crate::authz::request_keys::request_keys;
use crate::authz::{Authorizer, authorize_without_resource};
use crate::clock::Clock as _;
use crate::sigv4;
use call_record::{Origin, record_call};
use target::{Service, Target};

/// Content type of every awsJson1_1 response.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Serves one AWS API request.
pub async fn handle(State(app): State<Arc<AppState>>, request: Request) -> Response {
    let request_id = crate::crypto::random_uuid();
    let span = tracing::info_span!("request", %request_id, op = tracing::field::Empty, account = tracing::field::Empty);
    let started = Instant::now();
    async move {
        if query::is_query_request(request.headers()) {
            let (status, body) = query::serve(&app, &request_id, request).await;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            tracing::debug!(
                status = status.as_u16(),
                micros = started.elapsed().as_micros() as u64,
                "request done"
            );
            return respond_as(status, &request_id, query::CONTENT_TYPE, body);
        }
        let (status, body) = match serve(&app, &request_id, request).await {
            Ok(body) => (StatusCode::OK, body),
            Err(error) => {
                let status = StatusCode::from_u16(error.status())
                    .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let code = error.code();
                if status.is_server_error() {
                    tracing::error!(code, status = status.as_u16(), "request failed");
                } else {
                    tracing::info!(code, status = status.as_u16(), "request refused");
                }
                (status, error_body(error.as_ref()))
            }
        };
        tracing::debug!(
            status = status.as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "request done"
        );
        respond(status, &request_id, body)
    }
    .instrument(span)
    .await
}

async fn serve(
    app: &AppState,
    request_id: &str,
    request: Request,
) -> Result<Vec<u8>, Box<dyn WireError + Send>> {
    let (parts, body) = request.into_parts();
    let limit = app.config.max_request_bytes;
    if declared_length(&parts.headers).is_some_and(|length| length > limit as u64) {
        // Refused before a byte of the body is read: a client cannot make the server wait
        // for (or buffer) a body it announced as too large.
        return Err(boxed(CommonError::RequestTooLarge(limit)));
    }
    let body = read_body(body, limit).await.map_err(boxed)?;
    if parts.method != axum::http::Method::POST {
        return Err(boxed(CommonError::NotFound));
    }
    let target_header = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let (service, operation) = target::split_target(target_header)
        .ok_or_else(|| boxed(CommonError::UnknownOperation(None)))?;

    let headers: Vec<(&str, &[u8])> = parts
        .headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
        .collect();
    let signed = sigv4::Request {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body: &body,
    };
    let real_now = time::OffsetDateTime::now_utc();
    let caller = app
        .auth
        .authenticate(&signed, service.signing_name(), real_now)
        .map_err(boxed)?;
    tracing::Span::current().record("account", caller.principal.account_id.as_str());

    let target = target::resolve(service, operation).ok_or_else(|| {
        boxed(CommonError::UnknownOperation(Some(
            target::unknown_operation_message(service, operation),
        )))
    })?;
    tracing::Span::current().record("op", target.operation_name());
    let origin = origin_of(&parts);
    let ctx = RequestCtx {
        request_id: request_id.to_owned(),
        event_id: crate::crypto::random_uuid(),
        principal: caller.principal,
        region: caller.region,
        now: app.clock.now(),
        access: access_of(
            app,
            service.signing_name(),
            target.operation_name(),
            &origin,
            &body,
        ),
    };
    let signing_name = service.signing_name();
    match target {
        Target::SecretsManager(op) => serve_operation(
            app,
            &app.secrets_manager,
            op,
            &ctx,
            &origin,
            &body,
            signing_name,
        ),
        Target::Kms(op) => serve_operation(app, &*app.kms, op, &ctx, &origin, &body, signing_name),
    }
}

/// The authorization facts of a request to the service signing as `signing_name`: its
/// operation, the authorizer in the configured mode (over `app.identities`), and the condition
/// keys its JSON parameters and its connection supply. Every edge building a `RequestCtx` for
/// a client's call uses this.
pub fn access_of(
    app: &AppState,
    signing_name: &str,
    operation: &'static str,
    origin: &Origin,
    body: &[u8],
) -> Access {
    let mut request_keys = request_keys(signing_name, operation, body);
    match &origin.vpc_endpoint {
        // Through an interface endpoint AWS knows the endpoint and its VPC, not a public
        // source address.
        Some(endpoint) => {
            request_keys.push(("aws:SourceVpce".to_owned(), endpoint.id.clone()));
            request_keys.push(("aws:SourceVpc".to_owned(), endpoint.vpc.clone()));
        }
        None => {
            if let Some(address) = &origin.source_ip_address {
                request_keys.push(("aws:SourceIp".to_owned(), address.clone()));
            }
        }
    }
    let endpoint_policy = origin
        .vpc_endpoint
        .as_ref()
        .and_then(|endpoint| endpoint.policy.clone());
    if let Some(agent) = &origin.user_agent {
        request_keys.push(("aws:UserAgent".to_owned(), agent.clone()));
    }
    Access {
        operation,
        gate: Arc::new(
            Authorizer::new(app.config.iam, Arc::clone(&app.identities))
                .with_endpoint_policy(endpoint_policy),
        ),
        request_keys,
        via_service: None,
    }
}

/// Authorizes `op` when it names no resource, decodes, calls and encodes it, then records
/// the call in the audit trail.
fn serve_operation<Op: OperationTable>(
    app: &AppState,
    service: &Op::Service,
    op: Op,
    ctx: &RequestCtx,
    origin: &Origin,
    body: &[u8],
    signing_name: &str,
) -> Result<Vec<u8>, Box<dyn WireError + Send>> {
    if let Some(Err(message)) = authorize_without_resource(ctx, signing_name) {
        let denied = AccessDeniedError {
            message,
            modeled: signing_name == "secretsmanager",
        };
        record_call(&app.audit, op, ctx, origin, body, Err(&denied));
        return Err(boxed(denied));
    }
    let outcome = dispatch::call(service, op, ctx, body);
    let recorded = match &outcome {
        Ok(response) => Ok(response.as_slice()),
        Err(error) => Err(error as &dyn WireError),
    };
    record_call(&app.audit, op, ctx, origin, body, recorded);
    outcome.map_err(boxed)
}

/// Where the request came from: the peer address (when the server passes it on) and the
/// `User-Agent` header.
fn origin_of(parts: &axum::http::request::Parts) -> Origin {
    Origin {
        source_ip_address: parts
            .extensions
            .get::<ConnectInfo<std::net::SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip().to_string()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        vpc_endpoint: parts
            .extensions
            .get::<Arc<crate::config::VpcEndpoint>>()
            .cloned(),
    }
}

/// Which services this build serves, for the health endpoint.
pub fn served_services() -> impl Iterator<Item = Service> {
    Service::ALL.into_iter()
}

/// The signing names of every service this build serves, JSON and awsQuery alike.
pub fn served_signing_names() -> impl Iterator<Item = &'static str> {
    served_services()
        .map(Service::signing_name)
        .chain(query::served_signing_names())
}

/// The `Content-Length` the client announced, if it sent a valid one.
fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

async fn read_body(body: Body, limit: usize) -> Result<bytes::Bytes, CommonError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => {
            Err(CommonError::RequestTooLarge(limit))
        }
        Err(error) => {
            tracing::info!(%error, "could not read the request body");
            Err(CommonError::Serialization(
                "The request body could not be read.".into(),
            ))
        }
    }
}

/// A bug must never take the server down or leak its cause: a panicking request gets the
/// generic 500 `InternalFailure` (with a fresh request id), its connection stays usable, and the
/// panic is logged.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    tracing::error!(cause, "request handler panicked");
    let request_id = crate::crypto::random_uuid();
    respond(
        StatusCode::INTERNAL_SERVER_ERROR,
        &request_id,
        error_body(&CommonError::InternalFailure),
    )
}

/// The answer to a request whose body did not arrive within `seconds`: the AWS-shaped
/// `408 RequestTimeoutException` (with a fresh request id; no handler saw the request).
pub fn body_timeout_response(seconds: u64) -> Response {
    let request_id = crate::crypto::random_uuid();
    respond(
        StatusCode::REQUEST_TIMEOUT,
        &request_id,
        error_body(&CommonError::RequestTimeout(seconds)),
    )
}

fn boxed<E: WireError + Send + 'static>(error: E) -> Box<dyn WireError + Send> {
    Box::new(error)
}

fn respond(status: StatusCode, request_id: &str, body: Vec<u8>) -> Response {
    respond_as(status, request_id, CONTENT_TYPE, body)
}

fn respond_as(
    status: StatusCode,
    request_id: &str,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_late_body_is_answered_with_an_aws_shaped_request_timeout() {
        let response = body_timeout_response(7);
        assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
        assert!(response.headers().contains_key("x-amzn-requestid"));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            &body[..],
            br#"{"__type":"RequestTimeoutException","message":"The request body was not received within 7 seconds."}"#
        );
    }

    #[tokio::test]
    async fn a_panic_becomes_a_generic_internal_failure() {
        let response = panic_response(Box::new("secret detail".to_owned()));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().contains_key("x-amzn-requestid"));
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(
            &body[..],
            br#"{"__type":"InternalFailure","message":"An internal error occurred."}"#
        );
    }
}
