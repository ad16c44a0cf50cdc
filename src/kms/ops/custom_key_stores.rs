//! The custom key store operations, answered as KMS answers an account that has no custom key
//! store and cannot make one: Lockbox has no CloudHSM cluster and no external key store proxy
//! to connect to. After the model's constraints:
//! - DescribeCustomKeyStores lists none (`{"CustomKeyStores": [], "Truncated": false}`); naming
//!   a store by id or by name is `CustomKeyStoreNotFoundException`, naming both a
//!   `ValidationException`, and no `Marker` can be one Lockbox issued;
//! - Connect-, Disconnect-, Update- and DeleteCustomKeyStore: `CustomKeyStoreNotFoundException`;
//! - CreateCustomKeyStore: for `AWS_CLOUDHSM` (the default type) the cluster does not exist
//!   (`CloudHsmClusterNotFoundException`); for `EXTERNAL_KEY_STORE` the proxy cannot be
//!   reached (`XksProxyUriUnreachableException`) or, with `VPC_ENDPOINT_SERVICE`
//!   connectivity, the endpoint service does not exist
//!   (`XksProxyVpcEndpointServiceNotFoundException`);
//! - CreateKey in a custom key store ([`check_key_store`]): `CustomKeyStoreNotFoundException`
//!   for a `CustomKeyStoreId`, a `ValidationException` for an `AWS_CLOUDHSM` or
//!   `EXTERNAL_KEY_STORE` origin without one.
//!
//! None of these texts is documented by AWS; they are Lockbox's, in AWS's style. Secrets such as
//! `KeyStorePassword` and the proxy credential are never echoed.

use serde::{Deserialize, Serialize};

use super::super::KmsError;
use super::super::paging::INVALID_MARKER;
use crate::api::validate::{Echo, Validator};

/// `CustomKeyStoreNotFoundException` for the store `id`.
pub fn store_not_found(id: &str) -> KmsError {
    KmsError::CustomKeyStoreNotFound(format!("Custom key store '{id}' does not exist."))
}

/// The model's `CustomKeyStoreType`.
const STORE_TYPES: [&str; 2] = ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];
/// The model's `XksProxyConnectivityType`.
const CONNECTIVITY: [&str; 2] = ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"];

/// Input of the operations that take only a store id (Connect-, Disconnect-,
/// DeleteCustomKeyStore).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomKeyStoreIdInput {
    custom_key_store_id: Option<String>,
}

/// The proxy credential of an external key store (typed so that a wrong JSON type is a
/// `SerializationException`; its secret member is never echoed).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct XksProxyAuthenticationCredential {
    access_key_id: Option<String>,
    raw_secret_access_key: Option<String>,
}

/// CreateCustomKeyStore input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateCustomKeyStoreInput {
    custom_key_store_name: Option<String>,
    cloud_hsm_cluster_id: Option<String>,
    trust_anchor_certificate: Option<String>,
    key_store_password: Option<String>,
    custom_key_store_type: Option<String>,
    xks_proxy_uri_endpoint: Option<String>,
    xks_proxy_uri_path: Option<String>,
    xks_proxy_vpc_endpoint_service_name: Option<String>,
    xks_proxy_vpc_endpoint_service_owner: Option<String>,
    xks_proxy_authentication_credential: Option<XksProxyAuthenticationCredential>,
    xks_proxy_connectivity: Option<String>,
}

/// UpdateCustomKeyStore input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateCustomKeyStoreInput {
    custom_key_store_id: Option<String>,
    new_custom_key_store_name: Option<String>,
    key_store_password: Option<String>,
    cloud_hsm_cluster_id: Option<String>,
    xks_proxy_uri_endpoint: Option<String>,
    xks_proxy_uri_path: Option<String>,
    xks_proxy_vpc_endpoint_service_name: Option<String>,
    xks_proxy_vpc_endpoint_service_owner: Option<String>,
    xks_proxy_authentication_credential: Option<XksProxyAuthenticationCredential>,
    xks_proxy_connectivity: Option<String>,
}

