//! AWS Secrets Manager (`X-Amz-Target: secretsmanager.*`).
//!
//! [`Operation`] lists what is served; [`SecretsManager::handle`] decodes the input, runs the
//! operation against the caller's (account, region) partition and encodes the output. Nothing
//! here knows about HTTP; values are only ever stored sealed by [`value`] through the KeyService.

pub mod error;
pub mod labels;
pub mod model;
mod names;
mod ops;
pub mod secret;
mod value;

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::kms::KeyService;
use crate::protocol::ctx::RequestCtx;
use crate::protocol::json;
use crate::storage::Partitions;
use error::SmError;
use secret::{Secret, SecretTable};

/// The Secrets Manager operations Lockbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// CreateSecret.
    CreateSecret,
    /// DescribeSecret.
    DescribeSecret,
    /// GetSecretValue.
    GetSecretValue,
    /// ListSecretVersionIds.
    ListSecretVersionIds,
    /// PutSecretValue.
    PutSecretValue,
    /// UpdateSecret.
    UpdateSecret,
    /// UpdateSecretVersionStage.
    UpdateSecretVersionStage,
}

impl Operation {
    /// Every served operation.
    pub const ALL: [Operation; 7] = [
        Operation::CreateSecret,
        Operation::DescribeSecret,
        Operation::GetSecretValue,
        Operation::ListSecretVersionIds,
        Operation::PutSecretValue,
        Operation::UpdateSecret,
        Operation::UpdateSecretVersionStage,
    ];

    /// The operation's model name.
    pub fn name(self) -> &'static str {
        match self {
            Operation::CreateSecret => "CreateSecret",
            Operation::DescribeSecret => "DescribeSecret",
            Operation::GetSecretValue => "GetSecretValue",
            Operation::ListSecretVersionIds => "ListSecretVersionIds",
            Operation::PutSecretValue => "PutSecretValue",
            Operation::UpdateSecret => "UpdateSecret",
            Operation::UpdateSecretVersionStage => "UpdateSecretVersionStage",
        }
    }

    /// The operation with model name `name`.
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|op| op.name() == name)
    }
}

/// The Secrets Manager service state.
pub struct SecretsManager {
    tables: Partitions<SecretTable>,
    kms: Arc<dyn KeyService>,
}

impl std::fmt::Debug for SecretsManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsManager").finish_non_exhaustive()
    }
}

impl SecretsManager {
    /// A service with no secrets, encrypting through `kms`.
    pub fn new(kms: Arc<dyn KeyService>) -> Self {
        SecretsManager {
            tables: Partitions::default(),
            kms,
        }
    }

    /// Runs `op` with the JSON `body`; returns the JSON response body.
    pub fn handle(&self, op: Operation, ctx: &RequestCtx, body: &[u8]) -> Result<Vec<u8>, SmError> {
        match op {
            Operation::CreateSecret => run(body, |input| ops::create_secret(self, ctx, input)),
            Operation::DescribeSecret => run(body, |input| ops::describe_secret(self, ctx, input)),
            Operation::GetSecretValue => run(body, |input| ops::get_secret_value(self, ctx, input)),
            Operation::ListSecretVersionIds => {
                run(body, |input| ops::list_secret_version_ids(self, ctx, input))
            }
            Operation::PutSecretValue => run(body, |input| ops::put_secret_value(self, ctx, input)),
            Operation::UpdateSecret => run(body, |input| ops::update_secret(self, ctx, input)),
            Operation::UpdateSecretVersionStage => run(body, |input| {
                ops::update_secret_version_stage(self, ctx, input)
            }),
        }
    }

    /// The caller's partition.
    fn table(&self, ctx: &RequestCtx) -> Arc<SecretTable> {
        self.tables.get_or_create(ctx.account(), &ctx.region)
    }

    /// Runs `read` on the secret `secret_id` names, under the partition's shared lock.
    fn read_secret<T>(
        &self,
        ctx: &RequestCtx,
        secret_id: &str,
        read: impl FnOnce(&Secret) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let table = self.table(ctx);
        let secrets = table.secrets.read();
        read(names::resolve(&secrets, ctx, secret_id)?)
    }

    /// Runs `write` on the secret `secret_id` names, under the partition's exclusive lock.
    /// Keep the closure short: do KMS work (sealing values) before calling this.
    fn write_secret<T>(
        &self,
        ctx: &RequestCtx,
        secret_id: &str,
        write: impl FnOnce(&mut Secret) -> Result<T, SmError>,
    ) -> Result<T, SmError> {
        let table = self.table(ctx);
        let mut secrets = table.secrets.write();
        let name = names::resolve_name(&secrets, ctx, secret_id)?.to_owned();
        let secret = secrets
            .get_mut(&name)
            .ok_or_else(SmError::secret_not_found)?;
        write(secret)
    }

    /// Forgets every secret.
    pub fn reset_all(&self) {
        self.tables.clear();
    }

    /// Forgets every secret of one account.
    pub fn reset_account(&self, account: &str) {
        self.tables.clear_account(account);
    }
}

fn run<I: DeserializeOwned, O: Serialize>(
    body: &[u8],
    operation: impl FnOnce(I) -> Result<O, SmError>,
) -> Result<Vec<u8>, SmError> {
    let input = json::decode(body)?;
    let output = operation(input)?;
    Ok(json::encode(&output)?)
}
