//! Label sequences recorded against real AWS, replayed on the pure label engine, and
//! the small `Secret` driver `rule_tests` shares. Snapshots sort labels, so traces compare
//! label *sets*; `—` (deprecated) is an empty set.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use time::{Duration, OffsetDateTime};

use super::*;
use crate::secretsmanager::secret::AccessDay;

pub(super) struct Secret {
    pub(super) versions: Vec<Version>,
    pub(super) now: OffsetDateTime,
}

pub(super) fn strings(labels: &[&str]) -> Vec<String> {
    labels.iter().map(|l| (*l).to_owned()).collect()
}

impl Secret {
    /// CreateSecret with a value: v1 labelled AWSCURRENT.
    pub(super) fn created() -> Secret {
        let mut secret = Secret::empty();
        secret.put("v1", None).unwrap();
        secret
    }

    pub(super) fn empty() -> Secret {
        Secret {
            versions: Vec::new(),
            now: OffsetDateTime::UNIX_EPOCH + Duration::days(365),
        }
    }

    pub(super) fn put(&mut self, id: &str, stages: Option<&[&str]>) -> Result<(), SmError> {
        self.now += Duration::seconds(1);
        let version = Version {
            id: id.to_owned(),
            stages: Vec::new(),
            created: self.now,
            last_accessed: AccessDay::default(),
            value: None,
        };
        let stages = stages.map(strings);
        add_version(&mut self.versions, version, stages.as_deref(), self.now)
    }

    pub(super) fn stage(
        &mut self,
        label: &str,
        remove: Option<&str>,
        move_to: Option<&str>,
    ) -> Result<(), SmError> {
        update_stage(&mut self.versions, label, remove, move_to)
    }

    pub(super) fn labels(&self, id: &str) -> Vec<String> {
        let version = self.versions.iter().find(|v| v.id == id).unwrap();
        version.stages.clone()
    }

    #[track_caller]
    pub(super) fn assert(&self, expected: &[(&str, &[&str])]) {
        let actual: Vec<(String, Vec<String>)> = self
            .versions
            .iter()
            .map(|v| {
                let mut stages = v.stages.clone();
                stages.sort();
                (v.id.clone(), stages)
            })
            .collect();
        let expected: Vec<(String, Vec<String>)> = expected
            .iter()
            .map(|(id, stages)| {
                let mut stages = strings(stages);
                stages.sort();
                ((*id).to_owned(), stages)
            })
            .collect();
        assert_eq!(actual, expected);
    }
}

pub(super) const CUR: &str = AWSCURRENT;
pub(super) const PREV: &str = AWSPREVIOUS;
pub(super) const PEND: &str = AWSPENDING;

#[test]
fn c1_current_pending() {
    let mut s = Secret::created();
    s.assert(&[("v1", &[CUR])]);
    s.put("v2", Some(&[PEND])).unwrap();
    s.assert(&[("v1", &[CUR]), ("v2", &[PEND])]);
    s.stage(CUR, Some("v1"), Some("v2")).unwrap();
    s.assert(&[("v1", &[PREV]), ("v2", &[CUR, PEND])]);
    s.put("v3", None).unwrap();
    s.assert(&[("v1", &[]), ("v2", &[PREV]), ("v3", &[CUR])]);
}

#[test]
fn c2_current_pending_cycle_custom_stages_1() {
    let mut s = Secret::created();
    s.put("v2", Some(&["AWSSOMETHING", PEND, "PUT1"])).unwrap();
    s.assert(&[("v1", &[CUR]), ("v2", &[PEND, "AWSSOMETHING", "PUT1"])]);
    s.stage(CUR, Some("v1"), Some("v2")).unwrap();
    s.assert(&[
        ("v1", &[PREV]),
        ("v2", &[CUR, PEND, "AWSSOMETHING", "PUT1"]),
    ]);
    s.put("v3", Some(&[PEND, "PUT2"])).unwrap();
    s.assert(&[
        ("v1", &[PREV]),
        ("v2", &[CUR, "AWSSOMETHING", "PUT1"]),
        ("v3", &[PEND, "PUT2"]),
    ]);
    s.stage(CUR, Some("v2"), Some("v3")).unwrap();
    s.assert(&[
        ("v1", &[]),
        ("v2", &[PREV, "AWSSOMETHING", "PUT1"]),
        ("v3", &[CUR, PEND, "PUT2"]),
    ]);
}

