//! Handler tests: each operation called directly, inputs given as the wire's JSON members.
//! Users and access keys here; policies in `policies.rs`; roles, groups, MFA and tags in
//! `identities.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

use super::super::error::IamError;
use super::super::{IamService, totp};
use super::*;
use crate::api::{Principal, PrincipalKind, RequestCtx, WireError};
use crate::identity::{AccessKeyLookup, IdentityDirectory, MfaVerdict};

pub(super) const NOW: OffsetDateTime = datetime!(2026-01-01 13:00:00 UTC);
pub(super) const ACCOUNT: &str = "111111111111";
pub(super) const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#;
pub(super) const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;

pub(super) type Handler<I, O> = fn(&IamService, &RequestCtx, I) -> Result<O, IamError>;

pub(super) fn ctx() -> RequestCtx {
    RequestCtx::for_tests(NOW)
}

/// Calls `handler` with the input `members` (wire names) and the output as JSON.
pub(super) fn call<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> Result<Value, IamError> {
    call_as(iam, &ctx(), handler, members)
}

pub(super) fn call_as<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    ctx: &RequestCtx,
    handler: Handler<I, O>,
    members: Value,
) -> Result<Value, IamError> {
    let input = serde_json::from_value(members).expect("input decodes");
    handler(iam, ctx, input).map(|output| serde_json::to_value(output).unwrap())
}

pub(super) fn ok<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> Value {
    call(iam, handler, members).unwrap_or_else(|error| panic!("{error:?}"))
}

pub(super) fn error_of<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> (&'static str, u16, String) {
    let error = call(iam, handler, members).expect_err("an error");
    let message = error.message().unwrap_or_default().into_owned();
    (error.code(), error.status(), message)
}

pub(super) fn with_user(name: &str) -> IamService {
    let iam = IamService::new();
    ok(&iam, create_user, json!({"UserName": name}));
    iam
}

mod identities;
mod policies;

#[test]
fn users_are_created_listed_and_unique_whatever_the_case() {
    let iam = IamService::new();
    let created = ok(
        &iam,
        create_user,
        json!({"UserName": "Alice", "Path": "/team/", "Tags": [{"Key": "k", "Value": "v"}]}),
    );
    let user = &created["User"];
    assert_eq!(user["Arn"], "arn:aws:iam::111111111111:user/team/Alice");
    assert_eq!(user["CreateDate"], "2026-01-01T13:00:00Z");
    let id = user["UserId"].as_str().unwrap();
    assert!(id.starts_with("AIDA") && id.len() == 21);
    assert_eq!(user["Tags"], json!([{"Key": "k", "Value": "v"}]));

    assert_eq!(
        error_of(&iam, create_user, json!({"UserName": "alice"})),
        (
            "EntityAlreadyExists",
            409,
            "User with name alice already exists.".into()
        )
    );
    assert_eq!(
        ok(&iam, get_user, json!({"UserName": "ALICE"}))["User"]["UserName"],
        "Alice"
    );
    assert_eq!(
        error_of(&iam, get_user, json!({"UserName": "bob"})),
        (
            "NoSuchEntity",
            404,
            "The user with name bob cannot be found.".into()
        )
    );
    let (code, status, message) = error_of(&iam, create_user, json!({"UserName": "a b"}));
    assert_eq!((code, status), ("ValidationError", 400));
    assert!(message.contains("at 'userName'"), "{message}");

    for name in ["b", "c", "d"] {
        ok(&iam, create_user, json!({"UserName": name}));
    }
    let first = ok(&iam, list_users, json!({"MaxItems": 2}));
    assert_eq!(first["IsTruncated"], true);
    assert!(first["Users"][0].get("Tags").is_none());
    let rest = ok(&iam, list_users, json!({"Marker": first["Marker"]}));
    assert_eq!(rest["IsTruncated"], false);
    assert_eq!(rest["Users"].as_array().unwrap().len(), 2);
    let team = ok(&iam, list_users, json!({"PathPrefix": "/team/"}));
    assert_eq!(team["Users"].as_array().unwrap().len(), 1);
}

#[test]
fn get_user_without_a_name_answers_for_the_caller() {
    let iam = with_user("alice");
    let root = ok(&iam, get_user, json!({}));
    assert_eq!(root["User"]["Arn"], "arn:aws:iam::111111111111:root");
    assert_eq!(root["User"]["UserId"], ACCOUNT);
    assert!(root["User"].get("UserName").is_none());

    let mut as_alice = ctx();
    as_alice.principal = Principal::from_arn(ACCOUNT, "arn:aws:iam::111111111111:user/alice", "k");
    let me = call_as(&iam, &as_alice, get_user, json!({})).unwrap();
    assert_eq!(me["User"]["UserName"], "alice");

    let mut as_role = ctx();
    as_role.principal =
        Principal::from_arn(ACCOUNT, "arn:aws:sts::111111111111:assumed-role/r/s", "k");
    let error = call_as(&iam, &as_role, get_user, json!({})).unwrap_err();
    assert_eq!(error.code(), "ValidationError");
}

