//! Unit tests of `seeding_imported.rs`: an `EXTERNAL` key's import record survives an export
//! and a seed, field by field, and a re-applied export finds the key identical.

use time::Duration;
use zeroize::Zeroizing;

use super::*;
use crate::crypto::Sensitive;
use crate::kms::key_import::{Import, ImportType};
use crate::kms::key_spec::KeyType;
use crate::kms::keys::KeyManager;
use crate::kms::seeding::{Applied, SeedError, SeedMaterial};
use crate::kms::{KmsCaller, LocalKms};

const KEY_ID: &str = "0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e";

fn at(days: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000 + days)
}

fn caller(days: i64) -> KmsCaller<'static> {
    KmsCaller {
        account: "111122223333",
        region: "us-east-1",
        now: at(days),
    }
}

fn import(bytes: u8, expiry: Expiry, new: bool, description: Option<&str>) -> Import {
    Import {
        material: Zeroizing::new(vec![bytes; 32]),
        expiry,
        import_type: new.then_some(ImportType::New),
        description: description.map(str::to_owned),
        material_id: None,
    }
}

/// A key with every kind of entry: a first material deleted (not imported), a rotated-in
/// current one that expires with a description, and a pending one.
fn external_key() -> Key {
    let mut key = Key::new_external(
        caller(0),
        KeyManager::Customer,
        "imported".to_owned(),
        None,
        KeyType::SYMMETRIC,
    );
    key.id = KEY_ID.to_owned();
    key.import_material(import(1, Expiry::Never, false, None))
        .unwrap();
    key.import_material(import(2, Expiry::At(at(40)), true, Some("second")))
        .unwrap();
    key.rotate_imported(at(3)).unwrap();
    key.import_material(import(3, Expiry::Never, true, Some("next")))
        .unwrap();
    let first = key.origin.external().unwrap().entries[0].id;
    key.delete_imported_material(Some(first)).unwrap();
    key
}

fn seed_of(exported: Vec<ExportedMaterial>, enabled: bool) -> KeySeed {
    KeySeed {
        key_id: KEY_ID.to_owned(),
        description: "imported".to_owned(),
        enabled,
        policy: None,
        tags: Vec::new(),
        aws_managed: false,
        key_spec: None,
        key_usage: None,
        materials: exported
            .into_iter()
            .map(|m| SeedMaterial {
                id: hex::decode(&m.id).ok().and_then(|id| id.try_into().ok()),
                secret: m.secret.map(Sensitive::new),
                details: m.details,
            })
            .collect(),
        aliases: Vec::new(),
        primary_region: None,
        external: true,
    }
}

fn material(bytes: u8, details: SeedImportDetails) -> SeedMaterial {
    SeedMaterial {
        id: None,
        secret: Some(Sensitive::new(Zeroizing::new(vec![bytes; 32]))),
        details,
    }
}

fn seeded_key(kms: &LocalKms, seed: &KeySeed) -> Key {
    seeded_key_at(kms, seed, 10)
}

/// The seeded key as read on day `days` (reading runs the sweep of expired material).
fn seeded_key_at(kms: &LocalKms, seed: &KeySeed, days: i64) -> Key {
    let ring = kms.ring(caller(days));
    let (_, keys) = ring.read();
    keys.get(&seed.key_id).unwrap().clone()
}

#[test]
fn an_exported_record_seeds_the_same_key_and_reapplies_unchanged() {
    let source = external_key();
    let exported = exported_materials(&source);
    assert_eq!(exported.len(), 3);
    assert!(
        exported[0].secret.is_none(),
        "deleted material has no bytes"
    );
    assert_eq!(exported[1].details.valid_to, Some(at(40)));
    assert_eq!(exported[1].details.rotated_at, Some(at(3)));
    assert_eq!(
        exported[2].details.state,
        Some(MaterialState::PendingRotation)
    );
    let seed = seed_of(exported, false);
    seed.check().unwrap();

    let kms = LocalKms::new();
    assert_eq!(kms.seed_key(caller(10), &seed), Ok(Applied::Created));
    let copy = seeded_key(&kms, &seed);
    assert_eq!(copy.origin, source.origin);
    assert_eq!(copy.state, KeyState::PendingImport);
    let history = |key: &Key| -> Vec<_> {
        key.rotation
            .history
            .iter()
            .map(|r| (r.material_id, r.date, r.kind))
            .collect()
    };
    assert_eq!(history(&copy), history(&source));
    let ids = |key: &Key| -> Vec<_> {
        let mut ids: Vec<_> = key.materials.iter().map(|m| m.id).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&copy), ids(&source));

    // Its own export, re-applied, changes nothing.
    let again = seed_of(exported_materials(&copy), false);
    assert_eq!(kms.seed_key(caller(11), &again), Ok(Applied::Unchanged));
}

