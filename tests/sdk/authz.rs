//! Authorization of Secrets Manager and KMS calls through the official SDKs: explicit denies
//! in resource and key policies (even for the account's root user), conditional denies that
//! refuse only the matching calls, the KMS calls Secrets Manager makes for the caller, IAM
//! users without policies, grants, the audit record of a denial, and `--iam off`.

use aws_sdk_kms::primitives::Blob;
use lockbox::Config;
use lockbox::config::{CredentialConfig, IamMode};
use serde_json::Value;

use crate::common::admin::admin_call;
use crate::common::{
    client, client_as, create_string_secret, error_of, kms_client, kms_client_as, start, start_with,
};

const ROOT: &str = "arn:aws:iam::000000000000:root";
const ALICE: &str = "arn:aws:iam::000000000000:user/alice";

/// A server where `alice` (AKIDALICE / alice-secret) is an IAM user of the default account,
/// whose root user keeps signing as `test`/`test` (declaring an account replaces its
/// built-in key, so it is declared too).
async fn start_with_alice(iam: IamMode) -> lockbox::ServerHandle {
    let credential = |key: &str, secret: &str, user: Option<&str>| CredentialConfig {
        access_key_id: key.into(),
        secret_access_key: zeroize::Zeroizing::new(secret.into()),
        account_id: "000000000000".into(),
        user_name: user.map(str::to_owned),
        arn: None,
    };
    start_with(Config {
        credentials: vec![
            credential("AKIDALICE", "alice-secret", Some("alice")),
            credential("test", "test", None),
        ],
        iam,
        ..Config::for_tests()
    })
    .await
}

fn deny_get_policy(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"NoReads","Effect":"Deny","Principal":{{"AWS":"*"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"{condition}}}]}}"#
    )
}

#[tokio::test]
async fn an_explicit_deny_in_a_resource_policy_refuses_even_the_root_user() {
    let server = start().await;
    let sm = client(&server);
    create_string_secret(&sm, "locked", "v").await;
    sm.put_resource_policy()
        .secret_id("locked")
        .resource_policy(deny_get_policy(""))
        .send()
        .await
        .unwrap();

    let (code, message) = error_of(sm.get_secret_value().secret_id("locked").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: secretsmanager:GetSecretValue on resource: locked with an explicit deny in a resource-based policy"
        )
    );
    // Other actions stay allowed, and the denial names the SecretId as the caller wrote it.
    let described = sm
        .describe_secret()
        .secret_id("locked")
        .send()
        .await
        .unwrap();
    let arn = described.arn.unwrap();
    let (_, by_arn) = error_of(sm.get_secret_value().secret_id(&arn).send().await);
    assert!(
        by_arn.contains(&format!("on resource: {arn} with")),
        "{by_arn}"
    );

    // The audit trail records the refusal as CloudTrail does.
    let events = admin_call(&server, "GET", "/_lockbox/events?calls=direct", None)
        .await
        .json();
    let denied: Vec<&Value> = events["Records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["eventName"] == "GetSecretValue")
        .collect();
    assert_eq!(denied.len(), 2, "{events}");
    assert_eq!(denied[0]["errorCode"], "AccessDenied");
    assert_eq!(denied[0]["errorMessage"], message.as_str());
}

#[tokio::test]
async fn a_conditional_deny_refuses_only_the_matching_secrets() {
    let server = start().await;
    let sm = client(&server);
    let policy = deny_get_policy(r#","Condition":{"StringEquals":{"aws:ResourceTag/env":"prod"}}"#);
    for (name, env) in [("prod-db", "prod"), ("dev-db", "dev")] {
        sm.create_secret()
            .name(name)
            .secret_string("v")
            .tags(
                aws_sdk_secretsmanager::types::Tag::builder()
                    .key("env")
                    .value(env)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        sm.put_resource_policy()
            .secret_id(name)
            .resource_policy(&policy)
            .send()
            .await
            .unwrap();
    }
    let (code, _) = error_of(sm.get_secret_value().secret_id("prod-db").send().await);
    assert_eq!(code, "AccessDeniedException");
    let dev = sm
        .get_secret_value()
        .secret_id("dev-db")
        .send()
        .await
        .unwrap();
    assert_eq!(dev.secret_string(), Some("v"));

    // Retagging the secret moves it out of the condition.
    sm.tag_resource()
        .secret_id("prod-db")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("env")
                .value("staging")
                .build(),
        )
        .send()
        .await
        .unwrap();
    sm.get_secret_value()
        .secret_id("prod-db")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_key_policy_deny_on_an_encryption_context_refuses_only_those_decrypts() {
    let server = start().await;
    let kms = kms_client(&server);
    let key = kms.create_key().send().await.unwrap().key_metadata.unwrap();
    let key_arn = key.arn.unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"{ROOT}"}},"Action":"kms:*","Resource":"*"}},
            {{"Sid":"NoBlocked","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{{"StringEquals":{{"kms:EncryptionContext:purpose":"blocked"}}}}}}]}}"#
    );
    kms.put_key_policy()
        .key_id(&key.key_id)
        .policy(policy)
        .send()
        .await
        .unwrap();
    let mut blobs = Vec::new();
    for purpose in ["blocked", "open"] {
        let blob = kms
            .encrypt()
            .key_id(&key.key_id)
            .plaintext(Blob::new(b"hello".to_vec()))
            .encryption_context("purpose", purpose)
            .send()
            .await
            .unwrap()
            .ciphertext_blob
            .unwrap();
        blobs.push((purpose, blob));
    }
    let (code, message) = error_of(
        kms.decrypt()
            .ciphertext_blob(blobs[0].1.clone())
            .encryption_context("purpose", "blocked")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: kms:Decrypt on resource: {key_arn} with an explicit deny in a resource-based policy"
        )
    );
    let opened = kms
        .decrypt()
        .ciphertext_blob(blobs[1].1.clone())
        .encryption_context("purpose", "open")
        .send()
        .await
        .unwrap();
    assert_eq!(opened.plaintext.unwrap().into_inner(), b"hello");
}

