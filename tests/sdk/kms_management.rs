//! KMS key lifecycle through the official Rust SDK (aws-sdk-kms): ListKeys and its pages,
//! EnableKey, DisableKey, UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion and
//! the deletion of a key (and its aliases) when its window ends on the virtual clock.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::types::KeyState;
use common::{advance_clock, assert_error, kms_client, start};

const ACCOUNT_ARN: &str = "arn:aws:kms:us-east-1:000000000000";

/// Creates a key; returns (key id, key ARN).
async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

async fn state_of(kms: &aws_sdk_kms::Client, id: &str) -> KeyState {
    let described = kms.describe_key().key_id(id).send().await.unwrap();
    described
        .key_metadata()
        .unwrap()
        .key_state()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn list_keys_pages_through_every_key_including_managed_and_pending_ones() {
    let server = start().await;
    let kms = kms_client(&server);
    let empty = kms.list_keys().send().await.unwrap();
    assert!(empty.keys().is_empty());
    assert!(!empty.truncated());
    assert_eq!(empty.next_marker(), None);

    let mut made = Vec::new();
    for _ in 0..4 {
        made.push(new_key(&kms).await);
    }
    kms.schedule_key_deletion()
        .key_id(&made[0].0)
        .send()
        .await
        .unwrap();
    let managed = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    made.push((
        managed.key_metadata().unwrap().key_id().to_owned(),
        managed.key_metadata().unwrap().arn().unwrap().to_owned(),
    ));

    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = kms
            .list_keys()
            .limit(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        assert!(page.keys().len() <= 2);
        assert_eq!(page.truncated(), page.next_marker().is_some());
        for entry in page.keys() {
            let id = entry.key_id().unwrap().to_owned();
            assert_eq!(
                entry.key_arn(),
                Some(format!("{ACCOUNT_ARN}:key/{id}").as_str())
            );
            seen.push(id);
        }
        match page.next_marker() {
            Some(next) => marker = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected: Vec<String> = made.iter().map(|(id, _)| id.clone()).collect();
    expected.sort();
    // Lockbox's choice (AWS's order is not known): ListKeys orders keys by key id.
    assert_eq!(seen, expected);

    // The SDK paginator follows NextMarker/Truncated to the end.
    let all: Vec<_> = kms
        .list_keys()
        .limit(1)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
}

#[tokio::test]
async fn list_keys_refuses_markers_it_did_not_issue_and_bad_limits() {
    let server = start().await;
    let kms = kms_client(&server);
    // Lockbox's choice (AWS's text is not known): the AWS API model's description of
    // InvalidMarkerException is the message.
    assert_error(
        kms.list_keys().marker("not-a-marker").send().await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    assert_error(
        kms.list_keys().limit(1001).send().await,
        "ValidationException",
        "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
}

#[tokio::test]
async fn disable_enable_and_describe_follow_the_state_table() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    kms.disable_key().key_id(&id).send().await.unwrap();
    kms.disable_key().key_id(&arn).send().await.unwrap();
    assert_eq!(state_of(&kms, &id).await, KeyState::Disabled);
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    assert!(!described.key_metadata().unwrap().enabled());
    kms.enable_key().key_id(&arn).send().await.unwrap();
    kms.enable_key().key_id(&id).send().await.unwrap();
    assert_eq!(state_of(&kms, &id).await, KeyState::Enabled);

    kms.update_key_description()
        .key_id(&id)
        .description("renamed")
        .send()
        .await
        .unwrap();
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    assert_eq!(
        described.key_metadata().unwrap().description(),
        Some("renamed")
    );

    // Key-only operations refuse aliases as malformed key ids.
    kms.create_alias()
        .alias_name("alias/app")
        .target_key_id(&id)
        .send()
        .await
        .unwrap();
    assert_error(
        kms.disable_key().key_id("alias/app").send().await,
        "NotFoundException",
        "Invalid keyId 'alias/app'",
    );
    let unknown = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        kms.enable_key().key_id(unknown).send().await,
        "NotFoundException",
        format!("Key '{ACCOUNT_ARN}:key/{unknown}' does not exist"),
    );
    assert_error(
        kms.update_key_description()
            .key_id(&id)
            .description("d".repeat(8193))
            .send()
            .await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '{}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192",
            "d".repeat(8193)
        ),
    );
}

#[tokio::test]
async fn a_key_pending_deletion_refuses_changes_and_cancelling_leaves_it_disabled() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let scheduled = kms
        .schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    assert_eq!(scheduled.key_id(), Some(arn.as_str()));
    assert_eq!(scheduled.key_state(), Some(&KeyState::PendingDeletion));
    assert_eq!(scheduled.pending_window_in_days(), Some(7));
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.key_state(), Some(&KeyState::PendingDeletion));
    assert!(!meta.enabled());
    let deletion = scheduled.deletion_date().unwrap().secs();
    assert_eq!(meta.deletion_date().unwrap().secs(), deletion);
    assert_eq!(deletion - meta.creation_date().unwrap().secs(), 7 * 86_400);

    let pending = format!("{arn} is pending deletion.");
    assert_error(
        kms.enable_key().key_id(&id).send().await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.disable_key().key_id(&id).send().await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.update_key_description()
            .key_id(&id)
            .description("x")
            .send()
            .await,
        "KMSInvalidStateException",
        &pending,
    );
    assert_error(
        kms.schedule_key_deletion().key_id(&id).send().await,
        "KMSInvalidStateException",
        &pending,
    );

    let cancelled = kms.cancel_key_deletion().key_id(&id).send().await.unwrap();
    assert_eq!(cancelled.key_id(), Some(arn.as_str()));
    let described = kms.describe_key().key_id(&id).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.key_state(), Some(&KeyState::Disabled));
    assert!(meta.deletion_date().is_none());
    assert_error(
        kms.cancel_key_deletion().key_id(&id).send().await,
        "KMSInvalidStateException",
        format!("{arn} is not pending deletion."),
    );
    // The cancelled key is kept after its old window.
    advance_clock(&server, "8d").await;
    assert_eq!(state_of(&kms, &id).await, KeyState::Disabled);
}

