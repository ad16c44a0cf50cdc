//! [`RootKey`]: the 32-byte key that seals KMS key material before it is stored.
//!
//! Sources, first match wins: `LOCKBOX_ROOT_KEY` (base64 or hex of exactly 32 bytes), else
//! `root.key` in the data dir (same text format), created on first start.
//!
//! Invariants:
//! - The key lives only in a zeroizing buffer; `Debug` prints `RootKey(**redacted**)`; no error
//!   message ever contains the key or the text it was decoded from.
//! - A created `root.key` has mode 0600 from the instant its name exists: it is written to a
//!   temporary file opened with `O_CREAT|O_EXCL` and mode 0600, fsynced, then hard-linked to
//!   `root.key` (link fails if the name exists, so two racing starts agree on one key and no
//!   reader ever sees a half-written file).
//! - An existing `root.key` that group or others may read or write is refused, never used.
//! - Sealed format: `version (1) || nonce || ciphertext || tag` (AES-256-GCM via
//!   `crate::crypto::aead`); the version byte is bound into the associated data.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use zeroize::Zeroizing;

use crate::crypto::{Sensitive, aead};

/// The environment variable that supplies the root key.
pub const ROOT_KEY_ENV: &str = "LOCKBOX_ROOT_KEY";
/// The root key file's name inside the data dir.
pub const ROOT_KEY_FILE: &str = "root.key";
/// Where `lockbox rekey` writes the next root key before it re-seals the data; renamed to
/// [`ROOT_KEY_FILE`] once the data is sealed with it (see `crate::rekey`).
pub const NEXT_ROOT_KEY_FILE: &str = "root.key.next";
/// The first byte of everything `seal` produces.
pub const SEAL_FORMAT_VERSION: u8 = 1;
const KEY_LEN: usize = 32;
const CHECK_PLAINTEXT: &[u8] = b"lockbox root key check";
const CHECK_AAD: &[u8] = b"lockbox:root-key-check";

/// Where the root key came from (for the start-up log line; never the key itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootKeySource {
    /// `LOCKBOX_ROOT_KEY`.
    Environment,
    /// An existing `root.key`.
    ExistingFile(PathBuf),
    /// A `root.key` created by this start.
    CreatedFile(PathBuf),
}

/// Why the root key could not be obtained or used.
#[derive(Debug, thiserror::Error)]
pub enum RootKeyError {
    #[error(
        "{origin}: the root key must be 32 bytes encoded as base64 or hex, but it decodes to {len} bytes"
    )]
    /// The text decodes, but not to 32 bytes.
    WrongLength {
        /// Where the text came from (the variable or the file).
        origin: String,
        /// How many bytes it decodes to.
        len: usize,
    },
    #[error("{origin}: the root key must be 32 bytes encoded as base64 or hex; it is neither")]
    /// The text is neither base64 nor hex.
    NotEncoded {
        /// Where the text came from (the variable or the file).
        origin: String,
    },
    #[error(
        "root key file {path} has mode {mode:04o}: it must not be readable or writable by group or others; run `chmod 600 {path}`"
    )]
    /// The key file may be read or written by group or others.
    TooOpen {
        /// The key file.
        path: String,
        /// Its permission bits.
        mode: u32,
    },
    #[error("root key file {path} is not a regular file")]
    /// Something other than a regular file is at the key file's path.
    NotAFile {
        /// The key file's path.
        path: String,
    },
    #[error("root key file {path}: {source}")]
    /// Reading or creating the key file failed.
    Io {
        /// The file or directory involved.
        path: String,
        /// The file system's error.
        #[source]
        source: io::Error,
    },
    #[error("sealed data has format version {0}; this Lockbox reads version 1")]
    /// Sealed data starts with a format version this build does not know.
    UnknownSealVersion(u8),
    #[error("sealed data could not be opened: wrong root key, wrong context, or tampered data")]
    /// Authentication failed: wrong key, wrong aad, tampering or truncation.
    OpenFailed,
    #[error("sealing failed: the input is beyond AES-GCM's limit")]
    /// AES-GCM refused the input (only beyond 64 GiB).
    SealFailed,
}

/// The root key. Not `Clone`: share it behind an `Arc`.
#[derive(Debug)]
pub struct RootKey(Sensitive<Zeroizing<[u8; KEY_LEN]>>);

