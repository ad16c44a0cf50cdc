//! Shared by the benchmarks: SigV4-signed raw requests over a keep-alive client, and the
//! latency summary they print.
#![allow(dead_code)]

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

/// The headers of a request to `host` for `target` with `body`, signed as `test`/`test`.
pub fn signed(host: &str, target: &str, body: &str) -> Vec<(String, String)> {
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

/// Sends one request; returns the status after reading the whole body.
pub async fn send(
    http: &reqwest::Client,
    url: &str,
    headers: &[(String, String)],
    body: impl Into<reqwest::Body>,
) -> u16 {
    let mut request = http.post(url).body(body);
    for (k, v) in headers {
        request = request.header(k, v);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body");
    if status != 200 {
        eprintln!("HTTP {status}: {}", String::from_utf8_lossy(&body));
    }
    status
}

/// `count requests, req/s, p50, p99` of `latencies` measured over `elapsed`.
pub fn summary(latencies: &mut [Duration], elapsed: Duration) -> String {
    latencies.sort();
    let count = latencies.len().max(1);
    let at =
        |p: f64| latencies[((count as f64 * p) as usize).min(latencies.len().saturating_sub(1))];
    format!(
        "{} requests, {:.0} req/s, p50 {:?}, p99 {:?}",
        latencies.len(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50),
        at(0.99),
    )
}
