//! Tests of the authorizer with a directory that knows one IAM user and her policies: the
//! identity-policy path (which `NoIdentities` never exercises), principal tags and policy
//! variables, session policies, grants, the request keys read from bodies, and the texts.

use std::sync::Arc;

use time::OffsetDateTime;

use super::Authorizer;
use super::request_keys::request_keys;
use crate::api::access::{Access, AccessRequest, ResourcePolicy};
use crate::api::{Principal, RequestCtx, SessionFacts};
use crate::config::IamMode;
use crate::iam_policy::{NamedPolicy, parse};
use crate::identity::{AccessKeyLookup, IdentityDirectory, MfaVerdict, RoleFacts};

const ALICE: &str = "arn:aws:iam::111111111111:user/alice";
const TEAM_SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:ops/db-AbCdEf";
const OTHER_SECRET: &str = "arn:aws:secretsmanager:us-east-1:111111111111:secret:dev/db-AbCdEf";

/// Alice may read the secrets under her team's prefix (a policy variable over her tag), and
/// is denied everything outside business hours of 2024.
#[derive(Debug)]
struct Directory;

impl IdentityDirectory for Directory {
    fn access_key(&self, _: &str) -> Option<AccessKeyLookup> {
        None
    }

    fn identity_policies(&self, principal: &Principal) -> Vec<NamedPolicy> {
        if principal.arn != ALICE {
            return Vec::new();
        }
        let text = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"TeamSecrets","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team}/*"},
            {"Sid":"Not2025","Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}}]}"#;
        vec![NamedPolicy {
            name: "team-reader".into(),
            document: parse(text).expect("policy parses"),
        }]
    }

    fn principal_tags(&self, principal: &Principal) -> Vec<(String, String)> {
        if principal.arn == ALICE {
            vec![("team".into(), "ops".into())]
        } else {
            Vec::new()
        }
    }

    fn role(&self, _: &str) -> Option<RoleFacts> {
        None
    }

    fn verify_mfa(&self, _: &Principal, _: &str, _: &str, _: OffsetDateTime) -> MfaVerdict {
        MfaVerdict::UnknownDevice
    }
}

fn ctx_of(principal: Principal, at: i64, mode: IamMode) -> RequestCtx {
    let mut ctx = RequestCtx::for_tests(OffsetDateTime::from_unix_timestamp(at).expect("time"));
    ctx.principal = principal;
    ctx.access = Access {
        operation: "GetSecretValue",
        gate: Arc::new(Authorizer::new(mode, Arc::new(Directory))),
        request_keys: Vec::new(),
        via_service: None,
    };
    ctx
}

fn alice() -> Principal {
    Principal::from_arn("111111111111", ALICE, "AKIDALICE")
}

fn read(resource: &str) -> AccessRequest<'_> {
    AccessRequest {
        action: "secretsmanager:GetSecretValue".into(),
        resource,
        resource_account: "111111111111",
        shown_resource: "the-id",
        policy: ResourcePolicy::Secret(None),
        resource_keys: Vec::new(),
        granted_by: None,
    }
}

/// 2024-06-01 and 2025-06-01, noon UTC.
const IN_2024: i64 = 1_717_243_200;
const IN_2025: i64 = 1_748_779_200;

#[test]
fn identity_policies_with_variables_and_dates_decide_for_an_iam_user() {
    let ctx = ctx_of(alice(), IN_2024, IamMode::Enforce);
    assert_eq!(ctx.authorize(&read(TEAM_SECRET)), Ok(()));
    assert_eq!(
        ctx.authorize(&read(OTHER_SECRET)),
        Err(format!(
            "User: {ALICE} is not authorized to perform: secretsmanager:GetSecretValue on resource: the-id because no identity-based policy allows the secretsmanager:GetSecretValue action"
        ))
    );
    let later = ctx_of(alice(), IN_2025, IamMode::Enforce);
    assert_eq!(
        later.authorize(&read(TEAM_SECRET)),
        Err(format!(
            "User: {ALICE} is not authorized to perform: secretsmanager:GetSecretValue on resource: the-id with an explicit deny in an identity-based policy"
        ))
    );
    // Off: everything passes.
    let off = ctx_of(alice(), IN_2025, IamMode::Off);
    assert_eq!(off.authorize(&read(OTHER_SECRET)), Ok(()));
}

#[test]
fn a_grant_allows_what_no_policy_does_but_not_over_an_explicit_deny() {
    let granted = |resource| AccessRequest {
        granted_by: Some("grant-1".into()),
        ..read(resource)
    };
    assert_eq!(
        ctx_of(alice(), IN_2024, IamMode::Enforce).authorize(&granted(OTHER_SECRET)),
        Ok(())
    );
    assert!(
        ctx_of(alice(), IN_2025, IamMode::Enforce)
            .authorize(&granted(OTHER_SECRET))
            .is_err()
    );
}