#[test]
fn a_differing_record_is_a_conflict() {
    let kms = LocalKms::new();
    let seed = seed_of(exported_materials(&external_key()), true);
    kms.seed_key(caller(10), &seed).unwrap();
    let mut other = seed_of(exported_materials(&external_key()), true);
    other.materials[2].details.description = Some("changed".to_owned());
    let conflict = kms.seed_key(caller(10), &other);
    assert!(
        matches!(&conflict, Err(SeedError::Conflict(m)) if m.contains("key material")),
        "{conflict:?}"
    );
    let mut moved = seed_of(exported_materials(&external_key()), true);
    moved.materials[1].details.rotated_at = Some(at(4));
    let conflict = kms.seed_key(caller(10), &moved);
    assert!(
        matches!(&conflict, Err(SeedError::Conflict(m)) if m.contains("rotation")),
        "{conflict:?}"
    );
}

#[test]
fn states_default_to_the_last_material_being_current() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![
        material(1, SeedImportDetails::default()),
        material(2, SeedImportDetails::default()),
    ];
    let record = seeded_record(&seed).unwrap().record;
    let states: Vec<_> = record.entries.iter().map(|e| e.state).collect();
    assert_eq!(states, [MaterialState::NonCurrent, MaterialState::Current]);
    assert!(
        record
            .entries
            .iter()
            .all(|e| e.import == Some(Expiry::Never))
    );

    seed.materials.push(material(
        3,
        SeedImportDetails {
            state: Some(MaterialState::PendingRotation),
            ..SeedImportDetails::default()
        },
    ));
    let record = seeded_record(&seed).unwrap().record;
    assert_eq!(record.current().map(|e| e.id), Some(record.entries[1].id));
    assert_eq!(record.pending().map(|e| e.id), Some(record.entries[2].id));

    seed.materials[0].details.state = Some(MaterialState::Current);
    let error = seeded_record(&seed).unwrap_err();
    assert!(error.contains("last one"), "{error}");
    seed.materials[0].details.state = None;
    seed.materials[1].details.state = Some(MaterialState::PendingRotation);
    let error = seeded_record(&seed).unwrap_err();
    assert!(error.contains("at most one"), "{error}");
}

#[test]
fn valid_to_makes_imported_material_expire() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![material(
        1,
        SeedImportDetails {
            valid_to: Some(at(30)),
            ..SeedImportDetails::default()
        },
    )];
    let record = seeded_record(&seed).unwrap().record;
    assert_eq!(record.entries[0].import, Some(Expiry::At(at(30))));
    assert_eq!(record.expiration(), Some(Expiry::At(at(30))));

    seed.materials[0].secret = None;
    seed.materials[0].id = Some([7; MATERIAL_ID_LEN]);
    let error = seeded_record(&seed).unwrap_err();
    assert!(
        error.contains("valid_to is for imported material"),
        "{error}"
    );
}

#[test]
fn description_is_kept_and_checked() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![material(
        1,
        SeedImportDetails {
            description: Some("first import".to_owned()),
            ..SeedImportDetails::default()
        },
    )];
    let record = seeded_record(&seed).unwrap().record;
    assert_eq!(
        record.entries[0].description.as_deref(),
        Some("first import")
    );
    seed.materials[0].details.description = Some("no {braces}".to_owned());
    assert!(seeded_record(&seed).unwrap_err().contains("description"));
    seed.materials[0].details.description = Some("x".repeat(257));
    assert!(seeded_record(&seed).unwrap_err().contains("description"));
}

#[test]
fn missing_material_needs_its_id_and_leaves_the_key_pending_import() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![SeedMaterial {
        id: None,
        secret: None,
        details: SeedImportDetails::default(),
    }];
    assert!(seeded_record(&seed).unwrap_err().contains("needs its id"));
    seed.materials[0].id = Some([7; MATERIAL_ID_LEN]);
    seed.check().unwrap();
    let kms = LocalKms::new();
    kms.seed_key(caller(0), &seed).unwrap();
    let key = seeded_key(&kms, &seed);
    assert_eq!(key.state, KeyState::PendingImport);
    assert!(key.materials.is_empty());
    let entry = &key.origin.external().unwrap().entries[0];
    assert_eq!((entry.id, entry.import), ([7; MATERIAL_ID_LEN], None));
    assert_eq!(entry.state, MaterialState::Current);
}

