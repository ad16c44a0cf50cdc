//! Application state and the one [`router`] that `main`, the in-process server and the tests use.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::admin;
use crate::audit::AuditLog;
use crate::auth::{Authenticator, Credentials};
use crate::clock::{Clock as _, VirtualClock};
use crate::config::Config;
use crate::kms::{KeyService, LocalKms};
use crate::protocol;
use crate::secretsmanager::SecretsManager;

/// Everything a request may touch.
#[derive(Debug)]
pub struct AppState {
    /// Resolved configuration.
    pub config: Config,
    /// SigV4 verification and the credential registry.
    pub auth: Authenticator,
    /// Business time (virtual, moves only forward).
    pub clock: Arc<VirtualClock>,
    /// Emulated KMS.
    pub kms: Arc<LocalKms>,
    /// The audit trail (CloudTrail-shaped records).
    pub audit: Arc<AuditLog>,
    /// Secrets Manager.
    pub secrets_manager: SecretsManager,
}

impl AppState {
    /// Fresh, empty state for `config`.
    pub fn new(config: Config) -> Self {
        let kms = Arc::new(LocalKms::new());
        let key_service: Arc<dyn KeyService> = kms.clone();
        let audit = Arc::new(AuditLog::new());
        AppState {
            auth: Authenticator::new(config.auth, Credentials::from_config(&config)),
            clock: Arc::new(VirtualClock::new()),
            secrets_manager: SecretsManager::new(key_service, Arc::clone(&audit)),
            kms,
            audit,
            config,
        }
    }

    /// Does the time-based work that is due at the clock's current time: removing secrets
    /// whose recovery window has ended, deleting KMS keys whose deletion window has ended and
    /// rotating KMS keys whose automatic rotation is due. Run by the scheduler and after clock
    /// moves.
    pub fn run_due_work(&self) {
        let now = self.clock.now();
        self.secrets_manager.purge_expired(now);
        self.kms.delete_expired(now);
        self.kms.rotate_due_keys(now);
    }

    /// Forgets all state, or all state of one account.
    pub fn reset(&self, account: Option<&str>) {
        match account {
            Some(account) => {
                self.secrets_manager.reset_account(account);
                self.kms.reset_account(account);
            }
            None => {
                self.secrets_manager.reset_all();
                self.kms.reset_all();
            }
        }
        self.audit.reset(account);
    }
}

/// Largest document `POST /_lockbox/import` accepts (a whole exported instance).
const IMPORT_BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The HTTP surface: the admin endpoints, and the AWS JSON protocol for everything else.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/_lockbox/health", get(admin::health))
        .route("/_lockbox/reset", post(admin::reset))
        .route("/_lockbox/events", get(admin::events))
        .route("/_lockbox/export", get(admin::transfer::export))
        .route(
            "/_lockbox/import",
            post(admin::transfer::import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)),
        )
        .route("/moto-api/reset", post(admin::reset))
        .route(
            "/_lockbox/clock",
            get(admin::clock::read).post(admin::clock::move_forward),
        )
        .fallback(protocol::handle)
        .layer(CatchPanicLayer::custom(protocol::panic_response))
        .with_state(state)
}
