//! Secrets Manager on top of the emulated KMS: envelope encryption under the AWS managed key
//! or a customer key, the key-access check, and the KMS calls made on the caller's behalf as
//! CloudTrail-shaped records at `GET /_lockbox/events`.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{assert_error, client, client_as, kms_client, start};
use serde_json::Value;

async fn events(server: &lockbox::ServerHandle) -> Vec<Value> {
    let body = common::admin::admin_call(server, "GET", "/_lockbox/events", None)
        .await
        .json();
    body["Records"].as_array().unwrap().clone()
}

#[tokio::test]
async fn kms_calls_on_the_callers_behalf_are_recorded_without_secrets() {
    let server = start().await;
    let sm = client(&server);
    let created = sm
        .create_secret()
        .name("audited")
        .secret_string("Zebra-5512-secret")
        .send()
        .await
        .unwrap();
    sm.get_secret_value()
        .secret_id("audited")
        .send()
        .await
        .unwrap();
    let records = events(&server).await;
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GenerateDataKey", "Decrypt"]);
    for record in &records {
        assert_eq!(record["eventSource"], "kms.amazonaws.com");
        assert_eq!(
            record["userIdentity"]["invokedBy"],
            "secretsmanager.amazonaws.com"
        );
        assert_eq!(
            record["userIdentity"]["arn"],
            "arn:aws:iam::000000000000:root"
        );
        assert_eq!(record["sourceIPAddress"], "secretsmanager.amazonaws.com");
        assert_eq!(
            record["requestParameters"]["encryptionContext"]["SecretARN"],
            created.arn().unwrap()
        );
        assert_eq!(
            record["requestParameters"]["encryptionContext"]["SecretVersionId"],
            created.version_id().unwrap()
        );
        assert!(
            record["requestParameters"]["keyId"]
                .as_str()
                .unwrap()
                .starts_with("arn:aws:kms:us-east-1:000000000000:key/")
        );
        assert_eq!(record["readOnly"], true);
        assert!(record["responseElements"].is_null());
    }
    assert_eq!(records[0]["requestParameters"]["keySpec"], "AES_256");
    assert_eq!(
        records[1]["requestParameters"]["encryptionAlgorithm"],
        "SYMMETRIC_DEFAULT"
    );
    let raw = serde_json::to_string(&records).unwrap();
    assert!(!raw.contains("Zebra-5512-secret"));
}

#[tokio::test]
async fn events_are_per_account_and_reset_with_it() {
    let server = start().await;
    client(&server)
        .create_secret()
        .name("a")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    client_as(&server, "111111111111", "test", "us-east-1")
        .create_secret()
        .name("b")
        .secret_string("v")
        .send()
        .await
        .unwrap();
    let body = common::admin::admin_call(
        &server,
        "GET",
        "/_lockbox/events?account=111111111111",
        None,
    )
    .await
    .json();
    assert_eq!(body["Records"].as_array().unwrap().len(), 1);
    let reset = common::admin::admin_call(&server, "POST", "/_lockbox/reset", None).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    assert!(events(&server).await.is_empty());
}

