//! DescribeSecret: a secret's metadata, with every unset member omitted. Works on secrets
//! scheduled for deletion (they show `DeletedDate`).

use super::super::SecretsManager;
use super::super::error::SmError;
use super::super::model::{DescribeSecretInput, DescribeSecretOutput, SecretMetadata};
use super::super::secret::Secret;
use super::validation;
use crate::api::ctx::RequestCtx;
use crate::api::json::EpochSeconds;

/// Serves DescribeSecret.
pub fn describe_secret(
    sm: &SecretsManager,
    ctx: &RequestCtx,
    input: DescribeSecretInput,
) -> Result<DescribeSecretOutput, SmError> {
    let secret_id = validation::only_secret_id(input.secret_id)?;
    sm.read_secret(ctx, &secret_id, |secret| Ok(describe(secret)))
}

fn describe(secret: &Secret) -> DescribeSecretOutput {
    DescribeSecretOutput {
        metadata: metadata(secret),
        version_ids_to_stages: secret.version_ids_to_stages(),
    }
}

/// The members DescribeSecret and ListSecrets share, built in one place so they never drift.
pub(super) fn metadata(secret: &Secret) -> SecretMetadata {
    SecretMetadata {
        arn: secret.arn.clone(),
        name: secret.name.clone(),
        secret_type: secret.secret_type.clone(),
        description: secret.description.clone(),
        kms_key_id: secret.kms_key_id.clone(),
        last_changed_date: EpochSeconds(secret.last_changed),
        last_accessed_date: secret.last_accessed.get().map(EpochSeconds),
        deleted_date: secret.deleted.map(EpochSeconds),
        tags: secret.tags.clone(),
        created_date: EpochSeconds(secret.created),
    }
}
