//! TagResource / UntagResource through the official Rust SDK (and raw HTTP for the empty
//! body): upsert order, removal, `"Tags": []`, limits, reserved keys, errors and
//! LastChangedDate. The planned-deletion refusal is a unit test in
//! `src/secretsmanager/ops/listing_tests.rs`, since DeleteSecret is not part of this branch.

use crate::common;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::Tag;
use common::listing::tag;
use common::{advance_clock, assert_error, client, create_string_secret, raw_call, start};

async fn tags_of(sm: &Client, id: &str) -> Vec<(String, String)> {
    sm.describe_secret()
        .secret_id(id)
        .send()
        .await
        .expect("describe")
        .tags()
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_owned(),
                t.value().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn tagging_upserts_in_place_and_appends_new_keys() {
    let server = start().await;
    let sm = client(&server);
    sm.create_secret()
        .name("s")
        .secret_string("v")
        .tags(tag("a", "1"))
        .tags(tag("b", "2"))
        .send()
        .await
        .expect("create");
    sm.tag_resource()
        .secret_id("s")
        .tags(tag("c", "3"))
        .tags(tag("a", "changed"))
        .send()
        .await
        .expect("tag");
    assert_eq!(
        tags_of(&sm, "s").await,
        pairs(&[("a", "changed"), ("b", "2"), ("c", "3")])
    );
    // Keys and values are case-sensitive: "A" is another key.
    sm.tag_resource()
        .secret_id("s")
        .tags(tag("A", ""))
        .send()
        .await
        .expect("tag");
    assert_eq!(
        tags_of(&sm, "s").await,
        pairs(&[("a", "changed"), ("b", "2"), ("c", "3"), ("A", "")])
    );
}

#[tokio::test]
async fn untagging_removes_listed_keys_and_ignores_absent_ones() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "s", "v").await;
    sm.tag_resource()
        .secret_id(&arn)
        .tags(tag("a", "1"))
        .tags(tag("b", "2"))
        .send()
        .await
        .expect("tag");
    sm.untag_resource()
        .secret_id("s")
        .tag_keys("a")
        .tag_keys("nope")
        .send()
        .await
        .expect("untag");
    assert_eq!(tags_of(&sm, "s").await, pairs(&[("b", "2")]));
    sm.untag_resource()
        .secret_id("s")
        .tag_keys("b")
        .send()
        .await
        .expect("untag");
    // Once tagged, a secret with every tag removed shows an empty list, not an absent member.
    let (_, _, body) = raw_call(
        &server,
        Some("secretsmanager.DescribeSecret"),
        br#"{"SecretId":"s"}"#,
    )
    .await;
    assert!(body.contains(r#""Tags":[]"#), "{body}");
    let (_, _, body) = raw_call(&server, Some("secretsmanager.ListSecrets"), b"{}").await;
    assert!(body.contains(r#""Tags":[]"#), "{body}");

    // A never-tagged secret stays without Tags after an untag of absent keys.
    create_string_secret(&sm, "plain", "v").await;
    sm.untag_resource()
        .secret_id("plain")
        .tag_keys("x")
        .send()
        .await
        .expect("untag");
    let (_, _, body) = raw_call(
        &server,
        Some("secretsmanager.DescribeSecret"),
        br#"{"SecretId":"plain"}"#,
    )
    .await;
    assert!(!body.contains("Tags"), "{body}");
}

#[tokio::test]
async fn both_operations_answer_an_empty_body() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "s", "v").await;
    for (target, body) in [
        (
            "secretsmanager.TagResource",
            &br#"{"SecretId":"s","Tags":[{"Key":"k","Value":"v"}]}"#[..],
        ),
        (
            "secretsmanager.UntagResource",
            &br#"{"SecretId":"s","TagKeys":["k"]}"#[..],
        ),
    ] {
        let (status, headers, text) = raw_call(&server, Some(target), body).await;
        assert_eq!(status, 200, "{target}: {text}");
        assert_eq!(text, "", "{target}");
        assert_eq!(
            headers.get("content-length").and_then(|v| v.to_str().ok()),
            Some("0"),
            "{target}"
        );
        assert!(headers.contains_key("x-amzn-requestid"), "{target}");
    }
}

#[tokio::test]
async fn fifty_tags_at_most() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "s", "v").await;
    let fifty: Vec<Tag> = (0..50).map(|i| tag(&format!("k{i}"), "v")).collect();
    sm.tag_resource()
        .secret_id("s")
        .set_tags(Some(fifty))
        .send()
        .await
        .expect("50 tags");
    // Overwriting an existing key does not add a tag.
    sm.tag_resource()
        .secret_id("s")
        .tags(tag("k7", "new"))
        .send()
        .await
        .expect("overwrite");
    assert_error(
        sm.tag_resource()
            .secret_id("s")
            .tags(tag("k51", "v"))
            .send()
            .await,
        "InvalidParameterException",
        "Number of tags exceeds the limit of 50 tags per secret.",
    );
    assert_eq!(tags_of(&sm, "s").await.len(), 50);
}

