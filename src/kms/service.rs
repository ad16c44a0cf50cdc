//! KMS over the wire (`X-Amz-Target: TrentService.*`): the operation table (one line per
//! served operation: model name, read or write, handler in `ops/`), and what the audit trail
//! records of a call.

use super::{KmsError, LocalKms, ops};
use crate::api::operation::{JsonService, operations, stateless};

operations! {
    /// The KMS operations Lockbox serves.
    pub enum Operation for LocalKms {
        write CancelKeyDeletion => ops::cancel_key_deletion;
        write ConnectCustomKeyStore => stateless(ops::no_such_store);
        write CreateAlias => ops::create_alias;
        write CreateCustomKeyStore => stateless(ops::create_custom_key_store);
        write CreateGrant => ops::create_grant;
        write CreateKey => ops::create_key;
        read Decrypt => ops::decrypt;
        read DeriveSharedSecret => ops::derive_shared_secret;
        write DeleteImportedKeyMaterial => ops::delete_imported_key_material;
        write DeleteAlias => ops::delete_alias;
        write DeleteCustomKeyStore => stateless(ops::no_such_store);
        read DescribeCustomKeyStores => stateless(ops::describe_custom_key_stores);
        read DescribeKey => ops::describe_key;
        write DisableKey => ops::disable_key;
        write DisableKeyRotation => ops::disable_key_rotation;
        write DisconnectCustomKeyStore => stateless(ops::no_such_store);
        write EnableKey => ops::enable_key;
        write EnableKeyRotation => ops::enable_key_rotation;
        read Encrypt => ops::encrypt;
        read GenerateDataKey => ops::generate_data_key;
        read GenerateDataKeyWithoutPlaintext => ops::generate_data_key_without_plaintext;
        read GenerateDataKeyPair => ops::generate_data_key_pair;
        read GenerateDataKeyPairWithoutPlaintext => ops::generate_data_key_pair_without_plaintext;
        read GenerateMac => ops::generate_mac;
        read GenerateRandom => stateless(ops::generate_random);
        read GetKeyLastUsage => ops::get_key_last_usage;
        read GetKeyPolicy => ops::get_key_policy;
        read GetKeyRotationStatus => ops::get_key_rotation_status;
        read GetParametersForImport => ops::get_parameters_for_import;
        read GetPublicKey => ops::get_public_key;
        write ImportKeyMaterial => ops::import_key_material;
        read ListAliases => ops::list_aliases;
        read ListGrants => ops::list_grants;
        read ListRetirableGrants => ops::list_retirable_grants;
        read ListKeyPolicies => ops::list_key_policies;
        read ListKeyRotations => ops::list_key_rotations;
        read ListKeys => ops::list_keys;
        read ListResourceTags => ops::list_resource_tags;
        write PutKeyPolicy => ops::put_key_policy;
        read ReEncrypt => ops::re_encrypt;
        write ReplicateKey => ops::replicate_key;
        write RetireGrant => ops::retire_grant;
        write RevokeGrant => ops::revoke_grant;
        write RotateKeyOnDemand => ops::rotate_key_on_demand;
        write ScheduleKeyDeletion => ops::schedule_key_deletion;
        read Sign => ops::sign;
        write TagResource => ops::tag_resource;
        write UntagResource => ops::untag_resource;
        write UpdateAlias => ops::update_alias;
        write UpdateCustomKeyStore => stateless(ops::update_custom_key_store);
        write UpdateKeyDescription => ops::update_key_description;
        write UpdatePrimaryRegion => ops::update_primary_region;
        read Verify => ops::verify;
        read VerifyMac => ops::verify_mac;
    }
}

impl JsonService for LocalKms {
    type Error = KmsError;
    const EVENT_SOURCE: &'static str = "kms.amazonaws.com";
    /// Key identifiers, encryption contexts and algorithms, key and grant options, as
    /// CloudTrail shows them; never `Plaintext`, `CiphertextBlob`, grant tokens, a policy, a
    /// `Message`, a `Signature` or a `Mac`.
    const AUDITED_REQUEST_MEMBERS: &'static [&'static str] = &[
        "AliasName",
        "BypassPolicyLockoutSafetyCheck",
        "CloudHsmClusterId",
        "Constraints",
        "CustomKeyStoreId",
        "CustomKeyStoreName",
        "CustomKeyStoreType",
        "CustomerMasterKeySpec",
        "Description",
        "DestinationEncryptionAlgorithm",
        "DestinationEncryptionContext",
        "DestinationKeyId",
        "DryRun",
        "EncryptionAlgorithm",
        "EncryptionContext",
        "ExpirationModel",
        "GrantId",
        "GranteePrincipal",
        "ImportType",
        "KeyAgreementAlgorithm",
        "KeyId",
        "KeyMaterialDescription",
        "KeyMaterialId",
        "KeyPairSpec",
        "KeySpec",
        "KeyUsage",
        "Limit",
        "MacAlgorithm",
        "Marker",
        "MessageType",
        "MultiRegion",
        "Name",
        "NewCustomKeyStoreName",
        "NumberOfBytes",
        "Operations",
        "Origin",
        "PendingWindowInDays",
        "PolicyName",
        "PrimaryRegion",
        "ReplicaRegion",
        "RetiringPrincipal",
        "RotationPeriodInDays",
        "SigningAlgorithm",
        "SourceEncryptionAlgorithm",
        "SourceEncryptionContext",
        "SourceKeyId",
        "TagKeys",
        "Tags",
        "TargetKeyId",
        "ValidTo",
        "WrappingAlgorithm",
        "WrappingKeySpec",
        "XksProxyConnectivity",
        "XksProxyUriEndpoint",
        "XksProxyUriPath",
        "XksProxyVpcEndpointServiceName",
        "XksProxyVpcEndpointServiceOwner",
    ];
    const AUDITED_RESPONSE_MEMBERS: &'static [&'static str] = &[
        "DeletionDate",
        "GrantId",
        "KeyId",
        "KeyMaterialId",
        "KeyMetadata",
        "KeyState",
        "ParametersValidTo",
        "PendingWindowInDays",
        "ReplicaKeyMetadata",
        "ReplicaTags",
    ];
}

#[cfg(test)]
mod tests {
    use super::Operation;
    use crate::api::operation::OperationTable;

    #[test]
    fn every_name_resolves_to_its_operation_and_nothing_else_does() {
        assert_eq!(Operation::ALL.len(), 54);
        for &op in Operation::ALL {
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
        let mut names: Vec<&str> = Operation::ALL.iter().map(|op| op.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Operation::ALL.len());
        assert_eq!(Operation::from_name("NoSuchOperation"), None);
        assert_eq!(Operation::from_name("decrypt"), None);
        assert_eq!(Operation::from_name(""), None);
    }

    #[test]
    fn reads_and_writes_are_marked() {
        assert!(Operation::Decrypt.read_only());
        assert!(Operation::GenerateRandom.read_only());
        assert!(!Operation::CreateKey.read_only());
        assert!(!Operation::PutKeyPolicy.read_only());
        assert_eq!(
            <Operation as OperationTable>::ALL.len(),
            Operation::ALL.len()
        );
    }
}
