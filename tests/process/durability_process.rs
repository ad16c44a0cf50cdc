//! `--data-dir` with the real binary: a write load interrupted by SIGKILL many times loses no
//! acknowledged write and the store opens cleanly every time; start-up refuses a wrong root
//! key, a root key file others can read, and a data dir another server holds.
//!
//! `LOCKBOX_CRASH_ROUNDS` sets the number of kills (default 12).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use serde_json::{Value, json};

const BINARY: &str = env!("CARGO_BIN_EXE_lockbox");

/// A running server process and its endpoint.
struct Running {
    child: Child,
    endpoint: String,
}

fn command(dir: &Path) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--auth",
            "off",
            "--log-level",
            "warn",
        ])
        .arg("--data-dir")
        .arg(dir)
        .env_remove("LOCKBOX_ROOT_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Starts the server and waits for its ready line.
fn start(dir: &Path) -> Running {
    start_with(command(dir))
}

/// Starts `command` and waits for its ready line.
fn start_with(mut command: Command) -> Running {
    let mut child = command.spawn().expect("spawn lockbox");
    let stdout = child.stdout.take().unwrap();
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let endpoint = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no ready line, got {line:?}"))
        .to_owned();
    Running { child, endpoint }
}

/// Runs the binary to completion; returns (exit code, stderr).
fn run_to_exit(mut command: Command) -> (i32, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn call(
    http: &reqwest::Client,
    endpoint: &str,
    operation: &str,
    body: Value,
) -> Result<Value, String> {
    call_target(http, endpoint, &format!("secretsmanager.{operation}"), body).await
}

async fn call_target(
    http: &reqwest::Client,
    endpoint: &str,
    target: &str,
    body: Value,
) -> Result<Value, String> {
    let response = http
        .post(endpoint)
        .header("x-amz-target", target)
        .header("content-type", "application/x-amz-json-1.1")
        .body(body.to_string())
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    if status == 200 {
        Ok(value)
    } else {
        Err(format!("{status}: {value}"))
    }
}

fn token() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// What the writers know: for each secret, the last acknowledged value and the value of a
/// write that was in flight when the server died (it may or may not have been committed).
#[derive(Default, Clone)]
struct Ledger {
    acked: BTreeMap<String, String>,
    in_flight: BTreeMap<String, String>,
}

async fn writer(endpoint: String, ledger: Arc<Mutex<Ledger>>, round: usize, writer: usize) {
    let http = reqwest::Client::new();
    let own = format!("w{writer}");
    for step in 0.. {
        let value = format!("r{round}-s{step}");
        // Alternate: a new secret, then a new version of this writer's own secret.
        let (name, operation, body) = if step % 2 == 0 {
            let name = format!("c{round}-w{writer}-{step}");
            let body = json!({"Name": name, "SecretString": value, "ClientRequestToken": token()});
            (name, "CreateSecret", body)
        } else {
            let body =
                json!({"SecretId": own, "SecretString": value, "ClientRequestToken": token()});
            (own.clone(), "PutSecretValue", body)
        };
        ledger.lock().in_flight.insert(name.clone(), value.clone());
        match call(&http, &endpoint, operation, body).await {
            Ok(_) => {
                let mut ledger = ledger.lock();
                ledger.in_flight.remove(&name);
                ledger.acked.insert(name, value);
            }
            Err(_) => return,
        }
    }
}

/// Checks every acknowledged secret; returns the in-flight writes that turned out committed
/// (the next round must expect them, not the older acknowledged value).
async fn check_all(endpoint: &str, ledger: &Ledger) -> Vec<(String, String)> {
    let http = reqwest::Client::new();
    let mut committed = Vec::new();
    for (name, acked) in &ledger.acked {
        let got = call(&http, endpoint, "GetSecretValue", json!({"SecretId": name}))
            .await
            .unwrap_or_else(|e| panic!("acknowledged secret {name} is missing: {e}"));
        let value = got["SecretString"].as_str().unwrap();
        let maybe = ledger.in_flight.get(name).map(String::as_str);
        assert!(
            value == acked || Some(value) == maybe,
            "{name}: expected {acked} (or the in-flight {maybe:?}), got {value}"
        );
        if value != acked {
            committed.push((name.clone(), value.to_owned()));
        }
    }
    committed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_write_load_loses_no_acknowledged_write() {
    let rounds: usize = std::env::var("LOCKBOX_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut server = start(dir.path());
    let http = reqwest::Client::new();
    for writer in 0..3 {
        let name = format!("w{writer}");
        let body = json!({"Name": name, "SecretString": "initial", "ClientRequestToken": token()});
        call(&http, &server.endpoint, "CreateSecret", body)
            .await
            .unwrap();
        ledger.lock().acked.insert(name, "initial".into());
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for round in 0..rounds {
        let mut server = start(dir.path());
        let snapshot = ledger.lock().clone();
        let committed = check_all(&server.endpoint, &snapshot).await;
        {
            let mut known = ledger.lock();
            known.in_flight.clear();
            known.acked.extend(committed);
        }
        let writers: Vec<_> = (0..3)
            .map(|w| {
                tokio::spawn(writer(
                    server.endpoint.clone(),
                    Arc::clone(&ledger),
                    round,
                    w,
                ))
            })
            .collect();
        // A real sleep, on purpose: the kill must land at a random moment of the real write
        // load in the child process (no virtual time is involved).
        let pause = 40 + rand::random::<u64>() % 200;
        tokio::time::sleep(Duration::from_millis(pause)).await;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        for task in writers {
            task.await.unwrap();
        }
    }
    let server = start(dir.path());
    let snapshot = ledger.lock().clone();
    assert!(
        snapshot.acked.len() > rounds,
        "the load should have written something each round ({} writes)",
        snapshot.acked.len()
    );
    check_all(&server.endpoint, &snapshot).await;
    eprintln!(
        "{rounds} kills; {} secrets acknowledged and present",
        snapshot.acked.len()
    );
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let db = rusqlite::Connection::open(dir.path().join("lockbox.db")).unwrap();
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
}

#[test]
fn a_wrong_root_key_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = command(dir.path());
    first.env("LOCKBOX_ROOT_KEY", "a".repeat(64));
    let mut server = first.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(server.child_stdout())
        .read_line(&mut line)
        .unwrap();
    server.kill().unwrap();
    server.wait().unwrap();

    let mut second = command(dir.path());
    second.env("LOCKBOX_ROOT_KEY", "b".repeat(64));
    let (code, stderr) = run_to_exit(second);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("is not the one this data dir was sealed with"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&"b".repeat(64)),
        "the key must not be echoed"
    );
}

#[test]
fn a_root_key_file_others_can_read_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path());
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let key_file = dir.path().join("root.key");
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (code, stderr) = run_to_exit(command(dir.path()));
    assert_ne!(code, 0);
    assert!(stderr.contains("root.key"), "{stderr}");
}

#[test]
fn a_second_server_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start(dir.path());
    let (code, stderr) = run_to_exit(command(dir.path()));
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    assert_ne!(code, 0);
    assert!(stderr.contains("in use by another process"), "{stderr}");
}

