//! What `--data-dir` costs: CreateSecret (every write committed and fsynced before the
//! answer) and GetSecretValue (served from memory) over loopback, in memory and with a data
//! dir, N concurrent keep-alive clients.
//!
//! Run: `cargo bench --bench durability -- <clients> <seconds>` (default 4 clients, 3 s).
//! Prints figures; asserts nothing. The data dir is a temporary directory on the machine's
//! disk, so write figures are the disk's fsync latency more than Lockbox's.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use lockbox::{Config, Server};
use support::{send, signed, summary};

mod support;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let clients: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(4);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let duration = Duration::from_secs(seconds);
    runtime.block_on(run("memory", None, clients, duration));
    let dir = tempfile::tempdir().expect("temporary data dir");
    runtime.block_on(run(
        "data dir",
        Some(dir.path().join("data")),
        clients,
        duration,
    ));
}

async fn run(label: &str, data_dir: Option<PathBuf>, clients: usize, duration: Duration) {
    let config = Config {
        data_dir,
        ..Config::for_tests()
    };
    let server = Server::bind(config)
        .await
        .expect("bind")
        .spawn()
        .expect("spawn");
    let host = server.addr().to_string();
    let url = format!("{}/", server.endpoint_url());
    let http = reqwest::Client::new();
    for client in 0..clients {
        let body = format!(
            r#"{{"Name":"bench/{client}","SecretString":"initial","ClientRequestToken":"{}"}}"#,
            uuid::Uuid::new_v4()
        );
        let headers = signed(&host, "CreateSecret", &body);
        assert_eq!(send(&http, &url, &headers, body).await, 200);
    }

    let writes = phase(clients, duration, |client, step| {
        // A new secret per write: a secret holds at most 100 versions (AWS's quota).
        format!(
            r#"{{"Name":"bench/{client}/{step}","SecretString":"value {step}","ClientRequestToken":"{}"}}"#,
            uuid::Uuid::new_v4()
        )
    }, "CreateSecret", &http, &host, &url)
    .await;
    let reads = phase(
        clients,
        duration,
        |client, _| format!(r#"{{"SecretId":"bench/{client}"}}"#),
        "GetSecretValue",
        &http,
        &host,
        &url,
    )
    .await;
    println!("{label:>8}: CreateSecret   {writes}");
    println!("{label:>8}: GetSecretValue {reads}");
    server.shutdown().await.expect("shutdown");
}

async fn phase(
    clients: usize,
    duration: Duration,
    body: impl Fn(usize, usize) -> String + Send + Sync + Copy + 'static,
    target: &'static str,
    http: &reqwest::Client,
    host: &str,
    url: &str,
) -> String {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (http, url, host) = (http.clone(), url.to_owned(), host.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut step = 0;
            while Instant::now() < deadline {
                let body = body(client, step);
                let headers = signed(&host, target, &body);
                let sent = Instant::now();
                assert_eq!(send(&http, &url, &headers, body).await, 200);
                latencies.push(sent.elapsed());
                step += 1;
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("client"));
    }
    summary(&mut latencies, started.elapsed())
}
