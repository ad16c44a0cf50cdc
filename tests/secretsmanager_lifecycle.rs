//! DeleteSecret / RestoreSecret, recovery windows on the virtual clock, and the admin clock
//! API, through the official Rust SDK (admin endpoints through reqwest).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_secretsmanager::primitives::DateTime;
use common::{assert_error, client, create_string_secret, start};
use lockbox::ServerHandle;
use serde_json::{Value, json};

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

async fn clock_request(server: &ServerHandle, body: Option<&str>) -> (u16, Value) {
    let http = reqwest::Client::new();
    let url = format!("{}/_lockbox/clock", server.endpoint_url());
    let request = match body {
        Some(body) => http.post(url).body(body.to_owned()),
        None => http.get(url),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap())
}

async fn advance(server: &ServerHandle, amount: &str) -> Value {
    let body = json!({ "advance": amount }).to_string();
    let (status, answer) = clock_request(server, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    answer
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

    // Decision pinned: DeletedDate is when DeleteSecret was called (the list doc: "the date and
    // time the deletion of the secret occurred"), not the purge date DeleteSecret returns.
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

#[tokio::test]
async fn admin_clock_reads_advances_and_sets() {
    let server = start().await;
    let (status, read) = clock_request(&server, None).await;
    assert_eq!(status, 200);
    assert_eq!(read["offset_seconds"], 0);
    let now = time::OffsetDateTime::parse(
        read["now"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert_near(now.unix_timestamp() as f64, real_now());

    let moved = advance(&server, "1d12h").await;
    assert_eq!(moved["offset_seconds"], 129_600);
    let moved = advance(&server, "30m15s").await;
    assert_eq!(moved["offset_seconds"], 129_600 + 1_815);

    let (status, set) = clock_request(&server, Some(r#"{"set": "2099-01-01T00:00:00Z"}"#)).await;
    assert_eq!(status, 200, "{set}");
    assert!(
        set["now"]
            .as_str()
            .unwrap()
            .starts_with("2099-01-01T00:00:0"),
        "{set}"
    );
    let (_, read) = clock_request(&server, None).await;
    assert!(
        read["now"]
            .as_str()
            .unwrap()
            .starts_with("2099-01-01T00:00:")
    );
}

#[tokio::test]
async fn admin_clock_refuses_going_back_and_malformed_input() {
    let server = start().await;
    advance(&server, "2d").await;
    let earlier = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let earlier = earlier
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let body = json!({ "set": earlier }).to_string();
    let (status, answer) = clock_request(&server, Some(&body)).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"]
            .as_str()
            .unwrap()
            .contains("virtual time only moves forward"),
        "{answer}"
    );
    for bad in [
        r#"{"advance": "-1d"}"#,
        r#"{"advance": "1w"}"#,
        r#"{"advance": "abc"}"#,
        r#"{"advance": ""}"#,
        r#"{"advance": 86400}"#,
        r#"{"set": "tomorrow"}"#,
        r#"{"advance": "1d", "set": "2099-01-01T00:00:00Z"}"#,
        r#"{}"#,
        r#"{"jump": "1d"}"#,
        "not json",
        "",
    ] {
        let (status, answer) = clock_request(&server, Some(bad)).await;
        assert_eq!(status, 400, "{bad}");
        assert!(
            answer["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{bad}"
        );
    }
    let (_, read) = clock_request(&server, None).await;
    assert_eq!(
        read["offset_seconds"],
        2 * 86_400,
        "errors never move the clock"
    );
}

#[tokio::test]
async fn sigv4_still_checks_real_time_after_the_clock_moves() {
    let server = start().await;
    advance(&server, "30d").await;
    // The SDK signs with the real time, 30 virtual days behind: the request must verify.
    let sm = client(&server);
    let arn = create_string_secret(&sm, "signed", "v").await;
    assert!(arn.contains(":secret:signed-"));
    // A client whose clock follows the virtual time is refused (skew against real time).
    let ahead = SystemTime::now() + Duration::from_secs(30 * 86_400);
    let skewed = common::client_signing_at(&server, "test", "test", "us-east-1", ahead);
    let (code, _) = common::error_of(skewed.describe_secret().secret_id("signed").send().await);
    assert_eq!(code, "InvalidSignatureException");
}
