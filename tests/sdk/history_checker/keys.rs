//! The KMS side: each key's state as a register written by CreateKey, EnableKey, DisableKey,
//! ScheduleKeyDeletion and CancelKeyDeletion (each changes it under the key ring's write lock),
//! and every call that reveals the state: cryptography (Encrypt, GenerateDataKey, Decrypt,
//! RotateKeyOnDemand) succeeds only on an Enabled key and is refused with DisabledException /
//! KMSInvalidStateException and KMS's texts otherwise; the state changes themselves succeed or
//! fail depending on whether the key is pending deletion. Secrets Manager's calls under a
//! customer key ask [`KeyFacts::observe`] the same question.

use std::collections::BTreeMap;

use super::history::{Call, Event, History, Reply};
use super::register::{Register, Window};
use super::verdict::{Report, Rule, client_error};

/// A KMS key's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// Usable.
    Enabled,
    /// Disabled.
    Disabled,
    /// Pending deletion.
    PendingDeletion,
}

/// What the history says about one key.
#[derive(Debug, Default)]
pub struct KeyFacts {
    /// The state register.
    pub state: Register<KeyState>,
}

impl KeyFacts {
    /// Reports a violation unless the key can have been in a state satisfying `holds` at some
    /// instant of `event` (whose own state change, if any, is ignored).
    pub fn observe(
        &self,
        event: &Event,
        what: &str,
        holds: impl Fn(&KeyState) -> bool,
        report: &mut Report,
    ) {
        let window = Window {
            from: event.invoked,
            to: event.returned,
        };
        if !self.state.could_hold(window, event.id, holds) {
            report.add(
                Rule::KeyState,
                event,
                format!(
                    "{:?} shows the key {what}, which it cannot be during the call; state writes: {}",
                    event.call,
                    self.state.describe_writes()
                ),
            );
        }
    }

    /// Checks a KMS refusal for key `arn` ("<arn> is disabled." / "<arn> is pending
    /// deletion.") after `prefix`; returns false when `code` is not a key-state refusal.
    pub fn observe_refusal(
        &self,
        event: &Event,
        arn: &str,
        (code, message): (&str, &str),
        prefix: &str,
        report: &mut Report,
    ) -> bool {
        let expected = match code {
            "DisabledException" => KeyState::Disabled,
            "KMSInvalidStateException" => KeyState::PendingDeletion,
            _ => return false,
        };
        let text = match expected {
            KeyState::Disabled => format!("{prefix}{arn} is disabled."),
            _ => format!("{prefix}{arn} is pending deletion."),
        };
        report.expect_text(event, message, &text);
        self.observe(event, &format!("{expected:?}"), |s| *s == expected, report);
        true
    }
}

/// The key a KMS call acts on.
fn key_of(call: &Call) -> Option<&str> {
    match call {
        Call::CreateKey { key }
        | Call::EnableKey { key }
        | Call::DisableKey { key }
        | Call::ScheduleKeyDeletion { key, .. }
        | Call::CancelKeyDeletion { key }
        | Call::RotateKey { key }
        | Call::Encrypt { key, .. }
        | Call::GenerateDataKey { key }
        | Call::Decrypt { key, .. } => Some(key),
        _ => None,
    }
}

/// Builds every key's state register from the calls that may have changed it.
pub fn key_facts(history: &History) -> BTreeMap<String, KeyFacts> {
    let mut keys: BTreeMap<String, KeyFacts> = BTreeMap::new();
    for event in &history.events {
        let Some(key) = key_of(&event.call) else {
            continue;
        };
        let facts = keys.entry(key.to_owned()).or_default();
        if !event.outcome.may_have_taken_effect() {
            continue;
        }
        let span = Window {
            from: event.invoked,
            to: event.returned,
        };
        let left = match event.call {
            Call::CreateKey { .. } | Call::EnableKey { .. } => KeyState::Enabled,
            Call::DisableKey { .. } | Call::CancelKeyDeletion { .. } => KeyState::Disabled,
            Call::ScheduleKeyDeletion { .. } => KeyState::PendingDeletion,
            _ => continue,
        };
        facts.state.write(event.id, span, left);
    }
    keys
}

