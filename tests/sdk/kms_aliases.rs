//! KMS aliases through the official Rust SDK (aws-sdk-kms): CreateAlias, UpdateAlias,
//! DeleteAlias and ListAliases, with KMS's errors and pagination.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{advance_clock, assert_error, kms_client, start};

const ACCOUNT_ARN: &str = "arn:aws:kms:us-east-1:000000000000";

async fn new_key(kms: &aws_sdk_kms::Client) -> (String, String) {
    let created = kms.create_key().send().await.unwrap();
    let meta = created.key_metadata().unwrap();
    (meta.key_id().to_owned(), meta.arn().unwrap().to_owned())
}

async fn alias(kms: &aws_sdk_kms::Client, name: &str, target: &str) {
    kms.create_alias()
        .alias_name(name)
        .target_key_id(target)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn aliases_are_created_used_updated_listed_and_deleted() {
    let server = start().await;
    let kms = kms_client(&server);
    let (first, first_arn) = new_key(&kms).await;
    let (second, _) = new_key(&kms).await;
    alias(&kms, "alias/app", &first_arn).await;
    let described = kms.describe_key().key_id("alias/app").send().await.unwrap();
    assert_eq!(described.key_metadata().unwrap().key_id(), first);
    let by_arn = kms
        .describe_key()
        .key_id(format!("{ACCOUNT_ARN}:alias/app"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_arn.key_metadata().unwrap().key_id(), first);

    let listed = kms.list_aliases().send().await.unwrap();
    assert!(!listed.truncated());
    let entry = &listed.aliases()[0];
    assert_eq!(entry.alias_name(), Some("alias/app"));
    assert_eq!(
        entry.alias_arn(),
        Some(format!("{ACCOUNT_ARN}:alias/app").as_str())
    );
    // TargetKeyId is the key id, even when the alias was created with the ARN.
    assert_eq!(entry.target_key_id(), Some(first.as_str()));
    let created = entry.creation_date().unwrap().secs();
    assert_eq!(entry.last_updated_date().unwrap().secs(), created);

    advance_clock(&server, "1h").await;
    kms.update_alias()
        .alias_name("alias/app")
        .target_key_id(&second)
        .send()
        .await
        .unwrap();
    let listed = kms.list_aliases().send().await.unwrap();
    let entry = &listed.aliases()[0];
    assert_eq!(entry.target_key_id(), Some(second.as_str()));
    assert_eq!(entry.creation_date().unwrap().secs(), created);
    // The virtual clock moved one hour, and real time a moment (maybe across a second).
    let moved = entry.last_updated_date().unwrap().secs() - created;
    assert!((3600..=3610).contains(&moved), "moved {moved}s");

    kms.delete_alias()
        .alias_name("alias/app")
        .send()
        .await
        .unwrap();
    assert!(
        kms.list_aliases()
            .send()
            .await
            .unwrap()
            .aliases()
            .is_empty()
    );
    assert_error(
        kms.delete_alias().alias_name("alias/app").send().await,
        "NotFoundException",
        format!("Alias {ACCOUNT_ARN}:alias/app is not found."),
    );
    assert_error(
        kms.update_alias()
            .alias_name("alias/app")
            .target_key_id(&first)
            .send()
            .await,
        "NotFoundException",
        format!("Alias {ACCOUNT_ARN}:alias/app is not found."),
    );
}

#[tokio::test]
async fn create_alias_refuses_what_kms_refuses() {
    let server = start().await;
    let kms = kms_client(&server);
    let (id, arn) = new_key(&kms).await;
    alias(&kms, "alias/taken", &id).await;
    assert_error(
        kms.create_alias()
            .alias_name("alias/taken")
            .target_key_id(&id)
            .send()
            .await,
        "AlreadyExistsException",
        format!("An alias with the name {ACCOUNT_ARN}:alias/taken already exists"),
    );
    assert_error(
        kms.create_alias()
            .alias_name("app")
            .target_key_id(&id)
            .send()
            .await,
        "ValidationException",
        "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html",
    );
    // Lockbox's choice, as moto and local-kms do: the reserved prefix is NotAuthorizedException
    // with no message, for every alias-changing operation.
    assert_error(
        kms.create_alias()
            .alias_name("alias/aws/mine")
            .target_key_id(&id)
            .send()
            .await,
        "NotAuthorizedException",
        "<no message>",
    );
    assert_error(
        kms.update_alias()
            .alias_name("alias/aws/secretsmanager")
            .target_key_id(&id)
            .send()
            .await,
        "NotAuthorizedException",
        "<no message>",
    );
    assert_error(
        kms.delete_alias()
            .alias_name("alias/aws/secretsmanager")
            .send()
            .await,
        "NotAuthorizedException",
        "<no message>",
    );
    assert_error(
        kms.create_alias()
            .alias_name("alias/bad name")
            .target_key_id(&id)
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'alias/bad name' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
    );
    // Targets are key ids or key ARNs only.
    assert_error(
        kms.create_alias()
            .alias_name("alias/other")
            .target_key_id("alias/taken")
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'alias/taken'",
    );
    kms.schedule_key_deletion()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_error(
        kms.create_alias()
            .alias_name("alias/other")
            .target_key_id(&id)
            .send()
            .await,
        "KMSInvalidStateException",
        format!("{arn} is pending deletion."),
    );
}

#[tokio::test]
async fn update_alias_may_leave_a_pending_key_but_not_point_at_one() {
    let server = start().await;
    let kms = kms_client(&server);
    let (old, _) = new_key(&kms).await;
    let (pending, pending_arn) = new_key(&kms).await;
    let (fresh, _) = new_key(&kms).await;
    alias(&kms, "alias/moving", &old).await;
    kms.schedule_key_deletion()
        .key_id(&old)
        .send()
        .await
        .unwrap();
    kms.schedule_key_deletion()
        .key_id(&pending)
        .send()
        .await
        .unwrap();
    assert_error(
        kms.update_alias()
            .alias_name("alias/moving")
            .target_key_id(&pending)
            .send()
            .await,
        "KMSInvalidStateException",
        format!("{pending_arn} is pending deletion."),
    );
    kms.update_alias()
        .alias_name("alias/moving")
        .target_key_id(&fresh)
        .send()
        .await
        .unwrap();
    let described = kms
        .describe_key()
        .key_id("alias/moving")
        .send()
        .await
        .unwrap();
    assert_eq!(described.key_metadata().unwrap().key_id(), fresh);
}

#[tokio::test]
async fn list_aliases_filters_by_key_pages_and_shows_the_managed_alias() {
    let server = start().await;
    let kms = kms_client(&server);
    let (a, a_arn) = new_key(&kms).await;
    let (b, _) = new_key(&kms).await;
    for (name, target) in [
        ("alias/a1", &a),
        ("alias/a2", &a),
        ("alias/b1", &b),
        ("alias/a3", &a),
    ] {
        alias(&kms, name, target).await;
    }
    let managed = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let managed_id = managed.key_metadata().unwrap().key_id().to_owned();

    let mut names = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = kms
            .list_aliases()
            .limit(2)
            .set_marker(marker.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(page.truncated(), page.next_marker().is_some());
        names.extend(
            page.aliases()
                .iter()
                .map(|e| e.alias_name().unwrap().to_owned()),
        );
        match page.next_marker() {
            Some(next) => marker = Some(next.to_owned()),
            None => break,
        }
    }
    // Lockbox's choice (AWS's order is not known): aliases are listed by name.
    assert_eq!(
        names,
        [
            "alias/a1",
            "alias/a2",
            "alias/a3",
            "alias/aws/secretsmanager",
            "alias/b1"
        ]
    );

    let only_a = kms.list_aliases().key_id(&a_arn).send().await.unwrap();
    let names: Vec<_> = only_a
        .aliases()
        .iter()
        .filter_map(|e| e.alias_name())
        .collect();
    assert_eq!(names, ["alias/a1", "alias/a2", "alias/a3"]);
    let only_managed = kms.list_aliases().key_id(&managed_id).send().await.unwrap();
    assert_eq!(
        only_managed.aliases()[0].alias_name(),
        Some("alias/aws/secretsmanager")
    );

    assert_error(
        kms.list_aliases().key_id("alias/a1").send().await,
        "NotFoundException",
        "Invalid keyId 'alias/a1'",
    );
    assert_error(
        kms.list_aliases().marker("bogus").send().await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    // A ListKeys marker is not a ListAliases marker.
    let keys_page = kms.list_keys().limit(1).send().await.unwrap();
    assert_error(
        kms.list_aliases()
            .marker(keys_page.next_marker().unwrap())
            .send()
            .await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
}
