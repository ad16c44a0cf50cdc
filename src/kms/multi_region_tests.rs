//! Unit tests of `multi_region.rs`: ids, configurations and relinking a set.

use time::{Duration, OffsetDateTime};

use super::*;
use crate::kms::KmsCaller;
use crate::kms::keys::KeyManager;

const ACCOUNT: &str = "111122223333";

fn at(days: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(days)
}

/// A symmetric multi-Region key `id` in `region`, created on day `day`, that names
/// `primary` as its primary.
fn key(id: &str, region: &str, primary: &str, day: i64) -> Key {
    let caller = KmsCaller {
        account: ACCOUNT,
        region,
        now: at(day),
    };
    let mut key = Key::new(caller, KeyManager::Customer, String::new(), None);
    key.id = id.to_owned();
    key.arn = caller.key_arn(id);
    key.multi_region = Some(MultiRegion::primary(primary));
    key
}

/// Rings of `regions`, with `keys` placed in their Regions.
fn rings(regions: &[&str], keys: Vec<Key>) -> Vec<(String, Tracked<Key>)> {
    regions
        .iter()
        .map(|region| {
            let mut ring = Tracked::default();
            for key in keys.iter().filter(|k| k.region() == *region) {
                ring.insert(key.id.clone(), key.clone());
            }
            ring.settle();
            ((*region).to_owned(), ring)
        })
        .collect()
}

fn run(rings: &mut [(String, Tracked<Key>)], id: &str, gone: OffsetDateTime) {
    let mut parts: Vec<RegionKeys<'_>> = rings
        .iter_mut()
        .map(|(region, keys)| RegionKeys { region, keys })
        .collect();
    relink(&mut parts, id, gone);
}

fn get<'r>(rings: &'r [(String, Tracked<Key>)], region: &str, id: &str) -> &'r Key {
    rings
        .iter()
        .find(|(r, _)| r == region)
        .and_then(|(_, keys)| keys.get(id))
        .unwrap()
}

#[test]
fn ids_are_mrk_and_32_lowercase_hex_digits() {
    let id = new_id();
    assert!(is_id(&id), "{id}");
    assert_ne!(new_id(), id);
    for bad in [
        "mrk-1234",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234ABCD12ab34cd56ef1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890abc",
        "MRK-1234abcd12ab34cd56ef1234567890ab",
    ] {
        assert!(!is_id(bad), "{bad}");
    }
}

#[test]
fn the_configuration_names_the_primary_and_every_replica() {
    let mr = MultiRegion {
        primary_region: "us-east-1".into(),
        replica_regions: vec!["us-west-2".into(), "eu-west-1".into()],
        replica_deletion_window: None,
    };
    let id = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let json = serde_json::to_value(mr.configuration(ACCOUNT, id, "eu-west-1")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "MultiRegionKeyType": "REPLICA",
            "PrimaryKey": {
                "Arn": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{id}"),
                "Region": "us-east-1"
            },
            "ReplicaKeys": [
                {"Arn": format!("arn:aws:kms:us-west-2:{ACCOUNT}:key/{id}"), "Region": "us-west-2"},
                {"Arn": format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/{id}"), "Region": "eu-west-1"}
            ]
        })
    );
    let primary = mr.configuration(ACCOUNT, id, "us-east-1");
    assert_eq!(primary.multi_region_key_type, "PRIMARY");
}

#[test]
fn relinking_gives_every_key_the_set_and_the_replicas_the_primary_material() {
    let id = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let mut primary = key(id, "us-east-1", "us-east-1", 0);
    primary.rotate(crate::kms::rotation::RotationType::OnDemand, at(1));
    let replica = key(id, "us-west-2", "us-east-1", 2);
    let early = key(id, "eu-west-1", "us-east-1", 1);
    let mut rings = rings(
        &["eu-west-1", "us-east-1", "us-west-2"],
        vec![primary.clone(), replica, early],
    );
    run(&mut rings, id, at(3));
    for region in ["eu-west-1", "us-east-1", "us-west-2"] {
        let key = get(&rings, region, id);
        let mr = key.multi_region.as_ref().unwrap();
        assert_eq!(mr.primary_region, "us-east-1");
        // Oldest replica first.
        assert_eq!(mr.replica_regions, vec!["eu-west-1", "us-west-2"]);
        let ids: Vec<_> = key.materials.iter().map(|m| m.id).collect();
        let wanted: Vec<_> = primary.materials.iter().map(|m| m.id).collect();
        assert_eq!(ids, wanted, "{region}");
        assert_eq!(key.rotation.history.len(), 1);
    }
    // A consistent set is left untouched (nothing would be stored).
    for (_, ring) in &mut rings {
        ring.settle();
    }
    run(&mut rings, id, at(4));
    assert!(rings.iter().all(|(_, ring)| !ring.is_changed()));
}

#[test]
fn a_set_without_its_primary_waits_for_it() {
    let id = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let replica = key(id, "eu-west-1", "us-east-1", 0);
    let mut rings = rings(&["eu-west-1", "us-east-1"], vec![replica.clone()]);
    run(&mut rings, id, at(1));
    assert_eq!(
        get(&rings, "eu-west-1", id).multi_region,
        replica.multi_region
    );
    assert!(rings.iter().all(|(_, ring)| !ring.is_changed()));
}

#[test]
fn a_primary_awaiting_replica_deletion_counts_its_window_from_the_last_one() {
    let id = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let mut primary = key(id, "us-east-1", "us-east-1", 0);
    primary.multi_region.as_mut().unwrap().replica_regions = vec!["us-west-2".into()];
    primary.await_replica_deletion(9);
    assert_eq!(primary.state, KeyState::PendingReplicaDeletion);
    assert_eq!(primary.deletion_date, None);
    let mut rings = rings(&["us-east-1", "us-west-2"], vec![primary]);
    run(&mut rings, id, at(5));
    let primary = get(&rings, "us-east-1", id);
    assert_eq!(primary.state, KeyState::PendingDeletion);
    assert_eq!(primary.deletion_date, Some(at(14)));
    let mr = primary.multi_region.as_ref().unwrap();
    assert!(mr.replica_regions.is_empty());
    assert_eq!(mr.replica_deletion_window, None);
    let json = serde_json::to_value(primary.metadata()).unwrap();
    assert!(json.get("PendingDeletionWindowInDays").is_none());
}

#[test]
fn a_primary_awaiting_replica_deletion_shows_its_window() {
    let id = "mrk-1234abcd12ab34cd56ef1234567890ab";
    let mut primary = key(id, "us-east-1", "us-east-1", 0);
    primary.multi_region.as_mut().unwrap().replica_regions = vec!["us-west-2".into()];
    primary.await_replica_deletion(9);
    let json = serde_json::to_value(primary.metadata()).unwrap();
    assert_eq!(json["KeyState"], "PendingReplicaDeletion");
    assert_eq!(json["PendingDeletionWindowInDays"], 9);
    assert_eq!(json["MultiRegion"], true);
    assert!(json.get("DeletionDate").is_none());
    primary.cancel_deletion();
    let json = serde_json::to_value(primary.metadata()).unwrap();
    assert_eq!(json["KeyState"], "Disabled");
    assert!(json.get("PendingDeletionWindowInDays").is_none());
}
