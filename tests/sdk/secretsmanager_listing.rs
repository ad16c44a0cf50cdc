//! ListSecrets through the official Rust SDK: entry shape, sorting, pagination (also while
//! secrets are created between pages) and input validation. Filter matching rules are in
//! `secretsmanager_listing_filters.rs`.
//! Secrets scheduled for deletion (IncludePlannedDeletion) are covered by unit tests in
//! `src/secretsmanager/ops/listing_tests.rs`, since DeleteSecret is not part of this branch.

use crate::common;

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::{SortByType, SortOrderType};
use common::listing::{create, filter, names_of, tag};
use common::{assert_error, client, create_string_secret, raw_call, start};

#[tokio::test]
async fn entries_carry_describe_metadata_and_secret_versions_to_stages() {
    let server = start().await;
    let sm = client(&server);
    create(
        &sm,
        "app/db",
        Some("the db"),
        &[("team", "a"), ("env", "prod")],
    )
    .await;
    sm.create_secret()
        .name("empty")
        .send()
        .await
        .expect("create");

    let out = sm.list_secrets().send().await.expect("ListSecrets");
    assert!(out.next_token().is_none());
    let entries = out.secret_list();
    assert_eq!(names_of(entries), ["app/db", "empty"]);
    let described = sm
        .describe_secret()
        .secret_id("app/db")
        .send()
        .await
        .expect("describe");
    let entry = &entries[0];
    assert_eq!(entry.arn(), described.arn());
    assert_eq!(entry.description(), Some("the db"));
    assert_eq!(entry.tags(), described.tags());
    assert_eq!(entry.created_date(), described.created_date());
    assert_eq!(entry.last_changed_date(), described.last_changed_date());
    assert_eq!(
        entry.secret_versions_to_stages(),
        described.version_ids_to_stages()
    );
    assert!(entry.deleted_date().is_none());
    // A secret without versions has no version map at all.
    assert!(entries[1].secret_versions_to_stages().is_none());

    // On the wire: the List name of the map, nothing Describe-only, nothing null.
    let (status, _, body) = raw_call(&server, Some("secretsmanager.ListSecrets"), b"{}").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"SecretVersionsToStages\""), "{body}");
    assert!(!body.contains("VersionIdsToStages"), "{body}");
    assert!(!body.contains("ReplicationStatus"), "{body}");
    assert!(!body.contains("null"), "{body}");
    assert!(!body.contains("NextToken"), "{body}");
}

