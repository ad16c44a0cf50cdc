//! Roles, groups, virtual MFA devices and tags.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

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
        crate::iam::documents::url_encode(TRUST)
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
