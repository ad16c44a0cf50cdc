//! GetParametersForImport: a fresh RSA wrapping key pair (generated per call, outside any
//! lock) and an import token binding it to the key, both valid 24 hours on the virtual clock
//! (`import_token.rs`). Key id or key ARN only, a customer managed key of origin `EXTERNAL`.
//!
//! KMS's order: the model's constraints; the wrapping algorithm and key spec AWS serves
//! outside China (`RSAES_PKCS1_V1_5` retired: `ValidationException`; `SM2PKE` and `SM2`:
//! `UnsupportedOperationException`); the key (existence, AWS managed), its origin
//! (`UnsupportedOperationException`), its state (pending deletion:
//! `KMSInvalidStateException`; `PendingImport`, `Enabled` and `Disabled` are fine, for a
//! reimport); then whether the algorithm and wrapping key fit the key's material
//! (`import_wrap.rs`). Output: `KeyId` (the ARN), `ImportToken`, `PublicKey` (DER
//! SubjectPublicKeyInfo) and `ParametersValidTo`.

use serde::{Deserialize, Serialize};

use super::super::asymmetric::PrivateKey;
use super::super::import_token::{ImportToken, VALIDITY};
use super::super::import_wrap::{
    WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS, WrappingAlgorithm, check_fits, wrapping_key_spec,
};
use super::super::local::Accepts;
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, read_key};
use crate::api::ctx::RequestCtx;
use crate::api::json::{EpochSeconds, SecretBlob};
use crate::api::validate::Validator;

/// What GetParametersForImport requires of the key (its state is checked after its origin).
const RULE: KeyRule = KeyRule::new(
    Accepts::KeyOnly,
    KeyStates::Any,
    AwsManaged::Refused("kms:GetParametersForImport"),
);

/// GetParametersForImport input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersForImportInput {
    key_id: Option<String>,
    wrapping_algorithm: Option<String>,
    wrapping_key_spec: Option<String>,
}

/// GetParametersForImport output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetParametersForImportOutput {
    key_id: String,
    import_token: SecretBlob,
    public_key: SecretBlob,
    parameters_valid_to: EpochSeconds,
}

impl GetParametersForImportInput {
    fn validate(self) -> Result<(String, String, String), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required("WrappingAlgorithm", self.wrapping_algorithm.as_ref());
        v.one_of(
            "WrappingAlgorithm",
            self.wrapping_algorithm.as_deref(),
            &WRAPPING_ALGORITHMS,
        );
        v.required("WrappingKeySpec", self.wrapping_key_spec.as_ref());
        v.one_of(
            "WrappingKeySpec",
            self.wrapping_key_spec.as_deref(),
            &WRAPPING_KEY_SPECS,
        );
        finish(
            v,
            (self.key_id, self.wrapping_algorithm, self.wrapping_key_spec),
        )
    }
}

/// Serves GetParametersForImport.
pub fn get_parameters_for_import(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GetParametersForImportInput,
) -> Result<GetParametersForImportOutput, KmsError> {
    let (key_id, algorithm, wrapping_spec) = input.validate()?;
    let algorithm = WrappingAlgorithm::parse(&algorithm)?;
    let wrapping_spec = wrapping_key_spec(&wrapping_spec)?;
    let (id, arn) = read_key(kms, ctx, &key_id, RULE, |key| {
        key.check_external()?;
        key.check_not_pending_deletion()?;
        check_fits(key.key_type.spec(), algorithm, wrapping_spec)?;
        Ok((key.id.clone(), key.arn.clone()))
    })?;
    // RSA key generation takes a moment: no lock is held here.
    let wrapping_key = PrivateKey::generate(wrapping_spec).map_err(|error| {
        tracing::error!(%error, "generating a wrapping key");
        KmsError::Internal
    })?;
    let public_key = wrapping_key
        .public_key_der()
        .map_err(|_| KmsError::Internal)?;
    // Whole seconds, as the token keeps it.
    let expires = ctx.now.saturating_add(VALIDITY);
    let expires = expires.replace_nanosecond(0).unwrap_or(expires);
    let token = ImportToken {
        key_id: id,
        algorithm,
        expires,
        wrapping_key,
    };
    Ok(GetParametersForImportOutput {
        key_id: arn,
        import_token: SecretBlob::new(token.seal(kms.import_token_sealer())?),
        public_key: SecretBlob::new(public_key),
        parameters_valid_to: EpochSeconds(expires),
    })
}
