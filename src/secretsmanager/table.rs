//! One partition's secrets: [`SecretTable`], the lock around them, and [`Secrets`], the map
//! with its creation-order index.
//!
//! Invariant: every change to a table's secrets goes through [`SecretTable::write`], which
//! commits what the section changed to the journal before the lock is released and lowers
//! the table's purge hint for every secret it left scheduled for deletion. The lock and the
//! hint are private, so a change that is not stored (or not seen by the purge) does not
//! compile; readers get a shared guard from [`SecretTable::read`], through which nothing can
//! change (no secret has interior mutability).

mod purge;

use std::collections::BTreeSet;
use std::ops::Bound;

use parking_lot::{RwLock, RwLockReadGuard};
use time::OffsetDateTime;

use super::error::SmError;
use super::secret::Secret;
use super::stored::SecretsSection;
use crate::clock::DueHint;
use crate::storage::{Journal, PartitionKey, Tracked, commit_section};

/// All secrets of one (account, region), behind one reader-writer lock.
#[derive(Debug, Default)]
pub struct SecretTable {
    /// The secrets and their indexes.
    secrets: RwLock<Secrets>,
    /// A lower bound of the earliest deletion date in this table (see [`purge`]).
    purge_hint: DueHint,
}

impl SecretTable {
    /// The secrets, under the shared lock for as long as the guard lives. Keep it short: no
    /// KMS work while holding it.
    pub fn read(&self) -> RwLockReadGuard<'_, Secrets> {
        self.secrets.read()
    }

    /// Runs `section` on the secrets under the exclusive lock, then commits what it changed
    /// to `journal` as one batch (records of `partition`) before releasing the lock; a failed
    /// section, or one the store refuses, is undone. Deletion dates the section leaves on
    /// the secrets it changed lower the purge hint.
    pub fn write<T>(
        &self,
        journal: &Journal,
        partition: &PartitionKey,
        section: impl FnOnce(&mut Secrets) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let mut secrets = self.secrets.write();
        let outcome = section(&mut secrets);
        if outcome.is_ok() {
            self.note_deletion_dates(&secrets);
        }
        let mut changes = SecretsSection {
            secrets: &mut secrets,
            partition,
        };
        commit_section(journal, &mut changes, outcome, || SmError::Internal)
    }

    /// Adds `secret` as read back from the store at start-up. It goes through the write
    /// section like every change, with a journal that keeps nothing, so it is not written
    /// back to the store it came from.
    pub fn restore(&self, partition: &PartitionKey, secret: Secret) {
        let restored = self.write(&Journal::in_memory(), partition, |secrets| {
            secrets.insert(secret);
            Ok(())
        });
        // A section that succeeds cannot be refused by a journal without a store.
        debug_assert!(restored.is_ok());
    }

    /// Lowers the purge hint to the deletion date of every secret the current section
    /// changed. A section undone afterwards leaves the hint lower than needed, which only
    /// costs one scan.
    fn note_deletion_dates(&self, secrets: &Secrets) {
        let dates = secrets
            .changes()
            .filter_map(|(_, secret)| secret?.deletion_date);
        for date in dates {
            self.purge_hint.note(date);
        }
    }
}

/// Secrets keyed by their exact (case-sensitive) name, in name order, plus an index in
/// creation order. Both orders support starting a walk at a position with a range query, so a
/// ListSecrets page costs O(log n + page) whatever the number of secrets.
///
/// Invariant: `by_created` holds exactly one `(created, name)` entry per secret in `by_name`.
/// Every insertion and removal goes through [`Secrets::insert`] / [`Secrets::remove`]; a
/// secret's name and creation time never change after insertion, so `get_mut` cannot break it.
#[derive(Debug, Default)]
pub struct Secrets {
    by_name: Tracked<Secret>,
    by_created: BTreeSet<CreationKey>,
}

/// A secret's position in creation order: `(created, name)` (names break ties).
pub type CreationKey = (OffsetDateTime, String);

