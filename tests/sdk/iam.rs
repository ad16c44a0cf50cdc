//! IAM through aws-sdk-iam over the awsQuery edge: users and access keys (a new key signs a
//! Secrets Manager call at once; an Inactive or deleted one is refused), inline and managed
//! policies with versions, roles, groups, and a virtual MFA device enabled with real TOTP codes.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sdk_iam::config::{BehaviorVersion, Region};
use aws_sdk_iam::primitives::Blob;
use aws_sdk_iam::types::StatusType;
use lockbox::ServerHandle;

use crate::common::{client_as, error_of, start};

const ALLOW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#;
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}"#;

/// An IAM client signing with the given key, for a Region other than us-east-1 (custom
/// endpoints sign with the client's Region, and IAM is global whatever it is).
fn iam_as(server: &ServerHandle, key: &str, secret: &str) -> aws_sdk_iam::Client {
    let conf = aws_sdk_iam::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(server.endpoint_url())
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new(key, secret, None, None, "lockbox-tests"))
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_iam::Client::from_conf(conf)
}

fn iam(server: &ServerHandle) -> aws_sdk_iam::Client {
    iam_as(server, "test", "test")
}

/// The documents IAM returns are URL-encoded JSON; the Rust SDK hands them over encoded.
fn decoded(document: &str) -> serde_json::Value {
    let bytes = document.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match (bytes[at], bytes.get(at + 1..at + 3)) {
            (b'%', Some(hex)) => {
                let hex = std::str::from_utf8(hex).expect("ASCII");
                out.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    serde_json::from_slice(&out).expect("a JSON document")
}

#[tokio::test]
async fn a_new_access_key_signs_at_once_and_stops_when_inactive_or_deleted() {
    let server = start().await;
    let iam = iam(&server);
    let user = iam
        .create_user()
        .user_name("ci-reader")
        .send()
        .await
        .unwrap();
    let user = user.user.unwrap();
    assert!(user.user_id.starts_with("AIDA"));
    assert_eq!(user.arn, "arn:aws:iam::000000000000:user/ci-reader");
    // Calls are authorized: the user may list secrets and read its own user, nothing else.
    iam.put_user_policy()
        .user_name("ci-reader")
        .policy_name("list")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:ListSecrets","Resource":"*"},{"Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::*:user/${aws:username}"}]}"#)
        .send()
        .await
        .unwrap();

    let key = iam
        .create_access_key()
        .user_name("ci-reader")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    assert!(key.access_key_id.starts_with("AKIA"));
    assert_eq!(key.secret_access_key.len(), 40);

    let sm = client_as(
        &server,
        &key.access_key_id,
        &key.secret_access_key,
        "us-east-1",
    );
    sm.list_secrets().send().await.expect("the new key signs");
    let me = iam_as(&server, &key.access_key_id, &key.secret_access_key)
        .get_user()
        .send()
        .await
        .unwrap();
    assert_eq!(me.user.unwrap().user_id, user.user_id);

    iam.update_access_key()
        .user_name("ci-reader")
        .access_key_id(&key.access_key_id)
        .status(StatusType::Inactive)
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(sm.list_secrets().send().await);
    assert_eq!(code, "UnrecognizedClientException");

    iam.update_access_key()
        .user_name("ci-reader")
        .access_key_id(&key.access_key_id)
        .status(StatusType::Active)
        .send()
        .await
        .unwrap();
    sm.list_secrets().send().await.expect("active again");

    iam.create_access_key()
        .user_name("ci-reader")
        .send()
        .await
        .unwrap();
    let (code, message) = error_of(iam.create_access_key().user_name("ci-reader").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "LimitExceeded",
            "Cannot exceed quota for AccessKeysPerUser: 2"
        )
    );
    let (code, message) = error_of(iam.delete_user().user_name("ci-reader").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "DeleteConflict",
            "Cannot delete entity, must delete access keys first."
        )
    );

    iam.delete_access_key()
        .user_name("ci-reader")
        .access_key_id(&key.access_key_id)
        .send()
        .await
        .unwrap();
    let (code, _) = error_of(sm.list_secrets().send().await);
    assert_eq!(code, "UnrecognizedClientException");

    let (code, message) = error_of(iam.get_user().user_name("nobody").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("NoSuchEntity", "The user with name nobody cannot be found.")
    );
}