#[test]
fn rotated_at_dates_rotations_and_defaults_to_the_seeding_time() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![
        material(1, SeedImportDetails::default()),
        material(
            2,
            SeedImportDetails {
                rotated_at: Some(at(5)),
                ..SeedImportDetails::default()
            },
        ),
        material(3, SeedImportDetails::default()),
    ];
    let kms = LocalKms::new();
    kms.seed_key(caller(9), &seed).unwrap();
    let key = seeded_key(&kms, &seed);
    let dates: Vec<_> = key.rotation.history.iter().map(|r| r.date).collect();
    assert_eq!(dates, [at(5), at(9)]);
    assert!(
        key.rotation
            .history
            .iter()
            .all(|r| r.kind == RotationType::OnDemand)
    );
    // Re-applied later, the undated rotation is not compared.
    assert_eq!(kms.seed_key(caller(20), &seed), Ok(Applied::Unchanged));

    seed.materials[0].details.rotated_at = Some(at(1));
    assert!(seeded_record(&seed).unwrap_err().contains("rotated_at"));
}

#[test]
fn import_details_are_refused_for_keys_of_origin_aws_kms() {
    let mut seed = seed_of(Vec::new(), true);
    seed.external = false;
    seed.materials = vec![material(
        1,
        SeedImportDetails {
            description: Some("d".to_owned()),
            ..SeedImportDetails::default()
        },
    )];
    assert!(seed.check().unwrap_err().contains("origin EXTERNAL"));
    seed.materials[0].details = SeedImportDetails::default();
    seed.materials[0].secret = None;
    assert!(seed.check().unwrap_err().contains("needs its material"));
}

#[test]
fn material_past_its_valid_to_is_seeded_expired_and_reapplies_unchanged() {
    let mut seed = seed_of(Vec::new(), true);
    let expiring = |bytes, state| {
        material(
            bytes,
            SeedImportDetails {
                state: Some(state),
                valid_to: Some(at(5)),
                ..SeedImportDetails::default()
            },
        )
    };
    seed.materials = vec![
        expiring(1, MaterialState::Current),
        expiring(2, MaterialState::PendingRotation),
    ];
    let kms = LocalKms::new();
    assert_eq!(kms.seed_key(caller(4), &seed), Ok(Applied::Created));
    assert_eq!(seeded_key_at(&kms, &seed, 4).state, KeyState::Enabled);
    // After its ValidTo the key has expired its material; the same seed finds it so.
    assert_eq!(kms.seed_key(caller(6), &seed), Ok(Applied::Unchanged));
    let key = seeded_key_at(&kms, &seed, 6);
    assert_eq!(key.state, KeyState::PendingImport);
    assert_eq!(key.origin.external().map(|r| r.entries.len()), Some(1));

    // Seeded after it, the key starts expired.
    let later = LocalKms::new();
    later.seed_key(caller(6), &seed).unwrap();
    let key = seeded_key_at(&later, &seed, 6);
    assert_eq!(key.state, KeyState::PendingImport);
    assert!(key.materials.is_empty());
}

#[test]
fn only_a_multi_region_key_waits_for_its_replicas_or_lacks_pending_material() {
    let mut seed = seed_of(Vec::new(), true);
    seed.materials = vec![
        material(1, SeedImportDetails::default()),
        material(
            2,
            SeedImportDetails {
                state: Some(MaterialState::PendingMultiRegionImportAndRotation),
                ..SeedImportDetails::default()
            },
        ),
    ];
    let error = seeded_record(&seed).unwrap_err();
    assert!(error.contains("only a multi-Region key"), "{error}");
    seed.primary_region = Some("us-east-1".to_owned());
    seeded_record(&seed).unwrap();
    // A replica lacking the primary's new material.
    seed.materials[1].secret = None;
    seed.materials[1].id = Some([9; MATERIAL_ID_LEN]);
    let record = seeded_record(&seed).unwrap().record;
    assert_eq!(record.entries[1].import, None);
    seed.primary_region = None;
    seed.materials[1].details.state = Some(MaterialState::PendingRotation);
    let error = seeded_record(&seed).unwrap_err();
    assert!(error.contains("must be imported"), "{error}");
}
