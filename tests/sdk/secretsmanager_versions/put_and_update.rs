//! PutSecretValue and UpdateSecret: happy paths, labels, metadata and errors.

use aws_smithy_types::Blob;

use super::support::{create, current, expect, state, tok};
use crate::common::{assert_error, client, raw_call, start};

const BOTH: &str =
    "You can't specify both a binary secret value and a string secret value in the same secret.";
const NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";

#[tokio::test]
async fn put_secret_value_makes_the_new_version_current() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "app/db", "one").await;
    let before = sm
        .describe_secret()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    let put = sm
        .put_secret_value()
        .secret_id(&arn)
        .secret_binary(Blob::new(vec![0, 1, 255]))
        .send()
        .await
        .unwrap();
    assert_eq!(put.arn(), Some(arn.as_str()));
    assert_eq!(put.name(), Some("app/db"));
    assert_eq!(put.version_stages(), ["AWSCURRENT"]);
    let new_id = put.version_id().unwrap();
    assert_eq!(new_id.len(), 36, "the SDK filled a UUID token");
    let got = sm
        .get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(got.version_id(), Some(new_id));
    assert_eq!(got.secret_binary().unwrap().as_ref(), [0, 1, 255]);
    let previous = sm
        .get_secret_value()
        .secret_id("app/db")
        .version_stage("AWSPREVIOUS")
        .send()
        .await
        .unwrap();
    assert_eq!(previous.secret_string(), Some("one"));
    assert_eq!(previous.version_id(), Some(tok("v1").as_str()));
    let after = sm
        .describe_secret()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert!(after.last_changed_date().unwrap() > before.last_changed_date().unwrap());
}

#[tokio::test]
async fn explicit_stages_are_reported_and_leave_awscurrent_alone() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "s", "one").await;
    let put = sm
        .put_secret_value()
        .secret_id("s")
        .client_request_token(tok("v2"))
        .secret_string("two")
        .version_stages("AWSPENDING")
        .version_stages("BLUE")
        .send()
        .await
        .unwrap();
    assert_eq!(put.version_stages(), ["AWSPENDING", "BLUE"]);
    assert_eq!(current(&sm, "s").await, ("v1".into(), "one".into()));
    let pending = sm
        .get_secret_value()
        .secret_id("s")
        .version_stage("AWSPENDING")
        .send()
        .await
        .unwrap();
    assert_eq!(pending.secret_string(), Some("two"));
    assert_eq!(pending.version_stages(), ["AWSPENDING", "BLUE"]);
}

/// Label rule 3 (see src/secretsmanager/labels/mod.rs): the first value of a value-less
/// secret gets AWSCURRENT appended to the explicit labels (Lockbox's choice; AWS's exact
/// behaviour is not known).
#[tokio::test]
async fn first_value_of_an_empty_secret_becomes_current() {
    let server = start().await;
    let sm = client(&server);
    sm.create_secret().name("empty").send().await.unwrap();
    assert_error(
        sm.get_secret_value().secret_id("empty").send().await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
    let put = sm
        .put_secret_value()
        .secret_id("empty")
        .client_request_token(tok("v1"))
        .secret_string("first")
        .version_stages("BLUE")
        .send()
        .await
        .unwrap();
    assert_eq!(put.version_stages(), ["BLUE", "AWSCURRENT"]);
    assert_eq!(current(&sm, "empty").await, ("v1".into(), "first".into()));

    sm.create_secret().name("empty2").send().await.unwrap();
    let updated = sm
        .update_secret()
        .secret_id("empty2")
        .secret_string("first")
        .send()
        .await
        .unwrap();
    assert!(updated.version_id().is_some());
    assert_eq!(current(&sm, "empty2").await.1, "first");
}

#[tokio::test]
async fn put_secret_value_errors() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "e", "x").await;
    let put = || sm.put_secret_value().secret_id("e");
    assert_error(
        put().send().await,
        "InvalidRequestException",
        "You must provide either SecretString or SecretBinary.",
    );
    assert_error(
        put()
            .secret_string("a")
            .secret_binary(Blob::new(b"a".to_vec()))
            .send()
            .await,
        "InvalidParameterException",
        BOTH,
    );
    assert_error(
        sm.put_secret_value()
            .secret_id("nope")
            .secret_string("a")
            .send()
            .await,
        "ResourceNotFoundException",
        NOT_FOUND,
    );
    assert_error(
        sm.put_secret_value()
            .secret_id("bad name")
            .secret_string("a")
            .send()
            .await,
        "ValidationException",
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
    );
    assert_error(
        put()
            .secret_string("a")
            .client_request_token("short")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'short' at 'clientRequestToken' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );
    let many: Vec<String> = (0..21).map(|i| format!("L{i}")).collect();
    assert_error(
        put()
            .secret_string("a")
            .set_version_stages(Some(many))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '[L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14, L15, L16, L17, L18, L19, L20]' at 'versionStages' failed to satisfy constraint: Member must have length less than or equal to 20",
    );
    assert_error(
        put().secret_string("a").version_stages("").send().await,
        "ValidationException",
        "1 validation error detected: Value '[]' at 'versionStages' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 1]",
    );
    let (code, message) = crate::common::error_of(
        put()
            .secret_string("a")
            .rotation_token("not valid! but long enough to pass the minimum")
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value at 'rotationToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\-]+$"
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.PutSecretValue"),
        br#"{"SecretString":"a","ClientRequestToken":"00000000000000000000000000000000"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains(
            "Value null at 'secretId' failed to satisfy constraint: Member must not be null"
        ),
        "{body}"
    );
    assert_eq!(state(&sm, "e").await, expect(&[("v1", &["AWSCURRENT"])]));
}

