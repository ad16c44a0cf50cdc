//! [`Partitions`]: a concurrent map from (account, region) to one service's state.
//!
//! Lookups take a shard read lock of the underlying map only long enough to clone an `Arc`;
//! all further work happens on the partition itself.

use std::sync::Arc;

use dashmap::DashMap;

/// Identifies one tenant slice of state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitionKey {
    /// 12-digit account id.
    pub account: String,
    /// Region name, e.g. `us-east-1`.
    pub region: String,
}

impl PartitionKey {
    /// A key for `account` in `region`.
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        PartitionKey {
            account: account.into(),
            region: region.into(),
        }
    }
}

/// Per-(account, region) state of type `T`, created with `T::default()` on first use.
#[derive(Debug)]
pub struct Partitions<T> {
    map: DashMap<PartitionKey, Arc<T>>,
}

impl<T> Default for Partitions<T> {
    fn default() -> Self {
        Partitions {
            map: DashMap::new(),
        }
    }
}

impl<T: Default> Partitions<T> {
    /// The partition for `account`/`region`, created empty if it does not exist yet.
    pub fn get_or_create(&self, account: &str, region: &str) -> Arc<T> {
        let key = PartitionKey::new(account, region);
        if let Some(existing) = self.map.get(&key) {
            return Arc::clone(existing.value());
        }
        Arc::clone(self.map.entry(key).or_default().value())
    }
}

impl<T> Partitions<T> {
    /// The partition for `account`/`region` if it was ever used.
    pub fn get(&self, account: &str, region: &str) -> Option<Arc<T>> {
        let key = PartitionKey::new(account, region);
        self.map.get(&key).map(|entry| Arc::clone(entry.value()))
    }

    /// Every partition that exists now (a snapshot; for background sweeps).
    pub fn all(&self) -> Vec<Arc<T>> {
        self.map
            .iter()
            .map(|entry| Arc::clone(entry.value()))
            .collect()
    }

    /// Every partition that exists now with its key, in key order (a snapshot; for exports).
    pub fn entries(&self) -> Vec<(PartitionKey, Arc<T>)> {
        let mut entries: Vec<_> = self
            .map
            .iter()
            .map(|entry| (entry.key().clone(), Arc::clone(entry.value())))
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        entries
    }

    /// Drops every partition.
    pub fn clear(&self) {
        self.map.clear();
    }

    /// Drops every partition of one account.
    pub fn clear_account(&self, account: &str) {
        self.map.retain(|key, _| key.account != account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn partitions_are_isolated_and_resettable() {
        let parts: Partitions<AtomicU32> = Partitions::default();
        parts
            .get_or_create("111111111111", "us-east-1")
            .store(1, Ordering::SeqCst);
        assert_eq!(
            parts
                .get_or_create("111111111111", "us-east-1")
                .load(Ordering::SeqCst),
            1
        );
        assert_eq!(
            parts
                .get_or_create("111111111111", "eu-west-1")
                .load(Ordering::SeqCst),
            0
        );
        assert_eq!(
            parts
                .get_or_create("222222222222", "us-east-1")
                .load(Ordering::SeqCst),
            0
        );
        parts.clear_account("111111111111");
        assert!(parts.get("111111111111", "us-east-1").is_none());
        assert!(parts.get("222222222222", "us-east-1").is_some());
        parts.clear();
        assert!(parts.get("222222222222", "us-east-1").is_none());
    }
}
