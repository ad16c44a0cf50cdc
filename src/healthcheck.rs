//! `lockbox healthcheck`: is a server answering `GET /_lockbox/health` with 200?
//!
//! Made for container health checks on images without a shell or curl (the Dockerfile's
//! `HEALTHCHECK CMD ["lockbox", "healthcheck"]`): it exits 0 when healthy and 1 with a
//! one-line reason otherwise, within a short timeout. The endpoint is `--endpoint`, else
//! `LOCKBOX_ENDPOINT`, else derived from `LOCKBOX_LISTEN` (so a container that moved its port
//! needs no second setting), else `http://127.0.0.1:4566`. Reuses the admin client of
//! [`crate::seed::remote`].

use std::time::Duration;

use clap::Args;

use crate::config::DEFAULT_LISTEN;
use crate::readiness::endpoint_url;

/// Flags of `lockbox healthcheck`.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The server, e.g. http://127.0.0.1:4566 [default: from LOCKBOX_LISTEN, else
    /// http://127.0.0.1:4566].
    #[arg(long, env = "LOCKBOX_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Give up after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub timeout: f64,
}

/// The endpoint to probe when none is given: the listen address (loopback when it is
/// unspecified), or the default one when `listen` is absent or unparsable.
pub fn default_endpoint(listen: Option<&str>) -> String {
    let addr = listen
        .and_then(|value| value.trim().parse().ok())
        .or_else(|| DEFAULT_LISTEN.parse().ok());
    match addr {
        Some(addr) => endpoint_url(addr),
        None => "http://127.0.0.1:4566".to_owned(),
    }
}

/// Probes `endpoint`; `Ok` carries a one-line description of the healthy server.
pub async fn check(endpoint: &str, timeout: Duration) -> Result<String, String> {
    let endpoint = endpoint.trim_end_matches('/');
    let probe = crate::seed::remote::request(endpoint, None, "GET", "/_lockbox/health", None);
    let response = tokio::time::timeout(timeout, probe)
        .await
        .map_err(|_| {
            format!(
                "unhealthy: {endpoint} did not answer within {:.1}s",
                timeout.as_secs_f64()
            )
        })?
        .map_err(|e| format!("unhealthy: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "unhealthy: {endpoint}/_lockbox/health answered {}",
            response.status
        ));
    }
    let version = serde_json::from_slice::<serde_json::Value>(&response.body)
        .ok()
        .and_then(|doc| doc.get("version")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown version".to_owned());
    Ok(format!("healthy: {endpoint} (lockbox {version})"))
}

/// Runs the sub-command: prints the healthy line on stdout, or returns the reason.
pub async fn run(args: HealthcheckArgs) -> Result<(), String> {
    let endpoint = args
        .endpoint
        .unwrap_or_else(|| default_endpoint(std::env::var("LOCKBOX_LISTEN").ok().as_deref()));
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(format!(
            "--timeout must be a positive number of seconds, got {}",
            args.timeout
        ));
    }
    let line = check(&endpoint, Duration::from_secs_f64(args.timeout)).await?;
    println!("{line}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_endpoint_follows_the_listen_address() {
        assert_eq!(default_endpoint(None), "http://127.0.0.1:4566");
        assert_eq!(
            default_endpoint(Some("0.0.0.0:5000")),
            "http://127.0.0.1:5000"
        );
        assert_eq!(default_endpoint(Some("[::]:4566")), "http://[::1]:4566");
        assert_eq!(default_endpoint(Some("nonsense")), "http://127.0.0.1:4566");
    }

    #[tokio::test]
    async fn nothing_listening_is_unhealthy_with_a_reason() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let error = check(&format!("http://{addr}"), Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(error.starts_with("unhealthy: cannot connect to"), "{error}");
    }

    #[tokio::test]
    async fn a_silent_server_times_out() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _held = tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(socket);
        });
        let error = check(&format!("http://{addr}"), Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(error.contains("did not answer within 0.2s"), "{error}");
    }
}
