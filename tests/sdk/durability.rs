//! `--data-dir`: state survives a restart of the server (secrets, versions, labels, tags,
//! policies, KMS keys, aliases, grants, rotation schedules, deletion windows, the audit trail
//! and the virtual clock), the windows and schedules resume on the clock, and nothing secret
//! is in the data dir in plaintext.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::path::{Path, PathBuf};

use aws_sdk_kms::primitives::Blob;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{advance_clock, client, clock_request, kms_client, start_with};
use lockbox::{Config, ServerHandle};

const SECRET_VALUE: &str = "correct horse battery staple 8c1f";

async fn start_in(dir: &Path, seed: Option<PathBuf>) -> ServerHandle {
    start_with(Config {
        data_dir: Some(dir.to_owned()),
        seed,
        ..Config::for_tests()
    })
    .await
}

#[tokio::test]
async fn state_survives_a_restart_and_windows_resume_on_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let server = start_in(&data, None).await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let arn = common::create_string_secret(&sm, "app/db", SECRET_VALUE).await;
    sm.put_secret_value()
        .secret_id("app/db")
        .secret_string("second")
        .version_stages("AWSPENDING")
        .send()
        .await
        .unwrap();
    sm.tag_resource()
        .secret_id("app/db")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("team")
                .value("payments")
                .build(),
        )
        .send()
        .await
        .unwrap();
    common::create_string_secret(&sm, "doomed", "x").await;
    let deleted = sm
        .delete_secret()
        .secret_id("doomed")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();
    let (key_id, _) = common::kms::new_key(&kms).await;
    kms.create_alias()
        .alias_name("alias/app")
        .target_key_id(&key_id)
        .send()
        .await
        .unwrap();
    kms.enable_key_rotation()
        .key_id(&key_id)
        .rotation_period_in_days(90)
        .send()
        .await
        .unwrap();
    let blob = common::kms::encrypt(&kms, "alias/app", b"plain", &[("purpose", "test")]).await;
    let (doomed_key, _) = common::kms::new_key(&kms).await;
    kms.schedule_key_deletion()
        .key_id(&doomed_key)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    advance_clock(&server, "1d").await;
    let events_before = events(&server).await;
    server.shutdown().await.unwrap();

    let server = start_in(&data, None).await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let (_, clock) = clock_request(&server, None).await;
    assert!(
        clock["offset_seconds"].as_i64().unwrap() >= 86_400,
        "{clock}"
    );
    let value = sm.get_secret_value().secret_id(&arn).send().await.unwrap();
    assert_eq!(value.secret_string(), Some(SECRET_VALUE));
    let pending = sm
        .get_secret_value()
        .secret_id("app/db")
        .version_stage("AWSPENDING")
        .send()
        .await
        .unwrap();
    assert_eq!(pending.secret_string(), Some("second"));
    let described = sm
        .describe_secret()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(described.tags().len(), 1);
    let doomed = sm
        .describe_secret()
        .secret_id("doomed")
        .send()
        .await
        .unwrap();
    assert!(doomed.deleted_date().is_some() && deleted.deletion_date().is_some());
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(blob)
        .encryption_context("purpose", "test")
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"plain");
    let described_key = kms.describe_key().key_id("alias/app").send().await.unwrap();
    assert_eq!(described_key.key_metadata().unwrap().key_id(), key_id);
    assert!(events(&server).await >= events_before);

    // The 7-day windows were scheduled a day ago: six more days and they end.
    advance_clock(&server, "6d").await;
    let gone = sm.describe_secret().secret_id("doomed").send().await;
    assert!(gone.is_err(), "the recovery window should have ended");
    assert!(kms.describe_key().key_id(&doomed_key).send().await.is_err());
    // Rotation every 90 days from the enable date resumes on the clock.
    advance_clock(&server, "84d").await;
    let rotations = kms
        .list_key_rotations()
        .key_id(&key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(rotations.rotations().len(), 1);
    server.shutdown().await.unwrap();

    // And what the clock did after the restart is itself durable.
    let server = start_in(&data, None).await;
    let sm = client(&server);
    assert!(
        sm.describe_secret()
            .secret_id("doomed")
            .send()
            .await
            .is_err()
    );
    let kms = kms_client(&server);
    let rotations = kms
        .list_key_rotations()
        .key_id(&key_id)
        .send()
        .await
        .unwrap();
    assert_eq!(rotations.rotations().len(), 1);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_reset_is_durable_and_keeps_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path(), None).await;
    common::create_string_secret(&client(&server), "s", "v").await;
    advance_clock(&server, "2d").await;
    let reset = common::admin::admin_call(&server, "POST", "/_lockbox/reset", None).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    server.shutdown().await.unwrap();
    let server = start_in(dir.path(), None).await;
    assert!(
        client(&server)
            .describe_secret()
            .secret_id("s")
            .send()
            .await
            .is_err()
    );
    let (_, clock) = clock_request(&server, None).await;
    assert!(clock["offset_seconds"].as_i64().unwrap() >= 2 * 86_400);
    server.shutdown().await.unwrap();
}

