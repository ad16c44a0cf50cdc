//! The audit trail: CloudTrail-shaped records (eventVersion 1.11) of API activity.
//!
//! Today it records the KMS calls Secrets Manager makes on a caller's behalf (the user's
//! identity plus `invokedBy: secretsmanager.amazonaws.com`), as AWS logs them next to the
//! Secrets Manager event. Records never contain secret values, plaintexts, data keys or
//! ciphertexts — only key ARNs and encryption contexts, as CloudTrail does. The log is bounded:
//! the oldest records of an account are dropped beyond [`CAPACITY`].

pub mod record;

pub use record::{AuditRecord, UserIdentity};

use std::collections::VecDeque;

use dashmap::DashMap;
use parking_lot::Mutex;

/// Most records kept in memory per account.
pub const CAPACITY: usize = 10_000;

/// The in-memory audit trail, one bounded queue per account so that recording (on the read
/// path of every GetSecretValue) never takes a lock shared by all callers.
#[derive(Debug, Default)]
pub struct AuditLog {
    by_account: DashMap<String, Mutex<VecDeque<AuditRecord>>>,
}

impl AuditLog {
    /// An empty trail.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a record to its account's queue, dropping that account's oldest beyond
    /// [`CAPACITY`].
    pub fn record(&self, record: AuditRecord) {
        let queue = match self.by_account.get(&record.recipient_account_id) {
            Some(queue) => queue,
            None => self
                .by_account
                .entry(record.recipient_account_id.clone())
                .or_default()
                .downgrade(),
        };
        let mut records = queue.lock();
        if records.len() == CAPACITY {
            records.pop_front();
        }
        records.push_back(record);
    }

    /// The records of `account` (or of every account), oldest first within an account.
    pub fn records(&self, account: Option<&str>) -> Vec<AuditRecord> {
        match account {
            Some(account) => self
                .by_account
                .get(account)
                .map(|queue| queue.lock().iter().cloned().collect())
                .unwrap_or_default(),
            None => {
                let mut all: Vec<AuditRecord> = self
                    .by_account
                    .iter()
                    .flat_map(|queue| queue.lock().iter().cloned().collect::<Vec<_>>())
                    .collect();
                all.sort_by(|a, b| a.event_time.cmp(&b.event_time));
                all
            }
        }
    }

    /// Forgets everything, or one account's records.
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
        assert_eq!(log.records(None).len(), CAPACITY + 1);
        assert_eq!(log.records(Some("111111111111")).len(), CAPACITY);
        assert_eq!(log.records(Some("222222222222")).len(), 1);
        log.reset(Some("111111111111"));
        assert_eq!(log.records(None).len(), 1);
    }
}
