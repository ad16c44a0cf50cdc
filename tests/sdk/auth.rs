//! SigV4 verification, credentials and tenancy through the official Rust SDK: each refusal
//! gets AWS's exact error type and text.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::{Duration, SystemTime};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use lockbox::Config;
use lockbox::config::{AuthMode, CredentialConfig, IamMode};

use common::{
    assert_error, client, client_as, client_signing_at, config_builder, create_string_secret,
    error_of, start, start_with,
};

const BAD_SIGNATURE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// Changes the request after it was signed.
#[derive(Debug)]
enum Tamper {
    Body,
    DropAuthorization,
}

impl Intercept for Tamper {
    fn name(&self) -> &'static str {
        "Tamper"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        match self {
            Tamper::Body => {
                let body = request.body().bytes().unwrap_or_default().to_vec();
                let tampered = String::from_utf8(body)?.replace("\"demo\"", "\"demp\"");
                *request.body_mut() = SdkBody::from(tampered);
            }
            Tamper::DropAuthorization => {
                request.headers_mut().remove("authorization");
            }
        }
        Ok(())
    }
}

fn tampering_client(
    server: &lockbox::ServerHandle,
    tamper: Tamper,
) -> aws_sdk_secretsmanager::Client {
    let conf = config_builder(server, "test", "test", "us-east-1")
        .interceptor(tamper)
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

async fn with_demo_secret() -> lockbox::ServerHandle {
    let server = start().await;
    client(&server)
        .create_secret()
        .name("demo")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    server
}

#[tokio::test]
async fn wrong_secret_key_is_invalid_signature() {
    let server = with_demo_secret().await;
    let sm = client_as(&server, "test", "not-the-secret", "us-east-1");
    assert_error(
        sm.get_secret_value().secret_id("demo").send().await,
        "InvalidSignatureException",
        BAD_SIGNATURE,
    );
}

#[tokio::test]
async fn tampered_body_is_invalid_signature() {
    let server = with_demo_secret().await;
    let sm = tampering_client(&server, Tamper::Body);
    assert_error(
        sm.get_secret_value().secret_id("demo").send().await,
        "InvalidSignatureException",
        BAD_SIGNATURE,
    );
}

#[tokio::test]
async fn missing_authorization_is_missing_authentication_token() {
    let server = with_demo_secret().await;
    let sm = tampering_client(&server, Tamper::DropAuthorization);
    assert_error(
        sm.get_secret_value().secret_id("demo").send().await,
        "MissingAuthenticationTokenException",
        "Missing Authentication Token",
    );
}

#[tokio::test]
async fn stale_request_date_is_signature_expired() {
    let server = with_demo_secret().await;
    let signed_at = SystemTime::now() - Duration::from_secs(10 * 60);
    let sm = client_signing_at(&server, "test", "test", "us-east-1", signed_at);
    let (code, message) = error_of(sm.get_secret_value().secret_id("demo").send().await);
    assert_eq!(code, "InvalidSignatureException");
    // "Signature expired: 20251105T220858Z is now earlier than 20251106T132108Z (20251106T132608Z - 5 min.)"
    let rest = message.strip_prefix("Signature expired: ").expect(&message);
    let parts: Vec<&str> = rest.split(' ').collect();
    assert_eq!(parts.len(), 10, "{message}");
    assert_eq!(&parts[1..6], ["is", "now", "earlier", "than", parts[5]]);
    assert_eq!(parts[0].len(), 16);
    assert!(
        parts[6].starts_with('(') && parts[7..] == ["-", "5", "min.)"],
        "{message}"
    );
    assert!(parts[0] < parts[5], "{message}");
}

#[tokio::test]
async fn future_request_date_is_not_yet_current() {
    let server = with_demo_secret().await;
    let signed_at = SystemTime::now() + Duration::from_secs(10 * 60);
    let sm = client_signing_at(&server, "test", "test", "us-east-1", signed_at);
    let (code, message) = error_of(sm.get_secret_value().secret_id("demo").send().await);
    assert_eq!(code, "InvalidSignatureException");
    assert!(
        message.starts_with("Signature not yet current: "),
        "{message}"
    );
}

#[tokio::test]
async fn small_clock_skew_is_accepted() {
    let server = with_demo_secret().await;
    let signed_at = SystemTime::now() - Duration::from_secs(4 * 60);
    let sm = client_signing_at(&server, "test", "test", "us-east-1", signed_at);
    assert!(sm.get_secret_value().secret_id("demo").send().await.is_ok());
}

#[tokio::test]
async fn unknown_access_key_is_unrecognized_client() {
    let server = with_demo_secret().await;
    let sm = client_as(&server, "AKIAIOSFODNN7EXAMPLE", "test", "us-east-1");
    assert_error(
        sm.get_secret_value().secret_id("demo").send().await,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    );
}

#[tokio::test]
async fn twelve_digit_keys_select_isolated_accounts() {
    let server = start().await;
    let alice = client_as(&server, "111111111111", "test", "us-east-1");
    let bob = client_as(&server, "222222222222", "test", "us-east-1");
    let arn = create_string_secret(&alice, "shared-name", "a").await;
    assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:111111111111:secret:shared-name-"));
    let (code, _) = error_of(bob.get_secret_value().secret_id("shared-name").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    bob.create_secret()
        .name("shared-name")
        .secret_string("b")
        .send()
        .await
        .unwrap();
    let a = alice
        .get_secret_value()
        .secret_id("shared-name")
        .send()
        .await
        .unwrap();
    assert_eq!(a.secret_string(), Some("a"));
    let (code, _) = error_of(
        client_as(&server, "111111111111", "wrong", "us-east-1")
            .describe_secret()
            .secret_id("shared-name")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidSignatureException");
}

#[tokio::test]
async fn regions_are_isolated() {
    let server = start().await;
    let east = client_as(&server, "test", "test", "us-east-1");
    let west = client_as(&server, "test", "test", "eu-west-1");
    east.create_secret()
        .name("regional")
        .secret_string("e")
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(west.describe_secret().secret_id("regional").send().await);
    assert_eq!(code, "ResourceNotFoundException");
    let arn = create_string_secret(&west, "regional", "w").await;
    assert!(arn.starts_with("arn:aws:secretsmanager:eu-west-1:000000000000:"));
}

#[tokio::test]
async fn default_account_is_configurable() {
    let config = Config {
        default_account: "123456789012".into(),
        ..Config::for_tests()
    };
    let server = start_with(config).await;
    let arn = client(&server)
        .create_secret()
        .name("x")
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    assert!(
        arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-"),
        "{arn}"
    );
}

#[tokio::test]
async fn configured_keys_sign_with_their_own_secret() {
    let config = Config {
        credentials: vec![CredentialConfig {
            access_key_id: "AKIDALICE".into(),
            secret_access_key: zeroize::Zeroizing::new("alice-secret".into()),
            account_id: "333333333333".into(),
            user_name: Some("alice".into()),
            arn: None,
        }],
        // Alice is an IAM user without policies: only with authorization off may she act.
        iam: IamMode::Off,
        ..Config::for_tests()
    };
    let server = start_with(config).await;
    let sm = client_as(&server, "AKIDALICE", "alice-secret", "us-east-1");
    let arn = sm
        .create_secret()
        .name("mine")
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    assert!(arn.contains(":333333333333:secret:mine-"));
    let (code, _) = error_of(
        client_as(&server, "AKIDALICE", "test", "us-east-1")
            .describe_secret()
            .secret_id("mine")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidSignatureException");
}

#[tokio::test]
async fn auth_off_skips_verification_but_keeps_tenancy() {
    let server = start_with(Config {
        auth: AuthMode::Off,
        ..Config::for_tests()
    })
    .await;
    let sm = client_as(&server, "444444444444", "anything", "ap-south-1");
    let arn = create_string_secret(&sm, "lax", "v").await;
    assert!(
        arn.starts_with("arn:aws:secretsmanager:ap-south-1:444444444444:secret:lax-"),
        "{arn}"
    );
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let got = client_signing_at(&server, "444444444444", "x", "ap-south-1", an_hour_ago)
        .get_secret_value()
        .secret_id("lax")
        .send()
        .await;
    assert_eq!(got.unwrap().secret_string(), Some("v"));
}
