//! DeleteSecret / RestoreSecret and recovery windows on the virtual clock, through the
//! official Rust SDK (the clock is moved through the admin API; its own tests are in
//! tests/sdk/admin_clock.rs).
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_secretsmanager::primitives::DateTime;
use common::{advance_clock as advance, assert_error, client, create_string_secret, start};

const NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";
const MARKED: &str =
    "You can't perform this operation on the secret because it was marked for deletion.";
const NAME_SCHEDULED: &str = "You can't create this secret because a secret with this name is already scheduled for deletion.";
const ALREADY_SCHEDULED: &str =
    "You can't perform this operation on the secret because it was already scheduled for deletion.";
const WINDOW_RANGE: &str =
    "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).";
const FORCE_WITH_WINDOW: &str =
    "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.";
const INVALID_NAME: &str = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!";
const DAY: f64 = 86_400.0;

fn real_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

fn secs(date: Option<&DateTime>) -> f64 {
    date.unwrap().as_secs_f64()
}

#[track_caller]
fn assert_near(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 10.0,
        "{actual} is not within 10 s of {expected}"
    );
}

#[tokio::test]
async fn delete_schedules_with_the_default_window_and_describe_shows_deleted_date() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "app/db", "v").await;

    let deleted = sm.delete_secret().secret_id("app/db").send().await.unwrap();
    assert_eq!(deleted.arn(), Some(arn.as_str()));
    assert_eq!(deleted.name(), Some("app/db"));
    assert_near(secs(deleted.deletion_date()), real_now() + 30.0 * DAY);

    // Decision pinned: DeletedDate is when DeleteSecret was called (AWS's ListSecrets
    // documentation: "the date and time the deletion of the secret occurred"), not the purge date
    // DeleteSecret returns.
    let described = sm.describe_secret().secret_id(&arn).send().await.unwrap();
    assert_near(secs(described.deleted_date()), real_now());
    assert_eq!(described.name(), Some("app/db"));
}

#[tokio::test]
async fn recovery_window_bounds_and_force_conflicts() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "w", "v").await;
    for days in [0, 6, 31, -7, 365] {
        let result = sm
            .delete_secret()
            .secret_id("w")
            .recovery_window_in_days(days)
            .send()
            .await;
        assert_error(result, "InvalidParameterException", WINDOW_RANGE);
    }
    let result = sm
        .delete_secret()
        .secret_id("w")
        .recovery_window_in_days(7)
        .force_delete_without_recovery(true)
        .send()
        .await;
    assert_error(result, "InvalidParameterException", FORCE_WITH_WINDOW);
    // The conflict is reported even when the window is also out of range.
    let result = sm
        .delete_secret()
        .secret_id("w")
        .recovery_window_in_days(3)
        .force_delete_without_recovery(true)
        .send()
        .await;
    assert_error(result, "InvalidParameterException", FORCE_WITH_WINDOW);
    // Decision pinned: an explicit `false` does not conflict with a window.
    let deleted = sm
        .delete_secret()
        .secret_id("w")
        .recovery_window_in_days(7)
        .force_delete_without_recovery(false)
        .send()
        .await
        .unwrap();
    assert_near(secs(deleted.deletion_date()), real_now() + 7.0 * DAY);
}

#[tokio::test]
async fn a_scheduled_secret_refuses_everything_but_describe_restore_and_force() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "sched", "v").await;
    sm.delete_secret()
        .secret_id("sched")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();

    let result = sm.get_secret_value().secret_id("sched").send().await;
    assert_error(result, "InvalidRequestException", MARKED);
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
    let result = sm
        .put_resource_policy()
        .secret_id("sched")
        .resource_policy(policy)
        .send()
        .await;
    assert_error(result, "InvalidRequestException", MARKED);
    let result = sm.delete_resource_policy().secret_id("sched").send().await;
    assert_error(result, "InvalidRequestException", MARKED);
    let result = sm
        .create_secret()
        .name("sched")
        .secret_string("again")
        .send()
        .await;
    assert_error(result, "InvalidRequestException", NAME_SCHEDULED);
    // Decision pinned (peers agree, AWS unverified): scheduling twice is refused.
    let result = sm.delete_secret().secret_id("sched").send().await;
    assert_error(result, "InvalidRequestException", ALREADY_SCHEDULED);
    // Decision pinned: GetResourcePolicy, like DescribeSecret, still answers.
    let got = sm
        .get_resource_policy()
        .secret_id("sched")
        .send()
        .await
        .unwrap();
    assert!(got.resource_policy().is_none());
    assert!(
        sm.describe_secret()
            .secret_id("sched")
            .send()
            .await
            .unwrap()
            .deleted_date()
            .is_some()
    );
}