/// The members CreateCustomKeyStore and UpdateCustomKeyStore share, borrowed for validation.
struct StoreSettings<'a> {
    cloud_hsm_cluster_id: Option<&'a str>,
    key_store_password: Option<&'a str>,
    xks_proxy_uri_endpoint: Option<&'a str>,
    xks_proxy_uri_path: Option<&'a str>,
    xks_proxy_vpc_endpoint_service_name: Option<&'a str>,
    xks_proxy_vpc_endpoint_service_owner: Option<&'a str>,
    xks_proxy_authentication_credential: Option<&'a XksProxyAuthenticationCredential>,
    xks_proxy_connectivity: Option<&'a str>,
}

/// `settings()` for an input that carries the store settings members under their model names
/// (both inputs list them as plain members, so a refused member keeps its own path).
macro_rules! store_settings_of {
    ($input:ty) => {
        impl $input {
            fn settings(&self) -> StoreSettings<'_> {
                StoreSettings {
                    cloud_hsm_cluster_id: self.cloud_hsm_cluster_id.as_deref(),
                    key_store_password: self.key_store_password.as_deref(),
                    xks_proxy_uri_endpoint: self.xks_proxy_uri_endpoint.as_deref(),
                    xks_proxy_uri_path: self.xks_proxy_uri_path.as_deref(),
                    xks_proxy_vpc_endpoint_service_name: self
                        .xks_proxy_vpc_endpoint_service_name
                        .as_deref(),
                    xks_proxy_vpc_endpoint_service_owner: self
                        .xks_proxy_vpc_endpoint_service_owner
                        .as_deref(),
                    xks_proxy_authentication_credential: self
                        .xks_proxy_authentication_credential
                        .as_ref(),
                    xks_proxy_connectivity: self.xks_proxy_connectivity.as_deref(),
                }
            }
        }
    };
}

store_settings_of!(CreateCustomKeyStoreInput);
store_settings_of!(UpdateCustomKeyStoreInput);

/// DescribeCustomKeyStores input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCustomKeyStoresInput {
    custom_key_store_id: Option<String>,
    custom_key_store_name: Option<String>,
    limit: Option<i64>,
    marker: Option<String>,
}

/// CreateCustomKeyStore output (never produced: creation always fails here).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateCustomKeyStoreOutput {
    custom_key_store_id: String,
}

/// DescribeCustomKeyStores output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCustomKeyStoresOutput {
    custom_key_stores: Vec<serde_json::Value>,
    truncated: bool,
}

fn validate_store_id(v: &mut Validator, id: Option<&String>) {
    v.required("CustomKeyStoreId", id);
    v.length(
        "CustomKeyStoreId",
        id.map(String::as_str),
        1,
        64,
        Echo::Value,
    );
}

fn is_cluster_id(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("cluster-") else {
        return false;
    };
    (11..=16).contains(&rest.len())
        && rest
            .chars()
            .all(|c| c.is_ascii_alphabetic() || ('2'..='7').contains(&c))
}

fn is_https_endpoint(value: &str) -> bool {
    value.strip_prefix("https://").is_some_and(|host| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

fn is_proxy_path(value: &str) -> bool {
    let Some((prefix, version)) = value.rsplit_once("/kms/xks/v") else {
        return false;
    };
    let version_ok =
        (1..=2).contains(&version.len()) && version.chars().all(|c| c.is_ascii_digit());
    let prefix_ok = prefix.is_empty()
        || (prefix.starts_with('/')
            && prefix.len() > 1
            && prefix[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c)));
    version_ok && prefix_ok
}

fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.chars().all(|c| c.is_ascii_digit())
}

