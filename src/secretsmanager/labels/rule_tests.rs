//! The label engine's behaviour beyond the recorded traces: the decisions taken where AWS's
//! behaviour was not observed (marked "Decision"), every UpdateSecretVersionStage error, label
//! limits, pruning and placeholder filling.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use time::Duration;

use super::tests::{CUR, PEND, PREV, Secret, strings};
use super::*;
use crate::secretsmanager::secret::AccessDay;

/// Decision, rule 3: explicit stages on the first version keep their order and get
/// AWSCURRENT appended.
#[test]
fn first_version_of_an_empty_secret_gets_current_appended() {
    let mut s = Secret::empty();
    s.put("v1", Some(&["BLUE", PEND])).unwrap();
    assert_eq!(s.labels("v1"), strings(&["BLUE", PEND, CUR]));
    s.put("v2", Some(&["GREEN"])).unwrap();
    assert_eq!(s.labels("v1"), strings(&["BLUE", PEND, CUR]));
}

/// Decision, rule 7: the superseded AWSCURRENT version keeps custom labels, loses AWSPENDING and
/// shows AWSPREVIOUS where AWSCURRENT was.
#[test]
fn superseded_current_keeps_custom_labels_but_not_pending() {
    let mut s = Secret::created();
    s.put("v2", Some(&["KEEP", PEND])).unwrap();
    s.stage(CUR, Some("v1"), Some("v2")).unwrap();
    assert_eq!(s.labels("v2"), strings(&["KEEP", PEND, CUR]));
    s.put("v3", None).unwrap();
    assert_eq!(s.labels("v2"), strings(&["KEEP", PREV]));
    assert_eq!(s.labels("v1"), Vec::<String>::new());
}

/// Decision: explicit AWSCURRENT + AWSPREVIOUS: both go to the new version.
#[test]
fn explicit_current_and_previous_both_stay_on_the_new_version() {
    let mut s = Secret::created();
    s.put("v2", None).unwrap();
    s.put("v3", Some(&[CUR, PREV])).unwrap();
    s.assert(&[("v1", &[]), ("v2", &[]), ("v3", &[CUR, PREV])]);
}

#[test]
fn duplicate_requested_labels_are_attached_once() {
    let mut s = Secret::created();
    s.put("v2", Some(&["A", "A", "B"])).unwrap();
    assert_eq!(s.labels("v2"), strings(&["A", "B"]));
}

/// Rolling back: AWSCURRENT moves to the AWSPREVIOUS version, which then loses AWSPREVIOUS.
#[test]
fn moving_current_back_to_the_previous_version_swaps_them() {
    let mut s = Secret::created();
    s.put("v2", None).unwrap();
    s.stage(CUR, Some("v2"), Some("v1")).unwrap();
    s.assert(&[("v1", &[CUR]), ("v2", &[PREV])]);
}

#[test]
fn moving_current_without_remove_from_uses_the_verified_text() {
    let mut s = Secret::created();
    s.put("v2", Some(&[PEND])).unwrap();
    assert_eq!(
        s.stage(CUR, None, Some("v2")),
        Err(SmError::InvalidParameter(
            "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version v1, so you must explicitly reference that version in RemoveFromVersionId.".into()
        ))
    );
    assert_eq!(
        s.stage(PEND, None, Some("v1")),
        Err(SmError::InvalidParameter(
            "The parameter RemoveFromVersionId can't be empty. Staging label AWSPENDING is currently attached to version v2, so you must explicitly reference that version in RemoveFromVersionId.".into()
        ))
    );
    s.assert(&[("v1", &[CUR]), ("v2", &[PEND])]);
}

#[test]
fn invalid_moves_are_refused_without_change() {
    let mut s = Secret::created();
    s.put("v2", Some(&[PEND])).unwrap();
    let wrong_holder = "The parameter RemoveFromVersionId is invalid. Staging label AWSCURRENT is currently attached to version v1, so you must explicitly reference that version in RemoveFromVersionId.";
    assert_eq!(
        s.stage(CUR, Some("v2"), Some("v2")),
        Err(SmError::InvalidParameter(wrong_holder.into()))
    );
    assert_eq!(
        s.stage(CUR, Some("v2"), None),
        Err(SmError::InvalidParameter(wrong_holder.into()))
    );
    assert_eq!(
        s.stage("NOWHERE", Some("v1"), Some("v2")),
        Err(SmError::InvalidParameter(
            "The parameter RemoveFromVersionId is invalid. Staging label NOWHERE isn't attached to version v1.".into()
        ))
    );
    assert_eq!(
        s.stage(CUR, Some("v1"), Some("nope")),
        Err(SmError::InvalidParameter(
            "The parameter MoveToVersionId is invalid. Secrets Manager can't find version nope of this secret.".into()
        ))
    );
    assert_eq!(
        s.stage(PEND, Some("nope"), None),
        Err(SmError::InvalidParameter(
            "The parameter RemoveFromVersionId is invalid. Secrets Manager can't find version nope of this secret.".into()
        ))
    );
    assert_eq!(
        s.stage(CUR, Some("v1"), None),
        Err(SmError::InvalidParameter(
            "The parameter MoveToVersionId can't be empty. Staging label AWSCURRENT must always be attached to a version, so you must move it to another version with MoveToVersionId.".into()
        ))
    );
    s.assert(&[("v1", &[CUR]), ("v2", &[PEND])]);
}

