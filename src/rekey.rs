//! `lockbox rekey`: re-seals every stored KMS key's material (and IAM's secret access keys and
//! MFA seeds) under a new root key, with the server stopped (the database's exclusive lock refuses a running one).
//!
//! The current key is `LOCKBOX_ROOT_KEY` or `DIR/root.key`; the new one is
//! `LOCKBOX_NEW_ROOT_KEY`, or (only when the current one is the file) a fresh random key
//! that replaces the file. Crash safety, for the file case:
//! 1. the new key is written to `DIR/root.key.next` (0600, fsynced);
//! 2. ONE transaction re-seals every key record and replaces the root-key check;
//! 3. `root.key.next` is renamed over `root.key`.
//!
//! A crash before 2 commits leaves the old key valid; after it, the next start finds
//! `root.key.next` matching the check and finishes step 3 (`settle_interrupted_rekey`). With the new
//! key from the environment there is no file step: the data is sealed with either the old or the
//! new key, never a mix, and a `root.key` the environment replaces is removed.

use std::path::Path;

use crate::data_dir::{
    ROOT_KEY_CHECK, meta_partition, root_key_check_record, settle_interrupted_rekey,
};
use crate::iam;
use crate::kms;
use crate::kms::{ROOT_KEY_ENV, ROOT_KEY_FILE, RootKey};
use crate::storage::{DATABASE_FILE, Mutation, RecordKind, SqliteStore, Store};

/// The environment variable that supplies the new root key to `lockbox rekey`.
pub const NEW_ROOT_KEY_ENV: &str = "LOCKBOX_NEW_ROOT_KEY";

/// What a rekey did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RekeyReport {
    /// KMS keys whose material was re-sealed.
    pub keys: usize,
    /// Where the new root key is, in words.
    pub new_key_at: String,
}

/// Re-seals the data dir `dir` from the current root key (`current_env`: the value of
/// `LOCKBOX_ROOT_KEY`, if set) to the new one (`new_env`: `LOCKBOX_NEW_ROOT_KEY`, if set).
pub fn rekey(
    dir: &Path,
    current_env: Option<&str>,
    new_env: Option<&str>,
) -> Result<RekeyReport, String> {
    let shown = dir.display();
    if !dir.join(DATABASE_FILE).is_file() {
        return Err(format!(
            "data dir {shown} has no {DATABASE_FILE}: nothing to rekey"
        ));
    }
    let store = SqliteStore::open_in(dir).map_err(|e| e.to_string())?;
    settle_interrupted_rekey(dir, &store, current_env)?;
    let current = match current_env {
        Some(text) => RootKey::from_encoded(text, ROOT_KEY_ENV),
        None => RootKey::read_file(dir),
    }
    .map_err(|e| format!("data dir {shown}: the current root key: {e}"))?;
    let check = store
        .get(RecordKind::Meta, &meta_partition(), ROOT_KEY_CHECK)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("data dir {shown} holds no sealed data yet: nothing to rekey"))?;
    if !current.matches_check(&check) {
        return Err(format!(
            "data dir {shown}: the current root key is not the one the data is sealed with"
        ));
    }
    let (new, next_file) = match (new_env, current_env) {
        (Some(text), _) => (
            RootKey::from_encoded(text, NEW_ROOT_KEY_ENV).map_err(|e| e.to_string())?,
            false,
        ),
        (None, Some(_)) => {
            return Err(format!(
                "{ROOT_KEY_ENV} is set: give the new root key in {NEW_ROOT_KEY_ENV} (base64 or hex of 32 bytes)"
            ));
        }
        (None, None) => (
            RootKey::create_next_file(dir).map_err(|e| format!("data dir {shown}: {e}"))?,
            true,
        ),
    };
    if new.matches_check(&check) {
        return Err("the new root key is the current one".into());
    }
    let keys = match reseal_all(&store, &current, &new) {
        Ok(keys) => keys,
        Err(error) => {
            if next_file {
                RootKey::remove_files(dir, true, false).ok();
            }
            return Err(format!("data dir {shown}: nothing was changed: {error}"));
        }
    };
    drop(store);
    let new_key_at = if next_file {
        RootKey::promote_next_file(dir).map_err(|e| {
            format!("data dir {shown}: the data is sealed with root.key.next but it could not be renamed ({e}); the next start finishes it")
        })?;
        dir.join(ROOT_KEY_FILE).display().to_string()
    } else {
        if current_env.is_none() {
            // The old key file would otherwise be read (and refused) by a start without
            // LOCKBOX_ROOT_KEY; the new key lives in the environment now.
            RootKey::remove_files(dir, false, true).map_err(|e| e.to_string())?;
        }
        format!("{NEW_ROOT_KEY_ENV} (start the server with {ROOT_KEY_ENV} set to it)")
    };
    Ok(RekeyReport { keys, new_key_at })
}