#[test]
fn the_data_dir_is_created_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("nested").join("data");
    let mut server = start(&data);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    let mode = std::fs::metadata(&data).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
    let db_mode = std::fs::metadata(data.join("lockbox.db"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(db_mode, 0o600);
}

/// `lockbox rekey --data-dir DIR` with the given root key variables.
fn rekey_command(dir: &Path, current: Option<&str>, new: Option<&str>) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(["rekey", "--data-dir"])
        .arg(dir)
        .env_remove("LOCKBOX_ROOT_KEY")
        .env_remove("LOCKBOX_NEW_ROOT_KEY");
    if let Some(key) = current {
        command.env("LOCKBOX_ROOT_KEY", key);
    }
    if let Some(key) = new {
        command.env("LOCKBOX_NEW_ROOT_KEY", key);
    }
    command
}

/// Creates a secret and a KMS ciphertext; returns the ciphertext (base64).
async fn write_sealed_state(endpoint: &str) -> String {
    let http = reqwest::Client::new();
    let body = json!({"Name": "sealed", "SecretString": "before the rekey", "ClientRequestToken": token()});
    call(&http, endpoint, "CreateSecret", body).await.unwrap();
    let key = call_target(&http, endpoint, "TrentService.CreateKey", json!({}))
        .await
        .unwrap();
    let key_id = key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned();
    let body = json!({"KeyId": key_id, "Plaintext": "cGxhaW4="});
    let encrypted = call_target(&http, endpoint, "TrentService.Encrypt", body)
        .await
        .unwrap();
    encrypted["CiphertextBlob"].as_str().unwrap().to_owned()
}

