//! The edge end to end (without a socket): every authenticated call of a served operation
//! leaves one audit record, success or failure, and no record ever holds a secret value.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http_body_util::BodyExt as _;
use serde_json::{Value, json};

use super::handle;
use crate::app::AppState;
use crate::audit::Calls;
use crate::config::{AuthMode, Config};

const SECRET: &str = "Zebra-5512-edge-secret";
const TOKEN: &str = "11111111-2222-4333-8444-555555555555";

fn app(auth: AuthMode) -> Arc<AppState> {
    Arc::new(AppState::new(Config {
        auth,
        ..Config::for_tests()
    }))
}

/// Calls `target` with `body`; returns the status, the request id and the response body.
async fn call(app: &Arc<AppState>, target: &str, body: Value) -> (u16, String, Value) {
    let request = Request::builder()
        .method("POST")
        .uri("/")
        .header("x-amz-target", target)
        .header("user-agent", "edge-test/1.0")
        .body(Body::from(body.to_string()))
        .unwrap();
    let response = handle(State(Arc::clone(app)), request).await;
    let status = response.status().as_u16();
    let request_id = response.headers()["x-amzn-requestid"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, request_id, body)
}

fn direct_records(app: &AppState) -> Vec<Value> {
    let records = app.audit.records(None, Calls::Direct);
    serde_json::from_value(serde_json::to_value(records).unwrap()).unwrap()
}

/// The whole trail as stored text: what must never contain a secret.
fn trail_text(app: &AppState) -> String {
    serde_json::to_string(&app.audit.records(None, Calls::All)).unwrap()
}

