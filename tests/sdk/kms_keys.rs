//! KMS key creation and description through the official Rust SDK (aws-sdk-kms).
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_kms::types::{KeyManagerType, KeyState, Tag};
use common::{assert_error, kms_client, start};

#[tokio::test]
async fn create_and_describe_a_symmetric_key() {
    let server = start().await;
    let kms = kms_client(&server);
    let created = kms
        .create_key()
        .description("app key")
        .send()
        .await
        .unwrap();
    let meta = created.key_metadata().unwrap();
    assert_eq!(meta.aws_account_id(), Some("000000000000"));
    assert_eq!(meta.key_manager(), Some(&KeyManagerType::Customer));
    assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
    assert!(meta.enabled());
    assert_eq!(meta.description(), Some("app key"));
    assert_eq!(meta.current_key_material_id().unwrap().len(), 64);
    let arn = meta.arn().unwrap();
    assert_eq!(
        arn,
        format!("arn:aws:kms:us-east-1:000000000000:key/{}", meta.key_id())
    );
    for id in [meta.key_id(), arn] {
        let described = kms.describe_key().key_id(id).send().await.unwrap();
        assert_eq!(described.key_metadata().unwrap().key_id(), meta.key_id());
    }
}

#[tokio::test]
async fn the_managed_secrets_manager_key_is_created_by_describe_key() {
    let server = start().await;
    let kms = kms_client(&server);
    let meta = kms
        .describe_key()
        .key_id("alias/aws/secretsmanager")
        .send()
        .await
        .unwrap();
    let meta = meta.key_metadata().unwrap();
    assert_eq!(meta.key_manager(), Some(&KeyManagerType::Aws));
    assert_eq!(
        meta.description(),
        Some("Default key that protects my Secrets Manager data when no other key is defined")
    );
}

#[tokio::test]
async fn identifiers_resolve_with_kms_errors() {
    let server = start().await;
    let kms = kms_client(&server);
    for malformed in ["fake-key-id", "134f2428cec14b25a1ae9048164dba47"] {
        assert_error(
            kms.describe_key().key_id(malformed).send().await,
            "NotFoundException",
            format!("Invalid keyId '{malformed}'"),
        );
    }
    let unknown = "1234abcd-12ab-34cd-56ef-1234567890ab";
    assert_error(
        kms.describe_key().key_id(unknown).send().await,
        "NotFoundException",
        format!("Key 'arn:aws:kms:us-east-1:000000000000:key/{unknown}' does not exist"),
    );
    assert_error(
        kms.describe_key().key_id("alias/nope").send().await,
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/nope is not found.",
    );
    assert_error(
        kms.describe_key()
            .key_id(format!("arn:aws:kms:eu-west-1:000000000000:key/{unknown}"))
            .send()
            .await,
        "NotFoundException",
        "Invalid arn eu-west-1",
    );
}

#[tokio::test]
async fn create_key_refuses_what_kms_refuses() {
    let server = start().await;
    let kms = kms_client(&server);
    let aws_tag = Tag::builder()
        .tag_key("AWS:x")
        .tag_value("v")
        .build()
        .unwrap();
    assert_error(
        kms.create_key().tags(aws_tag).send().await,
        "TagException",
        "Tags beginning with aws: are reserved",
    );
    let tag = Tag::builder().tag_key("k").tag_value("v").build().unwrap();
    assert_error(
        kms.create_key().tags(tag.clone()).tags(tag).send().await,
        "TagException",
        "Duplicate tag keys",
    );
    assert_error(
        kms.create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::Hmac256)
            .send()
            .await,
        "ValidationException",
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.",
    );
}
