//! Who may use the admin endpoints, and from where: the [`guard`] in front of every
//! `/_lockbox/*` route except health (and of `/moto-api/reset`).
//!
//! Two checks, in this order:
//!
//! 1. **Not from a browser.** A web page the developer happens to have open must not drive
//!    the admin surface, neither cross-site nor through DNS rebinding (a page whose host name
//!    is made to resolve to the loopback address). Refused with 403: a `Host` that is not a
//!    loopback name, an IP address or a configured `admin_hosts` name (a rebinding page can
//!    only send its own host name); an `Origin` other than the server's own; a
//!    `Sec-Fetch-Site` other than `same-origin` or `none`; and (415) a content type a page can
//!    send without a CORS preflight (`text/plain`, form encodings).
//! 2. **A credential, where one is needed.** Either `Authorization: Bearer <admin token>`
//!    (when one is configured; compared in constant time) or a SigV4 signature for the
//!    service name `lockbox` by the root key of the default account (`test`/`test` unless the
//!    config declares that account's keys), verified exactly as the AWS endpoints verify.
//!    Needed under `--auth verify` for every guarded endpoint, and in every mode for an
//!    export with plaintext values. `/moto-api/reset` from a loopback peer needs none, so
//!    suites written for moto's server keep working unchanged: it reveals nothing, and a local
//!    process could delete the state anyway.
//!
//! A refused request is answered `{"error": "..."}` and logged at `warn` without the
//! credential; the handler never runs and no body is read for Bearer or unauthenticated
//! requests.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

use crate::app::AppState;
use crate::config::{AdminToken, AuthMode};
use crate::sigv4;

/// The signing name admin requests are signed for.
pub const SIGNING_NAME: &str = "lockbox";

/// Why an admin request was refused, with the status it is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The request looks like it comes from a web page (403).
    BrowserContext(String),
    /// A body type any web page can send without a preflight (415).
    SimpleContentType(String),
    /// No credential where one is needed (401).
    MissingCredential,
    /// A credential that is malformed, wrong or not the instance owner's (403).
    BadCredential(String),
    /// A signed body larger than the endpoint accepts (413).
    TooLarge(usize),
}

impl Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::BrowserContext(_) | Refusal::BadCredential(_) => StatusCode::FORBIDDEN,
            Refusal::SimpleContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::MissingCredential => StatusCode::UNAUTHORIZED,
            Refusal::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn message(&self) -> String {
        match self {
            Refusal::BrowserContext(why) | Refusal::SimpleContentType(why) => format!(
                "admin requests are not accepted from web pages: {why}"
            ),
            Refusal::MissingCredential => "this admin endpoint needs a credential: sign the request with SigV4 for the service name 'lockbox' using the default account's root key (test/test unless configured), e.g. curl --aws-sigv4 aws:amz:us-east-1:lockbox --user test:test ..., or send 'Authorization: Bearer <admin token>' when an admin token is configured".to_owned(),
            Refusal::BadCredential(why) => format!("admin credential refused: {why}"),
            Refusal::TooLarge(limit) => format!("the request body exceeds {limit} bytes"),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (
            self.status(),
            axum::Json(json!({ "error": self.message() })),
        )
            .into_response()
    }
}

/// The middleware: refuses browser contexts, then checks the credential if one is needed,
/// then runs the handler (with the body it may have read to verify a signature).
pub async fn guard(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| *peer);
    match admit(&app, &parts, body, peer).await {
        Ok(body) => next.run(Request::from_parts(parts, body)).await,
        Err(refusal) => {
            tracing::warn!(
                path = parts.uri.path(),
                peer = ?peer,
                reason = %refusal.message(),
                "admin request refused"
            );
            refusal.into_response()
        }
    }
}