#[tokio::test]
async fn a_successful_call_is_recorded_with_its_parameters_and_never_its_value() {
    let app = app(AuthMode::Off);
    let (status, create_id, created) = call(
        &app,
        "secretsmanager.CreateSecret",
        json!({"Name": "edge/app", "ClientRequestToken": TOKEN, "SecretString": SECRET}),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let (status, read_id, _) = call(
        &app,
        "secretsmanager.GetSecretValue",
        json!({"SecretId": "edge/app"}),
    )
    .await;
    assert_eq!(status, 200);

    let records = direct_records(&app);
    assert_eq!(records.len(), 2, "{records:#?}");
    let (create, read) = (&records[0], &records[1]);
    assert_eq!(create["eventSource"], "secretsmanager.amazonaws.com");
    assert_eq!(create["eventName"], "CreateSecret");
    assert_eq!(create["eventCategory"], "Management");
    assert_eq!(create["eventType"], "AwsApiCall");
    assert_eq!(create["managementEvent"], true);
    assert_eq!(create["readOnly"], false);
    assert_eq!(create["requestID"], create_id.as_str());
    assert_eq!(create["awsRegion"], "us-east-1");
    assert_eq!(create["recipientAccountId"], "000000000000");
    assert_eq!(
        create["userIdentity"]["arn"],
        "arn:aws:iam::000000000000:root"
    );
    assert!(create["userIdentity"].get("invokedBy").is_none());
    assert_eq!(create["userAgent"], "edge-test/1.0");
    assert_eq!(
        create["requestParameters"],
        json!({"name": "edge/app", "clientRequestToken": TOKEN})
    );
    assert_eq!(create["responseElements"]["arn"], created["ARN"]);
    assert!(create.get("errorCode").is_none());
    assert_eq!(read["eventName"], "GetSecretValue");
    assert_eq!(read["readOnly"], true);
    assert_eq!(read["requestID"], read_id.as_str());
    assert_eq!(read["requestParameters"], json!({"secretId": "edge/app"}));
    assert!(read["responseElements"].is_null());

    let relayed = app.audit.records(None, Calls::Relayed);
    assert_eq!(
        relayed.len(),
        2,
        "the KMS calls made on the caller's behalf"
    );
    let trail = trail_text(&app);
    assert!(!trail.contains(SECRET), "{trail}");
    assert!(!trail.contains(&STANDARD.encode(SECRET)), "{trail}");
}

#[tokio::test]
async fn a_failed_call_is_recorded_with_its_error() {
    let app = app(AuthMode::Off);
    let (status, _, _) = call(
        &app,
        "secretsmanager.DescribeSecret",
        json!({"SecretId": "missing"}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, _, error) = call(
        &app,
        "secretsmanager.PutSecretValue",
        json!({"SecretId": 5, "SecretString": SECRET}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error["__type"], "SerializationException");

    let records = direct_records(&app);
    assert_eq!(records.len(), 2, "{records:#?}");
    assert_eq!(records[0]["errorCode"], "ResourceNotFoundException");
    assert_eq!(
        records[0]["errorMessage"],
        "Secrets Manager can't find the specified secret."
    );
    assert!(records[0]["responseElements"].is_null());
    assert_eq!(records[1]["eventName"], "PutSecretValue");
    assert_eq!(records[1]["errorCode"], "SerializationException");
    assert_eq!(records[1]["errorMessage"], error["message"]);
    assert_eq!(records[1]["requestParameters"], json!({"secretId": 5}));
    assert!(!trail_text(&app).contains(SECRET));
}

#[tokio::test]
async fn kms_calls_record_keys_and_contexts_but_no_plaintext_or_ciphertext() {
    let app = app(AuthMode::Off);
    let (_, _, key) = call(&app, "TrentService.CreateKey", json!({})).await;
    let key_id = key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let plaintext = STANDARD.encode(SECRET);
    let (status, _, encrypted) = call(
        &app,
        "TrentService.Encrypt",
        json!({"KeyId": key_id, "Plaintext": plaintext, "EncryptionContext": {"app": "edge"}}),
    )
    .await;
    assert_eq!(status, 200);
    let blob = encrypted["CiphertextBlob"].as_str().unwrap().to_owned();
    let (status, _, _) = call(
        &app,
        "TrentService.Decrypt",
        json!({"CiphertextBlob": blob, "EncryptionContext": {"app": "other"}}),
    )
    .await;
    assert_eq!(status, 400);

    let records = direct_records(&app);
    let names: Vec<&str> = records
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["CreateKey", "Encrypt", "Decrypt"]);
    assert!(
        records
            .iter()
            .all(|r| r["eventSource"] == "kms.amazonaws.com")
    );
    assert_eq!(
        records[0]["responseElements"]["keyMetadata"]["KeyId"],
        key_id
    );
    assert_eq!(
        records[1]["requestParameters"],
        json!({"keyId": key_id, "encryptionContext": {"app": "edge"}})
    );
    assert_eq!(records[1]["readOnly"], true);
    assert_eq!(records[2]["errorCode"], "InvalidCiphertextException");
    assert!(records[2].get("errorMessage").is_none());
    let trail = trail_text(&app);
    assert!(!trail.contains(&plaintext), "{trail}");
    assert!(!trail.contains(&blob), "{trail}");
}

#[tokio::test]
async fn refused_and_unknown_calls_leave_no_record() {
    let verifying = app(AuthMode::Verify);
    let (status, _, _) = call(
        &verifying,
        "secretsmanager.DescribeSecret",
        json!({"SecretId": "x"}),
    )
    .await;
    assert_eq!(status, 400);
    let open = app(AuthMode::Off);
    let (status, _, _) = call(&open, "secretsmanager.RotateSecret", json!({})).await;
    assert_eq!(status, 400);
    assert!(verifying.audit.is_empty());
    assert!(open.audit.is_empty());
}

#[tokio::test]
async fn refused_megabyte_requests_keep_the_trail_small() {
    let app = app(AuthMode::Off);
    let huge = "s".repeat(1_000_000);
    for _ in 0..50 {
        let (status, _, error) = call(
            &app,
            "secretsmanager.GetSecretValue",
            json!({"SecretId": huge, "VersionStage": "AWSCURRENT"}),
        )
        .await;
        assert_eq!(status, 400, "{error}");
    }
    let records = direct_records(&app);
    assert_eq!(records.len(), 50);
    for record in &records {
        assert!(record["errorCode"].is_string(), "{record}");
        assert!(record["errorMessage"].as_str().unwrap().len() <= 1024);
        assert_eq!(
            record["requestParameters"],
            json!({"versionStage": "AWSCURRENT", "omitted": true})
        );
    }
    // Unbounded, each record kept the 1 MB SecretId twice (parameters and error message):
    // about 100 MB for these 50. Bounded, under 4 KB each.
    let bound = 50 * 4 * 1024;
    assert!(trail_text(&app).len() < bound, "{}", trail_text(&app).len());
    assert!(
        app.audit.retained_bytes() < bound,
        "{}",
        app.audit.retained_bytes()
    );
}
