//! ListSecrets filter semantics through the official Rust SDK: every key, case rules, word
//! splitting, `!` negation, OR across values and AND across filters.

use crate::common;

use common::listing::{create, filter, listed};
use common::{client, create_string_secret, start};

#[tokio::test]
async fn name_filter_is_a_case_sensitive_prefix_with_negation() {
    let server = start().await;
    let sm = client(&server);
    for name in [
        "testing1/one",
        "/testing2/two",
        "testing3/three",
        "/testing4/four",
    ] {
        create_string_secret(&sm, name, "v").await;
    }
    assert_eq!(
        listed(&sm, vec![filter("name", &["/"])]).await,
        ["/testing2/two", "/testing4/four"]
    );
    assert_eq!(
        listed(&sm, vec![filter("name", &["!/"])]).await,
        ["testing1/one", "testing3/three"]
    );
    assert!(
        listed(&sm, vec![filter("name", &["testing1 one"])])
            .await
            .is_empty()
    );
    assert!(
        listed(&sm, vec![filter("name", &["Testing"])])
            .await
            .is_empty()
    );
    assert!(listed(&sm, vec![filter("name", &["one"])]).await.is_empty());
    // Values of one filter are ORed.
    assert_eq!(
        listed(&sm, vec![filter("name", &["testing1", "/testing4"])]).await,
        ["testing1/one", "/testing4/four"]
    );
}

#[tokio::test]
async fn description_filter_matches_word_prefixes_case_insensitively() {
    let server = start().await;
    let sm = client(&server);
    for (name, description) in [
        ("s1", "a secret"),
        ("s2", "an secret"),
        ("s3", "asecret"),
        ("s4", "thesecret"),
    ] {
        create(&sm, name, Some(description), &[]).await;
    }
    create(&sm, "none", None, &[]).await;
    let by = |value: &'static str| vec![filter("description", &[value])];
    assert_eq!(listed(&sm, by("a")).await, ["s1", "s2", "s3"]);
    assert_eq!(listed(&sm, by("A SECRET")).await, ["s1", "s2"]);
    assert_eq!(listed(&sm, by("secret")).await, ["s1", "s2"]);
    assert_eq!(listed(&sm, by("the")).await, ["s4"]);
    // Negation keeps secrets with no word starting so; Lockbox's choice (AWS's behaviour is not
    // known): that includes a secret with no description at all.
    assert_eq!(listed(&sm, by("!a")).await, ["s4", "none"]);
    assert_eq!(
        listed(&sm, by("!c")).await,
        ["s1", "s2", "s3", "s4", "none"]
    );
}

#[tokio::test]
async fn repeated_filters_are_anded() {
    let server = start().await;
    let sm = client(&server);
    for (name, description) in [
        ("a", "one"),
        ("b", "two"),
        ("c", "one two"),
        ("d", "one and two"),
    ] {
        create(&sm, name, Some(description), &[]).await;
    }
    assert_eq!(
        listed(&sm, vec![filter("description", &["one two"])]).await,
        ["c", "d"]
    );
    assert_eq!(
        listed(
            &sm,
            vec![
                filter("description", &["one"]),
                filter("description", &["two"])
            ]
        )
        .await,
        ["c", "d"]
    );
    assert_eq!(
        listed(
            &sm,
            vec![filter("description", &["one"]), filter("name", &["a", "c"])]
        )
        .await,
        ["a", "c"]
    );
    // OR inside a filter, AND across filters, negation inside either.
    assert_eq!(
        listed(
            &sm,
            vec![
                filter("description", &["two"]),
                filter("name", &["!c", "!d"])
            ]
        )
        .await,
        ["b", "c", "d"]
    );
    assert_eq!(
        listed(
            &sm,
            vec![filter("description", &["two"]), filter("name", &["!c"])]
        )
        .await,
        ["b", "d"]
    );
}

#[tokio::test]
async fn tag_filters_are_case_sensitive_prefixes_of_any_tag() {
    let server = start().await;
    let sm = client(&server);
    create(
        &sm,
        "prod",
        None,
        &[("Environment", "production"), ("team", "core")],
    )
    .await;
    create(&sm, "dev", None, &[("Environment", "development")]).await;
    create(&sm, "untagged", None, &[]).await;
    assert_eq!(
        listed(&sm, vec![filter("tag-key", &["Env"])]).await,
        ["prod", "dev"]
    );
    assert!(
        listed(&sm, vec![filter("tag-key", &["env"])])
            .await
            .is_empty()
    );
    assert_eq!(
        listed(&sm, vec![filter("tag-key", &["te"])]).await,
        ["prod"]
    );
    assert_eq!(
        listed(&sm, vec![filter("tag-key", &["!team"])]).await,
        ["dev", "untagged"]
    );
    assert_eq!(
        listed(&sm, vec![filter("tag-value", &["prod"])]).await,
        ["prod"]
    );
    assert_eq!(
        listed(&sm, vec![filter("tag-value", &["de", "co"])]).await,
        ["prod", "dev"]
    );
    assert!(
        listed(&sm, vec![filter("tag-value", &["Prod"])])
            .await
            .is_empty()
    );
    assert!(
        listed(&sm, vec![filter("tag-value", &["duction"])])
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn all_filter_matches_words_of_every_attribute() {
    let server = start().await;
    let sm = client(&server);
    create(&sm, "SecretOne", None, &[]).await;
    create(&sm, "COMPANYthings", None, &[]).await;
    create(&sm, "plain", Some("Billing database"), &[]).await;
    create(&sm, "tagged", None, &[("CostCenter", "Research-Lab")]).await;
    create(&sm, "prod-AppBeta/x", None, &[]).await;
    let all = |value: &'static str| vec![filter("all", &[value])];
    assert_eq!(listed(&sm, all("one")).await, ["SecretOne"]);
    assert_eq!(listed(&sm, all("secret")).await, ["SecretOne"]);
    assert_eq!(listed(&sm, all("Ythings")).await, ["COMPANYthings"]);
    assert!(listed(&sm, all("things")).await.is_empty());
    assert_eq!(listed(&sm, all("DATA")).await, ["plain"]);
    assert_eq!(listed(&sm, all("center")).await, ["tagged"]);
    assert_eq!(listed(&sm, all("lab")).await, ["tagged"]);
    assert!(listed(&sm, all("+")).await.is_empty());
    assert!(listed(&sm, all("AppBeta")).await.is_empty());
    assert_eq!(listed(&sm, all("prod")).await, ["prod-AppBeta/x"]);
    assert_eq!(
        listed(&sm, all("!secret")).await,
        ["COMPANYthings", "plain", "tagged", "prod-AppBeta/x"]
    );
}

#[tokio::test]
async fn region_and_service_filters_match_no_local_secret() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "a", "v").await;
    // Lockbox neither replicates nor creates service-managed secrets.
    assert!(
        listed(&sm, vec![filter("primary-region", &["us"])])
            .await
            .is_empty()
    );
    assert!(
        listed(&sm, vec![filter("owning-service", &["rds"])])
            .await
            .is_empty()
    );
    assert_eq!(
        listed(&sm, vec![filter("owning-service", &["!rds"])]).await,
        ["a"]
    );
}
