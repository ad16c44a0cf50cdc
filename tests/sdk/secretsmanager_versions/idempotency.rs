//! ClientRequestToken idempotency of PutSecretValue and UpdateSecret.

use aws_smithy_types::Blob;

use super::support::{create, expect, state, tok};
use crate::common::{assert_error, client, raw_call, start};

fn token_in_use(token: &str, arn: &str) -> String {
    format!(
        "You can't use ClientRequestToken {token} because that value is already in use for a version of secret {arn}."
    )
}

#[tokio::test]
async fn put_replaying_token_and_value_changes_nothing() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "same", "x").await;
    let replay = sm
        .put_secret_value()
        .secret_id("same")
        .client_request_token(tok("v1"))
        .secret_string("x")
        .send()
        .await
        .unwrap();
    assert_eq!(replay.arn(), Some(arn.as_str()));
    assert_eq!(replay.version_id(), Some(tok("v1").as_str()));
    assert_eq!(replay.version_stages(), ["AWSCURRENT"]);
    // Explicit stages on a replay are ignored: it reports the version's labels as they are.
    let replay = sm
        .put_secret_value()
        .secret_id("same")
        .client_request_token(tok("v1"))
        .secret_string("x")
        .version_stages("OTHER")
        .send()
        .await
        .unwrap();
    assert_eq!(replay.version_stages(), ["AWSCURRENT"]);
    assert_eq!(state(&sm, "same").await, expect(&[("v1", &["AWSCURRENT"])]));
}

#[tokio::test]
async fn put_reusing_a_token_with_another_value_is_refused() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "other", "x").await;
    let put = |value: &str| {
        sm.put_secret_value()
            .secret_id("other")
            .client_request_token(tok("v1"))
            .secret_string(value)
            .send()
    };
    assert_error(
        put("y").await,
        "ResourceExistsException",
        token_in_use(&tok("v1"), &arn),
    );
    // Lockbox's choice (AWS's behaviour is not known): the same bytes as binary are another
    // value; kind and bytes are compared.
    let binary = sm
        .put_secret_value()
        .secret_id("other")
        .client_request_token(tok("v1"))
        .secret_binary(Blob::new(b"x".to_vec()))
        .send()
        .await;
    assert_error(
        binary,
        "ResourceExistsException",
        token_in_use(&tok("v1"), &arn),
    );
    assert_eq!(
        state(&sm, "other").await,
        expect(&[("v1", &["AWSCURRENT"])])
    );
}

#[tokio::test]
async fn update_replaying_token_and_value_returns_the_version_id() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "upd", "x").await;
    let update = |value: &str| {
        sm.update_secret()
            .secret_id("upd")
            .client_request_token(tok("v2"))
            .secret_string(value)
            .send()
    };
    assert_eq!(
        update("y").await.unwrap().version_id(),
        Some(tok("v2").as_str())
    );
    assert_eq!(
        update("y").await.unwrap().version_id(),
        Some(tok("v2").as_str())
    );
    assert_eq!(
        state(&sm, "upd").await,
        expect(&[("v1", &["AWSPREVIOUS"]), ("v2", &["AWSCURRENT"])])
    );
    assert_error(
        update("z").await,
        "ResourceExistsException",
        token_in_use(&tok("v2"), &arn),
    );
}

#[tokio::test]
async fn raw_writes_with_a_value_need_a_token() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "raw", "x").await;
    for (target, body) in [
        (
            "secretsmanager.PutSecretValue",
            r#"{"SecretId":"raw","SecretString":"y"}"#,
        ),
        (
            "secretsmanager.UpdateSecret",
            r#"{"SecretId":"raw","SecretString":"y"}"#,
        ),
    ] {
        let (status, _, body) = raw_call(&server, Some(target), body.as_bytes()).await;
        assert_eq!(status, 400, "{target}");
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "__type": "InvalidRequestException",
                "Message": "You must provide a ClientRequestToken value. We recommend a UUID-type value."
            })
        );
    }
    // A raw description-only update needs no token and creates no version.
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.UpdateSecret"),
        br#"{"SecretId":"raw","Description":"d"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(body.get("VersionId").is_none(), "{body}");
    assert_eq!(state(&sm, "raw").await, expect(&[("v1", &["AWSCURRENT"])]));
}