#[test]
fn access_keys_are_limited_to_two_and_inactive_or_deleted_keys_do_not_sign() {
    let iam = with_user("alice");
    let first = ok(&iam, create_access_key, json!({"UserName": "alice"}));
    let key = &first["AccessKey"];
    let key_id = key["AccessKeyId"].as_str().unwrap().to_owned();
    assert!(key_id.starts_with("AKIA") && key_id.len() == 20);
    assert_eq!(key["SecretAccessKey"].as_str().unwrap().len(), 40);
    assert_eq!(key["Status"], "Active");
    ok(&iam, create_access_key, json!({"UserName": "alice"}));
    assert_eq!(
        error_of(&iam, create_access_key, json!({"UserName": "alice"})),
        (
            "LimitExceeded",
            409,
            "Cannot exceed quota for AccessKeysPerUser: 2".into()
        )
    );

    let Some(AccessKeyLookup::Active { principal, .. }) = iam.access_key(&key_id) else {
        panic!("an active key");
    };
    let user_id = ok(&iam, get_user, json!({"UserName": "alice"}))["User"]["UserId"].clone();
    assert_eq!(principal.user_id, user_id.as_str().unwrap());
    assert_eq!(principal.arn, "arn:aws:iam::111111111111:user/alice");
    assert_eq!(
        principal.kind,
        PrincipalKind::User {
            name: "alice".into()
        }
    );

    ok(
        &iam,
        update_access_key,
        json!({"UserName": "alice", "AccessKeyId": key_id, "Status": "Inactive"}),
    );
    assert!(matches!(
        iam.access_key(&key_id),
        Some(AccessKeyLookup::Inactive)
    ));
    let listed = ok(&iam, list_access_keys, json!({"UserName": "alice"}));
    assert_eq!(listed["AccessKeyMetadata"][0]["Status"], "Inactive");
    assert!(
        listed["AccessKeyMetadata"][0]
            .get("SecretAccessKey")
            .is_none()
    );

    ok(
        &iam,
        delete_access_key,
        json!({"UserName": "alice", "AccessKeyId": key_id}),
    );
    assert!(iam.access_key(&key_id).is_none());
    assert_eq!(
        error_of(
            &iam,
            delete_access_key,
            json!({"UserName": "alice", "AccessKeyId": key_id})
        )
        .0,
        "NoSuchEntity"
    );
}

#[test]
fn a_user_is_deleted_only_once_nothing_depends_on_it() {
    let iam = with_user("alice");
    let key = ok(&iam, create_access_key, json!({"UserName": "alice"}));
    let conflict = |iam: &IamService| error_of(iam, delete_user, json!({"UserName": "alice"}));
    assert_eq!(
        conflict(&iam),
        (
            "DeleteConflict",
            409,
            "Cannot delete entity, must delete access keys first.".into()
        )
    );
    ok(
        &iam,
        delete_access_key,
        json!({"UserName": "alice", "AccessKeyId": key["AccessKey"]["AccessKeyId"]}),
    );
    ok(
        &iam,
        put_user_policy,
        json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": ALLOW}),
    );
    assert_eq!(
        conflict(&iam).2,
        "Cannot delete entity, must delete policies first."
    );
    ok(
        &iam,
        delete_user_policy,
        json!({"UserName": "alice", "PolicyName": "p"}),
    );
    let arn = ok(
        &iam,
        create_policy,
        json!({"PolicyName": "m", "PolicyDocument": ALLOW}),
    )["Policy"]["Arn"]
        .clone();
    ok(
        &iam,
        attach_user_policy,
        json!({"UserName": "alice", "PolicyArn": arn}),
    );
    assert_eq!(
        conflict(&iam).2,
        "Cannot delete entity, must detach all policies first."
    );
    ok(
        &iam,
        detach_user_policy,
        json!({"UserName": "alice", "PolicyArn": arn}),
    );
    ok(&iam, create_group, json!({"GroupName": "g"}));
    ok(
        &iam,
        add_user_to_group,
        json!({"GroupName": "g", "UserName": "alice"}),
    );
    assert_eq!(
        conflict(&iam).2,
        "Cannot delete entity, must remove user from all groups first."
    );
    ok(
        &iam,
        remove_user_from_group,
        json!({"GroupName": "g", "UserName": "alice"}),
    );
    ok(&iam, delete_user, json!({"UserName": "alice"}));
    assert_eq!(
        error_of(&iam, get_user, json!({"UserName": "alice"})).0,
        "NoSuchEntity"
    );
}
