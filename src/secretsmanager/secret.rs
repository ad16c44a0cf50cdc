//! The state of one secret: metadata plus versions carrying staging labels.
//!
//! Invariants: a label is attached to at most one version; versions are kept in creation
//! order; a version's value is stored only as ciphertext ([`SealedValue`]). Nothing here has
//! interior mutability: a secret changes only through `&mut`, that is inside a table's write
//! section, including its last-access days (see [`Secret::record_access`]).

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::error::{SmError, text};
use super::model::Tag;

/// The label GetSecretValue reads by default.
pub const AWSCURRENT: &str = "AWSCURRENT";

const SECONDS_PER_DAY: i64 = 86_400;

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

/// A day-resolution "last accessed" marker: days since the epoch plus one, 0 for never.
/// It only moves forward.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessDay(i64);

impl AccessDay {
    /// The stored form: days since the epoch plus one, 0 for never.
    pub fn raw(&self) -> i64 {
        self.0
    }

    /// The marker for a stored [`AccessDay::raw`] value.
    pub fn from_raw(raw: i64) -> AccessDay {
        AccessDay(raw.max(0))
    }

    fn day_of(now: OffsetDateTime) -> i64 {
        now.unix_timestamp().div_euclid(SECONDS_PER_DAY) + 1
    }

    /// True when an access at `now` falls on a later day than the one recorded.
    pub fn is_before(&self, now: OffsetDateTime) -> bool {
        self.0 < AccessDay::day_of(now)
    }

    /// Records an access at `now` (only the day is kept; an earlier day changes nothing).
    /// Returns true when that moved the day forward.
    pub fn touch(&mut self, now: OffsetDateTime) -> bool {
        let moved = self.is_before(now);
        if moved {
            self.0 = AccessDay::day_of(now);
        }
        moved
    }

    /// Midnight UTC of the last access day, if any.
    pub fn get(&self) -> Option<OffsetDateTime> {
        match self.0 {
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
    /// and returns that deletion date (the table's write section notes it for the purge).
    pub fn schedule_deletion(
        &mut self,
        now: OffsetDateTime,
        window: time::Duration,
    ) -> OffsetDateTime {
        // Callers check the window first; saturating keeps an unchecked caller from panicking.
        let deletion_date = now.saturating_add(window);
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
        let next = self
            .last_changed
            .saturating_add(time::Duration::milliseconds(1));
        self.last_changed = now.max(next);
    }

    /// True when a read of version `version_id` at `now` would move the last-access day of
    /// the secret or of that version (at most once per UTC day each).
    pub fn access_is_stale(&self, version_id: &str, now: OffsetDateTime) -> bool {
        self.last_accessed.is_before(now)
            || self
                .version(version_id)
                .is_some_and(|version| version.last_accessed.is_before(now))
    }

    /// Records a read of version `version_id` at `now` on the secret and on the version;
    /// days only move forward, so a later write is never undone.
    pub fn record_access(&mut self, version_id: &str, now: OffsetDateTime) {
        self.last_accessed.touch(now);
        if let Some(version) = self.versions.iter_mut().find(|v| v.id == version_id) {
            version.last_accessed.touch(now);
        }
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
        let mut day = AccessDay::default();
        assert!(day.get().is_none());
        let noon = OffsetDateTime::from_unix_timestamp(1_673_438_400).unwrap();
        day.touch(noon);
        assert_eq!(day.get().unwrap().unix_timestamp(), 1_673_395_200);
        day.touch(noon - time::Duration::days(3));
        assert_eq!(day.get().unwrap().unix_timestamp(), 1_673_395_200);
    }

    #[test]
    fn an_access_is_stale_until_recorded_for_its_day() {
        let noon = OffsetDateTime::from_unix_timestamp(1_673_438_400).unwrap();
        let mut secret = Secret::new("s".into(), "arn".into(), noon);
        secret.versions.push(Version {
            id: "v1".into(),
            stages: vec![AWSCURRENT.into()],
            created: noon,
            last_accessed: AccessDay::default(),
            value: None,
        });
        assert!(secret.access_is_stale("v1", noon));
        secret.record_access("v1", noon);
        assert!(!secret.access_is_stale("v1", noon + time::Duration::hours(11)));
        assert!(!secret.access_is_stale("v1", noon - time::Duration::days(1)));
        assert!(secret.access_is_stale("v1", noon + time::Duration::days(1)));
        assert_eq!(secret.versions[0].last_accessed, secret.last_accessed);
        // Another version read the same day is still stale: its own day has not moved.
        secret.versions[0].id = "v2".into();
        secret.versions.push(Version {
            id: "v1".into(),
            stages: Vec::new(),
            created: noon,
            last_accessed: AccessDay::default(),
            value: None,
        });
        assert!(secret.access_is_stale("v1", noon));
    }
}
