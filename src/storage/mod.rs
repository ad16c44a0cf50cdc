//! State storage.
//!
//! In memory, everything is partitioned by (account, region) in [`Partitions`]; a partition is
//! created on first use and handed out as an `Arc`, so requests in different partitions never
//! contend and no request clones a whole store.
//!
//! Durably, a [`Store`] keeps typed-by-kind records keyed by (kind, partition, id). Backends:
//! [`MemoryStore`] (no `--data-dir`) and [`SqliteStore`] (`--data-dir DIR`: `DIR/lockbox.db`,
//! WAL + `synchronous=FULL`, schema versioned and migrated at open, see `schema.rs`). Both pass
//! one conformance suite (`conformance.rs`). KMS key material is sealed with the [`RootKey`]
//! (`LOCKBOX_ROOT_KEY` or `DIR/root.key`) before it is put in a record.
//!
//! How services use a store (write-through, load at start-up):
//! - Reads never touch the store: services keep answering from their in-memory state.
//! - A mutating operation builds its new in-memory object(s), serializes each to a record
//!   (`RecordKind::Secret` for a secret with its versions, tags, policy, rotation and deletion
//!   state; `KmsKey` with material sealed by `RootKey::seal`, aad = the key ARN; `KmsAlias`;
//!   `KmsGrant`; `AuditRecord`; `Principal`; `Meta` for emulator-wide settings such as the
//!   clock offset), then calls `store.apply(&[...])` with every record the operation changes,
//!   as ONE batch, while holding the partition's write lock. Only when `apply` returns `Ok` is
//!   the in-memory state swapped and the response sent; on `Err` memory stays as it was and
//!   the client gets the service's internal-failure error (a [`StoreError`] is logged, never
//!   put on the wire). Holding the partition lock across `apply` keeps the store's order of
//!   writes equal to memory's order for each partition.
//! - Admin resets map to `Mutation::DeleteAll` / `DeleteAccount` / `DeletePartition`.
//! - Start-up with `--data-dir DIR`: create DIR if missing (mode 0700), `RootKey::resolve(
//!   env LOCKBOX_ROOT_KEY, DIR)`, `SqliteStore::open_in(DIR)` (refuses a newer schema, a
//!   foreign database, or a data dir another process holds), then compare the `Meta` record
//!   `root-key-check` with `RootKey::matches_check` (write `RootKey::check_value` on first
//!   use) so a wrong root key stops the start with a clear message.
//! - At start-up, before the listener opens, each service calls `store.load(kind)` for its
//!   kinds and rebuilds its partitions from the records (ordered by account, region, id), so
//!   background sweeps (recovery windows, key deletion, rotation) resume from stored
//!   timestamps on the clock.

pub mod codec;
#[cfg(test)]
mod conformance;
mod data_dir;
mod journal;
mod memory;
mod partitioned;
mod root_key;
mod schema;
mod sqlite;
mod store;
mod tracked;

pub use data_dir::{
    CLOCK_OFFSET, ROOT_KEY_CHECK, describe as describe_root_key_source, meta_partition,
    open_data_dir, reset_all_batch,
};
pub use journal::{Journal, Section, changed_records, commit_section, decode_json, encode_json};
pub use memory::MemoryStore;
pub use partitioned::{PartitionKey, Partitions};
pub use root_key::{ROOT_KEY_ENV, ROOT_KEY_FILE, RootKey, RootKeyError, RootKeySource};
pub use schema::SCHEMA_VERSION;
pub use sqlite::{DATABASE_FILE, SqliteStore};
pub use store::{MAX_ID_BYTES, MAX_VALUE_BYTES, Mutation, Record, RecordKind, Store, StoreError};
pub use tracked::Tracked;
