//! Least privilege end to end with identities created through IAM by the root user: a user
//! whose one inline policy names one secret reads only that secret (and only while its key is
//! active), a Deny in the secret's resource policy beats that Allow, tag and encryption-context
//! conditions narrow what it may do, and reading a secret under a customer managed key also
//! needs kms:Decrypt.

use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::EncryptionAlgorithmSpec;

use crate::common::identity::{
    Keys, allow, iam_as, kms_as, put_policy, secrets_as, user_with_policy,
};
use crate::common::{create_string_secret, error_of, start};

const USER: &str = "arn:aws:iam::000000000000:user/reader";

fn no_identity_policy(action: &str, resource: &str) -> String {
    format!(
        "User: {USER} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
    )
}

#[tokio::test]
async fn a_user_reads_only_the_secret_its_policy_names_while_its_key_is_active() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    let mine = create_string_secret(&root, "app/db", "mine").await;
    create_string_secret(&root, "app/other", "not mine").await;
    let reader = user_with_policy(
        &server,
        "reader",
        Some(&allow(&["secretsmanager:GetSecretValue"], &mine)),
    )
    .await;

    // The new key signs at once.
    let sm = secrets_as(&server, &reader);
    let read = sm.get_secret_value().secret_id(&mine).send().await.unwrap();
    assert_eq!(read.secret_string(), Some("mine"));
    let (code, message) = error_of(sm.get_secret_value().secret_id("app/other").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        no_identity_policy("secretsmanager:GetSecretValue", "app/other")
    );
    // Other actions on its own secret are not granted either.
    let (code, message) = error_of(sm.describe_secret().secret_id(&mine).send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        no_identity_policy("secretsmanager:DescribeSecret", &mine)
    );

    iam_as(&server, &Keys::root())
        .update_access_key()
        .user_name("reader")
        .access_key_id(&reader.id)
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let (code, message) = error_of(sm.get_secret_value().secret_id(&mine).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "UnrecognizedClientException",
            "The security token included in the request is invalid."
        )
    );
}

#[tokio::test]
async fn a_deny_in_the_secrets_resource_policy_beats_the_users_allow() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    let arn = create_string_secret(&root, "app/db", "v").await;
    let reader = user_with_policy(
        &server,
        "reader",
        Some(&allow(&["secretsmanager:GetSecretValue"], "*")),
    )
    .await;
    let sm = secrets_as(&server, &reader);
    sm.get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();

    root.put_resource_policy()
        .secret_id(&arn)
        .resource_policy(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":{{"AWS":"{USER}"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    let (code, message) = error_of(sm.get_secret_value().secret_id("app/db").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {USER} is not authorized to perform: secretsmanager:GetSecretValue on resource: app/db with an explicit deny in a resource-based policy"
        )
    );
    // The root user is not named by the Deny.
    root.get_secret_value()
        .secret_id("app/db")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn tag_conditions_pick_the_secrets_a_user_reads() {
    let server = start().await;
    let root = secrets_as(&server, &Keys::root());
    for (name, team) in [("blue/db", "blue"), ("green/db", "green")] {
        root.create_secret()
            .name(name)
            .secret_string(team)
            .tags(
                aws_sdk_secretsmanager::types::Tag::builder()
                    .key("team")
                    .value(team)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}},
        {"Effect":"Allow","Action":"secretsmanager:DescribeSecret","Resource":"*","Condition":{"StringEquals":{"secretsmanager:ResourceTag/team":"green"}}}]}"#;
    let reader = user_with_policy(&server, "reader", Some(policy)).await;
    let sm = secrets_as(&server, &reader);

    let read = sm
        .get_secret_value()
        .secret_id("blue/db")
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("blue"));
    let (code, message) = error_of(sm.get_secret_value().secret_id("green/db").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        no_identity_policy("secretsmanager:GetSecretValue", "green/db")
    );
    sm.describe_secret()
        .secret_id("green/db")
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(sm.describe_secret().secret_id("blue/db").send().await);
    assert_eq!(code, "AccessDeniedException");

    // Retagging the secret moves it out of reach.
    root.tag_resource()
        .secret_id("blue/db")
        .tags(
            aws_sdk_secretsmanager::types::Tag::builder()
                .key("team")
                .value("red")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(sm.get_secret_value().secret_id("blue/db").send().await);
    assert_eq!(code, "AccessDeniedException");
}

#[tokio::test]
async fn an_encryption_context_condition_limits_direct_kms_use() {
    let server = start().await;
    let root_kms = kms_as(&server, &Keys::root());
    let key = root_kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();
    let key_arn = key.arn.clone().unwrap();
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":["kms:Encrypt","kms:Decrypt"],"Resource":"{key_arn}","Condition":{{"StringEquals":{{"kms:EncryptionContext:app":"billing"}}}}}}]}}"#
    );
    let reader = user_with_policy(&server, "reader", Some(&policy)).await;
    let kms = kms_as(&server, &reader);

    let sealed = kms
        .encrypt()
        .key_id(&key.key_id)
        .plaintext(Blob::new(b"card".to_vec()))
        .encryption_context("app", "billing")
        .send()
        .await
        .unwrap()
        .ciphertext_blob
        .unwrap();
    let opened = kms
        .decrypt()
        .ciphertext_blob(sealed)
        .encryption_context("app", "billing")
        .encryption_algorithm(EncryptionAlgorithmSpec::SymmetricDefault)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.plaintext.unwrap().into_inner(), b"card");

    for context in [None, Some("payroll")] {
        let mut call = kms
            .encrypt()
            .key_id(&key.key_id)
            .plaintext(Blob::new(b"card".to_vec()));
        if let Some(app) = context {
            call = call.encryption_context("app", app);
        }
        let (code, message) = error_of(call.send().await);
        assert_eq!(code, "AccessDeniedException");
        assert_eq!(message, no_identity_policy("kms:Encrypt", &key_arn));
    }
}

#[tokio::test]
async fn a_secret_under_a_customer_key_also_needs_kms_decrypt() {
    let server = start().await;
    let root_kms = kms_as(&server, &Keys::root());
    let key_arn = root_kms
        .create_key()
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .arn
        .unwrap();
    let secret_arn = secrets_as(&server, &Keys::root())
        .create_secret()
        .name("app/db")
        .secret_string("under a customer key")
        .kms_key_id(&key_arn)
        .send()
        .await
        .unwrap()
        .arn
        .unwrap();
    let reader = user_with_policy(
        &server,
        "reader",
        Some(&allow(&["secretsmanager:GetSecretValue"], &secret_arn)),
    )
    .await;
    let sm = secrets_as(&server, &reader);
    let (code, message) = error_of(sm.get_secret_value().secret_id(&secret_arn).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("AccessDeniedException", "Access to KMS is not allowed")
    );

    put_policy(
        &server,
        "reader",
        "decrypt",
        &allow(&["kms:Decrypt"], &key_arn),
    )
    .await;
    let read = sm
        .get_secret_value()
        .secret_id(&secret_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(read.secret_string(), Some("under a customer key"));
}
