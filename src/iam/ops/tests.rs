//! Handler tests: each operation called directly, inputs given as the wire's JSON members.

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

const NOW: OffsetDateTime = datetime!(2026-01-01 13:00:00 UTC);
const ACCOUNT: &str = "111111111111";
const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#;

type Handler<I, O> = fn(&IamService, &RequestCtx, I) -> Result<O, IamError>;

fn ctx() -> RequestCtx {
    RequestCtx::for_tests(NOW)
}

/// Calls `handler` with the input `members` (wire names) and the output as JSON.
fn call<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> Result<Value, IamError> {
    call_as(iam, &ctx(), handler, members)
}

fn call_as<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    ctx: &RequestCtx,
    handler: Handler<I, O>,
    members: Value,
) -> Result<Value, IamError> {
    let input = serde_json::from_value(members).expect("input decodes");
    handler(iam, ctx, input).map(|output| serde_json::to_value(output).unwrap())
}

fn ok<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> Value {
    call(iam, handler, members).unwrap_or_else(|error| panic!("{error:?}"))
}

fn error_of<I: DeserializeOwned, O: Serialize>(
    iam: &IamService,
    handler: Handler<I, O>,
    members: Value,
) -> (&'static str, u16, String) {
    let error = call(iam, handler, members).expect_err("an error");
    let message = error.message().unwrap_or_default().into_owned();
    (error.code(), error.status(), message)
}

fn with_user(name: &str) -> IamService {
    let iam = IamService::new();
    ok(&iam, create_user, json!({"UserName": name}));
    iam
}

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

