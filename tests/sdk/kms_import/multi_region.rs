//! Multi-Region keys of imported material: an `EXTERNAL` primary, its replicas created
//! `PendingImport` without material, the primary's material (and only it) imported into each
//! related key separately with its own expiry, cross-Region decryption, per-key deletion,
//! rotation through `PENDING_MULTI_REGION_IMPORT_AND_ROTATION`, a restart and an export.

use aws_sdk_kms::primitives::{Blob, DateTime};
use aws_sdk_kms::types::{
    ExpirationModelType, ImportType, IncludeKeyMaterial, KeyState, MultiRegionKeyType, OriginType,
};
use lockbox::{Config, ServerHandle};

use super::support::{import, params, wrap};
use crate::common::seed::{export, import as import_seed};
use crate::common::{assert_error, kms_client_as, start, start_with};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";
const MATERIAL: [u8; 32] = [0x5a; 32];
const OTHER: [u8; 32] = [0x17; 32];
const NEWER: [u8; 32] = [0x33; 32];

fn kms_in(server: &ServerHandle, region: &str) -> aws_sdk_kms::Client {
    kms_client_as(server, "test", "test", region)
}

/// Creates an `EXTERNAL` multi-Region primary; returns its key id.
async fn new_external_primary(kms: &aws_sdk_kms::Client) -> String {
    let created = kms
        .create_key()
        .origin(OriginType::External)
        .multi_region(true)
        .send()
        .await
        .unwrap();
    created.key_metadata().unwrap().key_id().to_owned()
}

async fn describe(kms: &aws_sdk_kms::Client, id: &str) -> aws_sdk_kms::types::KeyMetadata {
    let out = kms.describe_key().key_id(id).send().await.unwrap();
    out.key_metadata().unwrap().clone()
}

/// ImportKeyMaterial of `material` into `id` with `import_type` (if any), not expiring.
async fn import_as(
    kms: &aws_sdk_kms::Client,
    id: &str,
    material: &[u8],
    import_type: Option<ImportType>,
) -> Result<
    aws_sdk_kms::operation::import_key_material::ImportKeyMaterialOutput,
    aws_sdk_kms::error::SdkError<
        aws_sdk_kms::operation::import_key_material::ImportKeyMaterialError,
    >,
