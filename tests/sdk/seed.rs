//! Deterministic seeding (`--seed`): what a seed creates, idempotency, conflicts, fixed key
//! material across instances and malformed documents, observed through the Rust SDKs.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::collections::BTreeMap;

use common::seed::{APP_KEY, EXAMPLE, RETIRED_KEY, Value, import, observe, seeded, temp_file};
use common::{client, kms_client};
use lockbox::{Config, Server};

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
async fn a_conflict_late_in_a_document_leaves_nothing_of_it_applied() {
    let server = common::start().await;
    common::create_string_secret(&client(&server), "taken", "first value").await;
    let document = format!(
        "version: 1\npartitions:\n  - account: \"000000000000\"\n    region: us-east-1\n    kms_keys:\n      - key_id: {APP_KEY}\n        aliases: [alias/early]\n    secrets:\n      - name: early\n        versions:\n          - secret_string: early value\n      - name: taken\n        versions:\n          - secret_string: another value\n"
    );
    let (status, answer) = import(&server, "application/yaml", document).await;
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .starts_with("secret 'taken'"),
        "{answer}"
    );
    let sm = client(&server);
    assert!(
        sm.describe_secret()
            .secret_id("early")
            .send()
            .await
            .is_err()
    );
    let kms = kms_client(&server);
    assert!(kms.describe_key().key_id(APP_KEY).send().await.is_err());
    assert!(
        kms.describe_key()
            .key_id("alias/early")
            .send()
            .await
            .is_err()
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

fn one_secret(body: &str) -> String {
    format!(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    secrets:\n      - name: s\n{body}"
    )
}

#[tokio::test]
async fn seeded_secrets_follow_the_apis_limits() {
    let cases = [
        (
            "        resource_policy: 'not json'\n        versions: [{secret_string: v}]\n",
            "secret 's' in 000000000000/us-east-1: resource_policy: The policy document is not valid JSON.",
        ),
        (
            "        tags: {'aws:x': y}\n        versions: [{secret_string: v}]\n",
            "secret 's' in 000000000000/us-east-1: tag 'aws:x': the aws: prefix is reserved",
        ),
        (
            "        versions:\n          - {secret_string: a, stages: [AWSCURRENT]}\n          - {secret_string: b, stages: [AWSCURRENT]}\n",
            "label 'AWSCURRENT' must be 1-256 characters and on one version only",
        ),
        (
            "        versions: [{secret_string: v, version_id: short}]\n",
            "version id 'short' must be 32-64 characters and unique",
        ),
        (
            "        versions: [{secret_string: ''}]\n",
            "must be 1-65536 bytes",
        ),
        (
            "        versions: []\n",
            "a secret needs at least one version",
        ),
    ];
    for (index, (body, expected)) in cases.into_iter().enumerate() {
        let path = temp_file(&format!("rule-{index}.yaml"), &one_secret(body));
        let config = Config {
            seed: Some(path),
            ..Config::for_tests()
        };
        let message = Server::bind(config).await.unwrap_err().to_string();
        assert!(message.contains(expected), "case {index}: {message}");
    }
}

#[tokio::test]
async fn seeds_keep_to_the_apis_quotas() {
    let tags: Vec<String> = (0..51).map(|i| format!("t{i}: v")).collect();
    let versions: Vec<String> = (0..101)
        .map(|i| format!("          - {{secret_string: v{i}}}"))
        .collect();
    let key_tags: Vec<String> = (0..51).map(|i| format!("t{i}: v")).collect();
    let cases = [
        (
            one_secret(&format!(
                "        tags: {{{}}}\n        versions: [{{secret_string: v}}]\n",
                tags.join(", ")
            )),
            "at most 50 tags",
        ),
        (
            one_secret(&format!("        versions:\n{}\n", versions.join("\n"))),
            "at most 100 versions",
        ),
        (
            format!(
                "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    kms_keys:\n      - key_id: 0b6d8a3e-1f2c-4d5e-8a9b-0c1d2e3f4a5b\n        tags: {{{}}}\n",
                key_tags.join(", ")
            ),
            "at most 50 tags",
        ),
    ];
    for (index, (document, expected)) in cases.into_iter().enumerate() {
        let path = temp_file(&format!("quota-{index}.yaml"), &document);
        let config = Config {
            seed: Some(path),
            ..Config::for_tests()
        };
        let message = Server::bind(config).await.unwrap_err().to_string();
        assert!(message.contains(expected), "case {index}: {message}");
    }
}

#[tokio::test]
async fn seeded_secrets_behave_like_any_other_through_the_api() {
    let server = seeded(EXAMPLE).await;
    let sm = client(&server);
    let put = sm
        .put_secret_value()
        .secret_id("app/db")
        .secret_string("rotated")
        .send()
        .await
        .unwrap();
    let state = observe(&server).await;
    let versions = &state["app/db"].versions;
    assert_eq!(
        versions[put.version_id().unwrap()].0,
        vec!["AWSCURRENT".to_owned()]
    );
    assert_eq!(
        versions["22222222-2222-4222-8222-222222222222"].0,
        vec!["AWSPREVIOUS".to_owned()]
    );
    // The old AWSPREVIOUS version lost its last label (ListSecretVersionIds leaves it out).
    assert!(!versions.contains_key("11111111-1111-4111-8111-111111111111"));
    // The new version is sealed under the secret's seeded key.
    let events = common::admin::admin_call(&server, "GET", "/_lockbox/events", None)
        .await
        .text;
    assert!(events.contains(APP_KEY));
}
