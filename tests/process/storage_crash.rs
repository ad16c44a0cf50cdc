//! Crash safety of `SqliteStore`: a child process writes numbered batches and prints
//! `ACK n` after each `apply` returns; the parent SIGKILLs it at a random moment, reopens the
//! database and checks that it opens cleanly, passes SQLite's integrity check, holds every
//! acknowledged batch, and holds each batch whole or not at all. Repeated `ITERATIONS` times on
//! one database, each child continuing the numbering where the committed data ends.
//!
//! The child is this test binary re-executed with `CHILD_DIR_ENV` set, running only this same
//! test (`--exact`): with that variable present the test is the child and writes until it is
//! killed, so no separate entry point exists to be counted (or ignored) as a test.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::os::unix::process::ExitStatusExt as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use lockbox::storage::{Mutation, PartitionKey, RecordKind, SqliteStore, Store};
use rand::Rng as _;

const CHILD_DIR_ENV: &str = "LOCKBOX_CRASH_CHILD_DIR";
const CHILD_START_ENV: &str = "LOCKBOX_CRASH_CHILD_START";
const ITERATIONS: usize = 20;
const SIGKILL: i32 = 9;
/// Every `DELETE_EVERY`-th batch also deletes an earlier record, so deletes are crash-tested.
const DELETE_EVERY: u64 = 10;

fn partition() -> PartitionKey {
    PartitionKey::new("111111111111", "us-east-1")
}

fn record_id(n: u64) -> String {
    format!("{n:012}")
}

/// Batch `n`'s record value: `n` repeated, 8 B to ~4 KiB so batches span one or two pages.
fn payload(n: u64) -> Vec<u8> {
    let len = 8 + (n % 8) as usize * 600;
    n.to_le_bytes().iter().copied().cycle().take(len).collect()
}

/// Batch `n`: its record, the `last` marker, and for some `n` the delete of record
/// `n + 1 - DELETE_EVERY`.
fn batch(n: u64) -> Vec<Mutation> {
    let mut batch = vec![
        Mutation::put(RecordKind::Secret, &partition(), record_id(n), payload(n)),
        Mutation::put(RecordKind::Meta, &partition(), "last", n.to_string()),
    ];
    if n % DELETE_EVERY == DELETE_EVERY - 1 {
        batch.push(Mutation::delete(
            RecordKind::Secret,
            &partition(),
            record_id(n + 1 - DELETE_EVERY),
        ));
    }
    batch
}

/// Whether record `n` must exist once every batch up to `last` is committed.
fn expected_present(n: u64, last: u64) -> bool {
    let deleted_by = n + DELETE_EVERY - 1;
    !(n % DELETE_EVERY == 0 && deleted_by <= last)
}

/// The name libtest gives [`every_acknowledged_write_survives_sigkill`] (its path without the
/// crate), for `--exact`.
fn child_test_name() -> String {
    let module = module_path!();
    let path = module
        .split_once("::")
        .map_or(module, |(_crate, path)| path);
    format!("{path}::every_acknowledged_write_survives_sigkill")
}

/// The child's work: applies numbered batches from `CHILD_START_ENV` on, printing `ACK n`
/// after each, until it is killed.
fn write_until_killed(dir: &str) {
    let start: u64 = std::env::var(CHILD_START_ENV)
        .expect("start index")
        .parse()
        .expect("start index is a number");
    let store = SqliteStore::open_in(Path::new(&dir)).expect("child opens the store");
    let mut stdout = std::io::stdout().lock();
    // libtest has printed "test storage_crash::every_acknowledged_write_survives_sigkill ... "
    // without a newline: end that line so every acknowledgement starts its own.
    writeln!(stdout).expect("report");
    for n in start.. {
        store.apply(&batch(n)).expect("child applies a batch");
        writeln!(stdout, "ACK {n}").expect("report");
        stdout.flush().expect("flush");
    }
}

