//! Listeners standing for VPC interface endpoints: requests through them carry
//! `aws:SourceVpce` / `aws:SourceVpc` (and no `aws:SourceIp`), requests on the main port
//! carry neither, and an endpoint's policy must also allow what comes through it.

use lockbox::config::vpc_endpoints::{VpcEndpoint, VpcEndpointEntry};
use lockbox::{Config, ServerHandle};

use crate::common::{client, config_builder, create_string_secret, error_of, start_with};

const OPEN: &str = "vpce-0a1b2c3d4e5f60718";
const READ_ONLY: &str = "vpce-0fedcba9876543210";
const VPC: &str = "vpc-0abc1234";
const ROOT: &str = "arn:aws:iam::000000000000:root";

/// A server with two endpoints: `OPEN` without a policy, and `READ_ONLY` whose policy allows
/// only GetSecretValue and explicitly denies DeleteSecret.
async fn start_with_endpoints() -> ServerHandle {
    let read_only = serde_json::json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:DeleteSecret", "Resource": "*"}
    ]});
    let endpoint = |id: &str, policy: Option<String>| {
        VpcEndpoint::resolve(
            0,
            VpcEndpointEntry {
                listen: ([127, 0, 0, 1], 0).into(),
                id: id.to_owned(),
                vpc: VPC.to_owned(),
                policy,
            },
        )
        .expect("a valid endpoint")
    };
    start_with(Config {
        vpc_endpoints: vec![
            endpoint(OPEN, None),
            endpoint(READ_ONLY, Some(read_only.to_string())),
        ],
        ..Config::for_tests()
    })
    .await
}

/// A root client talking to the listener of endpoint `id`.
fn through(server: &ServerHandle, id: &str) -> aws_sdk_secretsmanager::Client {
    let url = server.endpoint_url_of(id).expect("the endpoint listens");
    let conf = config_builder(server, "test", "test", "us-east-1")
        .endpoint_url(url)
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

#[tokio::test]
async fn a_privatelink_only_secret_is_readable_through_its_endpoint_alone() {
    let server = start_with_endpoints().await;
    let sm = client(&server);
    create_string_secret(&sm, "private", "hush").await;
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:SourceVpce": OPEN}}
    }]});
    sm.put_resource_policy()
        .secret_id("private")
        .resource_policy(policy.to_string())
        .send()
        .await
        .expect("PutResourcePolicy");

    let read = through(&server, OPEN)
        .get_secret_value()
        .secret_id("private")
        .send()
        .await
        .expect("readable through the endpoint");
    assert_eq!(read.secret_string(), Some("hush"));

    let (code, message) = error_of(sm.get_secret_value().secret_id("private").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: secretsmanager:GetSecretValue on resource: private with an explicit deny in a resource-based policy"
        )
    );
    // Another endpoint is not the one the policy names.
    let (code, _) = error_of(
        through(&server, READ_ONLY)
            .get_secret_value()
            .secret_id("private")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
}

#[tokio::test]
async fn requests_through_an_endpoint_carry_its_vpc_and_no_source_ip() {
    let server = start_with_endpoints().await;
    let sm = client(&server);
    create_string_secret(&sm, "by-network", "v").await;
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}},
        {"Effect": "Deny", "Principal": "*", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"StringNotEqualsIfExists": {"aws:SourceVpc": VPC}}}
    ]});
    sm.put_resource_policy()
        .secret_id("by-network")
        .resource_policy(policy.to_string())
        .send()
        .await
        .expect("PutResourcePolicy");
    through(&server, OPEN)
        .get_secret_value()
        .secret_id("by-network")
        .send()
        .await
        .expect("no source address through the endpoint, and the VPC matches");
    let (code, _) = error_of(sm.get_secret_value().secret_id("by-network").send().await);
    assert_eq!(code, "AccessDeniedException");
}

#[tokio::test]
async fn the_endpoint_policy_must_also_allow_the_call() {
    let server = start_with_endpoints().await;
    create_string_secret(&client(&server), "app", "v1").await;
    let endpoint = through(&server, READ_ONLY);

    // Allowed by the endpoint policy (the KMS call Secrets Manager makes to decrypt is not
    // judged by it).
    let read = endpoint
        .get_secret_value()
        .secret_id("app")
        .send()
        .await
        .expect("GetSecretValue through the endpoint");
    assert_eq!(read.secret_string(), Some("v1"));

    let (code, message) = error_of(
        endpoint
            .put_secret_value()
            .secret_id("app")
            .secret_string("v2")
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: secretsmanager:PutSecretValue on resource: app because no VPC endpoint policy allows the secretsmanager:PutSecretValue action"
        )
    );

    let (code, message) = error_of(endpoint.delete_secret().secret_id("app").send().await);
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: secretsmanager:DeleteSecret on resource: app with an explicit deny in a VPC endpoint policy"
        )
    );

    // The main port has no endpoint policy in the way.
    client(&server)
        .put_secret_value()
        .secret_id("app")
        .secret_string("v2")
        .send()
        .await
        .expect("PutSecretValue on the main port");
}

#[tokio::test]
async fn the_emulator_builder_declares_endpoints_and_refuses_bad_ones() {
    let deny_all =
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
    let emulator = lockbox::Emulator::builder()
        .vpc_endpoint(OPEN, VPC, Some(deny_all))
        .start()
        .await
        .expect("start");
    let url = emulator
        .vpc_endpoint_url(OPEN)
        .expect("the endpoint listens");
    assert!(emulator.vpc_endpoint_url(READ_ONLY).is_none());
    let conf = config_builder(emulator.server(), "test", "test", "us-east-1")
        .endpoint_url(url)
        .build();
    let (code, message) = error_of(
        aws_sdk_secretsmanager::Client::from_conf(conf)
            .list_secrets()
            .send()
            .await,
    );
    assert_eq!(code, "AccessDeniedException");
    assert_eq!(
        message,
        format!(
            "User: {ROOT} is not authorized to perform: secretsmanager:ListSecrets on resource: * with an explicit deny in a VPC endpoint policy"
        )
    );

    let refused = lockbox::Emulator::builder()
        .vpc_endpoint("vpce-123", VPC, None)
        .start()
        .await;
    assert!(
        matches!(&refused, Err(lockbox::EmulatorError::Config(message)) if message.contains("vpc_endpoints[0]: id must be")),
        "{refused:?}"
    );
}