/// Re-seals every key record and every IAM account record and replaces the root-key check, as
/// one transaction; returns how many KMS keys were re-sealed.
fn reseal_all(store: &SqliteStore, current: &RootKey, new: &RootKey) -> Result<usize, String> {
    let records = store.load(RecordKind::KmsKey).map_err(|e| e.to_string())?;
    let mut batch = Vec::with_capacity(records.len() + 1);
    for record in store
        .load(RecordKind::Principal)
        .map_err(|e| e.to_string())?
    {
        let value = iam::reseal_record(&record.partition.account, &record.value, current, new)
            .map_err(|e| e.to_string())?;
        batch.push(Mutation::put(
            RecordKind::Principal,
            &record.partition,
            record.id.clone(),
            value,
        ));
    }
    for record in &records {
        let value = kms::reseal_key(&record.value, current, new).map_err(|e| e.to_string())?;
        batch.push(Mutation::put(
            RecordKind::KmsKey,
            &record.partition,
            record.id.clone(),
            value,
        ));
    }
    batch.push(root_key_check_record(new)?);
    store.apply(&batch).map_err(|e| e.to_string())?;
    Ok(records.len())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::OpenOptionsExt as _;

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;

    use super::*;
    use crate::kms::NEXT_ROOT_KEY_FILE;

    fn write_key(dir: &Path, name: &str, bytes: &[u8; 32]) {
        use std::io::Write as _;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.join(name))
            .unwrap();
        writeln!(file, "{}", STANDARD.encode(bytes)).unwrap();
    }

    fn seal_check(store: &SqliteStore, key: &RootKey) {
        store.apply(&[root_key_check_record(key).unwrap()]).unwrap();
    }

    #[test]
    fn a_rekey_interrupted_after_its_commit_is_finished_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        write_key(dir.path(), ROOT_KEY_FILE, &[1; 32]);
        write_key(dir.path(), NEXT_ROOT_KEY_FILE, &[2; 32]);
        let store = SqliteStore::open_in(dir.path()).unwrap();
        seal_check(&store, &RootKey::from_bytes(&[2; 32]));
        settle_interrupted_rekey(dir.path(), &store, None).unwrap();
        assert!(!dir.path().join(NEXT_ROOT_KEY_FILE).exists());
        let now = RootKey::read_file(dir.path()).unwrap();
        let check = store
            .get(RecordKind::Meta, &meta_partition(), ROOT_KEY_CHECK)
            .unwrap()
            .unwrap();
        assert!(now.matches_check(&check));
    }

    #[test]
    fn a_rekey_interrupted_before_its_commit_is_forgotten_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        write_key(dir.path(), ROOT_KEY_FILE, &[1; 32]);
        write_key(dir.path(), NEXT_ROOT_KEY_FILE, &[2; 32]);
        let store = SqliteStore::open_in(dir.path()).unwrap();
        seal_check(&store, &RootKey::from_bytes(&[1; 32]));
        settle_interrupted_rekey(dir.path(), &store, None).unwrap();
        assert!(!dir.path().join(NEXT_ROOT_KEY_FILE).exists());
        let check = store
            .get(RecordKind::Meta, &meta_partition(), ROOT_KEY_CHECK)
            .unwrap()
            .unwrap();
        assert!(
            RootKey::read_file(dir.path())
                .unwrap()
                .matches_check(&check)
        );
    }

    #[test]
    fn a_rekey_needs_sealed_data_and_a_different_key() {
        let dir = tempfile::tempdir().unwrap();
        write_key(dir.path(), ROOT_KEY_FILE, &[1; 32]);
        let missing = rekey(dir.path(), None, None).unwrap_err();
        assert!(missing.contains("has no lockbox.db"), "{missing}");
        assert!(!dir.path().join(DATABASE_FILE).exists());
        drop(SqliteStore::open_in(dir.path()).unwrap());
        let empty = rekey(dir.path(), None, None).unwrap_err();
        assert!(empty.contains("nothing to rekey"), "{empty}");
        {
            let store = SqliteStore::open_in(dir.path()).unwrap();
            seal_check(&store, &RootKey::from_bytes(&[1; 32]));
        }
        let same = STANDARD.encode([1u8; 32]);
        let error = rekey(dir.path(), None, Some(&same)).unwrap_err();
        assert_eq!(error, "the new root key is the current one");
        let env_only = rekey(dir.path(), Some(&same), None).unwrap_err();
        assert!(env_only.contains(NEW_ROOT_KEY_ENV), "{env_only}");
        let wrong = STANDARD.encode([9u8; 32]);
        let refused = rekey(dir.path(), Some(&wrong), Some(&same)).unwrap_err();
        assert!(
            refused.contains("not the one the data is sealed with"),
            "{refused}"
        );
        assert!(!refused.contains(&wrong));
    }

    #[test]
    fn moving_from_the_key_file_to_the_environment_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write_key(dir.path(), ROOT_KEY_FILE, &[1; 32]);
        {
            let store = SqliteStore::open_in(dir.path()).unwrap();
            seal_check(&store, &RootKey::from_bytes(&[1; 32]));
        }
        let new = STANDARD.encode([3u8; 32]);
        let report = rekey(dir.path(), None, Some(&new)).unwrap();
        assert!(report.new_key_at.starts_with(NEW_ROOT_KEY_ENV));
        assert!(!dir.path().join(ROOT_KEY_FILE).exists());
        let store = SqliteStore::open_in(dir.path()).unwrap();
        let check = store
            .get(RecordKind::Meta, &meta_partition(), ROOT_KEY_CHECK)
            .unwrap()
            .unwrap();
        assert!(RootKey::from_bytes(&[3; 32]).matches_check(&check));
    }
}
