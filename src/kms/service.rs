//! KMS over the wire (`X-Amz-Target: TrentService.*`): the [`Operation`] enum and the
//! dispatch from an operation to its handler in `ops/`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{KmsError, LocalKms, ops};
use crate::api::ctx::RequestCtx;
use crate::api::json;

/// The KMS operations Lockbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// CancelKeyDeletion.
    CancelKeyDeletion,
    /// CreateAlias.
    CreateAlias,
    /// CreateGrant.
    CreateGrant,
    /// CreateKey.
    CreateKey,
    /// Decrypt.
    Decrypt,
    /// DeleteAlias.
    DeleteAlias,
    /// DescribeKey.
    DescribeKey,
    /// DisableKey.
    DisableKey,
    /// DisableKeyRotation.
    DisableKeyRotation,
    /// EnableKey.
    EnableKey,
    /// EnableKeyRotation.
    EnableKeyRotation,
    /// Encrypt.
    Encrypt,
    /// GenerateDataKey.
    GenerateDataKey,
    /// GenerateDataKeyWithoutPlaintext.
    GenerateDataKeyWithoutPlaintext,
    /// GenerateRandom.
    GenerateRandom,
    /// GetKeyPolicy.
    GetKeyPolicy,
    /// GetKeyRotationStatus.
    GetKeyRotationStatus,
    /// ListAliases.
    ListAliases,
    /// ListGrants.
    ListGrants,
    /// ListRetirableGrants.
    ListRetirableGrants,
    /// ListKeyPolicies.
    ListKeyPolicies,
    /// ListKeyRotations.
    ListKeyRotations,
    /// ListKeys.
    ListKeys,
    /// ListResourceTags.
    ListResourceTags,
    /// PutKeyPolicy.
    PutKeyPolicy,
    /// ReEncrypt.
    ReEncrypt,
    /// RetireGrant.
    RetireGrant,
    /// RevokeGrant.
    RevokeGrant,
    /// RotateKeyOnDemand.
    RotateKeyOnDemand,
    /// ScheduleKeyDeletion.
    ScheduleKeyDeletion,
    /// TagResource.
    TagResource,
    /// UntagResource.
    UntagResource,
    /// UpdateAlias.
    UpdateAlias,
    /// UpdateKeyDescription.
    UpdateKeyDescription,
}

impl Operation {
    /// Every served operation, in alphabetical order.
    pub const ALL: &'static [Operation] = &[
        Operation::CancelKeyDeletion,
        Operation::CreateAlias,
        Operation::CreateGrant,
        Operation::CreateKey,
        Operation::Decrypt,
        Operation::DeleteAlias,
        Operation::DescribeKey,
        Operation::DisableKey,
        Operation::DisableKeyRotation,
        Operation::EnableKey,
        Operation::EnableKeyRotation,
        Operation::Encrypt,
        Operation::GenerateDataKey,
        Operation::GenerateDataKeyWithoutPlaintext,
        Operation::GenerateRandom,
        Operation::GetKeyPolicy,
        Operation::GetKeyRotationStatus,
        Operation::ListAliases,
        Operation::ListGrants,
        Operation::ListRetirableGrants,
        Operation::ListKeyPolicies,
        Operation::ListKeyRotations,
        Operation::ListKeys,
        Operation::ListResourceTags,
        Operation::PutKeyPolicy,
        Operation::ReEncrypt,
        Operation::RetireGrant,
        Operation::RevokeGrant,
        Operation::RotateKeyOnDemand,
        Operation::ScheduleKeyDeletion,
        Operation::TagResource,
        Operation::UntagResource,
        Operation::UpdateAlias,
        Operation::UpdateKeyDescription,
    ];

    /// The operation's model name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CancelKeyDeletion => "CancelKeyDeletion",
            Operation::CreateAlias => "CreateAlias",
            Operation::CreateGrant => "CreateGrant",
            Operation::CreateKey => "CreateKey",
            Operation::Decrypt => "Decrypt",
            Operation::DeleteAlias => "DeleteAlias",
            Operation::DescribeKey => "DescribeKey",
            Operation::DisableKey => "DisableKey",
            Operation::DisableKeyRotation => "DisableKeyRotation",
            Operation::EnableKey => "EnableKey",
            Operation::EnableKeyRotation => "EnableKeyRotation",
            Operation::Encrypt => "Encrypt",
            Operation::GenerateDataKey => "GenerateDataKey",
            Operation::GenerateDataKeyWithoutPlaintext => "GenerateDataKeyWithoutPlaintext",
            Operation::GenerateRandom => "GenerateRandom",
            Operation::GetKeyPolicy => "GetKeyPolicy",
            Operation::GetKeyRotationStatus => "GetKeyRotationStatus",
            Operation::ListAliases => "ListAliases",
            Operation::ListGrants => "ListGrants",
            Operation::ListRetirableGrants => "ListRetirableGrants",
            Operation::ListKeyPolicies => "ListKeyPolicies",
            Operation::ListKeyRotations => "ListKeyRotations",
            Operation::ListKeys => "ListKeys",
            Operation::ListResourceTags => "ListResourceTags",
            Operation::PutKeyPolicy => "PutKeyPolicy",
            Operation::ReEncrypt => "ReEncrypt",
            Operation::RetireGrant => "RetireGrant",
            Operation::RevokeGrant => "RevokeGrant",
            Operation::RotateKeyOnDemand => "RotateKeyOnDemand",
            Operation::ScheduleKeyDeletion => "ScheduleKeyDeletion",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::UpdateAlias => "UpdateAlias",
            Operation::UpdateKeyDescription => "UpdateKeyDescription",
        }
    }

    /// The operation with model name `name`.
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|op| op.name() == name)
    }
}

