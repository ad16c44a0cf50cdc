//! RetireGrant (by `GrantToken`, or by `KeyId` + `GrantId`) and RevokeGrant (`KeyId` +
//! `GrantId`): delete a grant, in every key state. Who may retire or revoke is left to IAM
//! evaluation; today any caller of the key's account may.

use serde::Deserialize;

use super::super::grants::grant_id_of_token;
use super::super::local::Accepts;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::support::{invalid_grant_id, invalid_grant_token};
use super::validate_key_id;
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

/// Serves RetireGrant.
pub fn retire_grant(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: RetireGrantInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    // The token is never echoed in a message: it carries authority.
    v.length(
        "GrantToken",
        input.grant_token.as_deref(),
        1,
        8192,
        Echo::Redact,
    );
    v.length("KeyId", input.key_id.as_deref(), 1, 2048, Echo::Value);
    v.length("GrantId", input.grant_id.as_deref(), 1, 128, Echo::Value);
    v.finish()?;
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    if let Some(token) = input.grant_token.as_deref() {
        let grant_id = grant_id_of_token(token).ok_or_else(invalid_grant_token)?;
        let dry_run = input.dry_run == Some(true);
        return kms.write_ring(caller, &ring, |_, keys| {
            let key_id = keys
                .values()
                .find(|k| {
                    k.grants
                        .iter()
                        .any(|g| g.id == grant_id && g.has_token(token))
                })
                .map(|k| k.id.clone())
                .ok_or_else(invalid_grant_token)?;
            if dry_run {
                return Err(KmsError::DryRun);
            }
            let key = keys.get_mut(&key_id).ok_or(KmsError::Internal)?;
            key.grants.retain(|g| g.id != grant_id);
            Ok(())
        });
    }
    let (Some(key_id), Some(grant_id)) = (input.key_id.as_deref(), input.grant_id.as_deref())
    else {
        // [LS] wording; AWS's is unverified. Pinned in tests/kms_grants.rs.
        return Err(KmsError::Validation(
            "Grant token OR (grant ID, key ID) must be specified".into(),
        ));
    };
    remove(kms, ctx, key_id, grant_id, input.dry_run)
}

/// Serves RevokeGrant.
pub fn revoke_grant(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: RevokeGrantInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    v.required("GrantId", input.grant_id.as_ref());
    v.length("GrantId", input.grant_id.as_deref(), 1, 128, Echo::Value);
    v.finish()?;
    remove(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        input.grant_id.as_deref().unwrap_or_default(),
        input.dry_run,
    )
}

/// Deletes grant `grant_id` of key `key_id` (key id or key ARN).
fn remove(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    grant_id: &str,
    dry_run: Option<bool>,
) -> Result<(), KmsError> {
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let id = kms.resolve(caller, &ring, key_id, Accepts::KeyOnly)?;
    kms.write_ring(caller, &ring, |_, keys| {
        let key = keys.get_mut(&id).ok_or(KmsError::Internal)?;
        if !key.grants.iter().any(|g| g.id == grant_id) {
            return Err(invalid_grant_id(grant_id));
        }
        if dry_run == Some(true) {
            return Err(KmsError::DryRun);
        }
        key.grants.retain(|g| g.id != grant_id);
        Ok(())
    })
}