impl RootKey {
    /// The key from `env_value` (the value of `LOCKBOX_ROOT_KEY`, if set), else from
    /// `data_dir/root.key`, creating that file when it does not exist.
    pub fn resolve(
        env_value: Option<&str>,
        data_dir: &Path,
    ) -> Result<(RootKey, RootKeySource), RootKeyError> {
        if let Some(text) = env_value {
            let key = RootKey::from_encoded(text, ROOT_KEY_ENV)?;
            return Ok((key, RootKeySource::Environment));
        }
        let path = data_dir.join(ROOT_KEY_FILE);
        let (key, created) = RootKey::load_or_create_file(&path)?;
        let source = if created {
            RootKeySource::CreatedFile(path)
        } else {
            RootKeySource::ExistingFile(path)
        };
        Ok((key, source))
    }

    /// Decodes 32 bytes from hex (64 digits) or base64 (standard or URL-safe, padded or
    /// not), ignoring surrounding whitespace. `origin` names the source in errors.
    pub fn from_encoded(text: &str, origin: &str) -> Result<RootKey, RootKeyError> {
        let text = text.trim();
        let looks_hex = text.len() % 2 == 0 && text.bytes().all(|b| b.is_ascii_hexdigit());
        let decoded: Zeroizing<Vec<u8>> = if looks_hex && !text.is_empty() {
            Zeroizing::new(hex::decode(text).map_err(|_| RootKeyError::NotEncoded {
                origin: origin.to_owned(),
            })?)
        } else {
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|engine| engine.decode(text).ok())
                .map(Zeroizing::new)
                .ok_or_else(|| RootKeyError::NotEncoded {
                    origin: origin.to_owned(),
                })?
        };
        let bytes: &[u8; KEY_LEN] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| RootKeyError::WrongLength {
                    origin: origin.to_owned(),
                    len: decoded.len(),
                })?;
        Ok(RootKey::from_bytes(bytes))
    }

    /// A key from raw bytes (seeded tests, key rotation tools).
    pub fn from_bytes(bytes: &[u8; KEY_LEN]) -> RootKey {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes);
        RootKey(Sensitive::new(key))
    }

    /// Reads the key file at `path`, or creates it with a fresh random key when it does not
    /// exist; `true` when this call created it.
    pub fn load_or_create_file(path: &Path) -> Result<(RootKey, bool), RootKeyError> {
        match read_key_file(path) {
            Err(RootKeyError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {}
            other => return other.map(|key| (key, false)),
        }
        match create_key_file(path)? {
            Some(key) => Ok((key, true)),
            // Another process created it between our read and our link: use theirs.
            None => read_key_file(path).map(|key| (key, false)),
        }
    }

    /// Reads `data_dir/root.key`, which must exist (never creates it).
    pub fn read_file(data_dir: &Path) -> Result<RootKey, RootKeyError> {
        read_key_file(&data_dir.join(ROOT_KEY_FILE))
    }

    /// Creates `data_dir/root.key.next` (mode 0600, fsynced) with a fresh key; fails if it
    /// exists (an earlier rekey was interrupted: start the server once to settle it).
    pub fn create_next_file(data_dir: &Path) -> Result<RootKey, RootKeyError> {
        let path = data_dir.join(NEXT_ROOT_KEY_FILE);
        create_key_file(&path)?.ok_or_else(|| RootKeyError::Io {
            path: path.display().to_string(),
            source: io::Error::new(
                io::ErrorKind::AlreadyExists,
                "left by an interrupted rekey; start the server once, then rekey again",
            ),
        })
    }

    /// Reads `data_dir/root.key.next` if it exists.
    pub fn read_next_file(data_dir: &Path) -> Result<Option<RootKey>, RootKeyError> {
        match read_key_file(&data_dir.join(NEXT_ROOT_KEY_FILE)) {
            Ok(key) => Ok(Some(key)),
            Err(RootKeyError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Makes `root.key.next` the root key file (an atomic rename, then the directory is
    /// fsynced).
    pub fn promote_next_file(data_dir: &Path) -> Result<(), RootKeyError> {
        let next = data_dir.join(NEXT_ROOT_KEY_FILE);
        fs::rename(&next, data_dir.join(ROOT_KEY_FILE)).map_err(io_error(&next))?;
        sync_dir(data_dir)
    }

    /// Removes `root.key.next` (a rekey that did not commit) and, with `current`, the root
    /// key file too (the key now comes from the environment).
    pub fn remove_files(data_dir: &Path, next: bool, current: bool) -> Result<(), RootKeyError> {
        let names = [(next, NEXT_ROOT_KEY_FILE), (current, ROOT_KEY_FILE)];
        for (_, name) in names.iter().filter(|(wanted, _)| *wanted) {
            let path = data_dir.join(name);
            match fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => return Err(io_error(&path)(error)),
            }
        }
        sync_dir(data_dir)
    }

    /// A sealed marker to store beside the data (e.g. as a `Meta` record) when a data dir is
    /// first used, so later starts can tell a wrong root key with [`RootKey::matches_check`]
    /// before anything fails to decrypt.
    pub fn check_value(&self) -> Result<Vec<u8>, RootKeyError> {
        self.seal(CHECK_PLAINTEXT, CHECK_AAD)
    }

    /// Whether `check` was made by [`RootKey::check_value`] with this same key.
    pub fn matches_check(&self, check: &[u8]) -> bool {
        self.open(check, CHECK_AAD)
            .is_ok_and(|plaintext| plaintext.as_slice() == CHECK_PLAINTEXT)
    }

    /// Encrypts `plaintext` bound to `aad` (e.g. the KMS key's ARN, so sealed material
    /// cannot be swapped between records).
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, RootKeyError> {
        let sealed = aead::seal(self.0.expose(), plaintext, &bound_aad(aad))
            .map_err(|_| RootKeyError::SealFailed)?;
        let mut out = Vec::with_capacity(1 + sealed.len());
        out.push(SEAL_FORMAT_VERSION);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Decrypts what `seal` produced with the same key and `aad`.
    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Zeroizing<Vec<u8>>, RootKeyError> {
        match sealed.split_first() {
            Some((&SEAL_FORMAT_VERSION, body)) => {
                aead::open(self.0.expose(), body, &bound_aad(aad))
                    .map_err(|_| RootKeyError::OpenFailed)
            }
            Some((&version, _)) => Err(RootKeyError::UnknownSealVersion(version)),
            None => Err(RootKeyError::OpenFailed),
        }
    }
}

fn bound_aad(aad: &[u8]) -> Vec<u8> {
    let mut bound = Vec::with_capacity(1 + aad.len());
    bound.push(SEAL_FORMAT_VERSION);
    bound.extend_from_slice(aad);
    bound
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> RootKeyError + '_ {
    move |source| RootKeyError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn read_key_file(path: &Path) -> Result<RootKey, RootKeyError> {
    let metadata = fs::metadata(path).map_err(io_error(path))?;
    if !metadata.is_file() {
        return Err(RootKeyError::NotAFile {
            path: path.display().to_string(),
        });
    }
    let mode = metadata.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(RootKeyError::TooOpen {
            path: path.display().to_string(),
            mode,
        });
    }
    let text = Zeroizing::new(fs::read_to_string(path).map_err(io_error(path))?);
    RootKey::from_encoded(&text, &format!("root key file {}", path.display()))
}

/// Writes a fresh key to `path` atomically; `None` when `path` appeared meanwhile.
fn create_key_file(path: &Path) -> Result<Option<RootKey>, RootKeyError> {
    let key = RootKey::from_bytes(&aead::random_key());
    let mut text = Zeroizing::new(STANDARD.encode(key.0.expose().as_slice()));
    text.push('\n');
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = dir.join(format!(
        ".{ROOT_KEY_FILE}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .map_err(io_error(&temp));
    let linked = written.and_then(|()| match fs::hard_link(&temp, path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(io_error(path)(error)),
    });
    // The temporary name is removed whatever happened; a failure to remove it only leaves a
    // 0600 file behind, so it does not hide the real outcome.
    let _ = fs::remove_file(&temp);
    if !linked? {
        return Ok(None);
    }
    sync_dir(dir)?;
    Ok(Some(key))
}

/// Makes a directory's entries (a new link, a rename) durable.
fn sync_dir(dir: &Path) -> Result<(), RootKeyError> {
    fs::File::open(dir)
        .and_then(|handle| handle.sync_all())
        .map_err(io_error(dir))
}

#[cfg(test)]
#[path = "root_key_tests.rs"]
mod tests;
