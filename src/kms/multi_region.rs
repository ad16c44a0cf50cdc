//! Multi-Region keys: what one key of a set of related keys knows about the set, and the
//! `MultiRegionConfiguration` DescribeKey shows for it.
//!
//! Related keys live in different Regions of one account, each in its own Region's key ring,
//! under the same key id (`mrk-` + 32 hex digits) and with the same material (every
//! generation), key spec, usage and rotation settings; everything else (description, policy,
//! tags, aliases, grants, state) is each key's own. One key of the set is the primary: only
//! it can be replicated, rotated or deleted while replicas remain.
//!
//! Invariants: every key of a set carries the same `primary_region` and `replica_regions`
//! (the Regions of the other keys, oldest replica first); [`relink`] recomputes them from
//! the keys that exist, and copies the primary's material and rotation to the replicas, so
//! every change to a set ends with it (`related.rs`); a set of imported material (origin
//! `EXTERNAL`) shares no material, only what it expects (`multi_region_imported.rs`). A key with a `MultiRegion` has an
//! `mrk-` id.

use time::OffsetDateTime;

use super::arn::key_arn;
use super::keys::{Key, KeyState};
use super::model::{MultiRegionConfiguration, MultiRegionKey};
use crate::storage::Tracked;

/// The prefix of every multi-Region key id.
pub const ID_PREFIX: &str = "mrk-";

/// A key's place in its set of related multi-Region keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiRegion {
    /// The Region of the primary key.
    pub primary_region: String,
    /// The Regions of the replica keys, oldest first.
    pub replica_regions: Vec<String>,
    /// The deletion window (days) of a primary waiting in `PendingReplicaDeletion` for its
    /// replicas to be deleted; `None` otherwise.
    pub replica_deletion_window: Option<i64>,
}

impl MultiRegion {
    /// The place of a new primary key in `region`, with no replicas yet.
    pub fn primary(region: &str) -> MultiRegion {
        MultiRegion {
            primary_region: region.to_owned(),
            replica_regions: Vec::new(),
            replica_deletion_window: None,
        }
    }

    /// `MultiRegionConfiguration` of the key in `region` (the caller's) of `account`.
    pub fn configuration(&self, account: &str, id: &str, region: &str) -> MultiRegionConfiguration {
        let entry = |region: &str| MultiRegionKey {
            arn: key_arn(region, account, id),
            region: region.to_owned(),
        };
        MultiRegionConfiguration {
            multi_region_key_type: match self.primary_region == region {
                true => "PRIMARY",
                false => "REPLICA",
            },
            primary_key: entry(&self.primary_region),
            replica_keys: self.replica_regions.iter().map(|r| entry(r)).collect(),
        }
    }
}

/// A fresh multi-Region key id: `mrk-` and 32 lowercase hex digits.
pub fn new_id() -> String {
    format!("{ID_PREFIX}{}", uuid::Uuid::new_v4().simple())
}

