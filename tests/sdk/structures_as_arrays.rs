//! A structure is a JSON object on the awsJson1_1 wire, at any depth. A JSON array in its place
//! is the wrong type, a `SerializationException` as on AWS, and changes nothing: Lockbox used to
//! read it by position (`["name", null, null]` for `{"SecretId": "name"}`). Raw HTTP signed with
//! the `aws-sigv4` crate, since no SDK sends such a body; the official SDKs check the outcome.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde_json::Value;

use common::{client, create_string_secret, kms_client, start};

/// `target` called with `body`, signed as `test`/`test` in us-east-1 for `service`: the status
/// and the JSON body.
async fn raw(
    server: &lockbox::ServerHandle,
    service: &str,
    target: &str,
    body: &str,
) -> (u16, Value) {
    let host = server.addr().to_string();
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target),
    ];
    let identity = Credentials::new("test", "test", None, None, "raw").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name(service)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("http://{host}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = reqwest::Client::new()
        .post(format!("{}/", server.endpoint_url()))
        .body(body.to_owned());
    for (name, value) in headers.iter().filter(|(name, _)| *name != "host") {
        request = request.header(*name, *value);
    }
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[track_caller]
fn assert_serialization_exception(response: &(u16, Value), message: &str) {
    assert_eq!(response.0, 400, "{}", response.1);
    assert_eq!(
        response.1["__type"], "SerializationException",
        "{}",
        response.1
    );
    assert_eq!(response.1["message"], message, "{}", response.1);
}

#[tokio::test]
async fn an_array_for_the_whole_input_is_not_read_by_position() {
    let server = start().await;
    create_string_secret(&client(&server), "strict/app", "Zebra-5512").await;

    let as_array = raw(
        &server,
        "secretsmanager",
        "secretsmanager.GetSecretValue",
        r#"["strict/app", null, null]"#,
    )
    .await;
    assert_serialization_exception(
        &as_array,
        "Unexpected sequence at the request body: expected struct GetSecretValueInput.",
    );
    assert!(!as_array.1.to_string().contains("Zebra-5512"));

    let (status, value) = raw(
        &server,
        "secretsmanager",
        "secretsmanager.GetSecretValue",
        r#"{"SecretId": "strict/app"}"#,
    )
    .await;
    assert_eq!(
        (status, value["SecretString"].as_str()),
        (200, Some("Zebra-5512"))
    );
}

#[tokio::test]
async fn an_array_for_a_nested_structure_is_refused_and_creates_nothing() {
    let server = start().await;
    let kms = kms_client(&server);
    let keys_before = kms.list_keys().send().await.unwrap().keys().len();

    assert_serialization_exception(
        &raw(
            &server,
            "kms",
            "TrentService.CreateKey",
            r#"{"Tags": [["k", "v"]]}"#,
        )
        .await,
        "Unexpected sequence at 'Tags[0]': expected struct KmsTag.",
    );
    assert_eq!(
        kms.list_keys().send().await.unwrap().keys().len(),
        keys_before,
        "no key was created"
    );

    let (status, created) = raw(
        &server,
        "kms",
        "TrentService.CreateKey",
        r#"{"Tags": [{"TagKey": "k", "TagValue": "v"}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let key_id = created["KeyMetadata"]["KeyId"].as_str().unwrap();
    let tags = kms
        .list_resource_tags()
        .key_id(key_id)
        .send()
        .await
        .unwrap();
    let tags: Vec<(&str, &str)> = tags
        .tags()
        .iter()
        .map(|tag| (tag.tag_key(), tag.tag_value()))
        .collect();
    assert_eq!(tags, [("k", "v")]);
}
