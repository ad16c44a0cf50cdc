//! The HTTP surface, the one [`router`] that `main`, the in-process server and the tests use:
//! the admin endpoints under `/_lockbox/` (and moto's reset path), and the AWS protocol edge
//! for everything else, with a layer that turns a panicking request into a generic 500.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::admin;
use crate::app::AppState;
use crate::protocol;

/// The HTTP surface: the admin endpoints, and the AWS JSON protocol for everything else.
/// Every admin endpoint but health is behind [`admin::access::guard`].
pub fn router(state: Arc<AppState>) -> Router {
    let guarded = Router::new()
        .route("/_lockbox/reset", post(admin::reset))
        .route("/_lockbox/events", get(admin::events))
        .route("/_lockbox/export", get(admin::transfer::export))
        .route(
            "/_lockbox/import",
            post(admin::transfer::import)
                .layer(DefaultBodyLimit::max(admin::transfer::IMPORT_BODY_LIMIT)),
        )
        .route("/moto-api/reset", post(admin::reset))
        .route(
            "/_lockbox/clock",
            get(admin::clock::read).post(admin::clock::move_forward),
        )
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            admin::access::guard,
        ));
    Router::new()
        .route("/_lockbox/health", get(admin::health))
        .merge(guarded)
        .fallback(protocol::handle)
        .layer(CatchPanicLayer::custom(protocol::panic_response))
        .with_state(state)
}
