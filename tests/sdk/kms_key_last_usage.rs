//! GetKeyLastUsage (raw signed calls: the Rust SDK in use predates it): a new key reports no
//! use and tracking from its creation; each successful tracked call records its operation,
//! virtual time, request id and the `eventID` of its audit record; failures, DryRun,
//! GetPublicKey and DescribeKey record nothing; ReEncrypt records both keys; the KMS calls
//! Secrets Manager makes for a caller count; aliases are refused.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use aws_sdk_kms::operation::RequestId as _;
use aws_sdk_kms::primitives::Blob;
use serde_json::{Value, json};

use crate::common::kms::{kms_call, new_key};
use crate::common::{advance_clock, assert_error, kms_client, start};

async fn last_usage(server: &lockbox::ServerHandle, key: &str) -> Value {
    let (status, body) = kms_call(server, "GetKeyLastUsage", json!({ "KeyId": key })).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// The `eventID` of the direct audit record of the request `request_id`.
async fn event_id_of(server: &lockbox::ServerHandle, request_id: &str) -> String {
    event_id_in(server, "direct", request_id).await
}

/// The `eventID` of the audit record of `calls` (`direct` or `relayed`) of `request_id`.
async fn event_id_in(server: &lockbox::ServerHandle, calls: &str, request_id: &str) -> String {
    let path = format!("/_lockbox/events?calls={calls}");
    let body = crate::common::admin::admin_call(server, "GET", &path, None)
        .await
        .json();
    let records = body["Records"].as_array().unwrap();
    let record = records
        .iter()
        .find(|record| record["requestID"] == request_id)
        .unwrap_or_else(|| panic!("no record of {request_id}: {body}"));
    record["eventID"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_new_key_is_unused_and_tracked_from_its_creation() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let body = last_usage(&server, &arn).await;
    assert_eq!(body["KeyId"], id.as_str());
    assert_eq!(body["KeyLastUsage"], json!({}));
    assert!(body["KeyCreationDate"].is_number(), "{body}");
    assert_eq!(body["TrackingStartDate"], body["KeyCreationDate"]);
    // Not tracked: reading the key, and calls that fail or are dry runs.
    kms.describe_key().key_id(&id).send().await.unwrap();
    assert!(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(b"x".to_vec()))
            .dry_run(true)
            .send()
            .await
            .is_err()
    );
    assert!(
        kms.decrypt()
            .ciphertext_blob(Blob::new(b"garbage".to_vec()))
            .key_id(&id)
            .send()
            .await
            .is_err()
    );
    assert_eq!(last_usage(&server, &id).await["KeyLastUsage"], json!({}));
}

#[tokio::test]
async fn each_tracked_call_records_its_operation_time_and_ids() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    let encrypted = kms
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap();
    let request_id = encrypted.request_id().unwrap().to_owned();
    let usage = last_usage(&server, &id).await["KeyLastUsage"].clone();
    assert_eq!(usage["Operation"], "Encrypt");
    assert_eq!(usage["KmsRequestId"], request_id.as_str());
    assert_eq!(
        usage["CloudTrailEventId"],
        event_id_of(&server, &request_id).await.as_str()
    );
    let first = usage["Timestamp"].as_f64().unwrap();

    advance_clock(&server, "2d").await;
    kms.generate_data_key_pair_without_plaintext()
        .key_id(&id)
        .key_pair_spec(aws_sdk_kms::types::DataKeyPairSpec::EccNistP256)
        .send()
        .await
        .unwrap();
    let usage = last_usage(&server, &id).await["KeyLastUsage"].clone();
    assert_eq!(usage["Operation"], "GenerateDataKeyPairWithoutPlaintext");
    let second = usage["Timestamp"].as_f64().unwrap();
    assert!(second - first >= 2.0 * 86_400.0, "{first} {second}");

    // ReEncrypt: both keys.
    let (other, _) = new_key(&kms).await;
    kms.re_encrypt()
        .ciphertext_blob(encrypted.ciphertext_blob().unwrap().clone())
        .destination_key_id(&other)
        .send()
        .await
        .unwrap();
    for key in [&id, &other] {
        assert_eq!(
            last_usage(&server, key).await["KeyLastUsage"]["Operation"],
            "ReEncrypt"
        );
    }

    // Asymmetric keys: Sign records, GetPublicKey does not.
    let signing = kms
        .create_key()
        .key_spec(aws_sdk_kms::types::KeySpec::EccNistP256)
        .key_usage(aws_sdk_kms::types::KeyUsageType::SignVerify)
        .send()
        .await
        .unwrap()
        .key_metadata()
        .unwrap()
        .key_id()
        .to_owned();
    kms.sign()
        .key_id(&signing)
        .message(Blob::new(b"m".to_vec()))
        .signing_algorithm(aws_sdk_kms::types::SigningAlgorithmSpec::EcdsaSha256)
        .send()
        .await
        .unwrap();
    kms.get_public_key().key_id(&signing).send().await.unwrap();
    assert_eq!(
        last_usage(&server, &signing).await["KeyLastUsage"]["Operation"],
        "Sign"
    );
}

