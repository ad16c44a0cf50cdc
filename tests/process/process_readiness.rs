//! The `lockbox` binary as scripts and CI steps use it: `--ready-file` (written atomically
//! once serving, cleared of stale content, removed on SIGTERM), a clear non-zero exit when the
//! port is taken, and `lockbox healthcheck` against a live server, no server, and a server
//! that is not healthy.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::{Read as _, Write as _};
use std::process::Command;

use common::process::{BINARY, free_port, healthcheck, spawn_ready};

#[test]
fn the_ready_file_holds_the_endpoint_while_serving_and_goes_away_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("lockbox.url");
    std::fs::write(&ready, "http://stale.invalid:1\n").unwrap();

    let mut command = Command::new(BINARY);
    command
        .args(["--listen", "127.0.0.1:0", "--ready-file"])
        .arg(&ready);
    let server = spawn_ready(command);

    // The ready line keeps its format; the file holds the same URL, and only that.
    assert!(
        server.ready_line.ends_with("(auth: verify, store: memory)"),
        "{}",
        server.ready_line
    );
    assert_eq!(
        std::fs::read_to_string(&ready).unwrap(),
        format!("{}\n", server.url)
    );
    let entries: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(entries.len(), 1, "no temporary file is left beside it");

    let probe = healthcheck(&["--endpoint", &server.url], &[]);
    assert!(probe.status.success(), "{probe:?}");

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(!ready.exists(), "the ready file is removed on shutdown");
}

#[test]
fn the_ready_file_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let mut command = Command::new(BINARY);
    command
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("LOCKBOX_READY_FILE", &ready);
    let server = spawn_ready(command);
    assert_eq!(
        std::fs::read_to_string(&ready).unwrap().trim_end(),
        server.url
    );
}

#[test]
fn a_failed_start_leaves_no_ready_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    std::fs::write(&ready, "http://127.0.0.1:1\n").unwrap();
    let seed = dir.path().join("bad-seed.json");
    std::fs::write(&seed, "{\"version\": 1, \"partitions\": 7}").unwrap();
    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--ready-file"])
        .arg(&ready)
        .arg("--seed")
        .arg(&seed)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        !ready.exists(),
        "a stale ready file must not survive a failed start"
    );
}

#[test]
fn a_taken_port_is_a_clear_error_and_never_ready() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready");
    let output = Command::new(BINARY)
        .args(["--listen", &addr, "--ready-file"])
        .arg(&ready)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "lockbox: cannot listen on {addr}: the address is already in use"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("--listen or LOCKBOX_LISTEN"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(output.stdout.is_empty(), "no ready line");
    assert!(!ready.exists());
}

#[test]
fn healthcheck_passes_against_a_live_server_however_the_endpoint_is_given() {
    let server = spawn_ready({
        let mut command = Command::new(BINARY);
        command.args(["--listen", "127.0.0.1:0"]);
        command
    });
    let version = env!("CARGO_PKG_VERSION");
    let healthy = format!("healthy: {} (lockbox {version})\n", server.url);

    let by_flag = healthcheck(&["--endpoint", &server.url], &[]);
    assert_eq!(by_flag.status.code(), Some(0), "{by_flag:?}");
    assert_eq!(String::from_utf8_lossy(&by_flag.stdout), healthy);

    let by_endpoint_env = healthcheck(&[], &[("LOCKBOX_ENDPOINT", &server.url)]);
    assert_eq!(
        by_endpoint_env.status.code(),
        Some(0),
        "{by_endpoint_env:?}"
    );

    // As in the container: only LOCKBOX_LISTEN is set, the endpoint is derived from it.
    let listen = server.url.trim_start_matches("http://");
    let by_listen_env = healthcheck(&[], &[("LOCKBOX_LISTEN", listen)]);
    assert_eq!(by_listen_env.status.code(), Some(0), "{by_listen_env:?}");
    assert_eq!(String::from_utf8_lossy(&by_listen_env.stdout), healthy);
}

#[test]
fn healthcheck_fails_with_one_line_when_nothing_listens() {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let output = healthcheck(&["--endpoint", &endpoint], &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "lockbox: unhealthy: cannot connect to {endpoint}:"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn healthcheck_fails_on_a_non_200_answer_and_on_silence() {
    // A server that answers every request with 503.
    let unhealthy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", unhealthy.local_addr().unwrap());
    let answering = std::thread::spawn(move || {
        let (mut socket, _) = unhealthy.accept().unwrap();
        let mut request = [0_u8; 1024];
        let _ = socket.read(&mut request).unwrap();
        socket
            .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
    });
    let output = healthcheck(&["--endpoint", &endpoint], &[]);
    answering.join().unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!("lockbox: unhealthy: {endpoint}/_lockbox/health answered 503\n")
    );

    // A server that accepts and never answers: the timeout decides.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", silent.local_addr().unwrap());
    let started = std::time::Instant::now();
    let output = healthcheck(&["--endpoint", &endpoint, "--timeout", "0.3"], &[]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("did not answer within 0.3s"),
        "{output:?}"
    );
    drop(silent);
}

#[test]
fn sigterm_stops_the_server_within_its_grace_period_despite_a_half_sent_request() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let start = |data: &std::path::Path| {
        let mut command = Command::new(BINARY);
        command
            .args(["--listen", "127.0.0.1:0", "--shutdown-grace-seconds", "1"])
            .arg("--data-dir")
            .arg(data);
        spawn_ready(command)
    };
    let server = start(&data);
    let address = server.url.trim_start_matches("http://").to_owned();
    let mut client = std::net::TcpStream::connect(&address).unwrap();
    // A request whose body never arrives: 10 of the announced 100 bytes.
    write!(
        client,
        "POST / HTTP/1.1\r\nHost: {address}\r\nX-Amz-Target: secretsmanager.ListSecrets\r\nContent-Length: 100\r\n\r\n{{\"MaxResu"
    )
    .unwrap();
    client.flush().unwrap();
    // Lets the server start reading it (generously: the machine may be loaded).
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let begun = std::time::Instant::now();
    let (status, stderr) = server.terminate(); // panics if it takes more than 10 s
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(
        begun.elapsed() < std::time::Duration::from_secs(6),
        "stopped only after {:?}",
        begun.elapsed()
    );
    assert!(stderr.contains("shutdown grace period"), "{stderr}");
    drop(client);
    // The data dir's lock went with the process: a new server opens it.
    let again = start(&data);
    let (status, stderr) = again.terminate();
    assert!(status.success(), "{status:?}\n{stderr}");
}
