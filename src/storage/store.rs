//! The [`Store`] contract shared by every durable backend: typed-by-kind records keyed by
//! (kind, partition, id), written in atomic batches of [`Mutation`]s and loaded back per kind.
//!
//! Invariants every backend upholds (checked by the conformance suite in `conformance.rs`):
//! - `apply` is all-or-nothing: when it returns `Err`, no mutation of the batch is visible;
//!   when it returns `Ok`, every mutation is committed (durably, for durable backends).
//! - Mutations of a batch take effect in order (a `Put` after a `Delete` of the same id wins).
//! - `load` returns the records of one kind ordered by (account, region, id), byte-wise.
//! - Records are opaque bytes: the store never interprets, logs or echoes them, so a
//!   [`StoreError`] never carries a value, only kinds, partitions, ids and lengths.

use std::fmt;

use super::PartitionKey;

/// Largest value one record may hold. Generous on purpose: a record holds one service object
/// (e.g. a secret with its sealed versions) and must never be split by the store.
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;

/// Longest record id, in bytes.
pub const MAX_ID_BYTES: usize = 2048;

/// What a record is. The string form (`as_str`) is what backends persist, so it must never
/// change for an existing variant; new kinds are added at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// A Secrets Manager secret with its versions, stages, tags, policy, rotation and
    /// deletion settings; values stay envelope-encrypted as in memory.
    Secret,
    /// A KMS key's metadata and its key material sealed with the root key.
    KmsKey,
    /// A KMS alias.
    KmsAlias,
    /// A KMS grant. Reserved: grants are stored inside their key's `KmsKey` record today.
    KmsGrant,
    /// One audit trail record.
    AuditRecord,
    /// An IAM principal known to the emulator (reserved for the IAM issue).
    Principal,
    /// Emulator-wide settings that outlive a restart (e.g. the virtual clock's offset).
    Meta,
}

impl RecordKind {
    /// Every kind, in declaration order.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::Secret,
        RecordKind::KmsKey,
        RecordKind::KmsAlias,
        RecordKind::KmsGrant,
        RecordKind::AuditRecord,
        RecordKind::Principal,
        RecordKind::Meta,
    ];

    /// The persisted name of this kind.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Secret => "secret",
            RecordKind::KmsKey => "kms-key",
            RecordKind::KmsAlias => "kms-alias",
            RecordKind::KmsGrant => "kms-grant",
            RecordKind::AuditRecord => "audit-record",
            RecordKind::Principal => "principal",
            RecordKind::Meta => "meta",
        }
    }

    /// The kind whose persisted name is `name`.
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One stored record.
#[derive(Clone, PartialEq, Eq)]
pub struct Record {
    /// What the record is.
    pub kind: RecordKind,
    /// The (account, region) it belongs to.
    pub partition: PartitionKey,
    /// Its id, unique within (kind, partition).
    pub id: String,
    /// The service's serialized object; opaque to the store.
    pub value: Vec<u8>,
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Record")
            .field("kind", &self.kind)
            .field("partition", &self.partition)
            .field("id", &self.id)
            .field("value_len", &self.value.len())
            .finish()
    }
}

/// One change in a batch given to [`Store::apply`].
#[derive(Clone, PartialEq, Eq)]
pub enum Mutation {
    /// Inserts or replaces the record (kind, partition, id).
    Put {
        /// What the record is.
        kind: RecordKind,
        /// Its (account, region).
        partition: PartitionKey,
        /// Its id within (kind, partition).
        id: String,
        /// The serialized object.
        value: Vec<u8>,
    },
    /// Removes the record (kind, partition, id); removing a missing record is not an error.
    Delete {
        /// What the record is.
        kind: RecordKind,
        /// Its (account, region).
        partition: PartitionKey,
        /// Its id within (kind, partition).
        id: String,
    },
    /// Removes every record of every kind in one (account, region).
    DeletePartition {
        /// The (account, region) to empty.
        partition: PartitionKey,
    },
    /// Removes every record of every kind in every region of one account.
    DeleteAccount {
        /// The 12-digit account id.
        account: String,
    },
    /// Removes every record (an admin reset of the whole emulator).
    DeleteAll,
}

impl fmt::Debug for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mutation::Put {
                kind,
                partition,
                id,
                value,
            } => f
                .debug_struct("Put")
                .field("kind", kind)
                .field("partition", partition)
                .field("id", id)
                .field("value_len", &value.len())
                .finish(),
            Mutation::Delete {
                kind,
                partition,
                id,
            } => f
                .debug_struct("Delete")
                .field("kind", kind)
                .field("partition", partition)
                .field("id", id)
                .finish(),
            Mutation::DeletePartition { partition } => f
                .debug_struct("DeletePartition")
                .field("partition", partition)
                .finish(),
            Mutation::DeleteAccount { account } => f
                .debug_struct("DeleteAccount")
                .field("account", account)
                .finish(),
            Mutation::DeleteAll => f.write_str("DeleteAll"),
        }
    }
}

