//! Table tests of every condition operator family, the set qualifiers over multi-valued keys,
//! policy variables and session policies, after the examples in AWS's IAM policy reference.

use super::*;

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf";

/// Evaluates an identity policy with one statement (`condition` as its Condition block, and
/// `resource` as its Resource) for alice reading SECRET with `context`.
fn allowed_with(version: &str, resource: &str, condition: &str, context: &[(&str, &str)]) -> bool {
    let text = format!(
        r#"{{"Version":"{version}","Statement":[{{"Effect":"Allow","Action":"*","Resource":"{resource}","Condition":{condition}}}]}}"#
    );
    let document = parse(&text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    let policies = [NamedPolicy {
        name: "p".into(),
        document,
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
    matches!(
        evaluate(&policies, None, ResourcePolicyKind::Standard, &request),
        Decision::Allow(_)
    )
}

/// A Condition block, the request's keys, whether the request is allowed.
type ConditionCase = (&'static str, &'static [(&'static str, &'static str)], bool);

/// Policy version, Resource, Condition block, the request's keys, whether it is allowed.
type VariableCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    bool,
);

fn holds(condition: &str, context: &[(&str, &str)]) -> bool {
    allowed_with("2012-10-17", "*", condition, context)
}

#[test]
fn every_operator_family_compares_as_documented() {
    const NOW: &[(&str, &str)] = &[
        ("aws:CurrentTime", "2024-06-01T12:00:00Z"),
        ("aws:EpochTime", "1717243200"),
    ];
    let cases: &[ConditionCase] = &[
        (r#"{"NumericLessThan":{"s:n":"10"}}"#, &[("s:n", "9")], true),
        (
            r#"{"NumericLessThan":{"s:n":"10"}}"#,
            &[("s:n", "10")],
            false,
        ),
        (
            r#"{"NumericLessThanEquals":{"s:n":"10"}}"#,
            &[("s:n", "10")],
            true,
        ),
        (
            r#"{"NumericGreaterThan":{"s:n":7}}"#,
            &[("s:n", "7.5")],
            true,
        ),
        (
            r#"{"NumericGreaterThanEquals":{"s:n":"7"}}"#,
            &[("s:n", "6")],
            false,
        ),
        (
            r#"{"NumericEquals":{"s:n":["1","2"]}}"#,
            &[("s:n", "2")],
            true,
        ),
        (
            r#"{"NumericNotEquals":{"s:n":["1","2"]}}"#,
            &[("s:n", "2")],
            false,
        ),
        (r#"{"NumericEquals":{"s:n":"1"}}"#, &[("s:n", "one")], false),
        (
            r#"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#,
            NOW,
            true,
        ),
        (
            r#"{"DateLessThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#,
            NOW,
            false,
        ),
        (
            r#"{"DateLessThan":{"aws:CurrentTime":"2024-06-02"}}"#,
            NOW,
            true,
        ),
        (
            r#"{"DateEquals":{"aws:EpochTime":"2024-06-01T12:00:00Z"}}"#,
            NOW,
            true,
        ),
        (
            r#"{"DateGreaterThanEquals":{"aws:EpochTime":1717243200}}"#,
            NOW,
            true,
        ),
        (
            r#"{"DateNotEquals":{"aws:CurrentTime":"1717243200"}}"#,
            NOW,
            false,
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":false}}"#,
            &[("aws:SecureTransport", "false")],
            true,
        ),
        (
            r#"{"Bool":{"aws:SecureTransport":"TRUE"}}"#,
            &[("aws:SecureTransport", "true")],
            true,
        ),
        (
            r#"{"BinaryEquals":{"s:b":"aGVsbG8="}}"#,
            &[("s:b", "aGVsbG8=")],
            true,
        ),
        (
            r#"{"BinaryEquals":{"s:b":"aGVsbG8="}}"#,
            &[("s:b", "aGVsbG9=")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "203.0.113.9")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            &[("aws:SourceIp", "203.0.114.9")],
            false,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"127.0.0.1"}}"#,
            &[("aws:SourceIp", "127.0.0.1")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            &[("aws:SourceIp", "2001:db8:1::5")],
            true,
        ),
        (
            r#"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#,
            &[("aws:SourceIp", "10.0.0.1")],
            false,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
            &[("aws:SourceIp", "127.0.0.1")],
            true,
        ),
        (
            r#"{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}"#,
            &[("aws:SourceIp", "10.1.2.3")],
            false,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/a*"}}"#,
            &[("aws:PrincipalArn", ALICE)],
            true,
        ),
        (
            r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}"#,
            &[("aws:PrincipalArn", ALICE)],
            true,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            &[("aws:PrincipalArn", ALICE)],
            false,
        ),
        (
            r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/b*"}}"#,
            &[("aws:PrincipalArn", ALICE)],
            true,
        ),
        (
            r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/alice"}}"#,
            &[("aws:PrincipalArn", ALICE)],
            false,
        ),
        (
            r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            &[],
            false,
        ),
        (
            r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            &[],
            true,
        ),
        (r#"{"Null":{"aws:username":"true"}}"#, &[], true),
        (
            r#"{"Null":{"aws:username":"true"}}"#,
            &[("aws:username", "alice")],
            false,
        ),
        (
            r#"{"Null":{"aws:username":false}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (r#"{"NumericLessThanIfExists":{"s:n":"5"}}"#, &[], true),
        (
            r#"{"NumericLessThanIfExists":{"s:n":"5"}}"#,
            &[("s:n", "6")],
            false,
        ),
        (
            r#"{"IpAddressIfExists":{"aws:SourceIp":"10.0.0.0/8"}}"#,
            &[],
            true,
        ),
        // Key names compare without regard to case; several keys and operators all apply.
        (
            r#"{"StringEquals":{"AWS:USERNAME":"alice"}}"#,
            &[("aws:username", "alice")],
            true,
        ),
        (
            r#"{"StringEquals":{"aws:username":"alice"},"Bool":{"aws:SecureTransport":"true"}}"#,
            &[("aws:username", "alice"), ("aws:SecureTransport", "false")],
            false,
        ),
    ];
    for (condition, context, expected) in cases {
        assert_eq!(
            holds(condition, context),
            *expected,
            "{condition} {context:?}"
        );
    }
}

#[test]
fn set_qualifiers_follow_the_multi_valued_key_rules() {
    const TWO_TAGS: &[(&str, &str)] = &[("aws:TagKeys", "env"), ("aws:TagKeys", "team")];
    let cases: &[ConditionCase] = &[
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}"#,
            TWO_TAGS,
            true,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["cost"]}}"#,
            TWO_TAGS,
            false,
        ),
        (
            r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}"#,
            &[],
            false,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#,
            TWO_TAGS,
            true,
        ),
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}"#,
            TWO_TAGS,
            false,
        ),
        // The documented trap: ForAllValues holds for an absent key.
        (
            r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}"#,
            &[],
            true,
        ),
        (
            r#"{"ForAnyValue:StringLike":{"aws:TagKeys":"te*"}}"#,
            TWO_TAGS,
            true,
        ),
        (
            r#"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}"#,
            TWO_TAGS,
            true,
        ),
        (
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env"]}}"#,
            TWO_TAGS,
            true,
        ),
        (
            r#"{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}"#,
            TWO_TAGS,
            false,
        ),
        // Without a qualifier, one matching value of a multi-valued key is enough.
        (r#"{"StringEquals":{"aws:TagKeys":"team"}}"#, TWO_TAGS, true),
        (
            r#"{"StringNotEquals":{"aws:TagKeys":"team"}}"#,
            TWO_TAGS,
            false,
        ),
    ];
    for (condition, context, expected) in cases {
        assert_eq!(
            holds(condition, context),
            *expected,
            "{condition} {context:?}"
        );
    }
}

