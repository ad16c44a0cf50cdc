//! The audit trail: CloudTrail-shaped records (eventVersion 1.11) of API activity.
//!
//! Two kinds of record: every authenticated Secrets Manager and KMS call a client makes
//! ([`Calls::Direct`], made at the protocol edge), and the KMS calls Secrets Manager makes on a
//! caller's behalf ([`Calls::Relayed`]: the user's identity plus `invokedBy:
//! secretsmanager.amazonaws.com`), as AWS logs them next to the Secrets Manager event. Records
//! never contain secret values, plaintexts, data keys or ciphertexts — only identifiers, key
//! ARNs, encryption contexts and options, as CloudTrail does (see [`members`]). The log is
//! bounded: beyond [`CAPACITY`] records of one kind in an account, its oldest are dropped.

pub mod members;
pub mod record;
mod writer;

pub use record::{ApiCall, AuditRecord, UserIdentity};

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;
use parking_lot::Mutex;

use crate::storage::{Mutation, PartitionKey, RecordKind, Store, StoreError, encode_json};
use writer::AuditWriter;

/// Most records of each kind kept in memory per account.
pub const CAPACITY: usize = 10_000;

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

type Queue = VecDeque<(u64, AuditRecord)>;

/// One account's records, one bounded queue per kind.
#[derive(Debug, Default)]
struct Trail {
    relayed: Queue,
    direct: Queue,
}

impl Trail {
    fn queue_of(&mut self, record: &AuditRecord) -> &mut Queue {
        if record.is_relayed() {
            &mut self.relayed
        } else {
            &mut self.direct
        }
    }

    /// The records `calls` selects, oldest first.
    fn select(&self, calls: Calls) -> Vec<AuditRecord> {
        let mut selected: Vec<&(u64, AuditRecord)> = match calls {
            Calls::Relayed => self.relayed.iter().collect(),
            Calls::Direct => self.direct.iter().collect(),
            Calls::All => self.relayed.iter().chain(&self.direct).collect(),
        };
        if calls == Calls::All {
            selected.sort_unstable_by_key(|(sequence, _)| *sequence);
        }
        selected
            .into_iter()
            .map(|(_, record)| record.clone())
            .collect()
    }
}

/// The in-memory audit trail, bounded queues per account so that recording (on the path of
/// every call) never takes a lock shared by all callers.
///
/// With a data dir, every record is also stored (`RecordKind::AuditRecord`, id = its sequence
/// number, zero-padded so ids sort in recording order) by a background `AuditWriter`, and a
/// record dropped beyond [`CAPACITY`] is deleted from the store too.
#[derive(Debug, Default)]
pub struct AuditLog {
    by_account: DashMap<String, Mutex<Trail>>,
    next_sequence: AtomicU64,
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

