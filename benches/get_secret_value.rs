//! Loopback throughput of GetSecretValue: an in-process server, one secret, and N concurrent
//! keep-alive clients replaying one SigV4-signed request for a fixed time (the signature stays
//! valid for 5 minutes; every request is still fully verified and decrypted by the server).
//!
//! Run: `cargo bench --bench get_secret_value -- <clients> <seconds>` (default 8 clients, 5 s).
//! Prints figures; asserts nothing. The clients share the machine's cores with the server, so
//! compare runs on the same machine only.

use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use lockbox::{Config, Server};

const CREATE: &str = r#"{"Name":"bench/secret","SecretString":"a benchmark value of moderate length","ClientRequestToken":"00000000-0000-0000-0000-00000000b0b0"}"#;
const GET: &str = r#"{"SecretId":"bench/secret"}"#;

/// The headers of a request to `host` for `target` with `body`, signed as `test`/`test`.
fn signed(host: &str, target: &str, body: &str) -> Vec<(String, String)> {
    let identity = Credentials::new("test", "test", None, None, "bench").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("secretsmanager")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .expect("signing params")
        .into();
    let headers = vec![
        ("host".to_owned(), host.to_owned()),
        (
            "content-type".to_owned(),
            "application/x-amz-json-1.1".to_owned(),
        ),
        (
            "x-amz-target".to_owned(),
            format!("secretsmanager.{target}"),
        ),
    ];
    let url = format!("http://{host}/");
    let signable = SignableRequest::new(
        "POST",
        &url,
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(body.as_bytes()),
    )
    .expect("signable");
    let (instructions, _) = sign(signable, &params).expect("sign").into_parts();
    let mut out: Vec<(String, String)> = headers.into_iter().filter(|(k, _)| k != "host").collect();
    out.extend(
        instructions
            .headers()
            .map(|(k, v)| (k.to_owned(), v.to_owned())),
    );
    out
}

async fn send(
    http: &reqwest::Client,
    url: &str,
    headers: &[(String, String)],
    body: &'static str,
) -> u16 {
    let mut request = http.post(url).body(body);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    response.bytes().await.expect("body");
    status
}

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
    latencies.sort();
    let count = latencies.len().max(1);
    let at =
        |p: f64| latencies[((count as f64 * p) as usize).min(latencies.len().saturating_sub(1))];
    println!(
        "GetSecretValue over loopback: {clients} clients, {} s: {} requests, {:.0} req/s, p50 {:?}, p99 {:?}",
        duration.as_secs(),
        latencies.len(),
        latencies.len() as f64 / duration.as_secs_f64(),
        at(0.50),
        at(0.99),
    );
    server.shutdown().await.expect("shutdown");
}
