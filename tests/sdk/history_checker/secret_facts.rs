//! What the writes of a history say about one secret, as registers (see [`register`]):
//! which version holds AWSCURRENT, which holds each other label the race moves, whether the
//! secret is scheduled for deletion; plus which call created each version.
//!
//! The server changes all of these under the partition's write lock, so each write below
//! takes effect at one instant inside its call. The label rules it follows (see
//! `src/secretsmanager/labels/mod.rs`) give each write's effect:
//! - CreateSecret: AWSCURRENT on its version, no other label, not scheduled;
//! - PutSecretValue without `VersionStages`: AWSCURRENT on the new version (rule 1); with them:
//!   exactly those labels (rule 2), AWSCURRENT only if listed;
//! - a new AWSCURRENT version takes AWSPENDING off the version it supersedes (rule 7), which
//!   matters only if that version had it: an uncertain write of "no AWSPENDING";
//! - UpdateSecretVersionStage with `MoveToVersionId`: the label on that version; with only
//!   `RemoveFromVersionId`: the label on no version (rules 4-6);
//! - DeleteSecret: scheduled; RestoreSecret: not scheduled.
//!
//! AWSPREVIOUS is not a register here: it follows AWSCURRENT (see the checks) unless a call
//! names it explicitly, which [`SecretFacts::explicit_previous`] records.
//!
//! [`register`]: super::register

use std::collections::BTreeMap;

use super::history::{Call, Event, History};
use super::register::{Register, Window};

pub const AWSCURRENT: &str = "AWSCURRENT";
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
pub const AWSPENDING: &str = "AWSPENDING";

/// What the history says about one secret.
#[derive(Debug, Default)]
pub struct SecretFacts {
    /// The KMS key its CreateSecret named (`None`: the AWS managed key).
    pub kms_key: Option<String>,
    /// For each version id, the calls that may have created it.
    pub creators: BTreeMap<String, Vec<usize>>,
    /// The AWSCURRENT holder.
    pub current: Register<String>,
    /// The holder of every other label calls name (AWSPENDING always), `None` for no version.
    pub labels: BTreeMap<String, Register<Option<String>>>,
    /// Scheduled for deletion.
    pub scheduled: Register<bool>,
    /// True when a call names AWSPREVIOUS itself (it may then sit on the AWSCURRENT version).
    pub explicit_previous: bool,
}

/// The secret a Secrets Manager call names.
pub fn secret_of(call: &Call) -> Option<&str> {
    match call {
        Call::CreateSecret { secret, .. }
        | Call::PutValue { secret, .. }
        | Call::UpdateStage { secret, .. }
        | Call::DeleteSecret { secret, .. }
        | Call::RestoreSecret { secret }
        | Call::GetValue { secret, .. }
        | Call::Describe { secret }
        | Call::ListVersions { secret, .. } => Some(secret),
        _ => None,
    }
}

/// The span of `event`.
pub fn span(event: &Event) -> Window {
    Window {
        from: event.invoked,
        to: event.returned,
    }
}

/// Builds every secret's facts from the writes that may have taken effect.
pub fn secret_facts(history: &History) -> BTreeMap<String, SecretFacts> {
    let mut secrets: BTreeMap<String, SecretFacts> = BTreeMap::new();
    for event in &history.events {
        let Some(secret) = secret_of(&event.call) else {
            continue;
        };
        let facts = secrets.entry(secret.to_owned()).or_default();
        facts.note_labels_named(&event.call);
    }
    for event in &history.events {
        let Some(secret) = secret_of(&event.call) else {
            continue;
        };
        if let Some(facts) = secrets.get_mut(secret) {
            facts.note_write(event);
        }
    }
    secrets
}

