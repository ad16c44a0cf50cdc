//! Staging-label traces recorded against real AWS, replayed end to end.

use super::support::{create, current, expect, move_stage, put, state};
use crate::common::{client, start};

const CUR: &str = "AWSCURRENT";
const PREV: &str = "AWSPREVIOUS";
const PEND: &str = "AWSPENDING";

#[tokio::test]
async fn c1_current_pending() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "c1", "v1").await;
    assert_eq!(state(&sm, "c1").await, expect(&[("v1", &[CUR])]));
    put(&sm, "c1", "v2", "v2", Some(&[PEND])).await;
    assert_eq!(
        state(&sm, "c1").await,
        expect(&[("v1", &[CUR]), ("v2", &[PEND])])
    );
    assert_eq!(current(&sm, "c1").await, ("v1".into(), "v1".into()));
    move_stage(&sm, "c1", CUR, Some("v1"), Some("v2")).await;
    assert_eq!(
        state(&sm, "c1").await,
        expect(&[("v1", &[PREV]), ("v2", &[CUR, PEND])])
    );
    put(&sm, "c1", "v3", "v3", None).await;
    assert_eq!(
        state(&sm, "c1").await,
        expect(&[("v1", &[]), ("v2", &[PREV]), ("v3", &[CUR])])
    );
    assert_eq!(current(&sm, "c1").await, ("v3".into(), "v3".into()));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn c2_custom_stages_1() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "c2", "v1").await;
    put(&sm, "c2", "v2", "v2", Some(&["AWSSOMETHING", PEND, "PUT1"])).await;
    assert_eq!(
        state(&sm, "c2").await,
        expect(&[("v1", &[CUR]), ("v2", &[PEND, "AWSSOMETHING", "PUT1"])])
    );
    move_stage(&sm, "c2", CUR, Some("v1"), Some("v2")).await;
    assert_eq!(
        state(&sm, "c2").await,
        expect(&[
            ("v1", &[PREV]),
            ("v2", &[CUR, PEND, "AWSSOMETHING", "PUT1"])
        ])
    );
    put(&sm, "c2", "v3", "v3", Some(&[PEND, "PUT2"])).await;
    assert_eq!(
        state(&sm, "c2").await,
        expect(&[
            ("v1", &[PREV]),
            ("v2", &[CUR, "AWSSOMETHING", "PUT1"]),
            ("v3", &[PEND, "PUT2"])
        ])
    );
    move_stage(&sm, "c2", CUR, Some("v2"), Some("v3")).await;
    assert_eq!(
        state(&sm, "c2").await,
        expect(&[
            ("v1", &[]),
            ("v2", &[PREV, "AWSSOMETHING", "PUT1"]),
            ("v3", &[CUR, PEND, "PUT2"])
        ])
    );
    assert_eq!(current(&sm, "c2").await, ("v3".into(), "v3".into()));
}

#[tokio::test]
async fn c3_custom_stages_2() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "c3", "v1").await;
    put(&sm, "c3", "v2", "v2", Some(&[CUR, "PUT0"])).await;
    assert_eq!(
        state(&sm, "c3").await,
        expect(&[("v1", &[PREV]), ("v2", &[CUR, "PUT0"])])
    );
    put(&sm, "c3", "v3", "v3", Some(&[PEND, "PUT1"])).await;
    move_stage(&sm, "c3", CUR, Some("v2"), Some("v3")).await;
    assert_eq!(
        state(&sm, "c3").await,
        expect(&[
            ("v1", &[]),
            ("v2", &[PREV, "PUT0"]),
            ("v3", &[CUR, PEND, "PUT1"])
        ])
    );
    put(&sm, "c3", "v4", "v4", Some(&[PEND, "PUT2"])).await;
    assert_eq!(
        state(&sm, "c3").await,
        expect(&[
            ("v1", &[]),
            ("v2", &[PREV, "PUT0"]),
            ("v3", &[CUR, "PUT1"]),
            ("v4", &[PEND, "PUT2"])
        ])
    );
    move_stage(&sm, "c3", CUR, Some("v3"), Some("v4")).await;
    assert_eq!(
        state(&sm, "c3").await,
        expect(&[
            ("v1", &[]),
            ("v2", &["PUT0"]),
            ("v3", &[PREV, "PUT1"]),
            ("v4", &[CUR, PEND, "PUT2"])
        ])
    );
}

#[tokio::test]
async fn c4_custom_stages_3() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "c4", "v1").await;
    put(&sm, "c4", "v2", "v2", Some(&["PENDING"])).await;
    move_stage(&sm, "c4", CUR, Some("v1"), Some("v2")).await;
    assert_eq!(
        state(&sm, "c4").await,
        expect(&[("v1", &[PREV]), ("v2", &[CUR, "PENDING"])])
    );
    move_stage(&sm, "c4", "PENDING", Some("v2"), None).await;
    assert_eq!(
        state(&sm, "c4").await,
        expect(&[("v1", &[PREV]), ("v2", &[CUR])])
    );
}

#[tokio::test]
async fn c5_version_stages_replacement_and_no_replacement() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "r", "v1").await;
    put(&sm, "r", "v2", "v2", Some(&["one", "two", "three"])).await;
    put(&sm, "r", "v3", "v3", Some(&["one", "two", "three", "four"])).await;
    assert_eq!(
        state(&sm, "r").await,
        expect(&[
            ("v1", &[CUR]),
            ("v2", &[]),
            ("v3", &["one", "two", "three", "four"])
        ])
    );
    assert_eq!(current(&sm, "r").await, ("v1".into(), "v1".into()));

    create(&sm, "n", "v1").await;
    put(&sm, "n", "v2", "v2", Some(&["one", "two", "three"])).await;
    put(&sm, "n", "v3", "v3", Some(&["one", "two", "four"])).await;
    assert_eq!(
        state(&sm, "n").await,
        expect(&[
            ("v1", &[CUR]),
            ("v2", &["three"]),
            ("v3", &["one", "two", "four"])
        ])
    );
}

/// A trace recorded against real AWS: Create + 3x PutSecretValue; the default listing hides
/// deprecated versions.
#[tokio::test]
async fn b6_default_listing_hides_deprecated_versions() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "b6", "v1").await;
    for v in ["v2", "v3", "v4"] {
        put(&sm, "b6", v, v, None).await;
    }
    assert_eq!(
        state(&sm, "b6").await,
        expect(&[("v1", &[]), ("v2", &[]), ("v3", &[PREV]), ("v4", &[CUR])])
    );
    let listed = sm
        .list_secret_version_ids()
        .secret_id("b6")
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = listed
        .versions()
        .iter()
        .filter_map(|v| v.version_id())
        .collect();
    assert_eq!(ids, [super::support::tok("v3"), super::support::tok("v4")]);
    let described = sm.describe_secret().secret_id("b6").send().await.unwrap();
    let map = described.version_ids_to_stages().unwrap();
    assert_eq!(
        map.len(),
        2,
        "VersionIdsToStages lists labelled versions only"
    );
}
