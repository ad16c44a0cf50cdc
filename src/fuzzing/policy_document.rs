//! The `policy_document` target: the input, as text, is a resource policy and a key policy.
//! It goes through Secrets Manager's ValidateResourcePolicy, PutResourcePolicy (with and
//! without BlockPublicPolicy) and GetResourcePolicy, and KMS's PutKeyPolicy, GetKeyPolicy and
//! CreateKey, on a fresh [`Fixture`]. Besides never failing internally, a policy Secrets
//! Manager accepted is read back exactly as sent.

use serde_json::{Value, json};

use super::{Fixture, KEY_ID, SECRET_NAME};
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
}
