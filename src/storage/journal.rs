//! [`Journal`]: where services write their changes, and [`commit_section`], the one way a
//! write section ends.
//!
//! Without `--data-dir` the journal is in-memory only: a section's changes are kept (or, when
//! the section fails, undone) and nothing is serialized. With a data dir, every section that
//! changed something becomes ONE [`Store::apply`] batch, made while the section's locks are
//! still held; only when it is committed are the changes kept and the caller answered. When
//! the store refuses, the changes are undone, the cause is logged (it never carries values)
//! and the caller gets its service's internal error.

use std::sync::Arc;

#[cfg(doc)]
use super::Tracked;
use super::{Mutation, PartitionKey, RecordKind, Store, StoreError};

/// A service's handle on durable storage; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    store: Option<Arc<dyn Store>>,
}

impl Journal {
    /// A journal that keeps nothing beyond process memory.
    pub fn in_memory() -> Journal {
        Journal::default()
    }

    /// A journal writing through to `store`.
    pub fn durable(store: Arc<dyn Store>) -> Journal {
        Journal { store: Some(store) }
    }

    /// The store, when state is durable.
    pub fn store(&self) -> Option<&Arc<dyn Store>> {
        self.store.as_ref()
    }

    /// Applies `batch` when durable (a no-op in memory); for writes outside a section.
    pub fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError> {
        match self.store() {
            Some(store) if !batch.is_empty() => store.apply(batch),
            _ => Ok(()),
        }
    }
}

/// State that a write section changes and that can keep or undo those changes.
pub trait Section {
    /// True when the section changed something.
    fn is_changed(&self) -> bool;
    /// The records the section's changes become (already sealed where they must be).
    fn batch(&self) -> Result<Vec<Mutation>, StoreError>;
    /// Keeps the changes.
    fn settle(&mut self);
    /// Undoes the changes.
    fn rollback(&mut self);
}

/// Ends a write section that produced `outcome`: a failed section is undone; a successful one
/// that changed something is committed to the journal's store (in memory: kept at once).
/// `internal` makes the service's internal error when the store refuses.
pub fn commit_section<S: Section, T, E>(
    journal: &Journal,
    state: &mut S,
    outcome: Result<T, E>,
    internal: impl FnOnce() -> E,
) -> Result<T, E> {
    let value = match outcome {
        Ok(value) => value,
        Err(error) => {
            state.rollback();
            return Err(error);
        }
    };
    if !state.is_changed() {
        return Ok(value);
    }
    let Some(store) = &journal.store else {
        state.settle();
        return Ok(value);
    };
    match state.batch().and_then(|batch| store.apply(&batch)) {
        Ok(()) => {
            state.settle();
            Ok(value)
        }
        Err(error) => {
            tracing::error!(%error, "a change could not be stored; it was undone");
            state.rollback();
            Err(internal())
        }
    }
}

/// The records for the changes of a section (as [`Tracked::changes`] lists them): a put of
/// `encode(value)` for each entry present now, a delete for each removed one. Record ids are
/// the entries' keys.
pub fn changed_records<'a, V: 'a>(
    changes: impl Iterator<Item = (&'a str, Option<&'a V>)>,
    kind: RecordKind,
    partition: &PartitionKey,
    mut encode: impl FnMut(&V) -> Result<Vec<u8>, StoreError>,
) -> Result<Vec<Mutation>, StoreError> {
    changes
        .map(|(id, value)| match value {
            Some(value) => Ok(Mutation::put(kind, partition, id, encode(value)?)),
            None => Ok(Mutation::delete(kind, partition, id)),
        })
        .collect()
}

/// Serializes a stored form as JSON (records are opaque to the store; JSON keeps them
/// inspectable and lets fields be added with defaults).
pub fn encode_json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|error| StoreError::Backend {
        context: "serializing a record",
        source: Box::new(error),
    })
}

/// Parses a stored form written by [`encode_json`]; `what` names the record in errors.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|error| StoreError::Corrupt(format!("{what}: {error}")))
}
