//! DescribeKey: a key's metadata, in every key state. Accepts key id, key ARN, alias name or
//! alias ARN; `alias/aws/secretsmanager` creates the AWS managed key if it does not exist yet.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::model::KeyMetadata;
use super::super::{KmsError, LocalKms};
use super::{read_key, validate_key_id};
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

/// DescribeKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeKeyInput {
    key_id: Option<String>,
    #[allow(dead_code)]
    grant_tokens: Option<Vec<String>>,
}

/// DescribeKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeKeyOutput {
    key_metadata: KeyMetadata,
}

/// Serves DescribeKey.
pub fn describe_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DescribeKeyInput,
) -> Result<DescribeKeyOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.finish()?;
    read_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        Accepts::KeyOrAlias,
        |key| {
            Ok(DescribeKeyOutput {
                key_metadata: key.metadata(),
            })
        },
    )
}
