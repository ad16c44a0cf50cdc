//! IAM as STS's directory, end to end through the SDKs: a role created with IAM is assumed
//! with an IAM user's new access key, and GetSessionToken checks a code of the user's virtual
//! MFA device (each code once).

use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sdk_iam::primitives::Blob;
use lockbox::ServerHandle;

use crate::common::{error_of, start};

fn sts_as(
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

fn iam(server: &ServerHandle) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// Creates user `name` with an access key; returns (key id, secret).
async fn user_with_key(iam: &aws_sdk_iam::Client, name: &str) -> (String, String) {
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey")
        .access_key
        .expect("the key");
    (key.access_key_id, key.secret_access_key)
}

#[tokio::test]
async fn an_iam_user_assumes_an_iam_role_that_trusts_it() {
    let server = start().await;
    let iam = iam(&server);
    let (key, secret) = user_with_key(&iam, "deployer").await;
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/deployer"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam
        .create_role()
        .role_name("app")
        .path("/svc/")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();

    let who = sts_as(&server, &key, &secret, None)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(who.arn(), Some("arn:aws:iam::000000000000:user/deployer"));
    let user_id = iam
        .get_user()
        .user_name("deployer")
        .send()
        .await
        .unwrap()
        .user
        .unwrap()
        .user_id;
    assert_eq!(
        who.user_id(),
        Some(user_id.as_str()),
        "the IAM user's own id"
    );

    let assumed = sts_as(&server, &key, &secret, None)
        .assume_role()
        .role_arn(&role.arn)
        .role_session_name("release")
        .send()
        .await
        .expect("the trusted user assumes the role");
    let user = assumed.assumed_role_user.unwrap();
    assert_eq!(
        user.arn,
        "arn:aws:sts::000000000000:assumed-role/app/release"
    );
    assert_eq!(user.assumed_role_id, format!("{}:release", role.role_id));
    let credentials = assumed.credentials.unwrap();
    let me = sts_as(
        &server,
        &credentials.access_key_id,
        &credentials.secret_access_key,
        Some(&credentials.session_token),
    )
    .get_caller_identity()
    .send()
    .await
    .unwrap();
    assert_eq!(me.arn(), Some(user.arn.as_str()));

    // Another user of the account is not trusted.
    let (other_key, other_secret) = user_with_key(&iam, "intern").await;
    let (code, _) = error_of(
        sts_as(&server, &other_key, &other_secret, None)
            .assume_role()
            .role_arn(&role.arn)
            .role_session_name("intern-session")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDenied");
}

#[tokio::test]
async fn get_session_token_checks_the_users_mfa_code_once() {
    let server = start().await;
    let iam = iam(&server);
    let (key, secret) = user_with_key(&iam, "alice").await;
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let base32 = device.base32_string_seed.map(Blob::into_inner).unwrap();
    let seed = lockbox::iam::base32_decode(std::str::from_utf8(&base32).unwrap()).unwrap();
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let code_at = |unix: i64| lockbox::iam::device_code(&seed, lockbox::iam::time_step(unix));
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(&device.serial_number)
        .authentication_code1(code_at(now - 60))
        .authentication_code2(code_at(now - 30))
        .send()
        .await
        .unwrap();

    let sts = sts_as(&server, &key, &secret, None);
    let session = sts
        .get_session_token()
        .serial_number(&device.serial_number)
        .token_code(code_at(now))
        .send()
        .await
        .expect("the current code is good");
    assert!(session.credentials.is_some());
    let (code, message) = error_of(
        sts.get_session_token()
            .serial_number(&device.serial_number)
            .token_code(code_at(now))
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code."
        )
    );
}

#[tokio::test]
async fn session_token_credentials_without_mfa_cannot_call_iam() {
    let server = start().await;
    let iam_root = iam(&server);
    let (key, secret) = user_with_key(&iam_root, "bob").await;
    iam_root
        .put_user_policy()
        .user_name("bob")
        .policy_name("list-users")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let session = sts_as(&server, &key, &secret, None)
        .get_session_token()
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            session.access_key_id,
            session.secret_access_key,
            Some(session.session_token),
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    let (code, message) = error_of(
        aws_sdk_iam::Client::from_conf(conf)
            .list_users()
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "InvalidClientTokenId",
            "The security token included in the request is invalid."
        )
    );
    // The same user's long-term key may.
    let long_term = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::Config::builder()
            .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
            .endpoint_url(server.endpoint_url())
            .region(aws_sdk_iam::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(key, secret, None, None, "lockbox-tests"))
            .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
            .build(),
    );
    long_term.list_users().send().await.unwrap();
}
