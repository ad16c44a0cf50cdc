//! Property tests of the staging-label invariants (see src/secretsmanager/labels/mod.rs).
//!
//! Random sequences of PutSecretValue (with and without VersionStages, new or reused tokens),
//! UpdateSecret (value or description only) and UpdateSecretVersionStage (valid and invalid
//! moves) run against a model built on the pure label engine (hundreds of cases), and, fewer
//! cases, through the SDK against a live in-process server, where every step must agree with
//! the model exactly: same success or error code, same versions, same labels in the same order.
//! After every step: each label on at most one version; exactly one AWSCURRENT; at most one
//! AWSPREVIOUS; AWSPREVIOUS on the AWSCURRENT version only after an explicit request put it
//! there; no version lost; GetSecretValue() returns the AWSCURRENT version's value; a failed
//! step changes nothing.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::collections::HashMap;

use lockbox::api::error::WireError;
use lockbox::secretsmanager::error::SmError;
use lockbox::secretsmanager::labels;
use lockbox::secretsmanager::secret::{AccessDay, Version};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use time::{Duration, OffsetDateTime};

const POOL: [&str; 6] = ["AWSCURRENT", "AWSPREVIOUS", "AWSPENDING", "A", "B", "C"];
const UNKNOWN_ID: &str = "unknown-version-id-00000000000000";

#[derive(Debug, Clone)]
enum Token {
    New,
    Reuse(usize),
}

#[derive(Debug, Clone)]
enum Pick {
    Known(usize),
    Unknown,
}

#[derive(Debug, Clone)]
enum Step {
    Put {
        token: Token,
        value: u8,
        stages: Option<Vec<&'static str>>,
    },
    UpdateValue {
        token: Token,
        value: u8,
    },
    UpdateDescription,
    Stage {
        label: &'static str,
        remove: Option<Pick>,
        move_to: Option<Pick>,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let token = prop_oneof![3 => Just(Token::New), 1 => any::<usize>().prop_map(Token::Reuse)];
    let pick = || prop_oneof![6 => any::<usize>().prop_map(Pick::Known), 1 => Just(Pick::Unknown)];
    let label = || prop::sample::select(POOL.to_vec());
    prop_oneof![
        3 => (token.clone(), 0u8..4, prop::option::of(prop::collection::vec(label(), 1..4)))
            .prop_map(|(token, value, stages)| Step::Put { token, value, stages }),
        2 => (token, 0u8..4).prop_map(|(token, value)| Step::UpdateValue { token, value }),
        1 => Just(Step::UpdateDescription),
        4 => (label(), prop::option::of(pick()), prop::option::of(pick()))
            .prop_map(|(label, remove, move_to)| Step::Stage { label, remove, move_to }),
    ]
}

/// A step with its tokens and version picks resolved to concrete ids.
#[derive(Debug, Clone)]
enum Action {
    Put {
        id: String,
        value: u8,
        stages: Option<Vec<String>>,
    },
    UpdateValue {
        id: String,
        value: u8,
    },
    UpdateDescription,
    Stage {
        label: &'static str,
        remove: Option<String>,
        move_to: Option<String>,
    },
}

/// Versions as (id, labels in stored order), creation order.
type State = Vec<(String, Vec<String>)>;

/// The expected behaviour: the pure label engine plus ClientRequestToken semantics.
struct Model {
    versions: Vec<Version>,
    values: HashMap<String, u8>,
    created: Vec<String>,
    now: OffsetDateTime,
    previous_placed_explicitly: bool,
}

fn version_id(n: usize) -> String {
    format!("{n:032}")
}

impl Model {
    /// CreateSecret with value 0 and token `version_id(0)`.
    fn new() -> Model {
        let mut model = Model {
            versions: Vec::new(),
            values: HashMap::new(),
            created: Vec::new(),
            now: OffsetDateTime::UNIX_EPOCH + Duration::days(400),
            previous_placed_explicitly: false,
        };
        model.write(version_id(0), 0, None).expect("first version");
        model
    }

    fn resolve(&self, step: &Step) -> Action {
        let token = |token: &Token| match token {
            Token::New => version_id(self.created.len()),
            Token::Reuse(i) => self.created[i % self.created.len()].clone(),
        };
        let pick = |pick: &Option<Pick>| {
            pick.as_ref().map(|pick| match pick {
                Pick::Known(i) => self.created[i % self.created.len()].clone(),
                Pick::Unknown => UNKNOWN_ID.to_owned(),
            })
        };
        match step {
            Step::Put {
                token: t,
                value,
                stages,
            } => Action::Put {
                id: token(t),
                value: *value,
                stages: stages
                    .as_ref()
                    .map(|s| s.iter().map(|l| (*l).to_owned()).collect()),
            },
            Step::UpdateValue { token: t, value } => Action::UpdateValue {
                id: token(t),
                value: *value,
            },
            Step::UpdateDescription => Action::UpdateDescription,
            Step::Stage {
                label,
                remove,
                move_to,
            } => Action::Stage {
                label,
                remove: pick(remove),
                move_to: pick(move_to),
            },
        }
    }