#[tokio::test]
async fn restore_brings_the_secret_back_with_its_value() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "back", "kept").await;
    sm.delete_secret().secret_id("back").send().await.unwrap();

    let restored = sm.restore_secret().secret_id(&arn).send().await.unwrap();
    assert_eq!(restored.arn(), Some(arn.as_str()));
    assert_eq!(restored.name(), Some("back"));
    let value = sm
        .get_secret_value()
        .secret_id("back")
        .send()
        .await
        .unwrap();
    assert_eq!(value.secret_string(), Some("kept"));
    let described = sm.describe_secret().secret_id("back").send().await.unwrap();
    assert!(described.deleted_date().is_none());

    // Decision pinned (peers agree, AWS unverified): restoring an active secret is a no-op.
    let again = sm.restore_secret().secret_id("back").send().await.unwrap();
    assert_eq!(again.name(), Some("back"));
    // A restored secret survives the end of its old window.
    advance(&server, "31d").await;
    assert!(sm.describe_secret().secret_id("back").send().await.is_ok());

    let result = sm.restore_secret().secret_id("missing").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm.restore_secret().secret_id("bad name").send().await;
    assert_error(result, "ValidationException", INVALID_NAME);
}

#[tokio::test]
async fn force_delete_removes_at_once_and_the_name_gets_a_new_arn() {
    let server = start().await;
    let sm = client(&server);
    let first = create_string_secret(&sm, "forced", "v1").await;
    let deleted = sm
        .delete_secret()
        .secret_id("forced")
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.arn(), Some(first.as_str()));
    assert_near(secs(deleted.deletion_date()), real_now());
    let result = sm.describe_secret().secret_id("forced").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm.restore_secret().secret_id("forced").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);

    let second = create_string_secret(&sm, "forced", "v2").await;
    assert_ne!(first, second, "a re-created secret gets a new ARN suffix");
    assert_eq!(
        first.rsplit_once('-').unwrap().0,
        second.rsplit_once('-').unwrap().0
    );
    // The old ARN does not reach the new secret.
    let result = sm.get_secret_value().secret_id(&first).send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
}

#[tokio::test]
async fn force_delete_of_a_scheduled_secret_deletes_now() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "twice", "v").await;
    sm.delete_secret().secret_id("twice").send().await.unwrap();
    let deleted = sm
        .delete_secret()
        .secret_id("twice")
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
    assert_near(secs(deleted.deletion_date()), real_now());
    let result = sm.describe_secret().secret_id("twice").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    create_string_secret(&sm, "twice", "new").await;
}

#[tokio::test]
async fn force_delete_of_a_missing_secret_succeeds_but_names_are_still_validated() {
    let server = start().await;
    let sm = client(&server);
    let deleted = sm
        .delete_secret()
        .secret_id("never/was")
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.name(), Some("never/was"));
    let arn = deleted.arn().unwrap();
    assert!(
        arn.starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:never/was-"),
        "{arn}"
    );
    assert_near(secs(deleted.deletion_date()), real_now());

    let by_arn = "arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf";
    let deleted = sm
        .delete_secret()
        .secret_id(by_arn)
        .force_delete_without_recovery(true)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.arn(), Some(by_arn));
    assert_eq!(deleted.name(), Some("gone"));

    let result = sm
        .delete_secret()
        .secret_id("bad name")
        .force_delete_without_recovery(true)
        .send()
        .await;
    assert_error(result, "ValidationException", INVALID_NAME);
    let result = sm.delete_secret().secret_id("never/was").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
}

#[tokio::test]
async fn secrets_disappear_when_their_window_ends_on_the_virtual_clock() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "week", "v").await;
    let month_arn = create_string_secret(&sm, "month", "v").await;
    sm.delete_secret()
        .secret_id("week")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();
    sm.delete_secret().secret_id("month").send().await.unwrap();

    advance(&server, "8d").await;
    let result = sm.describe_secret().secret_id("week").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm.restore_secret().secret_id("week").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let still = sm
        .describe_secret()
        .secret_id("month")
        .send()
        .await
        .unwrap();
    assert!(still.deleted_date().is_some());
    let result = sm.create_secret().name("month").send().await;
    assert_error(result, "InvalidRequestException", NAME_SCHEDULED);

    advance(&server, "30d").await;
    let result = sm.describe_secret().secret_id("month").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    assert_eq!(server.state().secrets_manager.secret_count(), 0);
    let again = create_string_secret(&sm, "month", "fresh").await;
    assert_ne!(again, month_arn);
    // Timestamps of new work come from the virtual clock (38 days ahead).
    let described = sm
        .describe_secret()
        .secret_id("month")
        .send()
        .await
        .unwrap();
    assert_near(secs(described.created_date()), real_now() + 38.0 * DAY);
}

#[tokio::test]
async fn the_background_scheduler_purges_without_any_request() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "quiet", "v").await;
    sm.delete_secret()
        .secret_id("quiet")
        .recovery_window_in_days(7)
        .send()
        .await
        .unwrap();
    // Move the clock behind the admin API's back: only the scheduler can purge now.
    server.state().clock.advance(time::Duration::days(8));
    // A real-time wait, on purpose: the virtual clock has already moved; what is awaited is the
    // scheduler task, which looks for due work every real `TICK` (1 s).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while server.state().secrets_manager.secret_count() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the scheduler did not purge"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.shutdown().await.unwrap();
}