/// Checks what `write_sealed_state` wrote.
async fn read_sealed_state(endpoint: &str, blob: &str) {
    let http = reqwest::Client::new();
    let value = call(
        &http,
        endpoint,
        "GetSecretValue",
        json!({"SecretId": "sealed"}),
    )
    .await
    .unwrap();
    assert_eq!(value["SecretString"], "before the rekey");
    let body = json!({"CiphertextBlob": blob});
    let plain = call_target(&http, endpoint, "TrentService.Decrypt", body)
        .await
        .unwrap();
    assert_eq!(plain["Plaintext"], "cGxhaW4=");
}

fn stop(mut server: Running) {
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[tokio::test]
async fn rekey_replaces_the_root_key_file_and_everything_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let blob = write_sealed_state(&server.endpoint).await;
    stop(server);
    let before = std::fs::read(dir.path().join("root.key")).unwrap();

    let output = rekey_command(dir.path(), None, None).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("re-sealed 2 KMS keys"), "{stdout}");
    let after = std::fs::read(dir.path().join("root.key")).unwrap();
    assert_ne!(before, after);
    assert!(!dir.path().join("root.key.next").exists());
    let mode = std::fs::metadata(dir.path().join("root.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let server = start(dir.path());
    read_sealed_state(&server.endpoint, &blob).await;
    stop(server);
}

#[tokio::test]
async fn rekey_from_one_environment_key_to_another() {
    let (old, new) = ("a".repeat(64), "b".repeat(64));
    let dir = tempfile::tempdir().unwrap();
    let mut first = command(dir.path());
    first.env("LOCKBOX_ROOT_KEY", &old);
    let server = start_with(first);
    let blob = write_sealed_state(&server.endpoint).await;
    stop(server);

    let output = rekey_command(dir.path(), Some(&old), Some(&new))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("LOCKBOX_NEW_ROOT_KEY"), "{stdout}");
    assert!(!stdout.contains(&new) && !stdout.contains(&old));

    let mut with_old = command(dir.path());
    with_old.env("LOCKBOX_ROOT_KEY", &old);
    let (code, stderr) = run_to_exit(with_old);
    assert_ne!(code, 0);
    assert!(
        stderr.contains("is not the one this data dir was sealed with"),
        "{stderr}"
    );
    let mut with_new = command(dir.path());
    with_new.env("LOCKBOX_ROOT_KEY", &new);
    let server = start_with(with_new);
    read_sealed_state(&server.endpoint, &blob).await;
    stop(server);
}

#[test]
fn rekey_refuses_a_data_dir_a_server_is_using() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let (code, stderr) = run_to_exit(rekey_command(dir.path(), None, None));
    stop(server);
    assert_ne!(code, 0);
    assert!(stderr.contains("in use by another process"), "{stderr}");
    assert!(!dir.path().join("root.key.next").exists());
}

trait ChildStdout {
    fn child_stdout(&mut self) -> std::process::ChildStdout;
}

impl ChildStdout for Child {
    fn child_stdout(&mut self) -> std::process::ChildStdout {
        self.stdout.take().unwrap()
    }
}
