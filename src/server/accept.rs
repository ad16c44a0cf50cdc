//! The accept loop: each connection is served in its own task, at most `max_connections` at
//! once.
//!
//! At the cap the loop stops accepting: new connections wait in the kernel's listen backlog
//! (their clients see a slower answer, never a refusal) while *pressure* is raised, so idle
//! keep-alive connections close and make room ([`super::connection`]). Failing to accept for
//! want of file descriptors raises pressure the same way, and the loop retries shortly.
//!
//! On shutdown the listener is closed, every connection is told, and the future completes
//! once all have closed. A caller that cannot wait that long drops the future, which aborts
//! the connections still open.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use super::activity::Timeouts;
use super::connection::{self, Signals};

/// How long the loop pauses after an accept failure that is not about one connection.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves connections from `listener` through `router` until `shutdown` completes, then
/// drains them.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(max_connections));
    let (pressure, pressure_signal) = watch::channel(false);
    let (stopping, shutdown_signal) = watch::channel(false);
    let signals = Signals {
        pressure: pressure_signal,
        shutdown: shutdown_signal,
    };
    let mut connections = JoinSet::new();
    let mut failing = false;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(ended) = connections.join_next() => {
                if let Err(error) = ended {
                    tracing::error!(%error, "a connection task failed");
                }
            }
            accepted = accept_within_cap(&listener, &slots, &pressure) => match accepted {
                Ok((stream, peer, slot)) => {
                    failing = false;
                    let served = connection::serve(stream, peer, router.clone(), timeouts, signals.clone());
                    connections.spawn(async move {
                        served.await;
                        drop(slot);
                    });
                }
                Err(error) if about_one_connection(&error) => {
                    tracing::debug!(%error, "a connection was lost before it was accepted");
                }
                Err(error) => {
                    // Most likely out of file descriptors: make room, then try again.
                    if !failing {
                        tracing::warn!(%error, "cannot accept connections; closing idle ones and retrying");
                    }
                    failing = true;
                    set_pressure(&pressure, true);
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(ACCEPT_RETRY) => {}
                    }
                }
            },
        }
    }
    drop(listener);
    stopping.send_replace(true);
    while connections.join_next().await.is_some() {}
}

/// Waits for a free slot (raising pressure while there is none), then for a connection.
async fn accept_within_cap(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
    pressure: &watch::Sender<bool>,
) -> std::io::Result<(TcpStream, SocketAddr, OwnedSemaphorePermit)> {
    let slot = match Arc::clone(slots).try_acquire_owned() {
        Ok(slot) => slot,
        Err(_) => {
            set_pressure(pressure, true);
            Arc::clone(slots)
                .acquire_owned()
                .await
                .map_err(|_| std::io::Error::other("the connection slots were closed"))?
        }
    };
    let (stream, peer) = listener.accept().await?;
    set_pressure(pressure, false);
    Ok((stream, peer, slot))
}

/// Changes the pressure signal, waking the connections only when it really changes.
fn set_pressure(pressure: &watch::Sender<bool>, on: bool) {
    pressure.send_if_modified(|current| std::mem::replace(current, on) != on);
}

/// Accept errors that concern only the connection being accepted.
fn about_one_connection(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionRefused
            | std::io::ErrorKind::Interrupted
    )
}
