//! The audit trail: CloudTrail-shaped records (eventVersion 1.11) of API activity.
//!
//! Two kinds of record: every authenticated Secrets Manager and KMS call a client makes
//! ([`Calls::Direct`], made at the protocol edge), and the KMS calls Secrets Manager makes on a
//! caller's behalf ([`Calls::Relayed`]: the user's identity plus `invokedBy:
//! secretsmanager.amazonaws.com`), as AWS logs them next to the Secrets Manager event. Records
//! never contain secret values, plaintexts, data keys or ciphertexts — only identifiers, key
//! ARNs, encryption contexts and options, as CloudTrail does (see [`members`]).
//!
//! The trail is bounded in memory, whatever clients send and however many accounts they sign
//! as: each record holds at most what CloudTrail keeps ([`bounds`]); beyond
//! [`Limits::per_account`] records of one kind in an account, its oldest are dropped; and
//! beyond [`Limits::records`] records or [`Limits::retained_bytes`] in all accounts together,
//! the oldest of all are dropped. A dropped record is deleted from the store too.

pub mod bounds;
pub mod members;
pub mod record;
mod trail;
mod writer;

pub use record::{ApiCall, AuditRecord, UserIdentity};

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use dashmap::DashMap;
use parking_lot::Mutex;

use crate::storage::{Mutation, PartitionKey, RecordKind, Store, StoreError, encode_json};
use trail::{Held, Trail};
use writer::AuditWriter;

/// Most records of each kind kept in memory per account.
pub const CAPACITY: usize = 10_000;

/// Most records kept in memory in all accounts together.
pub const GLOBAL_CAPACITY: usize = 100_000;

/// Most memory (estimated) the records of all accounts may hold together: 256 MiB.
pub const GLOBAL_RETAINED_BYTES: usize = 256 * 1024 * 1024;

/// How much the trail keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most records of each kind in one account ([`CAPACITY`]).
    pub per_account: usize,
    /// Most records in all accounts ([`GLOBAL_CAPACITY`]).
    pub records: usize,
    /// Most estimated memory held by the records of all accounts ([`GLOBAL_RETAINED_BYTES`]).
    pub retained_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account: CAPACITY,
            records: GLOBAL_CAPACITY,
            retained_bytes: GLOBAL_RETAINED_BYTES,
        }
    }
}

impl Limits {
    /// What a sweep brings the trail down to: 10% under each global limit. A sweep reads
    /// every account (about 0.5 ms per 1,000 accounts), so it is made rare: once the trail is
    /// full, once per tenth of its capacity.
    fn sweep_targets(&self) -> (usize, usize) {
        (
            self.records - self.records / 10,
            self.retained_bytes - self.retained_bytes / 10,
        )
    }
}

/// Which records to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Calls {
    /// The calls services made on callers' behalf (`invokedBy`): what the trail served before
    /// it recorded direct calls, and still its default view.
    #[default]
    Relayed,
    /// The calls clients made to the services.
    Direct,
    /// Both, in recording order.
    All,
}

/// The in-memory audit trail, bounded queues per account so that recording (on the path of
/// every call) never takes a lock shared by all callers; only a sweep of the whole trail,
/// when it is over a global limit, takes one.
///
/// With a data dir, every record is also stored (`RecordKind::AuditRecord`, id = its sequence
/// number, zero-padded so ids sort in recording order) by a background `AuditWriter`, and a
/// record dropped beyond a limit is deleted from the store too.
#[derive(Debug, Default)]
pub struct AuditLog {
    by_account: DashMap<String, Mutex<Trail>>,
    next_sequence: AtomicU64,
    /// How many records are held in all accounts, and their estimated size; changed only
    /// under the lock of the account whose queue changes.
    held_records: AtomicUsize,
    held_bytes: AtomicUsize,
    /// Taken by the one sweep of all accounts under way.
    sweeping: Mutex<()>,
    limits: Limits,
    writer: Option<AuditWriter>,
}

