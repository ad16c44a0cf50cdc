//! Seeds and exports of `EXTERNAL` keys: a seed declares one with imported material (which a
//! later ImportKeyMaterial of the same bytes matches) or pending import, and an export
//! carries the origin and the whole import record to another instance: states, materials
//! not imported, expiry, descriptions and rotations, so the key reads the same there, and
//! re-applied to its own instance it is found unchanged.

use aws_sdk_kms::primitives::{Blob, DateTime};
use aws_sdk_kms::types::{ExpirationModelType, ImportType};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lockbox::Config;

use super::support::{import, new_external, params, state_of, wrap};
use crate::common::kms::encrypt;
use crate::common::seed::{export, import as admin_import, temp_file};
use crate::common::{kms_client, kms_client_as, start_with};

const IMPORTED: &str = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const WAITING: &str = "8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";

#[tokio::test]
async fn a_seed_declares_external_keys_and_an_export_carries_them() {
    let material = [0x24u8; 32];
    let document = format!(
        "version: 1\npartitions:\n  - account: '000000000000'\n    region: us-east-1\n    kms_keys:\n      - key_id: {IMPORTED}\n        origin: EXTERNAL\n        key_material: {}\n      - key_id: {WAITING}\n        origin: EXTERNAL\n",
        STANDARD.encode(material)
    );
    let path = temp_file("external-keys.yaml", &document);
    let server = start_with(Config {
        seed: Some(path),
        ..Config::for_tests()
    })
    .await;
    let kms = kms_client(&server);
    let described = kms.describe_key().key_id(IMPORTED).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.origin().unwrap().as_str(), "EXTERNAL");
    assert_eq!(meta.key_state().unwrap().as_str(), "Enabled");
    assert_eq!(
        meta.expiration_model().unwrap().as_str(),
        "KEY_MATERIAL_DOES_NOT_EXPIRE"
    );
    let seeded_id = meta.current_key_material_id().unwrap().to_owned();
    assert_eq!(state_of(&kms, WAITING).await, "PendingImport");
    // The seeded material is what an import of the same bytes gives.
    let again = import(&kms, IMPORTED, "RSAES_OAEP_SHA_256", &material).await;
    assert_eq!(again.key_material_id(), Some(seeded_id.as_str()));
    let blob = encrypt(&kms, IMPORTED, b"seeded", &[]).await;

    let exported = export(&server, "").await;
    let other = start_with(Config::for_tests()).await;
    let (status, answer) = admin_import(&other, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
    let kms = kms_client(&other);
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"seeded");
    assert_eq!(decrypted.key_material_id(), Some(seeded_id.as_str()));
    assert_eq!(state_of(&kms, WAITING).await, "PendingImport");
    let described = kms.describe_key().key_id(WAITING).send().await.unwrap();
    assert_eq!(
        described.key_metadata().unwrap().origin().unwrap().as_str(),
        "EXTERNAL"
    );
}

/// Imports `material` into `key` as `import_type`, expiring at `valid_to` when given, with
/// `description`; returns its `KeyMaterialId`.
async fn import_with(
    kms: &aws_sdk_kms::Client,
    key: &str,
    material: &[u8],
    import_type: ImportType,
    valid_to: Option<DateTime>,
    description: &str,
) -> String {
    let params = params(kms, key, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let model = match valid_to {
        Some(_) => ExpirationModelType::KeyMaterialExpires,
        None => ExpirationModelType::KeyMaterialDoesNotExpire,
    };
    kms.import_key_material()
        .key_id(key)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            material,
        )))
        .expiration_model(model)
        .set_valid_to(valid_to)
        .import_type(import_type)
        .key_material_description(description)
        .send()
        .await
        .unwrap()
        .key_material_id()
        .unwrap()
        .to_owned()
}

/// What DescribeKey and ListKeyRotations (all material) show of `key`, creation date aside
/// (exports carry no timestamps of keys).
async fn observed(kms: &aws_sdk_kms::Client, key: &str) -> String {
    let described = kms.describe_key().key_id(key).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    // Refused for keys that do not rotate (the refusal is compared then).
    let rotations = match kms
        .list_key_rotations()
        .key_id(key)
        .include_key_material("ALL_KEY_MATERIAL".into())
        .send()
        .await
    {
        Ok(listed) => format!("{:#?}", listed.rotations()),
        Err(error) => format!("{:?}", error.into_service_error().meta().code()),
    };
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}\n{}",
        meta.arn(),
        meta.key_state(),
        meta.enabled(),
        meta.origin(),
        meta.expiration_model(),
        meta.valid_to(),
        meta.current_key_material_id(),
        meta.description(),
        rotations
    )
}

