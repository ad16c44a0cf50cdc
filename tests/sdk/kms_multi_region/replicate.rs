//! CreateKey with `MultiRegion` and ReplicateKey: ids, `MultiRegionConfiguration` on every
//! related key, what a replica shares and what is its own, and ReplicateKey's refusals.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, MultiRegionKeyType, Tag};

use super::support::{EAST, EU, WEST, arn_in, describe, kms_in, new_primary, replicate, roles};
use crate::common::{assert_error, start};

#[tokio::test]
async fn a_multi_region_primary_has_an_mrk_id_and_its_configuration() {
    let server = start().await;
    let kms = kms_in(&server, EAST);
    let meta = new_primary(&kms, None).await;
    let id = meta.key_id();
    let hex = id.strip_prefix("mrk-").unwrap();
    assert_eq!(hex.len(), 32);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(meta.arn(), Some(arn_in(EAST, id).as_str()));
    assert_eq!(meta.multi_region(), Some(true));
    let config = meta.multi_region_configuration().unwrap();
    assert_eq!(
        config.multi_region_key_type(),
        Some(&MultiRegionKeyType::Primary)
    );
    assert_eq!(config.primary_key().unwrap().arn(), meta.arn());
    assert_eq!(config.primary_key().unwrap().region(), Some(EAST));
    assert!(config.replica_keys().is_empty());
    assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
    // DescribeKey by id, ARN and alias shows the same; ListKeys lists the mrk- id.
    assert_eq!(
        roles(&describe(&kms, meta.arn().unwrap()).await),
        roles(&meta)
    );
    let listed = kms.list_keys().send().await.unwrap();
    assert!(listed.keys().iter().any(|k| k.key_id() == Some(id)));

    // A single-Region key says MultiRegion false and has no configuration.
    let single = kms.create_key().send().await.unwrap().key_metadata.unwrap();
    assert_eq!(single.multi_region(), Some(false));
    assert!(single.multi_region_configuration().is_none());
}

#[tokio::test]
async fn replicas_share_the_key_and_keep_their_own_settings() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let primary = new_primary(&east, None).await;
    let id = primary.key_id().to_owned();
    let out = east
        .replicate_key()
        .key_id(primary.arn().unwrap())
        .replica_region(WEST)
        .description("west copy")
        .tags(
            Tag::builder()
                .tag_key("team")
                .tag_value("blue")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let replica = out.replica_key_metadata().unwrap();
    assert_eq!(replica.key_id(), id);
    assert_eq!(replica.arn(), Some(arn_in(WEST, &id).as_str()));
    assert_eq!(replica.description(), Some("west copy"));
    assert_eq!(replica.key_state(), Some(&KeyState::Enabled));
    assert_eq!(
        replica.current_key_material_id(),
        primary.current_key_material_id()
    );
    assert_eq!(
        roles(replica),
        (
            MultiRegionKeyType::Replica,
            EAST.to_owned(),
            vec![WEST.to_owned()]
        )
    );
    let tags = out.replica_tags();
    assert_eq!(tags.len(), 1);
    assert_eq!((tags[0].tag_key(), tags[0].tag_value()), ("team", "blue"));
    assert!(
        out.replica_policy()
            .unwrap()
            .contains("\"Id\" : \"key-default-1\"")
    );

    // Every related key shows the whole set, replicas oldest first.
    replicate(&east, &id, EU).await;
    let seen_from_east = describe(&east, &id).await;
    assert_eq!(
        roles(&seen_from_east),
        (
            MultiRegionKeyType::Primary,
            EAST.to_owned(),
            vec![WEST.to_owned(), EU.to_owned()]
        )
    );
    let config = seen_from_east.multi_region_configuration().unwrap();
    assert_eq!(
        config.replica_keys()[1].arn(),
        Some(arn_in(EU, &id).as_str())
    );
    let seen_from_west = describe(&west, &id).await;
    assert_eq!(
        roles(&seen_from_west),
        (
            MultiRegionKeyType::Replica,
            EAST.to_owned(),
            vec![WEST.to_owned(), EU.to_owned()]
        )
    );
    // The primary kept its own description and tags (none).
    assert_eq!(seen_from_east.description(), Some(""));
    let east_tags = east.list_resource_tags().key_id(&id).send().await.unwrap();
    assert!(east_tags.tags().is_empty());

    // Independent state and aliases: disabling the replica leaves the primary usable.
    west.disable_key().key_id(&id).send().await.unwrap();
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
    west.create_alias()
        .alias_name("alias/west-only")
        .target_key_id(&id)
        .send()
        .await
        .unwrap();
    assert_error(
        east.describe_key().key_id("alias/west-only").send().await,
        "NotFoundException",
        "Alias arn:aws:kms:us-east-1:000000000000:alias/west-only is not found.",
    );
    // Another Region's ARN is not found at this endpoint.
    assert_error(
        east.describe_key().key_id(arn_in(WEST, &id)).send().await,
        "NotFoundException",
        format!("Invalid arn {WEST}"),
    );
}

