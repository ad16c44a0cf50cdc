//! The integration tests that run child processes: the real `lockbox` binary (readiness,
//! healthcheck, durability under SIGKILL, the container image's way of running it, slow and
//! idle clients) and this test binary re-executed as a crash-test writer. One test binary,
//! one module per area.

#[path = "../common/mod.rs"]
mod common;

mod docker_image;
mod durability_process;
mod explain_command;
mod process_readiness;
mod slow_clients;
mod storage_crash;
mod vpc_endpoint_process;
