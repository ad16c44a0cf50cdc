//! The cap on `POST /_lockbox/import` bodies (`max_import_bytes`).
//!
//! A request that announces a larger `Content-Length` is refused with 413 before a byte of
//! its body is read, so a client cannot make the server wait for (or buffer) a document it
//! declared too large; a body sent without a length (chunked) is cut with 413 where it
//! crosses the cap. Imports also run one at a time, so however many clients send one, at
//! most one capped document is buffered: a second import waits its turn (its body timeout
//! still runs meanwhile).

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use axum::routing::MethodRouter;
use tokio::sync::Semaphore;

/// `route` with its bodies capped at `max_bytes`, one request at a time.
pub(super) fn capped<S>(route: MethodRouter<S>, max_bytes: usize) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    let one_at_a_time = Arc::new(Semaphore::new(1));
    route
        .layer(DefaultBodyLimit::max(max_bytes))
        .layer(middleware::from_fn(move |request: Request, next: Next| {
            admit(max_bytes, Arc::clone(&one_at_a_time), request, next)
        }))
}

async fn admit(
    max_bytes: usize,
    one_at_a_time: Arc<Semaphore>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if let Some(length) = announced.filter(|length| *length > max_bytes as u64) {
        tracing::info!(length, max_bytes, "import refused: document too large");
        let message = format!(
            "the document is {length} bytes; this server imports at most {max_bytes} bytes (--max-import-bytes)"
        );
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            axum::Json(serde_json::json!({ "error": message })),
        )
            .into_response();
    }
    // The semaphore is never closed; without a permit the import would still be capped.
    let _turn = one_at_a_time.acquire_owned().await.ok();
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use axum::Router;
    use axum::body::{Body, Bytes};
    use axum::http::StatusCode;
    use axum::routing::post;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    async fn length_of(body: Bytes) -> String {
        body.len().to_string()
    }

    fn app() -> Router {
        Router::new().route("/import", capped(post(length_of), 1024))
    }

    /// A body whose bytes never arrive.
    struct NeverArrives;

    impl http_body::Body for NeverArrives {
        type Data = Bytes;
        type Error = Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
            Poll::Pending
        }
    }

    async fn send(request: Request) -> (StatusCode, String) {
        let response = tokio::time::timeout(Duration::from_secs(5), app().oneshot(request))
            .await
            .expect("the server waited for the body")
            .unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn an_announced_oversize_document_is_refused_before_its_body_is_read() {
        let request = Request::post("/import")
            .header(header::CONTENT_LENGTH, "5000")
            .body(Body::new(NeverArrives))
            .unwrap();
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(
            body,
            r#"{"error":"the document is 5000 bytes; this server imports at most 1024 bytes (--max-import-bytes)"}"#
        );
    }

    #[tokio::test]
    async fn an_unannounced_oversize_document_is_cut_at_the_cap() {
        let request = Request::post("/import")
            .body(Body::from(vec![b'x'; 2000]))
            .unwrap();
        assert_eq!(send(request).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    }

    #[tokio::test]
    async fn a_document_within_the_cap_goes_through() {
        let request = Request::post("/import")
            .header(header::CONTENT_LENGTH, "1024")
            .body(Body::from(vec![b'x'; 1024]))
            .unwrap();
        assert_eq!(send(request).await, (StatusCode::OK, "1024".to_owned()));
    }
}
