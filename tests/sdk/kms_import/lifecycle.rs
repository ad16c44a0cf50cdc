//! The life of a symmetric `EXTERNAL` key: created without material, parameters for every
//! wrapping key size, import with and without expiry, use, deletion, reimport, expiry on the
//! virtual clock, and a restart with a data dir.

use std::time::{Duration, SystemTime};

use aws_sdk_kms::primitives::{Blob, DateTime};
use aws_sdk_kms::types::{ExpirationModelType, KeyState, OriginType};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::traits::PublicKeyParts as _;

use super::support::{import, new_external, params, state_of, wrap};
use crate::common::kms::encrypt;
use crate::common::{advance_clock, assert_error, kms_client, start, start_with};

const MATERIAL: [u8; 32] = [0x42; 32];

#[tokio::test]
async fn a_symmetric_key_is_created_empty_imported_used_deleted_and_reimported() {
    let server = start().await;
    let kms = kms_client(&server);
    let created = kms
        .create_key()
        .origin(OriginType::External)
        .description("byok")
        .send()
        .await
        .unwrap();
    let meta = created.key_metadata().unwrap();
    let arn = meta.arn().unwrap().to_owned();
    assert_eq!(meta.origin(), Some(&OriginType::External));
    assert_eq!(meta.key_state(), Some(&KeyState::PendingImport));
    assert!(!meta.enabled());
    assert_eq!(meta.expiration_model(), None);
    assert_eq!(meta.valid_to(), None);
    assert_eq!(meta.current_key_material_id(), None);
    let refused = kms
        .encrypt()
        .key_id(&arn)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await;
    let pending = format!("{arn} is pending import.");
    assert_error(refused, "KMSInvalidStateException", &pending);

    // Every wrapping key size, both OAEP hashes: a real RSA public key of that size.
    for (spec, bits) in [("RSA_2048", 2048), ("RSA_3072", 3072), ("RSA_4096", 4096)] {
        for algorithm in ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"] {
            let before = SystemTime::now();
            let out = kms
                .get_parameters_for_import()
                .key_id(&arn)
                .wrapping_algorithm(algorithm.into())
                .wrapping_key_spec(spec.into())
                .send()
                .await
                .unwrap();
            assert_eq!(out.key_id(), Some(arn.as_str()));
            let public =
                rsa::PublicKey::from_public_key_der(out.public_key().unwrap().as_ref()).unwrap();
            assert_eq!(public.size() * 8, bits);
            let valid_to = SystemTime::try_from(*out.parameters_valid_to().unwrap()).unwrap();
            let day = Duration::from_secs(86_400);
            assert!(valid_to >= before + day - Duration::from_secs(2));
            assert!(valid_to <= SystemTime::now() + day);
            assert!(out.import_token().unwrap().as_ref().len() <= 6144);
        }
    }

    // Import with an expiry: Enabled, ExpirationModel and ValidTo shown.
    let params = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let valid_to = DateTime::from_secs(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
            + 30 * 86_400,
    );
    let imported = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            &MATERIAL,
        )))
        .valid_to(valid_to)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.key_id(), Some(arn.as_str()));
    let material_id = imported.key_material_id().unwrap().to_owned();
    assert_eq!(material_id.len(), 64);
    let described = kms.describe_key().key_id(&arn).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
    assert!(meta.enabled());
    assert_eq!(
        meta.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialExpires)
    );
    assert_eq!(meta.valid_to(), Some(&valid_to));
    assert_eq!(meta.current_key_material_id(), Some(material_id.as_str()));

    let blob = encrypt(&kms, &arn, b"imported", &[]).await;
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(blob.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"imported");
    assert_eq!(decrypted.key_material_id(), Some(material_id.as_str()));

    // Delete: PendingImport, ciphertexts refused.
    let deleted = kms
        .delete_imported_key_material()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.key_id(), Some(arn.as_str()));
    assert_eq!(deleted.key_material_id(), Some(material_id.as_str()));
    assert_eq!(state_of(&kms, &arn).await, "PendingImport");
    let refused = kms.decrypt().ciphertext_blob(blob.clone()).send().await;
    assert_error(refused, "KMSInvalidStateException", &pending);
    // Deleting again changes nothing.
    kms.delete_imported_key_material()
        .key_id(&arn)
        .send()
        .await
        .unwrap();

    // Reimport the same bytes with the other hash, without expiry: same id, works again.
    let again = import(&kms, &arn, "RSAES_OAEP_SHA_1", &MATERIAL).await;
    assert_eq!(again.key_material_id(), Some(material_id.as_str()));
    let described = kms.describe_key().key_id(&arn).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.key_state(), Some(&KeyState::Enabled));
    assert_eq!(
        meta.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialDoesNotExpire)
    );
    assert_eq!(meta.valid_to(), None);
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"imported");
}