async fn admit(
    app: &AppState,
    parts: &Parts,
    body: Body,
    peer: Option<SocketAddr>,
) -> Result<Body, Refusal> {
    check_not_from_a_browser(&parts.headers, &app.config.admin_hosts)?;
    if !needs_credential(app.auth.mode(), parts, peer) {
        return Ok(body);
    }
    match presented_credential(&parts.headers)? {
        Presented::None => Err(Refusal::MissingCredential),
        Presented::Bearer(token) => {
            check_bearer(app.config.admin_token.as_ref(), token)?;
            Ok(body)
        }
        Presented::SigV4 => {
            let limit = body_limit(app, parts.uri.path());
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| Refusal::TooLarge(limit))?;
            check_signature(app, parts, &bytes)?;
            Ok(Body::from(bytes))
        }
    }
}

/// The most bytes a signed admin body may have: an import takes a whole document.
fn body_limit(app: &AppState, path: &str) -> usize {
    if path == "/_lockbox/import" {
        app.config.max_import_bytes
    } else {
        app.config.max_request_bytes
    }
}

/// Whether this request must carry a credential.
fn needs_credential(mode: AuthMode, parts: &Parts, peer: Option<SocketAddr>) -> bool {
    if reveals_plaintext(parts) {
        return true;
    }
    match mode {
        AuthMode::Off => false,
        AuthMode::Verify => {
            let local_moto_reset = parts.uri.path() == "/moto-api/reset"
                && peer.is_some_and(|peer| peer.ip().is_loopback());
            !local_moto_reset
        }
    }
}

/// An export with secret values in plaintext (anything but an explicit `plaintext=false`
/// counts, so an odd spelling cannot slip past).
fn reveals_plaintext(parts: &Parts) -> bool {
    parts.uri.path() == "/_lockbox/export"
        && parts.uri.query().is_some_and(|query| {
            query.split('&').any(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                name == "plaintext" && value != "false"
            })
        })
}

/// Refuses what a web page could send (see the module docs).
pub fn check_not_from_a_browser(
    headers: &HeaderMap,
    admin_hosts: &[String],
) -> Result<(), Refusal> {
    let browser = |why: String| Err(Refusal::BrowserContext(why));
    let host = headers
        .get(header::HOST)
        .map(|v| v.to_str().unwrap_or("\u{fffd}"));
    if let Some(host) = host
        && !is_allowed_host(host, admin_hosts)
    {
        return browser(format!(
            "Host '{}' is not a loopback name, an IP address or a configured admin host (admin_hosts)",
            sigv4::truncate_for_log(host, 256)
        ));
    }
    for origin in headers.get_all(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("\u{fffd}");
        let same_origin = host.is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
        });
        if !same_origin {
            return browser(format!(
                "Origin '{}' is not this server",
                sigv4::truncate_for_log(origin, 256)
            ));
        }
    }
    for site in headers.get_all("sec-fetch-site") {
        if !matches!(site.as_bytes(), b"same-origin" | b"none") {
            return browser(format!(
                "Sec-Fetch-Site is '{}'",
                sigv4::truncate_for_log(&String::from_utf8_lossy(site.as_bytes()), 64)
            ));
        }
    }
    for content_type in headers.get_all(header::CONTENT_TYPE) {
        let essence = String::from_utf8_lossy(content_type.as_bytes())
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if matches!(
            essence.as_str(),
            "text/plain" | "application/x-www-form-urlencoded" | "multipart/form-data"
        ) {
            return Err(Refusal::SimpleContentType(format!(
                "Content-Type '{essence}' (send application/json, or application/yaml to import YAML)"
            )));
        }
    }
    Ok(())
}

/// A loopback name, an IP address (a rebinding page cannot make its origin an IP address) or
/// a configured name; any port.
fn is_allowed_host(host: &str, admin_hosts: &[String]) -> bool {
    let name = host_without_port(host);
    let lower = name.to_ascii_lowercase();
    lower == "localhost"
        || lower.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok()
        || admin_hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(name))
}