#[test]
fn c3_current_pending_cycle_custom_stages_2() {
    let mut s = Secret::created();
    s.put("v2", Some(&[CUR, "PUT0"])).unwrap();
    s.assert(&[("v1", &[PREV]), ("v2", &[CUR, "PUT0"])]);
    s.put("v3", Some(&[PEND, "PUT1"])).unwrap();
    s.assert(&[
        ("v1", &[PREV]),
        ("v2", &[CUR, "PUT0"]),
        ("v3", &[PEND, "PUT1"]),
    ]);
    s.stage(CUR, Some("v2"), Some("v3")).unwrap();
    s.assert(&[
        ("v1", &[]),
        ("v2", &[PREV, "PUT0"]),
        ("v3", &[CUR, PEND, "PUT1"]),
    ]);
    s.put("v4", Some(&[PEND, "PUT2"])).unwrap();
    s.assert(&[
        ("v1", &[]),
        ("v2", &[PREV, "PUT0"]),
        ("v3", &[CUR, "PUT1"]),
        ("v4", &[PEND, "PUT2"]),
    ]);
    s.stage(CUR, Some("v3"), Some("v4")).unwrap();
    s.assert(&[
        ("v1", &[]),
        ("v2", &["PUT0"]),
        ("v3", &[PREV, "PUT1"]),
        ("v4", &[CUR, PEND, "PUT2"]),
    ]);
}

#[test]
fn c4_current_pending_cycle_custom_stages_3() {
    let mut s = Secret::created();
    s.put("v2", Some(&["PENDING"])).unwrap();
    s.stage(CUR, Some("v1"), Some("v2")).unwrap();
    s.assert(&[("v1", &[PREV]), ("v2", &[CUR, "PENDING"])]);
    s.stage("PENDING", Some("v2"), None).unwrap();
    s.assert(&[("v1", &[PREV]), ("v2", &[CUR])]);
}

#[test]
fn c5_non_versioning_stages_replacement() {
    let mut s = Secret::created();
    s.put("v2", Some(&["one", "two", "three"])).unwrap();
    s.put("v3", Some(&["one", "two", "three", "four"])).unwrap();
    s.assert(&[
        ("v1", &[CUR]),
        ("v2", &[]),
        ("v3", &["one", "two", "three", "four"]),
    ]);
}

#[test]
fn c5_non_versioning_stages_no_replacement() {
    let mut s = Secret::created();
    s.put("v2", Some(&["one", "two", "three"])).unwrap();
    s.put("v3", Some(&["one", "two", "four"])).unwrap();
    s.assert(&[
        ("v1", &[CUR]),
        ("v2", &["three"]),
        ("v3", &["one", "two", "four"]),
    ]);
}

#[test]
fn explicit_stages_without_current_leave_current_alone() {
    let mut s = Secret::created();
    s.put("v2", Some(&["SAMPLESTAGE1", "SAMPLESTAGE0"]))
        .unwrap();
    s.put("v3", Some(&[PEND])).unwrap();
    s.assert(&[
        ("v1", &[CUR]),
        ("v2", &["SAMPLESTAGE1", "SAMPLESTAGE0"]),
        ("v3", &[PEND]),
    ]);
}

#[test]
fn rule_1_moves_previous_off_its_old_holder() {
    let mut s = Secret::created();
    s.put("v2", None).unwrap();
    s.put("v3", None).unwrap();
    s.put("v4", None).unwrap();
    // Recorded on AWS: CreateSecret, then three PutSecretValue calls.
    s.assert(&[("v1", &[]), ("v2", &[]), ("v3", &[PREV]), ("v4", &[CUR])]);
}
