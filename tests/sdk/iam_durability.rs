//! IAM with `--data-dir`: users, keys, policies, roles and MFA devices survive a restart, a
//! key created before the restart still signs, and neither secret access keys nor MFA seeds
//! are anywhere in the data dir in clear.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use aws_credential_types::Credentials;
use aws_sdk_iam::primitives::Blob;
use lockbox::{Config, ServerHandle};

use crate::common::{client_as, start_with};

async fn start_in(dir: &Path) -> ServerHandle {
    start_with(Config {
        data_dir: Some(dir.to_owned()),
        ..Config::for_tests()
    })
    .await
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

fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, bytes));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn iam_state_survives_a_restart_with_its_secrets_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start_in(&data).await;
    let client = iam(&server);
    client.create_user().user_name("ci").send().await.unwrap();
    let key = client
        .create_access_key()
        .user_name("ci")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let policy =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    client
        .put_user_policy()
        .user_name("ci")
        .policy_name("all")
        .policy_document(policy)
        .send()
        .await
        .unwrap();
    let device = client
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("ci-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let base32 =
        String::from_utf8(device.base32_string_seed.map(Blob::into_inner).unwrap()).unwrap();
    server.shutdown().await.unwrap();

    for (path, bytes) in files_under(&data) {
        assert!(
            !contains(&bytes, key.secret_access_key.as_bytes()),
            "a secret access key in clear in {}",
            path.display()
        );
        assert!(
            !contains(&bytes, base32.as_bytes()),
            "an MFA seed in clear in {}",
            path.display()
        );
    }

    let server = start_in(&data).await;
    let client = iam(&server);
    let user = client.get_user().user_name("ci").send().await.unwrap();
    assert_eq!(user.user.unwrap().user_name, "ci");
    let got = client
        .get_user_policy()
        .user_name("ci")
        .policy_name("all")
        .send()
        .await
        .unwrap();
    assert_eq!(got.policy_name, "all");
    let devices = client.list_virtual_mfa_devices().send().await.unwrap();
    assert_eq!(
        devices.virtual_mfa_devices()[0].serial_number,
        device.serial_number
    );
    client_as(
        &server,
        &key.access_key_id,
        &key.secret_access_key,
        "us-east-1",
    )
    .list_secrets()
    .send()
    .await
    .expect("the key from before the restart still signs");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_rekey_reseals_iam_secrets_too() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = start_in(&data).await;
    // A secret, so KMS seals key material and the data dir has a root-key check.
    crate::common::create_string_secret(&crate::common::client(&server), "s", "v").await;
    let client = iam(&server);
    client.create_user().user_name("ci").send().await.unwrap();
    client
        .put_user_policy()
        .user_name("ci")
        .policy_name("list")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    let key = client
        .create_access_key()
        .user_name("ci")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    server.shutdown().await.unwrap();

    let report = lockbox::rekey::rekey(&data, None, None).expect("rekey");
    assert!(report.keys >= 1);

    let server = start_in(&data).await;
    client_as(
        &server,
        &key.access_key_id,
        &key.secret_access_key,
        "us-east-1",
    )
    .list_secrets()
    .send()
    .await
    .expect("the key still signs after the rekey");
    server.shutdown().await.unwrap();
}
