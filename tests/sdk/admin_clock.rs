//! The admin clock API (`/_lockbox/clock`, through reqwest): reading, advancing, setting,
//! its 400s, and SigV4 still checking request dates against real time after a move.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{advance_clock as advance, client, clock_request, create_string_secret, start};
use serde_json::json;

fn real_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[track_caller]
fn assert_near(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 10.0,
        "{actual} is not within 10 s of {expected}"
    );
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

#[tokio::test]
async fn admin_clock_refuses_moves_past_the_year_9000_and_keeps_serving() {
    let server = start().await;
    advance(&server, "1d").await;
    for body in [
        r#"{"advance": "3000000d"}"#,
        r#"{"set": "9999-12-31T00:00:00Z"}"#,
        r#"{"set": "9000-01-01T00:00:00Z"}"#,
    ] {
        let (status, answer) = clock_request(&server, Some(body)).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains("9000-01-01"), "{body}: {error}");
    }
    let (_, read) = clock_request(&server, None).await;
    assert_eq!(
        read["offset_seconds"], 86_400,
        "refusals never move the clock"
    );

    // AWS calls and the scheduled work still run.
    let sm = client(&server);
    create_string_secret(&sm, "after-refusal", "v").await;
    sm.delete_secret()
        .secret_id("after-refusal")
        .send()
        .await
        .unwrap();
    let kms = common::kms_client(&server);
    kms.create_key().send().await.unwrap();
    advance(&server, "31d").await;
    let (code, _) = common::error_of(sm.describe_secret().secret_id("after-refusal").send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn dated_operations_near_the_limit_answer_normally() {
    let server = start().await;
    let (status, answer) = clock_request(&server, Some(r#"{"set": "8999-12-15T00:00:00Z"}"#)).await;
    assert_eq!(status, 200, "{answer}");
    let sm = client(&server);
    create_string_secret(&sm, "late", "v").await;
    let deleted = sm
        .delete_secret()
        .secret_id("late")
        .recovery_window_in_days(30)
        .send()
        .await
        .unwrap();
    let year_9000 = 221_845_392_000;
    assert!(deleted.deletion_date().unwrap().secs() > year_9000);

    let kms = common::kms_client(&server);
    let created = kms.create_key().send().await.unwrap();
    let id = created.key_metadata().unwrap().key_id().to_owned();
    kms.enable_key_rotation()
        .key_id(&id)
        .rotation_period_in_days(2560)
        .send()
        .await
        .unwrap();
    let scheduled = kms
        .schedule_key_deletion()
        .key_id(&id)
        .pending_window_in_days(30)
        .send()
        .await
        .unwrap();
    assert!(scheduled.deletion_date().unwrap().secs() > year_9000);

    // Past the limit is refused; just before it still moves.
    let (status, _) = clock_request(&server, Some(r#"{"advance": "60d"}"#)).await;
    assert_eq!(status, 400);
    advance(&server, "10d").await;
    sm.describe_secret().secret_id("late").send().await.unwrap();
}
