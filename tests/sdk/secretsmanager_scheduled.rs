//! A secret scheduled for deletion, seen by every operation: Describe and ListSecrets with
//! IncludePlannedDeletion still show it (with DeletedDate), every read and write refuses it
//! with AWS's text, BatchGetSecretValue reports it per secret, RestoreSecret brings it back,
//! and the end of the recovery window removes it everywhere.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::Tag;
use common::{advance_clock, assert_error, client, create_string_secret, start};

const MARKED: &str =
    "You can't perform this operation on the secret because it was marked for deletion.";

async fn listed_names(sm: &Client, include_planned: bool) -> Vec<String> {
    let out = sm
        .list_secrets()
        .include_planned_deletion(include_planned)
        .send()
        .await
        .unwrap();
    out.secret_list()
        .iter()
        .filter_map(|e| e.name().map(str::to_owned))
        .collect()
}

async fn every_write_is_refused(sm: &Client, name: &str, version: &str) {
    let token = "22222222-2222-3333-4444-555555555555";
    assert_error(
        sm.put_secret_value()
            .secret_id(name)
            .secret_string("x")
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.update_secret()
            .secret_id(name)
            .secret_string("x")
            .client_request_token(token)
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.update_secret_version_stage()
            .secret_id(name)
            .version_stage("CUSTOM")
            .move_to_version_id(version)
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.tag_resource()
            .secret_id(name)
            .tags(Tag::builder().key("k").value("v").build())
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.untag_resource()
            .secret_id(name)
            .tag_keys("k")
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.put_resource_policy()
            .secret_id(name)
            .resource_policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
            .send()
            .await,
        "InvalidRequestException",
        MARKED,
    );
    assert_error(
        sm.get_secret_value().secret_id(name).send().await,
        "InvalidRequestException",
        MARKED,
    );
}

#[tokio::test]
async fn a_scheduled_secret_is_visible_but_untouchable_until_restored() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "doomed", "v1").await;
    create_string_secret(&sm, "kept", "v").await;
    let version = sm
        .describe_secret()
        .secret_id("doomed")
        .send()
        .await
        .unwrap();
    let version = version
        .version_ids_to_stages()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();

    sm.delete_secret()
        .secret_id("doomed")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();

    let described = sm.describe_secret().secret_id(&arn).send().await.unwrap();
    assert!(described.deleted_date().is_some());
    assert_eq!(listed_names(&sm, false).await, ["kept"]);
    assert_eq!(listed_names(&sm, true).await, ["doomed", "kept"]);
    let planned = sm
        .list_secrets()
        .include_planned_deletion(true)
        .send()
        .await
        .unwrap();
    let entry = planned
        .secret_list()
        .iter()
        .find(|e| e.name() == Some("doomed"))
        .unwrap();
    assert!(entry.deleted_date().is_some());

    every_write_is_refused(&sm, "doomed", &version).await;

    let batch = sm
        .batch_get_secret_value()
        .secret_id_list("doomed")
        .secret_id_list("kept")
        .send()
        .await
        .unwrap();
    assert_eq!(batch.secret_values().len(), 1);
    let error = &batch.errors()[0];
    assert_eq!(error.secret_id(), Some("doomed"));
    assert_eq!(error.error_code(), Some("InvalidRequestException"));
    assert_eq!(error.message(), Some(MARKED));

    sm.restore_secret()
        .secret_id("doomed")
        .send()
        .await
        .unwrap();
    assert_eq!(
        sm.get_secret_value()
            .secret_id("doomed")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some("v1")
    );
    sm.put_secret_value()
        .secret_id("doomed")
        .secret_string("v2")
        .send()
        .await
        .unwrap();
    assert_eq!(listed_names(&sm, false).await, ["doomed", "kept"]);
}

#[tokio::test]
async fn the_end_of_the_window_removes_the_secret_everywhere() {
    let server = start().await;
    let sm = client(&server);
    let old_arn = create_string_secret(&sm, "brief", "v").await;
    sm.delete_secret()
        .secret_id("brief")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();
    advance_clock(&server, "6d").await;
    assert_eq!(listed_names(&sm, true).await, ["brief"]);
    advance_clock(&server, "1d1m").await;
    assert!(listed_names(&sm, true).await.is_empty());
    let batch = sm
        .batch_get_secret_value()
        .secret_id_list(&old_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        batch.errors()[0].error_code(),
        Some("ResourceNotFoundException")
    );
    let new_arn = create_string_secret(&sm, "brief", "again").await;
    assert_ne!(
        new_arn, old_arn,
        "a re-created secret gets a new ARN suffix"
    );
}
