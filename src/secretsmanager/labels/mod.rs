//! The staging-label state machine: pure functions over one secret's versions. No I/O, no
//! KMS, no clock other than the `now` passed in. `tests.rs` replays label sequences recorded
//! on AWS; `rule_tests.rs` pins the rest.
//!
//! The rules, numbered as the rest of the code refers to them:
//! 1. a new value without `VersionStages` gets `AWSCURRENT`; the version that had it gets
//!    `AWSPREVIOUS`, which the version holding `AWSPREVIOUS` before loses;
//! 2. a new value with `VersionStages` gets exactly those labels, each taken off whichever
//!    version had it; `AWSCURRENT` moves only when listed (and then as in rule 1);
//! 3. the first version placed while no version carries `AWSCURRENT` gets it as well;
//! 4. UpdateSecretVersionStage moving `AWSCURRENT` to a version keeps that version's other
//!    labels and demotes the old holder to `AWSPREVIOUS` as in rule 1;
//! 5. UpdateSecretVersionStage with only `RemoveFromVersionId` removes the label;
//! 6. moving a label that is attached elsewhere needs `RemoveFromVersionId` naming its
//!    current holder; otherwise the call fails with `InvalidParameterException`;
//! 7. a version superseded as `AWSCURRENT` by a new or filled version also loses
//!    `AWSPENDING`.
//!
//! Invariants every function keeps (and `tests/label_props.rs` checks after every step):
//! - a label is attached to at most one version, at most once;
//! - once a version has been placed by [`add_version`] or [`fill_placeholder`], exactly one
//!   version carries `AWSCURRENT` (UpdateSecretVersionStage can move it, never drop it);
//! - at most one version carries `AWSPREVIOUS`;
//! - no version holds more than [`MAX_LABELS_PER_VERSION`] labels;
//! - versions stay in creation order and are only ever removed by pruning: a version that
//!   loses its last label is *deprecated*, not deleted;
//! - every function either succeeds completely or leaves the versions untouched.
//!
//! Decisions where AWS's behaviour was not observed, each pinned in `rule_tests.rs`:
//! - rule 3: the first version placed while no version carries `AWSCURRENT` gets it
//!   *appended* to explicit `VersionStages` (moto does the same; AWS's documentation says
//!   only that it "attaches" it);
//! - rule 7: whenever a *new or filled* version takes `AWSCURRENT`, the superseded version
//!   loses `AWSCURRENT` and `AWSPENDING`, keeps its custom labels, and gets `AWSPREVIOUS` in
//!   the place `AWSCURRENT` had (UpdateSecretVersionStage moves only the named label);
//! - explicit `VersionStages` listing both `AWSCURRENT` and `AWSPREVIOUS` keep both on the new
//!   version; the superseded one then just loses `AWSCURRENT`;
//! - duplicate labels in one `VersionStages` list are attached once;
//! - UpdateSecretVersionStage with neither version id, or moving a label onto the version
//!   that already has it, succeeds without change; moving `AWSPREVIOUS` onto the
//!   `AWSCURRENT` version is allowed (AWS documents no restriction); removing `AWSCURRENT`
//!   without moving it is refused so GetSecretValue() always has a version to read;
//! - the texts of every error other than the verified "RemoveFromVersionId can't be empty"
//!   for `AWSCURRENT` are ours, written in the same style.

#[cfg(test)]
mod rule_tests;
#[cfg(test)]
mod tests;

use time::{Duration, OffsetDateTime};

use super::error::SmError;
use super::secret::{AWSCURRENT, Version};

/// The label of the last known good version.
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
/// The label of a rotation candidate.
pub const AWSPENDING: &str = "AWSPENDING";
/// Versions a secret may keep (AWS quota, not adjustable).
pub const MAX_VERSIONS: usize = 100;
/// Labels one version may carry.
pub const MAX_LABELS_PER_VERSION: usize = 20;
/// Deprecated versions younger than this are never pruned.
pub const PRUNE_AFTER: Duration = Duration::hours(24);

/// True when `version` carries `label`.
pub fn has_label(version: &Version, label: &str) -> bool {
    version.stages.iter().any(|s| s == label)
}

/// Index of the version carrying `label`.
pub fn holder(versions: &[Version], label: &str) -> Option<usize> {
    versions.iter().position(|v| has_label(v, label))
}

fn index_of(versions: &[Version], id: &str) -> Option<usize> {
    versions.iter().position(|v| v.id == id)
}

