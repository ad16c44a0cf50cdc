//! [`LocalKms`] over sets of related multi-Region keys (see `multi_region.rs`): one write
//! section over every key ring of the account, ending with a relink of the sets it touched,
//! so a replica is created, a primary changes, rotated material reaches every replica, and a
//! deleted key leaves its set, all at once and stored as one batch.
//!
//! Sets are relinked also after a sweep deleted one of their keys (from `LocalKms::ring` and
//! `LocalKms::delete_expired`) and at start-up (`LocalKms::load`), which also repairs a set a
//! crash left half-relinked between a sweep and its relink.

use std::collections::BTreeMap;
use std::sync::Arc;

use time::OffsetDateTime;

use super::keys::Key;
use super::multi_region::{RegionKeys, relink};
use super::ring::KeyRing;
use super::ring::many::{RingParts, write_many};
use super::{KmsCaller, KmsError, LocalKms};
use crate::storage::PartitionKey;

/// The key rings of one account inside a section of [`LocalKms::write_related`].
pub struct Related<'p, 'a> {
    parts: &'p mut [RingParts<'a>],
    /// Sets to relink when the section ends, with the time a deleted replica went.
    relink: BTreeMap<String, OffsetDateTime>,
}

impl Related<'_, '_> {
    fn part(&self, region: &str) -> Option<&RingParts<'_>> {
        self.parts.iter().find(|p| p.partition.region == region)
    }

    /// The key `id` in `region`, if there is one.
    pub fn key(&self, region: &str, id: &str) -> Option<&Key> {
        self.part(region).and_then(|p| p.keys.get(id))
    }

    /// The key `id` in `region`, to change.
    pub fn key_mut(&mut self, region: &str, id: &str) -> Option<&mut Key> {
        self.parts
            .iter_mut()
            .find(|p| p.partition.region == region)
            .and_then(|p| p.keys.get_mut(id))
    }

    /// Adds `key` to the ring of `region` (which the section must hold).
    pub fn insert(&mut self, region: &str, key: Key) -> Result<(), KmsError> {
        let part = self
            .parts
            .iter_mut()
            .find(|p| p.partition.region == region)
            .ok_or(KmsError::Internal)?;
        part.keys.insert(key.id.clone(), key);
        Ok(())
    }

    /// Marks the set `id` for relinking when the section ends.
    pub fn touch(&mut self, id: &str, now: OffsetDateTime) {
        self.relink.entry(id.to_owned()).or_insert(now);
    }

    /// Relinks the touched sets now (the section's end does it again, which then changes
    /// nothing), so the section can answer with the relinked keys.
    pub fn relink_now(&mut self) {
        self.relink_all();
    }

    /// Every key of the account with id `id`, with its Region, to change.
    pub fn keys_mut<'s>(&'s mut self, id: &'s str) -> impl Iterator<Item = &'s mut Key> + 's {
        self.parts
            .iter_mut()
            .filter_map(move |p| p.keys.get_mut(id))
    }

    fn relink_all(&mut self) {
        let mut regions: Vec<RegionKeys<'_>> = self
            .parts
            .iter_mut()
            .map(|p| RegionKeys {
                region: &p.partition.region,
                keys: &mut *p.keys,
            })
            .collect();
        for (id, at) in &self.relink {
            relink(&mut regions, id, *at);
        }
    }
}

impl LocalKms {
    /// Runs `section` over the key rings of every Region of the caller's account (plus the
    /// ring of `extra_region`, created if need be), after deleting their keys past their
    /// deletion window; then relinks every set `section` touched (and those sweeps left),
    /// and stores all that changed as one batch.
    pub(crate) fn write_related<T>(
        &self,
        caller: KmsCaller<'_>,
        extra_region: Option<&str>,
        section: impl FnOnce(&mut Related<'_, '_>) -> Result<T, KmsError>,
    ) -> Result<T, KmsError> {
        if let Some(region) = extra_region {
            self.rings.get_or_create(caller.account, region);
        }
        let rings: Vec<(PartitionKey, Arc<KeyRing>)> = self
            .rings
            .entries()
            .into_iter()
            .filter(|(partition, _)| partition.account == caller.account)
            .collect();
        let mut swept = BTreeMap::new();
        for (partition, ring) in &rings {
            ring.delete_due(&self.journal, partition, caller.now);
            swept.extend(ring.take_deleted_multi_region());
        }
        write_many(&self.journal, &rings, |parts| {
            let mut related = Related {
                parts,
                relink: swept,
            };
            let value = section(&mut related)?;
            related.relink_all();
            Ok(value)
        })
    }

    /// Relinks the sets of the multi-Region keys the sweep of `ring` deleted, if any (cheap
    /// otherwise). A failure is logged and retried at start-up.
    pub(crate) fn relink_swept(&self, caller: KmsCaller<'_>, ring: &KeyRing) {
        let deleted = ring.take_deleted_multi_region();
        if deleted.is_empty() {
            return;
        }
        let relinked = self.write_related(caller, None, |related| {
            for (id, at) in &deleted {
                related.touch(id, *at);
            }
            Ok(())
        });
        if relinked.is_err() {
            tracing::error!("relinking multi-Region keys after a deletion failed");
        }
    }

    /// Relinks every set of multi-Region keys (start-up: repairs a set a crash left between a
    /// sweep and its relink; changes nothing in a consistent one).
    pub(crate) fn relink_all_sets(&self, now: OffsetDateTime) {
        let mut sets: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (partition, ring) in self.rings.entries() {
            for key in ring.keys().values().filter(|k| k.multi_region.is_some()) {
                sets.entry(partition.account.clone())
                    .or_default()
                    .push(key.id.clone());
            }
        }
        for (account, ids) in sets {
            let caller = KmsCaller {
                account: &account,
                region: "",
                now,
            };
            let relinked = self.write_related(caller, None, |related| {
                for id in &ids {
                    related.touch(id, now);
                }
                Ok(())
            });
            if relinked.is_err() {
                tracing::error!("relinking multi-Region keys at start-up failed");
            }
        }
    }
}

impl LocalKms {
    /// Runs the automatic rotations due at `now` of the multi-Region primary keys in `ring`
    /// (of `partition`), each with its set so every replica gets the new material in the
    /// same batch; false when one could not be stored (retried at the next tick).
    pub(crate) fn rotate_due_sets(
        &self,
        partition: &PartitionKey,
        ring: &KeyRing,
        now: OffsetDateTime,
    ) -> bool {
        let due: Vec<String> = ring
            .keys()
            .values()
            .filter(|key| {
                key.is_multi_region_primary(&partition.region) && key.rotation_would_change(now)
            })
            .map(|key| key.id.clone())
            .collect();
        let caller = KmsCaller {
            account: &partition.account,
            region: &partition.region,
            now,
        };
        let mut stored = true;
        for id in due {
            let rotated = self.write_related(caller, None, |related| {
                if let Some(key) = related
                    .key_mut(&partition.region, &id)
                    .filter(|key| key.is_multi_region_primary(&partition.region))
                {
                    key.run_due_rotation(now);
                }
                related.touch(&id, now);
                Ok(())
            });
            stored &= rotated.is_ok();
        }
        stored
    }
}
