//! The same random steps through the SDK against a live server, compared step by step with
//! the model (a differential test of the operations' plumbing around the label engine).

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::{Action, Model, State, Step, check_invariants, step, version_id};
use crate::common;

fn value_text(value: u8) -> String {
    format!("value-{value}")
}

fn code<E: ProvideErrorMetadata>(error: E) -> String {
    error.code().unwrap_or("<none>").to_owned()
}

async fn observe(sm: &Client, secret: &str) -> Result<State, TestCaseError> {
    let listed = sm
        .list_secret_version_ids()
        .secret_id(secret)
        .include_deprecated(true)
        .send()
        .await
        .map_err(|e| TestCaseError::fail(code(e)))?;
    Ok(listed
        .versions()
        .iter()
        .map(|v| {
            (
                v.version_id().unwrap_or_default().to_owned(),
                v.version_stages().to_vec(),
            )
        })
        .collect())
}

async fn send(sm: &Client, secret: &str, action: &Action) -> Result<(), String> {
    match action {
        Action::Put { id, value, stages } => sm
            .put_secret_value()
            .secret_id(secret)
            .client_request_token(id)
            .secret_string(value_text(*value))
            .set_version_stages(stages.clone())
            .send()
            .await
            .map(drop)
            .map_err(code),
        Action::UpdateValue { id, value } => sm
            .update_secret()
            .secret_id(secret)
            .client_request_token(id)
            .secret_string(value_text(*value))
            .send()
            .await
            .map(drop)
            .map_err(code),
        Action::UpdateDescription => sm
            .update_secret()
            .secret_id(secret)
            .description("changed")
            .send()
            .await
            .map(drop)
            .map_err(code),
        Action::Stage {
            label,
            remove,
            move_to,
        } => sm
            .update_secret_version_stage()
            .secret_id(secret)
            .version_stage(*label)
            .set_remove_from_version_id(remove.clone())
            .set_move_to_version_id(move_to.clone())
            .send()
            .await
            .map(drop)
            .map_err(code),
    }
}

async fn run_case(sm: &Client, secret: &str, steps: &[Step]) -> Result<(), TestCaseError> {
    sm.create_secret()
        .name(secret)
        .client_request_token(version_id(0))
        .secret_string(value_text(0))
        .send()
        .await
        .map_err(|e| TestCaseError::fail(code(e)))?;
    let mut model = Model::new();
    for step in steps {
        let action = model.resolve(step);
        let expected = model.apply(&action);
        let actual = send(sm, secret, &action).await;
        prop_assert_eq!(&actual, &expected, "{:?}", action);
        let state = observe(sm, secret).await?;
        prop_assert_eq!(&state, &model.state(), "after {:?}", action);
        check_invariants(&state, &model)?;
        let current = sm
            .get_secret_value()
            .secret_id(secret)
            .send()
            .await
            .map_err(|e| TestCaseError::fail(code(e)))?;
        let expected_value = model.current_value().map(value_text);
        prop_assert_eq!(current.secret_string().map(str::to_owned), expected_value);
    }
    Ok(())
}

static CASE: AtomicUsize = AtomicUsize::new(0);

#[test]
fn label_invariants_hold_through_the_sdk() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(common::start());
    let sm = common::client(&server);
    let mut runner = TestRunner::new(Config {
        cases: 24,
        max_shrink_iters: 64,
        ..Config::default()
    });
    let steps = prop::collection::vec(step(), 1..20);
    let result = runner.run(&steps, |steps| {
        let secret = format!("props/{}", CASE.fetch_add(1, Ordering::Relaxed));
        runtime.block_on(run_case(&sm, &secret, &steps))
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}