#[test]
fn policy_variables_are_replaced_in_resources_and_values() {
    const ALICE_KEYS: &[(&str, &str)] = &[
        ("aws:username", "alice"),
        ("aws:userid", "AIDAEXAMPLE"),
        ("aws:PrincipalTag/team", "prod"),
        ("s:literal", "a*b"),
        ("s:star", "*"),
    ];
    let own_prefix = "arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team}/*";
    let cases: &[VariableCase] = &[
        ("2012-10-17", own_prefix, "{}", ALICE_KEYS, true),
        (
            "2012-10-17",
            own_prefix,
            "{}",
            &[("aws:PrincipalTag/team", "dev")],
            false,
        ),
        // A missing variable matches nothing.
        ("2012-10-17", own_prefix, "{}", &[], false),
        // The old version has no variables: `${...}` is plain text.
        ("2008-10-17", own_prefix, "{}", ALICE_KEYS, false),
        (
            "2012-10-17",
            "arn:aws:secretsmanager:*:*:secret:${aws:username, 'prod'}/*",
            "{}",
            &[],
            true,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringEquals":{"s:user":"${aws:username}"}}"#,
            &[("s:user", "alice"), ("aws:username", "alice")],
            true,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringEquals":{"s:user":"${aws:username}"}}"#,
            &[("s:user", "alice")],
            false,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringLike":{"s:literal":"a${*}b"}}"#,
            ALICE_KEYS,
            true,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringLike":{"s:literal":"a${*}b"}}"#,
            &[("s:literal", "axxb")],
            false,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringEquals":{"s:star":"${*}"}}"#,
            ALICE_KEYS,
            true,
        ),
        (
            "2012-10-17",
            "*",
            r#"{"StringEquals":{"s:dollar":"${$}x${?}"}}"#,
            &[("s:dollar", "$x?")],
            true,
        ),
        // A variable's value is literal, never a wildcard.
        (
            "2012-10-17",
            "*",
            r#"{"StringLike":{"s:other":"${s:literal}"}}"#,
            &[("s:literal", "a*b"), ("s:other", "axb")],
            false,
        ),
    ];
    for (version, resource, condition, context, expected) in cases {
        assert_eq!(
            allowed_with(version, resource, condition, context),
            *expected,
            "{version} {resource} {condition} {context:?}"
        );
    }
}

