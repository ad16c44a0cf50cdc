//! The SQLite schema and its ordered migrations.
//!
//! Invariants:
//! - `MIGRATIONS[i]` takes a database from version `i` to version `i + 1`; steps are only ever
//!   appended, never edited once released (a released step may have run on users' disks).
//! - The `schema_version` table holds exactly one row: the version the data is at.
//! - Migrating runs in one write transaction: a crash mid-way leaves the old version intact.
//! - A database at a version above the code's is refused, never touched.

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::store::StoreError;

/// One schema step.
pub struct Migration {
    /// The version the database is at after this step.
    pub version: u32,
    /// What the step does, for logs.
    pub description: &'static str,
    /// The step itself, run inside the migration's transaction.
    pub apply: fn(&Transaction<'_>) -> rusqlite::Result<()>,
}

/// Every step, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "records table keyed by (kind, account, region, id)",
        apply: create_records_table,
    },
    Migration {
        version: 2,
        description: "records as a rowid table with a unique key, so values up to ~4 KB stay on their page",
        apply: records_with_rowid,
    },
];

/// The version this build writes (and the highest it can read).
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

fn create_records_table(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    // STRICT: a value that is not a BLOB (or an id that is not TEXT) is refused by the engine.
    // WITHOUT ROWID: the primary key is the table's order, so `load` is a range scan already
    // sorted by (account, region, id) under the BINARY (byte-wise) collation.
    tx.execute_batch(
        "CREATE TABLE records (
             kind    TEXT NOT NULL,
             account TEXT NOT NULL,
             region  TEXT NOT NULL,
             id      TEXT NOT NULL,
             value   BLOB NOT NULL,
             PRIMARY KEY (kind, account, region, id)
         ) STRICT, WITHOUT ROWID;",
    )
}

fn records_with_rowid(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    // A WITHOUT ROWID table is an index b-tree: a row over ~1 KB (most secrets and audit
    // records) spills into an overflow page of its own, more than doubling the file. A rowid
    // table keeps rows up to ~4 KB on their leaf; the UNIQUE key's index keeps `load` an
    // ordered range scan and is the upsert's conflict target.
    tx.execute_batch(
        "CREATE TABLE records_v2 (
             kind    TEXT NOT NULL,
             account TEXT NOT NULL,
             region  TEXT NOT NULL,
             id      TEXT NOT NULL,
             value   BLOB NOT NULL,
             UNIQUE (kind, account, region, id)
         ) STRICT;
         INSERT INTO records_v2 (kind, account, region, id, value)
             SELECT kind, account, region, id, value FROM records;
         DROP TABLE records;
         ALTER TABLE records_v2 RENAME TO records;",
    )
}

/// What `migrate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationOutcome {
    /// The version found on open (0 for a new database).
    pub from: u32,
    /// The version the database is at now.
    pub to: u32,
}

/// Brings the database at `conn` to the last version of `migrations`, or refuses it.
pub fn migrate(
    conn: &mut Connection,
    path: &str,
    migrations: &[Migration],
) -> Result<MigrationOutcome, StoreError> {
    let supported = migrations.len() as u32;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|error| engine_error("starting the schema check", path, error))?;
    let found = read_or_create_version(&tx, path)?;
    if found > supported {
        return Err(StoreError::SchemaTooNew {
            path: path.to_owned(),
            found,
            supported,
        });
    }
    for step in &migrations[found as usize..] {
        tracing::info!(
            path,
            version = step.version,
            description = step.description,
            "applying storage schema step"
        );
        (step.apply)(&tx).map_err(|error| engine_error("migrating the schema", path, error))?;
    }
    if found != supported {
        tx.execute("UPDATE schema_version SET version = ?1", [supported])
            .map_err(|error| engine_error("recording the schema version", path, error))?;
    }
    tx.commit()
        .map_err(|error| engine_error("committing the schema migration", path, error))?;
    Ok(MigrationOutcome {
        from: found,
        to: supported,
    })
}

fn read_or_create_version(tx: &Transaction<'_>, path: &str) -> Result<u32, StoreError> {
    let has_version_table: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version')",
            [],
            |row| row.get(0),
        )
        .map_err(|error| engine_error("reading the schema", path, error))?;
    if !has_version_table {
        let other_tables: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                [],
                |row| row.get(0),
            )
            .map_err(|error| engine_error("reading the schema", path, error))?;
        if other_tables > 0 {
            return Err(StoreError::ForeignDatabase {
                path: path.to_owned(),
            });
        }
        tx.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT;
             INSERT INTO schema_version (version) VALUES (0);",
        )
        .map_err(|error| engine_error("creating the schema_version table", path, error))?;
        return Ok(0);
    }
    let mut statement = tx
        .prepare("SELECT version FROM schema_version")
        .map_err(|error| engine_error("reading the schema version", path, error))?;
    let mut rows = statement
        .query_map([], |row| row.get::<_, i64>(0))
        .map_err(|error| engine_error("reading the schema version", path, error))?;
    let first = rows
        .next()
        .transpose()
        .map_err(|error| engine_error("reading the schema version", path, error))?;
    let extra = rows
        .next()
        .transpose()
        .map_err(|error| engine_error("reading the schema version", path, error))?;
    match (first, extra) {
        (Some(version), None) => u32::try_from(version).map_err(|_| {
            StoreError::Corrupt(format!("{path}: schema version {version} is out of range"))
        }),
        (None, _) => Err(StoreError::Corrupt(format!(
            "{path}: the schema_version table is empty"
        ))),
        (Some(_), Some(_)) => Err(StoreError::Corrupt(format!(
            "{path}: the schema_version table has more than one row"
        ))),
    }
}

/// Wraps an engine error; a busy database means another process holds it.
pub fn engine_error(context: &'static str, path: &str, error: rusqlite::Error) -> StoreError {
    if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        return StoreError::Locked {
            path: path.to_owned(),
        };
    }
    StoreError::Backend {
        context,
        source: Box::new(error),
    }
}
