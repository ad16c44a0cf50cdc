//! Unit tests of `stored.rs`: keys of every kind round-trip sealed, records of the format
//! before key kinds existed still load, and sealed material is bound to its key and kind.

use super::*;
use crate::kms::KmsCaller as KeyPlace;
use crate::kms::key_spec::{KeySpec, KeyType, KeyUsage};

#[test]
fn a_key_round_trips_and_its_material_is_sealed() {
    let root = RootKey::from_bytes(&[7; 32]);
    let place = KeyPlace {
        account: "111122223333",
        region: "us-east-1",
        now: OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_000_000_001).unwrap(),
    };
    let mut key = Key::new(place, KeyManager::Customer, "d".into(), None);
    key.rotation.enable(90, place.now);
    key.rotate(RotationType::OnDemand, place.now);
    key.tags.push(("k".into(), "v".into()));
    let mut grant = Grant::new(
        GrantTerms {
            name: Some("g".into()),
            grantee_principal: "arn:aws:iam::111122223333:role/r".into(),
            retiring_principal: None,
            operations: vec!["Decrypt".into()],
            constraints: Some(Constraints::default()),
        },
        "111122223333",
        place.now,
    );
    let token = grant.issue_token();
    key.grants.push(grant);
    let bytes = encode_key(&key, &root).unwrap();
    for material in &key.materials {
        let secret = material.secret.to_bytes().unwrap();
        assert!(!bytes.windows(32).any(|w| w == secret.as_slice()));
    }
    // A symmetric key's record has the form it had before other key kinds existed.
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(json.get("key_spec").is_none() && json.get("key_usage").is_none());
    let back = decode_key(&bytes, &root).unwrap();
    assert_eq!(back.materials.len(), 2);
    assert_eq!(back.key_type, KeyType::SYMMETRIC);
    for (a, b) in back.materials.iter().zip(&key.materials) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.secret.to_bytes().unwrap(), b.secret.to_bytes().unwrap());
    }
    assert_eq!(back.rotation.history, key.rotation.history);
    assert_eq!(back.rotation.next, key.rotation.next);
    assert_eq!(back.creation_date, key.creation_date);
    assert!(back.grants[0].has_token(&token));
    assert_eq!(back.grants[0].terms, key.grants[0].terms);
    let wrong = RootKey::from_bytes(&[8; 32]);
    assert!(matches!(
        decode_key(&bytes, &wrong),
        Err(StoreError::Corrupt(_))
    ));
    let resealed = reseal_key(&bytes, &root, &wrong).unwrap();
    assert!(decode_key(&resealed, &root).is_err());
    let moved = decode_key(&resealed, &wrong).unwrap();
    assert_eq!(
        moved.materials[1].secret.to_bytes().unwrap(),
        key.materials[1].secret.to_bytes().unwrap()
    );
}

fn place() -> KeyPlace<'static> {
    KeyPlace {
        account: "111122223333",
        region: "us-east-1",
        now: OffsetDateTime::UNIX_EPOCH,
    }
}

#[test]
fn a_record_written_before_key_kinds_existed_still_loads() {
    let root = RootKey::from_bytes(&[7; 32]);
    let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let secret = [42u8; 32];
    let sealed = root.seal(&secret, arn.as_bytes()).unwrap();
    let record = serde_json::json!({
        "id": "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn": arn,
        "account": "111122223333",
        "aws_managed": false,
        "state": "Enabled",
        "description": "",
        "creation_date": 1_700_000_000_000_000_000i64,
        "policy": "{}",
        "tags": [],
        "material_ids": [hex::encode([1u8; 32])],
        "sealed_materials": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &sealed),
        "rotation": {"period_days": null, "overdue": false, "history": []},
    });
    let key = decode_key(&serde_json::to_vec(&record).unwrap(), &root).unwrap();
    assert_eq!(key.key_type, KeyType::SYMMETRIC);
    assert_eq!(key.materials[0].secret.symmetric().unwrap(), &secret);
    assert_eq!(key.metadata().key_spec, "SYMMETRIC_DEFAULT");
}