/// `name` of `name:port`, `[v6]` or `[v6]:port` as the address inside the brackets.
fn host_without_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The credential a request carries.
#[derive(Debug, PartialEq, Eq)]
enum Presented<'a> {
    None,
    Bearer(&'a [u8]),
    SigV4,
}

fn presented_credential(headers: &HeaderMap) -> Result<Presented<'_>, Refusal> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(Presented::None);
    };
    if values.next().is_some() {
        return Err(Refusal::BadCredential(
            "more than one Authorization header".into(),
        ));
    }
    let value = value.as_bytes();
    if let Some(token) = value.strip_prefix(b"Bearer ") {
        Ok(Presented::Bearer(token))
    } else if value.starts_with(sigv4::ALGORITHM.as_bytes()) {
        Ok(Presented::SigV4)
    } else {
        Err(Refusal::BadCredential(
            "the Authorization header is neither 'Bearer <token>' nor a SigV4 signature".into(),
        ))
    }
}

/// Compares the presented token with the configured one in constant time (over digests, so
/// the comparison does not reveal the token's length either).
fn check_bearer(configured: Option<&AdminToken>, presented: &[u8]) -> Result<(), Refusal> {
    let Some(configured) = configured else {
        return Err(Refusal::BadCredential(
            "no admin token is configured (set LOCKBOX_ADMIN_TOKEN), so a Bearer token cannot be checked".into(),
        ));
    };
    let expected = Sha256::digest(configured.expose().as_bytes());
    let given = Sha256::digest(presented);
    if bool::from(expected.ct_eq(&given)) {
        Ok(())
    } else {
        Err(Refusal::BadCredential("the admin token is wrong".into()))
    }
}

