//! The in-process API, `lockbox::Emulator`, as a Rust test suite uses it: what the builder's
//! settings change, that emulators are isolated from each other, that a bad setting or seed
//! fails `start`, and that dropping (or stopping) an emulator closes its port.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_secretsmanager::config::{BehaviorVersion, Credentials, Region};
use lockbox::config::{AuthMode, CredentialConfig, IamMode};
use lockbox::{Emulator, EmulatorError};

fn secrets_client(emulator: &Emulator) -> aws_sdk_secretsmanager::Client {
    secrets_client_with(
        emulator,
        emulator.access_key_id(),
        emulator.secret_access_key(),
    )
}

fn secrets_client_with(
    emulator: &Emulator,
    key: &str,
    secret: &str,
) -> aws_sdk_secretsmanager::Client {
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(emulator.region().to_owned()))
        .credentials_provider(Credentials::new(key, secret, None, None, "emulator-test"))
        .build();
    aws_sdk_secretsmanager::Client::from_conf(config)
}

#[tokio::test]
async fn defaults_are_the_test_key_in_us_east_1_of_account_000000000000() {
    let emulator = Emulator::builder().start().await.unwrap();
    assert!(emulator.endpoint_url().starts_with("http://127.0.0.1:"));
    assert_ne!(emulator.addr().port(), 0);
    assert_eq!(
        (emulator.access_key_id(), emulator.secret_access_key()),
        ("test", "test")
    );
    assert_eq!(emulator.region(), "us-east-1");
    assert_eq!(emulator.account_id(), "000000000000");
    let created = secrets_client(&emulator)
        .create_secret()
        .name("s")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    assert!(
        created
            .arn()
            .unwrap()
            .starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:s-")
    );
    let vars = emulator.env_vars();
    assert!(vars.contains(&("AWS_ENDPOINT_URL", emulator.endpoint_url())));
    assert!(vars.contains(&("AWS_REGION", "us-east-1".to_owned())));
}

#[tokio::test]
async fn account_and_region_shape_the_arns() {
    let emulator = Emulator::builder()
        .account("123456789012")
        .region("ap-southeast-2")
        .start()
        .await
        .unwrap();
    assert_eq!(emulator.account_id(), "123456789012");
    let created = secrets_client(&emulator)
        .create_secret()
        .name("s")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    assert!(
        created
            .arn()
            .unwrap()
            .starts_with("arn:aws:secretsmanager:ap-southeast-2:123456789012:secret:s-"),
        "{created:?}"
    );
}

#[tokio::test]
async fn two_emulators_share_nothing() {
    let first = Emulator::builder().start().await.unwrap();
    let second = Emulator::builder().start().await.unwrap();
    assert_ne!(first.endpoint_url(), second.endpoint_url());
    secrets_client(&first)
        .create_secret()
        .name("only-in-first")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    let missing = secrets_client(&second)
        .describe_secret()
        .secret_id("only-in-first")
        .send()
        .await;
    assert!(
        missing
            .unwrap_err()
            .into_service_error()
            .is_resource_not_found_exception()
    );
}

#[tokio::test]
async fn signatures_are_verified_unless_auth_is_off() {
    let verifying = Emulator::builder().start().await.unwrap();
    let wrong = secrets_client_with(&verifying, "test", "not-the-secret")
        .list_secrets()
        .send()
        .await;
    assert!(wrong.is_err());

    let lenient = Emulator::builder()
        .auth(AuthMode::Off)
        .start()
        .await
        .unwrap();
    secrets_client_with(&lenient, "test", "not-the-secret")
        .list_secrets()
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn declared_credentials_act_as_their_account() {
    let alice: CredentialConfig = toml::from_str(
        "access_key_id = \"AKIDALICE\"\nsecret_access_key = \"alice-secret\"\naccount_id = \"111122223333\"\nuser_name = \"alice\"\n",
    )
    .unwrap();
    // A declared IAM user has no policies, so it acts only with authorization off.
    let emulator = Emulator::builder()
        .credential(alice)
        .iam(IamMode::Off)
        .start()
        .await
        .unwrap();
    let created = secrets_client_with(&emulator, "AKIDALICE", "alice-secret")
        .create_secret()
        .name("hers")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    assert!(
        created
            .arn()
            .unwrap()
            .contains(":111122223333:secret:hers-")
    );
}

#[tokio::test]
async fn a_seed_file_is_applied_before_start_returns() {
    let emulator = Emulator::builder()
        .seed_file(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docker/seed.example.yaml"
        ))
        .start()
        .await
        .unwrap();
    let value = secrets_client(&emulator)
        .get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(
        value.secret_string(),
        Some(r#"{"user":"app","password":"current-password"}"#)
    );
}

#[tokio::test]
async fn a_data_dir_outlives_the_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let first = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    secrets_client(&first)
        .create_secret()
        .name("kept")
        .secret_string("across emulators")
        .send()
        .await
        .unwrap();
    first.stop().await.unwrap();
    let second = Emulator::builder()
        .data_dir(dir.path())
        .start()
        .await
        .unwrap();
    let value = secrets_client(&second)
        .get_secret_value()
        .secret_id("kept")
        .send()
        .await
        .unwrap();
    assert_eq!(value.secret_string(), Some("across emulators"));
}

#[tokio::test]
async fn bad_settings_and_bad_seeds_fail_start() {
    let error = Emulator::builder()
        .account("12345")
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, EmulatorError::Config(_)), "{error:?}");
    assert!(error.to_string().contains("12 digits"), "{error}");

    let error = Emulator::builder()
        .seed_file("/nonexistent/seed.yaml")
        .start()
        .await
        .unwrap_err();
    assert!(matches!(error, EmulatorError::Seed(_)), "{error:?}");
    assert!(
        error.to_string().contains("/nonexistent/seed.yaml"),
        "{error}"
    );
}

/// Polls (up to 2 s of real time) until nothing accepts connections at `addr`: the server task
/// closes its listener asynchronously after the drop, so this waits for a task, not for a time.
async fn refuses_connections(addr: std::net::SocketAddr) -> bool {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

#[tokio::test]
async fn dropping_or_stopping_the_emulator_closes_its_port() {
    let dropped = Emulator::builder().start().await.unwrap();
    let addr = dropped.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(dropped);
    assert!(
        refuses_connections(addr).await,
        "still accepting after drop"
    );

    let stopped = Emulator::builder().start().await.unwrap();
    let addr = stopped.addr();
    stopped.stop().await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "still accepting after stop"
    );
}