/// The `n` of every complete `ACK n` line (a line cut by the kill is not an acknowledgement).
fn acknowledged(stdout: &str) -> Vec<u64> {
    let complete = match stdout.rfind('\n') {
        Some(end) => &stdout[..end],
        None => "",
    };
    complete
        .lines()
        .filter_map(|line| line.strip_prefix("ACK "))
        .map(|n| n.parse().expect("ACK line"))
        .collect()
}

/// Checks the reopened database against the batches; returns the last committed `n`.
fn verify(store: &SqliteStore, acked: &[u64]) -> Option<u64> {
    store.check_integrity().expect("integrity after SIGKILL");
    let last: Option<u64> = store
        .get(RecordKind::Meta, &partition(), "last")
        .expect("get last")
        .map(|bytes| {
            String::from_utf8(bytes)
                .expect("utf8")
                .parse()
                .expect("number")
        });
    if let Some(&max_acked) = acked.iter().max() {
        let last = last.expect("an acknowledged batch left a last marker");
        assert!(
            last >= max_acked,
            "ack {max_acked} lost: last committed is {last}"
        );
    }
    let records: BTreeMap<String, Vec<u8>> = store
        .load(RecordKind::Secret)
        .expect("load")
        .into_iter()
        .map(|record| (record.id, record.value))
        .collect();
    let Some(last) = last else {
        assert!(records.is_empty(), "records without a last marker");
        return None;
    };
    for n in 0..=last {
        let found = records.get(&record_id(n));
        if expected_present(n, last) {
            assert_eq!(found, Some(&payload(n)), "batch {n} (last {last})");
        } else {
            assert_eq!(found, None, "record {n} should be deleted (last {last})");
        }
    }
    let expected_count = (0..=last).filter(|&n| expected_present(n, last)).count();
    assert_eq!(
        records.len(),
        expected_count,
        "no record beyond batch {last}"
    );
    Some(last)
}

#[test]
fn every_acknowledged_write_survives_sigkill() {
    if let Ok(dir) = std::env::var(CHILD_DIR_ENV) {
        write_until_killed(&dir);
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let exe = std::env::current_exe().expect("test binary");
    let child_test = child_test_name();
    let mut rng = rand::rng();
    let started = Instant::now();
    let mut next_start = 0u64;
    let mut total_acked = 0usize;
    let mut killed_before_first_ack = 0usize;
    for iteration in 0..ITERATIONS {
        let mut child = Command::new(&exe)
            .args([
                child_test.as_str(),
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR_ENV, dir.path())
            .env(CHILD_START_ENV, next_start.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn child");
        // A real sleep, on purpose: the SIGKILL must land at a random moment of the child
        // process's writes (no virtual time is involved).
        std::thread::sleep(Duration::from_millis(rng.random_range(0..150)));
        child.kill().expect("SIGKILL");
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stdout.take() {
            pipe.read_to_string(&mut stdout).expect("child stdout");
        }
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr).expect("child stderr");
        }
        let status = child.wait().expect("wait");
        assert_eq!(
            status.signal(),
            Some(SIGKILL),
            "iteration {iteration}: the child ended before the kill: {status}\n{stdout}\n{stderr}"
        );
        let acked = acknowledged(&stdout);
        let expected: Vec<u64> = (next_start..next_start + acked.len() as u64).collect();
        assert_eq!(acked, expected, "acks are consecutive from the start index");
        if acked.is_empty() {
            killed_before_first_ack += 1;
        }
        total_acked += acked.len();
        let store = SqliteStore::open_in(dir.path()).expect("the store opens after SIGKILL");
        next_start = verify(&store, &acked).map_or(0, |last| last + 1);
    }
    let elapsed = started.elapsed();
    eprintln!(
        "crash test: {ITERATIONS} kills in {elapsed:?}, {total_acked} acknowledged batches, \
         {next_start} committed, {killed_before_first_ack} kills before the first ack"
    );
    assert!(
        total_acked >= ITERATIONS,
        "too few writes were acknowledged ({total_acked}) for the test to mean anything"
    );
}
