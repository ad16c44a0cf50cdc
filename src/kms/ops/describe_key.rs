//! DescribeKey: a key's metadata, in every key state. Accepts key id, key ARN, alias name or
//! alias ARN; `alias/aws/secretsmanager` creates the AWS managed key if it does not exist yet.

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::model::KeyMetadata;
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, read_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::Validator;

/// What DescribeKey requires of the key: nothing but that it exists.
const DESCRIBE: KeyRule = KeyRule::new(Accepts::KeyOrAlias, KeyStates::Any, AwsManaged::Allowed);

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

impl DescribeKeyInput {
    fn validate(self) -> Result<String, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        finish(v, self.key_id)
    }
}

/// Serves DescribeKey.
pub fn describe_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DescribeKeyInput,
) -> Result<DescribeKeyOutput, KmsError> {
    let key_id = input.validate()?;
    read_key(kms, ctx, &key_id, DESCRIBE, |key| {
        Ok(DescribeKeyOutput {
            key_metadata: key.metadata(),
        })
    })
}
