//! A set of multi-Region keys survives a restart with a data dir: roles, shared material,
//! and what the set does next (rotation reaching the replica).
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::MultiRegionKeyType;
use lockbox::Config;

use super::support::{EAST, WEST, describe, kms_in, new_primary, replicate, roles};
use crate::common::start_with;

#[tokio::test]
async fn a_set_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = || Config {
        data_dir: Some(dir.path().to_owned()),
        ..Config::for_tests()
    };
    let server = start_with(config()).await;
    let east = kms_in(&server, EAST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, WEST).await;
    let blob = east
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("kept"))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    server.shutdown().await.unwrap();

    let server = start_with(config()).await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let replica = describe(&west, &id).await;
    assert_eq!(
        roles(&replica),
        (MultiRegionKeyType::Replica, EAST.to_owned(), vec![WEST.to_owned()])
    );
    let opened = west.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"kept");
    east.rotate_key_on_demand().key_id(&id).send().await.unwrap();
    server.shutdown().await.unwrap();

    let server = start_with(config()).await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let primary = describe(&east, &id).await;
    assert_eq!(
        describe(&west, &id).await.current_key_material_id(),
        primary.current_key_material_id()
    );
    assert_eq!(roles(&primary).0, MultiRegionKeyType::Primary);
    server.shutdown().await.unwrap();
}
