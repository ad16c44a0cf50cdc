//! Unit tests of policy parsing, the public-access test and the action table.

use super::*;

fn policy(statement: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
}

const ALLOW_ROOT: &str = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}"#;

#[test]
fn well_formed_documents_parse() {
    let parsed = parse(&policy(ALLOW_ROOT)).unwrap();
    assert!(!parsed.is_public());
    assert!(parsed.findings().is_empty());
    let single =
        r#"{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"secretsmanager:Get*"}}"#;
    assert!(parse(single).is_ok());
}

#[test]
fn structural_problems_are_syntax_findings() {
    for bad in [
        "not json",
        "[]",
        r#"{"Version":"2019-10-19","Statement":[]}"#,
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2012-10-17","Statement":[]}"#,
        r#"{"Version":"2012-10-17","Statement":"x"}"#,
        r#"{"Version":"2012-10-17","Statement":[],"Extra":1}"#,
        &policy(r#"{"Effect":"Maybe","Principal":"*","Action":"secretsmanager:*"}"#),
        &policy(r#"{"Principal":"*","Action":"secretsmanager:*"}"#),
        &policy(r#"{"Effect":"Allow","Action":"secretsmanager:*"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"someone","Action":"secretsmanager:*"}"#),
        &policy(r#"{"Effect":"Allow","Principal":{"Alien":"x"},"Action":"secretsmanager:*"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"*"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"*","Action":"GetSecretValue"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"*","Action":"x:y","NotAction":"x:z"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"*","Action":"x:y","Condition":"no"}"#),
        &policy(r#"{"Effect":"Allow","Principal":"*","Action":"x:y","Bogus":1}"#),
    ] {
        let finding = parse(bad).unwrap_err();
        assert_eq!(finding.check, SYNTAX_CHECK, "{bad}");
    }
}

#[test]
fn public_means_everyone_without_a_restricting_condition() {
    for public in [
        r#"{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:*"}"#,
        r#"{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root","*"]},"Action":"*"}"#,
        r#"{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"*"}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"*"}}}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"1"}}}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}"#,
    ] {
        assert!(parse(&policy(public)).unwrap().is_public(), "{public}");
    }
    for private in [
        ALLOW_ROOT,
        r#"{"Effect":"Deny","Principal":"*","Action":"*"}"#,
        r#"{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"*"}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"123456789012"}}}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-abc"]}}}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:us-east-1:1:function:f"}}}"#,
        r#"{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"AWS:SourceAccount":"1"}}}"#,
    ] {
        assert!(!parse(&policy(private)).unwrap().is_public(), "{private}");
    }
}

#[test]
fn unknown_secrets_manager_actions_are_found() {
    let doc = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":["secretsmanager:GetSecretValue","secretsmanager:get*","SecretsManager:Describe?ecret","secretsmanager:FetchSecret","s3:Whatever"]}"#,
    );
    let findings = parse(&doc).unwrap().findings();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].check, ACTION_CHECK);
    assert!(findings[0].message.contains("secretsmanager:FetchSecret"));
}

#[test]
fn globbing_is_iam_style() {
    assert!(glob_matches(b"get*", b"getsecretvalue"));
    assert!(glob_matches(b"*value", b"getsecretvalue"));
    assert!(glob_matches(b"g?t*v*e", b"getsecretvalue"));
    assert!(!glob_matches(b"get", b"getsecretvalue"));
    assert!(!glob_matches(b"*x*", b"getsecretvalue"));
    let hostile = "*a".repeat(2_000);
    assert!(!glob_matches(
        hostile.as_bytes(),
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"
    ));
}

#[test]
fn the_action_table_has_every_operation_of_the_service() {
    for op in crate::secretsmanager::Operation::ALL {
        assert!(
            SECRETS_MANAGER_ACTIONS.contains(&op.name()),
            "{}",
            op.name()
        );
    }
}
