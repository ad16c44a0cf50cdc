//! Wire details where Lockbox used to accept what AWS refuses: session tokens (Lockbox issues
//! no temporary credentials yet), repeated `Authorization` headers, and a malformed credential
//! region under `--auth off`. Through the official Rust SDK where it can send the request,
//! otherwise raw HTTP signed with the `aws-sigv4` crate.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SignatureLocation, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use lockbox::Config;
use lockbox::config::AuthMode;
use serde_json::Value;

use common::{assert_error, config_builder, start, start_with};

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const LIST_SECRETS: &str = "secretsmanager.ListSecrets";

async fn start_auth_off() -> lockbox::ServerHandle {
    start_with(Config {
        auth: AuthMode::Off,
        ..Config::for_tests()
    })
    .await
}

/// An SDK client signing as `test`/`test` with a session token.
fn client_with_session_token(server: &lockbox::ServerHandle) -> aws_sdk_secretsmanager::Client {
    let credentials = Credentials::new(
        "test",
        "test",
        Some("FwoGZXIvYXdzEHAMPLESESSIONTOKEN".into()),
        None,
        "wire-hardening",
    );
    let conf = config_builder(server, "test", "test", "us-east-1")
        .credentials_provider(credentials)
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

/// How a raw `ListSecrets` request is signed.
struct Signing<'a> {
    region: &'a str,
    session_token: Option<&'a str>,
    /// Query string of the URL (signed as part of the canonical request).
    query: &'a str,
    /// Put the signature in the query (a presigned URL) instead of `Authorization`.
    presigned: bool,
}

impl Default for Signing<'_> {
    fn default() -> Self {
        Signing {
            region: "us-east-1",
            session_token: None,
            query: "",
            presigned: false,
        }
    }
}

