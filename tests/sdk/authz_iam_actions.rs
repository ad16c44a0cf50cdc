//! IAM's own actions are authorized: `iam:<Operation>` on the entity the call names, by the
//! caller's identity policies (the root user needs none). A refusal is IAM's `AccessDenied`
//! (403) with AWS's text and is in the audit trail.

use aws_credential_types::Credentials;
use lockbox::ServerHandle;

use crate::common::admin::admin_call;
use crate::common::{error_of, start};

fn iam_as(server: &ServerHandle, key: &str, secret: &str) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "lockbox-tests"))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

#[tokio::test]
async fn iam_calls_need_an_identity_policy_allowing_them() {
    let server = start().await;
    let root = iam_as(&server, "test", "test");
    root.create_user()
        .user_name("builder")
        .send()
        .await
        .unwrap();
    let key = root
        .create_access_key()
        .user_name("builder")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let builder = iam_as(&server, &key.access_key_id, &key.secret_access_key);
    let caller = "arn:aws:iam::000000000000:user/builder";

    let (code, message) = error_of(builder.create_user().user_name("new").send().await);
    assert_eq!(code, "AccessDenied");
    assert_eq!(
        message,
        format!(
            "User: {caller} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/new because no identity-based policy allows the iam:CreateUser action"
        )
    );
    let (_, message) = error_of(builder.list_users().send().await);
    assert!(
        message.ends_with(
            "iam:ListUsers on resource: arn:aws:iam::000000000000:user/ because no identity-based policy allows the iam:ListUsers action"
        ),
        "{message}"
    );
    assert!(
        root.get_user().user_name("new").send().await.is_err(),
        "the refused call changed nothing"
    );

    root.put_user_policy()
        .user_name("builder")
        .policy_name("make-apps")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[
                {"Effect":"Allow","Action":["iam:CreateUser","iam:GetUser"],"Resource":"arn:aws:iam::*:user/apps/*"},
                {"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"},
                {"Sid":"NeverAdmins","Effect":"Deny","Action":"iam:*","Resource":"arn:aws:iam::*:user/apps/admin-*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    builder
        .create_user()
        .user_name("web")
        .path("/apps/")
        .send()
        .await
        .expect("allowed on user/apps/*");
    builder
        .get_user()
        .user_name("web")
        .send()
        .await
        .expect("the existing user's ARN carries its path");
    builder.list_users().send().await.expect("allowed on *");
    let (code, message) = error_of(
        builder
            .create_user()
            .user_name("admin-1")
            .path("/apps/")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDenied");
    assert_eq!(
        message,
        format!(
            "User: {caller} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::000000000000:user/apps/admin-1 with an explicit deny in an identity-based policy"
        )
    );
    let (_, message) = error_of(
        builder
            .create_role()
            .role_name("r")
            .assume_role_policy_document("{}")
            .send()
            .await,
    );
    assert!(
        message.contains("iam:CreateRole on resource: arn:aws:iam::000000000000:role/r"),
        "{message}"
    );

    let events = admin_call(&server, "GET", "/_lockbox/events?calls=direct", None)
        .await
        .json();
    let refused: Vec<&serde_json::Value> = events["Records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["eventSource"] == "iam.amazonaws.com" && r["errorCode"] == "AccessDenied")
        .collect();
    assert_eq!(refused.len(), 4, "every refusal is recorded: {refused:#?}");
    assert_eq!(refused[0]["eventName"], "CreateUser");
    assert_eq!(refused[0]["userIdentity"]["arn"], caller);
}
