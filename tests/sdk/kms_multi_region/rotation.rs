//! Rotation of a multi-Region key: set and run on the primary (on demand or automatically),
//! the new material reaching every replica; a replica refuses rotation changes.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::IncludeKeyMaterial;

use super::support::{EAST, WEST, arn_in, describe, kms_in, new_primary, replicate};
use crate::common::{advance_clock, assert_error, start};

#[tokio::test]
async fn an_on_demand_rotation_of_the_primary_reaches_the_replicas() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    let before = describe(&west, &id)
        .await
        .current_key_material_id()
        .unwrap()
        .to_owned();
    east.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    let primary_material = describe(&east, &id)
        .await
        .current_key_material_id()
        .unwrap()
        .to_owned();
    assert_ne!(primary_material, before);
    assert_eq!(
        describe(&west, &id).await.current_key_material_id(),
        Some(primary_material.as_str())
    );
    // New material made in one Region decrypts in the other, and old material still does.
    let blob = west
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("new"))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let opened = east.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(opened.key_material_id(), Some(primary_material.as_str()));
    let rotations = west
        .list_key_rotations()
        .key_id(&id)
        .include_key_material(IncludeKeyMaterial::AllKeyMaterial)
        .send()
        .await
        .unwrap();
    assert_eq!(rotations.rotations().len(), 2);

    // Rotation is the primary's to change.
    let replica_arn = arn_in(WEST, &id);
    let refused = format!(
        "{replica_arn} is a multi-Region replica key. Its rotation follows its primary key; change it there."
    );
    assert_error(
        west.rotate_key_on_demand().key_id(&id).send().await,
        "UnsupportedOperationException",
        &refused,
    );
    assert_error(
        west.enable_key_rotation().key_id(&id).send().await,
        "UnsupportedOperationException",
        &refused,
    );
    assert_error(
        west.disable_key_rotation().key_id(&id).send().await,
        "UnsupportedOperationException",
        &refused,
    );
}

#[tokio::test]
async fn automatic_rotation_is_set_on_the_primary_and_shared() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    east.enable_key_rotation()
        .key_id(&id)
        .rotation_period_in_days(90)
        .send()
        .await
        .unwrap();
    let status = west
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(status.key_rotation_enabled());
    assert_eq!(status.rotation_period_in_days(), Some(90));
    let first = describe(&west, &id)
        .await
        .current_key_material_id()
        .unwrap()
        .to_owned();

    advance_clock(&server, "91d").await;
    let east_now = describe(&east, &id)
        .await
        .current_key_material_id()
        .unwrap()
        .to_owned();
    assert_ne!(east_now, first);
    assert_eq!(
        describe(&west, &id).await.current_key_material_id(),
        Some(east_now.as_str())
    );
    let rotations = west.list_key_rotations().key_id(&id).send().await.unwrap();
    assert_eq!(rotations.rotations().len(), 1);

    east.disable_key_rotation()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    let status = west
        .get_key_rotation_status()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert!(!status.key_rotation_enabled());
}
