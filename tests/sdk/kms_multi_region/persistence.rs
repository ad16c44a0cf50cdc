//! A set of multi-Region keys survives a restart with a data dir (roles, shared material,
//! and what the set does next), an export and import, and can be seeded.
#![allow(clippy::unwrap_used)]

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::MultiRegionKeyType;
use lockbox::Config;

use super::support::{EAST, EU, WEST, describe, kms_in, new_primary, replicate, roles};
use crate::common::seed::{export, import, seeded, temp_file};
use crate::common::{start, start_with};

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
        (
            MultiRegionKeyType::Replica,
            EAST.to_owned(),
            vec![WEST.to_owned()]
        )
    );
    let opened = west.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"kept");
    east.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
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

#[tokio::test]
async fn an_exported_set_imports_into_a_fresh_instance() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let id = new_primary(&east, None).await.key_id().to_owned();
    replicate(&east, &id, EU).await;
    east.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    let blob = east
        .encrypt()
        .key_id(&id)
        .plaintext(Blob::new("moved"))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let exported = export(&server, "").await;
    let document: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let primary_regions: Vec<&str> = document["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["kms_keys"].as_array().unwrap())
        .filter(|k| k["key_id"] == id.as_str())
        .map(|k| k["primary_region"].as_str().unwrap())
        .collect();
    // Exported in partition order: eu-west-1 (the replica) before us-east-1.
    assert_eq!(primary_regions, vec![EAST, EAST]);

    let fresh = start().await;
    let (status, answer) = import(&fresh, "application/json", exported.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let eu = kms_in(&fresh, EU);
    let replica = describe(&eu, &id).await;
    assert_eq!(
        roles(&replica),
        (
            MultiRegionKeyType::Replica,
            EAST.to_owned(),
            vec![EU.to_owned()]
        )
    );
    let opened = eu.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"moved");
    // Importing the same document again changes nothing.
    let (status, answer) = import(&fresh, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn a_seeded_replica_without_material_gets_its_primary_material() {
    let id = "mrk-0123456789abcdef0123456789abcdef";
    let seed = format!(
        "version: 1\npartitions:\n  - account: \"000000000000\"\n    region: eu-west-1\n    kms_keys:\n      - key_id: {id}\n        primary_region: us-east-1\n  - account: \"000000000000\"\n    region: us-east-1\n    kms_keys:\n      - key_id: {id}\n        primary_region: us-east-1\n        key_material: AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    );
    let path = temp_file("multi-region.yaml", &seed);
    let server = seeded(path.to_str().unwrap()).await;
    let east = kms_in(&server, EAST);
    let eu = kms_in(&server, EU);
    let primary = describe(&east, id).await;
    assert_eq!(
        roles(&primary),
        (
            MultiRegionKeyType::Primary,
            EAST.to_owned(),
            vec![EU.to_owned()]
        )
    );
    assert_eq!(
        describe(&eu, id).await.current_key_material_id(),
        primary.current_key_material_id()
    );
    let blob = eu
        .encrypt()
        .key_id(id)
        .plaintext(Blob::new("seeded"))
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let opened = east.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(opened.plaintext().unwrap().as_ref(), b"seeded");

    // An mrk- id without primary_region, or primary_region with a UUID id, is refused.
    let bad = "version: 1\npartitions:\n  - account: \"000000000000\"\n    region: us-east-1\n    kms_keys:\n      - key_id: 1234abcd-12ab-34cd-56ef-1234567890ab\n        primary_region: us-east-1\n".to_owned();
    let (status, answer) = import(&server, "application/yaml", bad).await;
    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().contains("mrk-"), "{answer}");
}
