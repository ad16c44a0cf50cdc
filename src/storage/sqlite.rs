//! [`SqliteStore`]: the durable [`Store`] behind `--data-dir`, one SQLite file (bundled engine).
//!
//! Invariants:
//! - WAL journal with `synchronous=FULL`: `apply` returns only after the commit's WAL frames
//!   are fsynced, so an acknowledged batch survives a process kill or power loss.
//! - `locking_mode=EXCLUSIVE`: the first write lock is kept for the connection's life, so a
//!   second process (a second server on the same data dir) is refused with
//!   [`StoreError::Locked`] at open instead of diverging from this one's in-memory state.
//! - One connection behind a mutex: batches are serialized; each is one transaction, rolled
//!   back when any statement fails (the transaction is dropped uncommitted).
//! - The schema is brought to [`SCHEMA_VERSION`] at open (see `schema.rs`) before any use.

use std::path::{Path, PathBuf};
use std::time::Duration;

use parking_lot::Mutex;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::PartitionKey;
use super::schema::{MIGRATIONS, Migration, MigrationOutcome, SCHEMA_VERSION, engine_error};
use super::store::{Mutation, Record, RecordKind, Store, StoreError};

/// The database's file name inside the data dir.
pub const DATABASE_FILE: &str = "lockbox.db";

/// Records in a SQLite database file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    display_path: String,
    opened_from: u32,
}

impl SqliteStore {
    /// Opens (creating if needed) `lockbox.db` inside `data_dir`, which must exist.
    pub fn open_in(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open(&data_dir.join(DATABASE_FILE))
    }

    /// Opens (creating if needed) the database file at `path` and migrates it.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with_migrations(path, MIGRATIONS)
    }

    /// `open` with an explicit migration list (tests use a synthetic newer one).
    pub(crate) fn open_with_migrations(
        path: &Path,
        migrations: &[Migration],
    ) -> Result<SqliteStore, StoreError> {
        let display_path = path.display().to_string();
        let shown = display_path.as_str();
        let mut conn =
            Connection::open(path).map_err(|error| engine_error("opening", shown, error))?;
        // No waiting: the only other holder of an exclusive lock is another process.
        conn.busy_timeout(Duration::ZERO)
            .map_err(|error| engine_error("configuring", shown, error))?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|error| engine_error("configuring the locking mode", shown, error))?;
        let journal_mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|error| engine_error("enabling the WAL journal", shown, error))?;
        if !journal_mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend {
                context: "enabling the WAL journal",
                source: format!("{shown}: the journal mode stayed {journal_mode}").into(),
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|error| engine_error("configuring synchronous=FULL", shown, error))?;
        let outcome: MigrationOutcome = super::schema::migrate(&mut conn, shown, migrations)?;
        sync_parent_dir(path)?;
        if outcome.from != outcome.to {
            tracing::info!(
                path = shown,
                from = outcome.from,
                to = outcome.to,
                "storage schema migrated"
            );
        }
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path: path.to_owned(),
            display_path,
            opened_from: outcome.from,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the file was at when opened (0: created by this open).
    pub fn opened_from_version(&self) -> u32 {
        self.opened_from
    }

    /// Runs SQLite's full integrity check; `Ok` means the file is consistent.
    pub fn check_integrity(&self) -> Result<(), StoreError> {
        let conn = self.conn.lock();
        let verdict: String = conn
            .query_row("PRAGMA integrity_check", [], |row| row.get(0))
            .map_err(|error| engine_error("checking integrity", &self.display_path, error))?;
        if verdict == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt(format!(
                "{}: integrity check failed: {verdict}",
                self.display_path
            )))
        }
    }

    /// The connection, for tests that inspect or sabotage the file's schema.
    #[cfg(test)]
    pub(crate) fn connection(&self) -> parking_lot::MutexGuard<'_, Connection> {
        self.conn.lock()
    }

    fn error(&self, context: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |error| engine_error(context, &self.display_path, error)
    }
}

