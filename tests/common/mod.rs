//! Shared helpers for the integration tests: every test starts its own in-process server on
//! port 0 and talks to it through the official Rust SDK (or raw, signed HTTP).
#![allow(dead_code)]

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_secretsmanager::config::{BehaviorVersion, Region};
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use lockbox::{Config, Server, ServerHandle};

/// Starts a fresh server with `config` (its listen address is forced to 127.0.0.1:0).
pub async fn start_with(mut config: Config) -> ServerHandle {
    config.listen = ([127, 0, 0, 1], 0).into();
    Server::bind(config)
        .await
        .expect("bind")
        .spawn()
        .expect("spawn")
}

/// Starts a fresh server with the default test configuration.
pub async fn start() -> ServerHandle {
    start_with(Config::for_tests()).await
}

/// An SDK config builder pointed at `server` with the given credentials and region.
pub fn config_builder(
    server: &ServerHandle,
    access_key: &str,
    secret_key: &str,
    region: &str,
) -> aws_sdk_secretsmanager::config::Builder {
    aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(
            access_key,
            secret_key,
            None,
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_secretsmanager::config::retry::RetryConfig::disabled())
}

/// A client signing as `test`/`test` in us-east-1.
pub fn client(server: &ServerHandle) -> aws_sdk_secretsmanager::Client {
    client_as(server, "test", "test", "us-east-1")
}

/// A client signing with the given credentials and region.
pub fn client_as(
    server: &ServerHandle,
    key: &str,
    secret: &str,
    region: &str,
) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::from_conf(config_builder(server, key, secret, region).build())
}

/// The `(code, message)` of a failed SDK call.
pub fn error_of<E: ProvideErrorMetadata, R>(result: Result<R, E>) -> (String, String) {
    match result {
        Ok(_) => panic!("expected the call to fail"),
        Err(error) => (
            error.code().unwrap_or("<no code>").to_owned(),
            error.message().unwrap_or("<no message>").to_owned(),
        ),
    }
}

/// Creates a string secret as the client's caller and returns its ARN.
pub async fn create_string_secret(
    sm: &aws_sdk_secretsmanager::Client,
    name: &str,
    value: &str,
) -> String {
    let created = sm
        .create_secret()
        .name(name)
        .secret_string(value)
        .send()
        .await
        .expect("CreateSecret");
    created.arn.expect("ARN")
}

/// Asserts that an SDK call failed with exactly this error code and message.
#[track_caller]
pub fn assert_error<E: ProvideErrorMetadata, R>(
    result: Result<R, E>,
    code: &str,
    message: impl AsRef<str>,
) {
    let (actual_code, actual_message) = error_of(result);
    assert_eq!(
        (actual_code.as_str(), actual_message.as_str()),
        (code, message.as_ref())
    );
}

/// A client whose clock reads `at` when it signs (to test clock skew).
pub fn client_signing_at(
    server: &ServerHandle,
    key: &str,
    secret: &str,
    region: &str,
    at: SystemTime,
) -> aws_sdk_secretsmanager::Client {
    let conf = config_builder(server, key, secret, region)
        .time_source(aws_smithy_async::time::StaticTimeSource::new(at))
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

/// A signed raw request to `server`: (status, headers, body).
pub async fn raw_call(
    server: &ServerHandle,
    target: Option<&str>,
    body: &[u8],
) -> (u16, reqwest::header::HeaderMap, String) {
    raw_call_with(server, target, body, true).await
}

/// Like [`raw_call`], optionally without any signature.
pub async fn raw_call_with(
    server: &ServerHandle,
    target: Option<&str>,
    body: &[u8],
    sign: bool,
) -> (u16, reqwest::header::HeaderMap, String) {
    let host = server.addr().to_string();
    let mut headers = vec![
        ("host".to_owned(), host.clone()),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
    ];
    if let Some(target) = target {
        headers.push(("x-amz-target".to_owned(), target.to_owned()));
    }
    if sign {
        headers = sign_headers(&host, headers, body, SystemTime::now());
    }
    let client = reqwest::Client::new();
    let mut request = client
        .post(format!("{}/", server.endpoint_url()))
        .body(body.to_vec());
    for (name, value) in &headers {
        if name != "host" {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("body");
    (status, headers, text)
}

/// Adds SigV4 headers (as `test`/`test`, us-east-1, secretsmanager) using the aws-sigv4 crate.
pub fn sign_headers(
    host: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
    at: SystemTime,
) -> Vec<(String, String)> {
    sign_headers_for(host, headers, body, at, "secretsmanager")
}

/// Like [`sign_headers`], for the service signing name `service` (e.g. `kms`).
pub fn sign_headers_for(
    host: &str,
    headers: Vec<(String, String)>,
    body: &[u8],
    at: SystemTime,
    service: &str,
) -> Vec<(String, String)> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    let identity = Credentials::new("test", "test", None, None, "raw").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    let url = format!("http://{host}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
    let mut out = headers;
    for (name, value) in instructions.headers() {
        out.push((name.to_owned(), value.to_owned()));
    }
    out
}

/// Calls `/_lockbox/clock`: GET without a body, POST with one; returns (status, JSON).
pub async fn clock_request(server: &ServerHandle, body: Option<&str>) -> (u16, serde_json::Value) {
    let method = if body.is_some() { "POST" } else { "GET" };
    let answer = admin::admin_call(server, method, "/_lockbox/clock", body).await;
    (answer.status, answer.json())
}

/// Moves the virtual clock forward by `amount` (e.g. "8d") through the admin API.
pub async fn advance_clock(server: &ServerHandle, amount: &str) -> serde_json::Value {
    let body = serde_json::json!({ "advance": amount }).to_string();
    let (status, answer) = clock_request(server, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}
/// Helpers shared by the listing, batch and tag tests.
pub mod admin;
pub mod identity;
pub mod kms;
pub mod listing;

/// A KMS client signing as `test`/`test` in us-east-1.
pub fn kms_client(server: &ServerHandle) -> aws_sdk_kms::Client {
    kms_client_as(server, "test", "test", "us-east-1")
}

/// A KMS client signing with the given credentials and region.
pub fn kms_client_as(
    server: &ServerHandle,
    key: &str,
    secret: &str,
    region: &str,
) -> aws_sdk_kms::Client {
    let conf = aws_sdk_kms::Config::builder()
        .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_kms::config::Region::new(region.to_owned()))
        .credentials_provider(Credentials::new(key, secret, None, None, "lockbox-tests"))
        .retry_config(aws_sdk_kms::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_kms::Client::from_conf(conf)
}
/// Helpers of the tests that run the `lockbox` binary as a process.
pub mod process;
/// Helpers of the seeding and export/import tests.
pub mod seed;
