//! One client connection: HTTP/1.1 as hyper serves it (keep-alive, pipelined requests
//! answered in order) through a [`RequestService`], under a watchdog that closes it when
//! it has waited too long in its phase (see [`super::activity`]).
//!
//! Besides its own timeouts, the watchdog follows two server-wide signals:
//! - *pressure* (the server is at its connection cap, or out of file descriptors): an idle
//!   keep-alive connection is asked to close, and a busy one after its current response, so
//!   a waiting client gets its slot. Closing asks hyper to finish what it is writing first;
//! - *shutdown*: a connection with no request in flight is closed at once; one in a
//!   request finishes it and then closes (the server's grace deadline bounds the wait).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::activity::{Activity, Timeouts, Verdict};
use super::request_service::RequestService;
use super::tracked_io::TrackedIo;

/// The server-wide signals every connection follows. Pressure comes and goes; shutdown only
/// comes (a dropped shutdown sender counts as shutdown).
#[derive(Debug, Clone)]
pub(super) struct Signals {
    /// True while the server waits for a free connection slot or file descriptor.
    pub pressure: watch::Receiver<bool>,
    /// True once the server stops.
    pub shutdown: watch::Receiver<bool>,
}

/// Serves `stream` from `peer` until the client or the watchdog closes it.
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    timeouts: Timeouts,
    mut signals: Signals,
) {
    let activity = Activity::new(Instant::now());
    let io = TokioIo::new(TrackedIo::new(stream, Arc::clone(&activity)));
    let service = RequestService::new(router, Arc::clone(&activity), peer, timeouts.body);
    let mut builder = http1::Builder::new();
    // Hyper's own header timer would also run while the connection is idle between
    // requests; the watchdog times the two phases apart.
    builder.header_read_timeout(None);
    let connection = builder.serve_connection(io, service);
    tokio::pin!(connection);

    let mut stopping = *signals.shutdown.borrow();
    let mut follow_pressure = true;
    let mut asked_to_close = false;
    loop {
        let wake_at = match activity.verdict(Instant::now(), &timeouts) {
            Verdict::Expired(phase) => {
                tracing::debug!(%peer, ?phase, "closing a connection that waited too long");
                return;
            }
            Verdict::Wait(at) => at,
        };
        if stopping && activity.is_reading_head() {
            tracing::debug!(%peer, "closing a connection with no request in flight: stopping");
            return;
        }
        let make_room = *signals.pressure.borrow() && activity.is_idle();
        if !asked_to_close && (stopping || make_room) {
            connection.as_mut().graceful_shutdown();
            asked_to_close = true;
        }
        tokio::select! {
            biased;
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                return;
            }
            () = activity.changed() => {}
            () = sleep_until(wake_at) => {}
            changed = signals.pressure.changed(), if follow_pressure => {
                follow_pressure = changed.is_ok();
            }
            changed = signals.shutdown.changed(), if !stopping => {
                stopping = changed.is_err() || *signals.shutdown.borrow();
            }
        }
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
        None => std::future::pending().await,
    }
}
