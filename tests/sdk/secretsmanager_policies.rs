//! Put/Get/Delete/ValidateResourcePolicy through the official Rust SDK (and raw HTTP where the
//! exact JSON matters).
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{assert_error, client, create_string_secret, raw_call, start};
use serde_json::Value;

const NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";
const INVALID_SYNTAX: &str = "This policy has invalid syntax.";
const PUBLIC: &str = "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.";

const PRIVATE: &str = "{\n\"Version\":\"2012-10-17\",\n\"Statement\":[{\n\"Effect\":\"Allow\",\n\"Principal\":{\n\"AWS\":\"arn:aws:iam::123456789012:root\"\n},\n\"Action\":\"secretsmanager:GetSecretValue\",\n\"Resource\":\"*\"\n}]\n}";
const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
const ORG_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#;

#[tokio::test]
async fn put_get_delete_round_trip_the_document_verbatim() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "pol", "v").await;

    let none = sm
        .get_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(none.arn(), Some(arn.as_str()));
    assert_eq!(none.name(), Some("pol"));
    assert!(none.resource_policy().is_none());

    let put = sm
        .put_resource_policy()
        .secret_id(&arn)
        .resource_policy(PRIVATE)
        .send()
        .await
        .unwrap();
    assert_eq!(put.arn(), Some(arn.as_str()));
    assert_eq!(put.name(), Some("pol"));
    let got = sm
        .get_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(got.resource_policy(), Some(PRIVATE));

    // Put replaces.
    sm.put_resource_policy()
        .secret_id("pol")
        .resource_policy(ORG_ONLY)
        .send()
        .await
        .unwrap();
    let got = sm
        .get_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(got.resource_policy(), Some(ORG_ONLY));

    let deleted = sm
        .delete_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.arn(), Some(arn.as_str()));
    assert_eq!(deleted.name(), Some("pol"));
    let got = sm
        .get_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
    assert!(got.resource_policy().is_none());
    // Deleting when there is none is fine.
    sm.delete_resource_policy()
        .secret_id("pol")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn get_omits_the_policy_member_when_none_is_attached() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "raw", "v").await;
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.GetResourcePolicy"),
        br#"{"SecretId":"raw"}"#,
    )
    .await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert!(body.get("ResourcePolicy").is_none(), "{body}");
    assert_eq!(body["Name"], "raw");
}

#[tokio::test]
async fn public_policies_are_accepted_unless_blocked() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "pub", "v").await;
    // BlockPublicPolicy defaults to false: a "*" principal is accepted (real AWS snapshot).
    sm.put_resource_policy()
        .secret_id("pub")
        .resource_policy(PUBLIC_POLICY)
        .send()
        .await
        .unwrap();
    sm.delete_resource_policy()
        .secret_id("pub")
        .send()
        .await
        .unwrap();

    let result = sm
        .put_resource_policy()
        .secret_id("pub")
        .resource_policy(PUBLIC_POLICY)
        .block_public_policy(true)
        .send()
        .await;
    assert_error(result, "PublicPolicyException", PUBLIC);
    let got = sm
        .get_resource_policy()
        .secret_id("pub")
        .send()
        .await
        .unwrap();
    assert!(
        got.resource_policy().is_none(),
        "a refused policy is not stored"
    );

    // A condition pinning the caller's organization makes "*" non-public.
    sm.put_resource_policy()
        .secret_id("pub")
        .resource_policy(ORG_ONLY)
        .block_public_policy(true)
        .send()
        .await
        .unwrap();
    sm.put_resource_policy()
        .secret_id("pub")
        .resource_policy(PRIVATE)
        .block_public_policy(true)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn malformed_documents_are_refused() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "bad", "v").await;
    for document in [
        "not json",
        "[1,2]",
        // Real AWS answered this exact mistake with "This policy has invalid syntax.".
        r#"{"Version":"2019-10-19","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17"}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Permit","Principal":"*","Action":"secretsmanager:*","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"GetSecretValue","Resource":"*"}]}"#,
    ] {
        let result = sm
            .put_resource_policy()
            .secret_id("bad")
            .resource_policy(document)
            .send()
            .await;
        assert_error(result, "MalformedPolicyDocumentException", INVALID_SYNTAX);
    }
    let got = sm
        .get_resource_policy()
        .secret_id("bad")
        .send()
        .await
        .unwrap();
    assert!(got.resource_policy().is_none());
}