#[tokio::test]
async fn a_customer_key_protects_the_secret_and_is_checked_first() {
    let server = start().await;
    let sm = client(&server);
    let key = kms_client(&server).create_key().send().await.unwrap();
    let key_id = key.key_metadata().unwrap().key_id().to_owned();
    let key_arn = key.key_metadata().unwrap().arn().unwrap().to_owned();
    sm.create_secret()
        .name("cmk")
        .kms_key_id(&key_id)
        .secret_string("v")
        .send()
        .await
        .unwrap();
    let described = sm.describe_secret().secret_id("cmk").send().await.unwrap();
    assert_eq!(described.kms_key_id(), Some(key_id.as_str()));
    assert_eq!(
        sm.get_secret_value()
            .secret_id("cmk")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some("v")
    );

    let records = events(&server).await;
    let probe: Vec<&Value> = records
        .iter()
        .filter(|r| {
            r["requestParameters"]["encryptionContext"]["SecretVersionId"]
                == "RequestToValidateKeyAccess"
        })
        .collect();
    let probe_names: Vec<&str> = probe
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(
        probe_names,
        ["GenerateDataKey", "Decrypt"],
        "the key-access check precedes the write"
    );
    assert!(
        records
            .iter()
            .all(|r| r["requestParameters"]["keyId"] == key_arn.as_str())
    );

    let missing = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        sm.create_secret()
            .name("nokey")
            .kms_key_id(missing)
            .send()
            .await,
        "EncryptionFailure",
        format!(
            "Secrets Manager can't encrypt the secret value: Key 'arn:aws:kms:us-east-1:000000000000:key/{missing}' does not exist"
        ),
    );
    assert_error(
        sm.create_secret()
            .name("badkey")
            .kms_key_id("not-a-key")
            .send()
            .await,
        "InvalidParameterException",
        "The operation failed because of an invalid KMS key: Invalid keyId",
    );
}

#[tokio::test]
async fn no_secret_plaintext_is_stored() {
    let server = start().await;
    let sm = client(&server);
    let text = "Quartz-Falcon-4410-plaintext";
    let bytes = b"\x00binary-Falcon-4410\xff".to_vec();
    sm.create_secret()
        .name("p1")
        .secret_string(text)
        .send()
        .await
        .unwrap();
    sm.create_secret()
        .name("p2")
        .secret_binary(aws_sdk_secretsmanager::primitives::Blob::new(bytes.clone()))
        .send()
        .await
        .unwrap();
    sm.put_secret_value()
        .secret_id("p1")
        .secret_string(format!("{text}-v2"))
        .send()
        .await
        .unwrap();
    let stored = server.state().secrets_manager.stored_value_bytes();
    assert_eq!(
        stored.len(),
        6,
        "ciphertext and encrypted data key per version"
    );
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    for blob in &stored {
        assert!(!contains(blob, text.as_bytes()));
        assert!(!contains(blob, b"Falcon-4410"));
        assert!(!contains(blob, &bytes));
    }
    // The value is readable, so what is stored really is its encryption.
    assert_eq!(
        sm.get_secret_value()
            .secret_id("p1")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some("Quartz-Falcon-4410-plaintext-v2")
    );
}

