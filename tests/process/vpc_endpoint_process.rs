//! VPC endpoint listeners declared in the config file of the real binary: each opens its own
//! port serving the API, and a bad entry stops start-up with a message naming it.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::process::Command;

use common::process::{BINARY, free_port, healthcheck, spawn_ready};

fn config_with_endpoint(port: u16, effect: &str) -> String {
    format!(
        "listen = \"127.0.0.1:0\"\n\
         [[vpc_endpoints]]\n\
         listen = \"127.0.0.1:{port}\"\n\
         id = \"vpce-0a1b2c3d4e5f60718\"\n\
         vpc = \"vpc-0abc1234\"\n\
         policy = '{{\"Statement\":[{{\"Effect\":\"{effect}\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}}]}}'\n"
    )
}

#[test]
fn the_binary_serves_on_each_declared_endpoint_port() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockbox.toml");
    let port = free_port();
    std::fs::write(&path, config_with_endpoint(port, "Allow")).unwrap();
    let mut command = Command::new(BINARY);
    command.arg("serve").arg("--config").arg(&path);
    let server = spawn_ready(command);

    let endpoint = format!("http://127.0.0.1:{port}");
    let probe = healthcheck(&["--endpoint", &endpoint], &[]);
    assert!(probe.status.success(), "{probe:?}");

    let (status, stderr) = server.terminate();
    assert!(status.success(), "{status:?}\n{stderr}");
    assert!(
        stderr.contains("VPC endpoint listener bound"),
        "the endpoint listener is logged:\n{stderr}"
    );
}

#[test]
fn a_bad_endpoint_policy_stops_start_up_with_the_entry_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lockbox.toml");
    std::fs::write(&path, config_with_endpoint(free_port(), "Permit")).unwrap();
    let output = Command::new(BINARY)
        .arg("serve")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("vpc_endpoints[0] (vpce-0a1b2c3d4e5f60718): invalid endpoint policy"),
        "{stderr}"
    );
}
