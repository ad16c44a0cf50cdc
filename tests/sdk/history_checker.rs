//! A concurrency history checker: clients race Secrets Manager and KMS calls through the
//! official SDKs against one in-process server, every call is recorded as (client, call,
//! invocation instant, answer instant, outcome), and the invariants are checked on that
//! history, not only on the final state.
//!
//! What the server guarantees, and so what is checked: each Secrets Manager call reads or
//! changes a secret at one instant under its partition's lock (`SecretTable::read` /
//! `write`), and each KMS call reads or changes a key at one instant under its key ring's lock;
//! Secrets Manager's KMS work (sealing a value before the write, opening one after the read)
//! happens at another instant inside the same call. So every answer must be explainable by the
//! writes that could have happened before some instant of the call ([`register`]):
//! - one answer's label map is consistent (each label on at most one version, exactly one
//!   AWSCURRENT even while scheduled for deletion, AWSPREVIOUS off the AWSCURRENT version and
//!   only on a version that held AWSCURRENT before) and each holder is possible then;
//! - GetSecretValue answers a version some call created before the read returned, with the
//!   value written as that version, and AWSCURRENT's holder is not older than a move
//!   acknowledged before the read began and not superseded by a concurrent one;
//! - calls on a secret that must be scheduled for deletion fail with AWS's
//!   InvalidRequestException texts, and only then;
//! - Encrypt / GenerateDataKey / Decrypt / RotateKeyOnDemand and writes and reads of a secret
//!   under a customer key succeed only when the key can be Enabled during the call, and fail
//!   with DisabledException / KMSInvalidStateException (or Secrets Manager's
//!   EncryptionFailure / DecryptionFailure) only when it can be disabled / pending deletion;
//! - no 5xx, no dropped call; everything encrypted decrypts afterwards, every version written
//!   reads back with its value.
//!
//! Size: `LOCKBOX_HISTORY_ROUNDS` (default 2), `LOCKBOX_HISTORY_OPS` calls per client per
//! round (default 40), `LOCKBOX_HISTORY_SEED` to replay the clients' choices, e.g.
//! `LOCKBOX_HISTORY_ROUNDS=50 cargo test --test sdk history_checker -- --nocapture`.
//! `checker_tests.rs` feeds the checker small hand-made histories that break each rule.

#[cfg(test)]
mod checker_tests;
mod client;
mod history;
mod keys;
mod labels_seen;
mod register;
mod secret_checks;
mod secret_facts;
mod summary;
mod verdict;
mod workload;

use history::History;
use verdict::Report;

/// Checks every invariant that holds at each instant of `history`.
pub fn check(history: &History) -> Report {
    let mut report = Report::default();
    verdict::check_answers(history, &mut report);
    let keys = keys::key_facts(history);
    let secrets = secret_facts::secret_facts(history);
    keys::check_kms_calls(history, &keys, &mut report);
    secret_checks::check_secret_calls(history, &secrets, &keys, &mut report);
    report
}

/// [`check`], plus what must hold once the race has settled: every blob decrypted and every
/// version read back.
pub fn check_settled(history: &History) -> Report {
    let mut report = check(history);
    keys::check_everything_decrypted(history, &mut report);
    secret_checks::check_every_version_read(history, &mut report);
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_clients_leave_a_history_that_keeps_every_invariant() {
    let settings = workload::Settings::from_env();
    let server = crate::common::start().await;
    let started = std::time::Instant::now();
    let history = workload::race(&server, settings).await;
    let elapsed = started.elapsed();
    let report = check_settled(&history);
    let succeeded = history
        .events
        .iter()
        .filter(|e| e.outcome.reply().is_some())
        .count();
    println!(
        "history checker: {settings:?}: {} calls ({succeeded} succeeded) in {elapsed:.1?}, {} violations",
        history.events.len(),
        report.violations.len()
    );
    println!("{}", summary::summarize(&history));
    if report.violations.is_empty() {
        return;
    }
    let dump = std::env::temp_dir().join(format!("lockbox-history-{}.txt", settings.seed));
    let lines: Vec<String> = history.events.iter().map(|e| format!("{e:?}")).collect();
    let saved = std::fs::write(&dump, lines.join("\n")).is_ok();
    let shown: Vec<String> = report
        .violations
        .iter()
        .take(20)
        .map(|v| {
            let event = &history.events[v.event];
            format!("{v}\n    client {}: {event:?}", event.client)
        })
        .collect();
    panic!(
        "{} violations (seed {}, history {}):\n{}",
        report.violations.len(),
        settings.seed,
        if saved {
            dump.display().to_string()
        } else {
            "not saved".into()
        },
        shown.join("\n")
    );
}
