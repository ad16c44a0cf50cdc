//! The checker must be able to fail: small hand-made histories, each breaking one rule, and
//! the same histories made legal by one change (a write that overlaps the read instead of
//! preceding it...), which must pass.

use super::history::{Call, History, Outcome, Reply, Tick, value_for};
use super::secret_checks::MARKED_FOR_DELETION;
use super::verdict::Rule;
use super::{check, check_settled};

const SECRET: &str = "s";
const KEY: &str = "arn:aws:kms:us-east-1:000000000000:key/k";
const V0: &str = "00000000-0000-0000-0000-000000000000";
const V1: &str = "11111111-1111-1111-1111-111111111111";
const V2: &str = "22222222-2222-2222-2222-222222222222";

fn ok(reply: Reply) -> Outcome {
    Outcome::Ok(reply)
}

fn failed(code: &str, message: &str) -> Outcome {
    Outcome::Failed {
        status: 400,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

fn labels(versions: &[(&str, &[&str])]) -> Reply {
    Reply::Labels {
        deleted: false,
        versions: versions
            .iter()
            .map(|(id, stages)| {
                let stages = stages.iter().map(|s| (*s).to_owned()).collect();
                ((*id).to_owned(), stages)
            })
            .collect(),
        last_changed_ms: None,
    }
}

fn value(version: &str, stages: &[&str]) -> Reply {
    Reply::Value {
        version_id: version.to_owned(),
        value: value_for(SECRET, version),
        stages: stages.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn version(id: &str, stages: &[&str]) -> Reply {
    Reply::Version {
        version_id: id.to_owned(),
        stages: stages.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// A history that starts with SECRET created as V0 during [0, 1].
fn created() -> History {
    let mut history = History::default();
    let create = Call::CreateSecret {
        secret: SECRET.into(),
        token: V0.into(),
        kms_key: None,
    };
    history.push(0, create, 0, 1, ok(version(V0, &[])));
    history
}

fn put(history: &mut History, token: &str, span: (Tick, Tick)) {
    let call = Call::PutValue {
        secret: SECRET.into(),
        token: token.into(),
        stages: None,
    };
    history.push(1, call, span.0, span.1, ok(version(token, &["AWSCURRENT"])));
}

fn get(history: &mut History, span: (Tick, Tick), outcome: Outcome) {
    let call = Call::GetValue {
        secret: SECRET.into(),
        version_id: None,
        stage: None,
    };
    history.push(2, call, span.0, span.1, outcome);
}

fn describe(history: &mut History, span: (Tick, Tick), reply: Reply) {
    let call = Call::Describe {
        secret: SECRET.into(),
    };
    history.push(2, call, span.0, span.1, ok(reply));
}

#[track_caller]
fn assert_reports(history: &History, rule: Rule) {
    let report = check(history);
    assert!(
        report.rules().contains(&rule),
        "expected {rule:?}, got {:?}",
        report.violations
    );
}

#[track_caller]
fn assert_clean(history: &History) {
    let report = check(history);
    assert!(report.violations.is_empty(), "{:?}", report.violations);
}

#[test]
fn two_awscurrent_versions_in_one_answer_are_reported() {
    let mut history = created();
    put(&mut history, V1, (2, 3));
    describe(
        &mut history,
        (4, 5),
        labels(&[(V0, &["AWSCURRENT"]), (V1, &["AWSCURRENT"])]),
    );
    assert_reports(&history, Rule::NotOneCurrent);
    assert_reports(&history, Rule::LabelOnTwoVersions);

    let mut legal = created();
    put(&mut legal, V1, (2, 3));
    describe(
        &mut legal,
        (4, 5),
        labels(&[(V0, &["AWSPREVIOUS"]), (V1, &["AWSCURRENT"])]),
    );
    assert_clean(&legal);
}

#[test]
fn a_stale_read_after_an_acknowledged_write_is_reported() {
    let mut history = created();
    put(&mut history, V1, (2, 3));
    get(&mut history, (4, 5), ok(value(V0, &["AWSPREVIOUS"])));
    assert_reports(&history, Rule::StaleCurrent);

    // The same read while the write is still in flight may see either version.
    let mut legal = created();
    put(&mut legal, V1, (2, 6));
    get(&mut legal, (4, 5), ok(value(V0, &["AWSCURRENT"])));
    assert_clean(&legal);

    // Overwritten by a later write the read must see, even though V0 was current once.
    let mut overwritten = created();
    put(&mut overwritten, V1, (2, 3));
    put(&mut overwritten, V2, (4, 5));
    get(&mut overwritten, (6, 7), ok(value(V1, &["AWSPREVIOUS"])));
    assert_reports(&overwritten, Rule::StaleCurrent);
}

#[test]
fn a_phantom_value_or_version_is_reported() {
    let mut wrong_value = created();
    put(&mut wrong_value, V1, (2, 3));
    let mut read = value(V1, &["AWSCURRENT"]);
    if let Reply::Value { value, .. } = &mut read {
        *value = value_for(SECRET, V0);
    }
    get(&mut wrong_value, (4, 5), ok(read));
    assert_reports(&wrong_value, Rule::PhantomValue);

    // A version whose write was only invoked after the read returned.
    let mut from_the_future = created();
    get(&mut from_the_future, (2, 3), ok(value(V1, &["AWSCURRENT"])));
    put(&mut from_the_future, V1, (4, 5));
    assert_reports(&from_the_future, Rule::PhantomVersion);

    // A version whose write failed.
    let mut failed_write = created();
    let call = Call::PutValue {
        secret: SECRET.into(),
        token: V1.into(),
        stages: None,
    };
    let refused = failed("InvalidRequestException", MARKED_FOR_DELETION);
    failed_write.push(1, call, 2, 3, refused);
    describe(&mut failed_write, (4, 5), labels(&[(V1, &["AWSCURRENT"])]));
    assert_reports(&failed_write, Rule::PhantomVersion);
}

#[test]
fn awsprevious_on_a_version_that_was_never_current_is_reported() {
    let mut history = created();
    let call = Call::PutValue {
        secret: SECRET.into(),
        token: V1.into(),
        stages: Some(vec!["AWSPENDING".into()]),
    };
    history.push(1, call, 2, 3, ok(version(V1, &["AWSPENDING"])));
    describe(
        &mut history,
        (4, 5),
        labels(&[(V0, &["AWSCURRENT"]), (V1, &["AWSPREVIOUS"])]),
    );
    assert_reports(&history, Rule::PreviousMisplaced);
}

#[test]
fn key_use_outside_the_states_the_key_can_be_in_is_reported() {
    let mut history = History::default();
    history.push(
        0,
        Call::CreateKey { key: KEY.into() },
        0,
        1,
        ok(Reply::Done),
    );
    let disable = Call::DisableKey { key: KEY.into() };
    history.push(1, disable, 2, 3, ok(Reply::Done));
    let encrypt = Call::Encrypt {
        key: KEY.into(),
        plaintext: b"p".to_vec(),
        context: Vec::new(),
    };
    let blob = Reply::Ciphertext {
        blob: b"blob".to_vec(),
        plaintext: b"p".to_vec(),
    };
    let mut disabled_throughout = history.clone();
    disabled_throughout.push(2, encrypt.clone(), 4, 5, ok(blob.clone()));
    assert_reports(&disabled_throughout, Rule::KeyState);

    // An EnableKey overlapping the Encrypt makes its success possible.
    let mut enabled_meanwhile = history.clone();
    let enable = Call::EnableKey { key: KEY.into() };
    enabled_meanwhile.push(1, enable, 4, 9, ok(Reply::Done));
    enabled_meanwhile.push(2, encrypt.clone(), 5, 6, ok(blob));
    assert_clean(&enabled_meanwhile);

    // A refusal while the key must be enabled, and one with another text.
    let mut refused = History::default();
    refused.push(
        0,
        Call::CreateKey { key: KEY.into() },
        0,
        1,
        ok(Reply::Done),
    );
    let disabled = failed("DisabledException", &format!("{KEY} is disabled."));
    refused.push(2, encrypt.clone(), 2, 3, disabled);
    assert_reports(&refused, Rule::KeyState);
    let mut worded = history;
    worded.push(2, encrypt, 4, 5, failed("DisabledException", "disabled"));
    assert_reports(&worded, Rule::WrongErrorText);
}

#[test]
fn calls_on_a_secret_that_must_be_scheduled_for_deletion_must_fail() {
    let mut history = created();
    let delete = Call::DeleteSecret {
        secret: SECRET.into(),
        window_days: 7,
    };
    history.push(3, delete, 2, 3, ok(Reply::Done));
    let mut read = history.clone();
    get(&mut read, (4, 5), ok(value(V0, &["AWSCURRENT"])));
    assert_reports(&read, Rule::DeletionState);

    let mut worded = history.clone();
    get(
        &mut worded,
        (4, 5),
        failed("InvalidRequestException", "deleted"),
    );
    assert_reports(&worded, Rule::WrongErrorText);

    // Refused as scheduled although the only delete began after the read returned.
    let mut early = created();
    get(
        &mut early,
        (2, 3),
        failed("InvalidRequestException", MARKED_FOR_DELETION),
    );
    let delete = Call::DeleteSecret {
        secret: SECRET.into(),
        window_days: 7,
    };
    early.push(3, delete, 4, 5, ok(Reply::Done));
    assert_reports(&early, Rule::DeletionState);

    // A restore invoked before the read makes both answers possible.
    let restore = Call::RestoreSecret {
        secret: SECRET.into(),
    };
    history.push(3, restore, 4, 8, ok(Reply::Done));
    get(&mut history, (5, 6), ok(value(V0, &["AWSCURRENT"])));
    get(
        &mut history,
        (5, 6),
        failed("InvalidRequestException", MARKED_FOR_DELETION),
    );
    assert_clean(&history);
}

#[test]
fn lost_versions_wrong_plaintexts_and_server_errors_are_reported() {
    let mut lost = created();
    put(&mut lost, V1, (2, 3));
    let list = Call::ListVersions {
        secret: SECRET.into(),
        include_deprecated: true,
    };
    let listed = labels(&[(V1, &["AWSCURRENT"])]);
    lost.push(2, list, 4, 5, ok(listed));
    assert_reports(&lost, Rule::LostVersion);

    let mut kms = History::default();
    kms.push(
        0,
        Call::CreateKey { key: KEY.into() },
        0,
        1,
        ok(Reply::Done),
    );
    let encrypt = Call::Encrypt {
        key: KEY.into(),
        plaintext: b"p".to_vec(),
        context: Vec::new(),
    };
    let blob = Reply::Ciphertext {
        blob: b"blob".to_vec(),
        plaintext: b"p".to_vec(),
    };
    kms.push(1, encrypt, 2, 3, ok(blob));
    let settled = check_settled(&kms);
    assert!(settled.rules().contains(&Rule::NotDecryptedAfterRace));
    let decrypt = Call::Decrypt {
        key: KEY.into(),
        blob: b"blob".to_vec(),
        context: Vec::new(),
    };
    kms.push(
        1,
        decrypt.clone(),
        4,
        5,
        ok(Reply::Plaintext(b"q".to_vec())),
    );
    assert_reports(&kms, Rule::WrongPlaintext);
    let internal = Outcome::Failed {
        status: 500,
        code: "KMSInternalException".into(),
        message: String::new(),
    };
    kms.push(1, decrypt, 6, 7, internal);
    assert_reports(&kms, Rule::ServerError);
}

#[test]
fn a_manual_rotation_raced_by_a_stale_move_is_a_legal_history() {
    let mut history = created();
    // The rotator adds V1 as AWSPENDING and moves AWSCURRENT onto it; a mover that saw
    // AWSCURRENT on V0 tries to move it to V2 after that and is refused, naming V1.
    let pending = Call::PutValue {
        secret: SECRET.into(),
        token: V1.into(),
        stages: Some(vec!["AWSPENDING".into()]),
    };
    history.push(1, pending, 2, 3, ok(version(V1, &["AWSPENDING"])));
    put(&mut history, V2, (2, 4));
    let rotate = Call::UpdateStage {
        secret: SECRET.into(),
        label: "AWSCURRENT".into(),
        remove_from: Some(V2.into()),
        move_to: Some(V1.into()),
    };
    history.push(1, rotate, 5, 6, ok(Reply::Done));
    let stale = Call::UpdateStage {
        secret: SECRET.into(),
        label: "AWSCURRENT".into(),
        remove_from: Some(V0.into()),
        move_to: Some(V2.into()),
    };
    let refusal = format!(
        "The parameter RemoveFromVersionId is invalid. Staging label AWSCURRENT is currently attached to version {V1}, so you must explicitly reference that version in RemoveFromVersionId."
    );
    history.push(
        2,
        stale,
        7,
        8,
        failed("InvalidParameterException", &refusal),
    );
    describe(
        &mut history,
        (9, 10),
        labels(&[(V1, &["AWSPENDING", "AWSCURRENT"]), (V2, &["AWSPREVIOUS"])]),
    );
    assert_clean(&history);

    // The same refusal naming V2 after the move to V1 was acknowledged is stale.
    let mut stale_refusal = history.clone();
    let stale = Call::UpdateStage {
        secret: SECRET.into(),
        label: "AWSCURRENT".into(),
        remove_from: Some(V0.into()),
        move_to: Some(V2.into()),
    };
    let refusal = refusal.replace(V1, V2);
    stale_refusal.push(
        2,
        stale,
        11,
        12,
        failed("InvalidParameterException", &refusal),
    );
    assert_reports(&stale_refusal, Rule::StaleCurrent);
}
