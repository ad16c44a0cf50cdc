//! What one connection is doing, and when it has waited too long: the state its watchdog
//! reads ([`crate::server::connection`]).
//!
//! A connection is always in one of three phases:
//! - *in a request*: from the moment its head was parsed until its response is ready. The
//!   body deadline of [`crate::server::request_service`] bounds this phase, so the watchdog
//!   leaves it alone;
//! - *reading a head*: a new connection from its accept, or a kept-alive one from the first
//!   byte of its next request. The whole head must arrive within the header timeout, however
//!   it is trickled;
//! - *idle*: kept alive between requests, with no byte of a next request yet. It may stay so
//!   for the idle timeout after its last read or write (a slow reader of a large response
//!   keeps its connection only while bytes move).
//!
//! [`Activity::verdict`] is a pure function of that state and `now`, so it is tested without
//! sockets or clocks.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::Notify;

/// The connection timeouts, from the configuration.
#[derive(Debug, Clone, Copy)]
pub(super) struct Timeouts {
    /// How long a client has to send a whole request head.
    pub header: Duration,
    /// How long a client has to send a whole request body once its head arrived.
    pub body: Duration,
    /// How long a kept-alive connection may stay idle.
    pub idle: Duration,
}

/// What the watchdog should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Nothing yet; look again at this instant (or, with `None`, when the state changes).
    Wait(Option<Instant>),
    /// The connection waited too long in its phase: close it.
    Expired(Phase),
}

/// The phase whose timeout ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Phase {
    /// A request head did not arrive in time.
    ReadingHead,
    /// A kept-alive connection stayed idle too long.
    Idle,
}

#[derive(Debug, Clone, Copy)]
struct State {
    requests_in_flight: usize,
    /// When the head now being read began: the accept for a new connection, else the first
    /// byte read after the last response. `None` while idle or in a request.
    head_started: Option<Instant>,
    /// The last byte read or written, or the end of the last request.
    last_progress: Instant,
}

/// The shared state of one connection: written by its I/O and its requests, read by its
/// watchdog, which [`Activity::changed`] wakes whenever a deadline may have moved earlier.
#[derive(Debug)]
pub(super) struct Activity {
    state: Mutex<State>,
    changed: Notify,
}

impl Activity {
    /// A connection accepted at `accepted`, reading its first head.
    pub fn new(accepted: Instant) -> Arc<Activity> {
        Arc::new(Activity {
            state: Mutex::new(State {
                requests_in_flight: 0,
                head_started: Some(accepted),
                last_progress: accepted,
            }),
            changed: Notify::new(),
        })
    }

    /// Bytes were read from the client.
    pub fn on_read(&self, now: Instant) {
        let mut state = self.state.lock();
        state.last_progress = now;
        if state.requests_in_flight == 0 && state.head_started.is_none() {
            state.head_started = Some(now);
            drop(state);
            // The header deadline is usually earlier than the idle one it replaces.
            self.changed.notify_one();
        }
    }

    /// Bytes were written to the client.
    pub fn on_write(&self, now: Instant) {
        self.state.lock().last_progress = now;
    }

    /// A request head was parsed; its request runs until the returned guard is dropped.
    pub fn request_started(self: &Arc<Self>) -> RequestInFlight {
        let mut state = self.state.lock();
        state.requests_in_flight += 1;
        state.head_started = None;
        RequestInFlight {
            activity: Arc::clone(self),
        }
    }

    fn request_finished(&self, now: Instant) {
        let mut state = self.state.lock();
        state.requests_in_flight = state.requests_in_flight.saturating_sub(1);
        state.last_progress = now;
        drop(state);
        // The idle deadline starts now; the watchdog had none while the request ran.
        self.changed.notify_one();
    }

    /// Completes when the state changed in a way that may bring a deadline forward.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// What the watchdog should do at `now`.
    pub fn verdict(&self, now: Instant, timeouts: &Timeouts) -> Verdict {
        verdict(&self.state.lock(), now, timeouts)
    }

    /// Kept alive with no request and no byte of a next one: closing it loses nothing.
    pub fn is_idle(&self) -> bool {
        let state = self.state.lock();
        state.requests_in_flight == 0 && state.head_started.is_none()
    }

    /// Part of a request head (or nothing yet, on a new connection) has arrived, and no request
    /// runs: a stopping server closes such a connection at once, as no request has started.
    pub fn is_reading_head(&self) -> bool {
        let state = self.state.lock();
        state.requests_in_flight == 0 && state.head_started.is_some()
    }
}

