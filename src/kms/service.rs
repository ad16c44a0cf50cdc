//! KMS over the wire (`X-Amz-Target: TrentService.*`): the [`Operation`] enum and the
//! dispatch from an operation to its handler in `ops/`.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{KmsError, LocalKms, ops};
use crate::protocol::ctx::RequestCtx;
use crate::protocol::json;

/// The KMS operations Lockbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// CreateGrant.
    CreateGrant,
    /// CreateKey.
    CreateKey,
    /// Decrypt.
    Decrypt,
    /// DescribeKey.
    DescribeKey,
    /// DisableKeyRotation.
    DisableKeyRotation,
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
    /// GetKeyRotationStatus.
    GetKeyRotationStatus,
    /// ListGrants.
    ListGrants,
    /// ListKeyRotations.
    ListKeyRotations,
    /// ReEncrypt.
    ReEncrypt,
    /// RetireGrant.
    RetireGrant,
    /// RevokeGrant.
    RevokeGrant,
    /// RotateKeyOnDemand.
    RotateKeyOnDemand,
}

impl Operation {
    /// Every served operation, in alphabetical order.
    pub const ALL: &'static [Operation] = &[
        Operation::CreateGrant,
        Operation::CreateKey,
        Operation::Decrypt,
        Operation::DescribeKey,
        Operation::DisableKeyRotation,
        Operation::EnableKeyRotation,
        Operation::Encrypt,
        Operation::GenerateDataKey,
        Operation::GenerateDataKeyWithoutPlaintext,
        Operation::GenerateRandom,
        Operation::GetKeyRotationStatus,
        Operation::ListGrants,
        Operation::ListKeyRotations,
        Operation::ReEncrypt,
        Operation::RetireGrant,
        Operation::RevokeGrant,
        Operation::RotateKeyOnDemand,
    ];

    /// The operation's model name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateGrant => "CreateGrant",
            Operation::CreateKey => "CreateKey",
            Operation::Decrypt => "Decrypt",
            Operation::DescribeKey => "DescribeKey",
            Operation::DisableKeyRotation => "DisableKeyRotation",
            Operation::EnableKeyRotation => "EnableKeyRotation",
            Operation::Encrypt => "Encrypt",
            Operation::GenerateDataKey => "GenerateDataKey",
            Operation::GenerateDataKeyWithoutPlaintext => "GenerateDataKeyWithoutPlaintext",
            Operation::GenerateRandom => "GenerateRandom",
            Operation::GetKeyRotationStatus => "GetKeyRotationStatus",
            Operation::ListGrants => "ListGrants",
            Operation::ListKeyRotations => "ListKeyRotations",
            Operation::ReEncrypt => "ReEncrypt",
            Operation::RetireGrant => "RetireGrant",
            Operation::RevokeGrant => "RevokeGrant",
            Operation::RotateKeyOnDemand => "RotateKeyOnDemand",
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
            Operation::CreateGrant => run(body, |input| ops::create_grant(self, ctx, input)),
            Operation::CreateKey => run(body, |input| ops::create_key(self, ctx, input)),
            Operation::Decrypt => run(body, |input| ops::decrypt(self, ctx, input)),
            Operation::DescribeKey => run(body, |input| ops::describe_key(self, ctx, input)),
            Operation::DisableKeyRotation => {
                run_unit(body, |input| ops::disable_key_rotation(self, ctx, input))
            }
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
            Operation::GetKeyRotationStatus => {
                run(body, |input| ops::get_key_rotation_status(self, ctx, input))
            }
            Operation::ListGrants => run(body, |input| ops::list_grants(self, ctx, input)),
            Operation::ListKeyRotations => {
                run(body, |input| ops::list_key_rotations(self, ctx, input))
            }
            Operation::ReEncrypt => run(body, |input| ops::re_encrypt(self, ctx, input)),
            Operation::RetireGrant => run_unit(body, |input| ops::retire_grant(self, ctx, input)),
            Operation::RevokeGrant => run_unit(body, |input| ops::revoke_grant(self, ctx, input)),
            Operation::RotateKeyOnDemand => {
                run(body, |input| ops::rotate_key_on_demand(self, ctx, input))
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
