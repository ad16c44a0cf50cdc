//! Tests of [`SqliteStore`] beyond the shared conformance suite: durability settings, reopen,
//! exclusive ownership, schema versions and migrations, rollback on an engine failure.
//! (The kill -9 crash test lives in `tests/process/storage_crash.rs`: it needs a child process.)

use super::*;
use crate::storage::schema::Migration;

crate::storage::conformance::store_conformance_tests!(|| {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open_in(dir.path()).expect("open");
    (
        Box::new(store) as Box<dyn Store>,
        Box::new(dir) as Box<dyn std::any::Any>,
    )
});

fn east() -> PartitionKey {
    PartitionKey::new("111111111111", "us-east-1")
}

fn raw_version(path: &Path) -> i64 {
    let conn = Connection::open(path).expect("raw open");
    conn.query_row("SELECT version FROM schema_version", [], |row| row.get(0))
        .expect("version row")
}

/// Every released step, then `next` (a synthetic newer version).
fn current_plus(next: Migration) -> Vec<Migration> {
    MIGRATIONS
        .iter()
        .map(|step| Migration {
            version: step.version,
            description: step.description,
            apply: step.apply,
        })
        .chain(std::iter::once(next))
        .collect()
}

fn add_extra_table(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch("CREATE TABLE extra (note TEXT NOT NULL) STRICT")
}

fn failing_step(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch("CREATE TABLE half_done (x INTEGER); SELECT * FROM no_such_table")
}

#[test]
fn migrations_are_numbered_consecutively_from_one() {
    for (index, step) in MIGRATIONS.iter().enumerate() {
        assert_eq!(step.version as usize, index + 1, "{}", step.description);
    }
    assert_eq!(SCHEMA_VERSION as usize, MIGRATIONS.len());
}

#[test]
fn durability_settings_are_in_force() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open_in(dir.path()).expect("open");
    let conn = store.connection();
    let journal: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal_mode");
    let synchronous: i64 = conn
        .query_row("PRAGMA synchronous", [], |row| row.get(0))
        .expect("synchronous");
    let locking: String = conn
        .query_row("PRAGMA locking_mode", [], |row| row.get(0))
        .expect("locking_mode");
    assert_eq!(journal, "wal");
    assert_eq!(synchronous, 2, "2 is FULL");
    assert_eq!(locking, "exclusive");
}

#[test]
fn reopen_after_drop_keeps_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let west = PartitionKey::new("222222222222", "eu-west-1");
    {
        let store = SqliteStore::open_in(dir.path()).expect("open");
        assert_eq!(store.opened_from_version(), 0);
        for kind in RecordKind::ALL {
            store
                .apply(&[
                    Mutation::put(kind, &east(), "one", kind.as_str()),
                    Mutation::put(kind, &west, "two", vec![7u8; 1000]),
                ])
                .expect("apply");
        }
        store
            .apply(&[Mutation::delete(RecordKind::Meta, &west, "two")])
            .expect("apply");
    }
    let store = SqliteStore::open_in(dir.path()).expect("reopen");
    assert_eq!(store.opened_from_version(), SCHEMA_VERSION);
    for kind in RecordKind::ALL {
        let records = store.load(kind).expect("load");
        let expected = if kind == RecordKind::Meta { 1 } else { 2 };
        assert_eq!(records.len(), expected, "{kind}");
        assert_eq!(
            store.get(kind, &east(), "one").expect("get").as_deref(),
            Some(kind.as_str().as_bytes())
        );
    }
    store.check_integrity().expect("integrity");
}

#[test]
fn a_second_open_of_the_same_file_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = SqliteStore::open_in(dir.path()).expect("open");
    let error = SqliteStore::open_in(dir.path()).expect_err("second open");
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("only one Lockbox may use a data dir"),
        "{error}"
    );
    drop(first);
    SqliteStore::open_in(dir.path()).expect("open after the first closed");
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let store = SqliteStore::open(&path).expect("open");
        store
            .connection()
            .execute("UPDATE schema_version SET version = 99", [])
            .expect("sabotage");
    }
    let error = SqliteStore::open(&path).expect_err("newer schema");
    assert!(
        matches!(
            error,
            StoreError::SchemaTooNew {
                found: 99,
                supported: SCHEMA_VERSION,
                ..
            }
        ),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("schema version 99"), "{message}");
    assert!(
        message.contains(&format!(
            "version {SCHEMA_VERSION} that this Lockbox supports"
        )),
        "{message}"
    );
    assert_eq!(raw_version(&path), 99);
}

#[test]
fn a_version_zero_database_is_migrated_to_the_current_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = Connection::open(&path).expect("raw open");
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT;
             INSERT INTO schema_version (version) VALUES (0);",
        )
        .expect("synthetic v0");
    }
    let store = SqliteStore::open(&path).expect("open migrates");
    assert_eq!(store.opened_from_version(), 0);
    store
        .apply(&[Mutation::put(
            RecordKind::Secret,
            &east(),
            "s",
            b"v".to_vec(),
        )])
        .expect("the v1 table exists");
    drop(store);
    assert_eq!(raw_version(&path), i64::from(SCHEMA_VERSION));
}

