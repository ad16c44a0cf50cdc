//! Deterministic seeding (`--seed`), `/_lockbox/export`, `/_lockbox/import` and the
#![allow(clippy::unwrap_used)]
//! `lockbox export` / `lockbox import` commands, observed through the Rust SDKs.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use aws_sdk_secretsmanager::primitives::Blob;
use common::{client, kms_client, start, start_with};
use lockbox::{Config, Server, ServerHandle};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docker/seed.example.yaml");
const APP_KEY: &str = "0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b";
const RETIRED_KEY: &str = "5c3e2a1b-9d8f-4e7a-b6c5-d4e3f2a1b0c9";

async fn seeded(path: &str) -> ServerHandle {
    start_with(Config {
        seed: Some(PathBuf::from(path)),
        ..Config::for_tests()
    })
    .await
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lockbox-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

async fn export(server: &ServerHandle, query: &str) -> String {
    let url = format!("{}/_lockbox/export{query}", server.endpoint_url());
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

async fn import(
    server: &ServerHandle,
    content_type: &str,
    body: String,
) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/_lockbox/import", server.endpoint_url()))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

/// Value of one version: string, or binary bytes.
#[derive(Debug, PartialEq, Eq)]
enum Value {
    Text(String),
    Bytes(Vec<u8>),
}

/// Everything a client can observe of the secrets of the default partition.
#[derive(Debug, PartialEq, Eq)]
struct SecretView {
    arn: String,
    description: Option<String>,
    tags: BTreeMap<String, String>,
    policy: Option<String>,
    versions: BTreeMap<String, (Vec<String>, Value)>,
}

async fn observe(server: &ServerHandle) -> BTreeMap<String, SecretView> {
    let sm = client(server);
    let listed = sm.list_secrets().send().await.unwrap();
    let mut out = BTreeMap::new();
    for entry in listed.secret_list() {
        let name = entry.name().unwrap().to_owned();
        let described = sm.describe_secret().secret_id(&name).send().await.unwrap();
        let policy = sm
            .get_resource_policy()
            .secret_id(&name)
            .send()
            .await
            .unwrap()
            .resource_policy()
            .map(str::to_owned);
        let mut versions = BTreeMap::new();
        let ids = sm
            .list_secret_version_ids()
            .secret_id(&name)
            .send()
            .await
            .unwrap();
        for version in ids.versions() {
            let id = version.version_id().unwrap().to_owned();
            let got = sm
                .get_secret_value()
                .secret_id(&name)
                .version_id(&id)
                .send()
                .await
                .unwrap();
            let value = match got.secret_string() {
                Some(text) => Value::Text(text.to_owned()),
                None => Value::Bytes(got.secret_binary().unwrap().as_ref().to_vec()),
            };
            let mut stages = version.version_stages().to_vec();
            stages.sort();
            versions.insert(id, (stages, value));
        }
        out.insert(
            name,
            SecretView {
                arn: described.arn().unwrap().to_owned(),
                description: described.description().map(str::to_owned),
                tags: described
                    .tags()
                    .iter()
                    .map(|t| (t.key().unwrap().to_owned(), t.value().unwrap().to_owned()))
                    .collect(),
                policy,
                versions,
            },
        );
    }
    out
}

#[tokio::test]
async fn seeding_creates_exactly_what_the_file_declares() {
    let server = seeded(EXAMPLE).await;
    let state = observe(&server).await;
    assert_eq!(state.len(), 2);

    let db = &state["app/db"];
    assert_eq!(
        db.arn,
        "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db-AbC123"
    );
    assert_eq!(db.description.as_deref(), Some("database credentials"));
    assert_eq!(db.tags, BTreeMap::from([("env".into(), "dev".into())]));
    assert_eq!(db.policy, None);
    assert_eq!(
        db.versions["11111111-1111-4111-8111-111111111111"],
        (
            vec!["AWSPREVIOUS".to_owned()],
            Value::Text(r#"{"user":"app","password":"old-password"}"#.into())
        )
    );
    assert_eq!(
        db.versions["22222222-2222-4222-8222-222222222222"],
        (
            vec!["AWSCURRENT".to_owned()],
            Value::Text(r#"{"user":"app","password":"current-password"}"#.into())
        )
    );

    // No arn_suffix, version_id or stages: all derived, and AWSCURRENT on the only version.
    let tls = &state["app/tls-key"];
    assert!(
        tls.arn
            .starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:app/tls-key-")
    );
    assert_eq!(tls.versions.len(), 1);
    let (stages, value) = tls.versions.values().next().unwrap();
    assert_eq!(stages, &vec!["AWSCURRENT".to_owned()]);
    assert_eq!(value, &Value::Bytes(vec![0xde, 0xad, 0xbe, 0xef]));
    assert!(
        tls.policy
            .as_deref()
            .unwrap()
            .contains("secretsmanager:GetSecretValue")
    );

    // The secret's value is sealed under the seeded key named by alias.
    let described = client(&server)
        .describe_secret()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(described.kms_key_id(), Some("alias/app"));

    let kms = kms_client(&server);
    let app = kms.describe_key().key_id("alias/app").send().await.unwrap();
    let app = app.key_metadata().unwrap();
    assert_eq!(app.key_id(), APP_KEY);
    assert_eq!(app.description(), Some("app data key"));
    assert!(app.enabled());
    let tags = kms
        .list_resource_tags()
        .key_id(APP_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().len(), 1);
    assert_eq!(tags.tags()[0].tag_key(), "team");
    assert_eq!(tags.tags()[0].tag_value(), "payments");
    let retired = kms.describe_key().key_id(RETIRED_KEY).send().await.unwrap();
    assert_eq!(
        retired
            .key_metadata()
            .unwrap()
            .key_state()
            .unwrap()
            .as_str(),
        "Disabled"
    );
    let aliases = kms.list_aliases().key_id(APP_KEY).send().await.unwrap();
    assert_eq!(aliases.aliases().len(), 1);
    assert_eq!(aliases.aliases()[0].alias_name(), Some("alias/app"));
}

#[tokio::test]
async fn applying_a_seed_twice_changes_nothing() {
    let server = seeded(EXAMPLE).await;
    let before = observe(&server).await;
    let (status, report) = import(
        &server,
        "application/yaml",
        std::fs::read_to_string(EXAMPLE).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        report,
        serde_json::json!({"keys_created": 0, "keys_unchanged": 2, "secrets_created": 0, "secrets_unchanged": 2})
    );
    assert_eq!(observe(&server).await, before);
    let keys = kms_client(&server).list_keys().send().await.unwrap();
    // Two seeded keys plus aws/secretsmanager (made for app/tls-key, which names no key).
    assert_eq!(keys.keys().len(), 3);
}

#[tokio::test]
async fn a_conflicting_existing_object_is_reported_and_left_alone() {
    let server = seeded(EXAMPLE).await;
    let before = observe(&server).await;
    let changed = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("current-password", "another-password");
    let (status, answer) = import(&server, "application/yaml", changed).await;
    assert_eq!(status, 400);
    let message = answer["error"].as_str().unwrap();
    assert_eq!(
        message,
        "secret 'app/db' in 000000000000/us-east-1 already exists with a different value of version 22222222-2222-4222-8222-222222222222; reset the instance or change the seed"
    );
    assert!(!message.contains("password\""));
    assert_eq!(observe(&server).await, before);

    let other_key = std::fs::read_to_string(EXAMPLE)
        .unwrap()
        .replace("description: app data key", "description: renamed");
    let (status, answer) = import(&server, "application/yaml", other_key).await;
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"],
        format!(
            "KMS key {APP_KEY} in 000000000000/us-east-1 already exists with a different description; reset the instance or change the seed"
        )
    );
}

#[tokio::test]
async fn fixed_key_material_decrypts_ciphertexts_made_by_another_instance() {
    let first = seeded(EXAMPLE).await;
    let encrypted = kms_client(&first)
        .encrypt()
        .key_id("alias/app")
        .plaintext(aws_sdk_kms::primitives::Blob::new(
            b"made on the first instance".to_vec(),
        ))
        .send()
        .await
        .unwrap();
    let blob = encrypted.ciphertext_blob().unwrap().clone();
    drop(first);

    let second = seeded(EXAMPLE).await;
    let decrypted = kms_client(&second)
        .decrypt()
        .ciphertext_blob(blob)
        .send()
        .await
        .unwrap();
    assert_eq!(
        decrypted.plaintext().unwrap().as_ref(),
        b"made on the first instance"
    );
    assert_eq!(
        decrypted.key_id(),
        Some(format!("arn:aws:kms:us-east-1:000000000000:key/{APP_KEY}").as_str())
    );

    // An instance whose key has the same id but other material cannot decrypt it.
    let other = std::fs::read_to_string(EXAMPLE).unwrap().replace(
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "HwECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    );
    let third = seeded(temp_file("other-material.yaml", &other).to_str().unwrap()).await;
    let refused = kms_client(&third)
        .decrypt()
        .ciphertext_blob(encrypted.ciphertext_blob().unwrap().clone())
        .send()
        .await;
    assert!(refused.is_err());
}

/// A server with the example seed plus secrets made through the API (default key, a custom
/// label, an update), and a KMS ciphertext under the managed key's partition.
async fn busy_server() -> ServerHandle {
    let server = seeded(EXAMPLE).await;
    let sm = client(&server);
    sm.create_secret()
        .name("made/by-api")
        .secret_string("api-value-one")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("k")
                .value("v")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.put_secret_value()
        .secret_id("made/by-api")
        .secret_string("api-value-two")
        .version_stages("AWSCURRENT")
        .send()
        .await
        .unwrap();
    sm.put_secret_value()
        .secret_id("made/by-api")
        .secret_binary(Blob::new(b"api-binary-three".to_vec()))
        .version_stages("CANARY")
        .send()
        .await
        .unwrap();
    server
}

const PLAINTEXTS: [&str; 6] = [
    "old-password",
    "current-password",
    "api-value-one",
    "api-value-two",
    "api-binary-three",
    "3q2+7w==",
];

#[tokio::test]
async fn an_encrypted_export_imports_into_a_fresh_instance() {
    let source = busy_server().await;
    let expected = observe(&source).await;
    assert_eq!(expected["made/by-api"].versions.len(), 3);
    let document = export(&source, "").await;
    for plaintext in PLAINTEXTS {
        assert!(
            !document.contains(plaintext),
            "{plaintext} leaked into the export"
        );
        let b64 = base64_of(plaintext.as_bytes());
        assert!(!document.contains(&b64), "{plaintext} leaked as base64");
    }
    assert!(document.contains("\"encrypted\""));

    let target = start().await;
    let (status, report) = import(&target, "application/json", document.clone()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["secrets_created"], 3);
    assert_eq!(observe(&target).await, expected);
    // Importing the same export again changes nothing.
    let (status, report) = import(&target, "application/json", document).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["secrets_created"], 0);
    assert_eq!(report["secrets_unchanged"], 3);
}

#[tokio::test]
async fn a_plaintext_export_imports_into_a_fresh_instance_also_as_yaml() {
    let source = busy_server().await;
    let expected = observe(&source).await;
    let document = export(&source, "?plaintext=true").await;
    assert!(document.contains("current-password"));
    assert!(!document.contains("\"encrypted\""));
    let target = start().await;
    let (status, report) = import(&target, "application/json", document).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(observe(&target).await, expected);

    let yaml = export(&source, "?plaintext=true&format=yaml").await;
    assert!(yaml.starts_with("version: 1"));
    let yaml_target = start().await;
    let (status, report) = import(&yaml_target, "application/yaml", yaml).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(observe(&yaml_target).await, expected);
}

#[tokio::test]
async fn an_encrypted_value_without_its_key_is_refused() {
    let source = busy_server().await;
    let mut document: serde_json::Value = serde_json::from_str(&export(&source, "").await).unwrap();
    document["partitions"][0]["kms_keys"] = serde_json::json!([]);
    let target = start().await;
    let (status, answer) = import(&target, "application/json", document.to_string()).await;
    assert_eq!(status, 400);
    let message = answer["error"].as_str().unwrap();
    assert!(
        message.starts_with("secret 'app/db' in 000000000000/us-east-1: KMS key: "),
        "{message}"
    );
}

fn base64_of(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = ((n >> (18 - 6 * i)) & 63) as usize;
                out.write_char(char::from(TABLE[index])).unwrap();
            } else {
                out.push('=');
            }
        }
    }
    out
}