#[tokio::test]
async fn a_key_policy_without_the_account_refuses_its_root_user() {
    let server = start().await;
    let kms = kms_client(&server);
    let key_id = kms
        .create_key()
        .policy(format!(
            r#"{{"Statement":[{{"Sid":"AliceOnly","Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"kms:*","Resource":"*"}}]}}"#
        ))
        .bypass_policy_lockout_safety_check(true)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let (code, message) = error_of(
        kms.encrypt()
            .key_id(&key_id)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert!(
        message.ends_with("because no resource-based policy allows the kms:Encrypt action"),
        "{message}"
    );
}

#[tokio::test]
async fn secrets_manager_decrypts_for_the_caller_only_if_the_key_policy_lets_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let sm = client(&server);
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    sm.create_secret()
        .name("via-kms")
        .secret_string("v")
        .kms_key_id(&key_id)
        .send()
        .await
        .unwrap();
    // Refuse decryption through Secrets Manager only.
    kms.put_key_policy()
        .key_id(&key_id)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"{ROOT}"}},"Action":"kms:*","Resource":"*"}},
                {{"Sid":"NotViaSecretsManager","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{{"StringLike":{{"kms:ViaService":"secretsmanager.*.amazonaws.com"}}}}}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    let (code, message) = error_of(sm.get_secret_value().secret_id("via-kms").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("AccessDeniedException", "Access to KMS is not allowed")
    );
    // A direct call has no kms:ViaService, so the key stays usable directly.
    kms.encrypt()
        .key_id(&key_id)
        .plaintext(Blob::new(b"x".to_vec()))
        .send()
        .await
        .unwrap();

    let events = admin_call(&server, "GET", "/_lockbox/events", None)
        .await
        .json();
    let refused: Vec<&Value> = events["Records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|record| record["eventName"] == "Decrypt" && record["errorCode"].is_string())
        .collect();
    assert_eq!(refused.len(), 1, "{events}");
    assert_eq!(refused[0]["errorCode"], "AccessDenied");
}

#[tokio::test]
async fn an_iam_user_without_policies_is_refused_unless_a_policy_or_grant_names_it() {
    let server = start_with_alice(IamMode::Enforce).await;
    let root_sm = client(&server);
    let alice_sm = client_as(&server, "AKIDALICE", "alice-secret", "us-east-1");
    let (code, message) = error_of(alice_sm.create_secret().name("hers").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ALICE} is not authorized to perform: secretsmanager:CreateSecret on resource: hers because no identity-based policy allows the secretsmanager:CreateSecret action"
        )
    );
    let (_, listing) = error_of(alice_sm.list_secrets().send().await);
    assert_eq!(
        listing,
        format!(
            "User: {ALICE} is not authorized to perform: secretsmanager:ListSecrets on resource: * because no identity-based policy allows the secretsmanager:ListSecrets action"
        )
    );

    // A resource policy naming alice is enough in her own account (and the AWS managed key
    // lets Secrets Manager decrypt for anyone of the account).
    create_string_secret(&root_sm, "shared", "for-alice").await;
    let (code, _) = error_of(alice_sm.get_secret_value().secret_id("shared").send().await);
    assert_eq!(code, "AccessDeniedException");
    root_sm
        .put_resource_policy()
        .secret_id("shared")
        .resource_policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    let read = alice_sm
        .get_secret_value()
        .secret_id("shared")
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("for-alice"));

    // A grant lets her use a key the key policy only delegates to the account.
    let root_kms = kms_client(&server);
    let alice_kms = kms_client_as(&server, "AKIDALICE", "alice-secret", "us-east-1");
    let key_id = root_kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let encrypt = || {
        alice_kms
            .encrypt()
            .key_id(&key_id)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
    };
    let (_, message) = error_of(encrypt().await);
    assert!(
        message.ends_with("because no identity-based policy allows the kms:Encrypt action"),
        "{message}"
    );
    root_kms
        .create_grant()
        .key_id(&key_id)
        .grantee_principal(ALICE)
        .operations(aws_sdk_kms::types::GrantOperation::Encrypt)
        .send()
        .await
        .unwrap();
    encrypt().await.unwrap();
}

