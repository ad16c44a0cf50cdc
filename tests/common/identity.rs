//! Helpers for the least-privilege tests: IAM and STS clients signing as any credentials, and
//! an IAM user created by the root user with one inline policy and a fresh access key.

use aws_credential_types::Credentials;
use lockbox::ServerHandle;

/// Long-term or temporary credentials as the SDKs take them.
#[derive(Clone, Debug)]
pub struct Keys {
    pub id: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Keys {
    /// The default account's root key.
    pub fn root() -> Self {
        Self {
            id: "test".into(),
            secret: "test".into(),
            token: None,
        }
    }

    fn provider(&self) -> Credentials {
        Credentials::new(
            &self.id,
            &self.secret,
            self.token.clone(),
            None,
            "lockbox-tests",
        )
    }

    /// The credentials an STS answer hands out.
    pub fn from_sts(issued: aws_sdk_sts::types::Credentials) -> Self {
        Self {
            id: issued.access_key_id,
            secret: issued.secret_access_key,
            token: Some(issued.session_token),
        }
    }
}

/// A Secrets Manager client signing with `keys` in us-east-1.
pub fn secrets_as(server: &ServerHandle, keys: &Keys) -> aws_sdk_secretsmanager::Client {
    let conf = super::config_builder(server, &keys.id, &keys.secret, "us-east-1")
        .credentials_provider(keys.provider())
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

/// A KMS client signing with `keys` in us-east-1.
pub fn kms_as(server: &ServerHandle, keys: &Keys) -> aws_sdk_kms::Client {
    let conf = aws_sdk_kms::Config::builder()
        .behavior_version(aws_sdk_kms::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_kms::config::Region::new("us-east-1"))
        .credentials_provider(keys.provider())
        .retry_config(aws_sdk_kms::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_kms::Client::from_conf(conf)
}

/// An IAM client signing with `keys`.
pub fn iam_as(server: &ServerHandle, keys: &Keys) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(aws_sdk_iam::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(keys.provider())
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

/// An STS client signing with `keys`.
pub fn sts_as(server: &ServerHandle, keys: &Keys) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(keys.provider())
        .retry_config(aws_sdk_sts::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

/// Creates IAM user `name` as root, gives it the inline policy `document` (when given) and
/// returns a fresh access key of it.
pub async fn user_with_policy(server: &ServerHandle, name: &str, document: Option<&str>) -> Keys {
    let iam = iam_as(server, &Keys::root());
    iam.create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    if let Some(document) = document {
        put_policy(server, name, "least-privilege", document).await;
    }
    let key = iam
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey")
        .access_key
        .expect("the new key");
    Keys {
        id: key.access_key_id,
        secret: key.secret_access_key,
        token: None,
    }
}

/// Puts (or replaces) inline policy `policy` of user `name`, as root.
pub async fn put_policy(server: &ServerHandle, name: &str, policy: &str, document: &str) {
    iam_as(server, &Keys::root())
        .put_user_policy()
        .user_name(name)
        .policy_name(policy)
        .policy_document(document)
        .send()
        .await
        .expect("PutUserPolicy");
}

/// A one-statement Allow policy document of `actions` on `resource`.
pub fn allow(actions: &[&str], resource: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resource}]
    })
    .to_string()
}