/// Verifies a SigV4 signature for [`SIGNING_NAME`] and requires the instance owner.
fn check_signature(app: &AppState, parts: &Parts, body: &[u8]) -> Result<(), Refusal> {
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
        body,
    };
    let caller = app
        .auth
        .verify_always(&signed, SIGNING_NAME, time::OffsetDateTime::now_utc())
        .map_err(|error| {
            use crate::api::error::WireError as _;
            let message = error.message().map(|m| m.into_owned()).unwrap_or_default();
            Refusal::BadCredential(format!("{}: {message}", error.code()))
        })?;
    if app.auth.is_instance_owner(&caller.principal) {
        Ok(())
    } else {
        Err(Refusal::BadCredential(format!(
            "{} is not the root user of the default account {}",
            caller.principal.arn, app.config.default_account
        )))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    fn browser_check(pairs: &[(&str, &str)]) -> Result<(), Refusal> {
        check_not_from_a_browser(&headers(pairs), &["lockbox".to_owned()])
    }

    #[test]
    fn loopback_names_ip_addresses_and_configured_hosts_pass() {
        for host in [
            "localhost",
            "localhost:4566",
            "api.localhost:80",
            "127.0.0.1:4566",
            "10.1.2.3",
            "[::1]:4566",
            "[fe80::1]",
            "lockbox:4566",
            "LOCKBOX",
        ] {
            assert_eq!(browser_check(&[("host", host)]), Ok(()), "{host}");
        }
        assert_eq!(browser_check(&[]), Ok(()));
    }

    #[test]
    fn a_rebound_host_name_is_refused() {
        for host in [
            "evil.example:4566",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "lockbox.evil",
        ] {
            assert!(
                matches!(
                    browser_check(&[("host", host)]),
                    Err(Refusal::BrowserContext(_))
                ),
                "{host}"
            );
        }
    }

    #[test]
    fn only_the_servers_own_origin_passes() {
        let same = browser_check(&[
            ("host", "127.0.0.1:4566"),
            ("origin", "http://127.0.0.1:4566"),
        ]);
        assert_eq!(same, Ok(()));
        for origin in [
            "http://evil.example",
            "null",
            "http://127.0.0.1:4567",
            "file://",
        ] {
            let refused = browser_check(&[("host", "127.0.0.1:4566"), ("origin", origin)]);
            assert!(
                matches!(refused, Err(Refusal::BrowserContext(_))),
                "{origin}"
            );
        }
    }

    #[test]
    fn cross_site_fetch_metadata_and_simple_content_types_are_refused() {
        assert!(matches!(
            browser_check(&[("sec-fetch-site", "cross-site")]),
            Err(Refusal::BrowserContext(_))
        ));
        assert_eq!(browser_check(&[("sec-fetch-site", "none")]), Ok(()));
        for content_type in [
            "text/plain",
            "text/plain;charset=UTF-8",
            "Application/X-WWW-Form-Urlencoded",
            "multipart/form-data; boundary=x",
        ] {
            assert!(
                matches!(
                    browser_check(&[("content-type", content_type)]),
                    Err(Refusal::SimpleContentType(_))
                ),
                "{content_type}"
            );
        }
        assert_eq!(
            browser_check(&[("content-type", "application/json")]),
            Ok(())
        );
        assert_eq!(
            browser_check(&[("content-type", "application/yaml")]),
            Ok(())
        );
    }

    #[test]
    fn bearer_tokens_are_compared_whole() {
        let token = AdminToken::new(zeroize::Zeroizing::new("0123456789abcdef".to_owned()));
        assert_eq!(check_bearer(Some(&token), b"0123456789abcdef"), Ok(()));
        for wrong in [
            &b"0123456789abcdeX"[..],
            b"0123456789abcde",
            b"",
            b"0123456789abcdef0",
        ] {
            assert!(check_bearer(Some(&token), wrong).is_err());
        }
        assert!(check_bearer(None, b"0123456789abcdef").is_err());
    }

    #[test]
    fn credentials_are_told_apart_and_duplicates_refused() {
        assert_eq!(presented_credential(&headers(&[])), Ok(Presented::None));
        assert_eq!(
            presented_credential(&headers(&[("authorization", "Bearer abc")])),
            Ok(Presented::Bearer(b"abc"))
        );
        assert_eq!(
            presented_credential(&headers(&[(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lockbox/aws4_request"
            )])),
            Ok(Presented::SigV4)
        );
        assert!(
            presented_credential(&headers(&[("authorization", "Basic dGVzdDp0ZXN0")])).is_err()
        );
        assert!(
            presented_credential(&headers(&[
                ("authorization", "Bearer a"),
                ("authorization", "Bearer b")
            ]))
            .is_err()
        );
    }

    #[test]
    fn plaintext_exports_always_need_a_credential() {
        let parts = |uri: &str| {
            axum::http::Request::get(uri)
                .body(())
                .unwrap()
                .into_parts()
                .0
        };
        let loopback = Some(SocketAddr::from(([127, 0, 0, 1], 5000)));
        let remote = Some(SocketAddr::from(([10, 0, 0, 5], 5000)));
        for uri in [
            "/_lockbox/export?plaintext=true",
            "/_lockbox/export?format=yaml&plaintext=1",
            "/_lockbox/export?plaintext",
        ] {
            assert!(
                needs_credential(AuthMode::Off, &parts(uri), loopback),
                "{uri}"
            );
        }
        assert!(!needs_credential(
            AuthMode::Off,
            &parts("/_lockbox/export?plaintext=false"),
            loopback
        ));
        assert!(!needs_credential(
            AuthMode::Off,
            &parts("/_lockbox/clock"),
            remote
        ));
        assert!(needs_credential(
            AuthMode::Verify,
            &parts("/_lockbox/clock"),
            loopback
        ));
        assert!(!needs_credential(
            AuthMode::Verify,
            &parts("/moto-api/reset"),
            loopback
        ));
        assert!(needs_credential(
            AuthMode::Verify,
            &parts("/moto-api/reset"),
            remote
        ));
        assert!(needs_credential(
            AuthMode::Verify,
            &parts("/moto-api/reset"),
            None
        ));
    }
}