async fn bind_error(contents: &str, name: &str) -> String {
    let path = temp_file(name, contents);
    let config = Config {
        seed: Some(path),
        listen: ([127, 0, 0, 1], 0).into(),
        ..Config::for_tests()
    };
    let error = Server::bind(config).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    error.to_string()
}

#[tokio::test]
async fn a_malformed_seed_is_a_clear_error() {
    let message = bind_error(
        r#"{"version": 1, "partitions": [{"account": "000000000000", "region": "us-east-1",
            "secrets": [{"name": "x", "versions": [{"secret_string": 42}]}]}]}"#,
        "wrong-type.json",
    )
    .await;
    assert!(message.starts_with("invalid seed file "), "{message}");
    assert!(
        message.contains("at partitions[0].secrets[0].versions[0].secret_string: invalid type"),
        "{message}"
    );

    let message = bind_error("version: 2\n", "v2.yaml").await;
    assert!(
        message.ends_with("version 2 is not supported (this build reads version 1)"),
        "{message}"
    );

    let message = bind_error(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    colour: blue\n",
        "unknown.yaml",
    )
    .await;
    assert!(message.contains("unknown field `colour`"), "{message}");

    let message = bind_error(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    kms_keys:\n      - key_id: 0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b\n        key_material: c2hvcnQ=\n",
        "short-material.yaml",
    )
    .await;
    assert!(
        message.ends_with("partitions[0]: KMS key 0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b: key material must be exactly 32 bytes"),
        "{message}"
    );

    let message = bind_error(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    secrets:\n      - name: s\n        versions:\n          - secret_string: top-secret-value\n            secret_binary: AAAA\n",
        "two-values.yaml",
    )
    .await;
    assert!(
        message.ends_with("partitions[0]: secret 's': versions[0]: give exactly one of secret_string, secret_binary or encrypted"),
        "{message}"
    );
    assert!(!message.contains("top-secret-value"));

    let message = bind_error(
        "version: 1\npartitions:\n  - account: '42'\n    region: us-east-1\n",
        "account.yaml",
    )
    .await;
    assert!(
        message.ends_with("partitions[0]: account '42' must be 12 digits"),
        "{message}"
    );
}

