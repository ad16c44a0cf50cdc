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
//! - Service maps that change are [`Tracked`] maps: they note every entry a write section
//!   changes (with its value before). A section is a closure run under the partition's write
//!   lock(s) (`SecretTable::write`, `KeyRing::write`); [`commit_section`] then turns the noted
//!   entries into ONE [`Store::apply`] batch of records (`Secret` with its versions, tags,
//!   policy and deletion state; `KmsKey` with its material sealed by [`RootKey::seal`], aad =
//!   the key ARN; `KmsAlias`) while the locks are still held, so the store's order of writes
//!   equals memory's for each partition. Only when `apply` returns `Ok` are the changes kept
//!   and the caller answered; on `Err` they are undone and the caller gets the service's
//!   internal error (the [`StoreError`] is logged, never put on the wire). A section that
//!   fails is undone too. Without a data dir the [`Journal`] has no store and sections end
//!   without serializing anything.
//! - Audit records are stored by a background writer in batches (see `crate::audit`); the
//!   clock offset and the root-key check are `Meta` records ([`meta_partition`]).
//! - Admin resets map to `Mutation::DeleteAll` (keeping the `Meta` records) / `DeleteAccount`.
//! - Start-up with `--data-dir DIR` ([`open_data_dir`]): create DIR if missing (mode 0700),
//!   `RootKey::resolve(env LOCKBOX_ROOT_KEY, DIR)`, `SqliteStore::open_in(DIR)` (refuses a
//!   newer schema, a foreign database, or a data dir another process holds), then compare the
//!   `Meta` record `root-key-check` with `RootKey::matches_check` (written on first use) so a
//!   wrong root key stops the start with a clear message.
//! - Then, before the listener serves, each service loads its kinds (`LocalKms::load`,
//!   `SecretsManager::load`, `AuditLog::durable`) and rebuilds its partitions, noting deletion
//!   dates and rotation schedules in its due-hints, so background sweeps (recovery windows,
//!   key deletion, rotation) resume from stored timestamps on the clock.

pub mod codec;
#[cfg(test)]
mod conformance;
mod data_dir;
mod journal;
#[cfg(test)]
mod journal_tests;
mod memory;
mod partitioned;
mod root_key;
mod schema;
mod sqlite;
mod store;
mod tracked;

pub use data_dir::{
    CLOCK_OFFSET, ROOT_KEY_CHECK, clock_offset_record, describe as describe_root_key_source,
    meta_partition, open_data_dir, reset_all_batch, root_key_check_record,
    settle_interrupted_rekey, stored_clock_offset,
};
pub use journal::{Journal, Section, changed_records, commit_section, decode_json, encode_json};
pub use memory::MemoryStore;
pub use partitioned::{PartitionKey, Partitions};
pub use root_key::{
    NEXT_ROOT_KEY_FILE, ROOT_KEY_ENV, ROOT_KEY_FILE, RootKey, RootKeyError, RootKeySource,
};
pub use schema::SCHEMA_VERSION;
pub use sqlite::{DATABASE_FILE, SqliteStore};
pub use store::{MAX_ID_BYTES, MAX_VALUE_BYTES, Mutation, Record, RecordKind, Store, StoreError};
pub use tracked::Tracked;
