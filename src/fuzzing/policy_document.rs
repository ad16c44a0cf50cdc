//! The `policy_document` target: the input, as text, is a resource policy and a key policy.
//! It goes through Secrets Manager's ValidateResourcePolicy, PutResourcePolicy (with and
//! without BlockPublicPolicy) and GetResourcePolicy, and KMS's PutKeyPolicy, GetKeyPolicy and
//! CreateKey, on a fresh [`Fixture`]. Besides never failing internally, a policy Secrets
//! Manager accepted is read back exactly as sent. A policy the evaluator's parser reads is also
//! evaluated, as identity, resource and key policy, for a request with multi-valued and
//! variable-bearing condition keys.

use serde_json::{Value, json};

use super::{Fixture, KEY_ID, SECRET_NAME};
use crate::iam_policy;
use crate::kms::Operation as Kms;
use crate::secretsmanager::Operation as Sm;

/// The entry point: see the module documentation.
pub fn policy_document(data: &[u8]) {
    let policy = String::from_utf8_lossy(data);
    let fixture = Fixture::new();
    let body = |value: Value| value.to_string().into_bytes();

    fixture.secrets_manager(
        Sm::ValidateResourcePolicy,
        &body(json!({ "ResourcePolicy": policy })),
    );
    fixture.secrets_manager(
        Sm::ValidateResourcePolicy,
        &body(json!({ "SecretId": SECRET_NAME, "ResourcePolicy": policy })),
    );
    for block_public in [true, false] {
        let put = fixture.secrets_manager(
            Sm::PutResourcePolicy,
            &body(json!({
                "SecretId": SECRET_NAME,
                "ResourcePolicy": policy,
                "BlockPublicPolicy": block_public,
            })),
        );
        if put.is_some() {
            let stored = fixture
                .secrets_manager(
                    Sm::GetResourcePolicy,
                    &body(json!({ "SecretId": SECRET_NAME })),
                )
                .and_then(|response| serde_json::from_slice::<Value>(&response).ok());
            let stored = stored.as_ref().and_then(|v| v["ResourcePolicy"].as_str());
            assert_eq!(
                stored,
                Some(&*policy),
                "an accepted resource policy did not read back as sent"
            );
        }
    }

    fixture.kms(
        Kms::PutKeyPolicy,
        &body(json!({ "KeyId": KEY_ID, "PolicyName": "default", "Policy": policy })),
    );
    fixture.kms(
        Kms::PutKeyPolicy,
        &body(json!({
            "KeyId": KEY_ID,
            "Policy": policy,
            "BypassPolicyLockoutSafetyCheck": true,
        })),
    );
    fixture.kms(Kms::GetKeyPolicy, &body(json!({ "KeyId": KEY_ID })));
    fixture.kms(Kms::CreateKey, &body(json!({ "Policy": policy })));
    evaluate_everywhere(&policy);
}

/// Runs the evaluator over `policy` in every role a policy can have.
fn evaluate_everywhere(policy: &str) {
    let Ok(document) = iam_policy::parse(policy) else {
        return;
    };
    let identity = [iam_policy::NamedPolicy {
        name: "fuzzed".into(),
        document: document.clone(),
    }];
    let context_keys = [
        ("aws:username", "alice"),
        ("aws:PrincipalTag/team", "ops"),
        ("aws:SourceIp", "10.1.2.3"),
        ("aws:CurrentTime", "2024-06-01T12:00:00Z"),
        ("aws:EpochTime", "1717243200"),
        ("aws:TagKeys", "a"),
        ("aws:TagKeys", "b"),
        ("kms:EncryptionContext:purpose", "x"),
    ];
    let request = iam_policy::RequestContext {
        principal_arn: "arn:aws:iam::000000000000:user/alice",
        principal_account: "000000000000",
        action: "kms:Decrypt",
        resource: "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        resource_account: "000000000000",
        condition_keys: &context_keys,
        session_policies: Some(&identity),
    };
    for kind in [
        iam_policy::ResourcePolicyKind::Standard,
        iam_policy::ResourcePolicyKind::KmsKeyPolicy,
    ] {
        iam_policy::evaluate(&identity, Some(&document), kind, &request);
    }
}
