//! The one question every check asks of a history: could a register (a secret's AWSCURRENT
//! holder, a label's holder, "scheduled for deletion", a key's state) have held a value with
//! some property at some instant of an interval, given only the real-time order of the writes?
//!
//! The server changes each of these registers atomically inside its call (a secret table's
//! write lock, a key ring's write lock) and reads them atomically too, so a call that observed
//! a value observed it at one instant between its invocation and its answer. A write `w` can be
//! the last one before an instant `t` of the window unless another write `o`, setting a value
//! without the property, must fall between them: `o` invoked after `w` answered, and answered
//! before the window opens. If every candidate is overwritten that way, no linearization lets
//! the observation happen: that is a violation. The test is necessary for linearizability, not
//! sufficient, and it never reports a history that has a linearization.
//!
//! A write may be *uncertain* (it sets the value only in some states, e.g. a new AWSCURRENT
//! version takes AWSPENDING off the superseded version only if it had it): it can explain an
//! observation but never forces one away. A write without an answer has [`NEVER`] as its
//! answer instant, so it can explain any later observation and forces nothing.

use super::history::{NEVER, Tick};

/// The instants a call spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Invocation.
    pub from: Tick,
    /// Answer ([`NEVER`] without one).
    pub to: Tick,
}

impl Window {
    /// Everything up to `to`.
    pub fn until(to: Tick) -> Window {
        Window { from: 0, to }
    }
}

/// One write of a register.
#[derive(Debug, Clone)]
pub struct Write<S> {
    /// The event that wrote.
    pub event: usize,
    /// Its invocation and answer.
    pub span: Window,
    /// The value it left.
    pub value: S,
    /// False when it leaves `value` only in some states.
    pub certain: bool,
}

/// The writes of one register.
#[derive(Debug, Clone)]
pub struct Register<S> {
    writes: Vec<Write<S>>,
}

impl<S> Default for Register<S> {
    fn default() -> Self {
        Register { writes: Vec::new() }
    }
}

impl<S: std::fmt::Debug> Register<S> {
    /// Adds a write that leaves `value`.
    pub fn write(&mut self, event: usize, span: Window, value: S) {
        self.writes.push(Write {
            event,
            span,
            value,
            certain: true,
        });
    }

    /// Adds a write that may leave `value` (or change nothing).
    pub fn maybe_write(&mut self, event: usize, span: Window, value: S) {
        self.writes.push(Write {
            event,
            span,
            value,
            certain: false,
        });
    }

    /// True when the register can have held a value satisfying `holds` at some instant of
    /// `window`, ignoring the writes of event `observer` (a call that observes the value just
    /// before it writes, such as a conditional move, must not explain itself).
    pub fn could_hold(&self, window: Window, observer: usize, holds: impl Fn(&S) -> bool) -> bool {
        let others = || self.writes.iter().filter(|w| w.event != observer);
        others()
            .filter(|w| holds(&w.value) && w.span.from < window.to)
            .any(|candidate| {
                !others().any(|o| {
                    o.certain
                        && !holds(&o.value)
                        && o.span.from > candidate.span.to
                        && o.span.to < window.from
                })
            })
    }

    /// The writes, for messages.
    pub fn describe_writes(&self) -> String {
        self.writes
            .iter()
            .map(|w| {
                let to = match w.span.to {
                    NEVER => "never".to_owned(),
                    to => to.to_string(),
                };
                let kind = if w.certain { "" } else { "maybe " };
                format!("#{} [{}, {to}] {kind}{:?}", w.event, w.span.from, w.value)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(from: Tick, to: Tick) -> Window {
        Window { from, to }
    }

    #[test]
    fn an_acknowledged_overwrite_hides_the_old_value() {
        let mut register = Register::default();
        register.write(0, span(0, 1), "a");
        register.write(1, span(2, 3), "b");
        assert!(!register.could_hold(span(4, 5), 99, |v| *v == "a"));
        assert!(register.could_hold(span(4, 5), 99, |v| *v == "b"));
        // Overlapping the overwrite, both are possible.
        assert!(register.could_hold(span(2, 5), 99, |v| *v == "a"));
        // Before the overwrite was invoked, "b" is not yet possible.
        assert!(!register.could_hold(span(1, 2), 99, |v| *v == "b"));
    }

    #[test]
    fn concurrent_writes_may_land_in_either_order() {
        let mut register = Register::default();
        register.write(0, span(0, 1), "a");
        register.write(1, span(2, 6), "b");
        register.write(2, span(3, 5), "c");
        assert!(register.could_hold(span(7, 8), 99, |v| *v == "b"));
        assert!(register.could_hold(span(7, 8), 99, |v| *v == "c"));
        assert!(!register.could_hold(span(7, 8), 99, |v| *v == "a"));
    }

    #[test]
    fn uncertain_and_unanswered_writes_force_nothing() {
        let mut register = Register::default();
        register.write(0, span(0, 1), "a");
        register.maybe_write(1, span(2, 3), "b");
        register.write(2, span(2, NEVER), "c");
        assert!(register.could_hold(span(4, 5), 99, |v| *v == "a"));
        assert!(register.could_hold(span(4, 5), 99, |v| *v == "b"));
        assert!(register.could_hold(span(4, 5), 99, |v| *v == "c"));
        // An observer's own write does not explain what it saw.
        assert!(!register.could_hold(span(4, 5), 2, |v| *v == "c"));
    }
}
