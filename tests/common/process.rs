//! Helpers of the tests that run the `lockbox` binary as a process: spawn it, wait for its
//! ready line (with a deadline), send SIGTERM, and collect what it wrote.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader, Read as _};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The debug binary cargo built for these tests.
pub const BINARY: &str = env!("CARGO_BIN_EXE_lockbox");

/// A running `lockbox` child; killed (SIGKILL) if still running when dropped.
pub struct Running {
    pub child: Child,
    /// The ready line, without its newline.
    pub ready_line: String,
    /// The URL of the ready line.
    pub url: String,
    stderr: Option<std::thread::JoinHandle<String>>,
}

/// Spawns `command` with piped stdout/stderr and waits up to 30 s for the ready line.
/// Panics with the process's stderr if it exits or stays silent.
pub fn spawn_ready(mut command: Command) -> Running {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut stderr_pipe = child.stderr.take().unwrap();
    // Drained all along, so a chatty log can never block the child on a full pipe.
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        stderr_pipe.read_to_string(&mut text).ok();
        text
    });
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    match received.recv_timeout(Duration::from_secs(30)) {
        Ok(line) => {
            let url = line
                .strip_prefix("lockbox ready: ")
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_else(|| panic!("unexpected first stdout line: {line:?}"))
                .to_owned();
            Running {
                child,
                ready_line: line,
                url,
                stderr: Some(stderr),
            }
        }
        Err(_) => {
            child.kill().ok();
            child.wait().ok();
            let stderr = stderr.join().unwrap_or_default();
            panic!("lockbox printed no ready line; stderr:\n{stderr}");
        }
    }
}

impl Running {
    /// Sends SIGTERM (as `docker stop` does) and waits up to 10 s for the exit; returns the
    /// status and everything written to stderr.
    pub fn terminate(mut self) -> (ExitStatus, String) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "lockbox did not stop within 10 s of SIGTERM"
            );
            // Polls the child process's exit: a wait for a process, not for virtual time.
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self
            .stderr
            .take()
            .map(|thread| thread.join().unwrap_or_default())
            .unwrap_or_default();
        (status, stderr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

/// A loopback port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Runs `lockbox healthcheck` with `args` and `env` (on top of a cleared environment).
pub fn healthcheck(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(BINARY)
        .arg("healthcheck")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap()
}
