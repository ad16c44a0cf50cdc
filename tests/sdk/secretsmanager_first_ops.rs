//! CreateSecret, GetSecretValue and DescribeSecret through the official Rust SDK.
#![allow(clippy::unwrap_used)]

use crate::common;

use aws_sdk_secretsmanager::primitives::Blob;
use aws_sdk_secretsmanager::types::Tag;
use common::{assert_error, client, create_string_secret, error_of, start};

const NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";

#[tokio::test]
async fn string_secret_round_trips_with_aws_shapes() {
    let server = start().await;
    let sm = client(&server);
    let created = sm
        .create_secret()
        .name("app/db")
        .secret_string("s3cr3t")
        .send()
        .await
        .unwrap();
    let arn = created.arn().unwrap();
    let (prefix, suffix) = arn.rsplit_once('-').unwrap();
    assert_eq!(
        prefix,
        "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db"
    );
    assert_eq!(suffix.len(), 6);
    assert!(suffix.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(created.name(), Some("app/db"));
    let version = created.version_id().unwrap();

    let got = sm
        .get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
    assert_eq!(got.secret_string(), Some("s3cr3t"));
    assert!(got.secret_binary().is_none());
    assert_eq!(got.version_id(), Some(version));
    assert_eq!(got.version_stages(), ["AWSCURRENT"]);
    assert_eq!(got.arn(), Some(arn));
    assert!(got.created_date().is_some());
}

#[tokio::test]
async fn binary_secret_round_trips_arbitrary_bytes() {
    let server = start().await;
    let sm = client(&server);
    let bytes = vec![0u8, 1, 2, 0xff, 0xfe, 0x80];
    sm.create_secret()
        .name("bin")
        .secret_binary(Blob::new(bytes.clone()))
        .send()
        .await
        .unwrap();
    let got = sm.get_secret_value().secret_id("bin").send().await.unwrap();
    assert_eq!(got.secret_binary().unwrap().as_ref(), bytes.as_slice());
    assert!(got.secret_string().is_none());
}

#[tokio::test]
async fn lookup_by_name_full_arn_and_partial_arn() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "svc/key", "v").await;
    let partial = &arn[..arn.len() - 7];
    for id in ["svc/key", arn.as_str(), partial] {
        let got = sm.get_secret_value().secret_id(id).send().await.unwrap();
        assert_eq!(got.secret_string(), Some("v"), "{id}");
        let described = sm.describe_secret().secret_id(id).send().await.unwrap();
        assert_eq!(described.arn(), Some(arn.as_str()));
    }
    let wrong_suffix = format!("{partial}-Zzzzz9");
    assert_error(
        sm.get_secret_value().secret_id(wrong_suffix).send().await,
        "ResourceNotFoundException",
        NOT_FOUND,
    );
}

#[tokio::test]
async fn partial_arn_of_a_name_ending_in_six_characters_does_not_resolve() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "tricky-a1b2c3", "v").await;
    let partial = &arn[..arn.len() - 7];
    assert!(partial.ends_with("tricky-a1b2c3"));
    let (code, _) = error_of(sm.get_secret_value().secret_id(partial).send().await);
    assert_eq!(code, "ResourceNotFoundException");
    assert!(sm.get_secret_value().secret_id(arn).send().await.is_ok());
}

#[tokio::test]
async fn describe_omits_what_aws_omits() {
    let server = start().await;
    let sm = client(&server);
    sm.create_secret()
        .name("plain")
        .secret_string("v")
        .description("")
        .send()
        .await
        .unwrap();
    let d = sm
        .describe_secret()
        .secret_id("plain")
        .send()
        .await
        .unwrap();
    assert!(d.description().is_none());
    assert!(d.kms_key_id().is_none());
    assert!(d.rotation_enabled().is_none());
    assert!(d.tags.is_none());
    assert!(d.deleted_date().is_none());
    assert!(d.last_accessed_date().is_none());
    assert!(d.last_changed_date().is_some() && d.created_date().is_some());
    let stages = d.version_ids_to_stages().unwrap();
    assert_eq!(stages.len(), 1);
    assert_eq!(
        stages.values().next().unwrap(),
        &vec!["AWSCURRENT".to_owned()]
    );

    sm.get_secret_value()
        .secret_id("plain")
        .send()
        .await
        .unwrap();
    let d = sm
        .describe_secret()
        .secret_id("plain")
        .send()
        .await
        .unwrap();
    let accessed = d.last_accessed_date().unwrap();
    assert_eq!(
        accessed.secs() % 86_400,
        0,
        "LastAccessedDate is truncated to the day"
    );
    assert_eq!(accessed.subsec_nanos(), 0);
}

