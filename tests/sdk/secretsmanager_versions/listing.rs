//! ListSecretVersionIds: entries, order, pagination, errors; version pruning.

use time::Duration;

use super::support::{create, put, state, tok};
use crate::common::{assert_error, client, start};

#[tokio::test]
async fn entries_show_only_what_is_set() {
    let server = start().await;
    let sm = client(&server);
    let arn = create(&sm, "e", "one").await;
    put(&sm, "e", "v2", "two", None).await;
    put(&sm, "e", "v3", "three", None).await;
    sm.get_secret_value()
        .secret_id("e")
        .version_stage("AWSPREVIOUS")
        .send()
        .await
        .unwrap();
    let listed = sm
        .list_secret_version_ids()
        .secret_id("e")
        .include_deprecated(true)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.arn(), Some(arn.as_str()));
    assert_eq!(listed.name(), Some("e"));
    assert_eq!(listed.next_token(), None);
    // Oldest first (Lockbox's choice; AWS's order is not known).
    let ids: Vec<&str> = listed
        .versions()
        .iter()
        .filter_map(|v| v.version_id())
        .collect();
    assert_eq!(ids, [tok("v1"), tok("v2"), tok("v3")]);
    for version in listed.versions() {
        assert_eq!(version.kms_key_ids(), ["DefaultEncryptionKey"]);
        assert!(version.created_date().is_some());
    }
    let [v1, v2, v3] = listed.versions() else {
        panic!("three versions")
    };
    assert!(
        v1.version_stages.is_none(),
        "deprecated: no VersionStages key"
    );
    assert!(v2.last_accessed_date().is_some(), "v2 was read");
    assert_eq!(
        v2.last_accessed_date().unwrap().secs() % 86_400,
        0,
        "day resolution"
    );
    assert!(v3.last_accessed_date().is_none(), "v3 was never read");
}

#[tokio::test]
async fn pages_follow_next_token_to_the_end() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "p", "v1").await;
    for v in ["v2", "v3", "v4", "v5"] {
        put(&sm, "p", v, v, None).await;
    }
    for (include, expected) in [(true, 5), (false, 2)] {
        let mut seen = Vec::new();
        let mut token = None;
        loop {
            let page = sm
                .list_secret_version_ids()
                .secret_id("p")
                .include_deprecated(include)
                .max_results(2)
                .set_next_token(token.take())
                .send()
                .await
                .unwrap();
            assert!(page.versions().len() <= 2);
            seen.extend(
                page.versions()
                    .iter()
                    .filter_map(|v| v.version_id().map(str::to_owned)),
            );
            match page.next_token() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen.len(), expected, "include_deprecated={include}");
    }
    // Exactly one page's worth: no NextToken on it.
    let page = sm
        .list_secret_version_ids()
        .secret_id("p")
        .max_results(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.versions().len(), 2);
    assert_eq!(page.next_token(), None);
}

#[tokio::test]
async fn list_errors() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "x", "v1").await;
    let list = || sm.list_secret_version_ids().secret_id("x");
    assert_error(
        list().next_token("garbage").send().await,
        "InvalidNextTokenException",
        "The NextToken value is invalid.",
    );
    assert_error(
        list().max_results(0).send().await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        list().max_results(101).send().await,
        "ValidationException",
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    assert_error(
        sm.list_secret_version_ids().secret_id("nope").send().await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    );
    assert_error(
        sm.list_secret_version_ids()
            .secret_id("bad name")
            .send()
            .await,
        "ValidationException",
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
    );
}

#[tokio::test]
async fn a_secret_without_versions_lists_none() {
    let server = start().await;
    let sm = client(&server);
    sm.create_secret().name("none").send().await.unwrap();
    let listed = sm
        .list_secret_version_ids()
        .secret_id("none")
        .include_deprecated(true)
        .send()
        .await
        .unwrap();
    assert!(listed.versions().is_empty());
}

/// The version quota: at 100 versions, deprecated versions older than 24 h make room; younger
/// ones do not, and the 101st version is `LimitExceededException`.
#[tokio::test]
async fn old_deprecated_versions_are_pruned_at_one_hundred() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "many", "v1").await;
    for i in 2..=100 {
        let id = format!("v{i}");
        put(&sm, "many", &id, &id, None).await;
    }
    assert_eq!(state(&sm, "many").await.len(), 100);
    let refused = sm
        .put_secret_value()
        .secret_id("many")
        .client_request_token(tok("v101"))
        .secret_string("v101")
        .send()
        .await;
    let (code, _) = crate::common::error_of(refused);
    assert_eq!(code, "LimitExceededException");
    assert_eq!(state(&sm, "many").await.len(), 100);

    server.state().clock.advance(Duration::hours(25));
    put(&sm, "many", "v101", "v101", None).await;
    let versions = state(&sm, "many").await;
    assert_eq!(versions.len(), 100);
    assert_eq!(
        versions[0].0, "v2",
        "the oldest deprecated version was pruned"
    );
    assert_eq!(versions[98].1, ["AWSPREVIOUS"]);
    assert_eq!(versions[99].1, ["AWSCURRENT"]);
}
