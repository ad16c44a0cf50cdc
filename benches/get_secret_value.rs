//! Loopback throughput of GetSecretValue: an in-process server, one secret, and N concurrent
//! keep-alive clients replaying one SigV4-signed request for a fixed time (the signature stays
//! valid for 5 minutes; every request is still fully verified and decrypted by the server).
//!
//! Run: `cargo bench --bench get_secret_value -- <clients> <seconds>` (default 8 clients, 5 s).
//! Prints figures; asserts nothing. The clients share the machine's cores with the server, so
//! compare runs on the same machine only.

use std::time::{Duration, Instant};

use lockbox::{Config, Server};
use support::{send, signed, summary};

mod support;

const CREATE: &str = r#"{"Name":"bench/secret","SecretString":"a benchmark value of moderate length","ClientRequestToken":"00000000-0000-0000-0000-00000000b0b0"}"#;
const GET: &str = r#"{"SecretId":"bench/secret"}"#;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let clients: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(clients, Duration::from_secs(seconds)));
}

async fn run(clients: usize, duration: Duration) {
    let server = Server::bind(Config::for_tests())
        .await
        .expect("bind")
        .spawn()
        .expect("spawn");
    let host = server.addr().to_string();
    let url = format!("{}/", server.endpoint_url());
    let http = reqwest::Client::new();
    assert_eq!(
        send(&http, &url, &signed(&host, "CreateSecret", CREATE), CREATE).await,
        200
    );

    let headers = signed(&host, "GetSecretValue", GET);
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, url, headers) = (http.clone(), url.clone(), headers.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                assert_eq!(send(&http, &url, &headers, GET).await, 200);
                latencies.push(started.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    println!(
        "GetSecretValue over loopback: {clients} clients, {} s: {}",
        duration.as_secs(),
        summary(&mut latencies, duration)
    );
    server.shutdown().await.expect("shutdown");
}