#[test]
fn the_parser_refuses_unknown_operators_and_misplaced_qualifiers() {
    let statement = |condition: &str| {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{condition}}}]}}"#
        )
    };
    for condition in [
        r#"{"StringSortOf":{"a:b":"c"}}"#,
        r#"{"NullIfExists":{"a:b":"true"}}"#,
        r#"{"ForSomeValues:StringEquals":{"a:b":"c"}}"#,
        r#"{"StringEquals":{"a:b":{"nested":1}}}"#,
        r#"{"StringEquals":{}}"#,
        r#"{"stringequals":{"a:b":"c"}}"#,
    ] {
        assert_eq!(
            parse(&statement(condition)),
            Err(ParseError::ConditionNotSupported { index: 0 }),
            "{condition}"
        );
    }
    assert_eq!(
        parse(r#"{"Version":"2020-01-01","Statement":[]}"#),
        Err(ParseError::BadVersion)
    );
}

#[test]
fn a_session_policy_narrows_what_identity_policies_grant() {
    let identity = [NamedPolicy {
        name: "all".into(),
        document: parse(r#"{"Statement":[{"Sid":"All","Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#)
            .expect("parses"),
    }];
    let session_allows = |action: &str| {
        vec![NamedPolicy {
            name: "session".into(),
            document: parse(&format!(
                r#"{{"Statement":[{{"Sid":"S","Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
            ))
            .expect("parses"),
        }]
    };
    let session_denies = vec![NamedPolicy {
        name: "session".into(),
        document: parse(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"No","Effect":"Deny","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#)
            .expect("parses"),
    }];
    let resource_names_session = parse(r#"{"Statement":[{"Sid":"R","Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#)
        .expect("parses");
    fn request(session: Option<&[NamedPolicy]>) -> RequestContext<'_> {
        RequestContext {
            principal_arn: "arn:aws:sts::111122223333:assumed-role/app/s1",
            principal_account: "111122223333",
            action: "secretsmanager:GetSecretValue",
            resource: SECRET,
            resource_account: "111122223333",
            condition_keys: &[],
            session_policies: session,
        }
    }
    let standard = ResourcePolicyKind::Standard;
    let get_only = session_allows("secretsmanager:GetSecretValue");
    let put_only = session_allows("secretsmanager:PutSecretValue");
    assert!(matches!(
        evaluate(&identity, None, standard, &request(Some(&get_only))),
        Decision::Allow(found) if found.len() == 2
    ));
    assert_eq!(
        evaluate(&identity, None, standard, &request(Some(&put_only))),
        Decision::ImplicitDeny(MissingAllow::SessionPolicy)
    );
    assert!(matches!(
        evaluate(&identity, None, standard, &request(Some(&session_denies))),
        Decision::ExplicitDeny(StatementRef {
            source: PolicySource::Session(_),
            index: 1,
            ..
        })
    ));
    assert!(matches!(
        evaluate(
            &[],
            Some(&resource_names_session),
            standard,
            &request(Some(&put_only))
        ),
        Decision::Allow(_)
    ));
    assert!(matches!(
        evaluate(&identity, None, standard, &request(None)),
        Decision::Allow(found) if found.len() == 1
    ));
}