fn detach(version: &mut Version, label: &str) {
    version.stages.retain(|s| s != label);
}

fn attach(version: &mut Version, label: &str) {
    if !has_label(version, label) {
        version.stages.push(label.to_owned());
    }
}

/// Adds `version` (a new id; its own `stages` are ignored) and attaches its labels: rule 1
/// (`requested` is `None`: `AWSCURRENT`), rule 2 (exactly the requested labels) and rule 3
/// (`AWSCURRENT` appended while no version has it). Prunes first when the secret is full.
pub fn add_version(
    versions: &mut Vec<Version>,
    mut version: Version,
    requested: Option<&[String]>,
    now: OffsetDateTime,
) -> Result<(), SmError> {
    let labels = match requested {
        None => vec![AWSCURRENT.to_owned()],
        Some(requested) => with_first_current(versions, dedup(requested)),
    };
    check_label_count(&version.id, labels.len())?;
    make_room(versions, now)?;
    version.stages.clear();
    versions.push(version);
    let target = versions.len() - 1;
    place(versions, target, &labels);
    Ok(())
}

/// Places labels on the existing version `id` after its value was filled in (a rotation
/// placeholder): its labels are kept, `requested` ones are attached as in rule 2, and it
/// gets `AWSCURRENT` if no version has it yet (rule 3).
pub fn fill_placeholder(
    versions: &mut [Version],
    id: &str,
    requested: Option<&[String]>,
) -> Result<(), SmError> {
    let target = index_of(versions, id).ok_or_else(|| unknown_version("VersionId", id))?;
    let mut labels = versions[target].stages.clone();
    labels.extend(dedup(requested.unwrap_or_default()));
    let labels = with_first_current(versions, dedup(&labels));
    check_label_count(id, labels.len())?;
    place(versions, target, &labels);
    Ok(())
}

/// UpdateSecretVersionStage: moves `label` to `move_to` and/or removes it from
/// `remove_from` (rules 4-6).
pub fn update_stage(
    versions: &mut [Version],
    label: &str,
    remove_from: Option<&str>,
    move_to: Option<&str>,
) -> Result<(), SmError> {
    let find = |member: &str, id: Option<&str>| {
        id.map(|id| index_of(versions, id).ok_or_else(|| unknown_version(member, id)))
            .transpose()
    };
    let remove = find("RemoveFromVersionId", remove_from)?;
    let target = find("MoveToVersionId", move_to)?;
    let current = holder(versions, label);
    let Some(target) = target else {
        let Some(remove) = remove else {
            return Ok(());
        };
        if current != Some(remove) {
            return Err(not_on_version(versions, label, current, remove));
        }
        if label == AWSCURRENT {
            return Err(SmError::InvalidParameter(format!(
                "The parameter MoveToVersionId can't be empty. Staging label {AWSCURRENT} must always be attached to a version, so you must move it to another version with MoveToVersionId."
            )));
        }
        detach(&mut versions[remove], label);
        return Ok(());
    };
    match (current, remove) {
        (Some(at), Some(remove)) if at != remove && at != target => {
            return Err(not_on_version(versions, label, current, remove));
        }
        (Some(at), None) if at != target => {
            return Err(SmError::InvalidParameter(format!(
                "The parameter RemoveFromVersionId can't be empty. Staging label {label} is currently attached to version {}, so you must explicitly reference that version in RemoveFromVersionId.",
                versions[at].id
            )));
        }
        (Some(at), Some(remove)) if at == target && remove != target => {
            return Err(not_on_version(versions, label, current, remove));
        }
        (None, Some(remove)) => return Err(not_on_version(versions, label, None, remove)),
        _ => {}
    }
    if current == Some(target) {
        return Ok(());
    }
    let loses_previous = label == AWSCURRENT && has_label(&versions[target], AWSPREVIOUS);
    let count = versions[target].stages.len() + 1 - usize::from(loses_previous);
    check_label_count(&versions[target].id, count)?;
    match current {
        Some(old) if label == AWSCURRENT => {
            demote_current(versions, old);
            attach(&mut versions[target], AWSCURRENT);
        }
        Some(old) => {
            detach(&mut versions[old], label);
            attach(&mut versions[target], label);
        }
        None => attach(&mut versions[target], label),
    }
    Ok(())
}

