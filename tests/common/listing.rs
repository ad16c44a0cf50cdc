//! Helpers for the ListSecrets / BatchGetSecretValue / tag tests.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType, SecretListEntry, Tag};

/// A filter with `key` (any string, to test validation) and `values`.
pub fn filter(key: &str, values: &[&str]) -> Filter {
    let mut builder = Filter::builder().key(FilterNameStringType::from(key));
    for value in values {
        builder = builder.values(*value);
    }
    builder.build()
}

/// A tag.
pub fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build()
}

/// Creates a string secret with an optional description and tags.
pub async fn create(sm: &Client, name: &str, description: Option<&str>, tags: &[(&str, &str)]) {
    let mut request = sm
        .create_secret()
        .name(name)
        .secret_string("v")
        .set_description(description.map(str::to_owned));
    for (key, value) in tags {
        request = request.tags(tag(key, value));
    }
    request.send().await.expect("CreateSecret");
}

/// The names of listed entries, in order.
pub fn names_of(entries: &[SecretListEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e.name().unwrap_or_default().to_owned())
        .collect()
}

/// Names listed with `filters` (one page is enough for these small sets).
pub async fn listed(sm: &Client, filters: Vec<Filter>) -> Vec<String> {
    let out = sm
        .list_secrets()
        .set_filters(Some(filters))
        .send()
        .await
        .expect("ListSecrets");
    assert!(out.next_token().is_none());
    names_of(out.secret_list())
}