> {
    let params = params(kms, id, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    kms.import_key_material()
        .key_id(id)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            material,
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .set_import_type(import_type)
        .send()
        .await
}

/// `(KeyMaterialId, KeyMaterialState, ImportState)` of every material of `id`, as
/// ListKeyRotations with `ALL_KEY_MATERIAL` lists them.
async fn materials(kms: &aws_sdk_kms::Client, id: &str) -> Vec<(String, String, String)> {
    let listed = kms
        .list_key_rotations()
        .key_id(id)
        .include_key_material(IncludeKeyMaterial::AllKeyMaterial)
        .send()
        .await
        .unwrap();
    listed
        .rotations()
        .iter()
        .map(|entry| {
            (
                entry.key_material_id().unwrap().to_owned(),
                entry.key_material_state().unwrap().as_str().to_owned(),
                entry.import_state().unwrap().as_str().to_owned(),
            )
        })
        .collect()
}

async fn encrypt(kms: &aws_sdk_kms::Client, id: &str, text: &str) -> Blob {
    let out = kms
        .encrypt()
        .key_id(id)
        .plaintext(Blob::new(text.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    out.ciphertext_blob().unwrap().clone()
}

async fn decrypt(kms: &aws_sdk_kms::Client, blob: &Blob) -> Vec<u8> {
    let out = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .send()
        .await
        .unwrap();
    out.plaintext().unwrap().as_ref().to_vec()
}

#[tokio::test]
async fn a_replica_of_imported_material_waits_for_the_primary_material() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_external_primary(&east).await;
    assert!(id.starts_with("mrk-"), "{id}");
    let primary = describe(&east, &id).await;
    assert_eq!(primary.key_state(), Some(&KeyState::PendingImport));
    assert_eq!(primary.origin(), Some(&OriginType::External));
    assert!(primary.multi_region().unwrap());
    let config = primary.multi_region_configuration().unwrap();
    assert_eq!(
        config.multi_region_key_type(),
        Some(&MultiRegionKeyType::Primary)
    );

    // A primary without material cannot be replicated.
    let refused = east
        .replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await;
    let east_arn = primary.arn().unwrap().to_owned();
    assert_error(
        refused,
        "KMSInvalidStateException",
        format!("{east_arn} is pending import."),
    );

    let material_id = import(&east, &id, "RSAES_OAEP_SHA_256", &MATERIAL)
        .await
        .key_material_id()
        .unwrap()
        .to_owned();
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
    let made_east = encrypt(&east, &id, "from east").await;

    // The replica: PendingImport, no material, the primary's expected material id.
    let replicated = east
        .replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await
        .unwrap();
    let replica = replicated.replica_key_metadata().unwrap();
    let west_arn = replica.arn().unwrap().to_owned();
    assert_eq!(replica.key_state(), Some(&KeyState::PendingImport));
    assert!(!replica.enabled());
    assert_eq!(replica.origin(), Some(&OriginType::External));
    assert_eq!(
        replica.current_key_material_id(),
        Some(material_id.as_str())
    );
    assert_eq!(replica.expiration_model(), None);
    let refused = west
        .decrypt()
        .ciphertext_blob(made_east.clone())
        .send()
        .await;
    assert_error(
        refused,
        "KMSInvalidStateException",
        format!("{west_arn} is pending import."),
    );
    assert_eq!(
        materials(&west, &id).await,
        vec![(
            material_id.clone(),
            "CURRENT".to_owned(),
            "PENDING_IMPORT".to_owned()
        )]
    );

    // Only the primary's material goes into the replica, and never as new material.
    let wrong = import_as(&west, &id, &OTHER, None).await;
    assert_error(
        wrong,
        "IncorrectKeyMaterialException",
        format!(
            "The key material does not match the key material previously imported into {west_arn}."
        ),
    );
    let new = import_as(&west, &id, &MATERIAL, Some(ImportType::NewKeyMaterial)).await;
    assert_error(
        new,
        "UnsupportedOperationException",
        format!(
            "{west_arn} is a multi-Region replica key. Import new key material into its primary key, then import the same key material into this key with ImportType EXISTING_KEY_MATERIAL."
        ),
    );

    // The same bytes, with an expiry of the replica's own.
    let valid_to = DateTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            + 10 * 86_400,
    );
    let params = params(&west, &id, "RSAES_OAEP_SHA_1", "RSA_3072").await;
    let imported = west
        .import_key_material()
        .key_id(&id)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_1",
            &MATERIAL,
        )))
        .valid_to(valid_to)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.key_id(), Some(west_arn.as_str()));
    assert_eq!(imported.key_material_id(), Some(material_id.as_str()));
    let replica = describe(&west, &id).await;
    assert_eq!(replica.key_state(), Some(&KeyState::Enabled));
    assert_eq!(
        replica.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialExpires)
    );
    assert_eq!(replica.valid_to(), Some(&valid_to));
    // The primary's expiry is its own.
    let primary = describe(&east, &id).await;
    assert_eq!(
        primary.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialDoesNotExpire)
    );

    // Ciphertexts cross Regions both ways.
    assert_eq!(decrypt(&west, &made_east).await, b"from east");
    let made_west = encrypt(&west, &id, "from west").await;
    assert_eq!(decrypt(&east, &made_west).await, b"from west");

    // Deleting material affects that key only.
    let deleted = west
        .delete_imported_key_material()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.key_material_id(), Some(material_id.as_str()));
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::PendingImport)
    );
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
    assert_eq!(decrypt(&east, &made_west).await, b"from west");
    east.delete_imported_key_material()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::PendingImport)
    );
    import_as(&west, &id, &MATERIAL, None).await.unwrap();
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
    assert_eq!(decrypt(&west, &made_east).await, b"from east");
}