impl StoreSettings<'_> {
    /// The model's constraints of the shared members, in member order.
    fn validate(&self, v: &mut Validator) {
        let cluster = self.cloud_hsm_cluster_id;
        v.length("CloudHsmClusterId", cluster, 19, 24, Echo::Value);
        v.pattern(
            "CloudHsmClusterId",
            cluster,
            "cluster-[2-7a-zA-Z]{11,16}",
            is_cluster_id,
        );
        v.length(
            "KeyStorePassword",
            self.key_store_password,
            7,
            32,
            Echo::Redact,
        );
        let endpoint = self.xks_proxy_uri_endpoint;
        v.length("XksProxyUriEndpoint", endpoint, 10, 128, Echo::Value);
        v.pattern(
            "XksProxyUriEndpoint",
            endpoint,
            "^https://[a-zA-Z0-9.-]+$",
            is_https_endpoint,
        );
        let path = self.xks_proxy_uri_path;
        v.length("XksProxyUriPath", path, 10, 128, Echo::Value);
        v.pattern(
            "XksProxyUriPath",
            path,
            r"^(/[a-zA-Z0-9\/_-]+/kms/xks/v\d{1,2})$|^(/kms/xks/v\d{1,2})$",
            is_proxy_path,
        );
        v.length(
            "XksProxyVpcEndpointServiceName",
            self.xks_proxy_vpc_endpoint_service_name,
            20,
            64,
            Echo::Value,
        );
        let owner = self.xks_proxy_vpc_endpoint_service_owner;
        v.length(
            "XksProxyVpcEndpointServiceOwner",
            owner,
            12,
            12,
            Echo::Value,
        );
        v.pattern(
            "XksProxyVpcEndpointServiceOwner",
            owner,
            "[0-9]{12}",
            is_account_id,
        );
        if let Some(credential) = self.xks_proxy_authentication_credential {
            let access = credential.access_key_id.as_deref();
            let secret = credential.raw_secret_access_key.as_deref();
            v.required(
                "XksProxyAuthenticationCredential.accessKeyId",
                credential.access_key_id.as_ref(),
            );
            v.length(
                "XksProxyAuthenticationCredential.accessKeyId",
                access,
                20,
                30,
                Echo::Redact,
            );
            v.required(
                "XksProxyAuthenticationCredential.rawSecretAccessKey",
                credential.raw_secret_access_key.as_ref(),
            );
            v.length(
                "XksProxyAuthenticationCredential.rawSecretAccessKey",
                secret,
                43,
                64,
                Echo::Redact,
            );
        }
        v.one_of(
            "XksProxyConnectivity",
            self.xks_proxy_connectivity,
            &CONNECTIVITY,
        );
    }
}

/// Serves CreateCustomKeyStore: it always fails, as creation needs a cluster or a proxy that
/// does not exist here.
pub fn create_custom_key_store(
    input: CreateCustomKeyStoreInput,
) -> Result<CreateCustomKeyStoreOutput, KmsError> {
    let mut v = Validator::new();
    let name = input.custom_key_store_name.as_ref();
    v.required("CustomKeyStoreName", name);
    v.length(
        "CustomKeyStoreName",
        name.map(String::as_str),
        1,
        256,
        Echo::Value,
    );
    let settings = input.settings();
    settings.validate(&mut v);
    v.length(
        "TrustAnchorCertificate",
        input.trust_anchor_certificate.as_deref(),
        1,
        5000,
        Echo::Value,
    );
    v.one_of(
        "CustomKeyStoreType",
        input.custom_key_store_type.as_deref(),
        &STORE_TYPES,
    );
    v.finish()?;
    match input.custom_key_store_type.as_deref() {
        Some("EXTERNAL_KEY_STORE") => match settings.xks_proxy_connectivity {
            Some("VPC_ENDPOINT_SERVICE") => Err(KmsError::KeyStore(
                "XksProxyVpcEndpointServiceNotFoundException",
                format!(
                    "The VPC endpoint service {} was not found.",
                    settings
                        .xks_proxy_vpc_endpoint_service_name
                        .unwrap_or_default()
                ),
            )),
            _ => Err(KmsError::KeyStore(
                "XksProxyUriUnreachableException",
                format!(
                    "KMS cannot reach the external key store proxy at {}.",
                    settings.xks_proxy_uri_endpoint.unwrap_or_default()
                ),
            )),
        },
        _ => Err(KmsError::KeyStore(
            "CloudHsmClusterNotFoundException",
            format!(
                "The CloudHSM cluster {} was not found.",
                settings.cloud_hsm_cluster_id.unwrap_or_default()
            ),
        )),
    }
}