impl LocalKms {
    /// Runs `op` with the JSON `body`; returns the JSON response body (empty for operations
    /// without an output shape).
    pub fn handle(
        &self,
        op: Operation,
        ctx: &RequestCtx,
        body: &[u8],
    ) -> Result<Vec<u8>, KmsError> {
        match op {
            Operation::CancelKeyDeletion => {
                run(body, |input| ops::cancel_key_deletion(self, ctx, input))
            }
            Operation::CreateAlias => run_unit(body, |input| ops::create_alias(self, ctx, input)),
            Operation::CreateGrant => run(body, |input| ops::create_grant(self, ctx, input)),
            Operation::CreateKey => run(body, |input| ops::create_key(self, ctx, input)),
            Operation::Decrypt => run(body, |input| ops::decrypt(self, ctx, input)),
            Operation::DeleteAlias => run_unit(body, |input| ops::delete_alias(self, ctx, input)),
            Operation::DescribeKey => run(body, |input| ops::describe_key(self, ctx, input)),
            Operation::DisableKey => run_unit(body, |input| ops::disable_key(self, ctx, input)),
            Operation::DisableKeyRotation => {
                run_unit(body, |input| ops::disable_key_rotation(self, ctx, input))
            }
            Operation::EnableKey => run_unit(body, |input| ops::enable_key(self, ctx, input)),
            Operation::EnableKeyRotation => {
                run_unit(body, |input| ops::enable_key_rotation(self, ctx, input))
            }
            Operation::Encrypt => run(body, |input| ops::encrypt(self, ctx, input)),
            Operation::GenerateDataKey => {
                run(body, |input| ops::generate_data_key(self, ctx, input))
            }
            Operation::GenerateDataKeyWithoutPlaintext => run(body, |input| {
                ops::generate_data_key_without_plaintext(self, ctx, input)
            }),
            Operation::GenerateRandom => run(body, ops::generate_random),
            Operation::GetKeyPolicy => run(body, |input| ops::get_key_policy(self, ctx, input)),
            Operation::GetKeyRotationStatus => {
                run(body, |input| ops::get_key_rotation_status(self, ctx, input))
            }
            Operation::ListAliases => run(body, |input| ops::list_aliases(self, ctx, input)),
            Operation::ListGrants => run(body, |input| ops::list_grants(self, ctx, input)),
            Operation::ListRetirableGrants => {
                run(body, |input| ops::list_retirable_grants(self, ctx, input))
            }
            Operation::ListKeyPolicies => {
                run(body, |input| ops::list_key_policies(self, ctx, input))
            }
            Operation::ListKeyRotations => {
                run(body, |input| ops::list_key_rotations(self, ctx, input))
            }
            Operation::ListKeys => run(body, |input| ops::list_keys(self, ctx, input)),
            Operation::ListResourceTags => {
                run(body, |input| ops::list_resource_tags(self, ctx, input))
            }
            Operation::PutKeyPolicy => {
                run_unit(body, |input| ops::put_key_policy(self, ctx, input))
            }
            Operation::ReEncrypt => run(body, |input| ops::re_encrypt(self, ctx, input)),
            Operation::RetireGrant => run_unit(body, |input| ops::retire_grant(self, ctx, input)),
            Operation::RevokeGrant => run_unit(body, |input| ops::revoke_grant(self, ctx, input)),
            Operation::RotateKeyOnDemand => {
                run(body, |input| ops::rotate_key_on_demand(self, ctx, input))
            }
            Operation::ScheduleKeyDeletion => {
                run(body, |input| ops::schedule_key_deletion(self, ctx, input))
            }
            Operation::TagResource => run_unit(body, |input| ops::tag_resource(self, ctx, input)),
            Operation::UntagResource => {
                run_unit(body, |input| ops::untag_resource(self, ctx, input))
            }
            Operation::UpdateAlias => run_unit(body, |input| ops::update_alias(self, ctx, input)),
            Operation::UpdateKeyDescription => {
                run_unit(body, |input| ops::update_key_description(self, ctx, input))
            }
        }
    }
}

fn run<I: DeserializeOwned, O: Serialize>(
    body: &[u8],
    operation: impl FnOnce(I) -> Result<O, KmsError>,
) -> Result<Vec<u8>, KmsError> {
    let input = json::decode(body)?;
    let output = operation(input)?;
    Ok(json::encode(&output)?)
}

/// Runs an operation without an output shape: HTTP 200 with an empty body.
fn run_unit<I: DeserializeOwned>(
    body: &[u8],
    operation: impl FnOnce(I) -> Result<(), KmsError>,
) -> Result<Vec<u8>, KmsError> {
    operation(json::decode(body)?)?;
    Ok(Vec::new())
}