#[tokio::test]
async fn material_expires_on_the_virtual_clock() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let params = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_3072").await;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    kms.import_key_material()
        .key_id(&arn)
        .import_token(params.token)
        .encrypted_key_material(Blob::new(wrap(
            &params.public_key,
            "RSAES_OAEP_SHA_256",
            &MATERIAL,
        )))
        .expiration_model(ExpirationModelType::KeyMaterialExpires)
        .valid_to(DateTime::from_secs(now + 86_400))
        .send()
        .await
        .unwrap();
    let blob = encrypt(&kms, &arn, b"short-lived", &[]).await;
    advance_clock(&server, "23h").await;
    assert_eq!(state_of(&kms, &arn).await, "Enabled");
    advance_clock(&server, "2h").await;
    assert_eq!(state_of(&kms, &arn).await, "PendingImport");
    let refused = kms.decrypt().ciphertext_blob(blob.clone()).send().await;
    assert_error(
        refused,
        "KMSInvalidStateException",
        format!("{arn} is pending import."),
    );
    let rotations = kms
        .list_key_rotations()
        .key_id(&arn)
        .include_key_material("ALL_KEY_MATERIAL".into())
        .send()
        .await
        .unwrap();
    let entry = &rotations.rotations()[0];
    assert_eq!(entry.import_state().unwrap().as_str(), "PENDING_IMPORT");
    assert_eq!(entry.key_material_state().unwrap().as_str(), "CURRENT");
    assert_eq!(entry.expiration_model(), None);
    // Reimported, it decrypts again.
    import(&kms, &arn, "RSAES_OAEP_SHA_256", &MATERIAL).await;
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"short-lived");
}

#[tokio::test]
async fn imported_keys_and_their_state_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = || lockbox::Config {
        data_dir: Some(dir.path().join("data")),
        ..lockbox::Config::for_tests()
    };
    let server = start_with(config()).await;
    let kms = kms_client(&server);
    let enabled = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let material_id = import(&kms, &enabled, "RSAES_OAEP_SHA_256", &MATERIAL)
        .await
        .key_material_id()
        .unwrap()
        .to_owned();
    let blob = encrypt(&kms, &enabled, b"kept", &[]).await;
    let waiting = new_external(&kms, "HMAC_256", "GENERATE_VERIFY_MAC").await;
    // A token issued before the restart still works after it (sealed by the root key).
    let early = params(&kms, &waiting, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    server.shutdown().await.unwrap();

    let server = start_with(config()).await;
    let kms = kms_client(&server);
    let described = kms.describe_key().key_id(&enabled).send().await.unwrap();
    let meta = described.key_metadata().unwrap();
    assert_eq!(meta.origin(), Some(&OriginType::External));
    assert_eq!(meta.current_key_material_id(), Some(material_id.as_str()));
    let decrypted = kms.decrypt().ciphertext_blob(blob).send().await.unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"kept");
    assert_eq!(state_of(&kms, &waiting).await, "PendingImport");
    kms.import_key_material()
        .key_id(&waiting)
        .import_token(early.token)
        .encrypted_key_material(Blob::new(wrap(
            &early.public_key,
            "RSAES_OAEP_SHA_256",
            &[7; 32],
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .send()
        .await
        .unwrap();
    assert_eq!(state_of(&kms, &waiting).await, "Enabled");
    server.shutdown().await.unwrap();
}
