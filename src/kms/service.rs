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
    /// CancelKeyDeletion.
    CancelKeyDeletion,
    /// CreateAlias.
    CreateAlias,
    /// CreateKey.
    CreateKey,
    /// DeleteAlias.
    DeleteAlias,
    /// DescribeKey.
    DescribeKey,
    /// DisableKey.
    DisableKey,
    /// EnableKey.
    EnableKey,
    /// GetKeyPolicy.
    GetKeyPolicy,
    /// ListAliases.
    ListAliases,
    /// ListKeyPolicies.
    ListKeyPolicies,
    /// ListKeys.
    ListKeys,
    /// ListResourceTags.
    ListResourceTags,
    /// PutKeyPolicy.
    PutKeyPolicy,
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
        Operation::CreateKey,
        Operation::DeleteAlias,
        Operation::DescribeKey,
        Operation::DisableKey,
        Operation::EnableKey,
        Operation::GetKeyPolicy,
        Operation::ListAliases,
        Operation::ListKeyPolicies,
        Operation::ListKeys,
        Operation::ListResourceTags,
        Operation::PutKeyPolicy,
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
            Operation::CreateKey => "CreateKey",
            Operation::DeleteAlias => "DeleteAlias",
            Operation::DescribeKey => "DescribeKey",
            Operation::DisableKey => "DisableKey",
            Operation::EnableKey => "EnableKey",
            Operation::GetKeyPolicy => "GetKeyPolicy",
            Operation::ListAliases => "ListAliases",
            Operation::ListKeyPolicies => "ListKeyPolicies",
            Operation::ListKeys => "ListKeys",
            Operation::ListResourceTags => "ListResourceTags",
            Operation::PutKeyPolicy => "PutKeyPolicy",
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
            Operation::CreateKey => run(body, |input| ops::create_key(self, ctx, input)),
            Operation::DeleteAlias => run_unit(body, |input| ops::delete_alias(self, ctx, input)),
            Operation::DescribeKey => run(body, |input| ops::describe_key(self, ctx, input)),
            Operation::DisableKey => run_unit(body, |input| ops::disable_key(self, ctx, input)),
            Operation::EnableKey => run_unit(body, |input| ops::enable_key(self, ctx, input)),
            Operation::GetKeyPolicy => run(body, |input| ops::get_key_policy(self, ctx, input)),
            Operation::ListAliases => run(body, |input| ops::list_aliases(self, ctx, input)),
            Operation::ListKeyPolicies => {
                run(body, |input| ops::list_key_policies(self, ctx, input))
            }
            Operation::ListKeys => run(body, |input| ops::list_keys(self, ctx, input)),
            Operation::ListResourceTags => {
                run(body, |input| ops::list_resource_tags(self, ctx, input))
            }
            Operation::PutKeyPolicy => {
                run_unit(body, |input| ops::put_key_policy(self, ctx, input))
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
