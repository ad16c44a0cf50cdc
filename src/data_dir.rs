//! Opening `--data-dir DIR` at start-up: the directory (created with mode 0700), the root key
//! (`LOCKBOX_ROOT_KEY` or `DIR/root.key`), the database (`DIR/lockbox.db`) and the check that
//! the root key is the one the data was sealed with. Every failure is one sentence naming the
//! path or setting, for the start-up error; none carries key material.
//!
//! Emulator-wide settings live in `Meta` records of the partition [`meta_partition`]
//! (`root-key-check`, `clock-offset`), which no account can name (accounts are 12 digits).

use std::fs;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;
use std::sync::Arc;

use crate::kms::{ROOT_KEY_ENV, RootKey, RootKeySource};
use crate::storage::{
    DATABASE_FILE, Journal, Mutation, PartitionKey, RecordKind, SqliteStore, Store, StoreError,
};

/// Id of the `Meta` record that proves which root key sealed the data.
pub const ROOT_KEY_CHECK: &str = "root-key-check";
/// Id of the `Meta` record holding the virtual clock's offset (milliseconds, decimal text).
pub const CLOCK_OFFSET: &str = "clock-offset";

/// The partition of emulator-wide `Meta` records.
pub fn meta_partition() -> PartitionKey {
    PartitionKey::new("lockbox", "global")
}

/// An opened data dir: the durable journal over its database and the root key its KMS key
/// material is sealed with.
#[derive(Debug)]
pub struct DataDir {
    /// Writes through to `DIR/lockbox.db`.
    pub journal: Journal,
    /// The key KMS seals key material with.
    pub root_key: RootKey,
    /// Where the root key came from.
    pub source: RootKeySource,
}

/// Opens (or creates) the data dir `dir`.
pub fn open_data_dir(dir: &Path) -> Result<DataDir, String> {
    let shown = dir.display();
    if !dir.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("data dir {shown}: cannot create it: {e}"))?;
    } else if !dir.is_dir() {
        return Err(format!("data dir {shown}: exists and is not a directory"));
    } else if let Ok(meta) = fs::metadata(dir) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                data_dir = %shown,
                "the data dir is accessible to other users; consider chmod 700"
            );
        }
    }
    let env_key = std::env::var(ROOT_KEY_ENV).ok();
    let (root_key, source) =
        RootKey::resolve(env_key.as_deref(), dir).map_err(|e| format!("data dir {shown}: {e}"))?;
    create_private(&dir.join(DATABASE_FILE))?;
    let store = SqliteStore::open_in(dir).map_err(|e| e.to_string())?;
    check_root_key(&store, &root_key, &source)?;
    let store: Arc<dyn Store> = Arc::new(store);
    Ok(DataDir {
        journal: Journal::durable(store),
        root_key,
        source,
    })
}

/// Creates `path` empty with mode 0600 when it does not exist, so the database (and the WAL
/// and shared-memory files SQLite gives the same mode) are readable by this user only.
fn create_private(path: &Path) -> Result<(), String> {
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("{}: cannot create it: {e}", path.display())),
    }
}

/// Compares the stored root-key check with `root_key`; stores one when there is none yet.
fn check_root_key(
    store: &SqliteStore,
    root_key: &RootKey,
    source: &RootKeySource,
) -> Result<(), String> {
    let partition = meta_partition();
    let stored = store
        .get(RecordKind::Meta, &partition, ROOT_KEY_CHECK)
        .map_err(|e| e.to_string())?;
    match stored {
        Some(check) if root_key.matches_check(&check) => Ok(()),
        Some(_) => Err(format!(
            "the root key from {} is not the one this data dir was sealed with; set {ROOT_KEY_ENV} (or restore root.key) to the original key",
            describe(source)
        )),
        None => store
            .apply(&[root_key_check_record(root_key)?])
            .map_err(|e| e.to_string()),
    }
}

/// Where the root key came from, in words.
pub fn describe(source: &RootKeySource) -> String {
    match source {
        RootKeySource::Environment => ROOT_KEY_ENV.to_owned(),
        RootKeySource::ExistingFile(path) => path.display().to_string(),
        RootKeySource::CreatedFile(path) => format!("{} (created now)", path.display()),
    }
}

/// The `Meta` record proving the data is sealed with `root_key`.
pub fn root_key_check_record(root_key: &RootKey) -> Result<Mutation, String> {
    let check = root_key.check_value().map_err(|e| e.to_string())?;
    Ok(Mutation::put(
        RecordKind::Meta,
        &meta_partition(),
        ROOT_KEY_CHECK,
        check,
    ))
}

/// The `Meta` record of the virtual clock's offset.
pub fn clock_offset_record(millis: i64) -> Mutation {
    Mutation::put(
        RecordKind::Meta,
        &meta_partition(),
        CLOCK_OFFSET,
        millis.to_string().into_bytes(),
    )
}

/// The stored offset of the virtual clock, in milliseconds, if one was stored.
pub fn stored_clock_offset(store: &dyn Store) -> Result<Option<i64>, StoreError> {
    store
        .get(RecordKind::Meta, &meta_partition(), CLOCK_OFFSET)?
        .map(|bytes| {
            std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| text.parse().ok())
                .ok_or_else(|| StoreError::Corrupt("the clock offset is not a number".into()))
        })
        .transpose()
}

/// The batch that empties the store but keeps the emulator-wide `Meta` records (an admin
/// reset of everything): the root-key check and the clock offset survive.
pub fn reset_all_batch(journal: &Journal) -> Result<Vec<Mutation>, String> {
    let Some(store) = journal.store() else {
        return Ok(Vec::new());
    };
    let mut batch = vec![Mutation::DeleteAll];
    for id in [ROOT_KEY_CHECK, CLOCK_OFFSET] {
        let kept = store
            .get(RecordKind::Meta, &meta_partition(), id)
            .map_err(|e| e.to_string())?;
        if let Some(value) = kept {
            batch.push(Mutation::put(
                RecordKind::Meta,
                &meta_partition(),
                id,
                value,
            ));
        }
    }
    Ok(batch)
}

/// Finishes or forgets a `lockbox rekey` a crash interrupted (see `crate::rekey`): a `root.key.next` the data is sealed with
/// becomes `root.key`; one it is not sealed with is removed. Nothing to do when the root key
/// comes from the environment or no `root.key.next` exists.
pub fn settle_interrupted_rekey(
    dir: &Path,
    store: &SqliteStore,
    current_env: Option<&str>,
) -> Result<(), String> {
    if current_env.is_some() {
        return Ok(());
    }
    let shown = dir.display();
    let Some(next) = RootKey::read_next_file(dir).map_err(|e| format!("data dir {shown}: {e}"))?
    else {
        return Ok(());
    };
    let check = store
        .get(RecordKind::Meta, &meta_partition(), ROOT_KEY_CHECK)
        .map_err(|e| e.to_string())?;
    if check.is_some_and(|check| next.matches_check(&check)) {
        RootKey::promote_next_file(dir).map_err(|e| format!("data dir {shown}: {e}"))?;
        tracing::warn!(data_dir = %shown, "an interrupted rekey was finished: root.key.next is the root key now");
    } else {
        RootKey::remove_files(dir, true, false).map_err(|e| format!("data dir {shown}: {e}"))?;
        tracing::warn!(data_dir = %shown, "an interrupted rekey was undone: root.key.next was removed");
    }
    Ok(())
}