#[test]
fn a_role_session_is_narrowed_by_its_session_policy_and_tagged_by_its_session_tags() {
    let session = |policy: Option<&str>| {
        let mut principal = Principal::from_arn(
            "111111111111",
            "arn:aws:sts::111111111111:assumed-role/app/s1",
            "ASIAEXAMPLE",
        );
        principal.session = Some(Box::new(SessionFacts {
            expires_at: OffsetDateTime::from_unix_timestamp(IN_2025).expect("time"),
            mfa_authenticated_at: None,
            session_policy: policy.map(str::to_owned),
            session_policy_arns: Vec::new(),
            tags: vec![("team".into(), "ops".into())],
        }));
        principal
    };
    // The resource policy names the role; the session tag fills the condition.
    let resource_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"ops","aws:PrincipalType":"AssumedRole"}}}]}"#;
    let request = AccessRequest {
        policy: ResourcePolicy::Secret(Some(resource_policy)),
        ..read(OTHER_SECRET)
    };
    assert_eq!(
        ctx_of(session(None), IN_2024, IamMode::Enforce).authorize(&request),
        Ok(())
    );
    let deny_all = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
    let refused = ctx_of(session(Some(deny_all)), IN_2024, IamMode::Enforce).authorize(&request);
    assert!(
        refused.as_ref().is_err_and(|text| text
            .starts_with("User: arn:aws:sts::111111111111:assumed-role/app/s1 ")
            && text.ends_with("with an explicit deny in a session policy")),
        "{refused:?}"
    );
}

#[test]
fn request_keys_come_from_the_parameters_the_caller_passed() {
    let kms = request_keys(
        "kms",
        "Encrypt",
        br#"{"KeyId":"alias/app","Plaintext":"eA==","EncryptionContext":{"Purpose":"test","App":"a"}}"#,
    );
    for expected in [
        ("kms:EncryptionContext:Purpose", "test"),
        ("kms:EncryptionContext:App", "a"),
        ("kms:EncryptionContextKeys", "Purpose"),
        ("kms:EncryptionContextKeys", "App"),
        ("kms:RequestAlias", "alias/app"),
    ] {
        assert!(
            kms.iter()
                .any(|(k, v)| (k.as_str(), v.as_str()) == expected),
            "{expected:?} in {kms:?}"
        );
    }
    assert!(!kms.iter().any(|(_, v)| v == "eA=="), "no plaintext");
    let created = request_keys(
        "secretsmanager",
        "CreateSecret",
        br#"{"Name":"n","SecretString":"hush","Tags":[{"Key":"env","Value":"prod"}]}"#,
    );
    assert_eq!(
        created,
        vec![
            ("secretsmanager:Name".to_owned(), "n".to_owned()),
            ("aws:TagKeys".to_owned(), "env".to_owned()),
            ("aws:RequestTag/env".to_owned(), "prod".to_owned()),
        ]
    );
    let stage = request_keys(
        "secretsmanager",
        "GetSecretValue",
        br#"{"SecretId":"x","VersionStage":"AWSPREVIOUS"}"#,
    );
    assert_eq!(
        stage,
        vec![(
            "secretsmanager:VersionStage".to_owned(),
            "AWSPREVIOUS".to_owned()
        )]
    );
    assert!(request_keys("kms", "Encrypt", b"not json").is_empty());
}

#[test]
fn global_keys_describe_the_caller_its_credentials_and_the_clock() {
    use super::global_keys::global_keys;
    let value_of = |keys: &[(String, String)], name: &str| {
        keys.iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect::<Vec<_>>()
    };
    let user = ctx_of(alice(), IN_2024, IamMode::Enforce);
    let keys = global_keys(&user, &[("team".into(), "ops".into())]);
    assert_eq!(value_of(&keys, "aws:PrincipalType"), ["User"]);
    assert_eq!(value_of(&keys, "aws:username"), ["alice"]);
    assert_eq!(value_of(&keys, "aws:PrincipalTag/team"), ["ops"]);
    assert_eq!(value_of(&keys, "aws:CurrentTime"), ["2024-06-01T12:00:00Z"]);
    assert_eq!(value_of(&keys, "aws:EpochTime"), ["1717243200"]);
    assert_eq!(value_of(&keys, "aws:SecureTransport"), ["false"]);
    assert!(value_of(&keys, "aws:MultiFactorAuthPresent").is_empty());

    let mut role = Principal::from_arn(
        "111111111111",
        "arn:aws:sts::111111111111:assumed-role/app/s1",
        "ASIAEXAMPLE",
    );
    role.session = Some(Box::new(SessionFacts {
        expires_at: OffsetDateTime::from_unix_timestamp(IN_2025).expect("time"),
        mfa_authenticated_at: Some(
            OffsetDateTime::from_unix_timestamp(IN_2024 - 90).expect("time"),
        ),
        session_policy: None,
        session_policy_arns: Vec::new(),
        tags: vec![("team".into(), "dev".into())],
    }));
    let session = ctx_of(role, IN_2024, IamMode::Enforce);
    let keys = global_keys(&session, &[("team".into(), "ops".into())]);
    assert_eq!(
        value_of(&keys, "aws:PrincipalArn"),
        ["arn:aws:iam::111111111111:role/app"]
    );
    assert_eq!(value_of(&keys, "aws:PrincipalType"), ["AssumedRole"]);
    assert!(value_of(&keys, "aws:username").is_empty());
    assert_eq!(value_of(&keys, "aws:MultiFactorAuthPresent"), ["true"]);
    assert_eq!(value_of(&keys, "aws:MultiFactorAuthAge"), ["90"]);
    // A session tag overrides the role's tag of the same key.
    assert_eq!(value_of(&keys, "aws:PrincipalTag/team"), ["dev"]);

    let root = ctx_of(
        Principal::root("111111111111", "test"),
        IN_2024,
        IamMode::Enforce,
    );
    let keys = global_keys(&root, &[]);
    assert_eq!(value_of(&keys, "aws:PrincipalType"), ["Account"]);
    assert_eq!(value_of(&keys, "aws:userid"), ["111111111111"]);
}
