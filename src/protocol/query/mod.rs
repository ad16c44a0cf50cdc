//! The awsQuery edge (STS and IAM): form-encoded `Action=..&Version=..`
//! requests in, XML documents out, on the same port and through the same SigV4 check, operation
//! tables and audit trail as the JSON services.
//!
//! A request is awsQuery when it has no `X-Amz-Target` and a form body
//! (`application/x-www-form-urlencoded`, as every SDK sends it). The service is the one the
//! credential scope names (`sts`); a request without a credential (the unsigned
//! `AssumeRoleWithWebIdentity`) goes to STS. Then: body under the size cap -> SigV4 ->
//! parameters ([`form`]) -> `Version` and `Action` resolved in the service's table -> input
//! decoded ([`decode`]) -> handler -> XML ([`encode`]) -> audit record. As on the JSON edge,
//! nothing of the body is judged before the caller is authenticated. Errors are the awsQuery
//! envelope in the service's namespace ([`fault`]), with the status of their code.

pub mod call;
pub mod decode;
pub mod encode;
pub mod fault;
pub mod form;

use axum::extract::Request;
use axum::http::header;
use serde_json::{Map, Value};

use crate::api::RequestCtx;
use crate::api::access::{AccessRequest, ResourcePolicy};
use crate::api::error::{CommonError, WireError};
use crate::api::operation::{OperationTable, QueryService};
use crate::app::AppState;
use crate::clock::Clock as _;
use crate::iam::{IamError, IamService, Operation as IamOperation};
use crate::sigv4;
use crate::sts::{Operation as StsOperation, Sts};

use super::call_record::{Origin, record_call};
use super::{declared_length, origin_of, read_body};
use fault::{EdgeError, query_fault};
use form::Node;

/// Content type of every awsQuery response.
pub const CONTENT_TYPE: &str = "text/xml";

/// True when `headers` announce an awsQuery request: no `X-Amz-Target`, and a form body.
pub fn is_query_request(headers: &axum::http::HeaderMap) -> bool {
    !headers.contains_key("x-amz-target")
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            })
}

/// A service served on this edge. Another awsQuery service (IAM) is added as a variant with
/// its signing name and namespace, chosen in [`QueryEndpoint::for_signing_name`], and served
/// by one more arm in `serve_request` over its own operation table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueryEndpoint {
    /// AWS STS (signing name `sts`).
    Sts,
    /// AWS IAM (signing name `iam`; global, so any Region in the scope).
    Iam,
}

impl QueryEndpoint {
    /// Every service served on this edge.
    const ALL: [QueryEndpoint; 1] = [QueryEndpoint::Sts];

    /// The service a credential scope's signing name picks; STS for anything else (the
    /// signature check then refuses a scope naming another service).
    fn for_signing_name(name: Option<&str>) -> QueryEndpoint {
        match name {
            Some("iam") => QueryEndpoint::Iam,
            _ => QueryEndpoint::Sts,
        }
    }

    fn signing_name(self) -> &'static str {
        match self {
            QueryEndpoint::Sts => "sts",
            QueryEndpoint::Iam => "iam",
        }
    }

    fn namespace(self) -> &'static str {
        match self {
            QueryEndpoint::Sts => <Sts as QueryService>::XML_NAMESPACE,
            QueryEndpoint::Iam => <IamService as QueryService>::XML_NAMESPACE,
        }
    }
}

/// The signing names of the services served on this edge, for the health endpoint.
pub fn served_signing_names() -> impl Iterator<Item = &'static str> {
    QueryEndpoint::ALL
        .into_iter()
        .map(QueryEndpoint::signing_name)
}

/// Serves one awsQuery request: the HTTP status and the XML body.
pub async fn serve(app: &AppState, request_id: &str, request: Request) -> (u16, Vec<u8>) {
    let mut namespace = QueryEndpoint::Sts.namespace();
    match serve_request(app, request_id, request, &mut namespace).await {
        Ok(body) => (200, body),
        Err(error) => {
            let fault = query_fault(error.as_ref());
            if fault.status >= 500 {
                tracing::error!(code = fault.code, status = fault.status, "request failed");
            } else {
                tracing::info!(code = fault.code, status = fault.status, "request refused");
            }
            (fault.status, encode::fault(namespace, &fault, request_id))
        }
    }
}

type Refusal = Box<dyn WireError + Send>;

