//! The one background scheduler: every tick it runs the time-based work that is due on the
//! (virtual) clock ([`AppState::run_due_work`]): removing secrets whose recovery window has
//! ended, deleting KMS keys whose deletion window has ended and rotating KMS keys whose
//! rotation date has come. It stops when the server shuts down.
//!
//! The tick is short so that users watching real time see deletions on time; requests never
//! depend on it, because the purge also runs lazily before each request and right after the
//! admin API moves the clock.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::app::AppState;

/// How often due work is looked for.
pub const TICK: Duration = Duration::from_secs(1);

/// Runs until `stop` turns true or its sender is dropped.
pub async fn run(state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => state.run_due_work(),
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
    tracing::debug!("scheduler stopped");
}