#[tokio::test]
async fn policies_and_their_versions() {
    let server = start().await;
    let iam = iam(&server);
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.put_user_policy()
        .user_name("alice")
        .policy_name("inline")
        .policy_document(ALLOW)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_user_policy()
        .user_name("alice")
        .policy_name("inline")
        .send()
        .await
        .unwrap();
    assert_eq!(
        decoded(&got.policy_document),
        serde_json::from_str::<serde_json::Value>(ALLOW).unwrap()
    );
    let (code, message) = error_of(
        iam.put_user_policy()
            .user_name("alice")
            .policy_name("bad")
            .policy_document("{not json")
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("MalformedPolicyDocument", "Syntax errors in policy.")
    );

    let policy = iam
        .create_policy()
        .policy_name("read-secrets")
        .policy_document(ALLOW)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let arn = policy.arn.unwrap();
    assert_eq!(policy.default_version_id.as_deref(), Some("v1"));
    for _ in 2..=5 {
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(ALLOW)
            .send()
            .await
            .unwrap();
    }
    let (code, _) = error_of(
        iam.create_policy_version()
            .policy_arn(&arn)
            .policy_document(ALLOW)
            .send()
            .await,
    );
    assert_eq!(code, "LimitExceeded");
    iam.set_default_policy_version()
        .policy_arn(&arn)
        .version_id("v3")
        .send()
        .await
        .unwrap();
    let version = iam
        .get_policy_version()
        .policy_arn(&arn)
        .version_id("v3")
        .send()
        .await
        .unwrap()
        .policy_version
        .unwrap();
    assert!(version.is_default_version);
    assert!(decoded(version.document.as_deref().unwrap()).is_object());
    let versions = iam
        .list_policy_versions()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 5);

    iam.attach_user_policy()
        .user_name("alice")
        .policy_arn(&arn)
        .send()
        .await
        .unwrap();
    let attached = iam
        .list_attached_user_policies()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_arn(),
        Some(arn.as_str())
    );
    let got = iam
        .get_policy()
        .policy_arn(&arn)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(got.attachment_count, Some(1));
    let (code, message) = error_of(iam.delete_policy().policy_arn(&arn).send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "DeleteConflict",
            "Cannot delete a policy attached to entities."
        )
    );
}

#[tokio::test]
async fn roles_and_groups() {
    let server = start().await;
    let iam = iam(&server);
    let role = iam
        .create_role()
        .role_name("app")
        .path("/svc/")
        .assume_role_policy_document(TRUST)
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert!(role.role_id.starts_with("AROA"));
    assert_eq!(role.arn, "arn:aws:iam::000000000000:role/svc/app");
    let (code, _) = error_of(
        iam.update_role()
            .role_name("app")
            .max_session_duration(60)
            .send()
            .await,
    );
    assert_eq!(code, "ValidationError");
    iam.update_role()
        .role_name("app")
        .max_session_duration(7200)
        .send()
        .await
        .unwrap();
    let got = iam
        .get_role()
        .role_name("app")
        .send()
        .await
        .unwrap()
        .role
        .unwrap();
    assert_eq!(got.max_session_duration, Some(7200));
    assert_eq!(
        decoded(got.assume_role_policy_document.as_deref().unwrap()),
        serde_json::from_str::<serde_json::Value>(TRUST).unwrap()
    );
    let (code, message) = error_of(
        iam.create_role()
            .role_name("APP")
            .assume_role_policy_document(TRUST)
            .send()
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("EntityAlreadyExists", "Role with name APP already exists.")
    );

    iam.create_user().user_name("alice").send().await.unwrap();
    iam.create_group().group_name("devs").send().await.unwrap();
    iam.add_user_to_group()
        .group_name("devs")
        .user_name("alice")
        .send()
        .await
        .unwrap();
    let group = iam.get_group().group_name("devs").send().await.unwrap();
    assert_eq!(group.users()[0].user_name, "alice");
    let (code, _) = error_of(iam.delete_group().group_name("devs").send().await);
    assert_eq!(code, "DeleteConflict");
}

