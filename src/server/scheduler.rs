//! The one background scheduler: every tick it runs the time-based work that is due on the
//! (virtual) clock ([`AppState::run_due_work`]): removing secrets whose recovery window has
//! ended, deleting KMS keys whose deletion window has ended and rotating KMS keys whose
//! rotation date has come. It stops when the server shuts down.
//!
//! The tick is short so that users watching real time see deletions on time; requests never
//! depend on it, because the purge also runs lazily before each request and right after the
//! admin API moves the clock.
//!
//! A panic in a tick's work is caught and logged (once per tick, without its payload, which
//! might quote stored data); the scheduler keeps ticking.

use std::panic::{AssertUnwindSafe, catch_unwind};
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
            _ = ticker.tick() => {
                run_tick(|| state.run_due_work());
            }
            changed = stop.changed() => {
                if changed.is_err() || *stop.borrow() {
                    break;
                }
            }
        }
    }
    tracing::debug!("scheduler stopped");
}

/// Runs one tick's work; a panic in it is logged and swallowed. Returns whether it completed.
fn run_tick(work: impl FnOnce()) -> bool {
    let completed = catch_unwind(AssertUnwindSafe(work)).is_ok();
    if !completed {
        tracing::error!("background work panicked; the scheduler keeps running");
    }
    completed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_tick_is_survived_and_later_ticks_run() {
        let mut ran = 0;
        assert!(!run_tick(|| panic!("tick failed")));
        assert!(run_tick(|| ran += 1));
        assert!(!run_tick(|| panic!("again")));
        assert!(run_tick(|| ran += 1));
        assert_eq!(ran, 2);
    }
}
