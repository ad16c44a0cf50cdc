//! The custom key store operations through the official Rust SDK, answered as KMS answers an
//! account that has none: an empty DescribeCustomKeyStores, `CustomKeyStoreNotFoundException`
//! for any named store (CreateKey and GenerateRandom included), creation failing on the
//! missing cluster or proxy, and the model's constraints.
#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use aws_sdk_kms::types::{
    CustomKeyStoreType, OriginType, XksProxyAuthenticationCredentialType, XksProxyConnectivityType,
};

use crate::common::{assert_error, kms_client, start};

const STORE: &str = "cks-1234567890abcdef0";

#[tokio::test]
async fn there_are_no_custom_key_stores() {
    let server = start().await;
    let kms = kms_client(&server);
    let listed = kms.describe_custom_key_stores().send().await.unwrap();
    assert!(listed.custom_key_stores().is_empty());
    assert!(!listed.truncated());
    assert_eq!(listed.next_marker(), None);
    assert_error(
        kms.describe_custom_key_stores()
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        format!("Custom key store '{STORE}' does not exist."),
    );
    assert_error(
        kms.describe_custom_key_stores()
            .custom_key_store_name("ExampleKeyStore")
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        "Custom key store with name 'ExampleKeyStore' does not exist.",
    );
    assert_error(
        kms.describe_custom_key_stores()
            .custom_key_store_id(STORE)
            .custom_key_store_name("ExampleKeyStore")
            .send()
            .await,
        "ValidationException",
        "You cannot specify both CustomKeyStoreId and CustomKeyStoreName in the same request.",
    );
    assert_error(
        kms.describe_custom_key_stores()
            .marker("bogus")
            .send()
            .await,
        "InvalidMarkerException",
        "The request was rejected because the marker that specifies where pagination should next begin is not valid.",
    );
    assert_error(
        kms.describe_custom_key_stores().limit(0).send().await,
        "ValidationException",
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );

    let not_found = format!("Custom key store '{STORE}' does not exist.");
    assert_error(
        kms.connect_custom_key_store()
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        &not_found,
    );
    assert_error(
        kms.disconnect_custom_key_store()
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        &not_found,
    );
    assert_error(
        kms.delete_custom_key_store()
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        &not_found,
    );
    assert_error(
        kms.update_custom_key_store()
            .custom_key_store_id(STORE)
            .new_custom_key_store_name("renamed")
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        &not_found,
    );
    assert_error(
        kms.update_custom_key_store()
            .custom_key_store_id(STORE)
            .key_store_password("short")
            .send()
            .await,
        "ValidationException",
        "1 validation error detected: Value at 'keyStorePassword' failed to satisfy constraint: Member must have length greater than or equal to 7",
    );
}

#[tokio::test]
async fn creating_a_store_fails_on_the_missing_cluster_or_proxy() {
    let server = start().await;
    let kms = kms_client(&server);
    assert_error(
        kms.create_custom_key_store()
            .custom_key_store_name("ExampleKeyStore")
            .cloud_hsm_cluster_id("cluster-abcdefghijk")
            .key_store_password("kmsPswd")
            .trust_anchor_certificate("<certificate>")
            .send()
            .await,
        "CloudHsmClusterNotFoundException",
        "The CloudHSM cluster cluster-abcdefghijk was not found.",
    );
    let credential = XksProxyAuthenticationCredentialType::builder()
        .access_key_id("ABCDE12345670EXAMPLE")
        .raw_secret_access_key("DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=")
        .build()
        .unwrap();
    let xks = || {
        kms.create_custom_key_store()
            .custom_key_store_name("ExampleExternalKeyStore")
            .custom_key_store_type(CustomKeyStoreType::ExternalKeyStore)
            .xks_proxy_uri_endpoint("https://myproxy.xks.example.com")
            .xks_proxy_uri_path("/kms/xks/v1")
            .xks_proxy_authentication_credential(credential.clone())
    };
    assert_error(
        xks()
            .xks_proxy_connectivity(XksProxyConnectivityType::PublicEndpoint)
            .send()
            .await,
        "XksProxyUriUnreachableException",
        "KMS cannot reach the external key store proxy at https://myproxy.xks.example.com.",
    );
    assert_error(
        xks()
            .xks_proxy_connectivity(XksProxyConnectivityType::VpcEndpointService)
            .xks_proxy_vpc_endpoint_service_name("com.amazonaws.vpce.us-east-1.vpce-svc-example")
            .send()
            .await,
        "XksProxyVpcEndpointServiceNotFoundException",
        "The VPC endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-example was not found.",
    );
    let (code, message) =
        crate::common::error_of(xks().xks_proxy_uri_path("kms/xks/v1").send().await);
    assert_eq!(code, "ValidationException");
    assert!(message.contains("at 'xksProxyUriPath'"), "{message}");
    // The proxy secret is never echoed.
    let (code, message) = crate::common::error_of(
        xks()
            .xks_proxy_authentication_credential(
                XksProxyAuthenticationCredentialType::builder()
                    .access_key_id("short")
                    .raw_secret_access_key("tiny-secret-value")
                    .build()
                    .unwrap(),
            )
            .send()
            .await,
    );
    assert_eq!(code, "ValidationException");
    assert!(!message.contains("tiny-secret-value"), "{message}");
}

#[tokio::test]
async fn keys_and_random_bytes_in_a_custom_key_store_are_refused() {
    let server = start().await;
    let kms = kms_client(&server);
    assert_error(
        kms.create_key().custom_key_store_id(STORE).send().await,
        "CustomKeyStoreNotFoundException",
        format!("Custom key store '{STORE}' does not exist."),
    );
    assert_error(
        kms.create_key()
            .origin(OriginType::AwsCloudhsm)
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        format!("Custom key store '{STORE}' does not exist."),
    );
    for origin in [OriginType::AwsCloudhsm, OriginType::ExternalKeyStore] {
        let name = origin.as_str().to_owned();
        assert_error(
            kms.create_key().origin(origin).send().await,
            "ValidationException",
            format!("A CustomKeyStoreId is required to create a KMS key with Origin {name}."),
        );
    }
    assert_error(
        kms.generate_random()
            .number_of_bytes(8)
            .custom_key_store_id(STORE)
            .send()
            .await,
        "CustomKeyStoreNotFoundException",
        format!("Custom key store '{STORE}' does not exist."),
    );
}