#[tokio::test]
async fn an_export_reproduces_every_external_key_and_reapplies_without_conflict() {
    let server = start_with(Config::for_tests()).await;
    let kms = kms_client(&server);
    let expires = DateTime::from_secs(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            + 30 * 86_400,
    );
    // Rotated once, with new material pending rotation; the first material expires.
    let rotated = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let first = import_with(
        &kms,
        &rotated,
        &[1; 32],
        ImportType::NewKeyMaterial,
        Some(expires),
        "first",
    )
    .await;
    import_with(
        &kms,
        &rotated,
        &[2; 32],
        ImportType::NewKeyMaterial,
        None,
        "second",
    )
    .await;
    kms.rotate_key_on_demand()
        .key_id(&rotated)
        .send()
        .await
        .unwrap();
    import_with(
        &kms,
        &rotated,
        &[3; 32],
        ImportType::NewKeyMaterial,
        None,
        "pending",
    )
    .await;
    let blob = encrypt(&kms, &rotated, b"before", &[]).await;
    // Missing one of its materials: PendingImport, the rest kept.
    let missing = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let gone = import_with(
        &kms,
        &missing,
        &[4; 32],
        ImportType::NewKeyMaterial,
        None,
        "gone",
    )
    .await;
    import_with(
        &kms,
        &missing,
        &[5; 32],
        ImportType::NewKeyMaterial,
        None,
        "kept",
    )
    .await;
    kms.rotate_key_on_demand()
        .key_id(&missing)
        .send()
        .await
        .unwrap();
    kms.delete_imported_key_material()
        .key_id(&missing)
        .key_material_id(&gone)
        .send()
        .await
        .unwrap();
    assert_eq!(state_of(&kms, &missing).await, "PendingImport");
    // Disabled, its one material expiring.
    let disabled = new_external(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    let params = params(&kms, &disabled, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    kms.import_key_material()
        .key_id(&disabled)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            &[6; 32],
        )))
        .expiration_model(ExpirationModelType::KeyMaterialExpires)
        .valid_to(expires)
        .send()
        .await
        .unwrap();
    kms.disable_key().key_id(&disabled).send().await.unwrap();

    let keys = [&rotated, &missing, &disabled];
    let mut before = Vec::new();
    for key in keys {
        before.push(observed(&kms, key).await);
    }
    assert!(
        before[0].contains(&first) && before[0].contains("PendingRotation"),
        "{}",
        before[0]
    );
    assert!(before[1].contains("PendingImport"), "{}", before[1]);
    let exported = export(&server, "").await;

    // Into a fresh instance: every key reads the same and decrypts the same ciphertexts.
    let other = start_with(Config::for_tests()).await;
    let (status, answer) = admin_import(&other, "application/json", exported.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let copy = kms_client(&other);
    for (key, seen) in keys.iter().zip(&before) {
        assert_eq!(&observed(&copy, key).await, seen);
    }
    let decrypted = copy.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"before");
    // The pending material can still be rotated in there.
    copy.rotate_key_on_demand()
        .key_id(&rotated)
        .send()
        .await
        .unwrap();

    // Back into the instance it came from: nothing changes, no conflict.
    let (status, answer) = admin_import(&server, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["keys_created"], 0, "{answer}");
    assert_eq!(answer["keys_unchanged"], 3, "{answer}");
    for (key, seen) in keys.iter().zip(&before) {
        assert_eq!(&observed(&kms, key).await, seen);
    }
}

#[tokio::test]
async fn an_export_reproduces_a_multi_region_set_waiting_for_a_replica_import() {
    let server = start_with(Config::for_tests()).await;
    let east = kms_client_as(&server, "test", "test", "us-east-1");
    let west = kms_client_as(&server, "test", "test", "us-west-2");
    let created = east
        .create_key()
        .origin(aws_sdk_kms::types::OriginType::External)
        .multi_region(true)
        .send()
        .await
        .unwrap();
    let id = created.key_metadata().unwrap().key_id().to_owned();
    import(&east, &id, "RSAES_OAEP_SHA_256", &[7; 32]).await;
    east.replicate_key()
        .key_id(&id)
        .replica_region("us-west-2")
        .send()
        .await
        .unwrap();
    import(&west, &id, "RSAES_OAEP_SHA_256", &[7; 32]).await;
    // New material in the primary waits for the replica.
    import_with(
        &east,
        &id,
        &[8; 32],
        ImportType::NewKeyMaterial,
        None,
        "next",
    )
    .await;
    let before = (observed(&east, &id).await, observed(&west, &id).await);
    assert!(
        before
            .0
            .contains("PENDING_MULTI_REGION_IMPORT_AND_ROTATION"),
        "{}",
        before.0
    );
    let exported = export(&server, "").await;

    let other = start_with(Config::for_tests()).await;
    let (status, answer) = admin_import(&other, "application/json", exported.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let copy = (
        kms_client_as(&other, "test", "test", "us-east-1"),
        kms_client_as(&other, "test", "test", "us-west-2"),
    );
    assert_eq!(
        (observed(&copy.0, &id).await, observed(&copy.1, &id).await),
        before
    );

    let (status, answer) = admin_import(&server, "application/json", exported).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["keys_created"], 0, "{answer}");
    assert_eq!(
        (observed(&east, &id).await, observed(&west, &id).await),
        before
    );
}