#[tokio::test]
async fn new_material_waits_for_every_replica_before_the_primary_rotates() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_external_primary(&east).await;
    let first = import(&east, &id, "RSAES_OAEP_SHA_256", &MATERIAL)
        .await
        .key_material_id()
        .unwrap()
        .to_owned();
    east.replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await
        .unwrap();
    import_as(&west, &id, &MATERIAL, None).await.unwrap();
    let old = encrypt(&west, &id, "before rotation").await;

    // New material on the primary waits for the replica.
    let newer = import_as(&east, &id, &NEWER, Some(ImportType::NewKeyMaterial))
        .await
        .unwrap()
        .key_material_id()
        .unwrap()
        .to_owned();
    let waiting = vec![
        (first.clone(), "CURRENT".to_owned(), "IMPORTED".to_owned()),
        (
            newer.clone(),
            "PENDING_MULTI_REGION_IMPORT_AND_ROTATION".to_owned(),
            "IMPORTED".to_owned(),
        ),
    ];
    assert_eq!(materials(&east, &id).await, waiting);
    assert_eq!(
        materials(&west, &id).await[1],
        (
            newer.clone(),
            "PENDING_MULTI_REGION_IMPORT_AND_ROTATION".to_owned(),
            "PENDING_IMPORT".to_owned()
        )
    );
    let east_arn = format!("arn:aws:kms:{EAST}:000000000000:key/{id}");
    let early = east.rotate_key_on_demand().key_id(&id).send().await;
    assert_error(
        early,
        "KMSInvalidStateException",
        format!(
            "{east_arn} has key material {newer} in PENDING_MULTI_REGION_IMPORT_AND_ROTATION state. Import it into every replica key with ImportType EXISTING_KEY_MATERIAL before rotating it."
        ),
    );

    // Once the replica has it, it is pending rotation, and the rotation reaches the replica.
    import_as(&west, &id, &NEWER, Some(ImportType::ExistingKeyMaterial))
        .await
        .unwrap();
    assert_eq!(materials(&east, &id).await[1].1, "PENDING_ROTATION");
    assert_eq!(materials(&west, &id).await[1].1, "PENDING_ROTATION");
    east.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        describe(&west, &id).await.current_key_material_id(),
        Some(newer.as_str())
    );
    assert_eq!(
        describe(&east, &id).await.current_key_material_id(),
        Some(newer.as_str())
    );
    let rotated = materials(&west, &id).await;
    assert_eq!(rotated[0].1, "NON_CURRENT");
    assert_eq!(rotated[1].1, "CURRENT");
    let made = encrypt(&west, &id, "after rotation").await;
    assert_eq!(decrypt(&east, &made).await, b"after rotation");
    assert_eq!(decrypt(&east, &old).await, b"before rotation");

    // Pending material the primary deletes leaves the replica too.
    let third = import_as(&east, &id, &OTHER, Some(ImportType::NewKeyMaterial))
        .await
        .unwrap()
        .key_material_id()
        .unwrap()
        .to_owned();
    assert_eq!(materials(&west, &id).await.len(), 3);
    east.delete_imported_key_material()
        .key_id(&id)
        .key_material_id(&third)
        .send()
        .await
        .unwrap();
    assert_eq!(materials(&west, &id).await.len(), 2);
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
}

#[tokio::test]
async fn a_set_of_imported_material_survives_a_restart_and_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let config = || Config {
        data_dir: Some(dir.path().to_owned()),
        ..Config::for_tests()
    };
    let server = start_with(config()).await;
    let east = kms_in(&server, EAST);
    let id = new_external_primary(&east).await;
    import(&east, &id, "RSAES_OAEP_SHA_256", &MATERIAL).await;
    east.replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await
        .unwrap();
    let blob = encrypt(&east, &id, "kept").await;
    server.shutdown().await.unwrap();

    let server = start_with(config()).await;
    let west = kms_in(&server, WEST);
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::PendingImport)
    );
    import_as(&west, &id, &MATERIAL, None).await.unwrap();
    assert_eq!(decrypt(&west, &blob).await, b"kept");
    let exported = export(&server, "").await;
    server.shutdown().await.unwrap();

    // A fresh instance gets both keys with their material, and no material moves by itself.
    let fresh = start().await;
    let (status, answer) = import_seed(&fresh, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
    let west = kms_in(&fresh, WEST);
    let replica = describe(&west, &id).await;
    assert_eq!(replica.key_state(), Some(&KeyState::Enabled));
    assert_eq!(replica.origin(), Some(&OriginType::External));
    assert_eq!(
        replica
            .multi_region_configuration()
            .unwrap()
            .multi_region_key_type(),
        Some(&MultiRegionKeyType::Replica)
    );
    assert_eq!(decrypt(&west, &blob).await, b"kept");
    let east = kms_in(&fresh, EAST);
    west.delete_imported_key_material()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(decrypt(&east, &blob).await, b"kept");
}

