//! Helpers of the multi-Region key tests: a client per Region, primaries and replicas.

use aws_sdk_kms::types::{KeyMetadata, KeySpec, KeyUsageType, MultiRegionKeyType};
use lockbox::ServerHandle;

use crate::common::kms_client_as;

/// The primary's Region in these tests.
pub const EAST: &str = "us-east-1";
/// A replica's Region.
pub const WEST: &str = "us-west-2";
/// Another replica's Region.
pub const EU: &str = "eu-west-1";

/// A KMS client of the default account in `region`.
pub fn kms_in(server: &ServerHandle, region: &str) -> aws_sdk_kms::Client {
    kms_client_as(server, "test", "test", region)
}

/// Creates a multi-Region primary key of `spec`/`usage` (symmetric when `None`) through
/// `kms`; returns its metadata.
pub async fn new_primary(
    kms: &aws_sdk_kms::Client,
    kind: Option<(KeySpec, KeyUsageType)>,
) -> KeyMetadata {
    let mut call = kms.create_key().multi_region(true);
    if let Some((spec, usage)) = kind {
        call = call.key_spec(spec).key_usage(usage);
    }
    call.send()
        .await
        .expect("CreateKey")
        .key_metadata
        .expect("KeyMetadata")
}

/// Replicates key `id` (of `kms`'s Region) into `region`; returns the replica's metadata.
pub async fn replicate(kms: &aws_sdk_kms::Client, id: &str, region: &str) -> KeyMetadata {
    kms.replicate_key()
        .key_id(id)
        .replica_region(region)
        .send()
        .await
        .expect("ReplicateKey")
        .replica_key_metadata
        .expect("ReplicaKeyMetadata")
}

/// The metadata of `id` in `kms`'s Region.
pub async fn describe(kms: &aws_sdk_kms::Client, id: &str) -> KeyMetadata {
    kms.describe_key()
        .key_id(id)
        .send()
        .await
        .expect("DescribeKey")
        .key_metadata
        .expect("KeyMetadata")
}

/// `(type, primary Region, replica Regions)` of a key's `MultiRegionConfiguration`.
pub fn roles(meta: &KeyMetadata) -> (MultiRegionKeyType, String, Vec<String>) {
    let config = meta
        .multi_region_configuration()
        .expect("MultiRegionConfiguration");
    (
        config.multi_region_key_type().expect("type").clone(),
        config
            .primary_key()
            .and_then(|k| k.region())
            .expect("PrimaryKey")
            .to_owned(),
        config
            .replica_keys()
            .iter()
            .map(|k| k.region().expect("Region").to_owned())
            .collect(),
    )
}

/// The key ARN of `id` in `region` of the default account.
pub fn arn_in(region: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:000000000000:key/{id}")
}
