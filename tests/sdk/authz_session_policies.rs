//! Session policies passed as `PolicyArns` to `AssumeRole`: the customer managed policy IAM
//! keeps narrows what the role session may do, whatever the role's own policies allow.

use aws_credential_types::Credentials;
use lockbox::ServerHandle;

use crate::common::{client, create_string_secret, error_of, start};

fn iam(server: &ServerHandle) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
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

fn sts_as(server: &ServerHandle, key: &str, secret: &str) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "lockbox-tests"))
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

fn secrets_with_session(
    server: &ServerHandle,
    credentials: &aws_sdk_sts::types::Credentials,
) -> aws_sdk_secretsmanager::Client {
    let conf = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
            Some(credentials.session_token.clone()),
            None,
            "lockbox-tests",
        ))
        .retry_config(aws_sdk_secretsmanager::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

#[tokio::test]
async fn a_managed_session_policy_narrows_the_role_session() {
    let server = start().await;
    let root = client(&server);
    create_string_secret(&root, "app-db", "narrow").await;
    create_string_secret(&root, "billing-db", "wide").await;

    let iam = iam(&server);
    iam.create_user().user_name("ops").send().await.unwrap();
    let key = iam
        .create_access_key()
        .user_name("ops")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/ops"},"Action":"sts:AssumeRole"}]}"#;
    let role = iam
        .create_role()
        .role_name("reader")
        .assume_role_policy_document(trust)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    iam.put_role_policy()
        .role_name("reader")
        .policy_name("read-all")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let narrow = iam
        .create_policy()
        .policy_name("app-only")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"arn:aws:secretsmanager:*:*:secret:app-*"}]}"#,
        )
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let narrow_arn = narrow.arn.unwrap();

    let sts = sts_as(&server, &key.access_key_id, &key.secret_access_key);
    let wide = sts
        .assume_role()
        .role_arn(&role.arn)
        .role_session_name("wide")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let wide = secrets_with_session(&server, &wide);
    wide.get_secret_value()
        .secret_id("billing-db")
        .send()
        .await
        .expect("without session policies the role's policy decides");

    let narrowed = sts
        .assume_role()
        .role_arn(&role.arn)
        .role_session_name("narrow")
        .policy_arns(
            aws_sdk_sts::types::PolicyDescriptorType::builder()
                .arn(&narrow_arn)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    let narrowed = secrets_with_session(&server, &narrowed);
    let value = narrowed
        .get_secret_value()
        .secret_id("app-db")
        .send()
        .await
        .expect("the session policy allows app-*");
    assert_eq!(value.secret_string(), Some("narrow"));
    let (code, message) = error_of(
        narrowed
            .get_secret_value()
            .secret_id("billing-db")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        "User: arn:aws:sts::000000000000:assumed-role/reader/narrow is not authorized to perform: secretsmanager:GetSecretValue on resource: billing-db because no session policy allows the secretsmanager:GetSecretValue action"
    );
}
