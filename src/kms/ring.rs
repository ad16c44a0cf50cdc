//! [`KeyRing`]: the keys and aliases of one (account, region) partition, behind their locks.
//!
//! Invariants kept by this type (its locks are private, so no caller can skip them):
//! - keys and aliases change only inside [`KeyRing::write`], which stores what a section
//!   changed before releasing the locks, and undoes a section that fails or that the store
//!   refuses;
//! - wherever both locks are held, `aliases` is taken before `keys` (readers included: a
//!   reader waiting for `aliases` while holding `keys` would deadlock with a writer);
//! - the deletion hint is never later than the earliest deletion date of any key or expiry
//!   of imported key material (`Key::next_due`): every key a write section changes lowers it
//!   to its own, and only [`KeyRing::delete_due`] recomputes it, under the write locks;
//! - reads never write: the read guards hand out shared references only.

use parking_lot::{Mutex, RwLock, RwLockReadGuard};
use time::OffsetDateTime;

use super::deletion::{self, DeletionHint};
use super::error::KmsError;
use super::keys::{Alias, Key};
use super::sealed_journal::SealedJournal;
use super::stored::RingSection;
use crate::storage::{PartitionKey, Tracked, commit_section};

/// Keys and aliases of one partition.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// Aliases by name (`alias/...`), sorted so listings page stably.
    aliases: RwLock<Tracked<Alias>>,
    /// Keys by key id.
    keys: RwLock<Tracked<Key>>,
    /// Lower bound of the earliest deletion date of a key pending deletion, or expiry of
    /// imported material.
    deletion_hint: DeletionHint,
    /// Multi-Region keys deleted by a sweep, or whose imported material a sweep expired,
    /// whose related keys are still to be relinked (id, deletion or expiry date); drained by [`KeyRing::take_deleted_multi_region`].
    deleted_multi_region: Mutex<Vec<(String, OffsetDateTime)>>,
}

impl KeyRing {
    /// The keys, for reading. Do not take [`KeyRing::aliases`] while holding this guard (use
    /// [`KeyRing::read`] for both).
    pub fn keys(&self) -> RwLockReadGuard<'_, Tracked<Key>> {
        self.keys.read()
    }

    /// The aliases, for reading.
    pub fn aliases(&self) -> RwLockReadGuard<'_, Tracked<Alias>> {
        self.aliases.read()
    }

    /// Aliases and keys together, for reading (locks taken in order).
    pub fn read(
        &self,
    ) -> (
        RwLockReadGuard<'_, Tracked<Alias>>,
        RwLockReadGuard<'_, Tracked<Key>>,
    ) {
        let aliases = self.aliases.read();
        (aliases, self.keys.read())
    }

    /// Puts back a key read from the store (start-up): kept as already stored.
    pub fn restore_key(&self, key: Key) {
        if let Some(date) = key.next_due() {
            self.deletion_hint.note(date);
        }
        let mut keys = self.keys.write();
        keys.insert(key.id.clone(), key);
        keys.settle();
    }

    /// Puts back an alias read from the store (start-up): kept as already stored.
    pub fn restore_alias(&self, name: String, alias: Alias) {
        let mut aliases = self.aliases.write();
        aliases.insert(name, alias);
        aliases.settle();
    }

    /// Runs `section` on the aliases and keys under both exclusive locks (aliases first),
    /// then commits what it changed to `journal` as one batch (records of `partition`)
    /// before releasing them; a failed section, or one the store refuses, is undone.
    pub fn write<T>(
        &self,
        journal: &SealedJournal,
        partition: &PartitionKey,
        section: impl FnOnce(&mut Tracked<Alias>, &mut Tracked<Key>) -> Result<T, KmsError>,
    ) -> Result<T, KmsError> {
        let mut aliases = self.aliases.write();
        let mut keys = self.keys.write();
        let outcome = section(&mut aliases, &mut keys);
        if outcome.is_ok() {
            // A lower hint than needed only costs a scan, so this may run before the commit.
            for (_, key) in keys.changes() {
                if let Some(date) = key.and_then(Key::next_due) {
                    self.deletion_hint.note(date);
                }
            }
        }
        let mut changes = RingSection {
            aliases: &mut aliases,
            keys: &mut keys,
            partition,
            root_key: journal.root_key(),
        };
        commit_section(journal.journal(), &mut changes, outcome, || {
            KmsError::Internal
        })
    }

    /// Deletes the imported key material whose `ValidTo` is not after `now` (see
    /// `key_import.rs`), then every key whose deletion date is not after `now`, and the
    /// aliases pointing at them (see `deletion.rs`); returns how many keys were deleted. Cheap (one atomic load)
    /// when nothing is due. The deletions are stored through `journal`; when the store
    /// refuses, nothing is deleted (the next sweep retries).
    pub fn delete_due(
        &self,
        journal: &SealedJournal,
        partition: &PartitionKey,
        now: OffsetDateTime,
    ) -> usize {
        if !self.deletion_hint.may_be_due(now) {
            return 0;
        }
        self.write(journal, partition, |aliases, keys| {
            let expiring: Vec<String> = keys
                .values()
                .filter(|key| key.next_material_expiry().is_some_and(|date| date <= now))
                .map(|key| key.id.clone())
                .collect();
            // Multi-Region keys whose material expired: their sets are relinked (pending
            // material a primary drops leaves its replicas; see `multi_region_imported.rs`).
            let mut expired_sets = Vec::new();
            for id in expiring {
                if let Some(key) = keys.get_mut(&id) {
                    if key.expire_materials(now) && key.multi_region.is_some() {
                        expired_sets.push((id, now));
                    }
                }
            }
            let swept = deletion::sweep(aliases, keys, now);
            let next_expiry = keys.values().filter_map(Key::next_material_expiry).min();
            self.deletion_hint.reset_to(
                [swept.earliest_remaining, next_expiry]
                    .into_iter()
                    .flatten()
                    .min(),
            );
            Ok((swept, expired_sets))
        })
        .map(|(swept, expired_sets)| {
            let mut relink = self.deleted_multi_region.lock();
            relink.extend(expired_sets);
            relink.extend(swept.multi_region);
            drop(relink);
            swept.deleted
        })
        .unwrap_or_else(|_| {
            // Undone: keep the hint due so the next sweep retries.
            self.deletion_hint.note(now);
            0
        })
    }
}

