//! Checks of what a call saw of a secret's labels: a whole label map (DescribeSecret,
//! ListSecretVersionIds), one label's holder (GetSecretValue by stage), or the holder an
//! UpdateSecretVersionStage refusal names; and DescribeSecret's LastChangedDate over time.
//!
//! A label map is one snapshot taken under the partition's lock, so it must be consistent in
//! itself (each label on at most one version, exactly one AWSCURRENT, AWSPREVIOUS off the
//! AWSCURRENT version), and each holder must be possible at some instant of the call.

use std::collections::BTreeMap;

use super::history::{Call, Event, Reply};
use super::register::Window;
use super::secret_checks::Context;
use super::secret_facts::{AWSCURRENT, AWSPREVIOUS, span};
use super::verdict::{Report, Rule};

/// Reports unless `holder` can have held `label` at some instant of `event`.
pub fn holder_seen(
    context: &Context<'_>,
    event: &Event,
    label: &str,
    holder: Option<&str>,
    report: &mut Report,
) {
    if context
        .facts
        .label_could_be(label, holder, span(event), event.id)
    {
        return;
    }
    let (rule, writes) = match label {
        AWSCURRENT => (Rule::StaleCurrent, context.facts.current.describe_writes()),
        other => (
            Rule::StaleLabel,
            context
                .facts
                .labels
                .get(other)
                .map(|r| r.describe_writes())
                .unwrap_or_default(),
        ),
    };
    report.add(
        rule,
        event,
        format!(
            "{:?} saw {label} on {holder:?}, where it cannot be during the call; writes: {writes}",
            event.call
        ),
    );
}

/// Checks a DescribeSecret or ListSecretVersionIds answer.
pub fn check_labels(context: &Context<'_>, event: &Event, report: &mut Report) {
    let Some(Reply::Labels {
        deleted, versions, ..
    }) = event.outcome.reply()
    else {
        return;
    };
    let facts = context.facts;
    if !facts
        .scheduled
        .could_hold(span(event), event.id, |s| s == deleted)
    {
        report.add(
            Rule::DeletionState,
            event,
            format!(
                "{:?} saw deleted = {deleted}, impossible during the call; writes: {}",
                event.call,
                facts.scheduled.describe_writes()
            ),
        );
    }
    let mut holders: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (version, stages) in versions {
        for stage in stages {
            holders.entry(stage).or_default().push(version);
        }
        if !facts.created_before(context.history, version, event.returned) {
            report.add(
                Rule::PhantomVersion,
                event,
                format!("listed version {version}, which no call had created"),
            );
        }
    }
    for (label, on) in &holders {
        if on.len() > 1 {
            report.add(
                Rule::LabelOnTwoVersions,
                event,
                format!("{label} on {on:?} at once"),
            );
        }
    }
    let current = holders.get(AWSCURRENT).cloned().unwrap_or_default();
    match current.as_slice() {
        [holder] => holder_seen(context, event, AWSCURRENT, Some(holder), report),
        _ => report.add(
            Rule::NotOneCurrent,
            event,
            format!("AWSCURRENT on {current:?}"),
        ),
    }
    for label in facts.labels.keys() {
        let holder = holders
            .get(label.as_str())
            .and_then(|on| on.first().copied());
        holder_seen(context, event, label, holder, report);
    }
    if let Some(previous) = holders.get(AWSPREVIOUS).and_then(|on| on.first()) {
        check_previous(context, event, previous, &current, report);
    }
    if let Call::ListVersions {
        include_deprecated: true,
        ..
    } = event.call
    {
        for id in facts.creators.keys() {
            let acked = facts.acknowledged_before(context.history, id, event.invoked);
            if acked && !versions.contains_key(id) {
                report.add(
                    Rule::LostVersion,
                    event,
                    format!("version {id}, acknowledged before the call, is not listed"),
                );
            }
        }
    }
}