#[tokio::test]
async fn iam_off_lets_every_authenticated_call_through() {
    let server = start_with_alice(IamMode::Off).await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "locked", "v").await;
    sm.put_resource_policy()
        .secret_id("locked")
        .resource_policy(deny_get_policy(""))
        .send()
        .await
        .unwrap();
    sm.get_secret_value()
        .secret_id("locked")
        .send()
        .await
        .unwrap();
    let alice = client_as(&server, "AKIDALICE", "alice-secret", "us-east-1");
    alice.create_secret().name("hers").send().await.unwrap();
    alice.list_secrets().send().await.unwrap();
    // Without policies to decide, accounts stay apart: another account's ARN is not found.
    let partner = client_as(&server, "222222222222", "test", "us-east-1");
    let (code, _) = error_of(partner.get_secret_value().secret_id(&arn).send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

/// A resource policy letting account 222222222222 read the secret.
const PARTNER_MAY_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;

#[tokio::test]
async fn another_account_reads_a_secret_only_with_a_resource_policy_and_a_key_policy_allowing_it() {
    let server = start().await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let partner = client_as(&server, "222222222222", "test", "us-east-1");

    // A customer managed key whose key policy lets the partner account decrypt.
    let key_id = kms
        .create_key()
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"{ROOT}"}},"Action":"kms:*","Resource":"*"}},
                {{"Sid":"PartnerDecrypts","Effect":"Allow","Principal":{{"AWS":"222222222222"}},"Action":"kms:Decrypt","Resource":"*"}}]}}"#
        ))
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let shared = sm
        .create_secret()
        .name("shared")
        .secret_string("cross")
        .kms_key_id(&key_id)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    let managed = create_string_secret(&sm, "managed", "aws-key").await;

    // Without a resource policy the partner is refused, naming the ARN it passed.
    let (code, message) = error_of(partner.get_secret_value().secret_id(&shared).send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::222222222222:root is not authorized to perform: secretsmanager:GetSecretValue on resource: {shared} because no resource-based policy allows the secretsmanager:GetSecretValue action"
        )
    );
    for arn in [&shared, &managed] {
        sm.put_resource_policy()
            .secret_id(arn)
            .resource_policy(PARTNER_MAY_READ)
            .send()
            .await
            .unwrap();
    }
    let read = partner
        .get_secret_value()
        .secret_id(&shared)
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("cross"));
    // Other actions stay refused, and the AWS managed key is never usable from another account.
    let (code, _) = error_of(partner.describe_secret().secret_id(&shared).send().await);
    assert_eq!(code, "AccessDeniedException");
    let (code, message) = error_of(partner.get_secret_value().secret_id(&managed).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("AccessDeniedException", "Access to KMS is not allowed")
    );
    // By name, the partner only ever reaches its own account.
    let (code, _) = error_of(partner.get_secret_value().secret_id("shared").send().await);
    assert_eq!(code, "ResourceNotFoundException");
}