/// Whether `id` has the form of a multi-Region key id (`mrk-` and 32 lowercase hex digits).
pub fn is_id(id: &str) -> bool {
    id.strip_prefix(ID_PREFIX).is_some_and(|hex| {
        hex.len() == 32
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

impl Key {
    /// Whether this key is the primary of a set of multi-Region keys (`region` is its own).
    pub fn is_multi_region_primary(&self, region: &str) -> bool {
        self.multi_region
            .as_ref()
            .is_some_and(|mr| mr.primary_region == region)
    }

    /// Whether this key is a multi-Region primary with replicas (`region` is its own).
    pub fn has_multi_region_replicas(&self, region: &str) -> bool {
        self.is_multi_region_primary(region)
            && self
                .multi_region
                .as_ref()
                .is_some_and(|mr| !mr.replica_regions.is_empty())
    }

    /// Schedules the deletion of a multi-Region primary with replicas: `PendingReplicaDeletion`
    /// until the last replica is deleted, then `PendingDeletion` for `days` (see [`relink`]).
    pub fn await_replica_deletion(&mut self, days: i64) {
        self.state = KeyState::PendingReplicaDeletion;
        self.deletion_date = None;
        if let Some(mr) = self.multi_region.as_mut() {
            mr.replica_deletion_window = Some(days);
        }
    }

    /// Whether this key is a multi-Region replica (`region` is its own).
    pub fn is_multi_region_replica(&self, region: &str) -> bool {
        self.multi_region
            .as_ref()
            .is_some_and(|mr| mr.primary_region != region)
    }
}

/// The keys of one Region of the account, write-locked, as [`relink`] sees them.
pub struct RegionKeys<'a> {
    /// The Region.
    pub region: &'a str,
    /// Its keys.
    pub keys: &'a mut Tracked<Key>,
}

/// Makes the set of keys with id `id` across `regions` consistent: the primary is the key
/// that says it is (the oldest such key, should a seed declare two; nothing changes while
/// a seeded set has none yet), the replicas are the others, oldest first; every key gets that view, and every replica the primary's
/// material and rotation settings. A primary left `PendingReplicaDeletion` without replicas
/// becomes `PendingDeletion` for its window, counted from `replicas_gone` (when the last
/// replica was deleted). Keys that already agree are not touched (so nothing is stored).
pub fn relink(regions: &mut [RegionKeys<'_>], id: &str, replicas_gone: OffsetDateTime) {
    // (creation date, region) of every key of the set, oldest first, and the Regions whose
    // key says it is the primary.
    let mut holders: Vec<(OffsetDateTime, String)> = Vec::new();
    let mut claimants: Vec<(OffsetDateTime, String)> = Vec::new();
    for part in regions.iter() {
        if let Some(key) = part.keys.get(id).filter(|key| key.multi_region.is_some()) {
            holders.push((key.creation_date, part.region.to_owned()));
            if key.is_multi_region_primary(part.region) {
                claimants.push((key.creation_date, part.region.to_owned()));
            }
        }
    }
    holders.sort();
    claimants.sort();
    // Only a seed can leave a set without its primary (or with two): wait for it then, or
    // keep the oldest claimant.
    let Some((_, primary_region)) = claimants.into_iter().next() else {
        return;
    };
    super::multi_region_imported::settle_waiting_material(regions, id, &primary_region);
    let replica_regions: Vec<String> = holders
        .iter()
        .map(|(_, region)| region.clone())
        .filter(|region| *region != primary_region)
        .collect();
    let Some(primary) = regions
        .iter()
        .find(|part| part.region == primary_region)
        .and_then(|part| part.keys.get(id))
        .cloned()
    else {
        return;
    };
    for part in regions.iter_mut() {
        let Some(key) = part.keys.get(id) else {
            continue;
        };
        let is_primary = part.region == primary_region;
        let window = key
            .multi_region
            .as_ref()
            .and_then(|mr| mr.replica_deletion_window);
        let wanted = MultiRegion {
            primary_region: primary_region.clone(),
            replica_regions: replica_regions.clone(),
            replica_deletion_window: window.filter(|_| is_primary),
        };
        let config_differs = key.multi_region.as_ref() != Some(&wanted);
        let material_differs = !is_primary
            && match primary.origin.external() {
                Some(_) => !key.follows_imported(&primary),
                None => !same_material(key, &primary),
            };
        let release = is_primary
            && replica_regions.is_empty()
            && key.state == KeyState::PendingReplicaDeletion;
        if !(config_differs || material_differs || release) {
            continue;
        }
        let Some(key) = part.keys.get_mut(id) else {
            continue;
        };
        key.multi_region = Some(wanted);
        if material_differs && primary.origin.external().is_some() {
            key.follow_imported(&primary);
        } else if material_differs {
            key.materials = primary.materials.clone();
            key.rotation = primary.rotation.clone();
        }
        if release {
            let days = window.unwrap_or(30);
            key.schedule_deletion(replicas_gone, days);
            if let Some(mr) = key.multi_region.as_mut() {
                mr.replica_deletion_window = None;
            }
        }
    }
}

/// Whether `replica` already has `primary`'s material generations and rotation settings.
fn same_material(replica: &Key, primary: &Key) -> bool {
    replica.materials.len() == primary.materials.len()
        && replica
            .materials
            .iter()
            .zip(&primary.materials)
            .all(|(a, b)| a.id == b.id)
        && replica.rotation.period_days == primary.rotation.period_days
        && replica.rotation.next == primary.rotation.next
        && replica.rotation.history == primary.rotation.history
}

#[cfg(test)]
#[path = "multi_region_tests.rs"]
mod tests;