/// Sends a `ListSecrets` signed as `test`/`test` per `signing`; `extra` headers are added after
/// signing (unsigned). Returns the status and the JSON body.
async fn raw_list_secrets(
    server: &lockbox::ServerHandle,
    signing: &Signing<'_>,
    extra: &[(&str, &str)],
) -> (u16, Value) {
    let host = server.addr().to_string();
    let url = if signing.query.is_empty() {
        format!("http://{host}/")
    } else {
        format!("http://{host}/?{}", signing.query)
    };
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", LIST_SECRETS),
    ];
    let identity = Credentials::new(
        "test",
        "test",
        signing.session_token.map(str::to_owned),
        None,
        "raw",
    )
    .into();
    let mut settings = SigningSettings::default();
    if signing.presigned {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(std::time::Duration::from_secs(300));
    }
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(signing.region)
        .name("secretsmanager")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(b"{}"),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut pairs: Vec<(String, String)> = url
        .split_once('?')
        .map(|(_, query)| {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    pairs.extend(
        instructions
            .params()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.to_string())),
    );
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_query_value(v)))
        .collect();
    let target = if query.is_empty() {
        format!("{}/", server.endpoint_url())
    } else {
        format!("{}/?{}", server.endpoint_url(), query.join("&"))
    };
    let mut request = reqwest::Client::new().post(target).body("{}");
    for (name, value) in headers.iter().filter(|(name, _)| *name != "host") {
        request = request.header(*name, *value);
    }
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Percent-encodes a query value the way the signer canonicalized it (values we put in the
/// URL ourselves are already plain; the signer's parameters arrive decoded).
fn encode_query_value(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[track_caller]
fn assert_refused(response: &(u16, Value), code: &str, message: &str) {
    assert_eq!(response.0, 400, "{}", response.1);
    assert_eq!(response.1["__type"], code, "{}", response.1);
    assert_eq!(response.1["message"], message, "{}", response.1);
}

#[tokio::test]
async fn a_signed_session_token_is_an_unrecognized_client() {
    let server = start().await;
    let sm = client_with_session_token(&server);
    assert_error(
        sm.list_secrets().send().await,
        "UnrecognizedClientException",
        INVALID_TOKEN,
    );
    let raw = Signing {
        session_token: Some("FwoGZXIvYXdzEHAMPLE/TOKEN+="),
        ..Signing::default()
    };
    assert_refused(
        &raw_list_secrets(&server, &raw, &[]).await,
        "UnrecognizedClientException",
        INVALID_TOKEN,
    );
}

#[tokio::test]
async fn a_session_token_in_the_signed_query_is_an_unrecognized_client() {
    let server = start().await;
    let plain = raw_list_secrets(&server, &Signing::default(), &[]).await;
    assert_eq!(plain.0, 200, "{}", plain.1);
    let in_query = Signing {
        query: "X-Amz-Security-Token=FwoGZXIvYXdzEHAMPLE",
        ..Signing::default()
    };
    assert_refused(
        &raw_list_secrets(&server, &in_query, &[]).await,
        "UnrecognizedClientException",
        INVALID_TOKEN,
    );
}

#[tokio::test]
async fn an_unsigned_session_token_is_refused_by_the_signature_checks() {
    let server = start().await;
    let response = raw_list_secrets(
        &server,
        &Signing::default(),
        &[("x-amz-security-token", "FwoGZXIvYXdzEHAMPLE")],
    )
    .await;
    assert_refused(
        &response,
        "InvalidSignatureException",
        "There were headers present in the request which were not signed",
    );
}

#[tokio::test]
async fn a_presigned_request_with_a_token_is_refused_as_query_auth_is_not_served() {
    let server = start().await;
    let presigned = Signing {
        session_token: Some("FwoGZXIvYXdzEHAMPLE"),
        presigned: true,
        ..Signing::default()
    };
    assert_refused(
        &raw_list_secrets(&server, &presigned, &[]).await,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    );
}

#[tokio::test]
async fn auth_off_keeps_accepting_session_tokens() {
    let server = start_auth_off().await;
    let sm = client_with_session_token(&server);
    assert!(sm.list_secrets().send().await.is_ok());
    let presigned = Signing {
        session_token: Some("FwoGZXIvYXdzEHAMPLE"),
        presigned: true,
        ..Signing::default()
    };
    let response = raw_list_secrets(&server, &presigned, &[]).await;
    assert_eq!(response.0, 200, "{}", response.1);
}

#[tokio::test]
async fn two_authorization_headers_are_an_incomplete_signature() {
    for server in [start().await, start_auth_off().await] {
        let mode = server.state().config.auth;
        let other = "AWS4-HMAC-SHA256 Credential=111111111111/20250101/eu-west-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00";
        let (status, body) =
            raw_list_secrets(&server, &Signing::default(), &[("authorization", other)]).await;
        assert_eq!(status, 400, "{mode:?}: {body}");
        assert_eq!(body["__type"], "IncompleteSignatureException", "{mode:?}");
        let message = body["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=test/"
            ) && message.ends_with(&format!(",{other}'.")),
            "{mode:?}: {message}"
        );

        let (status, body) = raw_list_secrets(
            &server,
            &Signing::default(),
            &[(
                "authorization",
                "Credential=111111111111/20250101/eu-west-1/secretsmanager/aws4_request",
            )],
        )
        .await;
        assert_eq!(status, 400, "{mode:?}: {body}");
        assert_eq!(body["__type"], "IncompleteSignatureException", "{mode:?}");
        assert_eq!(
            body["message"],
            "Authorization header must be sent once; the request carries 2 Authorization headers. ",
            "{mode:?}"
        );
    }
}

#[tokio::test]
async fn auth_off_refuses_a_malformed_region_as_verification_does() {
    let verifying = start().await;
    let open = start_auth_off().await;
    // A region with spaces splits the header: the stray piece is not key=value.
    let spaced = "AWS4-HMAC-SHA256 Credential=test/20250101/not a region!/secretsmanager/aws4_request, SignedHeaders=host, Signature=00";
    let expected = format!(
        "'a' not a valid key=value pair (missing equal-sign) in Authorization header: '{spaced}'."
    );
    for server in [&verifying, &open] {
        let response = raw_with_authorization(server, spaced).await;
        assert_refused(&response, "IncompleteSignatureException", &expected);
    }
    // A well-signed request whose scope names a malformed region.
    let bad_region = Signing {
        region: "Not_A_Region",
        ..Signing::default()
    };
    for server in [&verifying, &open] {
        assert_refused(
            &raw_list_secrets(server, &bad_region, &[]).await,
            "InvalidSignatureException",
            "Credential should be scoped to a valid region, not 'Not_A_Region'. ",
        );
    }
    // Off still reads any well-formed region and ignores the rest of the scope.
    let lax = "AWS4-HMAC-SHA256 Credential=444444444444/19990101/ap-south-1/kms/x, Signature=00";
    let response = raw_with_authorization(&open, lax).await;
    assert_eq!(response.0, 200, "{}", response.1);
}

/// `ListSecrets` with exactly this `Authorization` header and an `X-Amz-Date` of now.
async fn raw_with_authorization(
    server: &lockbox::ServerHandle,
    authorization: &str,
) -> (u16, Value) {
    let now = lockbox::sigv4::format_amz_date(time::OffsetDateTime::now_utc());
    let response = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", LIST_SECRETS)
        .header("x-amz-date", now)
        .header("authorization", authorization)
        .body("{}")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}
