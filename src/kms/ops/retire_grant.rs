//! RetireGrant (by `GrantToken`, or by `KeyId` + `GrantId`) and RevokeGrant (`KeyId` +
//! `GrantId`): delete a grant, in every key state. Who may retire or revoke is left to IAM
//! evaluation; today any caller of the key's account may.

use serde::Deserialize;

use super::super::grants::grant_id_of_token;
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{KeyRule, Partition, write_key};
use super::support::{invalid_grant_id, invalid_grant_token};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// RetireGrant input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RetireGrantInput {
    grant_token: Option<String>,
    key_id: Option<String>,
    grant_id: Option<String>,
    dry_run: Option<bool>,
}

/// RevokeGrant input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeGrantInput {
    key_id: Option<String>,
    grant_id: Option<String>,
    dry_run: Option<bool>,
}

/// The grant a valid RetireGrant request names.
enum Retiring {
    /// By one of its tokens.
    Token(String),
    /// By its key (key id or key ARN) and id.
    Grant { key_id: String, grant_id: String },
}

impl RetireGrantInput {
    /// The grant named, and whether this is a dry run.
    fn validate(self) -> Result<(Retiring, bool), KmsError> {
        let mut v = Validator::new();
        // The token is never echoed in a message: it carries authority.
        v.length(
            "GrantToken",
            self.grant_token.as_deref(),
            1,
            8192,
            Echo::Redact,
        );
        v.length("KeyId", self.key_id.as_deref(), 1, 2048, Echo::Value);
        v.length("GrantId", self.grant_id.as_deref(), 1, 128, Echo::Value);
        v.finish()?;
        let retiring = match (self.grant_token, self.key_id, self.grant_id) {
            (Some(token), _, _) => Retiring::Token(token),
            (None, Some(key_id), Some(grant_id)) => Retiring::Grant { key_id, grant_id },
            // LocalStack's wording; AWS's is not documented. Pinned in tests/kms_grants.rs.
            _ => {
                return Err(KmsError::Validation(
                    "Grant token OR (grant ID, key ID) must be specified".into(),
                ));
            }
        };
        Ok((retiring, self.dry_run == Some(true)))
    }
}

impl RevokeGrantInput {
    /// The key, the grant id, and whether this is a dry run.
    fn validate(self) -> Result<(String, String, bool), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("GrantId", self.grant_id.as_ref());
        v.length("GrantId", self.grant_id.as_deref(), 1, 128, Echo::Value);
        let (key_id, grant_id) = finish(v, (self.key_id, self.grant_id))?;
        Ok((key_id, grant_id, self.dry_run == Some(true)))
    }
}

/// Serves RetireGrant.
pub fn retire_grant(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: RetireGrantInput,
) -> Result<(), KmsError> {
    let (retiring, dry_run) = input.validate()?;
    let token = match retiring {
        Retiring::Token(token) => token,
        Retiring::Grant { key_id, grant_id } => {
            return remove(kms, ctx, &key_id, &grant_id, dry_run);
        }
    };
    let partition = Partition::open(kms, ctx);
    let grant_id = grant_id_of_token(&token).ok_or_else(invalid_grant_token)?;
    partition.write(|_, keys| {
        let key_id = keys
            .values()
            .find(|k| {
                k.grants
                    .iter()
                    .any(|g| g.id == grant_id && g.has_token(&token))
            })
            .map(|k| k.id.clone())
            .ok_or_else(invalid_grant_token)?;
        if dry_run {
            return Err(KmsError::DryRun);
        }
        let key = keys.get_mut(&key_id).ok_or(KmsError::Internal)?;
        key.grants.retain(|g| g.id != grant_id);
        Ok(())
    })
}

/// Serves RevokeGrant.
pub fn revoke_grant(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: RevokeGrantInput,
) -> Result<(), KmsError> {
    let (key_id, grant_id, dry_run) = input.validate()?;
    remove(kms, ctx, &key_id, &grant_id, dry_run)
}

/// Deletes grant `grant_id` of key `key_id` (key id or key ARN; any state, AWS managed keys
/// included).
fn remove(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    grant_id: &str,
    dry_run: bool,
) -> Result<(), KmsError> {
    write_key(kms, ctx, key_id, KeyRule::ANY_KEY, |key| {
        if !key.grants.iter().any(|g| g.id == grant_id) {
            return Err(invalid_grant_id(grant_id));
        }
        if dry_run {
            return Err(KmsError::DryRun);
        }
        key.grants.retain(|g| g.id != grant_id);
        Ok(())
    })
}