fn verdict(state: &State, now: Instant, timeouts: &Timeouts) -> Verdict {
    if state.requests_in_flight > 0 {
        return Verdict::Wait(None);
    }
    let (phase, deadline) = match state.head_started {
        Some(started) => (Phase::ReadingHead, started.checked_add(timeouts.header)),
        None => (Phase::Idle, state.last_progress.checked_add(timeouts.idle)),
    };
    match deadline {
        Some(deadline) if now >= deadline => Verdict::Expired(phase),
        other => Verdict::Wait(other),
    }
}

/// Marks a request as running; dropping it (response ready, or the request abandoned) puts
/// the connection back to idle.
#[derive(Debug)]
pub(super) struct RequestInFlight {
    activity: Arc<Activity>,
}

impl Drop for RequestInFlight {
    fn drop(&mut self) {
        self.activity.request_finished(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        header: Duration::from_secs(2),
        body: Duration::from_secs(3),
        idle: Duration::from_secs(10),
    };

    fn seconds(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    #[test]
    fn a_new_connection_must_send_its_first_head_within_the_header_timeout() {
        let accepted = Instant::now();
        let activity = Activity::new(accepted);
        assert_eq!(
            activity.verdict(accepted + seconds(1), &TIMEOUTS),
            Verdict::Wait(Some(accepted + seconds(2)))
        );
        // Trickled bytes do not push the deadline.
        activity.on_read(accepted + seconds(1));
        assert_eq!(
            activity.verdict(accepted + seconds(2), &TIMEOUTS),
            Verdict::Expired(Phase::ReadingHead)
        );
        assert!(activity.is_reading_head());
        assert!(!activity.is_idle());
    }

    #[test]
    fn a_request_in_flight_is_never_expired_by_the_watchdog() {
        let accepted = Instant::now();
        let activity = Activity::new(accepted);
        let request = activity.request_started();
        assert_eq!(
            activity.verdict(accepted + seconds(1000), &TIMEOUTS),
            Verdict::Wait(None)
        );
        assert!(!activity.is_idle() && !activity.is_reading_head());
        drop(request);
        assert!(activity.is_idle());
    }

    #[test]
    fn an_idle_connection_expires_after_the_idle_timeout_from_its_last_progress() {
        let accepted = Instant::now();
        let activity = Activity::new(accepted);
        let request = activity.request_started();
        let before = Instant::now();
        drop(request);
        let finished = Instant::now();
        // The request's end is stamped inside `drop`, between `before` and `finished`.
        let Verdict::Wait(Some(deadline)) = activity.verdict(finished, &TIMEOUTS) else {
            panic!("an idle connection waits for its idle deadline");
        };
        assert!(
            (before + seconds(10)..=finished + seconds(10)).contains(&deadline),
            "{deadline:?}"
        );
        // A write of the response's last bytes moves the idle deadline.
        activity.on_write(finished + seconds(5));
        assert_eq!(
            activity.verdict(finished + seconds(12), &TIMEOUTS),
            Verdict::Wait(Some(finished + seconds(15)))
        );
        assert_eq!(
            activity.verdict(finished + seconds(15), &TIMEOUTS),
            Verdict::Expired(Phase::Idle)
        );
    }

    #[test]
    fn the_first_byte_of_a_next_request_starts_the_header_deadline() {
        let accepted = Instant::now();
        let activity = Activity::new(accepted);
        drop(activity.request_started());
        let byte = Instant::now() + seconds(4);
        activity.on_read(byte);
        assert!(activity.is_reading_head());
        assert_eq!(
            activity.verdict(byte, &TIMEOUTS),
            Verdict::Wait(Some(byte + seconds(2)))
        );
        // More bytes of the same head do not restart it.
        activity.on_read(byte + seconds(1));
        assert_eq!(
            activity.verdict(byte + seconds(2), &TIMEOUTS),
            Verdict::Expired(Phase::ReadingHead)
        );
    }

    #[test]
    fn deadlines_too_far_to_represent_mean_no_deadline() {
        let accepted = Instant::now();
        let activity = Activity::new(accepted);
        let forever = Timeouts {
            header: Duration::MAX,
            ..TIMEOUTS
        };
        assert_eq!(activity.verdict(accepted, &forever), Verdict::Wait(None));
    }
}