fn boxed<E: WireError + Send + 'static>(error: E) -> Refusal {
    Box::new(error)
}

async fn serve_request(
    app: &AppState,
    request_id: &str,
    request: Request,
    namespace: &mut &'static str,
) -> Result<Vec<u8>, Refusal> {
    let (parts, body) = request.into_parts();
    let limit = app.config.max_request_bytes;
    if declared_length(&parts.headers).is_some_and(|length| length > limit as u64) {
        return Err(boxed(CommonError::RequestTooLarge(limit)));
    }
    let body = read_body(body, limit).await.map_err(boxed)?;
    if parts.method != axum::http::Method::POST {
        return Err(boxed(CommonError::NotFound));
    }
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
    let claimed = sigv4::claimed_credential(&signed).ok().flatten();
    let endpoint = QueryEndpoint::for_signing_name(claimed.as_ref().map(|c| c.service.as_str()));
    *namespace = endpoint.namespace();

    let real_now = time::OffsetDateTime::now_utc();
    let caller = if claimed.is_none() && asks_unsigned_action(&body) {
        anonymous_caller(app)
    } else {
        app.auth
            .authenticate(&signed, endpoint.signing_name(), real_now)
            .map_err(boxed)?
    };
    tracing::Span::current().record("account", caller.principal.account_id.as_str());

    let form = form::parse(&body).map_err(|error| {
        boxed(EdgeError::Malformed(match error {
            form::FormError::Conflict(name) => {
                format!("The parameter {} is given more than once.", shorten(&name))
            }
            form::FormError::BadName(name) => {
                format!("The parameter name {} is malformed.", shorten(&name))
            }
        }))
    })?;

    let origin = origin_of(&parts);
    let ctx = RequestCtx {
        request_id: request_id.to_owned(),
        event_id: crate::crypto::random_uuid(),
        principal: caller.principal,
        region: caller.region,
        now: app.clock.now(),
        // STS authorizes its own actions (trust policies); the gate is there for any check
        // that names a resource of the JSON services.
        access: crate::protocol::access_of(app, endpoint.signing_name(), "", &origin, &[]),
    };
    match endpoint {
        // STS authorizes its own actions: AssumeRole judges the trust policy together with the
        // caller's identity policies; GetCallerIdentity and GetSessionToken need no permission.
        QueryEndpoint::Sts => {
            serve_in::<StsOperation>(app, &app.sts, &form, &ctx, &origin, |_| None)
        }
        QueryEndpoint::Iam => {
            // Session-token credentials minted without MFA are unknown to IAM.
            if !crate::sts::limits::may_call_iam(&ctx.principal) {
                return Err(boxed(CommonError::UnrecognizedClient));
            }
            serve_in::<IamOperation>(app, &app.iam, &form, &ctx, &origin, |operation| {
                authorize_iam(app, &ctx, &form, operation)
            })
        }
    }
}

/// The STS actions AWS serves without credentials (`noAuth` in the model): the caller proves
/// who it is with the token in the request instead.
const UNSIGNED_ACTIONS: &[&str] = &["AssumeRoleWithWebIdentity"];

/// True when a request carrying no credential asks for one of the [`UNSIGNED_ACTIONS`].
fn asks_unsigned_action(body: &[u8]) -> bool {
    form::parse(body)
        .ok()
        .and_then(|form| form.action)
        .is_some_and(|action| UNSIGNED_ACTIONS.contains(&action.as_str()))
}

/// Who an unsigned request is: nobody, in the default account (its audit records say so);
/// the handler judges the request by its token alone.
fn anonymous_caller(app: &AppState) -> crate::auth::Authenticated {
    let account = app.config.default_account.clone();
    crate::auth::Authenticated {
        principal: crate::api::Principal {
            user_id: String::new(),
            ..crate::api::Principal::from_arn(&account, "", "")
        },
        region: "us-east-1".to_owned(),
    }
}

