//! Wire shapes of the Secrets Manager operations (PascalCase JSON, as in the botocore model).
//! Inputs accept `null` as absent; outputs omit absent members instead of writing `null`.
//! Field docs live in the botocore model; names here are the wire names in snake_case.
#![allow(missing_docs)]

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::json::{EpochSeconds, SecretBlob, SecretText};

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// Tag key (1-128 characters).
    pub key: Option<String>,
    /// Tag value (0-256 characters).
    pub value: Option<String>,
}

/// A region to replicate a secret to, with the KMS key to use there.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReplicaRegion {
    pub region: Option<String>,
    pub kms_key_id: Option<String>,
}

/// CreateSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecretInput {
    pub name: Option<String>,
    pub client_request_token: Option<String>,
    pub description: Option<String>,
    pub kms_key_id: Option<String>,
    pub secret_binary: Option<SecretBlob>,
    pub secret_string: Option<SecretText>,
    pub tags: Option<Vec<Tag>>,
    pub add_replica_regions: Option<Vec<ReplicaRegion>>,
    pub force_overwrite_replica_secret: Option<bool>,
    #[serde(rename = "Type")]
    pub secret_type: Option<String>,
}

/// CreateSecret output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecretOutput {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// GetSecretValue input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSecretValueInput {
    pub secret_id: Option<String>,
    pub version_id: Option<String>,
    pub version_stage: Option<String>,
}

/// GetSecretValue output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSecretValueOutput {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    pub version_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_binary: Option<SecretBlob>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_string: Option<SecretText>,
    pub version_stages: Vec<String>,
    pub created_date: EpochSeconds,
}

/// DescribeSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecretInput {
    pub secret_id: Option<String>,
}

/// The metadata DescribeSecret and ListSecrets both report (everything but the version map
/// and replication status); only members that have a value are sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretMetadata {
    #[serde(rename = "ARN")]
    pub arn: String,
    pub name: String,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    pub secret_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    pub last_changed_date: EpochSeconds,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_accessed_date: Option<EpochSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_date: Option<EpochSeconds>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    pub created_date: EpochSeconds,
}

/// DescribeSecret output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecretOutput {
    #[serde(flatten)]
    pub metadata: SecretMetadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_ids_to_stages: Option<BTreeMap<String, Vec<String>>>,
}

/// One `SecretList` entry of ListSecrets: DescribeSecret's metadata, with the version map
/// named `SecretVersionsToStages`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretListEntry {
    #[serde(flatten)]
    pub metadata: SecretMetadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_versions_to_stages: Option<BTreeMap<String, Vec<String>>>,
}

/// A ListSecrets / BatchGetSecretValue filter (`Key` and `Values` are checked by the service).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    pub key: Option<String>,
    pub values: Option<Vec<String>>,
}

/// One entry of ListSecretVersionIds' `Versions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretVersionsListEntry {
    pub version_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_stages: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_accessed_date: Option<EpochSeconds>,
    pub created_date: EpochSeconds,
    #[serde(rename = "KmsKeyIds")]
    pub kms_key_ids: Vec<String>,
}