#[tokio::test]
async fn describe_shows_description_and_tags_in_order() {
    let server = start().await;
    let sm = client(&server);
    let tags = [
        Tag::builder().key("b").value("2").build(),
        Tag::builder().key("a").value("").build(),
    ];
    sm.create_secret()
        .name("tagged")
        .description("about")
        .set_tags(Some(tags.to_vec()))
        .send()
        .await
        .unwrap();
    let d = sm
        .describe_secret()
        .secret_id("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(d.description(), Some("about"));
    assert_eq!(d.tags(), tags);
    assert!(
        d.version_ids_to_stages.is_none(),
        "no versions without a value"
    );
}

#[tokio::test]
async fn secret_without_value_has_no_version() {
    let server = start().await;
    let sm = client(&server);
    let created = sm.create_secret().name("empty").send().await.unwrap();
    assert!(created.version_id().is_none());
    assert_error(
        sm.get_secret_value().secret_id("empty").send().await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    );
}

#[tokio::test]
async fn version_selectors_and_their_errors() {
    let server = start().await;
    let sm = client(&server);
    let token = "11111111-2222-3333-4444-555555555555";
    sm.create_secret()
        .name("v")
        .secret_string("x")
        .client_request_token(token)
        .send()
        .await
        .unwrap();
    let by_id = sm
        .get_secret_value()
        .secret_id("v")
        .version_id(token)
        .send()
        .await
        .unwrap();
    assert_eq!(by_id.secret_string(), Some("x"));
    let both = sm
        .get_secret_value()
        .secret_id("v")
        .version_id(token)
        .version_stage("AWSCURRENT")
        .send()
        .await;
    assert!(both.is_ok());

    assert_error(
        sm.get_secret_value()
            .secret_id("v")
            .version_stage("AWSPREVIOUS")
            .send()
            .await,
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSPREVIOUS",
    );

    let unknown = "99999999-2222-3333-4444-555555555555";
    assert_error(
        sm.get_secret_value()
            .secret_id("v")
            .version_id(unknown)
            .send()
            .await,
        "ResourceNotFoundException",
        format!("Secrets Manager can't find the specified secret value for VersionId: {unknown}"),
    );

    assert_error(
        sm.get_secret_value()
            .secret_id("v")
            .version_id(token)
            .version_stage("AWSPENDING")
            .send()
            .await,
        "InvalidRequestException",
        "You provided a VersionStage that is not associated to the provided VersionId.",
    );
}

#[tokio::test]
async fn create_is_idempotent_per_token_and_value() {
    let server = start().await;
    let sm = client(&server);
    let token = "aaaaaaaa-2222-3333-4444-555555555555";
    let first = sm
        .create_secret()
        .name("idem")
        .secret_string("x")
        .client_request_token(token)
        .send()
        .await
        .unwrap();
    let again = sm
        .create_secret()
        .name("idem")
        .secret_string("x")
        .client_request_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (first.arn(), first.version_id()),
        (again.arn(), again.version_id())
    );

    assert_error(
        sm.create_secret()
            .name("idem")
            .secret_string("y")
            .client_request_token(token)
            .send()
            .await,
        "ResourceExistsException",
        format!(
            "You can't use ClientRequestToken {token} because that value is already in use for a version of secret {}.",
            first.arn().unwrap()
        ),
    );
    assert_error(
        sm.create_secret()
            .name("idem")
            .secret_string("x")
            .send()
            .await,
        "ResourceExistsException",
        "The operation failed because the secret idem already exists.",
    );
}

#[tokio::test]
async fn invalid_input_gets_aws_errors() {
    let server = start().await;
    let sm = client(&server);
    assert_error(
        sm.describe_secret().secret_id("nope").send().await,
        "ResourceNotFoundException",
        NOT_FOUND,
    );

    assert_error(
        sm.create_secret()
            .name("both")
            .secret_string("a")
            .secret_binary(Blob::new(b"b".to_vec()))
            .send()
            .await,
        "InvalidParameterException",
        "You can't specify both a binary secret value and a string secret value in the same secret.",
    );

    let invalid = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!";
    assert_error(
        sm.create_secret()
            .name("bad name#")
            .secret_string("a")
            .send()
            .await,
        "ValidationException",
        invalid,
    );
    assert_error(
        sm.get_secret_value().secret_id("bad name#").send().await,
        "ValidationException",
        invalid,
    );

    let long = "n".repeat(513);
    assert_error(
        sm.create_secret().name(&long).send().await,
        "ValidationException",
        format!(
            "1 validation error detected: Value '{long}' at 'name' failed to satisfy constraint: Member must have length less than or equal to 512"
        ),
    );

    assert_error(
        sm.get_secret_value()
            .secret_id("x")
            .version_id("AWSCURRENT")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'AWSCURRENT' at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32",
    );

    assert_error(
        sm.create_secret()
            .name("big")
            .secret_string("x".repeat(65_537))
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value at 'secretString' failed to satisfy constraint: Member must have length less than or equal to 65536",
    );
    let max = "x".repeat(65_536);
    sm.create_secret()
        .name("max")
        .secret_string(&max)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sm.get_secret_value()
            .secret_id("max")
            .send()
            .await
            .unwrap()
            .secret_string(),
        Some(max.as_str())
    );
}

#[tokio::test]
async fn reserved_tag_prefix_is_refused() {
    let server = start().await;
    let sm = client(&server);
    assert_error(
        sm.create_secret()
            .name("t")
            .tags(Tag::builder().key("aws:owner").value("x").build())
            .send()
            .await,
        "InvalidParameterException",
        "You can't modify system tags. Tag key: 'aws:owner'.",
    );
}

#[tokio::test]
async fn unknown_kms_keys_are_refused() {
    let server = start().await;
    let sm = client(&server);
    let (code, _) = error_of(
        sm.create_secret()
            .name("k")
            .kms_key_id("alias/does-not-exist")
            .secret_string("x")
            .send()
            .await,
    );
    assert_eq!(code, "EncryptionFailure");
    sm.create_secret()
        .name("k")
        .kms_key_id("alias/aws/secretsmanager")
        .secret_string("x")
        .send()
        .await
        .unwrap();
    let d = sm.describe_secret().secret_id("k").send().await.unwrap();
    assert!(
        d.kms_key_id().is_none(),
        "the AWS managed key is not reported"
    );
}
