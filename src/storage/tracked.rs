//! [`Tracked`]: an ordered map that remembers which entries a write section changed, and
//! their values before the first change, so the section can be committed to a [`Store`] as
//! one batch or undone as a whole.
//!
//! Reads go through `Deref` to the inner `BTreeMap`; every mutation goes through
//! [`Tracked::get_mut`], [`Tracked::insert`] or [`Tracked::remove`], which note the entry.
//! There is no `DerefMut`, so an untracked change does not compile.
//!
//! Invariant: outside a write section (see [`super::journal`]) nothing is noted; a section
//! ends with [`Tracked::settle`] (keep the changes) or [`Tracked::rollback`] (restore).
//!
//! [`Store`]: super::Store

use std::collections::BTreeMap;
use std::ops::Deref;

/// An ordered `String -> V` map with change tracking.
#[derive(Debug)]
pub struct Tracked<V> {
    map: BTreeMap<String, V>,
    /// Entries changed in the current write section, with their value before the first change.
    before: BTreeMap<String, Option<V>>,
}

impl<V> Default for Tracked<V> {
    fn default() -> Self {
        Tracked {
            map: BTreeMap::new(),
            before: BTreeMap::new(),
        }
    }
}

impl<V> Deref for Tracked<V> {
    type Target = BTreeMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.map
    }
}

impl<V: Clone> Tracked<V> {
    /// The entry `key`, mutably; notes it as changed.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        if self.map.contains_key(key) {
            self.note(key);
        }
        self.map.get_mut(key)
    }

    /// Inserts or replaces `key`; returns the previous value.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        self.note(&key);
        self.map.insert(key, value)
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        if !self.map.contains_key(key) {
            return None;
        }
        self.note(key);
        self.map.remove(key)
    }

    /// Removes every entry for which `keep` is false.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        let doomed: Vec<String> = self
            .map
            .iter()
            .filter(|(key, value)| !keep(key, value))
            .map(|(key, _)| key.clone())
            .collect();
        for key in doomed {
            self.remove(&key);
        }
    }

    fn note(&mut self, key: &str) {
        if !self.before.contains_key(key) {
            self.before
                .insert(key.to_owned(), self.map.get(key).cloned());
        }
    }

    /// The entries changed since the section began: `(key, Some(value now))` for a put,
    /// `(key, None)` for a removal. Entries changed back to nothing new are still listed.
    pub fn changes(&self) -> impl Iterator<Item = (&str, Option<&V>)> {
        self.before
            .keys()
            .map(|key| (key.as_str(), self.map.get(key)))
    }

    /// True when the section changed something.
    pub fn is_changed(&self) -> bool {
        !self.before.is_empty()
    }

    /// Keeps the section's changes.
    pub fn settle(&mut self) {
        self.before.clear();
    }

    /// Undoes the section's changes.
    pub fn rollback(&mut self) {
        for (key, value) in std::mem::take(&mut self.before) {
            match value {
                Some(value) => {
                    self.map.insert(key, value);
                }
                None => {
                    self.map.remove(&key);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_list_puts_and_removals_once() {
        let mut map: Tracked<u32> = Tracked::default();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.settle();
        *map.get_mut("a").unwrap() = 10;
        map.insert("a".into(), 11);
        map.remove("b");
        map.insert("c".into(), 3);
        assert!(map.get_mut("missing").is_none());
        assert!(map.remove("missing").is_none());
        let changes: Vec<_> = map
            .changes()
            .map(|(k, v)| (k.to_owned(), v.copied()))
            .collect();
        assert_eq!(
            changes,
            vec![
                ("a".to_owned(), Some(11)),
                ("b".to_owned(), None),
                ("c".to_owned(), Some(3))
            ]
        );
    }

    #[test]
    fn rollback_restores_the_state_before_the_section() {
        let mut map: Tracked<u32> = Tracked::default();
        map.insert("a".into(), 1);
        map.insert("b".into(), 2);
        map.settle();
        *map.get_mut("a").unwrap() = 10;
        map.remove("b");
        map.insert("c".into(), 3);
        map.retain(|_, v| *v != 10);
        map.rollback();
        assert_eq!(
            map.iter()
                .map(|(k, v)| (k.as_str(), *v))
                .collect::<Vec<_>>(),
            vec![("a", 1), ("b", 2)]
        );
        assert!(!map.is_changed());
    }

    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u32),
        Remove(u8),
        Bump(u8),
        RetainEven,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..8, any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
            (0u8..8).prop_map(Op::Remove),
            (0u8..8).prop_map(Op::Bump),
            Just(Op::RetainEven),
        ]
    }

    fn apply(map: &mut Tracked<u32>, op: &Op) {
        match op {
            Op::Insert(k, v) => {
                map.insert(k.to_string(), *v);
            }
            Op::Remove(k) => {
                map.remove(&k.to_string());
            }
            Op::Bump(k) => {
                if let Some(v) = map.get_mut(&k.to_string()) {
                    *v = v.wrapping_add(1);
                }
            }
            Op::RetainEven => map.retain(|_, v| v % 2 == 0),
        }
    }

    proptest! {
        /// Whatever a section does, `changes` names every entry that differs from before it
        /// (so its batch stores them all), and `rollback` restores exactly the state before.
        #[test]
        fn changes_cover_every_difference_and_rollback_restores(
            initial in proptest::collection::btree_map(0u8..8, any::<u32>(), 0..8),
            ops in proptest::collection::vec(op(), 0..20),
        ) {
            let mut map: Tracked<u32> = Tracked::default();
            for (k, v) in &initial {
                map.insert(k.to_string(), *v);
            }
            map.settle();
            let before: BTreeMap<String, u32> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
            for op in &ops {
                apply(&mut map, op);
            }
            let noted: Vec<String> = map.changes().map(|(k, _)| k.to_owned()).collect();
            for key in before.keys().chain(map.keys()) {
                if before.get(key) != map.get(key) {
                    prop_assert!(noted.contains(key), "{key} changed but was not noted");
                }
            }
            for (key, now) in map.changes() {
                prop_assert_eq!(now, map.get(key));
            }
            map.rollback();
            let after: BTreeMap<String, u32> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
            prop_assert_eq!(after, before);
            prop_assert!(!map.is_changed());
        }
    }
}
