//! GetPublicKey: the public key of an asymmetric key (any identifier form, an enabled key) as
//! DER SubjectPublicKeyInfo, with the key's `KeySpec`, `CustomerMasterKeySpec` (when its enum
//! can name the spec), `KeyUsage` and the one algorithm list of its usage. There is no
//! `DryRun`. A symmetric or HMAC key has no public key: `UnsupportedOperationException`
//! (AWS's wording is not documented).

use serde::{Deserialize, Serialize};

use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// What GetPublicKey requires of the key.
const GET_PUBLIC_KEY: KeyRule = KeyRule::crypto("kms:GetPublicKey");

/// GetPublicKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPublicKeyInput {
    key_id: Option<String>,
    grant_tokens: Option<Vec<String>>,
}

/// GetPublicKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPublicKeyOutput {
    key_id: String,
    public_key: SecretBlob,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_master_key_spec: Option<&'static str>,
    key_spec: &'static str,
    key_usage: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    encryption_algorithms: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signing_algorithms: Option<Vec<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_agreement_algorithms: Option<Vec<&'static str>>,
}

impl GetPublicKeyInput {
    fn validate(self) -> Result<String, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let key_id = finish(v, self.key_id)?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(key_id)
    }
}

/// Serves GetPublicKey.
pub fn get_public_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GetPublicKeyInput,
) -> Result<GetPublicKeyOutput, KmsError> {
    let key_id = input.validate()?;
    read_key(kms, ctx, &key_id, GET_PUBLIC_KEY, |key| {
        let spec = key.key_type.spec();
        let Some(private) = key.private_key() else {
            return Err(KmsError::UnsupportedOperation(format!(
                "{} key spec is {} which is not valid for GetPublicKey.",
                key.arn,
                spec.as_str()
            )));
        };
        let public_key = private.public_key_der().map_err(|_| KmsError::Internal)?;
        let algorithms = key.key_type.algorithms();
        Ok(GetPublicKeyOutput {
            key_id: key.arn.clone(),
            public_key: SecretBlob::new(public_key),
            customer_master_key_spec: spec.customer_master_key_spec(),
            key_spec: spec.as_str(),
            key_usage: key.key_type.usage().as_str(),
            encryption_algorithms: algorithms.encryption,
            signing_algorithms: algorithms.signing,
            key_agreement_algorithms: algorithms.key_agreement,
        })
    })
}