impl SecretFacts {
    /// Makes a register for every label `call` names other than AWSCURRENT / AWSPREVIOUS.
    fn note_labels_named(&mut self, call: &Call) {
        let named: Vec<&String> = match call {
            Call::PutValue {
                stages: Some(stages),
                ..
            } => stages.iter().collect(),
            Call::UpdateStage { label, .. } => vec![label],
            _ => Vec::new(),
        };
        self.labels.entry(AWSPENDING.to_owned()).or_default();
        for label in named {
            match label.as_str() {
                AWSCURRENT => {}
                AWSPREVIOUS => self.explicit_previous = true,
                other => {
                    self.labels.entry(other.to_owned()).or_default();
                }
            }
        }
    }

    fn note_write(&mut self, event: &Event) {
        if !event.outcome.may_have_taken_effect() {
            return;
        }
        let (id, span) = (event.id, span(event));
        match &event.call {
            Call::CreateSecret { token, kms_key, .. } => {
                self.kms_key.clone_from(kms_key);
                self.creators.entry(token.clone()).or_default().push(id);
                self.current.write(id, span, token.clone());
                for register in self.labels.values_mut() {
                    register.write(id, span, None);
                }
                self.scheduled.write(id, span, false);
            }
            Call::PutValue { token, stages, .. } => {
                self.creators.entry(token.clone()).or_default().push(id);
                let listed = |label: &str| stages.iter().flatten().any(|s| s == label);
                if stages.is_none() || listed(AWSCURRENT) {
                    self.current.write(id, span, token.clone());
                    if !listed(AWSPENDING) {
                        if let Some(pending) = self.labels.get_mut(AWSPENDING) {
                            pending.maybe_write(id, span, None);
                        }
                    }
                }
                for label in stages.iter().flatten() {
                    if let Some(register) = self.labels.get_mut(label) {
                        register.write(id, span, Some(token.clone()));
                    }
                }
            }
            Call::UpdateStage {
                label,
                remove_from,
                move_to,
                ..
            } => match (move_to, label.as_str()) {
                (Some(target), AWSCURRENT) => self.current.write(id, span, target.clone()),
                (Some(target), label) => {
                    if let Some(register) = self.labels.get_mut(label) {
                        register.write(id, span, Some(target.clone()));
                    }
                }
                (None, label) if remove_from.is_some() => {
                    if let Some(register) = self.labels.get_mut(label) {
                        register.write(id, span, None);
                    }
                }
                (None, _) => {}
            },
            Call::DeleteSecret { .. } => self.scheduled.write(id, span, true),
            Call::RestoreSecret { .. } => self.scheduled.write(id, span, false),
            _ => {}
        }
    }

    /// True when `holder` can have held `label` at some instant of `window`, ignoring the
    /// writes of `observer`; AWSPREVIOUS and labels no call moves are not tracked (true).
    pub fn label_could_be(
        &self,
        label: &str,
        holder: Option<&str>,
        window: Window,
        observer: usize,
    ) -> bool {
        self.label_could_be_any(label, &[holder], window, observer)
    }

    /// Like [`SecretFacts::label_could_be`], for any of `holders`.
    pub fn label_could_be_any(
        &self,
        label: &str,
        holders: &[Option<&str>],
        window: Window,
        observer: usize,
    ) -> bool {
        if label == AWSCURRENT {
            return self
                .current
                .could_hold(window, observer, |v| holders.contains(&Some(v.as_str())));
        }
        match self.labels.get(label) {
            Some(register) => {
                register.could_hold(window, observer, |v| holders.contains(&v.as_deref()))
            }
            None => true,
        }
    }

    /// The calls that may have created version `id` and were invoked before `before`.
    pub fn created_before(&self, history: &History, id: &str, before: u64) -> bool {
        self.creators
            .get(id)
            .into_iter()
            .flatten()
            .any(|&creator| history.events[creator].invoked < before)
    }

    /// True when a call that created version `id` was acknowledged before `before`.
    pub fn acknowledged_before(&self, history: &History, id: &str, before: u64) -> bool {
        self.creators.get(id).into_iter().flatten().any(|&creator| {
            let event = &history.events[creator];
            event.outcome.reply().is_some() && event.returned < before
        })
    }
}