async fn events(server: &ServerHandle) -> usize {
    let body = common::admin::admin_call(server, "GET", "/_lockbox/events", None)
        .await
        .json();
    body["Records"].as_array().unwrap().len()
}

/// Every byte of every file under `dir`, file by file.
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
async fn no_secret_value_or_key_material_is_stored_in_plaintext() {
    let material: [u8; 32] = rand::random();
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        format!(
            "version: 1\npartitions:\n  - account: \"000000000000\"\n    region: us-east-1\n    kms_keys:\n      - key_id: 0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b\n        aliases: [alias/fixed]\n        key_material: {}\n",
            STANDARD.encode(material)
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let server = start_in(&data, Some(seed)).await;
    let sm = client(&server);
    common::create_string_secret(&sm, "plain-default-key", SECRET_VALUE).await;
    sm.create_secret()
        .name("plain-fixed-key")
        .kms_key_id("alias/fixed")
        .secret_binary(aws_sdk_secretsmanager::primitives::Blob::new(SECRET_VALUE))
        .send()
        .await
        .unwrap();
    let kms = kms_client(&server);
    let data_key = kms
        .generate_data_key()
        .key_id("alias/fixed")
        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
        .send()
        .await
        .unwrap();
    let plaintext_data_key = data_key.plaintext().unwrap().as_ref().to_vec();
    kms.encrypt()
        .key_id("alias/fixed")
        .plaintext(Blob::new(SECRET_VALUE))
        .send()
        .await
        .unwrap();
    server.shutdown().await.unwrap();

    let files = files_under(&data);
    assert!(files.len() >= 2, "expected the database and root key");
    let needles: Vec<(&str, Vec<u8>)> = vec![
        ("secret value", SECRET_VALUE.as_bytes().to_vec()),
        (
            "secret value (base64)",
            STANDARD.encode(SECRET_VALUE).into_bytes(),
        ),
        ("key material", material.to_vec()),
        (
            "key material (base64)",
            STANDARD.encode(material).into_bytes(),
        ),
        ("key material (hex)", hex::encode(material).into_bytes()),
        ("data key", plaintext_data_key.clone()),
        (
            "data key (base64)",
            STANDARD.encode(&plaintext_data_key).into_bytes(),
        ),
    ];
    for (path, bytes) in &files {
        for (what, needle) in &needles {
            assert!(
                !contains(bytes, needle),
                "{} contains the {what} in plaintext",
                path.display()
            );
        }
    }

    // The material is there, sealed: a restart decrypts with it.
    let server = start_in(&data, None).await;
    let value = client(&server)
        .get_secret_value()
        .secret_id("plain-fixed-key")
        .send()
        .await
        .unwrap();
    assert_eq!(
        value.secret_binary().unwrap().as_ref(),
        SECRET_VALUE.as_bytes()
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_seed_given_at_every_start_keeps_what_was_changed_since() {
    let example = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docker/seed.example.yaml"
    ));
    let dir = tempfile::tempdir().unwrap();
    let server = start_in(dir.path(), Some(example.clone())).await;
    client(&server)
        .put_secret_value()
        .secret_id("app/db")
        .secret_string("changed through the API")
        .send()
        .await
        .unwrap();
    server.shutdown().await.unwrap();

    let server = start_in(dir.path(), Some(example)).await;
    let value = client(&server)
        .get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(value.secret_string(), Some("changed through the API"));
    // The rest of the seed is still there, unchanged.
    let tls = client(&server)
        .get_secret_value()
        .secret_id("app/tls-key")
        .send()
        .await
        .unwrap();
    assert!(tls.secret_binary().is_some());
    server.shutdown().await.unwrap();
}