/// Checks every KMS call against its key's state and the plaintexts encrypted.
pub fn check_kms_calls(history: &History, keys: &BTreeMap<String, KeyFacts>, report: &mut Report) {
    let plaintexts: BTreeMap<&[u8], &[u8]> = history
        .events
        .iter()
        .filter_map(|event| match event.outcome.reply() {
            Some(Reply::Ciphertext { blob, plaintext }) => {
                Some((blob.as_slice(), plaintext.as_slice()))
            }
            _ => None,
        })
        .collect();
    for event in &history.events {
        let Some(key) = key_of(&event.call) else {
            continue;
        };
        let Some(facts) = keys.get(key) else {
            continue;
        };
        check_kms_call(event, key, facts, &plaintexts, report);
    }
}

fn check_kms_call(
    event: &Event,
    arn: &str,
    facts: &KeyFacts,
    plaintexts: &BTreeMap<&[u8], &[u8]>,
    report: &mut Report,
) {
    let not_pending = |s: &KeyState| *s != KeyState::PendingDeletion;
    let pending = |s: &KeyState| *s == KeyState::PendingDeletion;
    if let Some(reply) = event.outcome.reply() {
        match &event.call {
            Call::CreateKey { .. } => {}
            Call::EnableKey { .. } | Call::DisableKey { .. } | Call::ScheduleKeyDeletion { .. } => {
                facts.observe(event, "not pending deletion", not_pending, report);
            }
            Call::CancelKeyDeletion { .. } => {
                facts.observe(event, "pending deletion", pending, report);
            }
            Call::Decrypt { blob, .. } => {
                facts.observe(event, "Enabled", |s| *s == KeyState::Enabled, report);
                let expected = plaintexts.get(blob.as_slice()).copied();
                if expected != Some(decrypted(reply)) {
                    report.add(
                        Rule::WrongPlaintext,
                        event,
                        "Decrypt answered another plaintext than the one encrypted",
                    );
                }
            }
            _ => facts.observe(event, "Enabled", |s| *s == KeyState::Enabled, report),
        }
        return;
    }
    let Some(failure) = client_error(event) else {
        return;
    };
    let ok = match (&event.call, failure) {
        (
            Call::EnableKey { .. } | Call::DisableKey { .. } | Call::ScheduleKeyDeletion { .. },
            ("KMSInvalidStateException", message),
        ) => {
            report.expect_text(event, message, &format!("{arn} is pending deletion."));
            facts.observe(event, "pending deletion", pending, report);
            true
        }
        (Call::CancelKeyDeletion { .. }, ("KMSInvalidStateException", message)) => {
            report.expect_text(event, message, &format!("{arn} is not pending deletion."));
            facts.observe(event, "not pending deletion", not_pending, report);
            true
        }
        (Call::RotateKey { .. }, ("LimitExceededException", _)) => {
            facts.observe(event, "Enabled", |s| *s == KeyState::Enabled, report);
            true
        }
        (
            Call::RotateKey { .. }
            | Call::Encrypt { .. }
            | Call::GenerateDataKey { .. }
            | Call::Decrypt { .. },
            failure,
        ) => facts.observe_refusal(event, arn, failure, "", report),
        _ => false,
    };
    if !ok {
        report.unexpected(event);
    }
}

fn decrypted(reply: &Reply) -> &[u8] {
    match reply {
        Reply::Plaintext(bytes) => bytes,
        _ => &[],
    }
}

/// After the race every blob a successful Encrypt or GenerateDataKey answered must have been
/// decrypted successfully by a later call (the plaintext itself is checked with each Decrypt).
pub fn check_everything_decrypted(history: &History, report: &mut Report) {
    for event in &history.events {
        let Some(Reply::Ciphertext { blob, .. }) = event.outcome.reply() else {
            continue;
        };
        let decrypted = history.events.iter().any(|later| {
            matches!(&later.call, Call::Decrypt { blob: b, .. } if b == blob)
                && event.precedes(later)
                && later.outcome.reply().is_some()
        });
        if !decrypted {
            report.add(
                Rule::NotDecryptedAfterRace,
                event,
                "its ciphertext was never decrypted after the race",
            );
        }
    }
}
