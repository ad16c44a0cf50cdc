//! The state of one secret: metadata plus versions carrying staging labels.
//!
//! Invariants: a label is attached to at most one version; versions are kept in creation
//! order; a version's value is stored only as ciphertext ([`SealedValue`]). Last-access days
//! are atomics so reads update them under a shared lock.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::sync::atomic::{AtomicI64, Ordering};

use parking_lot::RwLock;
use time::OffsetDateTime;

use super::error::{SmError, text};
use super::model::Tag;
use super::purge::PurgeHint;
use super::stored::SecretsSection;
use crate::storage::{Journal, PartitionKey, Tracked, commit_section};

/// The label GetSecretValue reads by default.
pub const AWSCURRENT: &str = "AWSCURRENT";

const SECONDS_PER_DAY: i64 = 86_400;

/// All secrets of one (account, region), behind one reader-writer lock.
#[derive(Debug, Default)]
pub struct SecretTable {
    /// The secrets and their indexes. Read with `secrets.read()`; change them only through
    /// [`SecretTable::write`], which stores the changes.
    pub secrets: RwLock<Secrets>,
    /// A lower bound of the earliest deletion date in this table (see [`super::purge`]).
    pub purge_hint: PurgeHint,
}

impl SecretTable {
    /// Runs `section` on the secrets under the exclusive lock, then commits what it changed
    /// to `journal` as one batch (records of `partition`) before releasing the lock; a failed
    /// section, or one the store refuses, is undone.
    pub fn write<T>(
        &self,
        journal: &Journal,
        partition: &PartitionKey,
        section: impl FnOnce(&mut Secrets) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let mut secrets = self.secrets.write();
        let outcome = section(&mut secrets);
        let mut changes = SecretsSection {
            secrets: &mut secrets,
            partition,
        };
        commit_section(journal, &mut changes, outcome, || SmError::Internal)
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
        let positions = match (after, descending) {
            (None, _) => self.by_created.range::<CreationKey, _>(..),
            (Some(at), false) => self
                .by_created
                .range::<CreationKey, _>((Bound::Excluded(at), Bound::Unbounded)),
            (Some(at), true) => self
                .by_created
                .range::<CreationKey, _>((Bound::Unbounded, Bound::Excluded(at))),
        };
        let secrets = positions.filter_map(|(_, name)| self.by_name.get(name));
        if descending {
            Box::new(secrets.rev())
        } else {
            Box::new(secrets)
        }
    }

    /// Secrets in name order strictly after `after` (or, `descending`, in reverse order and
    /// strictly before it); from the start when `after` is `None`. A range query, as above.
    pub fn in_name_order_after<'a>(
        &'a self,
        after: Option<&str>,
        descending: bool,
    ) -> Box<dyn Iterator<Item = &'a Secret> + 'a> {
        let entries = match (after, descending) {
            (None, _) => self.by_name.range::<str, _>(..),
            (Some(at), false) => self
                .by_name
                .range::<str, _>((Bound::Excluded(at), Bound::Unbounded)),
            (Some(at), true) => self
                .by_name
                .range::<str, _>((Bound::Unbounded, Bound::Excluded(at))),
        };
        let secrets = entries.map(|(_, secret)| secret);
        if descending {
            Box::new(secrets.rev())
        } else {
            Box::new(secrets)
        }
    }

    /// Every secret, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.by_name.values()
    }
}

/// Which member the value came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `SecretString`.
    Text,
    /// `SecretBinary`.
    Binary,
}

/// A version's value as stored: AES-256-GCM under a per-version data key, plus that data key
/// encrypted by KMS with the context {SecretARN, SecretVersionId}.
#[derive(Debug, Clone)]
pub struct SealedValue {
    /// String or binary.
    pub kind: ValueKind,
    /// `nonce || ciphertext || tag` of the value.
    pub ciphertext: Vec<u8>,
    /// The data key as a KMS ciphertext blob.
    pub encrypted_data_key: Vec<u8>,
    /// ARN of the KMS key that encrypted the data key.
    pub key_arn: String,
}

/// A day-resolution "last accessed" marker that reads can bump under a shared lock.
#[derive(Debug, Default)]
pub struct AccessDay(AtomicI64);

impl Clone for AccessDay {
    fn clone(&self) -> Self {
        AccessDay(AtomicI64::new(self.0.load(Ordering::Acquire)))
    }
}

impl AccessDay {
    /// The stored form: days since the epoch plus one, 0 for never.
    pub fn raw(&self) -> i64 {
        self.0.load(Ordering::Acquire)
    }

    /// The marker for a stored [`AccessDay::raw`] value.
    pub fn from_raw(raw: i64) -> AccessDay {
        AccessDay(AtomicI64::new(raw.max(0)))
    }

    /// Records an access at `now` (only the day is kept).
    /// Returns true when that moved the day forward (so the new day is worth storing).
    pub fn touch(&self, now: OffsetDateTime) -> bool {
        let day = now.unix_timestamp().div_euclid(SECONDS_PER_DAY) + 1;
        self.0.fetch_max(day, Ordering::AcqRel) < day
    }

