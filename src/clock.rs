//! Time for everything Lockbox decides: one [`Clock`] shared by the whole server.
//!
//! Logic never calls `SystemTime::now()`; it takes time from `RequestCtx.now` or a `Clock`.
//! [`VirtualClock`] is real time plus an offset that only ever grows, so tests (and users
//! through the admin API) can move time forward without ever making it run backwards.
//! SigV4 request dates are always checked against real time, never the virtual one.

use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

/// A source of "now" for business logic.
pub trait Clock: Send + Sync + 'static {
    /// The current (possibly virtual) time.
    fn now(&self) -> OffsetDateTime;
}

/// Wall-clock time, as the operating system reports it.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Real time shifted forward by an offset that can only increase.
#[derive(Debug, Default)]
pub struct VirtualClock {
    offset_millis: AtomicI64,
}

impl VirtualClock {
    /// A clock that starts at real time.
    pub fn new() -> Self {
        Self::default()
    }

    /// How far ahead of real time this clock runs.
    pub fn offset(&self) -> Duration {
        Duration::milliseconds(self.offset_millis.load(Ordering::Acquire))
    }

    /// Moves virtual time forward. Negative amounts are ignored: time never runs backwards.
    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        if millis > 0 {
            self.offset_millis
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                    Some(current.saturating_add(millis))
                })
                .ok();
        }
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_time_forward_and_never_back() {
        let clock = VirtualClock::new();
        let before = clock.now();
        clock.advance(Duration::days(8));
        assert!(clock.now() - before >= Duration::days(8));
        clock.advance(Duration::days(-30));
        assert!(clock.offset() >= Duration::days(8));
    }
}