#[tokio::test]
async fn system_tags_are_reserved() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "s", "v").await;
    assert_error(
        sm.tag_resource()
            .secret_id("s")
            .tags(tag("ok", "v"))
            .tags(tag("aws:cloudformation:stack-name", "x"))
            .send()
            .await,
        "InvalidParameterException",
        "You can't modify system tags. Tag key: 'aws:cloudformation:stack-name'.",
    );
    assert_error(
        sm.untag_resource()
            .secret_id("s")
            .tag_keys("AWS:x")
            .send()
            .await,
        "InvalidParameterException",
        "You can't modify system tags. Tag key: 'AWS:x'.",
    );
    // Nothing was applied by the refused call.
    assert!(tags_of(&sm, "s").await.is_empty());
}

#[tokio::test]
async fn invalid_input_and_unknown_secrets() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "s", "v").await;
    let long_key = "k".repeat(129);
    assert_error(
        sm.tag_resource()
            .secret_id("s")
            .tags(tag(&long_key, "v"))
            .tags(tag("fine", &"v".repeat(257)))
            .send()
            .await,
        "ValidationException",
        format!(
            "2 validation errors detected: Value '{long_key}' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128; Value '{}' at 'tags.2.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
            "v".repeat(257)
        ),
    );
    assert_error(
        sm.untag_resource().secret_id("s").tag_keys("").send().await,
        "ValidationException",
        "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]",
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.TagResource"),
        br#"{"SecretId":"s"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("Value null at 'tags' failed to satisfy constraint: Member must not be null"),
        "{body}"
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.TagResource"),
        br#"{"SecretId":"s","Tags":[{"Value":"v"}]}"#,
    )
    .await;
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            r#"{"__type":"InvalidParameterException","Message":"You must provide a Key for each tag."}"#
        )
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.UntagResource"),
        br#"{"SecretId":"s"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains(
            "Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"
        ),
        "{body}"
    );
    assert_error(
        sm.tag_resource()
            .secret_id("missing")
            .tags(tag("k", "v"))
            .send()
            .await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    );
    assert_error(
        sm.untag_resource()
            .secret_id("missing")
            .tag_keys("k")
            .send()
            .await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret.",
    );
    assert_error(
        sm.tag_resource()
            .secret_id("bad name")
            .tags(tag("k", "v"))
            .send()
            .await,
        "ValidationException",
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
    );
}

#[tokio::test]
async fn only_real_changes_move_last_changed_date() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "s", "v").await;
    let changed = |sm: Client| async move {
        sm.describe_secret()
            .secret_id("s")
            .send()
            .await
            .expect("describe")
            .last_changed_date()
            .copied()
            .expect("date")
    };
    let created = changed(sm.clone()).await;
    advance_clock(&server, "1s").await;
    sm.tag_resource()
        .secret_id("s")
        .tags(tag("k", "v"))
        .send()
        .await
        .expect("tag");
    let tagged = changed(sm.clone()).await;
    assert!(tagged > created, "{tagged:?} vs {created:?}");

    // Same value again, or untagging an absent key: the metadata is unchanged.
    advance_clock(&server, "1s").await;
    sm.tag_resource()
        .secret_id("s")
        .tags(tag("k", "v"))
        .send()
        .await
        .expect("tag");
    sm.untag_resource()
        .secret_id("s")
        .tag_keys("absent")
        .send()
        .await
        .expect("untag");
    assert_eq!(changed(sm.clone()).await, tagged);

    advance_clock(&server, "1s").await;
    sm.untag_resource()
        .secret_id("s")
        .tag_keys("k")
        .send()
        .await
        .expect("untag");
    assert!(changed(sm.clone()).await > tagged);
}