    /// Midnight UTC of the last access day, if any.
    pub fn get(&self) -> Option<OffsetDateTime> {
        match self.0.load(Ordering::Acquire) {
            0 => None,
            day => OffsetDateTime::from_unix_timestamp((day - 1) * SECONDS_PER_DAY).ok(),
        }
    }
}

/// One version of a secret.
#[derive(Debug, Clone)]
pub struct Version {
    /// The version id (the ClientRequestToken that created it).
    pub id: String,
    /// Staging labels, in the order they were attached.
    pub stages: Vec<String>,
    /// When the version was created.
    pub created: OffsetDateTime,
    /// Last day this version was read.
    pub last_accessed: AccessDay,
    /// The sealed value; `None` for a rotation placeholder.
    pub value: Option<SealedValue>,
}

/// A secret.
#[derive(Debug, Clone)]
pub struct Secret {
    /// Name, unique in its partition.
    pub name: String,
    /// Full ARN including the random suffix.
    pub arn: String,
    /// Non-empty description, if any.
    pub description: Option<String>,
    /// Customer KMS key as the caller named it; `None` means `aws/secretsmanager`.
    pub kms_key_id: Option<String>,
    /// `Type` of a managed external secret.
    pub secret_type: Option<String>,
    /// Tags; `None` until tags are first set.
    pub tags: Option<Vec<Tag>>,
    /// Creation time.
    pub created: OffsetDateTime,
    /// Last modification time.
    pub last_changed: OffsetDateTime,
    /// Last day the secret's value was read.
    pub last_accessed: AccessDay,
    /// When deletion was requested (DescribeSecret's `DeletedDate`), if scheduled.
    pub deleted: Option<OffsetDateTime>,
    /// When a scheduled secret is purged for good (DeleteSecret's `DeletionDate`); set
    /// exactly when `deleted` is set, through [`Secret::schedule_deletion`].
    pub deletion_date: Option<OffsetDateTime>,
    /// The resource policy document exactly as the caller sent it, if any.
    pub resource_policy: Option<String>,
    /// Versions in creation order.
    pub versions: Vec<Version>,
}

impl Secret {
    /// A secret created at `now` with no description, key, tags, policy or versions.
    pub fn new(name: String, arn: String, now: OffsetDateTime) -> Secret {
        Secret {
            name,
            arn,
            description: None,
            kms_key_id: None,
            secret_type: None,
            tags: None,
            created: now,
            last_changed: now,
            last_accessed: AccessDay::default(),
            deleted: None,
            deletion_date: None,
            resource_policy: None,
            versions: Vec::new(),
        }
    }

    /// Fails with AWS's `InvalidRequestException` when the secret is scheduled for deletion
    /// (reads, writes and tag changes all refuse such a secret; DescribeSecret does not).
    pub fn ensure_not_deleted(&self) -> Result<(), SmError> {
        match self.deleted {
            Some(_) => Err(SmError::InvalidRequest(
                text::MARKED_FOR_DELETION.to_owned(),
            )),
            None => Ok(()),
        }
    }

    /// Schedules the secret for deletion at `now + window` (recording `now` as `DeletedDate`)
    /// and returns that deletion date. The caller notes it in the table's [`PurgeHint`].
    pub fn schedule_deletion(
        &mut self,
        now: OffsetDateTime,
        window: time::Duration,
    ) -> OffsetDateTime {
        let deletion_date = now + window;
        self.deleted = Some(now);
        self.deletion_date = Some(deletion_date);
        deletion_date
    }

    /// Cancels a scheduled deletion.
    pub fn restore(&mut self) {
        self.deleted = None;
        self.deletion_date = None;
    }

    /// True when the secret is scheduled and its deletion date is not after `now`.
    pub fn deletion_due(&self, now: OffsetDateTime) -> bool {
        self.deletion_date.is_some_and(|date| date <= now)
    }

    /// Records a modification at `now`. `LastChangedDate` strictly increases on AWS across
    /// successive changes, so two changes within the same millisecond still move it.
    pub fn record_change(&mut self, now: OffsetDateTime) {
        let next = self.last_changed + time::Duration::milliseconds(1);
        self.last_changed = now.max(next);
    }

    /// The version with `id`.
    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version carrying `label`.
    pub fn version_with_stage(&self, label: &str) -> Option<&Version> {
        self.versions
            .iter()
            .find(|v| v.stages.iter().any(|s| s == label))
    }

    /// Labelled versions only, as `VersionIdsToStages`; `None` when no version carries a label.
    pub fn version_ids_to_stages(&self) -> Option<BTreeMap<String, Vec<String>>> {
        let map: BTreeMap<_, _> = self
            .versions
            .iter()
            .filter(|v| !v.stages.is_empty())
            .map(|v| (v.id.clone(), v.stages.clone()))
            .collect();
        (!map.is_empty()).then_some(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_days_truncate_to_midnight_and_only_grow() {
        let day = AccessDay::default();
        assert!(day.get().is_none());
        let noon = OffsetDateTime::from_unix_timestamp(1_673_438_400).unwrap();
        day.touch(noon);
        assert_eq!(day.get().unwrap().unix_timestamp(), 1_673_395_200);
        day.touch(noon - time::Duration::days(3));
        assert_eq!(day.get().unwrap().unix_timestamp(), 1_673_395_200);
    }

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
