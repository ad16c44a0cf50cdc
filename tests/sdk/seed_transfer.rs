//! `GET /_lockbox/export`, `POST /_lockbox/import` and the `lockbox export` / `lockbox import`
//! commands: state moves between instances, encrypted or in plaintext.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::seed::{PLAINTEXTS, base64_of, busy_server, export, import, observe, temp_file};
use common::start;

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

#[tokio::test]
async fn the_binary_refuses_a_bad_seed_and_its_export_and_import_commands_work() {
    let binary = env!("CARGO_BIN_EXE_lockbox");
    let bad = temp_file("bad.json", "{\"version\": 1, \"partitions\": 7}");
    let output = tokio::process::Command::new(binary)
        .env_remove("LOCKBOX_ADMIN_TOKEN")
        .env_remove("AWS_ACCESS_KEY_ID")
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
        .env_remove("LOCKBOX_ADMIN_TOKEN")
        .env_remove("AWS_ACCESS_KEY_ID")
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
        .env_remove("LOCKBOX_ADMIN_TOKEN")
        .env_remove("AWS_ACCESS_KEY_ID")
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
        .env_remove("LOCKBOX_ADMIN_TOKEN")
        .env_remove("AWS_ACCESS_KEY_ID")
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
