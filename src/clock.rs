//! Time for everything Lockbox decides: one [`Clock`] shared by the whole server.
//!
//! Logic never calls `SystemTime::now()`; it takes time from `RequestCtx.now` or a `Clock`.
//! [`VirtualClock`] is real time plus an offset that only ever grows, so tests (and users
//! through the admin API) can move time forward without ever making it run backwards.
//! SigV4 request dates are always checked against real time, never the virtual one.
//!
//! Virtual time stays before [`LATEST`] (the year 9000): every date Lockbox computes from
//! "now" (a 30-day recovery window, a 2,560-day rotation period) then stays far inside the
//! range `OffsetDateTime` can represent, and a move that would pass it is refused.

use std::sync::atomic::{AtomicI64, Ordering};
use time::{Duration, OffsetDateTime};

/// Unix seconds of 9000-01-01T00:00:00Z, the exclusive upper bound of virtual time.
const LATEST_UNIX_SECONDS: i64 = 221_845_392_000;

/// The exclusive upper bound of virtual time: 9000-01-01T00:00:00Z.
pub const LATEST: OffsetDateTime = match OffsetDateTime::from_unix_timestamp(LATEST_UNIX_SECONDS) {
    Ok(latest) => latest,
    Err(_) => OffsetDateTime::UNIX_EPOCH,
};

/// A source of "now" for business logic.
pub trait Clock: Send + Sync + 'static {
    /// The current (possibly virtual) time.
    fn now(&self) -> OffsetDateTime;
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

    /// Moves virtual time forward. Negative amounts are ignored: time never runs backwards;
    /// a move past [`LATEST`] is ignored too (see [`VirtualClock::try_advance`]).
    pub fn advance(&self, by: Duration) {
        self.try_advance(by).ok();
    }

    /// Moves virtual time forward by `by`; refuses (leaving the offset unchanged) a move that
    /// would take virtual time to [`LATEST`] or beyond. Negative amounts change nothing.
    pub fn try_advance(&self, by: Duration) -> Result<(), ClockError> {
        let Ok(millis) = i64::try_from(by.whole_milliseconds()) else {
            return Err(ClockError::TooLate);
        };
        if millis <= 0 {
            return Ok(());
        }
        let limit = max_offset_millis();
        self.offset_millis
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                current.checked_add(millis).filter(|&wanted| wanted < limit)
            })
            .map(|_| ())
            .map_err(|_| ClockError::TooLate)
    }
}

/// The offset (milliseconds) at which virtual time would reach [`LATEST`] now.
fn max_offset_millis() -> i64 {
    let left = (LATEST - OffsetDateTime::now_utc()).whole_milliseconds();
    i64::try_from(left).unwrap_or(i64::MAX)
}

/// Why the virtual clock refused to move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockError {
    /// The requested time is earlier than the current virtual time.
    WouldGoBack,
    /// The requested time is not before [`LATEST`].
    TooLate,
}

impl VirtualClock {
    /// Moves virtual time forward to `target`; refuses a time earlier than the current
    /// virtual time (checked atomically against concurrent moves).
    pub fn advance_to(&self, target: OffsetDateTime) -> Result<(), ClockError> {
        if target >= LATEST {
            return Err(ClockError::TooLate);
        }
        // Rounded up to the next millisecond, so the clock never reads before `target`.
        let nanos = (target - OffsetDateTime::now_utc()).whole_nanoseconds();
        let wanted = i64::try_from((nanos + 999_999).div_euclid(1_000_000)).unwrap_or(i64::MAX);
        self.offset_millis
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |current| {
                (wanted >= current).then_some(wanted)
            })
            .map(|_| ())
            .map_err(|_| ClockError::WouldGoBack)
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> OffsetDateTime {
        // Offsets are kept below LATEST; an out-of-range sum still reads as LATEST, not a panic.
        OffsetDateTime::now_utc()
            .checked_add(self.offset())
            .map_or(LATEST, |now| now.min(LATEST))
    }
}

/// A lower bound (epoch seconds, rounded down) of the earliest time some work is due, so a
/// check that finds `now` before it can skip a scan with one atomic load. Owners lower it with
/// [`DueHint::note`] when they schedule work and recompute it with [`DueHint::reset_to`] after
/// a scan, both while holding the lock that guards the scheduled items.
#[derive(Debug)]
pub struct DueHint(AtomicI64);

impl Default for DueHint {
    /// Nothing is scheduled.
    fn default() -> Self {
        DueHint(AtomicI64::new(i64::MAX))
    }
}

impl DueHint {
    /// Records that something is due at `date`.
    pub fn note(&self, date: OffsetDateTime) {
        self.0.fetch_min(date.unix_timestamp(), Ordering::AcqRel);
    }

    /// False when nothing can be due at `now`.
    pub fn may_be_due(&self, now: OffsetDateTime) -> bool {
        now.unix_timestamp() >= self.0.load(Ordering::Acquire)
    }

    /// Sets the hint to the earliest remaining due time (`None`: nothing scheduled).
    pub fn reset_to(&self, earliest: Option<OffsetDateTime>) {
        let seconds = earliest.map_or(i64::MAX, OffsetDateTime::unix_timestamp);
        self.0.store(seconds, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_hints_skip_until_the_earliest_noted_time() {
        let hint = DueHint::default();
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(1);
        assert!(!hint.may_be_due(now));
        hint.note(now + Duration::hours(1));
        hint.note(now + Duration::hours(3));
        assert!(!hint.may_be_due(now));
        assert!(hint.may_be_due(now + Duration::hours(1)));
        hint.reset_to(None);
        assert!(!hint.may_be_due(now + Duration::days(9)));
    }

    #[test]
    fn advancing_moves_time_forward_and_never_back() {
        let clock = VirtualClock::new();
        let before = clock.now();
        clock.advance(Duration::days(8));
        assert!(clock.now() - before >= Duration::days(8));
        clock.advance(Duration::days(-30));
        assert!(clock.offset() >= Duration::days(8));
    }

    #[test]
    fn advancing_to_a_time_refuses_the_past() {
        let clock = VirtualClock::new();
        let target = OffsetDateTime::now_utc() + Duration::days(400);
        assert_eq!(clock.advance_to(target), Ok(()));
        assert!(clock.now() >= target);
        assert!(clock.offset() > Duration::days(399));
        assert_eq!(
            clock.advance_to(target - Duration::hours(1)),
            Err(ClockError::WouldGoBack)
        );
        assert!(clock.offset() > Duration::days(399));
    }

    #[test]
    fn moves_to_or_past_the_latest_time_are_refused_and_change_nothing() {
        let clock = VirtualClock::new();
        clock.advance(Duration::days(8));
        let offset = clock.offset();
        assert_eq!(
            clock.try_advance(Duration::days(3_000_000)),
            Err(ClockError::TooLate)
        );
        assert_eq!(clock.try_advance(Duration::MAX), Err(ClockError::TooLate));
        assert_eq!(clock.advance_to(LATEST), Err(ClockError::TooLate));
        clock.advance(Duration::days(3_000_000));
        assert_eq!(clock.offset(), offset);
        assert!(clock.now() < LATEST);
        let near = LATEST - Duration::days(1);
        assert_eq!(clock.advance_to(near), Ok(()));
        assert!(clock.now() >= near && clock.now() < LATEST);
        assert_eq!(
            clock.try_advance(Duration::days(2)),
            Err(ClockError::TooLate)
        );
        assert_eq!(LATEST.year(), 9000);
    }
}
