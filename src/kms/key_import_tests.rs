//! Unit tests of `key_import.rs`: the state machine of an `EXTERNAL` key's material.

use time::Duration;

use super::*;
use crate::kms::key_spec::{KeySpec, KeyUsage};

fn at(days: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000 + days)
}

fn key(key_type: KeyType) -> Key {
    let caller = KmsCaller {
        account: "111122223333",
        region: "us-east-1",
        now: at(0),
    };
    Key::new_external(caller, KeyManager::Customer, String::new(), None, key_type)
}

fn import(material: &[u8], expiry: Expiry) -> Import {
    Import {
        material: Zeroizing::new(material.to_vec()),
        expiry,
        import_type: None,
        description: None,
        material_id: None,
    }
}

fn new_material(material: &[u8]) -> Import {
    Import {
        import_type: Some(ImportType::New),
        ..import(material, Expiry::Never)
    }
}

#[test]
fn a_new_external_key_waits_for_material_and_shows_it_in_its_metadata() {
    let mut key = key(KeyType::SYMMETRIC);
    assert_eq!(key.state, KeyState::PendingImport);
    assert_eq!(key.check_usable(), Err(KmsError::pending_import(&key.arn)));
    let json = serde_json::to_value(key.metadata()).unwrap();
    assert_eq!(json["Origin"], "EXTERNAL");
    assert_eq!(json["KeyState"], "PendingImport");
    assert_eq!(json["Enabled"], false);
    assert!(json.get("ExpirationModel").is_none());
    assert!(json.get("CurrentKeyMaterialId").is_none());

    let id = key
        .import_material(import(&[1; 32], Expiry::At(at(30))))
        .unwrap();
    assert_eq!(id, derive_material_id(&key.id, &[1; 32]));
    assert_eq!(key.state, KeyState::Enabled);
    assert_eq!(key.current_material().map(|m| m.id), Some(id));
    let json = serde_json::to_value(key.metadata()).unwrap();
    assert_eq!(json["ExpirationModel"], "KEY_MATERIAL_EXPIRES");
    assert_eq!(
        json["ValidTo"].as_f64().unwrap(),
        at(30).unix_timestamp() as f64
    );
    assert_eq!(json["CurrentKeyMaterialId"], hex::encode(id));
}

#[test]
fn reimport_takes_only_the_same_bytes_and_resets_the_expiry() {
    let mut key = key(KeyType::SYMMETRIC);
    key.import_material(import(&[1; 32], Expiry::At(at(1))))
        .unwrap();
    let other = key.import_material(import(&[2; 32], Expiry::Never));
    assert_eq!(
        other.map_err(|e| e.code()),
        Err("IncorrectKeyMaterialException")
    );
    let again = key.import_material(new_material(&[1; 32]));
    assert_eq!(
        again.map_err(|e| e.code()),
        Err("IncorrectKeyMaterialException")
    );
    let wrong_id = Import {
        material_id: Some([0; 32]),
        ..import(&[1; 32], Expiry::Never)
    };
    assert!(key.import_material(wrong_id).is_err());
    key.import_material(import(&[1; 32], Expiry::Never))
        .unwrap();
    assert_eq!(key.next_material_expiry(), None);
    assert_eq!(key.materials.len(), 1);
}

