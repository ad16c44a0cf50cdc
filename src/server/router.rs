//! The HTTP surface, the one [`router`] that `main`, the in-process server and the tests use:
//! the admin endpoints under `/_lockbox/` (and moto's reset path), and the AWS protocol edge
//! for everything else, with a layer that turns a panicking request into a generic 500.

use std::sync::Arc;

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::admin;
use crate::app::AppState;
use crate::protocol;

use super::import_limit;

/// The HTTP surface: the admin endpoints, and the AWS JSON protocol for everything else.
/// Every admin endpoint but health is behind [`admin::access::guard`]; an import passes the
/// import cap (and waits its turn) before the guard reads a signed body.
pub fn router(state: Arc<AppState>) -> Router {
    let max_import_bytes = state.config.max_import_bytes;
    let guard = middleware::from_fn_with_state(Arc::clone(&state), admin::access::guard);
    Router::new()
        .route("/_lockbox/health", get(admin::health))
        .route("/_lockbox/reset", post(admin::reset).layer(guard.clone()))
        .route("/_lockbox/events", get(admin::events).layer(guard.clone()))
        .route(
            "/_lockbox/explain",
            post(admin::explain::explain).layer(guard.clone()),
        )
        .route(
            "/_lockbox/export",
            get(admin::transfer::export).layer(guard.clone()),
        )
        .route(
            "/_lockbox/import",
            import_limit::capped(
                post(admin::transfer::import).layer(guard.clone()),
                max_import_bytes,
            ),
        )
        .route("/moto-api/reset", post(admin::reset).layer(guard.clone()))
        .route(
            "/_lockbox/clock",
            get(admin::clock::read)
                .post(admin::clock::move_forward)
                .layer(guard),
        )
        .fallback(protocol::handle)
        .layer(CatchPanicLayer::custom(protocol::panic_response))
        .with_state(state)
}
