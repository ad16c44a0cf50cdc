//! [`MemoryStore`]: the [`Store`] used without `--data-dir`, and the reference the SQLite
//! backend is tested against. One ordered map behind a mutex; a batch is validated in full
//! before anything is applied, so it is all-or-nothing like a database transaction.

use std::collections::BTreeMap;

use parking_lot::Mutex;

use super::PartitionKey;
use super::schema::SCHEMA_VERSION;
use super::store::{Mutation, Record, RecordKind, Store, StoreError};

/// (kind, account, region, id): ordered exactly as `load` promises.
type RecordKey = (RecordKind, String, String, String);

/// Records held in process memory; lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<BTreeMap<RecordKey, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }
}

fn record_key(kind: RecordKind, partition: &PartitionKey, id: &str) -> RecordKey {
    (
        kind,
        partition.account.clone(),
        partition.region.clone(),
        id.to_owned(),
    )
}

impl Store for MemoryStore {
    fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError> {
        for mutation in batch {
            mutation.validate()?;
        }
        let mut records = self.records.lock();
        for mutation in batch {
            match mutation {
                Mutation::Put {
                    kind,
                    partition,
                    id,
                    value,
                } => {
                    records.insert(record_key(*kind, partition, id), value.clone());
                }
                Mutation::Delete {
                    kind,
                    partition,
                    id,
                } => {
                    records.remove(&record_key(*kind, partition, id));
                }
                Mutation::DeletePartition { partition } => {
                    records.retain(|key, _| key.1 != partition.account || key.2 != partition.region)
                }
                Mutation::DeleteAccount { account } => records.retain(|key, _| &key.1 != account),
                Mutation::DeleteAll => records.clear(),
            }
        }
        Ok(())
    }

    fn load(&self, kind: RecordKind) -> Result<Vec<Record>, StoreError> {
        let records = self.records.lock();
        Ok(records
            .iter()
            .filter(|(key, _)| key.0 == kind)
            .map(|((kind, account, region, id), value)| Record {
                kind: *kind,
                partition: PartitionKey::new(account.clone(), region.clone()),
                id: id.clone(),
                value: value.clone(),
            })
            .collect())
    }

    fn get(
        &self,
        kind: RecordKind,
        partition: &PartitionKey,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .records
            .lock()
            .get(&record_key(kind, partition, id))
            .cloned())
    }

    fn schema_version(&self) -> u32 {
        SCHEMA_VERSION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::storage::conformance::store_conformance_tests!(|| {
        (
            Box::new(MemoryStore::new()) as Box<dyn Store>,
            Box::new(()) as Box<dyn std::any::Any>,
        )
    });
}