/// Decision: no-op forms succeed: neither id, or moving a label where it already is.
#[test]
fn no_op_stage_updates_succeed() {
    let mut s = Secret::created();
    s.stage(CUR, None, None).unwrap();
    s.stage(CUR, None, Some("v1")).unwrap();
    s.stage(CUR, Some("v1"), Some("v1")).unwrap();
    s.assert(&[("v1", &[CUR])]);
}

#[test]
fn free_labels_move_attach_and_detach() {
    let mut s = Secret::created();
    s.put("v2", Some(&["X"])).unwrap();
    s.stage("NEW", None, Some("v1")).unwrap();
    s.stage("X", Some("v2"), Some("v1")).unwrap();
    s.assert(&[("v1", &[CUR, "NEW", "X"]), ("v2", &[])]);
    s.stage("NEW", Some("v1"), None).unwrap();
    // Decision: AWSPREVIOUS may be moved onto the AWSCURRENT version explicitly.
    s.stage(PREV, None, Some("v1")).unwrap();
    s.assert(&[("v1", &[CUR, "X", PREV]), ("v2", &[])]);
}

#[test]
fn a_version_holds_at_most_twenty_labels() {
    let twenty: Vec<String> = (0..20).map(|i| format!("L{i}")).collect();
    let refs: Vec<&str> = twenty.iter().map(String::as_str).collect();
    let mut s = Secret::created();
    s.put("v2", Some(&refs)).unwrap();
    let limit = SmError::LimitExceeded(
        "You can't attach more than 20 staging labels to version v2.".into(),
    );
    assert_eq!(s.stage("ONE-MORE", None, Some("v2")), Err(limit.clone()));
    assert_eq!(s.stage(CUR, Some("v1"), Some("v2")), Err(limit));
    // Twenty explicit labels on the first version leave no room for AWSCURRENT.
    let mut empty = Secret::empty();
    assert!(matches!(
        empty.put("v1", Some(&refs)),
        Err(SmError::LimitExceeded(_))
    ));
    assert!(empty.versions.is_empty());
}

#[test]
fn pruning_removes_only_old_deprecated_versions() {
    let mut s = Secret::created();
    for i in 2..=MAX_VERSIONS {
        s.put(&format!("v{i}"), None).unwrap();
    }
    assert_eq!(s.versions.len(), MAX_VERSIONS);
    // All deprecated versions are younger than 24 h: the 101st version is refused.
    let error = s.put("v101", None).unwrap_err();
    assert!(matches!(error, SmError::LimitExceeded(_)), "{error:?}");
    assert_eq!(s.versions.len(), MAX_VERSIONS);
    assert_eq!(s.labels(&format!("v{MAX_VERSIONS}")), strings(&[CUR]));

    s.now += PRUNE_AFTER;
    s.put("v101", None).unwrap();
    assert_eq!(s.versions.len(), MAX_VERSIONS);
    assert_eq!(
        s.versions[0].id, "v2",
        "the oldest deprecated version went first"
    );
    assert_eq!(s.labels("v101"), strings(&[CUR]));
    assert_eq!(s.labels("v100"), strings(&[PREV]));
}

#[test]
fn labelled_versions_are_never_pruned() {
    let mut s = Secret::created();
    for i in 2..=MAX_VERSIONS {
        s.put(&format!("v{i}"), Some(&[&format!("KEEP{i}")]))
            .unwrap();
    }
    s.now += Duration::days(30);
    assert!(matches!(
        s.put("late", None),
        Err(SmError::LimitExceeded(_))
    ));
}

#[test]
fn filling_a_placeholder_keeps_its_labels() {
    let mut s = Secret::created();
    s.put("v2", Some(&[PEND])).unwrap();
    fill_placeholder(&mut s.versions, "v2", Some(&strings(&[PEND]))).unwrap();
    s.assert(&[("v1", &[CUR]), ("v2", &[PEND])]);
    fill_placeholder(&mut s.versions, "v2", Some(&strings(&[CUR]))).unwrap();
    s.assert(&[("v1", &[PREV]), ("v2", &[PEND, CUR])]);
    // A placeholder on a secret with no AWSCURRENT becomes current when filled.
    let mut empty = Secret::empty();
    empty.versions.push(Version {
        id: "p".into(),
        stages: strings(&[PEND]),
        created: empty.now,
        last_accessed: AccessDay::default(),
        value: None,
    });
    fill_placeholder(&mut empty.versions, "p", None).unwrap();
    assert_eq!(empty.labels("p"), strings(&[PEND, CUR]));
}