/// Serves ConnectCustomKeyStore, DisconnectCustomKeyStore and DeleteCustomKeyStore: no store
/// has that id.
pub fn no_such_store(input: CustomKeyStoreIdInput) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_store_id(&mut v, input.custom_key_store_id.as_ref());
    v.finish()?;
    Err(store_not_found(
        input.custom_key_store_id.as_deref().unwrap_or_default(),
    ))
}

/// Serves UpdateCustomKeyStore: no store has that id.
pub fn update_custom_key_store(input: UpdateCustomKeyStoreInput) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_store_id(&mut v, input.custom_key_store_id.as_ref());
    v.length(
        "NewCustomKeyStoreName",
        input.new_custom_key_store_name.as_deref(),
        1,
        256,
        Echo::Value,
    );
    input.settings().validate(&mut v);
    v.finish()?;
    Err(store_not_found(
        input.custom_key_store_id.as_deref().unwrap_or_default(),
    ))
}

/// Serves DescribeCustomKeyStores: there are none.
pub fn describe_custom_key_stores(
    input: DescribeCustomKeyStoresInput,
) -> Result<DescribeCustomKeyStoresOutput, KmsError> {
    let mut v = Validator::new();
    let id = input.custom_key_store_id.as_deref();
    let name = input.custom_key_store_name.as_deref();
    v.length("CustomKeyStoreId", id, 1, 64, Echo::Value);
    v.length("CustomKeyStoreName", name, 1, 256, Echo::Value);
    v.range("Limit", input.limit, 1, 1000);
    v.length("Marker", input.marker.as_deref(), 1, 1024, Echo::Value);
    v.finish()?;
    match (id, name) {
        (Some(_), Some(_)) => Err(KmsError::Validation(
            "You cannot specify both CustomKeyStoreId and CustomKeyStoreName in the same request."
                .into(),
        )),
        (Some(id), None) => Err(store_not_found(id)),
        (None, Some(name)) => Err(KmsError::CustomKeyStoreNotFound(format!(
            "Custom key store with name '{name}' does not exist."
        ))),
        (None, None) if input.marker.is_some() => {
            Err(KmsError::InvalidMarker(INVALID_MARKER.to_owned()))
        }
        (None, None) => Ok(DescribeCustomKeyStoresOutput {
            custom_key_stores: Vec::new(),
            truncated: false,
        }),
    }
}

/// CreateKey's check of a key in a custom key store (see the module doc); run after the
/// model's constraints.
pub fn check_key_store(
    origin: Option<&str>,
    custom_key_store_id: Option<&str>,
) -> Result<(), KmsError> {
    if let Some(id) = custom_key_store_id {
        return Err(store_not_found(id));
    }
    match origin {
        Some(origin @ ("AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE")) => Err(KmsError::Validation(
            format!("A CustomKeyStoreId is required to create a KMS key with Origin {origin}."),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_patterns_are_checked() {
        assert!(!is_cluster_id("cluster-1a23b4cdefg"));
        assert!(is_cluster_id("cluster-abcdefghijk"));
        assert!(is_cluster_id("cluster-a2b3c4d5e6f7"));
        assert!(!is_cluster_id("cluster-abc"));
        assert!(is_https_endpoint("https://proxy.example.com"));
        assert!(!is_https_endpoint("http://proxy.example.com"));
        assert!(is_proxy_path("/kms/xks/v1"));
        assert!(is_proxy_path("/example/prefix/kms/xks/v12"));
        assert!(!is_proxy_path("/kms/xks/v123"));
        assert!(!is_proxy_path("kms/xks/v1"));
        assert!(is_account_id("111122223333"));
        assert!(!is_account_id("11112222333a"));
    }

    #[test]
    fn a_key_in_a_custom_key_store_is_refused() {
        assert_eq!(
            check_key_store(None, Some("cks-1234567890abcdef0")).map_err(|e| e.code()),
            Err("CustomKeyStoreNotFoundException")
        );
        assert_eq!(
            check_key_store(Some("AWS_CLOUDHSM"), None).map_err(|e| e.code()),
            Err("ValidationException")
        );
        assert!(check_key_store(Some("AWS_KMS"), None).is_ok());
        assert!(check_key_store(None, None).is_ok());
    }
}