#[tokio::test]
async fn an_empty_account_lists_an_empty_list_without_token() {
    let server = start().await;
    let (status, _, body) = raw_call(&server, Some("secretsmanager.ListSecrets"), b"").await;
    assert_eq!((status, body.as_str()), (200, r#"{"SecretList":[]}"#));
}

#[tokio::test]
async fn sort_orders() {
    let server = start().await;
    let sm = client(&server);
    for name in ["b", "c", "a"] {
        create_string_secret(&sm, name, "v").await;
    }
    let sorted = |by: Option<SortByType>, order: Option<SortOrderType>| {
        let sm = sm.clone();
        async move {
            let out = sm
                .list_secrets()
                .set_sort_by(by)
                .set_sort_order(order)
                .send()
                .await
                .expect("ListSecrets");
            names_of(out.secret_list())
        }
    };
    // Lockbox's choice: without SortOrder the order is ascending (oldest first, as listings
    // recorded against real AWS show).
    assert_eq!(sorted(None, None).await, ["b", "c", "a"]);
    assert_eq!(
        sorted(Some(SortByType::CreatedDate), Some(SortOrderType::Desc)).await,
        ["a", "c", "b"]
    );
    assert_eq!(
        sorted(None, Some(SortOrderType::Asc)).await,
        ["b", "c", "a"]
    );
    assert_eq!(sorted(Some(SortByType::Name), None).await, ["a", "b", "c"]);
    assert_eq!(
        sorted(Some(SortByType::Name), Some(SortOrderType::Desc)).await,
        ["c", "b", "a"]
    );

    // Changing "b" makes it the most recently changed.
    sm.tag_resource()
        .secret_id("b")
        .tags(tag("k", "v"))
        .send()
        .await
        .expect("tag");
    assert_eq!(
        sorted(Some(SortByType::LastChangedDate), None).await,
        ["c", "a", "b"]
    );
    assert_eq!(
        sorted(Some(SortByType::LastChangedDate), Some(SortOrderType::Desc)).await,
        ["b", "a", "c"]
    );

    // Never-read secrets come first; ties (same access day) by creation time.
    for name in ["a", "b"] {
        sm.get_secret_value()
            .secret_id(name)
            .send()
            .await
            .expect("get");
    }
    assert_eq!(
        sorted(Some(SortByType::LastAccessedDate), None).await,
        ["c", "b", "a"]
    );
    assert_eq!(
        sorted(
            Some(SortByType::LastAccessedDate),
            Some(SortOrderType::Desc)
        )
        .await,
        ["a", "b", "c"]
    );
}

/// Walks every page of `max` entries, creating a new secret between pages.
async fn walk_creating(
    sm: &Client,
    label: &str,
    max: i32,
    by: Option<SortByType>,
    order: Option<SortOrderType>,
) -> Vec<String> {
    let mut token: Option<String> = None;
    let mut seen = Vec::new();
    let mut page = 0;
    loop {
        let out = sm
            .list_secrets()
            .max_results(max)
            .set_sort_by(by.clone())
            .set_sort_order(order.clone())
            .set_next_token(token.take())
            .send()
            .await
            .expect("ListSecrets");
        assert!(out.secret_list().len() <= max as usize);
        seen.extend(names_of(out.secret_list()));
        match out.next_token() {
            Some(next) => {
                assert!(!next.is_empty());
                token = Some(next.to_owned());
            }
            None => break,
        }
        page += 1;
        create_string_secret(sm, &format!("{label}-new-{page}"), "v").await;
    }
    seen
}

#[tokio::test]
async fn pages_stay_exact_while_secrets_are_created_between_them() {
    let server = start().await;
    let sm = client(&server);
    let originals: Vec<String> = (0..7).map(|i| format!("m{i}")).collect();
    for name in &originals {
        create_string_secret(&sm, name, "v").await;
    }

    // Oldest first: secrets created meanwhile come after the cursor and are listed once.
    let seen = walk_creating(&sm, "c", 2, None, None).await;
    assert_eq!(&seen[..7], originals.as_slice());
    let created: Vec<&str> = seen[7..].iter().map(String::as_str).collect();
    assert!(created.iter().all(|n| n.starts_with("c-new-")), "{seen:?}");
    assert_no_duplicates(&seen);

    // Newest first: new secrets sort before the cursor and are not listed; nothing repeats.
    let before: Vec<String> = names_of(
        sm.list_secrets()
            .sort_order(SortOrderType::Desc)
            .send()
            .await
            .expect("list")
            .secret_list(),
    );
    let seen = walk_creating(&sm, "d", 3, None, Some(SortOrderType::Desc)).await;
    assert_eq!(seen, before);

    // By name: a new name after the cursor shows up, every survivor exactly once.
    let seen = walk_creating(&sm, "n", 2, Some(SortByType::Name), None).await;
    assert_no_duplicates(&seen);
    for name in &originals {
        assert!(seen.contains(name), "{name} missing from {seen:?}");
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
}

fn assert_no_duplicates(seen: &[String]) {
    let mut unique = seen.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "{seen:?}");
}

#[tokio::test]
async fn the_sdk_paginator_walks_filtered_pages() {
    let server = start().await;
    let sm = client(&server);
    for i in 0..9 {
        create_string_secret(
            &sm,
            &format!("{}/{i}", if i % 3 == 0 { "keep" } else { "skip" }),
            "v",
        )
        .await;
    }
    let pages: Vec<_> = sm
        .list_secrets()
        .filters(filter("name", &["keep/"]))
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("pages");
    assert_eq!(pages.len(), 2);
    assert!(pages[0].next_token().is_some());
    assert!(pages[1].next_token().is_none());
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| names_of(p.secret_list()))
        .collect();
    assert_eq!(names, ["keep/0", "keep/3", "keep/6"]);
}

#[tokio::test]
async fn bad_tokens_are_invalid_next_token() {
    let server = start().await;
    let sm = client(&server);
    for name in ["a", "b", "c"] {
        create_string_secret(&sm, name, "v").await;
    }
    let message = "You provided an invalid NextToken value.";
    for garbage in ["garbage!", "bm9wZQ==", "djF8Y3xhc2N8LXx4fGE="] {
        assert_error(
            sm.list_secrets().next_token(garbage).send().await,
            "InvalidNextTokenException",
            message,
        );
    }
    // A token is only valid for the sort it was issued for.
    let first = sm.list_secrets().max_results(1).send().await.expect("list");
    let token = first.next_token().expect("token").to_owned();
    assert_error(
        sm.list_secrets()
            .next_token(&token)
            .sort_by(SortByType::Name)
            .send()
            .await,
        "InvalidNextTokenException",
        message,
    );
    assert_error(
        sm.list_secrets()
            .next_token(&token)
            .sort_order(SortOrderType::Desc)
            .send()
            .await,
        "InvalidNextTokenException",
        message,
    );
    let second = sm
        .list_secrets()
        .max_results(1)
        .next_token(&token)
        .send()
        .await
        .expect("list");
    assert_eq!(names_of(second.secret_list()), ["b"]);
}

#[tokio::test]
async fn invalid_input_gets_coral_validation_errors() {
    let server = start().await;
    let sm = client(&server);
    let pattern = r"^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$";
    assert_error(
        sm.list_secrets().max_results(0).send().await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    assert_error(
        sm.list_secrets().max_results(101).send().await,
        "ValidationException",
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100",
    );
    assert_error(
        sm.list_secrets()
            .sort_order(SortOrderType::from("up"))
            .sort_by(SortByType::from("size"))
            .send()
            .await,
        "ValidationException",
        "2 validation errors detected: Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]; Value 'size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [created-date, last-accessed-date, last-changed-date, name]",
    );
    assert_error(
        sm.list_secrets()
            .filters(filter("colour", &["x"]))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'colour' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [description, name, tag-key, tag-value, primary-region, owning-service, all]",
    );
    assert_error(
        sm.list_secrets()
            .filters(filter("name", &["ok", "no*"]))
            .send()
            .await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '[ok, no*]' at 'filters.1.member.values' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 512, Member must satisfy regular expression pattern: {pattern}]"
        ),
    );
    let long = "x".repeat(513);
    let (code, message) = common::error_of(
        sm.list_secrets()
            .filters(filter("name", &[long.as_str()]))
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(
        message.contains("at 'filters.1.member.values'"),
        "{message}"
    );
    let too_many: Vec<&str> = vec!["v"; 11];
    assert_error(
        sm.list_secrets()
            .filters(filter("name", &too_many))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '[v, v, v, v, v, v, v, v, v, v, v]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    assert_error(
        sm.list_secrets()
            .set_filters(Some(vec![filter("name", &["a"]); 11]))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value '[11 entries]' at 'filters' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    // The model does not require Values; an empty list breaks its minimum, none at all is
    // refused by the service (with Lockbox's wording; AWS's is not known).
    assert_error(
        sm.list_secrets().filters(filter("name", &[])).send().await,
        "InvalidParameterException",
        "You must specify at least one value for each filter.",
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.ListSecrets"),
        br#"{"Filters":[{"Key":"name","Values":[]}]}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("Value '[]' at 'filters.1.member.values' failed to satisfy constraint: Member must have length greater than or equal to 1"),
        "{body}"
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.ListSecrets"),
        br#"{"Filters":[{"Values":["a"]}]}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"__type":"InvalidParameterException","Message":"You must specify a Key for each filter."}"#
    );
    assert_error(
        sm.list_secrets().next_token("").send().await,
        "ValidationException",
        "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
}