#[tokio::test]
async fn a_key_policy_that_locks_the_caller_out_is_refused_unless_bypassed() {
    let server = start().await;
    let kms = kms_client(&server);
    let alice_only = format!(
        r#"{{"Statement":[{{"Sid":"AliceOnly","Effect":"Allow","Principal":{{"AWS":"{ALICE}"}},"Action":"kms:*","Resource":"*"}}]}}"#
    );
    let lockout = "The new key policy will not allow you to update the key policy in the future.";
    let (code, message) = error_of(kms.create_key().policy(&alice_only).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("MalformedPolicyDocumentException", lockout)
    );
    let key_id = kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let (code, message) = error_of(
        kms.put_key_policy()
            .key_id(&key_id)
            .policy(&alice_only)
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("MalformedPolicyDocumentException", lockout)
    );
    kms.put_key_policy()
        .key_id(&key_id)
        .policy(&alice_only)
        .bypass_policy_lockout_safety_check(true)
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(kms.get_key_policy().key_id(&key_id).send().await);
    assert_eq!(code, "AccessDeniedException");
}

#[tokio::test]
async fn explain_says_what_would_be_decided_and_by_which_statement() {
    let server = start().await;
    let sm = client(&server);
    let arn = create_string_secret(&sm, "explained", "v").await;
    sm.put_resource_policy()
        .secret_id("explained")
        .resource_policy(deny_get_policy(""))
        .send()
        .await
        .unwrap();
    let ask = |principal: &str, action: &str, resource: &str| {
        format!(r#"{{"principal":"{principal}","action":"{action}","resource":"{resource}"}}"#)
    };
    let denied = admin_call(
        &server,
        "POST",
        "/_lockbox/explain",
        Some(&ask(ROOT, "secretsmanager:GetSecretValue", &arn)),
    )
    .await;
    assert_eq!(denied.status, 200, "{}", denied.text);
    let denied = denied.json();
    assert_eq!(denied["decision"], "ExplicitDeny");
    assert_eq!(
        denied["statements"][0],
        "resource policy statement 0 (Sid \"NoReads\")"
    );
    let detail = &denied["details"][0];
    assert_eq!(detail["policy"], "resource policy");
    assert_eq!(detail["sid"], "NoReads");
    assert_eq!(detail["statement"]["Effect"], "Deny");
    assert_eq!(
        detail["statement"]["Action"],
        serde_json::json!(["secretsmanager:GetSecretValue"])
    );
    assert!(
        denied["message"]
            .as_str()
            .unwrap()
            .ends_with("with an explicit deny in a resource-based policy")
    );
    let allowed = admin_call(
        &server,
        "POST",
        "/_lockbox/explain",
        Some(&ask(ROOT, "secretsmanager:DescribeSecret", &arn)),
    )
    .await
    .json();
    assert_eq!(allowed["decision"], "Allow");
    let user = admin_call(
        &server,
        "POST",
        "/_lockbox/explain",
        Some(&ask(ALICE, "secretsmanager:ListSecrets", "*")),
    )
    .await
    .json();
    assert_eq!(user["decision"], "ImplicitDeny");
    let unknown = admin_call(
        &server,
        "POST",
        "/_lockbox/explain",
        Some(&ask(
            ROOT,
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:us-east-1:000000000000:secret:nope-AbCdEf",
        )),
    )
    .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn another_account_writes_a_shared_secret_under_the_owners_key() {
    let server = start().await;
    let sm = client(&server);
    let kms = kms_client(&server);
    let partner = client_as(&server, "222222222222", "test", "us-east-1");
    let key_id = kms
        .create_key()
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"{ROOT}"}},"Action":"kms:*","Resource":"*"}},
                {{"Sid":"PartnerUses","Effect":"Allow","Principal":{{"AWS":"222222222222"}},"Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"*"}}]}}"#
        ))
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let shared = sm
        .create_secret()
        .name("written")
        .secret_string("first")
        .kms_key_id(&key_id)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    let managed = create_string_secret(&sm, "written-managed", "first").await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["secretsmanager:PutSecretValue","secretsmanager:GetSecretValue"],"Resource":"*"}]}"#;
    for arn in [&shared, &managed] {
        sm.put_resource_policy()
            .secret_id(arn)
            .resource_policy(policy)
            .send()
            .await
            .unwrap();
    }
    partner
        .put_secret_value()
        .secret_id(&shared)
        .secret_string("second")
        .send()
        .await
        .unwrap();
    // The owner reads what the partner wrote: it was sealed under the owner's key.
    let read = sm
        .get_secret_value()
        .secret_id("written")
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("second"));
    let (code, message) = error_of(
        partner
            .put_secret_value()
            .secret_id(&managed)
            .secret_string("second")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("AccessDeniedException", "Access to KMS is not allowed")
    );
}