#[tokio::test]
async fn description_only_updates_create_no_version() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "d", "x").await;
    let t0 = sm.describe_secret().secret_id("d").send().await.unwrap();
    let updated = sm
        .update_secret()
        .secret_id("d")
        .description("first description")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.arn(), Some(arn.as_str()));
    assert_eq!(updated.name(), Some("d"));
    assert_eq!(
        updated.version_id(),
        None,
        "the SDK sent a token, but no version was made"
    );
    let t1 = sm.describe_secret().secret_id("d").send().await.unwrap();
    assert_eq!(t1.description(), Some("first description"));
    assert!(t1.last_changed_date().unwrap() > t0.last_changed_date().unwrap());
    assert_eq!(state(&sm, "d").await, expect(&[("v1", &["AWSCURRENT"])]));

    sm.update_secret()
        .secret_id("d")
        .description("")
        .send()
        .await
        .unwrap();
    let t2 = sm.describe_secret().secret_id("d").send().await.unwrap();
    assert_eq!(t2.description(), None, "an empty description is omitted");
    assert!(t2.last_changed_date().unwrap() > t1.last_changed_date().unwrap());
}

#[tokio::test]
async fn value_updates_make_a_new_current_version_every_time() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "u", "x").await;
    let mut last = sm.describe_secret().secret_id("u").send().await.unwrap();
    for (token, value) in [("v2", "x"), ("v3", "x")] {
        let updated = sm
            .update_secret()
            .secret_id("u")
            .client_request_token(tok(token))
            .secret_string(value)
            .description("same value, fresh token")
            .send()
            .await
            .unwrap();
        assert_eq!(updated.version_id(), Some(tok(token).as_str()));
        let now = sm.describe_secret().secret_id("u").send().await.unwrap();
        assert!(now.last_changed_date().unwrap() > last.last_changed_date().unwrap());
        last = now;
    }
    assert_eq!(
        state(&sm, "u").await,
        expect(&[
            ("v1", &[]),
            ("v2", &["AWSPREVIOUS"]),
            ("v3", &["AWSCURRENT"])
        ])
    );
    assert_eq!(last.description(), Some("same value, fresh token"));
}

#[tokio::test]
async fn update_secret_errors() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "ue", "x").await;
    assert_error(
        sm.update_secret()
            .secret_id("ue")
            .secret_string("a")
            .secret_binary(Blob::new(b"a".to_vec()))
            .send()
            .await,
        "InvalidParameterException",
        BOTH,
    );
    assert_error(
        sm.update_secret()
            .secret_id("nope")
            .description("d")
            .send()
            .await,
        "ResourceNotFoundException",
        NOT_FOUND,
    );
    assert_error(
        sm.update_secret()
            .secret_id("ue")
            .description("d".repeat(2049))
            .send()
            .await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '{}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048",
            "d".repeat(2049)
        ),
    );
    let (code, message) = crate::common::error_of(
        sm.update_secret()
            .secret_id("ue")
            .secret_string("s".repeat(65_537))
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536"
    );
}
