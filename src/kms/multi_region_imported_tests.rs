//! Unit tests of `multi_region_imported.rs`: relinking a set of imported material shares the
//! expected materials and their states, never the material itself.

use time::{Duration, OffsetDateTime};

use super::*;
use crate::kms::KmsCaller;
use crate::kms::envelope::MATERIAL_ID_LEN;
use crate::kms::imported::Expiry;
use crate::kms::keys::KeyManager;
use crate::kms::multi_region::{MultiRegion, relink};
use crate::storage::Tracked;

const ID: &str = "mrk-0123456789abcdef0123456789abcdef";
const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn at(days: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(days)
}

/// A symmetric `EXTERNAL` key of the set in `region`, created on `day`, whose only material
/// (the generated one) is imported and current.
fn external(region: &str, day: i64) -> Key {
    let caller = KmsCaller {
        account: "111122223333",
        region,
        now: at(day),
    };
    let mut key = Key::new(caller, KeyManager::Customer, String::new(), None);
    key.id = ID.to_owned();
    key.arn = caller.key_arn(ID);
    key.multi_region = Some(MultiRegion::primary(EAST));
    let id = key.materials[0].id;
    key.origin = Origin::External(ExternalMaterials {
        entries: vec![entry(id, MaterialState::Current, true)],
    });
    key
}

fn entry(id: [u8; MATERIAL_ID_LEN], state: MaterialState, imported: bool) -> ImportedMaterial {
    ImportedMaterial {
        id,
        state,
        description: None,
        import: imported.then_some(Expiry::Never),
    }
}

fn run(rings: &mut [(String, Tracked<Key>)]) {
    let mut parts: Vec<RegionKeys<'_>> = rings
        .iter_mut()
        .map(|(region, keys)| RegionKeys { region, keys })
        .collect();
    relink(&mut parts, ID, at(9));
}

fn key_in<'r>(rings: &'r mut [(String, Tracked<Key>)], region: &str) -> &'r mut Key {
    rings
        .iter_mut()
        .find(|(r, _)| r == region)
        .and_then(|(_, keys)| keys.get_mut(ID))
        .unwrap()
}

fn states(key: &Key) -> Vec<(MaterialState, bool)> {
    let record = key.origin.external().unwrap();
    record
        .entries
        .iter()
        .map(|entry| (entry.state, entry.import.is_some()))
        .collect()
}

#[test]
fn a_replica_gets_the_expected_materials_but_never_the_material() {
    let primary = external(EAST, 1);
    let mut replica = primary.clone();
    replica.arn = replica.arn.replace(EAST, WEST);
    replica.creation_date = at(2);
    replica.strip_imported_for_replica();
    assert_eq!(replica.state, KeyState::PendingImport);
    assert!(replica.materials.is_empty());
    let first = primary.materials[0].id;
    let mut rings: Vec<(String, Tracked<Key>)> = [(EAST, primary), (WEST, replica)]
        .into_iter()
        .map(|(region, key)| {
            let mut ring = Tracked::default();
            ring.insert(ID.to_owned(), key);
            ring.settle();
            (region.to_owned(), ring)
        })
        .collect();
    run(&mut rings);
    let replica = key_in(&mut rings, WEST);
    assert_eq!(states(replica), vec![(MaterialState::Current, false)]);
    assert!(replica.materials.is_empty());
    assert_eq!(replica.current_material_id(), Some(first));

    // New material in the primary waits for the replica.
    let newer = [7; MATERIAL_ID_LEN];
    if let Origin::External(record) = &mut key_in(&mut rings, EAST).origin {
        record
            .entries
            .push(entry(newer, MaterialState::PendingRotation, true));
    }
    run(&mut rings);
    let waiting = MaterialState::PendingMultiRegionImportAndRotation;
    assert_eq!(
        states(key_in(&mut rings, EAST)),
        vec![(MaterialState::Current, true), (waiting, true)]
    );
    assert_eq!(
        states(key_in(&mut rings, WEST)),
        vec![(MaterialState::Current, false), (waiting, false)]
    );
    if let Origin::External(record) = &mut key_in(&mut rings, WEST).origin {
        record.entries[1].import = Some(Expiry::Never);
    }
    run(&mut rings);
    assert_eq!(
        states(key_in(&mut rings, EAST))[1],
        (MaterialState::PendingRotation, true)
    );
    assert_eq!(
        states(key_in(&mut rings, WEST))[1],
        (MaterialState::PendingRotation, true)
    );

    // A primary without it (a replica made primary) waits for it too.
    if let Origin::External(record) = &mut key_in(&mut rings, EAST).origin {
        record.entries[1].import = None;
    }
    run(&mut rings);
    assert_eq!(states(key_in(&mut rings, WEST))[1], (waiting, true));

    // The primary drops it: so does the replica.
    if let Origin::External(record) = &mut key_in(&mut rings, EAST).origin {
        record.entries.pop();
    }
    run(&mut rings);
    assert_eq!(
        states(key_in(&mut rings, WEST)),
        vec![(MaterialState::Current, false)]
    );
}