/// The code a virtual device with `seed` shows at `unix` seconds, from lockbox's RFC 6238
/// implementation (itself checked against the RFC's vectors).
fn code_at(seed: &[u8], unix: i64) -> String {
    lockbox::iam::device_code(seed, lockbox::iam::time_step(unix))
}

#[tokio::test]
async fn a_virtual_mfa_device_is_enabled_with_two_consecutive_codes() {
    let server = start().await;
    let iam = iam(&server);
    iam.create_user().user_name("alice").send().await.unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("alice-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let serial = device.serial_number.clone();
    assert_eq!(serial, "arn:aws:iam::000000000000:mfa/alice-phone");
    let png = device.qr_code_png.map(Blob::into_inner).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    let base32 = device.base32_string_seed.map(Blob::into_inner).unwrap();
    let seed = lockbox::iam::base32_decode(std::str::from_utf8(&base32).unwrap()).unwrap();

    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let (code, _) = error_of(
        iam.enable_mfa_device()
            .user_name("alice")
            .serial_number(&serial)
            .authentication_code1(code_at(&seed, now))
            .authentication_code2(code_at(&seed, now - 30))
            .send()
            .await,
    );
    assert_eq!(code, "InvalidAuthenticationCode");
    iam.enable_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .authentication_code1(code_at(&seed, now - 30))
        .authentication_code2(code_at(&seed, now))
        .send()
        .await
        .unwrap();
    let devices = iam
        .list_mfa_devices()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(devices.mfa_devices()[0].serial_number, serial);
    let (code, message) = error_of(iam.delete_user().user_name("alice").send().await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        (
            "DeleteConflict",
            "Cannot delete entity, must delete MFA device first."
        )
    );
    iam.deactivate_mfa_device()
        .user_name("alice")
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    iam.delete_virtual_mfa_device()
        .serial_number(&serial)
        .send()
        .await
        .unwrap();
    iam.delete_user().user_name("alice").send().await.unwrap();
}

#[tokio::test]
async fn the_audit_trail_records_iam_calls_without_secrets_or_codes() {
    let server = start().await;
    let iam = iam(&server);
    iam.create_user().user_name("audited").send().await.unwrap();
    let key = iam
        .create_access_key()
        .user_name("audited")
        .send()
        .await
        .unwrap()
        .access_key
        .unwrap();
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("audited-phone")
        .send()
        .await
        .unwrap()
        .virtual_mfa_device
        .unwrap();
    let base32 = device.base32_string_seed.map(Blob::into_inner).unwrap();
    let base32 = String::from_utf8(base32).unwrap();
    let seed = lockbox::iam::base32_decode(&base32).unwrap();
    let now = i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    let (first, second) = (code_at(&seed, now - 30), code_at(&seed, now));
    iam.enable_mfa_device()
        .user_name("audited")
        .serial_number(&device.serial_number)
        .authentication_code1(&first)
        .authentication_code2(&second)
        .send()
        .await
        .unwrap();

    let events =
        crate::common::admin::admin_call(&server, "GET", "/_lockbox/events?calls=direct", None)
            .await
            .json();
    let records = events["Records"].as_array().unwrap();
    let names: Vec<&str> = records
        .iter()
        .filter(|record| record["eventSource"] == "iam.amazonaws.com")
        .filter_map(|record| record["eventName"].as_str())
        .collect();
    for expected in [
        "CreateUser",
        "CreateAccessKey",
        "CreateVirtualMFADevice",
        "EnableMFADevice",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let enable = records
        .iter()
        .find(|record| record["eventName"] == "EnableMFADevice")
        .unwrap();
    assert_eq!(
        enable["requestParameters"]["userName"], "audited",
        "{enable}"
    );
    let text = events.to_string();
    assert!(
        !text.contains(&key.secret_access_key),
        "a secret key in the trail"
    );
    assert!(!text.contains(&base32), "an MFA seed in the trail");
    assert!(
        !text.contains(&format!("\"{first}\"")) && !text.contains(&format!("\"{second}\"")),
        "MFA codes in the trail"
    );
}
