//! Several key materials in one symmetric `EXTERNAL` key: new material waits as
//! `PENDING_ROTATION`, RotateKeyOnDemand makes it current, older ciphertexts keep
//! decrypting, ListKeyRotations shows every material with its import members, and losing any
//! permanently associated material makes the key unusable.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{ExpirationModelType, ImportType};

use super::support::{import, new_external, params, state_of, wrap};
use crate::common::kms::encrypt;
use crate::common::{assert_error, kms_client, start};

#[tokio::test]
async fn new_material_is_rotated_in_on_demand() {
    let server = start().await;
    let kms = kms_client(&server);
    let arn = new_external(&kms, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT").await;
    let first = import(&kms, &arn, "RSAES_OAEP_SHA_256", &[1; 32])
        .await
        .key_material_id()
        .unwrap()
        .to_owned();
    let old_blob = encrypt(&kms, &arn, b"old", &[]).await;
    let no_pending = kms.rotate_key_on_demand().key_id(&arn).send().await;
    assert_error(
        no_pending,
        "KMSInvalidStateException",
        format!(
            "{arn} has no key material in PENDING_ROTATION state. Import new key material with ImportType NEW_KEY_MATERIAL before rotating it."
        ),
    );

    let p = params(&kms, &arn, "RSAES_OAEP_SHA_256", "RSA_2048").await;
    let second = kms
        .import_key_material()
        .key_id(&arn)
        .import_token(p.token)
        .encrypted_key_material(Blob::new(wrap(
            &p.public_key,
            "RSAES_OAEP_SHA_256",
            &[2; 32],
        )))
        .expiration_model(ExpirationModelType::KeyMaterialDoesNotExpire)
        .import_type(ImportType::NewKeyMaterial)
        .key_material_description("second batch")
        .send()
        .await
        .unwrap()
        .key_material_id()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    // Pending material does not encrypt yet.
    let described = kms.describe_key().key_id(&arn).send().await.unwrap();
    assert_eq!(
        described.key_metadata().unwrap().current_key_material_id(),
        Some(first.as_str())
    );
    let listed = kms
        .list_key_rotations()
        .key_id(&arn)
        .include_key_material("ALL_KEY_MATERIAL".into())
        .send()
        .await
        .unwrap();
    let states: Vec<(&str, &str, &str)> = listed
        .rotations()
        .iter()
        .map(|e| {
            (
                e.key_material_id().unwrap(),
                e.key_material_state().unwrap().as_str(),
                e.import_state().unwrap().as_str(),
            )
        })
        .collect();
    assert_eq!(
        states,
        vec![
            (first.as_str(), "CURRENT", "IMPORTED"),
            (second.as_str(), "PENDING_ROTATION", "IMPORTED"),
        ]
    );
    let pending = &listed.rotations()[1];
    assert_eq!(pending.key_material_description(), Some("second batch"));
    assert_eq!(
        pending.expiration_model(),
        Some(&ExpirationModelType::KeyMaterialDoesNotExpire)
    );
    assert!(pending.rotation_date().is_none() && pending.rotation_type().is_none());

    let rotated = kms
        .rotate_key_on_demand()
        .key_id(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.key_id(), Some(arn.as_str()));
    let new_blob = encrypt(&kms, &arn, b"new", &[]).await;
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(new_blob)
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.key_material_id(), Some(second.as_str()));
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(old_blob.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.key_material_id(), Some(first.as_str()));
    let listed = kms.list_key_rotations().key_id(&arn).send().await.unwrap();
    assert_eq!(listed.rotations().len(), 1);
    let entry = &listed.rotations()[0];
    assert_eq!(entry.key_material_id(), Some(second.as_str()));
    assert_eq!(entry.key_material_state().unwrap().as_str(), "CURRENT");
    assert_eq!(entry.rotation_type().unwrap().as_str(), "ON_DEMAND");
    assert!(entry.rotation_date().is_some());

    // Deleting the non-current material makes the key unusable until it is reimported.
    let deleted = kms
        .delete_imported_key_material()
        .key_id(&arn)
        .key_material_id(&first)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.key_material_id(), Some(first.as_str()));
    assert_eq!(state_of(&kms, &arn).await, "PendingImport");
    let refused = kms.decrypt().ciphertext_blob(old_blob.clone()).send().await;
    assert_error(
        refused,
        "KMSInvalidStateException",
        format!("{arn} is pending import."),
    );
    let unknown = kms
        .delete_imported_key_material()
        .key_id(&arn)
        .key_material_id("0".repeat(64))
        .send()
        .await;
    assert_error(
        unknown,
        "NotFoundException",
        format!(
            "Key material {} is not associated with {arn}.",
            "0".repeat(64)
        ),
    );
    import(&kms, &arn, "RSAES_OAEP_SHA_1", &[1; 32]).await;
    assert_eq!(state_of(&kms, &arn).await, "Enabled");
    let decrypted = kms
        .decrypt()
        .ciphertext_blob(old_blob)
        .send()
        .await
        .unwrap();
    assert_eq!(decrypted.plaintext().unwrap().as_ref(), b"old");
}
