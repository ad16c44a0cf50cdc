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
    /// CreateKey.
    CreateKey,
    /// DescribeKey.
    DescribeKey,
}

impl Operation {
    /// Every served operation, in alphabetical order.
    pub const ALL: &'static [Operation] = &[Operation::CreateKey, Operation::DescribeKey];

    /// The operation's model name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateKey => "CreateKey",
            Operation::DescribeKey => "DescribeKey",
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
            Operation::CreateKey => run(body, |input| ops::create_key(self, ctx, input)),
            Operation::DescribeKey => run(body, |input| ops::describe_key(self, ctx, input)),
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
#[allow(dead_code)]
fn run_unit<I: DeserializeOwned>(
    body: &[u8],
    operation: impl FnOnce(I) -> Result<(), KmsError>,
) -> Result<Vec<u8>, KmsError> {
    operation(json::decode(body)?)?;
    Ok(Vec::new())
}
