//! KMS as Secrets Manager uses it: the in-process [`KeyService`], called as the caller (same
//! account, region and clock), with every GenerateDataKey and Decrypt recorded in the audit
//! trail as AWS records them — the caller's identity plus `invokedBy:
//! secretsmanager.amazonaws.com`, the key ARN and the encryption context, never key material.
//! A successful call is also the key's last use (GetKeyLastUsage), naming that record.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::api::access::audit_error_code;
use crate::api::ctx::RequestCtx;
use crate::audit::{AuditLog, AuditRecord, UserIdentity, record::KmsCall};
use crate::kms::{self, DataKey, EncryptionContext, KeyService, KmsCaller, KmsError};

/// The KeyService wrapped with the audit trail.
pub struct KmsOnBehalf {
    service: Arc<dyn KeyService>,
    audit: Arc<AuditLog>,
}

impl KmsOnBehalf {
    /// Calls `service` and records into `audit`.
    pub fn new(service: Arc<dyn KeyService>, audit: Arc<AuditLog>) -> Self {
        KmsOnBehalf { service, audit }
    }

    /// The ARN of the key `key_id` names (`None`: the AWS managed key).
    pub fn resolve_key_arn(
        &self,
        ctx: &RequestCtx,
        key_id: Option<&str>,
    ) -> Result<String, KmsError> {
        self.service.resolve_key_arn(KmsCaller::from(ctx), key_id)
    }

    /// GenerateDataKey (AES_256) for the caller, recorded. `owner` is the account of the
    /// secret the key protects: the key identifier is resolved there (the caller's own
    /// account, or the owner's when another account writes a shared secret).
    pub fn generate_data_key(
        &self,
        ctx: &RequestCtx,
        owner: &str,
        key_id: Option<&str>,
        context: &EncryptionContext,
    ) -> Result<DataKey, KmsError> {
        let in_owner = KmsCaller {
            account: owner,
            ..KmsCaller::from(ctx)
        };
        let result = self
            .service
            .resolve_key_arn(in_owner, key_id)
            .and_then(|key_arn| {
                self.service
                    .authorize_on_behalf(ctx, &key_arn, "kms:GenerateDataKey", context)
            })
            .and_then(|()| self.service.generate_data_key(in_owner, key_id, context));
        let key_arn = match &result {
            Ok(data_key) => data_key.key_arn.clone(),
            Err(_) => key_id.unwrap_or(kms::SECRETS_MANAGER_ALIAS).to_owned(),
        };
        self.record(
            ctx,
            "GenerateDataKey",
            key_arn,
            context,
            result.as_ref().err(),
        );
        result
    }

    /// Decrypt for the caller, recorded under `key_arn`: the key Secrets Manager already knows
    /// made the blob (it keeps that ARN with every sealed value).
    pub fn decrypt(
        &self,
        ctx: &RequestCtx,
        key_arn: &str,
        blob: &[u8],
        context: &EncryptionContext,
    ) -> Result<Zeroizing<Vec<u8>>, KmsError> {
        let result = self
            .service
            .authorize_on_behalf(ctx, key_arn, "kms:Decrypt", context)
            .and_then(|()| {
                // The key lives in the partition its ARN names (another account's, when the
                // caller reads a secret shared with it).
                let caller = KmsCaller {
                    account: key_arn.split(':').nth(4).unwrap_or(ctx.account()),
                    ..KmsCaller::from(ctx)
                };
                self.service.decrypt(caller, blob, context)
            });
        self.record(
            ctx,
            "Decrypt",
            key_arn.to_owned(),
            context,
            result.as_ref().err(),
        );
        result
    }

    /// Records the call in the audit trail and, when it succeeded, as the key's last use.
    fn record(
        &self,
        ctx: &RequestCtx,
        event_name: &'static str,
        key_arn: String,
        context: &EncryptionContext,
        error: Option<&KmsError>,
    ) {
        let event_id = crate::crypto::random_uuid();
        if error.is_none() {
            self.service
                .record_use(&key_arn, event_name, ctx.now, &ctx.request_id, &event_id);
        }
        self.audit
            .record(AuditRecord::kms_call_via_secrets_manager(KmsCall {
                event_name,
                key_arn,
                encryption_context: context.clone(),
                identity: UserIdentity::of_principal(&ctx.principal),
                region: ctx.region.clone(),
                request_id: ctx.request_id.clone(),
                event_id,
                at: ctx.now,
                error_code: error.map(|error| audit_error_code(error.code())),
            }));
    }
}
