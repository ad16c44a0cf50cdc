//! Binding, serving and graceful shutdown.
//!
//! [`Server::bind`] opens the listener (so the caller learns the real port when it asked for
//! port 0) and [`Server::serve`] runs until the shutdown future completes, then stops
//! accepting and drains in-flight requests. [`Server::spawn`] runs it on the current Tokio
//! runtime and returns a handle that shuts the server down when dropped — what tests use.
//! While serving, the [`scheduler`] runs beside the listener and stops with it.
//!
//! Each configured VPC endpoint gets a listener of its own serving the same routes; the
//! requests it accepts carry the endpoint (an `Arc<VpcEndpoint>` request extension) so the
//! edge can set `aws:SourceVpce` / `aws:SourceVpc` and apply the endpoint policy.
//!
//! Connections are accepted by `accept.rs`, at most `max_connections` at once, and each is
//! served by `connection.rs` under the configured header, body and idle timeouts, so no slow
//! or idle client can hold a connection, a buffered partial body or a file descriptor for
//! long.

mod accept;
mod activity;
mod connection;
mod import_limit;
mod request_service;
mod router;
pub mod scheduler;
mod tracked_io;

pub use router::router;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::app::AppState;
use crate::config::{Config, VpcEndpoint};

/// A bound, not yet serving, server.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    endpoint_listeners: Vec<(TcpListener, Arc<VpcEndpoint>)>,
    state: Arc<AppState>,
}

impl Server {
    /// Binds the configured address and builds fresh state, applying the configured seed
    /// document if any. A seed that cannot be read, parsed or applied fails with
    /// [`std::io::ErrorKind::InvalidData`] and a message naming the file and the problem.
    pub async fn bind(config: Config) -> std::io::Result<Server> {
        let listener = TcpListener::bind(config.listen).await?;
        let mut endpoint_listeners = Vec::with_capacity(config.vpc_endpoints.len());
        for endpoint in &config.vpc_endpoints {
            let bound = TcpListener::bind(endpoint.listen).await.map_err(|error| {
                std::io::Error::new(
                    error.kind(),
                    format!(
                        "cannot listen on {} for VPC endpoint {}: {error}",
                        endpoint.listen, endpoint.id
                    ),
                )
            })?;
            if let Ok(addr) = bound.local_addr() {
                tracing::info!(
                    %addr,
                    vpc_endpoint = %endpoint.id,
                    vpc = %endpoint.vpc,
                    policy = endpoint.policy.is_some(),
                    "VPC endpoint listener bound"
                );
            }
            endpoint_listeners.push((bound, Arc::new(endpoint.clone())));
        }
        let seed = config.seed.clone();
        let invalid =
            |message: String| std::io::Error::new(std::io::ErrorKind::InvalidData, message);
        let state = Arc::new(AppState::open(config).map_err(invalid)?);
        if let Some(path) = seed {
            let document = crate::seed::load_file(&path).map_err(invalid)?;
            // Over a data dir, objects changed through the API since the last start win.
            let on_conflict = if state.journal.store().is_some() {
                crate::seed::OnConflict::KeepExisting
            } else {
                crate::seed::OnConflict::Fail
            };
            let report = crate::seed::apply_with(&state, &document, on_conflict)
                .map_err(|e| invalid(format!("seed file {}: {e}", path.display())))?;
            tracing::info!(
                seed = %path.display(),
                keys_created = report.keys_created,
                keys_unchanged = report.keys_unchanged,
                secrets_created = report.secrets_created,
                secrets_unchanged = report.secrets_unchanged,
                conflicts_kept = report.conflicts_kept,
                "seed applied"
            );
        }
        Ok(Server {
            listener,
            endpoint_listeners,
            state,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Each VPC endpoint's id and the address its listener actually bound, in configuration
    /// order.
    pub fn endpoint_addrs(&self) -> std::io::Result<Vec<(String, SocketAddr)>> {
        self.endpoint_listeners
            .iter()
            .map(|(listener, endpoint)| Ok((endpoint.id.clone(), listener.local_addr()?)))
            .collect()
    }

    /// Shared state (for admin-style access in tests).
    pub fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.state)
    }

    /// Serves (with the background scheduler) until `shutdown` completes, then drains
    /// in-flight requests for at most the configured grace period (a client that never
    /// finishes its request cannot keep the server, and its data-dir lock, alive) and stops
    /// the scheduler.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let (stop_scheduler, stop) = watch::channel(false);
        let state = Arc::clone(&self.state);
        let grace = state.config.shutdown_grace;
        let scheduler = tokio::spawn(scheduler::run(Arc::clone(&self.state), stop));
        let timeouts = activity::Timeouts {
            header: state.config.header_timeout,
            body: state.config.body_timeout,
            idle: state.config.idle_timeout,
        };
        let max_connections = state.config.max_connections;
        let app = router(self.state);
        let (stopping, mut stopped) = watch::channel(false);
        // Dropping the set (when the grace period runs out) aborts the endpoint listeners too.
        let mut endpoints = JoinSet::new();
        for (listener, endpoint) in self.endpoint_listeners {
            let mut stopped = stopped.clone();
            let shutdown = async move {
                // A dropped sender also means stopping.
                stopped.wait_for(|stopping| *stopping).await.ok();
            };
            let routes = app.clone().layer(axum::Extension(endpoint));
            endpoints.spawn(accept::serve(
                listener,
                routes,
                timeouts,
                max_connections,
                shutdown,
            ));
        }
        let shutdown = async move {
            shutdown.await;
            stopping.send(true).ok();
        };
        let main = accept::serve(self.listener, app, timeouts, max_connections, shutdown);
        let serving = async move {
            main.await;
            while let Some(ended) = endpoints.join_next().await {
                if let Err(error) = ended {
                    tracing::error!(%error, "a VPC endpoint listener failed");
                }
            }
        };
        let deadline = async move {
            // Resolves `grace` after shutdown began; never if it never begins.
            if stopped.wait_for(|stopping| *stopping).await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            () = serving => {}
            () = deadline => {
                // Dropping `serving` aborts the connections still open.
                tracing::warn!(
                    grace_seconds = grace.as_secs(),
                    "requests still in flight after the shutdown grace period; stopping anyway"
                );
            }
        }
        stop_scheduler.send(true).ok();
        if let Err(error) = scheduler.await {
            tracing::error!(%error, "the scheduler task failed");
        }
        state.audit.flush();
        Ok(())
    }

    /// Serves in a background task of the current runtime.
    pub fn spawn(self) -> std::io::Result<ServerHandle> {
        let addr = self.local_addr()?;
        let endpoint_addrs = self.endpoint_addrs()?;
        let state = self.state();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(self.serve(async move {
            stopped.await.ok();
        }));
        Ok(ServerHandle {
            addr,
            endpoint_addrs,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A server running in the background; dropping it stops the server.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    endpoint_addrs: Vec<(String, SocketAddr)>,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, for `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://<addr>` of the listener standing for the VPC endpoint `id`, if one is
    /// configured.
    pub fn endpoint_url_of(&self, id: &str) -> Option<String> {
        self.endpoint_addrs
            .iter()
            .find(|(endpoint, _)| endpoint == id)
            .map(|(_, addr)| format!("http://{addr}"))
    }

    /// The server's state.
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// Stops accepting, drains in-flight requests and waits for the server to finish.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

/// Completes on SIGINT or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled: call it before announcing readiness, so a signal sent right
/// after the ready line is never met by the default action (which would kill the process
/// without draining).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        tokio::signal::ctrl_c().await.ok();
    }
}
