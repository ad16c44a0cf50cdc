//! Table-driven checks of the evaluator against the cases AWS documents for its policy
//! evaluation logic (same-account, cross-account, explicit deny, KMS key policy delegation).

use super::pattern::{action_matches, glob_matches, resource_matches};
use super::*;

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const ROOT: &str = "arn:aws:iam::111122223333:root";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/deployer/build-42";
const MALLORY: &str = "arn:aws:iam::444455556666:user/mallory";
const OTHER_ROOT: &str = "arn:aws:iam::444455556666:root";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[test]
fn glob_follows_star_and_question_mark() {
    let cases = [
        ("*", "", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbb", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("*b*", "abc", true),
        ("abc", "ABC", false),
        ("a**", "a", true),
    ];
    for (pattern, text, expected) in cases {
        assert_eq!(glob_matches(pattern, text), expected, "{pattern} vs {text}");
    }
}

#[test]
fn actions_match_without_regard_to_case_and_resources_with_it() {
    assert!(action_matches("KMS:reencrypt*", "kms:ReEncryptFrom"));
    assert!(action_matches(
        "secretsmanager:*",
        "secretsmanager:GetSecretValue"
    ));
    assert!(!action_matches("kms:Describe*", "kms:Decrypt"));
    let cases = [
        ("*", SECRET, true),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-??????",
            SECRET,
            true,
        ),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-?????",
            SECRET,
            false,
        ),
        (
            "arn:aws:secretsmanager:*:111122223333:secret:*",
            SECRET,
            true,
        ),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:*",
            SECRET,
            true,
        ),
        (
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:PROD/*",
            SECRET,
            false,
        ),
        // `*` stays inside its own segment before the resource segment.
        (
            "arn:aws:secretsmanager:*:secret:prod/db-AbCdEf",
            SECRET,
            false,
        ),
        // The service segment is compared literally.
        (
            "arn:aws:*:us-east-1:111122223333:secret:prod/db-AbCdEf",
            SECRET,
            false,
        ),
        ("arn:aws:kms:us-east-1:111122223333:key/*", KEY, true),
        ("arn:aws:kms:us-east-1:444455556666:key/*", KEY, false),
    ];
    for (pattern, resource, expected) in cases {
        assert_eq!(resource_matches(pattern, resource), expected, "{pattern}");
    }
}

#[test]
fn parser_reads_single_values_and_refuses_what_it_cannot_judge() {
    let parsed = parse(
        r#"{"Statement":{"Sid":"One","Effect":"Deny","NotAction":"kms:*","NotResource":["a","b"],"NotPrincipal":{"AWS":"111122223333"}}}"#,
    );
    let document = parsed.expect("valid document");
    let statement = &document.statements[0];
    assert_eq!(statement.sid.as_deref(), Some("One"));
    assert_eq!(statement.effect, Effect::Deny);
    assert!(
        statement.negated_actions && statement.negated_resources && statement.negated_principal
    );
    assert_eq!(statement.resources, vec!["a", "b"]);

    let refused = [
        ("nope", ParseError::NotJson),
        ("[]", ParseError::NotAnObject),
        ("{}", ParseError::MissingStatement),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateAfterish":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}}]}"#,
            ParseError::ConditionNotSupported { index: 0 },
        ),
    ];
    for (text, expected) in refused {
        assert_eq!(parse(text), Err(expected), "{text}");
    }
    let malformed = [
        r#"{"Statement":[{"Effect":"Permit","Action":"*","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*","NotPrincipal":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"someone"}]}"#,
    ];
    for text in malformed {
        assert!(
            matches!(parse(text), Err(ParseError::BadStatement { index: 0, .. })),
            "{text}"
        );
    }
}

fn document(text: &str) -> PolicyDocument {
    parse(text).expect("test policy parses")
}

fn identity(name: &str, text: &str) -> NamedPolicy {
    NamedPolicy {
        name: name.to_owned(),
        document: document(text),
    }
}

fn statement(source: PolicySource, index: usize, sid: Option<&str>) -> StatementRef {
    StatementRef {
        source,
        index,
        sid: sid.map(str::to_owned),
    }
}

fn in_identity(name: &str, index: usize, sid: Option<&str>) -> StatementRef {
    statement(PolicySource::Identity(name.to_owned()), index, sid)
}

fn in_resource(index: usize, sid: Option<&str>) -> StatementRef {
    statement(PolicySource::Resource, index, sid)
}

const READ_SECRETS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:prod/*"}]}"#;
const DENY_PROD: &str = r#"{"Statement":[{"Sid":"NoProd","Effect":"Deny","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/*"}]}"#;
const EVERYTHING_BUT_DELETE: &str = r#"{"Statement":[{"Effect":"Allow","NotAction":"secretsmanager:Delete*","NotResource":"arn:aws:secretsmanager:*:*:secret:staging/*"}]}"#;
const RESOURCE_ALLOWS_ALICE: &str = r#"{"Statement":[{"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const RESOURCE_ALLOWS_ACCOUNT: &str = r#"{"Statement":[{"Sid":"Acct","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"secretsmanager:*","Resource":"*"}]}"#;
const RESOURCE_ALLOWS_OTHER_ACCOUNT: &str = r#"{"Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const RESOURCE_ALLOWS_MALLORY: &str = r#"{"Statement":[{"Sid":"Mallory","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:user/mallory"]},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const RESOURCE_ALLOWS_ROLE: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/deployer"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const RESOURCE_DENIES_ALL_BUT_ALICE: &str = r#"{"Statement":[{"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","111122223333"]},"Action":"secretsmanager:*","Resource":"*"}]}"#;
const RESOURCE_DENIES_EVERYONE: &str = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"Lock","Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const RESOURCE_DENIES_ACCOUNT: &str = r#"{"Statement":[{"Sid":"NoAcct","Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const KEY_POLICY_DEFAULT: &str = r#"{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#;
const KEY_POLICY_ALICE_ONLY: &str = r#"{"Statement":[{"Sid":"AliceUses","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*"}]}"#;
const KEY_POLICY_PARTNER: &str = r#"{"Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Decrypt","Resource":"*"}]}"#;
const IAM_KMS_ALL: &str =
    r#"{"Statement":[{"Sid":"Kms","Effect":"Allow","Action":"kms:*","Resource":"*"}]}"#;
const IAM_KMS_DENY_DECRYPT: &str = r#"{"Statement":[{"Sid":"NoDecrypt","Effect":"Deny","Action":"kms:Decrypt","Resource":"arn:aws:kms:*:*:key/*"}]}"#;

struct Case {
    name: &'static str,
    identity: &'static [(&'static str, &'static str)],
    resource: Option<&'static str>,
    kind: ResourcePolicyKind,
    principal: &'static str,
    action: &'static str,
    resource_arn: &'static str,
    expected: Decision,
}

fn account_of(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or_default()
}

#[test]
fn decisions_follow_the_documented_evaluation_logic() {
    use Decision::{Allow, ExplicitDeny, ImplicitDeny};
    use MissingAllow::{IdentityBased, ResourceBased};
    use ResourcePolicyKind::{KmsKeyPolicy, Standard};
    const GET: &str = "secretsmanager:GetSecretValue";
    let cases = [
        Case {
            name: "no policies: implicit deny",
            identity: &[],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "identity allow, action in any case",
            identity: &[("read", READ_SECRETS)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: "SecretsManager:getsecretvalue",
            resource_arn: SECRET,
            expected: Allow(vec![in_identity("read", 0, Some("Read"))]),
        },
        Case {
            name: "identity allow does not cover another action",
            identity: &[("read", READ_SECRETS)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: "secretsmanager:PutSecretValue",
            resource_arn: SECRET,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "explicit deny in identity beats identity allow",
            identity: &[("read", READ_SECRETS), ("guard", DENY_PROD)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: ExplicitDeny(in_identity("guard", 0, Some("NoProd"))),
        },
        Case {
            name: "explicit deny in identity beats resource allow",
            identity: &[("guard", DENY_PROD)],
            resource: Some(RESOURCE_ALLOWS_ALICE),
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: ExplicitDeny(in_identity("guard", 0, Some("NoProd"))),
        },
        Case {
            name: "NotAction/NotResource allow covers the rest",
            identity: &[("broad", EVERYTHING_BUT_DELETE)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![in_identity("broad", 0, None)]),
        },
        Case {
            name: "NotAction excludes the listed action",
            identity: &[("broad", EVERYTHING_BUT_DELETE)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: "secretsmanager:DeleteSecret",
            resource_arn: SECRET,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "NotResource excludes the listed resource",
            identity: &[("broad", EVERYTHING_BUT_DELETE)],
            resource: None,
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: "arn:aws:secretsmanager:us-east-1:111122223333:secret:staging/x-AbCdEf",
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "same account: resource policy naming the user is enough",
            identity: &[],
            resource: Some(RESOURCE_ALLOWS_ALICE),
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![in_resource(0, Some("Alice"))]),
        },
        Case {
            name: "same account: resource policy naming the account only delegates",
            identity: &[],
            resource: Some(RESOURCE_ALLOWS_ACCOUNT),
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "same account: role principal covers its sessions",
            identity: &[],
            resource: Some(RESOURCE_ALLOWS_ROLE),
            kind: Standard,
            principal: SESSION,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![in_resource(0, None)]),
        },
        Case {
            name: "same account: root needs no policy",
            identity: &[],
            resource: None,
            kind: Standard,
            principal: ROOT,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![]),
        },
        Case {
            name: "resource deny applies to root",
            identity: &[],
            resource: Some(RESOURCE_DENIES_EVERYONE),
            kind: Standard,
            principal: ROOT,
            action: GET,
            resource_arn: SECRET,
            expected: ExplicitDeny(in_resource(1, Some("Lock"))),
        },
        Case {
            name: "resource deny naming the account reaches its users",
            identity: &[("read", READ_SECRETS)],
            resource: Some(RESOURCE_DENIES_ACCOUNT),
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: ExplicitDeny(in_resource(0, Some("NoAcct"))),
        },
        Case {
            name: "NotPrincipal deny spares the listed user",
            identity: &[("read", READ_SECRETS)],
            resource: Some(RESOURCE_DENIES_ALL_BUT_ALICE),
            kind: Standard,
            principal: ALICE,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![in_identity("read", 0, Some("Read"))]),
        },
        Case {
            name: "NotPrincipal deny hits everyone else, account listing spares no user",
            identity: &[("read", READ_SECRETS)],
            resource: Some(RESOURCE_DENIES_ALL_BUT_ALICE),
            kind: Standard,
            principal: SESSION,
            action: GET,
            resource_arn: SECRET,
            expected: ExplicitDeny(in_resource(0, Some("OnlyAlice"))),
        },
        Case {
            name: "cross account: identity allow alone is not enough",
            identity: &[("read", READ_SECRETS)],
            resource: None,
            kind: Standard,
            principal: MALLORY,
            action: GET,
            resource_arn: SECRET,
            expected: ImplicitDeny(ResourceBased),
        },
        Case {
            name: "cross account: resource allow alone is not enough",
            identity: &[],
            resource: Some(RESOURCE_ALLOWS_MALLORY),
            kind: Standard,
            principal: MALLORY,
            action: GET,
            resource_arn: SECRET,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "cross account: both sides allow",
            identity: &[("read", READ_SECRETS)],
            resource: Some(RESOURCE_ALLOWS_OTHER_ACCOUNT),
            kind: Standard,
            principal: MALLORY,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![
                in_resource(0, Some("Partner")),
                in_identity("read", 0, Some("Read")),
            ]),
        },
        Case {
            name: "cross account: root of the trusted account",
            identity: &[],
            resource: Some(RESOURCE_ALLOWS_OTHER_ACCOUNT),
            kind: Standard,
            principal: OTHER_ROOT,
            action: GET,
            resource_arn: SECRET,
            expected: Allow(vec![in_resource(0, Some("Partner"))]),
        },
        Case {
            name: "cross account: trusting a different account",
            identity: &[("read", READ_SECRETS)],
            resource: Some(RESOURCE_ALLOWS_ALICE),
            kind: Standard,
            principal: MALLORY,
            action: GET,
            resource_arn: SECRET,
            expected: ImplicitDeny(ResourceBased),
        },
        Case {
            name: "KMS: IAM allow without a key policy grants nothing",
            identity: &[("kms", IAM_KMS_ALL)],
            resource: None,
            kind: KmsKeyPolicy,
            principal: ALICE,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: ImplicitDeny(ResourceBased),
        },
        Case {
            name: "KMS: IAM allow counts once the key policy delegates",
            identity: &[("kms", IAM_KMS_ALL)],
            resource: Some(KEY_POLICY_DEFAULT),
            kind: KmsKeyPolicy,
            principal: ALICE,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: Allow(vec![
                in_resource(0, Some("Enable IAM User Permissions")),
                in_identity("kms", 0, Some("Kms")),
            ]),
        },
        Case {
            name: "KMS: delegation without IAM allow",
            identity: &[],
            resource: Some(KEY_POLICY_DEFAULT),
            kind: KmsKeyPolicy,
            principal: ALICE,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "KMS: root through the default key policy",
            identity: &[],
            resource: Some(KEY_POLICY_DEFAULT),
            kind: KmsKeyPolicy,
            principal: ROOT,
            action: "kms:PutKeyPolicy",
            resource_arn: KEY,
            expected: Allow(vec![in_resource(0, Some("Enable IAM User Permissions"))]),
        },
        Case {
            name: "KMS: root locked out by a key policy without the account",
            identity: &[],
            resource: Some(KEY_POLICY_ALICE_ONLY),
            kind: KmsKeyPolicy,
            principal: ROOT,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: ImplicitDeny(ResourceBased),
        },
        Case {
            name: "KMS: key policy naming the user is enough",
            identity: &[],
            resource: Some(KEY_POLICY_ALICE_ONLY),
            kind: KmsKeyPolicy,
            principal: ALICE,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: Allow(vec![in_resource(0, Some("AliceUses"))]),
        },
        Case {
            name: "KMS: IAM deny still applies",
            identity: &[("guard", IAM_KMS_DENY_DECRYPT)],
            resource: Some(KEY_POLICY_ALICE_ONLY),
            kind: KmsKeyPolicy,
            principal: ALICE,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: ExplicitDeny(in_identity("guard", 0, Some("NoDecrypt"))),
        },
        Case {
            name: "KMS: cross account needs the partner's IAM allow",
            identity: &[],
            resource: Some(KEY_POLICY_PARTNER),
            kind: KmsKeyPolicy,
            principal: MALLORY,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: ImplicitDeny(IdentityBased),
        },
        Case {
            name: "KMS: cross account with both",
            identity: &[("kms", IAM_KMS_ALL)],
            resource: Some(KEY_POLICY_PARTNER),
            kind: KmsKeyPolicy,
            principal: MALLORY,
            action: "kms:Decrypt",
            resource_arn: KEY,
            expected: Allow(vec![
                in_resource(0, Some("Partner")),
                in_identity("kms", 0, Some("Kms")),
            ]),
        },
    ];
    for case in cases {
        let identity_policies: Vec<NamedPolicy> = case
            .identity
            .iter()
            .map(|(name, text)| identity(name, text))
            .collect();
        let resource_policy = case.resource.map(document);
        let request = RequestContext {
            principal_arn: case.principal,
            principal_account: account_of(case.principal),
            action: case.action,
            resource: case.resource_arn,
            resource_account: account_of(case.resource_arn),
            condition_keys: &[],
            session_policies: None,
        };
        let decision = evaluate(
            &identity_policies,
            resource_policy.as_ref(),
            case.kind,
            &request,
        );
        assert_eq!(decision, case.expected, "{}", case.name);
    }
}

/// Operator, key, policy values (JSON), request context keys, whether the request is allowed.
type ConditionCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    bool,
);

#[test]
fn conditions_follow_the_operator_and_missing_key_rules() {
    let policy = |operator: &str, key: &str, values: &str| {
        document(&format!(
            r#"{{"Statement":[{{"Sid":"C","Effect":"Allow","Action":"*","Resource":"*","Condition":{{"{operator}":{{"{key}":{values}}}}}}}]}}"#
        ))
    };
    let cases: [ConditionCase; 14] = [
        (
            "StringEquals",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[("aws:principaltag/team", "ops")],
            true,
        ),
        (
            "StringEquals",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[("aws:PrincipalTag/team", "OPS")],
            false,
        ),
        (
            "StringEquals",
            "aws:PrincipalTag/team",
            r#"["dev","ops"]"#,
            &[("aws:PrincipalTag/team", "ops")],
            true,
        ),
        (
            "StringEquals",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[],
            false,
        ),
        (
            "StringEqualsIfExists",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[],
            true,
        ),
        (
            "StringEqualsIfExists",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[("aws:PrincipalTag/team", "dev")],
            false,
        ),
        (
            "StringNotEquals",
            "aws:PrincipalTag/team",
            r#"["dev","qa"]"#,
            &[("aws:PrincipalTag/team", "ops")],
            true,
        ),
        (
            "StringNotEquals",
            "aws:PrincipalTag/team",
            r#"["dev","qa"]"#,
            &[("aws:PrincipalTag/team", "qa")],
            false,
        ),
        (
            "StringNotEquals",
            "aws:PrincipalTag/team",
            r#""dev""#,
            &[],
            true,
        ),
        (
            "StringEqualsIgnoreCase",
            "aws:PrincipalTag/team",
            r#""ops""#,
            &[("aws:PrincipalTag/team", "OPS")],
            true,
        ),
        (
            "StringLike",
            "secretsmanager:SecretId",
            r#""arn:*:secret:prod/*""#,
            &[("secretsmanager:SecretId", SECRET)],
            true,
        ),
        (
            "StringNotLike",
            "secretsmanager:SecretId",
            r#""arn:*:secret:prod/*""#,
            &[("secretsmanager:SecretId", SECRET)],
            false,
        ),
        (
            "Bool",
            "aws:SecureTransport",
            "true",
            &[("aws:SecureTransport", "true")],
            true,
        ),
        (
            "Bool",
            "aws:SecureTransport",
            r#""true""#,
            &[("aws:SecureTransport", "false")],
            false,
        ),
    ];
    for (operator, key, values, context, allowed) in cases {
        let resource_policy = None;
        let identity_policies = [NamedPolicy {
            name: "conditional".to_owned(),
            document: policy(operator, key, values),
        }];
        let request = RequestContext {
            principal_arn: ALICE,
            principal_account: "111122223333",
            action: "secretsmanager:GetSecretValue",
            resource: SECRET,
            resource_account: "111122223333",
            condition_keys: context,
            session_policies: None,
        };
        let decision = evaluate(
            &identity_policies,
            resource_policy,
            ResourcePolicyKind::Standard,
            &request,
        );
        let expected = if allowed {
            Decision::Allow(vec![in_identity("conditional", 0, Some("C"))])
        } else {
            Decision::ImplicitDeny(MissingAllow::IdentityBased)
        };
        assert_eq!(decision, expected, "{operator} {key} {values} {context:?}");
    }
}
