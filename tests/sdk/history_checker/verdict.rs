//! What a check reports: [`Violation`]s, each naming the [`Rule`] broken and the call that
//! showed it, and the checks every call gets whatever it is (an answer, no 5xx).

use std::fmt;

use super::history::{Event, History, Outcome};

/// The invariants the checker holds a history to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// A call got no answer from an in-process server.
    NoAnswer,
    /// A 5xx answer.
    ServerError,
    /// An error this call can never give in this situation.
    UnexpectedError,
    /// The right error type with a text that is not AWS's.
    WrongErrorText,
    /// One label on two versions (or twice on one) in a single answer.
    LabelOnTwoVersions,
    /// An answer without exactly one AWSCURRENT version.
    NotOneCurrent,
    /// AWSPREVIOUS on the AWSCURRENT version, or on a version that never held AWSCURRENT.
    PreviousMisplaced,
    /// A version nobody created (yet), or one whose creation failed.
    PhantomVersion,
    /// A value that is not the one written as that version.
    PhantomValue,
    /// A version created and acknowledged earlier is missing.
    LostVersion,
    /// AWSCURRENT seen on a version that cannot hold it at any instant of the call.
    StaleCurrent,
    /// Another label seen where it cannot be at any instant of the call.
    StaleLabel,
    /// A new version answered with other labels than it asked for.
    WrongNewLabels,
    /// Scheduled (or not) for deletion when it cannot be at any instant of the call.
    DeletionState,
    /// DescribeSecret's LastChangedDate moved backwards in real time.
    LastChangedBackwards,
    /// A key used (or refused) in a state it cannot be in at any instant of the call.
    KeyState,
    /// Decrypt answered another plaintext than the one encrypted.
    WrongPlaintext,
    /// Something encrypted during the race was not decrypted afterwards.
    NotDecryptedAfterRace,
}

/// One broken invariant.
#[derive(Debug, Clone)]
pub struct Violation {
    /// Which.
    pub rule: Rule,
    /// The call that showed it.
    pub event: usize,
    /// What was seen.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} at #{}: {}", self.rule, self.event, self.detail)
    }
}

/// Collects violations.
#[derive(Debug, Default)]
pub struct Report {
    /// Everything found, in the order found.
    pub violations: Vec<Violation>,
}

impl Report {
    /// Notes a violation of `rule` shown by `event`.
    pub fn add(&mut self, rule: Rule, event: &Event, detail: impl Into<String>) {
        self.violations.push(Violation {
            rule,
            event: event.id,
            detail: detail.into(),
        });
    }

    /// Notes that `event` failed in a way it never may.
    pub fn unexpected(&mut self, event: &Event) {
        self.add(
            Rule::UnexpectedError,
            event,
            format!("{:?} answered {:?}", event.call, event.outcome),
        );
    }

    /// Notes a wrong text unless `message` is `expected`.
    pub fn expect_text(&mut self, event: &Event, message: &str, expected: &str) {
        if message != expected {
            self.add(
                Rule::WrongErrorText,
                event,
                format!("answered {message:?}, AWS says {expected:?}"),
            );
        }
    }

    /// The rules broken, sorted, each once.
    pub fn rules(&self) -> Vec<Rule> {
        let mut rules: Vec<Rule> = self.violations.iter().map(|v| v.rule).collect();
        rules.sort();
        rules.dedup();
        rules
    }
}

/// Reports every call without an answer or with a 5xx (the other checks read only the
/// 4xx answers: see [`client_error`]).
pub fn check_answers(history: &History, report: &mut Report) {
    for event in &history.events {
        match &event.outcome {
            Outcome::NoAnswer(why) => report.add(Rule::NoAnswer, event, why.clone()),
            Outcome::Failed { status, .. } if *status >= 500 => report.add(
                Rule::ServerError,
                event,
                format!("{:?} answered {:?}", event.call, event.outcome),
            ),
            _ => {}
        }
    }
}

/// `(code, message)` when `event` failed with a client error (4xx).
pub fn client_error(event: &Event) -> Option<(&str, &str)> {
    match &event.outcome {
        Outcome::Failed {
            status,
            code,
            message,
        } if *status < 500 => Some((code, message)),
        _ => None,
    }
}
