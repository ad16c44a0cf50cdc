//! UpdateSecretVersionStage: moves, removals, the verified error text and its siblings.

use super::support::{create, current, expect, move_stage, put, state, tok};
use crate::common::{assert_error, client, raw_call, start};

#[tokio::test]
async fn moves_answer_only_arn_and_name() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "m", "one").await;
    put(&sm, "m", "v2", "two", Some(&["AWSPENDING"])).await;
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.UpdateSecretVersionStage"),
        format!(
            r#"{{"SecretId":"m","VersionStage":"AWSCURRENT","RemoveFromVersionId":"{}","MoveToVersionId":"{}"}}"#,
            tok("v1"),
            tok("v2")
        )
        .as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body, serde_json::json!({"ARN": arn, "Name": "m"}));
    assert_eq!(current(&sm, "m").await, ("v2".into(), "two".into()));
    // Rolling back swaps AWSCURRENT and AWSPREVIOUS.
    move_stage(&sm, "m", "AWSCURRENT", Some("v2"), Some("v1")).await;
    assert_eq!(
        state(&sm, "m").await,
        expect(&[
            ("v1", &["AWSCURRENT"]),
            ("v2", &["AWSPENDING", "AWSPREVIOUS"])
        ])
    );
    assert_eq!(current(&sm, "m").await, ("v1".into(), "one".into()));
}

#[tokio::test]
async fn moving_an_attached_label_needs_remove_from_version_id() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "r", "one").await;
    put(&sm, "r", "v2", "two", Some(&["AWSPENDING"])).await;
    let update = |label: &str, remove: Option<&str>, move_to: Option<&str>| {
        sm.update_secret_version_stage()
            .secret_id("r")
            .version_stage(label)
            .set_remove_from_version_id(remove.map(str::to_owned))
            .set_move_to_version_id(move_to.map(str::to_owned))
            .send()
    };
    // Recorded against real AWS (label rule 6, see src/secretsmanager/labels/mod.rs).
    assert_error(
        update("AWSCURRENT", None, Some(&tok("v2"))).await,
        "InvalidParameterException",
        format!(
            "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version {}, so you must explicitly reference that version in RemoveFromVersionId.",
            tok("v1")
        ),
    );
    // Lockbox's choice (AWS's texts are not known): the same sentence for any other label, and
    // siblings in the same style.
    assert_error(
        update("AWSPENDING", None, Some(&tok("v1"))).await,
        "InvalidParameterException",
        format!(
            "The parameter RemoveFromVersionId can't be empty. Staging label AWSPENDING is currently attached to version {}, so you must explicitly reference that version in RemoveFromVersionId.",
            tok("v2")
        ),
    );
    assert_error(
        update("AWSCURRENT", Some(&tok("v2")), Some(&tok("v2"))).await,
        "InvalidParameterException",
        format!(
            "The parameter RemoveFromVersionId is invalid. Staging label AWSCURRENT is currently attached to version {}, so you must explicitly reference that version in RemoveFromVersionId.",
            tok("v1")
        ),
    );
    assert_error(
        update("GHOST", Some(&tok("v1")), None).await,
        "InvalidParameterException",
        format!(
            "The parameter RemoveFromVersionId is invalid. Staging label GHOST isn't attached to version {}.",
            tok("v1")
        ),
    );
    assert_error(
        update("AWSCURRENT", Some(&tok("v1")), Some(&tok("zz"))).await,
        "InvalidParameterException",
        format!(
            "The parameter MoveToVersionId is invalid. Secrets Manager can't find version {} of this secret.",
            tok("zz")
        ),
    );
    assert_error(
        update("AWSCURRENT", Some(&tok("v1")), None).await,
        "InvalidParameterException",
        "The parameter MoveToVersionId can't be empty. Staging label AWSCURRENT must always be attached to a version, so you must move it to another version with MoveToVersionId.",
    );
    assert_error(
        update("AWSCURRENT", Some("short"), None).await,
        "ValidationException",
        "1 validation error detected: Value 'short' at 'removeFromVersionId' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );
    assert_error(
        update(&"L".repeat(257), None, None).await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '{}' at 'versionStage' failed to satisfy constraint: Member must have length less than or equal to 256",
            "L".repeat(257)
        ),
    );
    assert_error(
        sm.update_secret_version_stage()
            .secret_id("nope")
            .version_stage("X")
            .send()
            .await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    );
    assert_eq!(
        state(&sm, "r").await,
        expect(&[("v1", &["AWSCURRENT"]), ("v2", &["AWSPENDING"])])
    );
}

#[tokio::test]
async fn labels_can_be_attached_moved_and_removed() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "l", "one").await;
    put(&sm, "l", "v2", "two", Some(&["BLUE"])).await;
    move_stage(&sm, "l", "GREEN", None, Some("v1")).await;
    move_stage(&sm, "l", "BLUE", Some("v2"), Some("v1")).await;
    assert_eq!(
        state(&sm, "l").await,
        expect(&[("v1", &["AWSCURRENT", "GREEN", "BLUE"]), ("v2", &[])])
    );
    move_stage(&sm, "l", "GREEN", Some("v1"), None).await;
    // Lockbox's choice (AWS's behaviour is not known): neither version id: nothing to do, success.
    move_stage(&sm, "l", "BLUE", None, None).await;
    assert_eq!(
        state(&sm, "l").await,
        expect(&[("v1", &["AWSCURRENT", "BLUE"]), ("v2", &[])])
    );
    // A deprecated version can take labels again.
    let got = sm
        .get_secret_value()
        .secret_id("l")
        .version_id(tok("v2"))
        .send()
        .await
        .unwrap();
    assert!(got.version_stages().is_empty());
    move_stage(&sm, "l", "BLUE", Some("v1"), Some("v2")).await;
    let got = sm
        .get_secret_value()
        .secret_id("l")
        .version_stage("BLUE")
        .send()
        .await
        .unwrap();
    assert_eq!(got.secret_string(), Some("two"));
}

#[tokio::test]
async fn a_version_carries_at_most_twenty_labels() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "lim", "one").await;
    let twenty: Vec<String> = (0..20).map(|i| format!("L{i}")).collect();
    sm.put_secret_value()
        .secret_id("lim")
        .client_request_token(tok("v2"))
        .secret_string("two")
        .set_version_stages(Some(twenty))
        .send()
        .await
        .unwrap();
    assert_error(
        sm.update_secret_version_stage()
            .secret_id("lim")
            .version_stage("AWSCURRENT")
            .remove_from_version_id(tok("v1"))
            .move_to_version_id(tok("v2"))
            .send()
            .await,
        "LimitExceededException",
        format!(
            "You can't attach more than 20 staging labels to version {}.",
            tok("v2")
        ),
    );
    assert_eq!(current(&sm, "lim").await.0, "v1");
}