impl Mutation {
    /// A `Put` of `value` at (kind, partition, id).
    pub fn put(
        kind: RecordKind,
        partition: &PartitionKey,
        id: impl Into<String>,
        value: impl Into<Vec<u8>>,
    ) -> Mutation {
        Mutation::Put {
            kind,
            partition: partition.clone(),
            id: id.into(),
            value: value.into(),
        }
    }

    /// A `Delete` of (kind, partition, id).
    pub fn delete(kind: RecordKind, partition: &PartitionKey, id: impl Into<String>) -> Mutation {
        Mutation::Delete {
            kind,
            partition: partition.clone(),
            id: id.into(),
        }
    }

    /// Checks the limits every backend enforces, before anything is written.
    pub fn validate(&self) -> Result<(), StoreError> {
        match self {
            Mutation::Put {
                partition,
                id,
                value,
                ..
            } => {
                validate_key(partition, id)?;
                if value.len() > MAX_VALUE_BYTES {
                    return Err(StoreError::Invalid(format!(
                        "record {id} is {} bytes; the limit is {MAX_VALUE_BYTES}",
                        value.len()
                    )));
                }
                Ok(())
            }
            Mutation::Delete { partition, id, .. } => validate_key(partition, id),
            Mutation::DeletePartition { partition } => validate_partition(partition),
            Mutation::DeleteAccount { account } if account.is_empty() => Err(StoreError::Invalid(
                "DeleteAccount needs a non-empty account".into(),
            )),
            Mutation::DeleteAccount { .. } | Mutation::DeleteAll => Ok(()),
        }
    }
}

fn validate_partition(partition: &PartitionKey) -> Result<(), StoreError> {
    if partition.account.is_empty() || partition.region.is_empty() {
        return Err(StoreError::Invalid(format!(
            "partition ({:?}, {:?}) needs a non-empty account and region",
            partition.account, partition.region
        )));
    }
    Ok(())
}

fn validate_key(partition: &PartitionKey, id: &str) -> Result<(), StoreError> {
    validate_partition(partition)?;
    if id.is_empty() {
        return Err(StoreError::Invalid("record id must not be empty".into()));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(StoreError::Invalid(format!(
            "record id is {} bytes; the limit is {MAX_ID_BYTES}",
            id.len()
        )));
    }
    Ok(())
}

/// A storage failure. Never a wire error: a service that cannot persist a mutation answers
/// with its own internal-failure error and logs this (it carries no values).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The batch broke a store limit (empty id, oversized value, ...); nothing was written.
    #[error("invalid mutation: {0}")]
    Invalid(String),
    /// The database file's schema is newer than this build understands.
    #[error(
        "the database {path} has schema version {found}, newer than version {supported} that this Lockbox supports; run a newer Lockbox or point --data-dir elsewhere"
    )]
    SchemaTooNew {
        /// The database file.
        path: String,
        /// The version recorded in the file.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// The file is a SQLite database but not one Lockbox created.
    #[error("{path} is not a Lockbox database (it has tables but no schema_version table)")]
    ForeignDatabase {
        /// The database file.
        path: String,
    },
    /// Another process holds the database (two servers on one data dir).
    #[error(
        "the database {path} is in use by another process; only one Lockbox may use a data dir"
    )]
    Locked {
        /// The database file.
        path: String,
    },
    /// The database returned something this code never writes (a corrupt or edited file).
    #[error("the database holds an unreadable record: {0}")]
    Corrupt(String),
    /// The engine or the file system failed.
    #[error("storage failure while {context}: {source}")]
    Backend {
        /// What the store was doing.
        context: &'static str,
        /// The engine's or file system's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// A durable home for service state. Reads happen in memory in the services; the store is
/// written through on every mutation and read once per kind at start-up.
pub trait Store: Send + Sync + fmt::Debug {
    /// Applies `batch` atomically, in order; returns only once it is committed.
    fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError>;

    /// Every record of `kind`, ordered by (account, region, id).
    fn load(&self, kind: RecordKind) -> Result<Vec<Record>, StoreError>;

    /// One record's value, if present.
    fn get(
        &self,
        kind: RecordKind,
        partition: &PartitionKey,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError>;

    /// The schema version of the data this store holds (the latest this build writes).
    fn schema_version(&self) -> u32;
}