/// Makes the database file's directory entry durable (a new file's name lives in its parent).
fn sync_parent_dir(path: &Path) -> Result<(), StoreError> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    std::fs::File::open(parent)
        .and_then(|dir| dir.sync_all())
        .map_err(|error| StoreError::Backend {
            context: "syncing the data dir",
            source: Box::new(error),
        })
}

fn apply_one(tx: &Transaction<'_>, mutation: &Mutation) -> rusqlite::Result<()> {
    match mutation {
        Mutation::Put {
            kind,
            partition,
            id,
            value,
        } => {
            tx.prepare_cached(
                "INSERT INTO records (kind, account, region, id, value) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kind, account, region, id) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![
                kind.as_str(),
                partition.account,
                partition.region,
                id,
                value.as_slice()
            ])?;
        }
        Mutation::Delete {
            kind,
            partition,
            id,
        } => {
            tx.prepare_cached(
                "DELETE FROM records WHERE kind = ?1 AND account = ?2 AND region = ?3 AND id = ?4",
            )?
            .execute(params![
                kind.as_str(),
                partition.account,
                partition.region,
                id
            ])?;
        }
        Mutation::DeletePartition { partition } => {
            tx.prepare_cached("DELETE FROM records WHERE account = ?1 AND region = ?2")?
                .execute(params![partition.account, partition.region])?;
        }
        Mutation::DeleteAccount { account } => {
            tx.prepare_cached("DELETE FROM records WHERE account = ?1")?
                .execute(params![account])?;
        }
        Mutation::DeleteAll => {
            tx.prepare_cached("DELETE FROM records")?.execute([])?;
        }
    }
    Ok(())
}

impl Store for SqliteStore {
    fn apply(&self, batch: &[Mutation]) -> Result<(), StoreError> {
        let mut conn = self.conn.lock();
        let tx = conn
            .transaction()
            .map_err(self.error("starting a transaction"))?;
        for mutation in batch {
            // Validated one by one inside the transaction: a bad mutation late in the batch
            // rolls back the statements already run (dropping `tx` uncommitted).
            mutation.validate()?;
            apply_one(&tx, mutation).map_err(self.error("writing a batch"))?;
        }
        tx.commit().map_err(self.error("committing a batch"))
    }

    fn load(&self, kind: RecordKind) -> Result<Vec<Record>, StoreError> {
        let conn = self.conn.lock();
        let mut statement = conn
            .prepare_cached(
                "SELECT account, region, id, value FROM records WHERE kind = ?1
                 ORDER BY account, region, id",
            )
            .map_err(self.error("loading records"))?;
        let rows = statement
            .query_map([kind.as_str()], |row| {
                Ok(Record {
                    kind,
                    partition: PartitionKey::new(
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                    ),
                    id: row.get(2)?,
                    value: row.get(3)?,
                })
            })
            .map_err(self.error("loading records"))?;
        rows.collect::<rusqlite::Result<Vec<Record>>>()
            .map_err(|error| match error {
                rusqlite::Error::FromSqlConversionFailure(..)
                | rusqlite::Error::InvalidColumnType(..) => {
                    StoreError::Corrupt(format!("{kind} record: {error}"))
                }
                other => engine_error("loading records", &self.display_path, other),
            })
    }

    fn get(
        &self,
        kind: RecordKind,
        partition: &PartitionKey,
        id: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn.lock();
        conn.prepare_cached(
            "SELECT value FROM records WHERE kind = ?1 AND account = ?2 AND region = ?3 AND id = ?4",
        )
        .and_then(|mut statement| {
            statement
                .query_row(
                    params![kind.as_str(), partition.account, partition.region, id],
                    |row| row.get(0),
                )
                .optional()
        })
        .map_err(self.error("reading a record"))
    }

    fn schema_version(&self) -> u32 {
        SCHEMA_VERSION
    }
}

#[cfg(test)]
#[path = "sqlite_tests.rs"]
mod tests;