impl Secrets {
    /// The secret named `name`.
    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.by_name.get(name)
    }

    /// The secret named `name`, with its stored key.
    pub fn get_key_value(&self, name: &str) -> Option<(&String, &Secret)> {
        self.by_name.get_key_value(name)
    }

    /// The secret named `name`, mutably (name and creation time must not be changed).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Secret> {
        self.by_name.get_mut(name)
    }

    /// True when a secret (possibly scheduled for deletion) has this name.
    pub fn contains_key(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Adds a secret whose name is not taken (an existing one of that name is replaced).
    pub fn insert(&mut self, secret: Secret) {
        if let Some(old) = self.by_name.remove(&secret.name) {
            self.by_created.remove(&(old.created, old.name));
        }
        self.by_created
            .insert((secret.created, secret.name.clone()));
        self.by_name.insert(secret.name.clone(), secret);
    }

    /// The secrets changed in the current write section: `(name, Some(secret))` when it
    /// exists now, `(name, None)` when it was removed.
    pub fn changes(&self) -> impl Iterator<Item = (&str, Option<&Secret>)> {
        self.by_name.changes()
    }

    /// True when the current write section changed a secret.
    pub fn is_changed(&self) -> bool {
        self.by_name.is_changed()
    }

    /// Keeps the current write section's changes.
    pub fn settle(&mut self) {
        self.by_name.settle();
    }

    /// Undoes the current write section's changes, indexes included.
    pub fn rollback(&mut self) {
        let touched: Vec<String> = self.changes().map(|(name, _)| name.to_owned()).collect();
        for name in &touched {
            if let Some(now) = self.by_name.get(name) {
                self.by_created.remove(&(now.created, name.clone()));
            }
        }
        self.by_name.rollback();
        for name in touched {
            if let Some(before) = self.by_name.get(&name) {
                self.by_created.insert((before.created, name));
            }
        }
    }

    /// Removes and returns the secret named `name`.
    pub fn remove(&mut self, name: &str) -> Option<Secret> {
        let secret = self.by_name.remove(name)?;
        self.by_created
            .remove(&(secret.created, secret.name.clone()));
        Some(secret)
    }

    /// Number of secrets, including those scheduled for deletion.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when there are no secrets.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// All secrets in creation order (oldest first; ties by name).
    pub fn in_creation_order(&self) -> impl DoubleEndedIterator<Item = &Secret> {
        self.by_created
            .iter()
            .filter_map(|(_, name)| self.by_name.get(name))
    }

    /// Secrets in creation order strictly after `after` (or, `descending`, newest first and
    /// strictly before it); from the start when `after` is `None`. A range query: the cost
    /// does not depend on how many secrets precede the position.
    pub fn in_creation_order_after<'a>(
        &'a self,
        after: Option<&CreationKey>,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a Secret> + 'a> {
        let positions = self
            .by_created
            .range::<CreationKey, _>(strictly_beyond(after, descending));
        let secrets = positions.filter_map(|(_, name)| self.by_name.get(name));
        in_direction(secrets, descending)
    }

    /// Secrets in name order strictly after `after` (or, `descending`, in reverse order and
    /// strictly before it); from the start when `after` is `None`. A range query, as above.
    pub fn in_name_order_after<'a>(
        &'a self,
        after: Option<&str>,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a Secret> + 'a> {
        let entries = self
            .by_name
            .range::<str, _>(strictly_beyond(after, descending));
        in_direction(entries.map(|(_, secret)| secret), descending)
    }

    /// Every secret, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.by_name.values()
    }
}

/// The range strictly after `at` (or, `descending`, strictly before it); everything when
/// `at` is `None`.
fn strictly_beyond<Q: ?Sized>(at: Option<&Q>, descending: bool) -> (Bound<&Q>, Bound<&Q>) {
    match (at, descending) {
        (None, _) => (Bound::Unbounded, Bound::Unbounded),
        (Some(at), false) => (Bound::Excluded(at), Bound::Unbounded),
        (Some(at), true) => (Bound::Unbounded, Bound::Excluded(at)),
    }
}

/// `items` as they come, or reversed when `descending`.
fn in_direction<'a, T: 'a>(
    items: impl DoubleEndedIterator<Item = T> + 'a,
    descending: bool,
) -> Box<dyn Iterator<Item = T> + 'a> {
    if descending {
        Box::new(items.rev())
    } else {
        Box::new(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rolled_back_section_restores_both_orders() {
        let at = |seconds| OffsetDateTime::from_unix_timestamp(seconds).unwrap();
        let secret = |name: &str, created| {
            Secret::new(
                name.into(),
                format!("arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbCdEf"),
                at(created),
            )
        };
        let mut secrets = Secrets::default();
        secrets.insert(secret("a", 1));
        secrets.insert(secret("b", 2));
        secrets.settle();
        secrets.remove("a");
        secrets.insert(secret("c", 0));
        secrets.insert(secret("b", 5)); // replaced: moves in creation order
        secrets.get_mut("c").unwrap().description = Some("x".into());
        assert!(secrets.is_changed());
        secrets.rollback();
        let names = |it: Vec<&Secret>| it.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(secrets.in_creation_order().collect()), ["a", "b"]);
        assert_eq!(names(secrets.iter().collect()), ["a", "b"]);
        assert_eq!(secrets.get("b").unwrap().created, at(2));
        assert!(!secrets.is_changed());
    }
}