    /// A trail that also stores its records in `store`, starting from the records already
    /// there (the newest [`CAPACITY`] of each kind in each account).
    pub fn durable(store: std::sync::Arc<dyn Store>) -> Result<Self, StoreError> {
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
            ..AuditLog::default()
        };
        for (sequence, record) in by_sequence {
            if let Some((dropped, old)) = log.push(sequence, record) {
                log.forget_stored(dropped, &old);
            }
        }
        Ok(log)
    }

    /// How many records are held, in all accounts.
    pub fn len(&self) -> usize {
        self.by_account
            .iter()
            .map(|trail| {
                let trail = trail.lock();
                trail.relayed.len() + trail.direct.len()
            })
            .sum()
    }

    /// True when no record is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Waits until every record so far is stored (a no-op in memory).
    pub fn flush(&self) {
        if let Some(writer) = &self.writer {
            writer.flush();
        }
    }

    /// Appends a record to its account's queue of its kind, dropping that queue's oldest beyond
    /// [`CAPACITY`].
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
        if let Some((dropped, old)) = self.push(sequence, record) {
            self.forget_stored(dropped, &old);
        }
    }

    /// Deletes the stored copy of a record dropped beyond [`CAPACITY`].
    fn forget_stored(&self, sequence: u64, record: &AuditRecord) {
        if let Some(writer) = &self.writer {
            writer.write(Mutation::delete(
                RecordKind::AuditRecord,
                &partition_of(record),
                record_id(sequence),
            ));
        }
    }

    /// Appends to the account's queue of the record's kind; returns the record dropped beyond
    /// [`CAPACITY`].
    fn push(&self, sequence: u64, record: AuditRecord) -> Option<(u64, AuditRecord)> {
        let trail = match self.by_account.get(&record.recipient_account_id) {
            Some(trail) => trail,
            None => self
                .by_account
                .entry(record.recipient_account_id.clone())
                .or_default()
                .downgrade(),
        };
        let mut trail = trail.lock();
        let records = trail.queue_of(&record);
        let dropped = if records.len() >= CAPACITY {
            records.pop_front()
        } else {
            None
        };
        records.push_back((sequence, record));
        dropped
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
                self.by_account.remove(account);
            }
            None => self.by_account.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(account: &str) -> AuditRecord {
        AuditRecord::kms_call_via_secrets_manager(record::KmsCall {
            event_name: "Decrypt",
            key_arn: "arn:aws:kms:us-east-1:000000000000:key/k".into(),
            encryption_context: Default::default(),
            identity: UserIdentity::root(account, "test"),
            region: "us-east-1".into(),
            request_id: "r".into(),
            at: time::OffsetDateTime::UNIX_EPOCH,
            error_code: None,
        })
    }

    #[test]
    fn keeps_at_most_capacity_and_filters_by_account() {
        let log = AuditLog::new();
        for _ in 0..CAPACITY + 5 {
            log.record(record("111111111111"));
        }
        log.record(record("222222222222"));
        assert_eq!(log.records(None, Calls::Relayed).len(), CAPACITY + 1);
        assert_eq!(
            log.records(Some("111111111111"), Calls::Relayed).len(),
            CAPACITY
        );
        assert_eq!(log.records(Some("222222222222"), Calls::Relayed).len(), 1);
        log.reset(Some("111111111111"));
        assert_eq!(log.records(None, Calls::Relayed).len(), 1);
    }

    fn direct_call(account: &str) -> AuditRecord {
        AuditRecord::api_call(ApiCall {
            event_source: "secretsmanager.amazonaws.com",
            event_name: "GetSecretValue",
            read_only: true,
            identity: UserIdentity::root(account, "test"),
            region: "us-east-1".into(),
            request_id: "r".into(),
            at: time::OffsetDateTime::UNIX_EPOCH,
            source_ip_address: None,
            user_agent: None,
            request_parameters: serde_json::Value::Null,
            response_elements: serde_json::Value::Null,
            error: None,
        })
    }

    #[test]
    fn direct_and_relayed_calls_are_kept_and_bounded_apart() {
        let log = AuditLog::new();
        let account = "111111111111";
        log.record(direct_call(account));
        log.record(record(account));
        log.record(direct_call(account));
        let kinds = |calls| -> Vec<bool> {
            log.records(Some(account), calls)
                .iter()
                .map(AuditRecord::is_relayed)
                .collect()
        };
        assert_eq!(kinds(Calls::Relayed), [true]);
        assert_eq!(kinds(Calls::Direct), [false, false]);
        assert_eq!(kinds(Calls::All), [false, true, false]);
        for _ in 0..CAPACITY {
            log.record(direct_call(account));
        }
        assert_eq!(log.records(Some(account), Calls::Direct).len(), CAPACITY);
        assert_eq!(log.records(Some(account), Calls::Relayed).len(), 1);
        assert_eq!(log.len(), CAPACITY + 1);
    }

    #[test]
    fn a_durable_trail_reloads_and_drops_old_records_from_the_store_too() {
        let store: std::sync::Arc<dyn Store> =
            std::sync::Arc::new(crate::storage::MemoryStore::new());
        let log = AuditLog::durable(std::sync::Arc::clone(&store)).unwrap();
        for _ in 0..CAPACITY + 3 {
            log.record(record("111111111111"));
        }
        log.record(record("222222222222"));
        log.flush();
        assert_eq!(
            store.load(RecordKind::AuditRecord).unwrap().len(),
            CAPACITY + 1
        );
        let first = log.records(Some("111111111111"), Calls::Relayed)[0]
            .event_time
            .clone();
        drop(log);
        let reloaded = AuditLog::durable(store).unwrap();
        assert_eq!(reloaded.len(), CAPACITY + 1);
        assert_eq!(
            reloaded.records(Some("111111111111"), Calls::Relayed)[0].event_time,
            first
        );
        reloaded.record(record("222222222222"));
        assert_eq!(
            reloaded.records(Some("222222222222"), Calls::Relayed).len(),
            2
        );
    }
}