/// AWSPREVIOUS marks the version that held AWSCURRENT before the current one: never the
/// current one (unless a call moved AWSPREVIOUS there itself), and only a version that can
/// have held AWSCURRENT before the call returned.
fn check_previous(
    context: &Context<'_>,
    event: &Event,
    previous: &str,
    current: &[&str],
    report: &mut Report,
) {
    let facts = context.facts;
    let on_current = current.contains(&previous) && !facts.explicit_previous;
    let was_current = facts
        .current
        .could_hold(Window::until(event.returned), event.id, |v| v == previous);
    if on_current || !was_current {
        report.add(
            Rule::PreviousMisplaced,
            event,
            format!(
                "AWSPREVIOUS on {previous} (AWSCURRENT on {current:?}); AWSCURRENT writes: {}",
                facts.current.describe_writes()
            ),
        );
    }
}

/// Checks an UpdateSecretVersionStage refused with InvalidParameterException: the label was
/// elsewhere than RemoveFromVersionId said, and the text names where.
pub fn refused_move(context: &Context<'_>, event: &Event, message: &str, report: &mut Report) {
    let Call::UpdateStage {
        label,
        remove_from,
        move_to,
        ..
    } = &event.call
    else {
        return;
    };
    let version = |text: &str| {
        text.split_once(" is currently attached to version ")
            .and_then(|(_, rest)| rest.split_once(", so you must explicitly reference"))
            .map(|(id, _)| id.to_owned())
    };
    let must_move = format!(
        "The parameter MoveToVersionId can't be empty. Staging label {AWSCURRENT} must always be attached to a version, so you must move it to another version with MoveToVersionId."
    );
    if message == must_move && label == AWSCURRENT && move_to.is_none() {
        return;
    }
    let invalid = "The parameter RemoveFromVersionId is invalid. ";
    let empty = "The parameter RemoveFromVersionId can't be empty. ";
    let unknown = ["RemoveFromVersionId", "MoveToVersionId"]
        .into_iter()
        .find_map(|member| {
            let id = message
                .strip_prefix(&format!(
                    "The parameter {member} is invalid. Secrets Manager can't find version "
                ))?
                .strip_suffix(" of this secret.")?;
            Some(id.to_owned())
        });
    if let Some(id) = unknown {
        let named = [remove_from, move_to]
            .into_iter()
            .flatten()
            .any(|v| *v == id);
        if !named
            || context
                .facts
                .acknowledged_before(context.history, &id, event.invoked)
        {
            report.add(Rule::LostVersion, event, format!("{message:?}"));
        }
        return;
    }
    let holder = if let Some(rest) = message
        .strip_prefix(invalid)
        .or(message.strip_prefix(empty))
    {
        match version(rest) {
            Some(holder) => Some(holder),
            None if remove_from.as_deref().is_some_and(|from| {
                rest == format!("Staging label {label} isn't attached to version {from}.")
            }) =>
            {
                None
            }
            None => {
                report.expect_text(event, message, "a RemoveFromVersionId refusal");
                return;
            }
        }
    } else {
        report.expect_text(event, message, "a RemoveFromVersionId refusal");
        return;
    };
    let expected_prefix = match (remove_from, &holder) {
        (None, _) => empty,
        (Some(_), _) => invalid,
    };
    if !message.starts_with(expected_prefix) {
        report.expect_text(event, message, expected_prefix);
    }
    holder_seen(context, event, label, holder.as_deref(), report);
}

/// DescribeSecret's LastChangedDate never moves backwards: a describe invoked after another
/// returned answers a date no earlier.
pub fn check_last_changed(history: &super::history::History, report: &mut Report) {
    let describes: Vec<(&Event, &str, i64)> = history
        .events
        .iter()
        .filter_map(|event| match (&event.call, event.outcome.reply()) {
            (
                Call::Describe { secret },
                Some(Reply::Labels {
                    last_changed_ms: Some(ms),
                    ..
                }),
            ) => Some((event, secret.as_str(), *ms)),
            _ => None,
        })
        .collect();
    for (earlier, secret, before) in &describes {
        for (later, other, after) in &describes {
            if secret == other && earlier.precedes(later) && after < before {
                report.add(
                    Rule::LastChangedBackwards,
                    later,
                    format!(
                        "LastChangedDate {after} ms after #{} saw {before} ms",
                        earlier.id
                    ),
                );
            }
        }
    }
}