/// The record id of sequence number `sequence`.
fn record_id(sequence: u64) -> String {
    format!("{sequence:020}")
}

fn partition_of(record: &AuditRecord) -> PartitionKey {
    PartitionKey::new(record.recipient_account_id.as_str(), record.aws_region())
}

impl AuditLog {
    /// An empty trail kept in memory only.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty trail kept in memory only, within `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        AuditLog {
            limits,
            ..AuditLog::default()
        }
    }

    /// A trail that also stores its records in `store`, starting from the records already
    /// there (the newest the default [`Limits`] allow).
    pub fn durable(store: std::sync::Arc<dyn Store>) -> Result<Self, StoreError> {
        Self::durable_with_limits(store, Limits::default())
    }

    /// [`AuditLog::durable`] within `limits`: stored records beyond them are deleted.
    pub fn durable_with_limits(
        store: std::sync::Arc<dyn Store>,
        limits: Limits,
    ) -> Result<Self, StoreError> {
        let mut by_sequence = BTreeMap::new();
        for stored in store.load(RecordKind::AuditRecord)? {
            let sequence: u64 = stored.id.parse().map_err(|_| {
                StoreError::Corrupt(format!("audit record id {} is not a number", stored.id))
            })?;
            let record: AuditRecord =
                crate::storage::decode_json(&stored.value, "a stored audit record")?;
            by_sequence.insert(sequence, record);
        }
        let writer = AuditWriter::start(store).map_err(|error| StoreError::Backend {
            context: "starting the audit writer",
            source: Box::new(error),
        })?;
        let log = AuditLog {
            next_sequence: AtomicU64::new(by_sequence.keys().last().map_or(0, |last| last + 1)),
            writer: Some(writer),
            limits,
            ..AuditLog::default()
        };
        for (sequence, record) in by_sequence {
            log.admit(sequence, record);
        }
        Ok(log)
    }

    /// How many records are held, in all accounts.
    pub fn len(&self) -> usize {
        self.held_records.load(Ordering::Relaxed)
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The estimated memory all records held take ([`AuditRecord::retained_bytes`]).
    pub fn retained_bytes(&self) -> usize {
        self.held_bytes.load(Ordering::Relaxed)
    }

    /// Waits until every record so far is stored (a no-op in memory).
    pub fn flush(&self) {
        if let Some(writer) = &self.writer {
            writer.flush();
        }
    }

    /// Appends a record to its account's queue of its kind, dropping what is beyond the
    /// [`Limits`].
    pub fn record(&self, record: AuditRecord) {
        let sequence = self.next_sequence.fetch_add(1, Ordering::Relaxed);
        if let Some(writer) = &self.writer {
            match encode_json(&record) {
                Ok(value) => writer.write(Mutation::put(
                    RecordKind::AuditRecord,
                    &partition_of(&record),
                    record_id(sequence),
                    value,
                )),
                Err(error) => tracing::error!(%error, "an audit record could not be encoded"),
            }
        }
        self.admit(sequence, record);
    }

    /// Holds `record`, then drops what is beyond the limits.
    fn admit(&self, sequence: u64, record: AuditRecord) {
        if let Some(dropped) = self.push(sequence, record) {
            self.forget_stored(&dropped);
        }
        if self.over_global_limits() {
            self.sweep();
        }
    }

    /// Deletes the stored copy of a dropped record.
    fn forget_stored(&self, dropped: &Held) {
        if let Some(writer) = &self.writer {
            writer.write(Mutation::delete(
                RecordKind::AuditRecord,
                &partition_of(&dropped.record),
                record_id(dropped.sequence),
            ));
        }
    }

    /// Appends to the account's queue of the record's kind; returns the record dropped beyond
    /// [`Limits::per_account`].
    fn push(&self, sequence: u64, record: AuditRecord) -> Option<Held> {
        let bytes = record.retained_bytes();
        let trail = match self.by_account.get(&record.recipient_account_id) {
            Some(trail) => trail,
            None => self
                .by_account
                .entry(record.recipient_account_id.clone())
                .or_default()
                .downgrade(),
        };
        let mut trail = trail.lock();
        let held = Held {
            sequence,
            bytes,
            record,
        };
        let dropped = trail.push(held, self.limits.per_account);
        self.held_records.fetch_add(1, Ordering::Relaxed);
        self.held_bytes.fetch_add(bytes, Ordering::Relaxed);
        if let Some(dropped) = &dropped {
            self.release(1, dropped.bytes);
        }
        dropped
    }

    /// Takes records that are no longer held out of the totals.
    fn release(&self, records: usize, bytes: usize) {
        self.held_records.fetch_sub(records, Ordering::Relaxed);
        self.held_bytes.fetch_sub(bytes, Ordering::Relaxed);
    }

    fn over_global_limits(&self) -> bool {
        self.len() > self.limits.records || self.retained_bytes() > self.limits.retained_bytes
    }

    /// Drops the oldest records of all accounts (and accounts left with none) until the trail
    /// is back under its global limits, with the margin of [`Limits::sweep_targets`].
    fn sweep(&self) {
        let _sweeping = self.sweeping.lock();
        if !self.over_global_limits() {
            return;
        }
        let mut held: Vec<(u64, usize)> = Vec::with_capacity(self.len());
        for trail in &self.by_account {
            held.extend(trail.lock().sizes());
        }
        held.sort_unstable_by_key(|&(sequence, _)| sequence);
        let (max_records, max_bytes) = self.limits.sweep_targets();
        let Some(last) = last_to_drop(&held, max_records, max_bytes) else {
            return;
        };
        let mut emptied = Vec::new();
        for trail in &self.by_account {
            let dropped = {
                let mut held = trail.lock();
                let dropped = held.drop_through(last);
                if dropped.is_empty() {
                    continue;
                }
                self.release(dropped.len(), dropped.iter().map(|d| d.bytes).sum());
                if held.is_empty() {
                    emptied.push(trail.key().clone());
                }
                dropped
            };
            for record in &dropped {
                self.forget_stored(record);
            }
        }
        for account in emptied {
            self.by_account
                .remove_if(&account, |_, trail| trail.lock().is_empty());
        }
    }

    /// The records `calls` selects of `account` (or of every account), oldest first.
    pub fn records(&self, account: Option<&str>, calls: Calls) -> Vec<AuditRecord> {
        match account {
            Some(account) => self
                .by_account
                .get(account)
                .map(|trail| trail.lock().select(calls))
                .unwrap_or_default(),
            None => {
                let mut all: Vec<AuditRecord> = self
                    .by_account
                    .iter()
                    .flat_map(|trail| trail.lock().select(calls))
                    .collect();
                all.sort_by(|a, b| a.event_time.cmp(&b.event_time));
                all
            }
        }
    }

    /// Forgets everything, or one account's records (in memory; the caller clears the store
    /// after a [`AuditLog::flush`]).
    pub fn reset(&self, account: Option<&str>) {
        match account {
            Some(account) => {
                if let Some((_, trail)) = self.by_account.remove(account) {
                    let trail = trail.into_inner();
                    self.release(trail.len(), trail.bytes());
                }
            }
            None => self.by_account.retain(|_, trail| {
                let trail = trail.get_mut();
                self.release(trail.len(), trail.bytes());
                false
            }),
        }
    }
}

/// The sequence number of the newest record to drop so that what is left of `held` (sequence
/// numbers and sizes, oldest first) is within `max_records` and `max_bytes`; `None` when it
/// already is.
fn last_to_drop(held: &[(u64, usize)], max_records: usize, max_bytes: usize) -> Option<u64> {
    let mut records = held.len();
    let mut bytes: usize = held.iter().map(|&(_, size)| size).sum();
    let mut last = None;
    for &(sequence, size) in held {
        if records <= max_records && bytes <= max_bytes {
            break;
        }
        records -= 1;
        bytes -= size;
        last = Some(sequence);
    }
    last
}

#[cfg(test)]
mod tests;
