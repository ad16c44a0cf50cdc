//! Inline and managed policies, versions and attachments.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

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
        crate::iam::documents::url_encode(ALLOW)
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
        crate::iam::documents::url_encode(ALLOW)
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
