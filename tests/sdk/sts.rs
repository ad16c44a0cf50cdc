//! STS over awsQuery through the official Rust SDK: who each kind of credential is, temporary
//! credentials from GetSessionToken calling Secrets Manager until they expire on the virtual
//! clock, and the awsQuery envelope of refusals (raw, signed requests for what the SDK cannot
//! send).

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata as _;
use lockbox::config::{CredentialConfig, IamMode};
use lockbox::{Config, ServerHandle};

use crate::common::{self, advance_clock, client, error_of, start, start_with};

const EXPIRED: &str = "The security token included in the request is expired";
const INVALID: &str = "The security token included in the request is invalid.";

fn sts_client(
    server: &ServerHandle,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            key,
            secret,
            token.map(str::to_owned),
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn sm_client_with_token(
    server: &ServerHandle,
    key: &str,
    secret: &str,
    token: &str,
) -> aws_sdk_secretsmanager::Client {
    let conf = common::config_builder(server, key, secret, "us-east-1")
        .credentials_provider(Credentials::new(
            key,
            secret,
            Some(token.to_owned()),
            None,
            "lockbox-tests",
        ))
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

/// A server with IAM user `alice` (key `AKIDALICE`) in account 333333333333.
async fn server_with_alice() -> ServerHandle {
    start_with(Config {
        credentials: vec![CredentialConfig {
            access_key_id: "AKIDALICE".into(),
            secret_access_key: zeroize::Zeroizing::new("alice-secret".into()),
            account_id: "333333333333".into(),
            user_name: Some("alice".into()),
            arn: None,
        }],
        // Alice is an IAM user without policies: she acts only with authorization off.
        iam: IamMode::Off,
        ..Config::for_tests()
    })
    .await
}

#[tokio::test]
async fn get_caller_identity_names_the_root_user_of_the_key() {
    let server = start().await;
    let who = sts_client(&server, "test", "test", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.account(), Some("000000000000"));
    assert_eq!(who.arn(), Some("arn:aws:iam::000000000000:root"));
    assert_eq!(who.user_id(), Some("000000000000"));
    let other = sts_client(&server, "123456789012", "test", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(other.arn(), Some("arn:aws:iam::123456789012:root"));
}

#[tokio::test]
async fn get_caller_identity_names_a_configured_iam_user() {
    let server = server_with_alice().await;
    let who = sts_client(&server, "AKIDALICE", "alice-secret", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.account(), Some("333333333333"));
    assert_eq!(who.arn(), Some("arn:aws:iam::333333333333:user/alice"));
    let user_id = who.user_id().unwrap();
    assert!(
        user_id.starts_with("AIDA") && user_id.len() == 21,
        "{user_id}"
    );
}

#[tokio::test]
async fn get_caller_identity_names_a_role_session_declared_by_its_arn() {
    let server = start_with(Config {
        credentials: vec![CredentialConfig {
            access_key_id: "AKIDROLESESSION".into(),
            secret_access_key: zeroize::Zeroizing::new("role-secret".into()),
            account_id: "444455556666".into(),
            user_name: None,
            arn: Some("arn:aws:sts::444455556666:assumed-role/deployer/ci-run".into()),
        }],
        ..Config::for_tests()
    })
    .await;
    let who = sts_client(&server, "AKIDROLESESSION", "role-secret", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(
        who.arn(),
        Some("arn:aws:sts::444455556666:assumed-role/deployer/ci-run")
    );
    assert_eq!(who.account(), Some("444455556666"));
    let user_id = who.user_id().unwrap();
    assert!(
        user_id.starts_with("AROA") && user_id.ends_with(":ci-run"),
        "{user_id}"
    );
}

#[tokio::test]
async fn session_credentials_act_as_the_user_until_they_expire_on_the_virtual_clock() {
    let server = server_with_alice().await;
    let issued = sts_client(&server, "AKIDALICE", "alice-secret", None)
        .get_session_token()
        .duration_seconds(900)
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let key = issued.access_key_id();
    let secret = issued.secret_access_key();
    let token = issued.session_token();
    assert!(key.starts_with("ASIA") && key.len() == 20, "{key}");
    assert_eq!(secret.len(), 40);

    let sts = sts_client(&server, key, secret, Some(token));
    let who = sts.get_caller_identity().send().await.unwrap();
    assert_eq!(who.arn(), Some("arn:aws:iam::333333333333:user/alice"));
    let sm = sm_client_with_token(&server, key, secret, token);
    let arn = common::create_string_secret(&sm, "temporary", "v").await;
    assert!(arn.contains(":333333333333:secret:temporary-"), "{arn}");

    // Session credentials cannot mint more session credentials.
    let (code, message) = error_of(sts.get_session_token().send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials"
        )
    );

    advance_clock(&server, "16m").await;
    let refused = sm.describe_secret().secret_id("temporary").send().await;
    let error = refused.unwrap_err();
    assert_eq!(error.code(), Some("ExpiredTokenException"));
    assert_eq!(error.message(), Some(EXPIRED));
    assert_eq!(
        error
            .raw_response()
            .map(|response| response.status().as_u16()),
        Some(403)
    );
    let (code, message) = error_of(sts.get_caller_identity().send().await);
    assert_eq!((code.as_str(), message.as_str()), ("ExpiredToken", EXPIRED));
    // The long-term key still works.
    client(&server).list_secrets().send().await.unwrap();
}

#[tokio::test]
async fn a_session_key_needs_its_own_token() {
    let server = start().await;
    let issued = sts_client(&server, "test", "test", None)
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let key = issued.access_key_id();
    let secret = issued.secret_access_key();
    for token in [None, Some("LBXsnot-the-token")] {
        let (code, message) = error_of(
            sts_client(&server, key, secret, token)
                .get_caller_identity()
                .send()
                .await,
        );
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("InvalidClientTokenId", INVALID),
            "{token:?}"
        );
    }
    let (code, _) = error_of(
        sm_client_with_token(&server, key, secret, "LBXsnot-the-token")
            .list_secrets()
            .send()
            .await,
    );
    assert_eq!(code, "UnrecognizedClientException");
    // A wrong secret with the right token is a signature mismatch.
    let (code, _) = error_of(
        sts_client(
            &server,
            key,
            "x".repeat(40).as_str(),
            Some(issued.session_token()),
        )
        .get_caller_identity()
        .send()
        .await,
    );
    assert_eq!(code, "SignatureDoesNotMatch");
}

#[tokio::test]
async fn an_unknown_key_is_an_invalid_client_token_id() {
    let server = start().await;
    let (code, message) = error_of(
        sts_client(&server, "AKIAUNKNOWNKEY000000", "secret", None)
            .get_caller_identity()
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("InvalidClientTokenId", INVALID)
    );
}

#[tokio::test]
async fn assume_role_without_a_role_is_access_denied() {
    let server = server_with_alice().await;
    let role = "arn:aws:iam::333333333333:role/deployer";
    let (code, message) = error_of(
        sts_client(&server, "AKIDALICE", "alice-secret", None)
            .assume_role()
            .role_arn(role)
            .role_session_name("deploy")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDenied");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::333333333333:user/alice is not authorized to perform: sts:AssumeRole on resource: {role}"
        )
    );
}

/// A form request signed for `sts` as `test`/`test`: (status, headers, body).
async fn query_call(
    server: &ServerHandle,
    body: &str,
) -> (u16, reqwest::header::HeaderMap, String) {
    let host = server.addr().to_string();
    let headers = vec![
        ("host".to_owned(), host.clone()),
        (
            "content-type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        ),
    ];
    let headers =
        common::sign_headers_for(&host, headers, body.as_bytes(), SystemTime::now(), "sts");
    let mut request = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .body(body.to_owned());
    for (name, value) in &headers {
        if name != "host" {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("body"))
}

#[tokio::test]
async fn responses_are_xml_with_one_request_id() {
    let server = start().await;
    let (status, headers, body) =
        query_call(&server, "Action=GetCallerIdentity&Version=2011-06-15").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(headers["content-type"], "text/xml");
    let request_id = headers["x-amzn-requestid"].to_str().unwrap();
    assert_eq!(
        body,
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Account>000000000000</Account><Arn>arn:aws:iam::000000000000:root</Arn><UserId>000000000000</UserId></GetCallerIdentityResult><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        )
    );
}

#[tokio::test]
async fn unknown_actions_versions_and_bad_parameters_get_awsquery_errors() {
    let server = start().await;
    let cases = [
        (
            "Action=NoSuchThing&Version=2011-06-15",
            400,
            "InvalidAction",
            "Could not find operation NoSuchThing for version 2011-06-15",
        ),
        (
            "Action=GetCallerIdentity&Version=2010-05-08",
            400,
            "InvalidAction",
            "Could not find operation GetCallerIdentity for version 2010-05-08",
        ),
        ("Version=2011-06-15", 400, "MissingAction", "Missing Action"),
        (
            "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=soon",
            400,
            "ValidationError",
            "Invalid parameters: DurationSeconds: 'soon' is not a number",
        ),
        (
            "Action=GetCallerIdentity&Version=2011-06-15&A=1&A=2",
            400,
            "MalformedQueryString",
            "The parameter A is given more than once.",
        ),
        (
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=s1",
            400,
            "ValidationError",
            "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null",
        ),
    ];
    for (body, status, code, message) in cases {
        let (got_status, headers, text) = query_call(&server, body).await;
        let request_id = headers["x-amzn-requestid"].to_str().unwrap();
        assert_eq!(got_status, status, "{body}: {text}");
        assert_eq!(
            text,
            format!(
                "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
            "{body}"
        );
    }
}

#[tokio::test]
async fn an_unsigned_form_request_is_missing_its_token_in_xml() {
    let server = start().await;
    let response = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        // AssumeRoleWithWebIdentity is the one action served unsigned (sts_web_identity.rs).
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 403);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code><Message>Request is missing Authentication Token</Message>"),
        "{text}"
    );
    assert!(
        text.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">")
    );
}

#[tokio::test]
async fn health_lists_sts() {
    let server = start().await;
    let text = reqwest::get(format!("{}/_lockbox/health", server.endpoint_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let health: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(health["services"]["sts"], "available");
    assert_eq!(health["services"]["kms"], "available");
}

#[tokio::test]
async fn sts_calls_are_in_the_audit_trail() {
    let server = start().await;
    sts_client(&server, "test", "test", None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    let events = common::admin::admin_call(&server, "GET", "/_lockbox/events?calls=direct", None)
        .await
        .json();
    let records = events["Records"].as_array().unwrap();
    let record = records
        .iter()
        .find(|record| record["eventSource"] == "sts.amazonaws.com")
        .unwrap_or_else(|| panic!("no STS record in {events}"));
    assert_eq!(record["eventName"], "GetCallerIdentity");
    assert_eq!(record["readOnly"], true);
    assert_eq!(record["userIdentity"]["type"], "Root");
}