#[tokio::test]
async fn constraints_and_missing_secrets() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "c", "v").await;
    let result = sm
        .put_resource_policy()
        .secret_id("c")
        .resource_policy(" ".repeat(20_481))
        .send()
        .await;
    let (code, message) = common::error_of(result);
    assert_eq!(code, "ValidationException");
    assert!(
        message.starts_with("1 validation error detected: Value '")
            && message.ends_with("at 'resourcePolicy' failed to satisfy constraint: Member must have length less than or equal to 20480"),
        "{message}"
    );
    let result = sm
        .put_resource_policy()
        .secret_id("missing")
        .resource_policy(PRIVATE)
        .send()
        .await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm.get_resource_policy().secret_id("missing").send().await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm
        .delete_resource_policy()
        .secret_id("missing")
        .send()
        .await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
    let result = sm.get_resource_policy().secret_id("bad name").send().await;
    assert_error(
        result,
        "ValidationException",
        "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
    );
    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.PutResourcePolicy"),
        br#"{"SecretId":"c"}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains(
            "Value null at 'resourcePolicy' failed to satisfy constraint: Member must not be null"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn validate_passes_a_scoped_policy_with_an_empty_error_list() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "v", "v").await;
    let passed = sm
        .validate_resource_policy()
        .secret_id("v")
        .resource_policy(PRIVATE)
        .send()
        .await
        .unwrap();
    assert!(passed.policy_validation_passed());
    assert!(passed.validation_errors().is_empty());

    let (status, _, body) = raw_call(
        &server,
        Some("secretsmanager.ValidateResourcePolicy"),
        serde_json::json!({ "ResourcePolicy": PRIVATE })
            .to_string()
            .as_bytes(),
    )
    .await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"PolicyValidationPassed": true, "ValidationErrors": []})
    );
    // Nothing was stored.
    let got = sm
        .get_resource_policy()
        .secret_id("v")
        .send()
        .await
        .unwrap();
    assert!(got.resource_policy().is_none());
}

#[tokio::test]
async fn validate_reports_each_finding() {
    let server = start().await;
    let sm = client(&server);
    let cases = [
        ("not json", "SYNTAX_CHECK", "not valid JSON"),
        (
            r#"{"Version":"2012-10-17"}"#,
            "SYNTAX_CHECK",
            "must contain a Statement",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Maybe","Principal":"*","Action":"secretsmanager:*"}]}"#,
            "SYNTAX_CHECK",
            "Effect must be Allow or Deny",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"secretsmanager:GetSecretValue"}]}"#,
            "SYNTAX_CHECK",
            "missing a Version",
        ),
        (
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"secretsmanager:ReadSecret"}]}"#,
            "SECRETSMANAGER_ACTION_CHECK",
            "secretsmanager:ReadSecret does not exist",
        ),
        (PUBLIC_POLICY, "PUBLIC_ACCESS_CHECK", "broad access"),
    ];
    for (document, check, fragment) in cases {
        let answer = sm
            .validate_resource_policy()
            .resource_policy(document)
            .send()
            .await
            .unwrap();
        assert!(!answer.policy_validation_passed(), "{document}");
        let errors = answer.validation_errors();
        assert_eq!(errors.len(), 1, "{document}: {errors:?}");
        assert_eq!(errors[0].check_name(), Some(check), "{document}");
        assert!(
            errors[0].error_message().unwrap().contains(fragment),
            "{document}: {:?}",
            errors[0].error_message()
        );
    }
    let org = sm
        .validate_resource_policy()
        .resource_policy(ORG_ONLY)
        .send()
        .await
        .unwrap();
    assert!(org.policy_validation_passed());

    let result = sm
        .validate_resource_policy()
        .secret_id("missing")
        .resource_policy(PRIVATE)
        .send()
        .await;
    assert_error(result, "ResourceNotFoundException", NOT_FOUND);
}