#[tokio::test]
async fn the_pending_window_is_checked() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, _) = new_key(&kms).await;
    // Inside the model's 1-365 but outside 7-30: the text real KMS sent, as seen in a public log.
    for days in [6, 31] {
        assert_error(
            kms.schedule_key_deletion()
                .key_id(&id)
                .pending_window_in_days(days)
                .send()
                .await,
            "ValidationException",
            "PendingWindowInDays must be between 7 and 30",
        );
    }
    assert_error(
        kms.schedule_key_deletion()
            .key_id(&id)
            .pending_window_in_days(366)
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '366' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value less than or equal to 365",
    );
    let scheduled = kms
        .schedule_key_deletion()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(scheduled.pending_window_in_days(), Some(30));
}

#[tokio::test]
async fn the_key_and_its_aliases_are_deleted_when_the_window_ends() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    let (kept, _) = new_key(&kms).await;
    for (alias, target) in [("alias/doomed", &id), ("alias/kept", &kept)] {
        kms.create_alias()
            .alias_name(alias)
            .target_key_id(target)
            .send()
            .await
            .unwrap();
    }
    kms.schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();
    advance_clock(&server, "6d").await;
    assert_eq!(state_of(&kms, &id).await, KeyState::PendingDeletion);
    // Pending keys keep their aliases and stay listed.
    let listed = kms.list_keys().send().await.unwrap();
    assert_eq!(listed.keys().len(), 2);

    advance_clock(&server, "1d").await;
    let gone = format!("Key '{arn}' does not exist");
    assert_error(
        kms.describe_key().key_id(&id).send().await,
        "NotFoundException",
        &gone,
    );
    assert_error(
        kms.describe_key().key_id("alias/doomed").send().await,
        "NotFoundException",
        format!("Alias {ACCOUNT_ARN}:alias/doomed is not found."),
    );
    assert_error(
        kms.cancel_key_deletion().key_id(&id).send().await,
        "NotFoundException",
        &gone,
    );
    let listed = kms.list_keys().send().await.unwrap();
    let ids: Vec<_> = listed.keys().iter().filter_map(|k| k.key_id()).collect();
    assert_eq!(ids, [kept.as_str()]);
    let aliases = kms.list_aliases().send().await.unwrap();
    let names: Vec<_> = aliases
        .aliases()
        .iter()
        .filter_map(|a| a.alias_name())
        .collect();
    assert_eq!(names, ["alias/kept"]);
}
