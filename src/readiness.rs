//! Telling scripts that the server is ready, beyond the ready line on stdout.
//!
//! `--ready-file PATH` (or `LOCKBOX_READY_FILE`): once the listener is bound and the seed
//! document applied, the endpoint URL (`http://127.0.0.1:4566` plus a newline) is written to
//! PATH. Invariants a waiting script relies on:
//! - the file never exists half-written: it is written to a temporary file in the same
//!   directory, flushed, then renamed over PATH;
//! - a file left by an earlier run is removed before binding, so its presence means *this*
//!   process is ready, and it is removed again when the server stops;
//! - the URL is connectable: an unspecified listen address (`0.0.0.0`, `::`) is written as
//!   the loopback address of the same family.

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::Args;

/// Readiness flags of `lockbox serve`.
#[derive(Debug, Clone, Default, Args)]
pub struct ReadinessArgs {
    /// Once listening (and seeded), write the endpoint URL to FILE (atomically: temp + rename);
    /// removed again on shutdown.
    #[arg(long, env = "LOCKBOX_READY_FILE", value_name = "FILE")]
    pub ready_file: Option<PathBuf>,
}

/// The URL a client on this machine uses to reach a server bound to `addr`.
pub fn endpoint_url(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// The ready file of one server run: cleared when created, written by [`ReadyFile::publish`],
/// removed on drop once published.
#[derive(Debug, Default)]
pub struct ReadyFile {
    path: Option<PathBuf>,
    published: bool,
}

impl ReadyFile {
    /// Takes charge of `path` (if any), removing a file an earlier run left there.
    pub fn new(path: Option<PathBuf>) -> Result<ReadyFile, String> {
        if let Some(path) = &path {
            remove_if_present(path).map_err(|e| {
                format!("cannot remove the stale ready file {}: {e}", path.display())
            })?;
        }
        Ok(ReadyFile {
            path,
            published: false,
        })
    }

    /// Writes `url` and a newline to the file, atomically. A no-op without a path.
    pub fn publish(&mut self, url: &str) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        write_atomically(path, format!("{url}\n").as_bytes())
            .map_err(|e| format!("cannot write the ready file {}: {e}", path.display()))?;
        self.published = true;
        Ok(())
    }
}

impl Drop for ReadyFile {
    fn drop(&mut self) {
        if let (Some(path), true) = (&self.path, self.published) {
            remove_if_present(path).ok();
        }
    }
}

fn remove_if_present(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Writes `bytes` to a sibling temporary file, syncs it, and renames it over `path`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file")
    })?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        remove_if_present(&temp).ok();
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_become_loopback() {
        let url = |s: &str| endpoint_url(s.parse().unwrap());
        assert_eq!(url("0.0.0.0:4566"), "http://127.0.0.1:4566");
        assert_eq!(url("[::]:4566"), "http://[::1]:4566");
        assert_eq!(url("10.1.2.3:80"), "http://10.1.2.3:80");
        assert_eq!(url("[::1]:9"), "http://[::1]:9");
    }

    #[test]
    fn a_ready_file_is_cleared_published_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ready");
        std::fs::write(&path, "stale").unwrap();
        let mut ready = ReadyFile::new(Some(path.clone())).unwrap();
        assert!(!path.exists(), "a stale file is removed at once");
        ready.publish("http://127.0.0.1:1").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "http://127.0.0.1:1\n"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
        drop(ready);
        assert!(!path.exists());
    }

    #[test]
    fn an_unwritable_ready_file_is_an_error_naming_it() {
        let mut ready = ReadyFile::new(Some("/nonexistent-dir/ready".into())).unwrap();
        let error = ready.publish("http://127.0.0.1:1").unwrap_err();
        assert!(error.contains("/nonexistent-dir/ready"), "{error}");
    }
}
