//! The hyper service of one connection, in front of the shared [`router`](super::router):
//! it hands handlers the peer address (`ConnectInfo<SocketAddr>`, as `axum::serve` did),
//! marks the request in flight for the connection's watchdog, and bounds how long the
//! request's body may take to arrive.
//!
//! The body deadline runs from the moment the head was parsed. When it passes before the
//! handler has seen the end of the body, the handler is dropped (it cannot have done
//! anything yet: every handler reads its whole body before acting) and the client gets an
//! AWS-shaped `408 RequestTimeoutException` with `Connection: close`; the half-sent body is
//! never read further. Once the whole body is in, the deadline no longer applies.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use axum::response::Response;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use tower::ServiceExt as _;

use super::activity::Activity;
use crate::protocol;

/// Serves the requests of one connection through the router.
#[derive(Debug)]
pub(super) struct RequestService {
    router: Router,
    activity: Arc<Activity>,
    peer: SocketAddr,
    body_timeout: Duration,
}

impl RequestService {
    /// The service of the connection from `peer`, reporting to `activity`.
    pub fn new(
        router: Router,
        activity: Arc<Activity>,
        peer: SocketAddr,
        body_timeout: Duration,
    ) -> RequestService {
        RequestService {
            router,
            activity,
            peer,
            body_timeout,
        }
    }
}

impl hyper::service::Service<Request<Incoming>> for RequestService {
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        let in_flight = self.activity.request_started();
        let body_arrived = Arc::new(AtomicBool::new(request.body().is_end_stream()));
        let mut request = request.map(|inner| WatchedBody {
            inner,
            arrived: Arc::clone(&body_arrived),
        });
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let handled = self.router.clone().oneshot(request);
        let (limit, peer) = (self.body_timeout, self.peer);
        Box::pin(async move {
            let _in_flight = in_flight;
            let body_late = async {
                tokio::time::sleep(limit).await;
                if body_arrived.load(Ordering::Acquire) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                biased;
                response = handled => response,
                () = body_late => {
                    tracing::info!(
                        %peer,
                        body_timeout_seconds = limit.as_secs(),
                        "request body not received in time; answering 408 and closing the connection"
                    );
                    let mut response = protocol::body_timeout_response(limit.as_secs());
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                    Ok(response)
                }
            }
        })
    }
}

/// A request body that raises a flag once it has been read to its end (or failed).
#[derive(Debug)]
struct WatchedBody {
    inner: Incoming,
    arrived: Arc<AtomicBool>,
}

impl HttpBody for WatchedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        let finished = match &polled {
            Poll::Ready(None | Some(Err(_))) => true,
            Poll::Ready(Some(Ok(_))) => self.inner.is_end_stream(),
            Poll::Pending => false,
        };
        if finished {
            self.arrived.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
