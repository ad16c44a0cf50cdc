//! Every Secrets Manager call of a history checked against what the server guarantees: each
//! call reads or changes a secret at one instant under its partition's lock, so whatever it
//! answered must be explainable by the writes that could precede that instant (see
//! [`register`]); errors are only the ones its situation allows, with AWS's texts. The label
//! answers of DescribeSecret and ListSecretVersionIds are checked by [`labels_seen`].
//!
//! [`register`]: super::register

use std::collections::BTreeMap;

use super::history::{Call, Event, History, Reply, value_for};
use super::keys::{KeyFacts, KeyState};
use super::labels_seen;
use super::secret_facts::{AWSCURRENT, SecretFacts, secret_of, span};
use super::verdict::{Report, Rule, client_error};

/// AWS's text for any call but DescribeSecret and RestoreSecret on a scheduled secret.
pub const MARKED_FOR_DELETION: &str =
    "You can't perform this operation on the secret because it was marked for deletion.";
/// AWS's text for scheduling a secret that is already scheduled.
pub const ALREADY_SCHEDULED: &str =
    "You can't perform this operation on the secret because it was already scheduled for deletion.";
/// Secrets Manager's text when KMS refuses to decrypt a version.
pub const DECRYPTION_FAILURE: &str =
    "Secrets Manager can't decrypt the protected secret text using the provided KMS key.";
/// What precedes KMS's refusal in an EncryptionFailure.
pub const ENCRYPTION_FAILURE_PREFIX: &str = "Secrets Manager can't encrypt the secret value: ";

/// One secret with everything the checks consult.
pub struct Context<'a> {
    pub history: &'a History,
    pub name: &'a str,
    pub facts: &'a SecretFacts,
    /// The state of the secret's customer KMS key, if it has one.
    pub key: Option<(&'a str, &'a KeyFacts)>,
}

impl Context<'_> {
    /// Reports unless the secret can have been scheduled (`true`) or not at some instant of
    /// `event`.
    fn scheduled(&self, event: &Event, scheduled: bool, report: &mut Report) {
        if !self
            .facts
            .scheduled
            .could_hold(span(event), event.id, |s| *s == scheduled)
        {
            let state = if scheduled {
                "scheduled"
            } else {
                "not scheduled"
            };
            report.add(
                Rule::DeletionState,
                event,
                format!(
                    "{:?} found the secret {state} for deletion, which it cannot be during the call; writes: {}",
                    event.call,
                    self.facts.scheduled.describe_writes()
                ),
            );
        }
    }

    /// Reports unless the secret's customer key can have been Enabled during `event`.
    fn key_enabled(&self, event: &Event, report: &mut Report) {
        if let Some((_, key)) = self.key {
            key.observe(event, "Enabled", |s| *s == KeyState::Enabled, report);
        }
    }

    /// Checks the value and version a read answered: created by a call invoked before the
    /// read returned, with the value written as that version.
    pub fn version_read(&self, event: &Event, version_id: &str, value: &str, report: &mut Report) {
        if !self
            .facts
            .created_before(self.history, version_id, event.returned)
        {
            report.add(
                Rule::PhantomVersion,
                event,
                format!("read version {version_id}, which no call had created"),
            );
        } else if value != value_for(self.name, version_id) {
            report.add(
                Rule::PhantomValue,
                event,
                format!("version {version_id} read with a value nobody wrote as it: {value:?}"),
            );
        }
    }
}

/// Checks every Secrets Manager call of `history`.
pub fn check_secret_calls(
    history: &History,
    secrets: &BTreeMap<String, SecretFacts>,
    keys: &BTreeMap<String, KeyFacts>,
    report: &mut Report,
) {
    for event in &history.events {
        let Some(name) = secret_of(&event.call) else {
            continue;
        };
        let Some(facts) = secrets.get(name) else {
            continue;
        };
        let key = facts
            .kms_key
            .as_deref()
            .and_then(|arn| keys.get(arn).map(|k| (arn, k)));
        let context = Context {
            history,
            name,
            facts,
            key,
        };
        if event.outcome.reply().is_some() {
            check_success(&context, event, report);
        } else if let Some(failure) = client_error(event) {
            if !check_failure(&context, event, failure, report) {
                report.unexpected(event);
            }
        }
    }
    labels_seen::check_last_changed(history, report);
}

