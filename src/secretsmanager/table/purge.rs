//! Recovery windows: a secret scheduled for deletion disappears for good once its
//! `DeletionDate` has passed on the (virtual) clock.
//!
//! The purge runs in three places so that no request can ever see an expired secret:
//! lazily before any request touches a partition ([`SecretTable::purge_due`] from
//! `SecretsManager::table`), from the server's background scheduler, and right after the
//! admin API moves the clock (`SecretsManager::purge_expired`). Removal goes only through
//! `Secrets::remove`, which keeps the table's indexes in sync.
//!
//! Invariant: a table's purge hint (a [`crate::clock::DueHint`]) is never later than the
//! earliest deletion date of any of its scheduled secrets (whole seconds, rounded down), so a
//! check that finds `now` before the hint may skip the scan. The hint is private to the
//! table: [`SecretTable::write`] lowers it for every secret a section leaves scheduled, and
//! only the purge below recomputes it, both under the write lock.

use time::OffsetDateTime;

use super::SecretTable;
use crate::storage::{Journal, PartitionKey};

impl SecretTable {
    /// Removes every secret whose deletion date is not after `now`; returns how many.
    /// Cheap (one atomic load) when nothing can be due.
    /// The removals are stored through `journal`; when the store refuses, nothing is removed
    /// (the next purge retries).
    pub fn purge_due(
        &self,
        journal: &Journal,
        partition: &PartitionKey,
        now: OffsetDateTime,
    ) -> usize {
        if !self.purge_hint.may_be_due(now) {
            return 0;
        }
        self.write(journal, partition, |secrets| {
            let due: Vec<String> = secrets
                .in_creation_order()
                .filter(|secret| secret.deletion_due(now))
                .map(|secret| secret.name.clone())
                .collect();
            for name in &due {
                secrets.remove(name);
            }
            let earliest = secrets
                .in_creation_order()
                .filter_map(|secret| secret.deletion_date)
                .min();
            self.purge_hint.reset_to(earliest);
            Ok(due.len())
        })
        .unwrap_or_else(|_| {
            // Undone: keep the hint due so the next purge retries.
            self.purge_hint.note(now);
            0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secretsmanager::secret::Secret;
    use time::Duration;

    fn purge(table: &SecretTable, now: OffsetDateTime) -> usize {
        let partition = PartitionKey::new("000000000000", "us-east-1");
        table.purge_due(&Journal::in_memory(), &partition, now)
    }

    fn insert(table: &SecretTable, secret: Secret) {
        let partition = PartitionKey::new("000000000000", "us-east-1");
        table
            .write(&Journal::in_memory(), &partition, |secrets| {
                secrets.insert(secret);
                Ok(())
            })
            .unwrap();
    }

    fn secret(name: &str) -> Secret {
        Secret::new(
            name.into(),
            format!("arn:aws:secretsmanager:us-east-1:000000000000:secret:{name}-AbC123"),
            OffsetDateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn only_secrets_past_their_deletion_date_are_removed() {
        let table = SecretTable::default();
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(20_000);
        for (name, days) in [("seven", Some(7)), ("thirty", Some(30)), ("kept", None)] {
            let mut s = secret(name);
            if let Some(days) = days {
                // The write section lowers the hint itself.
                s.schedule_deletion(start, Duration::days(days));
            }
            insert(&table, s);
        }
        assert_eq!(purge(&table, start + Duration::days(6)), 0);
        assert_eq!(purge(&table, start + Duration::days(8)), 1);
        assert!(table.read().get("seven").is_none());
        assert!(table.read().get("thirty").is_some());
        assert_eq!(purge(&table, start + Duration::days(30)), 1);
        assert_eq!(table.read().len(), 1);
        assert!(table.read().get("kept").is_some());
        assert!(!table.purge_hint.may_be_due(start + Duration::days(10_000)));
    }

    #[test]
    fn a_restored_secret_is_kept() {
        let table = SecretTable::default();
        let start = OffsetDateTime::UNIX_EPOCH;
        let mut s = secret("back");
        table
            .purge_hint
            .note(s.schedule_deletion(start, Duration::days(7)));
        s.restore();
        insert(&table, s);
        assert_eq!(purge(&table, start + Duration::days(8)), 0);
        assert_eq!(table.read().len(), 1);
    }
}