#[test]
fn inline_policies_are_checked_upserted_and_returned_url_encoded() {
    let iam = with_user("alice");
    assert_eq!(
        error_of(
            &iam,
            put_user_policy,
            json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": "{nope"})
        ),
        (
            "MalformedPolicyDocument",
            400,
            "Syntax errors in policy.".into()
        )
    );
    assert_eq!(
        error_of(
            &iam,
            put_user_policy,
            json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": TRUST})
        ),
        (
            "MalformedPolicyDocument",
            400,
            "Policy document should not specify a principal.".into()
        )
    );
    ok(
        &iam,
        put_user_policy,
        json!({"UserName": "alice", "PolicyName": "p", "PolicyDocument": ALLOW}),
    );
    let got = ok(
        &iam,
        get_user_policy,
        json!({"UserName": "alice", "PolicyName": "p"}),
    );
    assert_eq!(
        got["PolicyDocument"],
        super::super::documents::url_encode(ALLOW)
    );
    assert_eq!(got["UserName"], "alice");
    let listed = ok(&iam, list_user_policies, json!({"UserName": "alice"}));
    assert_eq!(listed["PolicyNames"], json!(["p"]));
    assert_eq!(
        error_of(
            &iam,
            get_user_policy,
            json!({"UserName": "alice", "PolicyName": "q"})
        ),
        (
            "NoSuchEntity",
            404,
            "The user policy with name q cannot be found.".into()
        )
    );
}

#[test]
fn managed_policies_keep_five_versions_and_their_default() {
    let iam = IamService::new();
    let created = ok(
        &iam,
        create_policy,
        json!({"PolicyName": "m", "PolicyDocument": ALLOW}),
    );
    let policy = &created["Policy"];
    let arn = policy["Arn"].as_str().unwrap().to_owned();
    assert_eq!(arn, "arn:aws:iam::111111111111:policy/m");
    assert_eq!(policy["DefaultVersionId"], "v1");
    assert_eq!(policy["AttachmentCount"], 0);
    assert_eq!(policy["IsAttachable"], true);
    assert!(policy["PolicyId"].as_str().unwrap().starts_with("ANPA"));
    assert_eq!(
        error_of(
            &iam,
            create_policy,
            json!({"PolicyName": "M", "PolicyDocument": ALLOW})
        )
        .2,
        "A policy called M already exists. Duplicate names are not allowed."
    );

    for expected in ["v2", "v3", "v4", "v5"] {
        let version = ok(
            &iam,
            create_policy_version,
            json!({"PolicyArn": arn, "PolicyDocument": ALLOW, "SetAsDefault": expected == "v3"}),
        );
        assert_eq!(version["PolicyVersion"]["VersionId"], expected);
        assert!(version["PolicyVersion"].get("Document").is_none());
    }
    let (code, status, _) = error_of(
        &iam,
        create_policy_version,
        json!({"PolicyArn": arn, "PolicyDocument": ALLOW}),
    );
    assert_eq!((code, status), ("LimitExceeded", 409));
    assert_eq!(
        ok(&iam, get_policy, json!({"PolicyArn": arn}))["Policy"]["DefaultVersionId"],
        "v3"
    );
    assert_eq!(
        error_of(
            &iam,
            delete_policy_version,
            json!({"PolicyArn": arn, "VersionId": "v3"})
        )
        .2,
        "Cannot delete the default version of a policy."
    );
    ok(
        &iam,
        delete_policy_version,
        json!({"PolicyArn": arn, "VersionId": "v1"}),
    );
    let v6 = ok(
        &iam,
        create_policy_version,
        json!({"PolicyArn": arn, "PolicyDocument": ALLOW}),
    );
    assert_eq!(
        v6["PolicyVersion"]["VersionId"], "v6",
        "ids are never reused"
    );
    let listed = ok(&iam, list_policy_versions, json!({"PolicyArn": arn}));
    assert_eq!(listed["Versions"].as_array().unwrap().len(), 5);
    let got = ok(
        &iam,
        get_policy_version,
        json!({"PolicyArn": arn, "VersionId": "v3"}),
    );
    assert_eq!(got["PolicyVersion"]["IsDefaultVersion"], true);
    assert_eq!(
        got["PolicyVersion"]["Document"],
        super::super::documents::url_encode(ALLOW)
    );
    assert_eq!(
        error_of(
            &iam,
            get_policy_version,
            json!({"PolicyArn": arn, "VersionId": "v9"})
        )
        .0,
        "NoSuchEntity"
    );

    assert_eq!(
        error_of(&iam, delete_policy, json!({"PolicyArn": arn})).0,
        "DeleteConflict"
    );
    ok(
        &iam,
        set_default_policy_version,
        json!({"PolicyArn": arn, "VersionId": "v6"}),
    );
    for version in ["v2", "v3", "v4", "v5"] {
        ok(
            &iam,
            delete_policy_version,
            json!({"PolicyArn": arn, "VersionId": version}),
        );
    }
    ok(&iam, create_user, json!({"UserName": "alice"}));
    ok(
        &iam,
        attach_user_policy,
        json!({"UserName": "alice", "PolicyArn": arn}),
    );
    assert_eq!(
        ok(&iam, get_policy, json!({"PolicyArn": arn}))["Policy"]["AttachmentCount"],
        1
    );
    assert_eq!(
        error_of(&iam, delete_policy, json!({"PolicyArn": arn})).2,
        "Cannot delete a policy attached to entities."
    );
    let attached = ok(&iam, list_policies, json!({"OnlyAttached": true}));
    assert_eq!(attached["Policies"].as_array().unwrap().len(), 1);
    assert!(
        ok(&iam, list_policies, json!({"Scope": "AWS"}))["Policies"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    ok(
        &iam,
        detach_user_policy,
        json!({"UserName": "alice", "PolicyArn": arn}),
    );
    ok(&iam, delete_policy, json!({"PolicyArn": arn}));
    assert_eq!(error_of(&iam, get_policy, json!({"PolicyArn": arn})).1, 404);
}

#[test]
fn roles_carry_trust_policy_and_session_limit_and_feed_the_directory() {
    let iam = IamService::new();
    let (code, _, message) = error_of(
        &iam,
        create_role,
        json!({"RoleName": "app", "AssumeRolePolicyDocument": TRUST, "MaxSessionDuration": 60}),
    );
    assert_eq!(code, "ValidationError");
    assert!(message.contains("maxSessionDuration"), "{message}");
    assert_eq!(
        error_of(
            &iam,
            create_role,
            json!({"RoleName": "app", "AssumeRolePolicyDocument": ALLOW})
        )
        .0,
        "MalformedPolicyDocument"
    );
    let created = ok(
        &iam,
        create_role,
        json!({"RoleName": "app", "Path": "/svc/", "AssumeRolePolicyDocument": TRUST}),
    );
    let role = &created["Role"];
    assert_eq!(role["Arn"], "arn:aws:iam::111111111111:role/svc/app");
    assert_eq!(role["MaxSessionDuration"], 3600);
    assert_eq!(
        role["AssumeRolePolicyDocument"],
        super::super::documents::url_encode(TRUST)
    );
    ok(
        &iam,
        update_role,
        json!({"RoleName": "app", "MaxSessionDuration": 7200, "Description": "d"}),
    );
    let facts = iam.role("arn:aws:iam::111111111111:role/svc/app").unwrap();
    assert_eq!(facts.max_session_duration, 7200);
    assert_eq!(facts.trust_policy, TRUST);
    assert!(facts.role_id.starts_with("AROA"));
    assert!(iam.role("arn:aws:iam::111111111111:role/other").is_none());

    ok(
        &iam,
        put_role_policy,
        json!({"RoleName": "app", "PolicyName": "p", "PolicyDocument": ALLOW}),
    );
    ok(
        &iam,
        tag_role,
        json!({"RoleName": "app", "Tags": [{"Key": "team", "Value": "a"}]}),
    );
    let session = Principal::from_arn(ACCOUNT, "arn:aws:sts::111111111111:assumed-role/app/s", "k");
    let session = Principal {
        kind: PrincipalKind::AssumedRole {
            role_arn: facts.arn.clone(),
            session_name: "s".into(),
        },
        ..session
    };
    assert_eq!(iam.identity_policies(&session).len(), 1);
    assert_eq!(
        iam.principal_tags(&session),
        vec![("team".into(), "a".into())]
    );
    assert_eq!(
        error_of(&iam, delete_role, json!({"RoleName": "app"})).2,
        "Cannot delete entity, must delete policies first."
    );
    ok(
        &iam,
        delete_role_policy,
        json!({"RoleName": "app", "PolicyName": "p"}),
    );
    ok(&iam, delete_role, json!({"RoleName": "app"}));
    assert!(iam.role(&facts.arn).is_none());
}

#[test]
fn a_users_policies_include_its_groups_and_attached_default_versions() {
    let iam = with_user("alice");
    ok(
        &iam,
        put_user_policy,
        json!({"UserName": "alice", "PolicyName": "own", "PolicyDocument": ALLOW}),
    );
    ok(&iam, create_group, json!({"GroupName": "devs"}));
    ok(
        &iam,
        put_group_policy,
        json!({"GroupName": "devs", "PolicyName": "g", "PolicyDocument": ALLOW}),
    );
    let arn = ok(
        &iam,
        create_policy,
        json!({"PolicyName": "m", "PolicyDocument": ALLOW}),
    )["Policy"]["Arn"]
        .clone();
    ok(
        &iam,
        attach_group_policy,
        json!({"GroupName": "devs", "PolicyArn": arn}),
    );
    ok(
        &iam,
        add_user_to_group,
        json!({"GroupName": "devs", "UserName": "ALICE"}),
    );
    ok(
        &iam,
        add_user_to_group,
        json!({"GroupName": "devs", "UserName": "alice"}),
    );

    let group = ok(&iam, get_group, json!({"GroupName": "devs"}));
    assert_eq!(group["Users"].as_array().unwrap().len(), 1);
    let for_user = ok(&iam, list_groups_for_user, json!({"UserName": "alice"}));
    assert_eq!(for_user["Groups"][0]["GroupName"], "devs");
    let alice = Principal::from_arn(ACCOUNT, "arn:aws:iam::111111111111:user/alice", "k");
    assert_eq!(iam.identity_policies(&alice).len(), 3);
    assert_eq!(
        error_of(&iam, delete_group, json!({"GroupName": "devs"})).2,
        "Cannot delete entity, must remove users from group first."
    );
    ok(
        &iam,
        remove_user_from_group,
        json!({"GroupName": "devs", "UserName": "alice"}),
    );
    assert_eq!(iam.identity_policies(&alice).len(), 1);
    assert!(
        iam.identity_policies(&Principal::root(ACCOUNT, "k"))
            .is_empty()
    );
}

/// The raw TOTP key of a device, from CreateVirtualMFADevice's `Base32StringSeed`.
fn seed_of(created: &Value) -> Vec<u8> {
    let text = created["VirtualMFADevice"]["Base32StringSeed"]
        .as_str()
        .unwrap();
    let base32 = base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap();
    totp::base32_decode(std::str::from_utf8(&base32).unwrap()).unwrap()
}

#[test]
fn virtual_mfa_devices_are_enabled_with_two_consecutive_codes_and_checked_once_per_step() {
    let iam = with_user("alice");
    let created = ok(
        &iam,
        create_virtual_mfa_device,
        json!({"VirtualMFADeviceName": "phone"}),
    );
    let serial = created["VirtualMFADevice"]["SerialNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(serial, "arn:aws:iam::111111111111:mfa/phone");
    let seed = seed_of(&created);
    assert_eq!(seed.len(), 20);
    let png = created["VirtualMFADevice"]["QRCodePNG"].as_str().unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(png)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let step = totp::time_step(NOW.unix_timestamp());
    let code = |step| totp::device_code(&seed, step);

    let wrong = json!({"UserName": "alice", "SerialNumber": serial,
        "AuthenticationCode1": code(step), "AuthenticationCode2": code(step - 1)});
    assert_eq!(
        error_of(&iam, enable_mfa_device, wrong),
        (
            "InvalidAuthenticationCode",
            403,
            "Authentication code for device is not valid.".into()
        )
    );
    let unassigned = ok(
        &iam,
        list_virtual_mfa_devices,
        json!({"AssignmentStatus": "Unassigned"}),
    );
    assert_eq!(unassigned["VirtualMFADevices"][0]["SerialNumber"], serial);
    assert!(
        unassigned["VirtualMFADevices"][0]
            .get("Base32StringSeed")
            .is_none()
    );

    ok(
        &iam,
        enable_mfa_device,
        json!({"UserName": "alice", "SerialNumber": serial,
            "AuthenticationCode1": code(step - 1), "AuthenticationCode2": code(step)}),
    );
    let listed = ok(&iam, list_mfa_devices, json!({"UserName": "alice"}));
    assert_eq!(listed["MFADevices"][0]["SerialNumber"], serial);
    assert_eq!(
        listed["MFADevices"][0]["EnableDate"],
        "2026-01-01T13:00:00Z"
    );
    assert_eq!(
        error_of(&iam, delete_user, json!({"UserName": "alice"})).2,
        "Cannot delete entity, must delete MFA device first."
    );

    let alice = Principal::from_arn(ACCOUNT, "arn:aws:iam::111111111111:user/alice", "k");
    let later = NOW + time::Duration::seconds(30);
    let next = code(step + 1);
    // The enabling codes' steps are used up; the next step's code is good once.
    assert_eq!(
        iam.verify_mfa(&alice, &serial, &code(step), later),
        MfaVerdict::WrongCode
    );
    assert_eq!(
        iam.verify_mfa(&alice, &serial, &next, later),
        MfaVerdict::Valid
    );
    assert_eq!(
        iam.verify_mfa(&alice, &serial, &next, later),
        MfaVerdict::WrongCode
    );
    let bob = Principal::from_arn(ACCOUNT, "arn:aws:iam::111111111111:user/bob", "k");
    assert_eq!(
        iam.verify_mfa(&bob, &serial, &code(step + 2), later),
        MfaVerdict::UnknownDevice
    );

    assert_eq!(
        error_of(
            &iam,
            delete_virtual_mfa_device,
            json!({"SerialNumber": serial})
        )
        .0,
        "DeleteConflict"
    );
    ok(
        &iam,
        deactivate_mfa_device,
        json!({"UserName": "alice", "SerialNumber": serial}),
    );
    ok(
        &iam,
        delete_virtual_mfa_device,
        json!({"SerialNumber": serial}),
    );
    ok(&iam, delete_user, json!({"UserName": "alice"}));
}

#[test]
fn tags_upsert_and_are_limited_to_fifty() {
    let iam = with_user("alice");
    ok(
        &iam,
        tag_user,
        json!({"UserName": "alice", "Tags": [{"Key": "a", "Value": "1"}]}),
    );
    ok(
        &iam,
        tag_user,
        json!({"UserName": "alice", "Tags": [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}]}),
    );
    let listed = ok(&iam, list_user_tags, json!({"UserName": "alice"}));
    assert_eq!(
        listed["Tags"],
        json!([{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}])
    );
    ok(
        &iam,
        untag_user,
        json!({"UserName": "alice", "TagKeys": ["a", "zz"]}),
    );
    let many: Vec<Value> = (0..50)
        .map(|i| json!({"Key": format!("k{i}"), "Value": "v"}))
        .collect();
    assert_eq!(
        error_of(&iam, tag_user, json!({"UserName": "alice", "Tags": many})).0,
        "LimitExceeded"
    );
    assert_eq!(
        ok(&iam, list_user_tags, json!({"UserName": "alice"}))["Tags"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