fn check_success(context: &Context<'_>, event: &Event, report: &mut Report) {
    let Some(reply) = event.outcome.reply() else {
        return;
    };
    match (&event.call, reply) {
        (Call::CreateSecret { .. } | Call::RestoreSecret { .. }, _) => {}
        (
            Call::PutValue { token, stages, .. },
            Reply::Version {
                version_id,
                stages: answered,
            },
        ) => {
            context.scheduled(event, false, report);
            context.key_enabled(event, report);
            let mut asked: Vec<&str> = match stages {
                Some(stages) => stages.iter().map(String::as_str).collect(),
                None => vec![AWSCURRENT],
            };
            asked.sort_unstable();
            asked.dedup();
            let mut got: Vec<&str> = answered.iter().map(String::as_str).collect();
            got.sort_unstable();
            if version_id != token || asked != got {
                report.add(
                    Rule::WrongNewLabels,
                    event,
                    format!("answered version {version_id} with {answered:?}"),
                );
            }
        }
        (
            Call::UpdateStage {
                label,
                remove_from,
                move_to,
                ..
            },
            _,
        ) => {
            context.scheduled(event, false, report);
            // Success means the label was where RemoveFromVersionId said (or, without it, on no
            // version or already on the target) just before the move.
            let before: Vec<Option<&str>> = match remove_from {
                Some(from) => vec![Some(from.as_str())],
                None => vec![None, move_to.as_deref()],
            };
            if !context
                .facts
                .label_could_be_any(label, &before, span(event), event.id)
            {
                report.add(
                    Rule::StaleLabel,
                    event,
                    format!("moved {label} from {before:?}, where it cannot be during the call"),
                );
            }
        }
        (Call::DeleteSecret { .. }, _) => context.scheduled(event, false, report),
        (
            Call::GetValue {
                version_id: asked_id,
                stage,
                ..
            },
            Reply::Value {
                version_id,
                value,
                stages,
            },
        ) => {
            context.scheduled(event, false, report);
            context.key_enabled(event, report);
            context.version_read(event, version_id, value, report);
            let label = match (asked_id, stage) {
                (_, Some(stage)) => Some(stage.as_str()),
                (None, None) => Some(AWSCURRENT),
                (Some(_), None) => None,
            };
            if asked_id.as_ref().is_some_and(|asked| asked != version_id)
                || label.is_some_and(|l| !stages.iter().any(|s| s == l))
            {
                report.add(
                    Rule::PhantomVersion,
                    event,
                    format!(
                        "asked for {asked_id:?} / {label:?}, answered {version_id} with {stages:?}"
                    ),
                );
            }
            if let Some(label) = label {
                labels_seen::holder_seen(context, event, label, Some(version_id), report);
            }
        }
        (Call::Describe { .. } | Call::ListVersions { .. }, Reply::Labels { .. }) => {
            labels_seen::check_labels(context, event, report);
        }
        _ => report.add(
            Rule::UnexpectedError,
            event,
            format!("{:?} answered {reply:?}", event.call),
        ),
    }
}

/// Checks a failed call; false when the error is not one its situation allows.
fn check_failure(
    context: &Context<'_>,
    event: &Event,
    (code, message): (&str, &str),
    report: &mut Report,
) -> bool {
    let history = context.history;
    match (&event.call, code) {
        (
            Call::PutValue { .. }
            | Call::UpdateStage { .. }
            | Call::GetValue { .. }
            | Call::ListVersions { .. },
            "InvalidRequestException",
        ) => {
            report.expect_text(event, message, MARKED_FOR_DELETION);
            context.scheduled(event, true, report);
        }
        (Call::DeleteSecret { .. }, "InvalidRequestException") => {
            report.expect_text(event, message, ALREADY_SCHEDULED);
            context.scheduled(event, true, report);
        }
        (Call::PutValue { .. }, "EncryptionFailure") => {
            let Some((arn, key)) = context.key else {
                return false;
            };
            context.scheduled(event, false, report);
            let refusal = refusal_in(message, arn);
            if !key.observe_refusal(event, arn, refusal, ENCRYPTION_FAILURE_PREFIX, report) {
                report.expect_text(event, message, "a KMS key-state refusal");
            }
        }
        (Call::GetValue { .. }, "DecryptionFailure") => {
            let Some((_, key)) = context.key else {
                return false;
            };
            report.expect_text(event, message, DECRYPTION_FAILURE);
            context.scheduled(event, false, report);
            key.observe(event, "not Enabled", |s| *s != KeyState::Enabled, report);
        }
        (
            Call::GetValue {
                version_id, stage, ..
            },
            "ResourceNotFoundException",
        ) => {
            context.scheduled(event, false, report);
            match (version_id, stage) {
                (Some(id), _) => {
                    report.expect_text(
                        event,
                        message,
                        &format!(
                            "Secrets Manager can't find the specified secret value for VersionId: {id}"
                        ),
                    );
                    if context
                        .facts
                        .acknowledged_before(history, id, event.invoked)
                    {
                        report.add(Rule::LostVersion, event, format!("version {id} is gone"));
                    }
                }
                (None, stage) => {
                    let label = stage.as_deref().unwrap_or(AWSCURRENT);
                    report.expect_text(
                        event,
                        message,
                        &format!(
                            "Secrets Manager can't find the specified secret value for staging label: {label}"
                        ),
                    );
                    labels_seen::holder_seen(context, event, label, None, report);
                }
            }
        }
        (Call::UpdateStage { .. }, "InvalidParameterException") => {
            context.scheduled(event, false, report);
            labels_seen::refused_move(context, event, message, report);
        }
        _ => return false,
    }
    true
}

/// The KMS refusal inside an EncryptionFailure text: `(code, "<arn> is ...")`.
fn refusal_in<'m>(message: &'m str, arn: &str) -> (&'static str, &'m str) {
    let refusal = message
        .strip_prefix(ENCRYPTION_FAILURE_PREFIX)
        .unwrap_or(message);
    let code = if refusal == format!("{arn} is disabled.") {
        "DisabledException"
    } else if refusal == format!("{arn} is pending deletion.") {
        "KMSInvalidStateException"
    } else {
        "unrecognised"
    };
    (code, message)
}

/// After the race every version a successful CreateSecret or PutSecretValue made must have
/// been read back by id by a later call (its value is checked with each read).
pub fn check_every_version_read(history: &History, report: &mut Report) {
    for event in &history.events {
        let (Some(secret), Some(Reply::Version { version_id, .. })) =
            (secret_of(&event.call), event.outcome.reply())
        else {
            continue;
        };
        let read = history.events.iter().any(|later| {
            matches!(
                &later.call,
                Call::GetValue { secret: s, version_id: Some(v), .. } if s == secret && v == version_id
            ) && event.precedes(later)
                && later.outcome.reply().is_some()
        });
        if !read {
            report.add(
                Rule::NotDecryptedAfterRace,
                event,
                format!("version {version_id} of {secret} was never read back after the race"),
            );
        }
    }
}