#[tokio::test]
async fn the_binary_refuses_a_bad_seed_and_its_export_and_import_commands_work() {
    let binary = env!("CARGO_BIN_EXE_lockbox");
    let bad = temp_file("bad.json", "{\"version\": 1, \"partitions\": 7}");
    let output = tokio::process::Command::new(binary)
        .args(["--listen", "127.0.0.1:0", "--seed"])
        .arg(&bad)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("lockbox: invalid seed file"), "{stderr}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("lockbox ready"));

    let source = busy_server().await;
    let expected = observe(&source).await;
    let exported = std::env::temp_dir()
        .join(format!("lockbox-seed-{}", std::process::id()))
        .join("cli-export.yaml");
    let status = tokio::process::Command::new(binary)
        .args(["export", "--endpoint", &source.endpoint_url(), "--output"])
        .arg(&exported)
        .status()
        .await
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&exported).unwrap();
    assert!(text.starts_with("version: 1"));
    assert!(!text.contains("current-password"));

    let target = start().await;
    let output = tokio::process::Command::new(binary)
        .args(["import", "--endpoint", &target.endpoint_url()])
        .arg(&exported)
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("\"secrets_created\":3"));
    assert_eq!(observe(&target).await, expected);

    let output = tokio::process::Command::new(binary)
        .args(["import", "--endpoint", &target.endpoint_url()])
        .arg(&bad)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("the server answered 400: invalid document:"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