#[test]
fn an_older_database_is_migrated_by_newer_code_and_then_refused_by_older_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let v1 = SqliteStore::open(&path).expect("open at v1");
        v1.apply(&[Mutation::put(
            RecordKind::KmsKey,
            &east(),
            "k",
            b"sealed".to_vec(),
        )])
        .expect("apply");
    }
    let synthetic = current_plus(Migration {
        version: SCHEMA_VERSION + 1,
        description: "synthetic extra table",
        apply: add_extra_table,
    });
    {
        let v2 = SqliteStore::open_with_migrations(&path, &synthetic).expect("migrate to v2");
        assert_eq!(v2.opened_from_version(), SCHEMA_VERSION);
        assert_eq!(
            v2.get(RecordKind::KmsKey, &east(), "k")
                .expect("get")
                .as_deref(),
            Some(&b"sealed"[..])
        );
        v2.connection()
            .execute("INSERT INTO extra (note) VALUES ('v2 ran')", [])
            .expect("v2 table exists");
    }
    assert_eq!(raw_version(&path), i64::from(SCHEMA_VERSION + 1));
    let error = SqliteStore::open(&path).expect_err("current code refuses newer data");
    assert!(
        matches!(
            error,
            StoreError::SchemaTooNew { found, supported, .. }
                if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION
        ),
        "{error:?}"
    );
}

#[test]
fn a_failing_migration_step_leaves_the_old_version_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let v1 = SqliteStore::open(&path).expect("open");
        v1.apply(&[Mutation::put(
            RecordKind::Secret,
            &east(),
            "s",
            b"v".to_vec(),
        )])
        .expect("apply");
    }
    let broken = current_plus(Migration {
        version: SCHEMA_VERSION + 1,
        description: "fails half-way",
        apply: failing_step,
    });
    let error = SqliteStore::open_with_migrations(&path, &broken).expect_err("step fails");
    assert!(matches!(error, StoreError::Backend { .. }), "{error:?}");
    assert_eq!(raw_version(&path), i64::from(SCHEMA_VERSION));
    let store = SqliteStore::open(&path).expect("the current version still opens");
    let half_done: bool = store
        .connection()
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'half_done')",
            [],
            |row| row.get(0),
        )
        .expect("query");
    assert!(!half_done, "the failed step's table was rolled back");
    assert_eq!(store.load(RecordKind::Secret).expect("load").len(), 1);
}

#[test]
fn a_foreign_database_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    Connection::open(&path)
        .expect("raw open")
        .execute_batch("CREATE TABLE users (name TEXT)")
        .expect("foreign table");
    let error = SqliteStore::open(&path).expect_err("foreign");
    assert!(
        matches!(error, StoreError::ForeignDatabase { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("not a Lockbox database"),
        "{error}"
    );
}

#[test]
fn an_engine_failure_mid_batch_rolls_back_the_whole_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SqliteStore::open_in(dir.path()).expect("open");
    store
        .apply(&[Mutation::put(
            RecordKind::Secret,
            &east(),
            "kept",
            b"before".to_vec(),
        )])
        .expect("apply");
    store
        .connection()
        .execute_batch(
            "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.records WHEN NEW.id = 'boom'
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        )
        .expect("trigger");
    let error = store
        .apply(&[
            Mutation::put(RecordKind::Secret, &east(), "kept", b"after".to_vec()),
            Mutation::put(RecordKind::Secret, &east(), "first", b"x".to_vec()),
            Mutation::put(RecordKind::Secret, &east(), "boom", b"x".to_vec()),
        ])
        .expect_err("the trigger aborts the batch");
    assert!(matches!(error, StoreError::Backend { .. }), "{error:?}");
    assert_eq!(
        store
            .get(RecordKind::Secret, &east(), "kept")
            .expect("get")
            .as_deref(),
        Some(&b"before"[..])
    );
    assert_eq!(
        store
            .get(RecordKind::Secret, &east(), "first")
            .expect("get"),
        None
    );
    store
        .apply(&[Mutation::put(
            RecordKind::Secret,
            &east(),
            "later",
            b"y".to_vec(),
        )])
        .expect("the store stays usable after a rollback");
}

#[test]
fn a_version_1_database_keeps_every_record_through_the_rowid_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("lockbox.db");
    let values: Vec<Vec<u8>> = (0..50).map(|i| vec![i as u8; 100 + i * 97]).collect();
    {
        let v1 = SqliteStore::open_with_migrations(&path, &MIGRATIONS[..1]).expect("open v1");
        let batch: Vec<Mutation> = values
            .iter()
            .enumerate()
            .map(|(i, v)| Mutation::put(RecordKind::Secret, &east(), format!("s{i:03}"), v.clone()))
            .collect();
        v1.apply(&batch).expect("apply");
    }
    assert_eq!(raw_version(&path), 1);
    let store = SqliteStore::open(&path).expect("open current");
    assert_eq!(store.opened_from_version(), 1);
    let loaded = store.load(RecordKind::Secret).expect("load");
    assert_eq!(loaded.len(), values.len());
    for (i, record) in loaded.iter().enumerate() {
        assert_eq!(record.id, format!("s{i:03}"));
        assert_eq!(record.value, values[i]);
    }
    // The upsert still finds its conflict target after the migration.
    store
        .apply(&[Mutation::put(
            RecordKind::Secret,
            &east(),
            "s000",
            b"new".to_vec(),
        )])
        .expect("upsert");
    assert_eq!(
        store
            .get(RecordKind::Secret, &east(), "s000")
            .expect("get")
            .as_deref(),
        Some(&b"new"[..])
    );
    assert_eq!(
        store.load(RecordKind::Secret).expect("load").len(),
        values.len()
    );
    drop(store);
    assert_eq!(raw_version(&path), i64::from(SCHEMA_VERSION));
}