/// Makes room for one more version: when the secret already has [`MAX_VERSIONS`], removes
/// the oldest deprecated versions created more than [`PRUNE_AFTER`] ago; if that is not
/// enough, fails with `LimitExceededException` and removes nothing.
pub fn make_room(versions: &mut Vec<Version>, now: OffsetDateTime) -> Result<(), SmError> {
    let Some(excess) = (versions.len() + 1).checked_sub(MAX_VERSIONS) else {
        return Ok(());
    };
    let prunable: Vec<String> = versions
        .iter()
        .filter(|v| v.stages.is_empty() && now - v.created > PRUNE_AFTER)
        .take(excess)
        .map(|v| v.id.clone())
        .collect();
    if prunable.len() < excess {
        return Err(SmError::LimitExceeded(format!(
            "You can't create more versions of this secret: it has reached the quota of {MAX_VERSIONS} versions, and Secrets Manager removes only versions without staging labels that are older than 24 hours."
        )));
    }
    versions.retain(|v| !prunable.contains(&v.id));
    Ok(())
}

/// Attaches `labels` to `versions[target]`, taking each off whichever version had it; a
/// version superseded as `AWSCURRENT` becomes `AWSPREVIOUS` (rules 1, 2 and 7).
fn place(versions: &mut [Version], target: usize, labels: &[String]) {
    let takes_current = labels.iter().any(|l| l == AWSCURRENT);
    if let Some(old) = holder(versions, AWSCURRENT).filter(|&old| takes_current && old != target) {
        if labels.iter().any(|l| l == AWSPREVIOUS) {
            detach(&mut versions[old], AWSCURRENT);
        } else {
            demote_current(versions, old);
        }
        // Rule 7: AWS drops a leftover AWSPENDING from the superseded version.
        detach(&mut versions[old], AWSPENDING);
    }
    for label in labels {
        for (index, version) in versions.iter_mut().enumerate() {
            if index != target {
                detach(version, label);
            }
        }
        attach(&mut versions[target], label);
    }
}

/// `versions[old]` gives up `AWSCURRENT` to `versions[new]`: it takes `AWSPREVIOUS` in the
/// same place, and whoever else had `AWSPREVIOUS` (the new holder included) loses it.
fn demote_current(versions: &mut [Version], old: usize) {
    for (index, version) in versions.iter_mut().enumerate() {
        if index != old {
            detach(version, AWSPREVIOUS);
        }
    }
    let stages = &mut versions[old].stages;
    if stages.iter().any(|s| s == AWSPREVIOUS) {
        stages.retain(|s| s != AWSCURRENT);
    } else if let Some(slot) = stages.iter_mut().find(|s| *s == AWSCURRENT) {
        AWSPREVIOUS.clone_into(slot);
    }
}

/// Rule 3: while no version has `AWSCURRENT`, the version being placed gets it.
fn with_first_current(versions: &[Version], mut labels: Vec<String>) -> Vec<String> {
    if holder(versions, AWSCURRENT).is_none() && !labels.iter().any(|l| l == AWSCURRENT) {
        labels.push(AWSCURRENT.to_owned());
    }
    labels
}

fn dedup(labels: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for label in labels {
        if !out.contains(label) {
            out.push(label.clone());
        }
    }
    out
}

fn check_label_count(version_id: &str, count: usize) -> Result<(), SmError> {
    if count > MAX_LABELS_PER_VERSION {
        return Err(SmError::LimitExceeded(format!(
            "You can't attach more than {MAX_LABELS_PER_VERSION} staging labels to version {version_id}."
        )));
    }
    Ok(())
}

fn unknown_version(member: &str, id: &str) -> SmError {
    SmError::InvalidParameter(format!(
        "The parameter {member} is invalid. Secrets Manager can't find version {id} of this secret."
    ))
}

/// `RemoveFromVersionId` names a version that does not carry `label`.
fn not_on_version(
    versions: &[Version],
    label: &str,
    current: Option<usize>,
    remove: usize,
) -> SmError {
    match current {
        Some(at) => SmError::InvalidParameter(format!(
            "The parameter RemoveFromVersionId is invalid. Staging label {label} is currently attached to version {}, so you must explicitly reference that version in RemoveFromVersionId.",
            versions[at].id
        )),
        None => SmError::InvalidParameter(format!(
            "The parameter RemoveFromVersionId is invalid. Staging label {label} isn't attached to version {}.",
            versions[remove].id
        )),
    }
}