#[test]
fn deleted_or_expired_material_makes_the_key_pending_import_until_reimported() {
    let mut key = key(KeyType::SYMMETRIC);
    let id = key
        .import_material(import(&[1; 32], Expiry::At(at(10))))
        .unwrap();
    assert_eq!(key.next_due(), Some(at(10)));
    assert!(!key.expire_materials(at(9)));
    assert!(key.expire_materials(at(10)));
    assert_eq!(key.state, KeyState::PendingImport);
    assert!(key.materials.is_empty());
    assert_eq!(key.current_material_id(), Some(id));
    assert_eq!(key.next_due(), None);

    key.import_material(import(&[1; 32], Expiry::Never))
        .unwrap();
    assert_eq!(key.state, KeyState::Enabled);
    assert_eq!(key.delete_imported_material(None), Ok(Some(id)));
    assert_eq!(key.state, KeyState::PendingImport);
    // Again: nothing left to delete, no change.
    assert_eq!(key.delete_imported_material(None), Ok(Some(id)));
    assert_eq!(
        key.delete_imported_material(Some([7; 32]))
            .map_err(|e| e.code()),
        Err("NotFoundException")
    );

    // A key pending deletion stays so, and cancelling leaves it pending import.
    key.import_material(import(&[1; 32], Expiry::Never))
        .unwrap();
    key.schedule_deletion(at(0), 7);
    key.delete_imported_material(None).unwrap();
    assert_eq!(key.state, KeyState::PendingDeletion);
    key.cancel_deletion();
    assert_eq!(key.state, KeyState::PendingImport);
}

#[test]
fn new_material_waits_for_rotation_and_then_every_material_is_needed() {
    let mut key = key(KeyType::SYMMETRIC);
    let first = key
        .import_material(import(&[1; 32], Expiry::Never))
        .unwrap();
    assert_eq!(
        key.rotate_imported(at(1)).map_err(|e| e.code()),
        Err("KMSInvalidStateException")
    );
    let replaced = key.import_material(new_material(&[2; 32])).unwrap();
    let second = key.import_material(new_material(&[3; 32])).unwrap();
    // The newer pending material replaced the older one.
    assert!(key.material(&replaced).is_none());
    assert_eq!(key.origin.external().unwrap().entries.len(), 2);
    assert_eq!(key.current_material_id(), Some(first));
    key.rotate_imported(at(1)).unwrap();
    assert_eq!(key.current_material_id(), Some(second));
    assert_eq!(key.rotation.history.len(), 1);
    assert_eq!(key.rotation.history[0].material_id, second);

    // Losing the non-current material also makes the key unusable.
    key.delete_imported_material(Some(first)).unwrap();
    assert_eq!(key.state, KeyState::PendingImport);
    key.import_material(import(&[1; 32], Expiry::Never))
        .unwrap();
    assert_eq!(key.state, KeyState::Enabled);

    // Deleting pending material only drops it.
    let pending = key.import_material(new_material(&[4; 32])).unwrap();
    key.delete_imported_material(Some(pending)).unwrap();
    assert_eq!(key.state, KeyState::Enabled);
    assert!(key.origin.external().unwrap().pending().is_none());
}

#[test]
fn material_must_fit_the_key_spec() {
    let mut symmetric = key(KeyType::SYMMETRIC);
    let short = symmetric.import_material(import(&[1; 31], Expiry::Never));
    assert_eq!(
        short.map_err(|e| e.code()),
        Err("IncorrectKeyMaterialException")
    );
    let hmac_type = KeyType::new(KeySpec::Hmac256, KeyUsage::GenerateVerifyMac).unwrap();
    let mut hmac = key(hmac_type);
    assert!(
        hmac.import_material(import(&[1; 31], Expiry::Never))
            .is_err()
    );
    hmac.import_material(import(&[1; 100], Expiry::Never))
        .unwrap();
    assert_eq!(hmac.hmac_key(), Some([1u8; 100].as_slice()));
    let ecc_type = KeyType::new(KeySpec::EccNistP256, KeyUsage::SignVerify).unwrap();
    let mut ecc = key(ecc_type);
    assert!(
        ecc.import_material(import(&[1; 32], Expiry::Never))
            .is_err()
    );
    assert_eq!(ecc.state, KeyState::PendingImport);
}

#[test]
fn an_aws_kms_key_is_not_external() {
    let caller = KmsCaller {
        account: "111122223333",
        region: "us-east-1",
        now: at(0),
    };
    let key = Key::new(caller, KeyManager::Customer, String::new(), None);
    assert_eq!(
        key.check_external().map(|_| ()).map_err(|e| e.to_string()),
        Err(format!(
            "{} origin is AWS_KMS which is not valid for this operation.",
            key.arn
        ))
    );
    assert!(key.check_not_external().is_ok());
}