#[tokio::test]
async fn a_seeded_replica_of_imported_material_without_material_waits_for_it() {
    let id = "mrk-00112233445566778899aabbccddeeff";
    let seed = format!(
        "version: 1\npartitions:\n  - account: \"000000000000\"\n    region: us-west-2\n    kms_keys:\n      - key_id: {id}\n        origin: EXTERNAL\n        primary_region: us-east-1\n  - account: \"000000000000\"\n    region: us-east-1\n    kms_keys:\n      - key_id: {id}\n        origin: EXTERNAL\n        primary_region: us-east-1\n        key_material: WlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlo=\n"
    );
    let path = crate::common::seed::temp_file("external-multi-region.yaml", &seed);
    let server = crate::common::seed::seeded(path.to_str().unwrap()).await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let primary = describe(&east, id).await;
    assert_eq!(primary.key_state(), Some(&KeyState::Enabled));
    let replica = describe(&west, id).await;
    assert_eq!(replica.key_state(), Some(&KeyState::PendingImport));
    assert_eq!(
        replica.current_key_material_id(),
        primary.current_key_material_id()
    );
    // The seeded bytes are the primary's material: the replica takes them.
    let blob = encrypt(&east, id, "seeded").await;
    let imported = import_as(&west, id, &MATERIAL, None).await.unwrap();
    assert_eq!(
        imported.key_material_id(),
        primary.current_key_material_id()
    );
    assert_eq!(decrypt(&west, &blob).await, b"seeded");
}

/// ImportKeyMaterial of `material` into `id` expiring `days` from the real clock.
async fn import_expiring(
    kms: &aws_sdk_kms::Client,
    id: &str,
    material: &[u8],
    import_type: ImportType,
    days: i64,
) {
    let params = params(kms, id, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    kms.import_key_material()
        .key_id(id)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            material,
        )))
        .valid_to(DateTime::from_secs(now + days * 86_400))
        .import_type(import_type)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn expiry_is_each_keys_own_but_expired_pending_material_leaves_the_set() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_external_primary(&east).await;
    import(&east, &id, "RSAES_OAEP_SHA_256", &MATERIAL).await;
    east.replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await
        .unwrap();
    import_expiring(&west, &id, &MATERIAL, ImportType::ExistingKeyMaterial, 3).await;
    import_expiring(&east, &id, &NEWER, ImportType::NewKeyMaterial, 1).await;
    assert_eq!(materials(&west, &id).await.len(), 2);

    // The primary's pending material expires: the replica no longer expects it.
    crate::common::advance_clock(&server, "36h").await;
    assert_eq!(materials(&east, &id).await.len(), 1);
    assert_eq!(materials(&west, &id).await.len(), 1);
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );

    // The replica's own material expires: the primary is untouched.
    crate::common::advance_clock(&server, "48h").await;
    assert_eq!(
        describe(&west, &id).await.key_state(),
        Some(&KeyState::PendingImport)
    );
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
}

#[tokio::test]
async fn a_replica_made_primary_leads_the_next_rotation() {
    let server = start().await;
    let east = kms_in(&server, EAST);
    let west = kms_in(&server, WEST);
    let id = new_external_primary(&east).await;
    import(&east, &id, "RSAES_OAEP_SHA_256", &MATERIAL).await;
    east.replicate_key()
        .key_id(&id)
        .replica_region(WEST)
        .send()
        .await
        .unwrap();
    east.update_primary_region()
        .key_id(&id)
        .primary_region(WEST)
        .send()
        .await
        .unwrap();
    // The new primary still waits for its material; the former one keeps its own.
    let primary = describe(&west, &id).await;
    assert_eq!(primary.key_state(), Some(&KeyState::PendingImport));
    assert_eq!(
        primary
            .multi_region_configuration()
            .unwrap()
            .multi_region_key_type(),
        Some(&MultiRegionKeyType::Primary)
    );
    assert_eq!(
        describe(&east, &id).await.key_state(),
        Some(&KeyState::Enabled)
    );
    let east_arn = format!("arn:aws:kms:{EAST}:000000000000:key/{id}");
    let refused = import_as(&east, &id, &NEWER, Some(ImportType::NewKeyMaterial)).await;
    assert_error(
        refused,
        "UnsupportedOperationException",
        format!(
            "{east_arn} is a multi-Region replica key. Import new key material into its primary key, then import the same key material into this key with ImportType EXISTING_KEY_MATERIAL."
        ),
    );
    import_as(&west, &id, &MATERIAL, None).await.unwrap();
    let newer = import_as(&west, &id, &NEWER, Some(ImportType::NewKeyMaterial))
        .await
        .unwrap()
        .key_material_id()
        .unwrap()
        .to_owned();
    assert_eq!(
        materials(&west, &id).await[1].1,
        "PENDING_MULTI_REGION_IMPORT_AND_ROTATION"
    );
    import_as(&east, &id, &NEWER, None).await.unwrap();
    west.rotate_key_on_demand()
        .key_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        describe(&east, &id).await.current_key_material_id(),
        Some(newer.as_str())
    );
}
