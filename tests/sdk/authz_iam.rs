//! Authorization with IAM identities: an IAM user's identity policy (with a policy variable)
//! decides what it may read, an explicit Deny in a group policy wins, and the denial texts
//! name the user.

use aws_sdk_iam::config::{BehaviorVersion, Credentials, Region};
use lockbox::ServerHandle;

use crate::common::{client, client_as, create_string_secret, error_of, start};

fn iam(server: &ServerHandle) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

#[tokio::test]
async fn an_iam_users_policies_decide_what_it_reads() {
    let server = start().await;
    let root = client(&server);
    create_string_secret(&root, "dana/db", "mine").await;
    create_string_secret(&root, "erin/db", "theirs").await;
    create_string_secret(&root, "dana/locked", "never").await;

    let iam = iam(&server);
    iam.create_user().user_name("dana").send().await.unwrap();
    iam.put_user_policy()
        .user_name("dana")
        .policy_name("own-prefix")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:${aws:username}/*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    iam.create_group()
        .group_name("no-locked")
        .send()
        .await
        .unwrap();
    iam.add_user_to_group()
        .group_name("no-locked")
        .user_name("dana")
        .send()
        .await
        .unwrap();
    iam.put_group_policy()
        .group_name("no-locked")
        .policy_name("deny-locked")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoLocked","Effect":"Deny","Action":"secretsmanager:*","Resource":"arn:aws:secretsmanager:*:*:secret:*/locked-*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let key = iam
        .create_access_key()
        .user_name("dana")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let dana = client_as(
        &server,
        &key.access_key_id,
        &key.secret_access_key,
        "us-east-1",
    );

    let mine = dana
        .get_secret_value()
        .secret_id("dana/db")
        .send()
        .await
        .unwrap();
    assert_eq!(mine.secret_string(), Some("mine"));
    let user = "arn:aws:iam::000000000000:user/dana";
    let (code, message) = error_of(dana.get_secret_value().secret_id("erin/db").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {user} is not authorized to perform: secretsmanager:GetSecretValue on resource: erin/db because no identity-based policy allows the secretsmanager:GetSecretValue action"
        )
    );
    let (_, message) = error_of(
        dana.get_secret_value()
            .secret_id("dana/locked")
            .send()
            .await,
    );
    assert_eq!(
        message,
        format!(
            "User: {user} is not authorized to perform: secretsmanager:GetSecretValue on resource: dana/locked with an explicit deny in an identity-based policy"
        )
    );
}