#[tokio::test]
async fn a_disabled_or_doomed_key_breaks_reads_and_writes_until_it_is_back() {
    let server = start().await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    sm.create_secret()
        .name("guarded")
        .kms_key_id(&key_id)
        .secret_string("v1")
        .send()
        .await
        .unwrap();
    let decryption =
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.";

    kms.disable_key().key_id(&key_id).send().await.unwrap();
    assert_error(
        sm.get_secret_value().secret_id("guarded").send().await,
        "DecryptionFailure",
        decryption,
    );
    let (code, message) = common::error_of(
        sm.put_secret_value()
            .secret_id("guarded")
            .secret_string("v2")
            .send()
            .await,
    );
    assert_eq!(code, "EncryptionFailure");
    assert!(message.ends_with("is disabled."), "{message}");
    let batch = sm
        .batch_get_secret_value()
        .secret_id_list("guarded")
        .send()
        .await
        .unwrap();
    assert_eq!(batch.errors()[0].error_code(), Some("DecryptionFailure"));

    kms.enable_key().key_id(&key_id).send().await.unwrap();
    assert_eq!(
        sm.get_secret_value()
            .secret_id("guarded")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some("v1")
    );
    sm.put_secret_value()
        .secret_id("guarded")
        .secret_string("v2")
        .send()
        .await
        .unwrap();

    kms.schedule_key_deletion()
        .key_id(&key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    assert_error(
        sm.get_secret_value().secret_id("guarded").send().await,
        "DecryptionFailure",
        decryption,
    );
    let (code, message) = common::error_of(
        sm.update_secret()
            .secret_id("guarded")
            .secret_string("v3")
            .send()
            .await,
    );
    assert_eq!(code, "EncryptionFailure");
    assert!(message.ends_with("is pending deletion."), "{message}");
    kms.cancel_key_deletion()
        .key_id(&key_id)
        .send()
        .await
        .unwrap();
    kms.enable_key().key_id(&key_id).send().await.unwrap();
    assert_eq!(
        sm.get_secret_value()
            .secret_id("guarded")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some("v2")
    );
}

#[tokio::test]
async fn a_secrets_data_key_decrypts_through_kms_only_with_its_context() {
    let server = start().await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let key = kms.create_key().send().await.unwrap();
    let key_arn = key.key_metadata().unwrap().arn().unwrap().to_owned();
    let created = sm
        .create_secret()
        .name("dk")
        .kms_key_id(&key_arn)
        .secret_string("v")
        .send()
        .await
        .unwrap();
    // One secret with one version: [value ciphertext, encrypted data key].
    let stored = server.state().secrets_manager.stored_value_bytes();
    let data_key = aws_sdk_kms::primitives::Blob::new(stored[1].clone());

    let decrypted = kms
        .decrypt()
        .ciphertext_blob(data_key.clone())
        .encryption_context("SecretARN", created.arn().unwrap())
        .encryption_context("SecretVersionId", created.version_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        decrypted.plaintext().unwrap().as_ref().len(),
        32,
        "an AES-256 data key"
    );
    assert_eq!(decrypted.key_id(), Some(key_arn.as_str()));

    let (code, _) = common::error_of(
        kms.decrypt()
            .ciphertext_blob(data_key.clone())
            .encryption_context("SecretARN", created.arn().unwrap())
            .encryption_context("SecretVersionId", "another-version")
            .send()
            .await,
    );
    assert_eq!(code, "InvalidCiphertextException");
    let (code, _) = common::error_of(kms.decrypt().ciphertext_blob(data_key).send().await);
    assert_eq!(code, "InvalidCiphertextException");
}

#[tokio::test]
async fn direct_calls_are_recorded_at_the_edge_and_shown_when_asked_for() {
    let server = start().await;
    let sm = client(&server);
    let created = sm
        .create_secret()
        .name("edge")
        .secret_string("Heron-7731-secret")
        .send()
        .await
        .unwrap();
    sm.get_secret_value()
        .secret_id("edge")
        .send()
        .await
        .unwrap();
    let calls = |which: &'static str| {
        let path = format!("/_lockbox/events?calls={which}");
        let server = &server;
        async move {
            let answer = common::admin::admin_call(server, "GET", &path, None).await;
            (answer.status, answer.text)
        }
    };
    let (status, direct) = calls("direct").await;
    assert_eq!(status, 200);
    let direct: Value = serde_json::from_str(&direct).unwrap();
    let records = direct["Records"].as_array().unwrap();
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CreateSecret", "GetSecretValue"]);
    for record in records {
        assert_eq!(record["eventSource"], "secretsmanager.amazonaws.com");
        assert_eq!(record["sourceIPAddress"], "127.0.0.1");
        assert!(record["userAgent"].is_string());
        assert!(record["userIdentity"].get("invokedBy").is_none());
    }
    assert_eq!(
        records[0]["responseElements"]["arn"],
        created.arn().unwrap()
    );
    assert_eq!(records[1]["requestParameters"]["secretId"], "edge");

    let (_, all) = calls("all").await;
    let all: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["Records"].as_array().unwrap().len(), 4);
    assert!(!all.to_string().contains("Heron-7731-secret"));
    assert_eq!(
        events(&server).await.len(),
        2,
        "the default view is unchanged"
    );
    assert_eq!(calls("nope").await.0, 400);
}