/// Resolves the action in `Op`'s table (for the service's one API version), asks `authorize`
/// whether the caller may perform it, then decodes, calls, encodes and records it (a refusal
/// is recorded too).
fn serve_in<Op>(
    app: &AppState,
    service: &Op::Service,
    form: &form::Form,
    ctx: &RequestCtx,
    origin: &Origin,
    authorize: impl FnOnce(&'static str) -> Option<Refusal>,
) -> Result<Vec<u8>, Refusal>
where
    Op: OperationTable,
    Op::Service: QueryService,
{
    let action = form
        .action
        .as_deref()
        .ok_or_else(|| boxed(EdgeError::MissingAction))?;
    let version = form.version.as_deref();
    let op = Op::from_name(action)
        .filter(|_| version == Some(<Op::Service as QueryService>::API_VERSION))
        .ok_or_else(|| boxed(EdgeError::invalid_action(action, version)))?;
    tracing::Span::current().record("op", op.name());
    let audited = serde_json::to_vec(&audit_view(&form.params)).unwrap_or_default();
    if let Some(denied) = authorize(op.name()) {
        record_call(&app.audit, op, ctx, origin, &audited, Err(denied.as_ref()));
        return Err(denied);
    }
    let outcome = call::call(service, op, ctx, &form.params);
    let recorded = match &outcome {
        Ok(_) => Ok(&b""[..]),
        Err(error) => Err(error as &dyn WireError),
    };
    record_call(&app.audit, op, ctx, origin, &audited, recorded);
    outcome.map_err(boxed)
}

/// Whether the caller may perform the IAM action `operation`: `iam:<operation>` on the entity
/// the request names (`*` for the list operations), by identity policies alone (IAM has no
/// resource policies; the account's root user is allowed unless denied). `Some` holds AWS's
/// `AccessDenied`.
fn authorize_iam(
    app: &AppState,
    ctx: &RequestCtx,
    form: &form::Form,
    operation: &'static str,
) -> Option<Refusal> {
    let param = |name: &str| match &form.params {
        Node::Branch(children) => match children.get(name) {
            Some(Node::Leaf(value)) => Some(value.clone()),
            _ => None,
        },
        Node::Leaf(_) => None,
    };
    // A request that names no entity where one is required is refused by the handler.
    let resource = app.iam.action_resource(&ctx.principal, operation, &param)?;
    let request = AccessRequest {
        action: format!("iam:{operation}"),
        resource: &resource,
        resource_account: &ctx.principal.account_id,
        shown_resource: &resource,
        policy: ResourcePolicy::None,
        resource_keys: Vec::new(),
        granted_by: None,
    };
    ctx.authorize(&request)
        .err()
        .map(|message| boxed(IamError::AccessDenied(message)))
}

/// The parameters as JSON for the audit record (which keeps only the members the service
/// allows): values as strings, `Name.member.N` lists as arrays.
fn audit_view(node: &Node) -> Value {
    match node {
        Node::Leaf(value) => Value::String(value.clone()),
        Node::Branch(children) => match children.get("member") {
            Some(Node::Branch(items)) if children.len() == 1 => {
                let mut numbered: Vec<(usize, &Node)> = items
                    .iter()
                    .filter_map(|(index, item)| Some((index.parse().ok()?, item)))
                    .collect();
                numbered.sort_by_key(|(index, _)| *index);
                Value::Array(
                    numbered
                        .into_iter()
                        .map(|(_, item)| audit_view(item))
                        .collect(),
                )
            }
            _ => Value::Object(
                children
                    .iter()
                    .map(|(name, child)| (name.clone(), audit_view(child)))
                    .collect::<Map<String, Value>>(),
            ),
        },
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(128).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;

    #[test]
    fn form_bodies_without_a_target_are_awsquery() {
        let mut headers = HeaderMap::new();
        assert!(!is_query_request(&headers));
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("Application/X-WWW-Form-URLEncoded; charset=utf-8"),
        );
        assert!(is_query_request(&headers));
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("secretsmanager.ListSecrets"),
        );
        assert!(!is_query_request(&headers));
        let mut json = HeaderMap::new();
        json.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-amz-json-1.1"),
        );
        assert!(!is_query_request(&json));
    }

    #[test]
    fn the_audit_view_turns_member_lists_into_arrays() {
        let parsed = form::parse(
            b"RoleArn=r&Tags.member.2.Key=b&Tags.member.1.Key=a&PolicyArns.member.1.arn=p",
        )
        .unwrap();
        assert_eq!(
            audit_view(&parsed.params),
            serde_json::json!({
                "RoleArn": "r",
                "Tags": [{"Key": "a"}, {"Key": "b"}],
                "PolicyArns": [{"arn": "p"}],
            })
        );
    }
}