#[tokio::test]
async fn another_account_uses_a_key_by_its_arn_only_if_the_key_policy_allows_it() {
    let server = start().await;
    let kms = kms_client(&server);
    let partner = kms_client_as(&server, "222222222222", "test", "us-east-1");
    let key = kms.create_key().send().await.unwrap().key_metadata.unwrap();
    let key_arn = key.arn.unwrap();
    let encrypt = || {
        partner
            .encrypt()
            .key_id(&key_arn)
            .plaintext(Blob::new(b"x".to_vec()))
            .send()
    };
    let (code, message) = error_of(encrypt().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: arn:aws:iam::222222222222:root is not authorized to perform: kms:Encrypt on resource: {key_arn} because no resource-based policy allows the kms:Encrypt action"
        )
    );
    kms.put_key_policy()
        .key_id(&key.key_id)
        .policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[
                {{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"{ROOT}"}},"Action":"kms:*","Resource":"*"}},
                {{"Sid":"Partner","Effect":"Allow","Principal":{{"AWS":"222222222222"}},"Action":["kms:Encrypt","kms:DescribeKey","kms:DisableKey"],"Resource":"*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    encrypt().await.unwrap();
    let described = partner
        .describe_key()
        .key_id(&key_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.key_metadata.unwrap().arn(),
        Some(key_arn.as_str())
    );
    // Managing another account's key is not possible across accounts, whatever the policy.
    let (code, _) = error_of(partner.disable_key().key_id(&key_arn).send().await);
    assert_eq!(code, "NotFoundException");
    // By key id, the partner only ever reaches its own account.
    let (code, _) = error_of(partner.describe_key().key_id(&key.key_id).send().await);
    assert_eq!(code, "NotFoundException");
}