#[test]
fn asymmetric_and_hmac_keys_round_trip_bound_to_their_kind() {
    let root = RootKey::from_bytes(&[9; 32]);
    for (spec, usage) in [
        (KeySpec::EccNistP256, KeyUsage::SignVerify),
        (KeySpec::EccNistEdwards25519, KeyUsage::SignVerify),
        (KeySpec::MlDsa44, KeyUsage::SignVerify),
        (KeySpec::Hmac512, KeyUsage::GenerateVerifyMac),
    ] {
        let key_type = KeyType::new(spec, usage).unwrap();
        let key =
            Key::new_of_type(place(), KeyManager::Customer, String::new(), None, key_type).unwrap();
        let bytes = encode_key(&key, &root).unwrap();
        let secret = key.materials[0].secret.to_bytes().unwrap();
        assert!(
            !bytes
                .windows(16)
                .any(|w| secret.windows(16).any(|s| s == w))
        );
        let back = decode_key(&bytes, &root).unwrap();
        assert_eq!(back.key_type, key_type);
        assert_eq!(back.materials[0].secret.to_bytes().unwrap(), secret);
        // A record edited to claim another kind does not open.
        let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        json["key_spec"] = "HMAC_256".into();
        json["key_usage"] = "GENERATE_VERIFY_MAC".into();
        let edited = serde_json::to_vec(&json).unwrap();
        if spec != KeySpec::Hmac256 {
            assert!(matches!(
                decode_key(&edited, &root),
                Err(StoreError::Corrupt(_))
            ));
        }
        let moved = reseal_key(&bytes, &root, &RootKey::from_bytes(&[1; 32])).unwrap();
        assert!(decode_key(&moved, &RootKey::from_bytes(&[1; 32])).is_ok());
    }
}

#[test]
fn a_multi_region_key_round_trips_and_single_region_records_stay_as_they_were() {
    let root = RootKey::from_bytes(&[7; 32]);
    let place = KeyPlace {
        account: "111122223333",
        region: "us-east-1",
        now: OffsetDateTime::UNIX_EPOCH,
    };
    let single = Key::new(place, KeyManager::Customer, String::new(), None);
    let json: serde_json::Value =
        serde_json::from_slice(&encode_key(&single, &root).unwrap()).unwrap();
    assert!(json.get("multi_region").is_none());
    assert_eq!(
        decode_key(&encode_key(&single, &root).unwrap(), &root)
            .unwrap()
            .multi_region,
        None
    );

    let mut key = single;
    key.id = "mrk-0123456789abcdef0123456789abcdef".into();
    key.arn = place.key_arn(&key.id);
    key.multi_region = Some(MultiRegion {
        primary_region: "us-east-1".into(),
        replica_regions: vec!["eu-west-1".into()],
        replica_deletion_window: None,
    });
    key.await_replica_deletion(12);
    let back = decode_key(&encode_key(&key, &root).unwrap(), &root).unwrap();
    assert_eq!(back.multi_region, key.multi_region);
    assert_eq!(back.state, KeyState::PendingReplicaDeletion);
    assert_eq!(back.deletion_date, None);
}

#[test]
fn an_external_key_round_trips_with_its_import_record_in_every_state() {
    use crate::kms::imported::Expiry;
    use crate::kms::key_import::{Import, ImportType};
    use zeroize::Zeroizing;

    let root = RootKey::from_bytes(&[7; 32]);
    let place = KeyPlace {
        account: "111122223333",
        region: "us-east-1",
        now: OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap(),
    };
    let import = |bytes: &[u8], import_type, expiry| Import {
        material: Zeroizing::new(bytes.to_vec()),
        expiry,
        import_type,
        description: Some("first batch".into()),
        material_id: None,
    };
    let mut key = Key::new_external(
        place,
        KeyManager::Customer,
        String::new(),
        None,
        KeyType::SYMMETRIC,
    );
    // Pending import, no material at all.
    let back = decode_key(&encode_key(&key, &root).unwrap(), &root).unwrap();
    assert_eq!(back.state, KeyState::PendingImport);
    assert_eq!(back.origin, key.origin);
    assert!(back.materials.is_empty());

    let valid_to = place.now + time::Duration::days(30);
    let first = key
        .import_material(import(&[1; 32], None, Expiry::At(valid_to)))
        .unwrap();
    key.import_material(import(&[2; 32], Some(ImportType::New), Expiry::Never))
        .unwrap();
    let bytes = encode_key(&key, &root).unwrap();
    assert!(!bytes.windows(32).any(|w| w == [2; 32]));
    let back = decode_key(&bytes, &root).unwrap();
    assert_eq!(back.origin, key.origin);
    assert_eq!(back.state, KeyState::Enabled);
    assert_eq!(back.materials.len(), 2);
    assert_eq!(back.next_material_expiry(), Some(valid_to));

    key.delete_imported_material(Some(first)).unwrap();
    let back = decode_key(&encode_key(&key, &root).unwrap(), &root).unwrap();
    assert_eq!(back.state, KeyState::PendingImport);
    assert_eq!(back.origin, key.origin);
    assert_eq!(back.materials.len(), 1);
    assert_eq!(back.current_material_id(), Some(first));
    assert!(back.current_material().is_none());
}
