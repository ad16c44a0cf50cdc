//! Slow and idle clients against the real binary: none of them can hold the server's
//! connections, memory or data-dir lock. Headers trickled byte by byte are cut after the
//! header timeout, a half-sent body gets a 408 after the body timeout, an idle keep-alive
//! connection is closed after the idle timeout (while keep-alive and pipelining still work),
//! `--max-connections` bounds what held connections cost and never stops the server for
//! good, and SIGTERM still stops it in time with slow clients attached.
//!
//! Timeouts are set to a second or two by flags so each test takes seconds; the bounds
//! asserted leave room for a loaded machine.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::{BufRead, BufReader, ErrorKind, Read as _, Write as _};
use std::net::{Shutdown, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use common::process::{BINARY, Running, spawn_ready};

fn start(flags: &[&str]) -> Running {
    let mut command = Command::new(BINARY);
    command.args(["--listen", "127.0.0.1:0"]).args(flags);
    spawn_ready(command)
}

fn address(server: &Running) -> String {
    server.url.trim_start_matches("http://").to_owned()
}

fn connect(server: &Running) -> TcpStream {
    TcpStream::connect(address(server)).unwrap()
}

const HEALTH: &[u8] = b"GET /_lockbox/health HTTP/1.1\r\nHost: lockbox\r\n\r\n";

/// The head of a ListSecrets call announcing a `length`-byte body.
fn post_head(length: usize) -> String {
    format!(
        "POST / HTTP/1.1\r\nHost: lockbox\r\nX-Amz-Target: secretsmanager.ListSecrets\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// Reads one response: its status and body.
fn read_response(reader: &mut impl BufRead) -> std::io::Result<(u16, String)> {
    let mut status_line = String::new();
    if reader.read_line(&mut status_line)? == 0 {
        return Err(ErrorKind::UnexpectedEof.into());
    }
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// Reads (and discards) until the server closes the connection: how long that took, or
/// `None` if it was still open after `limit`.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buffer = [0_u8; 4096];
    loop {
        let left = limit.checked_sub(started.elapsed())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .unwrap();
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => {}
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return None;
            }
            Err(_) => return Some(started.elapsed()), // reset: closed too
        }
    }
}

/// Whether the server has closed `stream` (checked without waiting).
fn is_closed(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0_u8; 1];
    let closed = match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => error.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).unwrap();
    closed
}

/// Sends `head` one byte every 100 ms; how long after the first byte the server cut the
/// connection, or `None` if the whole head went through.
fn trickle(stream: &mut TcpStream, head: &[u8]) -> Option<Duration> {
    let started = Instant::now();
    for byte in head {
        if stream.write_all(std::slice::from_ref(byte)).is_err() || is_closed(stream) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn slow_head() -> Vec<u8> {
    format!(
        "GET /_lockbox/health HTTP/1.1\r\nHost: lockbox\r\nX-Trickled: {}\r\n\r\n",
        "a".repeat(40)
    )
    .into_bytes()
}

#[test]
fn headers_trickled_byte_by_byte_are_cut_after_the_header_timeout() {
    let server = start(&["--header-timeout-seconds", "1"]);

    let mut trickling = connect(&server);
    let cut = trickle(&mut trickling, &slow_head()).expect("a 9 s head was never cut");
    assert!(
        cut >= Duration::from_millis(900) && cut < Duration::from_secs(4),
        "cut after {cut:?}"
    );

    // A connection that never sends a byte is closed on the same clock.
    let mut silent = connect(&server);
    let closed = closed_within(&mut silent, Duration::from_secs(5)).expect("silent kept open");
    assert!(
        closed >= Duration::from_millis(900),
        "closed after {closed:?}"
    );

    // Prompt clients are served as always.
    let mut prompt = connect(&server);
    prompt.write_all(HEALTH).unwrap();
    let (status, _) = read_response(&mut BufReader::new(prompt)).unwrap();
    assert_eq!(status, 200);
}

#[test]
fn a_partial_body_gets_a_request_timeout_after_the_body_timeout() {
    let server = start(&["--body-timeout-seconds", "1"]);
    let mut client = connect(&server);
    client
        .write_all(format!("{}{{\"MaxResu", post_head(100)).as_bytes())
        .unwrap();
    let started = Instant::now();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let (status, body) = read_response(&mut reader).expect("no answer to a stalled body");
    let answered = started.elapsed();
    assert_eq!(status, 408, "{body}");
    assert_eq!(
        body,
        r#"{"__type":"RequestTimeoutException","message":"The request body was not received within 1 seconds."}"#
    );
    assert!(
        answered >= Duration::from_millis(900) && answered < Duration::from_secs(4),
        "answered after {answered:?}"
    );
    let mut rest = Vec::new();
    assert_eq!(
        reader.read_to_end(&mut rest).unwrap_or(0),
        0,
        "the connection is closed after the 408"
    );
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = start(&["--idle-timeout-seconds", "2"]);
    let mut client = connect(&server);
    let mut reader = BufReader::new(client.try_clone().unwrap());

    // Two pipelined requests in one write: two answers, in order, on one connection.
    client.write_all(&[HEALTH, HEALTH].concat()).unwrap();
    for _ in 0..2 {
        let (status, body) = read_response(&mut reader).unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"running\""), "{body}");
    }

    // Within the idle timeout the connection is still good, and using it restarts the clock.
    std::thread::sleep(Duration::from_millis(1200));
    client.write_all(HEALTH).unwrap();
    assert_eq!(read_response(&mut reader).unwrap().0, 200);

    let closed = closed_within(&mut client, Duration::from_secs(6)).expect("idle kept open");
    assert!(
        closed >= Duration::from_millis(1800),
        "closed after only {closed:?}"
    );
}