impl KeyRing {
    /// The multi-Region keys sweeps deleted since the last call (id, deletion date).
    pub fn take_deleted_multi_region(&self) -> Vec<(String, OffsetDateTime)> {
        std::mem::take(&mut *self.deleted_multi_region.lock())
    }
}

#[path = "ring_many.rs"]
pub mod many;

#[cfg(test)]
mod tests {
    use time::Duration;

    use super::*;
    use crate::kms::KmsCaller;
    use crate::kms::keys::{KeyManager, KeyState};

    fn partition() -> PartitionKey {
        PartitionKey::new("000000000000", "us-east-1")
    }

    fn key(now: OffsetDateTime) -> Key {
        let caller = KmsCaller {
            account: "000000000000",
            region: "us-east-1",
            now,
        };
        Key::new(caller, KeyManager::Customer, String::new(), None)
    }

    /// Stores `key` (and an alias `alias/<id>` of it) in `ring`.
    fn add(ring: &KeyRing, key: Key, now: OffsetDateTime) {
        ring.write(
            &SealedJournal::in_memory(),
            &partition(),
            |aliases, keys| {
                aliases.insert(format!("alias/{}", key.id), Alias::new(key.id.clone(), now));
                keys.insert(key.id.clone(), key);
                Ok(())
            },
        )
        .unwrap();
    }

    #[test]
    fn only_keys_past_their_window_go_and_their_aliases_with_them() {
        let ring = KeyRing::default();
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        let mut ids = Vec::new();
        for days in [Some(7), Some(30), None] {
            let mut k = key(start);
            if let Some(days) = days {
                k.schedule_deletion(start, days);
            }
            ids.push(k.id.clone());
            add(&ring, k, start);
        }
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(6)
            ),
            0
        );
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(7)
            ),
            1
        );
        assert!(!ring.keys().contains_key(&ids[0]));
        assert!(!ring.aliases().contains_key(&format!("alias/{}", ids[0])));
        assert_eq!(ring.aliases().len(), 2);
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(31)
            ),
            1
        );
        assert_eq!(ring.keys().len(), 1);
        assert!(ring.keys().contains_key(&ids[2]));
        assert!(
            !ring
                .deletion_hint
                .may_be_due(start + Duration::days(10_000))
        );
    }

    #[test]
    fn a_cancelled_deletion_keeps_the_key_disabled() {
        let ring = KeyRing::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let mut k = key(start);
        ring.deletion_hint.note(k.schedule_deletion(start, 7));
        k.cancel_deletion();
        assert_eq!(k.state, KeyState::Disabled);
        let id = k.id.clone();
        add(&ring, k, start);
        assert_eq!(
            ring.delete_due(
                &SealedJournal::in_memory(),
                &partition(),
                start + Duration::days(8)
            ),
            0
        );
        assert!(ring.keys().contains_key(&id));
    }

    #[test]
    fn writes_lower_the_deletion_hint_and_restores_keep_it() {
        let start = OffsetDateTime::UNIX_EPOCH;
        let written = KeyRing::default();
        let mut k = key(start);
        k.schedule_deletion(start, 7);
        add(&written, k.clone(), start);
        assert!(written.deletion_hint.may_be_due(start + Duration::days(7)));
        let restored = KeyRing::default();
        restored.restore_key(k);
        assert!(restored.deletion_hint.may_be_due(start + Duration::days(7)));
        assert!(!restored.deletion_hint.may_be_due(start + Duration::days(6)));
    }
}