    fn write(&mut self, id: String, value: u8, stages: Option<&[String]>) -> Result<(), SmError> {
        if let Some(&stored) = self.values.get(&id) {
            return if stored == value {
                Ok(())
            } else {
                Err(SmError::ResourceExists(String::new()))
            };
        }
        self.now += Duration::seconds(1);
        let version = Version {
            id: id.clone(),
            stages: Vec::new(),
            created: self.now,
            last_accessed: AccessDay::default(),
            value: None,
        };
        let before = self.current_id();
        labels::add_version(&mut self.versions, version, stages, self.now)?;
        self.values.insert(id.clone(), value);
        self.created.push(id);
        let names_previous = stages.is_some_and(|s| s.iter().any(|l| l == "AWSPREVIOUS"));
        self.track_previous(names_previous, before);
        Ok(())
    }

    /// Applies `action`; `Err` carries the wire error code.
    fn apply(&mut self, action: &Action) -> Result<(), String> {
        let result = match action {
            Action::Put { id, value, stages } => self.write(id.clone(), *value, stages.as_deref()),
            Action::UpdateValue { id, value } => self.write(id.clone(), *value, None),
            Action::UpdateDescription => Ok(()),
            Action::Stage {
                label,
                remove,
                move_to,
            } => {
                let before = self.current_id();
                let result = labels::update_stage(
                    &mut self.versions,
                    label,
                    remove.as_deref(),
                    move_to.as_deref(),
                );
                if result.is_ok() {
                    self.track_previous(*label == "AWSPREVIOUS" && move_to.is_some(), before);
                }
                result
            }
        };
        result.map_err(|error| error.code().to_owned())
    }

    fn current_id(&self) -> Option<String> {
        labels::holder(&self.versions, "AWSCURRENT").map(|at| self.versions[at].id.clone())
    }

    /// AWSPREVIOUS may share the AWSCURRENT version only if a request placed it explicitly
    /// and AWSCURRENT has not moved since (a move re-derives AWSPREVIOUS).
    fn track_previous(&mut self, placed_previous: bool, current_before: Option<String>) {
        if placed_previous {
            self.previous_placed_explicitly = true;
        } else if self.current_id() != current_before {
            self.previous_placed_explicitly = false;
        }
    }

    fn state(&self) -> State {
        self.versions
            .iter()
            .map(|v| (v.id.clone(), v.stages.clone()))
            .collect()
    }

    fn current_value(&self) -> Option<u8> {
        let holder = labels::holder(&self.versions, "AWSCURRENT")?;
        self.values.get(&self.versions[holder].id).copied()
    }
}

/// The staging-label invariants on one observed state.
fn check_invariants(state: &State, model: &Model) -> Result<(), TestCaseError> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (id, stages) in state {
        for label in stages {
            if let Some(other) = seen.insert(label, id) {
                return Err(TestCaseError::fail(format!(
                    "{label} on {other} and {id}: {state:?}"
                )));
            }
        }
    }
    let holders = |label: &str| {
        state
            .iter()
            .filter(|(_, s)| s.iter().any(|l| l == label))
            .count()
    };
    prop_assert_eq!(
        holders("AWSCURRENT"),
        1,
        "exactly one AWSCURRENT: {:?}",
        state
    );
    prop_assert!(holders("AWSPREVIOUS") <= 1, "{:?}", state);
    let together = state
        .iter()
        .any(|(_, s)| s.iter().any(|l| l == "AWSCURRENT") && s.iter().any(|l| l == "AWSPREVIOUS"));
    prop_assert!(
        !together || model.previous_placed_explicitly,
        "AWSPREVIOUS joined AWSCURRENT without being asked: {:?}",
        state
    );
    let ids: Vec<&String> = state.iter().map(|(id, _)| id).collect();
    let created: Vec<&String> = model.created.iter().collect();
    prop_assert_eq!(ids, created, "no version is lost");
    Ok(())
}

#[test]
fn label_invariants_hold_on_the_pure_engine() {
    let config = Config {
        cases: 512,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let steps = prop::collection::vec(step(), 1..40);
    let result = runner.run(&steps, |steps| {
        let mut model = Model::new();
        check_invariants(&model.state(), &model)?;
        for step in &steps {
            let before = model.state();
            let action = model.resolve(step);
            if model.apply(&action).is_err() {
                prop_assert_eq!(&model.state(), &before, "a failed step changed state");
            }
            check_invariants(&model.state(), &model)?;
            prop_assert!(model.current_value().is_some());
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

mod live;