/// Holds a connection whose request announced `length` bytes and sent `sent` of them.
fn hold_partial_body(server: &Running, length: usize, sent: usize) -> TcpStream {
    let mut stream = connect(server);
    let mut request = post_head(length).into_bytes();
    request.resize(request.len() + sent, b' ');
    stream.write_all(&request).unwrap();
    stream
}

#[test]
fn held_connections_at_the_cap_only_delay_others_until_one_is_released() {
    let server = start(&["--max-connections", "3"]);
    let mut held: Vec<TcpStream> = (0..3)
        .map(|_| hold_partial_body(&server, 1000, 10))
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    let mut waiting = connect(&server); // the kernel's backlog still takes the connect
    waiting.write_all(HEALTH).unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(1000)))
        .unwrap();
    let mut reader = BufReader::new(waiting.try_clone().unwrap());
    let early = read_response(&mut reader);
    assert!(early.is_err(), "served beyond the cap: {early:?}");

    held.pop().unwrap().shutdown(Shutdown::Both).unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let (status, _) = read_response(&mut reader).expect("not served once a slot was free");
    assert_eq!(status, 200);
}

#[test]
fn idle_keep_alive_connections_make_room_at_the_cap() {
    let server = start(&["--max-connections", "2"]);
    let mut idle: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect(&server);
            stream.write_all(HEALTH).unwrap();
            let (status, _) =
                read_response(&mut BufReader::new(stream.try_clone().unwrap())).unwrap();
            assert_eq!(status, 200);
            stream
        })
        .collect();

    let started = Instant::now();
    let mut newcomer = connect(&server);
    newcomer.write_all(HEALTH).unwrap();
    newcomer
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let (status, _) = read_response(&mut BufReader::new(newcomer)).expect("newcomer not served");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let evicted = idle
        .iter_mut()
        .filter_map(|stream| closed_within(stream, Duration::from_millis(500)))
        .count();
    assert!(evicted >= 1, "no idle connection was closed to make room");
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[test]
fn held_partial_bodies_cost_no_more_memory_than_the_connection_cap_allows() {
    const CLIENTS: usize = 50;
    const SENT: usize = 900 * 1024;
    let server = start(&["--max-connections", "8", "--body-timeout-seconds", "60"]);
    let pid = server.child.id();
    for _ in 0..20 {
        let mut warm = connect(&server);
        warm.write_all(HEALTH).unwrap();
        read_response(&mut BufReader::new(warm)).unwrap();
    }
    let before = resident_kib(pid);

    // Each client sends 900 KB of an announced 1,000,000-byte body, then holds. Clients
    // beyond the cap block in their writes (the server does not read them), so each writes
    // from its own thread; shutting the sockets down ends them.
    let mut sockets = Vec::new();
    let mut writers = Vec::new();
    for _ in 0..CLIENTS {
        let mut stream = connect(&server);
        sockets.push(stream.try_clone().unwrap());
        writers.push(std::thread::spawn(move || {
            let mut request = post_head(1_000_000).into_bytes();
            request.resize(request.len() + SENT, b' ');
            stream.write_all(&request).ok();
        }));
    }
    std::thread::sleep(Duration::from_secs(2));
    let holding = resident_kib(pid);
    let grown_mib = holding.saturating_sub(before) / 1024;
    // 50 buffered bodies would be 45 MiB; the 8 the cap admits are about 7 MiB.
    assert!(
        grown_mib < 25,
        "resident memory grew by {grown_mib} MiB ({before} -> {holding} KiB)"
    );

    for socket in &sockets {
        socket.shutdown(Shutdown::Both).ok();
    }
    for writer in writers {
        writer.join().unwrap();
    }
    let mut after = connect(&server);
    after.write_all(HEALTH).unwrap();
    after
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (status, _) = read_response(&mut BufReader::new(after)).expect("not served after");
    assert_eq!(status, 200);
}

#[test]
fn sigterm_stops_the_server_in_time_while_clients_trickle_headers_and_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let start_on_data = || {
        let mut command = Command::new(BINARY);
        command
            .args(["--listen", "127.0.0.1:0", "--shutdown-grace-seconds", "3"])
            .arg("--data-dir")
            .arg(&data);
        spawn_ready(command)
    };
    let server = start_on_data();
    let _stalled_body = hold_partial_body(&server, 1000, 10);
    let mut trickling = connect(&server);
    let head = slow_head();
    trickling.write_all(&head[..10]).unwrap();
    let trickler = std::thread::spawn(move || {
        let cut = trickle(&mut trickling, &head[10..]);
        (cut, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(500));

    let begun = Instant::now();
    let (status, stderr) = server.terminate();
    let stopped = begun.elapsed();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(
        stopped < Duration::from_secs(5),
        "stopped after {stopped:?}"
    );
    // The stalled body held the server to its grace period; the half-sent head did not:
    // it was closed as the server began to stop.
    assert!(
        stopped >= Duration::from_millis(2500),
        "stopped after {stopped:?}"
    );
    let (cut, cut_at) = trickler.join().unwrap();
    assert!(cut.is_some(), "the trickled head went through");
    let cut_after_sigterm = cut_at.saturating_duration_since(begun);
    assert!(
        cut_after_sigterm < Duration::from_millis(1500),
        "the head-reading connection was closed {cut_after_sigterm:?} after SIGTERM"
    );

    // The data dir's lock went with the process: a new server opens it.
    let again = start_on_data();
    let (status, stderr) = again.terminate();
    assert!(status.success(), "{status:?}\n{stderr}");
}