#[tokio::test]
async fn aliases_and_unknown_keys_are_refused_and_any_state_answers() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let (status, body) = kms_call(
        &server,
        "GetKeyLastUsage",
        json!({ "KeyId": "alias/aws/secretsmanager" }),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            400,
            json!({"__type": "NotFoundException", "message": "Invalid keyId 'alias/aws/secretsmanager'"})
        )
    );
    let missing = "11111111-2222-3333-4444-555555555555";
    let (status, body) = kms_call(&server, "GetKeyLastUsage", json!({ "KeyId": missing })).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "NotFoundException");
    let (status, body) = kms_call(&server, "GetKeyLastUsage", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body["message"],
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"
    );
    kms.schedule_key_deletion()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(last_usage(&server, &arn).await["KeyId"], id.as_str());
    assert_error(
        kms.encrypt()
            .key_id(&id)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
            .await,
        "KMSInvalidStateException",
        format!("{arn} is pending deletion."),
    );
}

#[tokio::test]
async fn the_kms_calls_secrets_manager_makes_are_uses_of_the_key() {
    use aws_sdk_secretsmanager::operation::RequestId as _;
    let server = start().await;
    let kms = kms_client(&server);
    let sm = crate::common::client(&server);
    let (id, arn) = new_key(&kms).await;
    sm.create_secret()
        .name("tracked")
        .kms_key_id(&arn)
        .secret_string("value")
        .send()
        .await
        .unwrap();
    let usage = last_usage(&server, &id).await["KeyLastUsage"].clone();
    assert_eq!(usage["Operation"], "GenerateDataKey");
    let read = sm
        .get_secret_value()
        .secret_id("tracked")
        .send()
        .await
        .unwrap();
    let request_id = read.request_id().unwrap().to_owned();
    let usage = last_usage(&server, &id).await["KeyLastUsage"].clone();
    assert_eq!(usage["Operation"], "Decrypt");
    assert_eq!(usage["KmsRequestId"], request_id.as_str());
    assert_eq!(
        usage["CloudTrailEventId"],
        event_id_in(&server, "relayed", &request_id).await.as_str()
    );
}

#[tokio::test]
async fn after_a_restart_tracking_starts_again_after_the_key_creation() {
    let dir = tempfile::tempdir().unwrap();
    let config = || lockbox::Config {
        data_dir: Some(dir.path().join("data")),
        ..lockbox::Config::for_tests()
    };
    let server = crate::common::start_with(config()).await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    kms.encrypt()
        .key_id(&id)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap();
    let before = last_usage(&server, &id).await;
    assert_eq!(before["KeyLastUsage"]["Operation"], "Encrypt");
    advance_clock(&server, "1d").await;
    server.shutdown().await.unwrap();

    let server = crate::common::start_with(config()).await;
    let kms = kms_client(&server);
    kms.describe_key().key_id(&id).send().await.unwrap();
    let after = last_usage(&server, &id).await;
    // Not tracked across the restart, and said so: tracking began after the key's creation.
    assert_eq!(after["KeyLastUsage"], json!({}));
    assert_eq!(after["KeyCreationDate"], before["KeyCreationDate"]);
    let created = after["KeyCreationDate"].as_f64().unwrap();
    let tracked = after["TrackingStartDate"].as_f64().unwrap();
    assert!(tracked - created >= 86_400.0, "{created} {tracked}");
    server.shutdown().await.unwrap();
}
