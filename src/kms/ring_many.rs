//! Write sections over several key rings at once, for the changes that span Regions
//! (multi-Region keys: replicating, changing the primary, sharing rotated material).
//!
//! Invariants, added to [`KeyRing`]'s own: a section over several rings takes their locks in
//! partition order (and in each ring aliases before keys), so two such sections cannot
//! deadlock, and a section over one ring (which never waits for a second ring while holding
//! its own) cannot deadlock with them; what the section changed in every ring is stored as
//! ONE batch before any lock is released, and a failed or refused section is undone in every
//! ring.

use std::sync::Arc;

use parking_lot::RwLockWriteGuard;

use super::KeyRing;
use crate::kms::error::KmsError;
use crate::kms::keys::{Alias, Key};
use crate::kms::sealed_journal::SealedJournal;
use crate::kms::stored::RingSection;
use crate::storage::{Mutation, PartitionKey, Section, StoreError, Tracked, commit_section};

/// One ring of a section over several, write-locked.
pub struct RingParts<'a> {
    /// Which partition it is.
    pub partition: &'a PartitionKey,
    /// Its keys (its aliases are locked too, and stored with them, but no section here
    /// changes them).
    pub keys: &'a mut Tracked<Key>,
}

/// The locks of one ring held by a section.
struct Locked<'r> {
    partition: &'r PartitionKey,
    ring: &'r KeyRing,
    aliases: RwLockWriteGuard<'r, Tracked<Alias>>,
    keys: RwLockWriteGuard<'r, Tracked<Key>>,
}

/// Several ring sections committed as one.
struct Sections<'a>(Vec<RingSection<'a>>);

impl Section for Sections<'_> {
    fn is_changed(&self) -> bool {
        self.0.iter().any(Section::is_changed)
    }

    fn batch(&self) -> Result<Vec<Mutation>, StoreError> {
        let mut batch = Vec::new();
        for section in self.0.iter().filter(|section| section.is_changed()) {
            batch.extend(section.batch()?);
        }
        Ok(batch)
    }

    fn settle(&mut self) {
        self.0.iter_mut().for_each(Section::settle);
    }

    fn rollback(&mut self) {
        self.0.iter_mut().for_each(Section::rollback);
    }
}

/// Runs `section` on the aliases and keys of every ring of `rings` under their write locks
/// (taken in partition order), then commits what it changed in all of them to `journal` as
/// one batch before releasing them; a failed section, or one the store refuses, is undone in
/// every ring. `rings` must not name a partition twice.
pub fn write_many<T>(
    journal: &SealedJournal,
    rings: &[(PartitionKey, Arc<KeyRing>)],
    section: impl FnOnce(&mut [RingParts<'_>]) -> Result<T, KmsError>,
) -> Result<T, KmsError> {
    let mut order: Vec<&(PartitionKey, Arc<KeyRing>)> = rings.iter().collect();
    order.sort_by(|a, b| a.0.cmp(&b.0));
    order.dedup_by(|a, b| a.0 == b.0);
    let mut locked: Vec<Locked<'_>> = order
        .into_iter()
        .map(|(partition, ring)| {
            let aliases = ring.aliases.write();
            let keys = ring.keys.write();
            Locked {
                partition,
                ring,
                aliases,
                keys,
            }
        })
        .collect();
    let outcome = {
        let mut parts: Vec<RingParts<'_>> = locked
            .iter_mut()
            .map(|held| RingParts {
                partition: held.partition,
                keys: &mut held.keys,
            })
            .collect();
        section(&mut parts)
    };
    if outcome.is_ok() {
        for held in &locked {
            for (_, key) in held.keys.changes() {
                // The next deletion or material expiry, as a single ring's write notes it.
                if let Some(date) = key.and_then(Key::next_due) {
                    held.ring.deletion_hint.note(date);
                }
            }
        }
    }
    let mut sections = Sections(
        locked
            .iter_mut()
            .map(|held| RingSection {
                aliases: &mut held.aliases,
                keys: &mut held.keys,
                partition: held.partition,
                root_key: journal.root_key(),
            })
            .collect(),
    );
    commit_section(journal.journal(), &mut sections, outcome, || {
        KmsError::Internal
    })
}