#[tokio::test]
async fn every_key_kind_can_be_multi_region() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    for (spec, usage) in [
        (KeySpec::Rsa2048, KeyUsageType::EncryptDecrypt),
        (KeySpec::EccNistP256, KeyUsageType::SignVerify),
        (KeySpec::Hmac256, KeyUsageType::GenerateVerifyMac),
    ] {
        let primary = new_primary(&east, Some((spec.clone(), usage))).await;
        let replica = replicate(&east, primary.key_id(), WEST).await;
        assert_eq!(replica.key_spec(), Some(&spec));
        assert_eq!(replica.multi_region(), Some(true));
        assert!(replica.current_key_material_id().is_none());
    }
}

#[tokio::test]
async fn replicate_key_refuses_what_it_cannot_replicate() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let primary = new_primary(&east, None).await;
    let id = primary.key_id().to_owned();
    let arn = primary.arn().unwrap().to_owned();

    let single = east
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();
    assert_error(
        east.replicate_key()
            .key_id(single.key_id())
            .replica_region(WEST)
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{} is not a multi-Region key.", single.arn().unwrap()),
    );
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region(EAST)
            .send()
            .await,
        "AlreadyExistsException",
        format!("{arn} already exists."),
    );
    replicate(&east, &id, WEST).await;
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region(WEST)
            .send()
            .await,
        "AlreadyExistsException",
        format!("{} already exists.", arn_in(WEST, &id)),
    );
    assert_error(
        west.replicate_key()
            .key_id(&id)
            .replica_region(EU)
            .send()
            .await,
        "UnsupportedOperationException",
        format!("{} is not a multi-Region primary key.", arn_in(WEST, &id)),
    );
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region("mars-1")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value 'mars-1' at 'replicaRegion' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([a-z]+-){2,3}\\d+$",
    );
    assert_error(
        east.replicate_key()
            .key_id("mrk-00000000000000000000000000000000")
            .replica_region(EU)
            .send()
            .await,
        "NotFoundException",
        format!(
            "Key '{}' does not exist",
            arn_in(EAST, "mrk-00000000000000000000000000000000")
        ),
    );
    assert_error(
        east.replicate_key()
            .key_id("alias/x")
            .replica_region(EU)
            .send()
            .await,
        "NotFoundException",
        "Invalid keyId 'alias/x'",
    );
    east.disable_key().key_id(&id).send().await.unwrap();
    assert_error(
        east.replicate_key()
            .key_id(&id)
            .replica_region(EU)
            .send()
            .await,
        "DisabledException",
        format!("{arn} is disabled."),
    );
    // Nothing was created by the refusals.
    let eu = kms_in(&server, EU);
    assert!(eu.list_keys().send().await.unwrap().keys().is_empty());
}
