//! State storage.
//!
//! In memory, everything is partitioned by (account, region) in [`Partitions`]; a partition is
//! created on first use and handed out as an `Arc`, so requests in different partitions never
//! contend and no request clones a whole store.
//!
//! Durably, a [`Store`] keeps typed-by-kind records keyed by (kind, partition, id). Backends:
//! [`MemoryStore`] (no `--data-dir`) and [`SqliteStore`] (`--data-dir DIR`: `DIR/lockbox.db`,
//! WAL + `synchronous=FULL`, schema versioned and migrated at open, see `schema.rs`). Both pass
//! one conformance suite (`conformance.rs`). Records are opaque bytes: storage never knows what
//! it stores (KMS seals its key material with its root key before a record is made).
//!
//! How services use a store (write-through, load at start-up):
//! - Reads never touch the store: services keep answering from their in-memory state.
//! - Service maps that change are [`Tracked`] maps: they note every entry a write section
//!   changes (with its value before). A section is a closure run under the partition's write
//!   lock(s) (`SecretTable::write`, `KeyRing::write`); [`commit_section`] then turns the noted
//!   entries into ONE [`Store::apply`] batch of records (`Secret` with its versions, tags,
//!   policy and deletion state; `KmsKey` with its material sealed by KMS's root key, aad =
//!   the key ARN; `KmsAlias`) while the locks are still held, so the store's order of writes
//!   equals memory's for each partition. Only when `apply` returns `Ok` are the changes kept
//!   and the caller answered; on `Err` they are undone and the caller gets the service's
//!   internal error (the [`StoreError`] is logged, never put on the wire). A section that
//!   fails is undone too. Without a data dir the [`Journal`] has no store and sections end
//!   without serializing anything.
//! - Audit records are stored by a background writer in batches (see `crate::audit`); the
//!   clock offset and the root-key check are `Meta` records (`crate::data_dir`).
//! - Admin resets map to `Mutation::DeleteAll` (keeping the `Meta` records) / `DeleteAccount`.
//! - Start-up with `--data-dir DIR` is `crate::data_dir`'s job: the directory, the root key,
//!   [`SqliteStore::open_in`] (refuses a newer schema, a foreign database, or a data dir
//!   another process holds) and the root-key check.
//! - Then, before the listener serves, each service loads its kinds (`LocalKms::load`,
//!   `SecretsManager::load`, `AuditLog::durable`) and rebuilds its partitions, noting deletion
//!   dates and rotation schedules in its due-hints, so background sweeps (recovery windows,
//!   key deletion, rotation) resume from stored timestamps on the clock.

pub mod codec;
#[cfg(test)]
mod conformance;
mod journal;
mod memory;
mod partitioned;
mod schema;
mod sqlite;
mod store;
mod tracked;

pub use journal::{Journal, Section, changed_records, commit_section, decode_json, encode_json};
pub use memory::MemoryStore;
pub use partitioned::{PartitionKey, Partitions};
pub use schema::SCHEMA_VERSION;
pub use sqlite::{DATABASE_FILE, SqliteStore};
pub use store::{MAX_ID_BYTES, MAX_VALUE_BYTES, Mutation, Record, RecordKind, Store, StoreError};
pub use tracked::Tracked;
