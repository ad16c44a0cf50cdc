//! DeriveSharedSecret: ECDH between a `KEY_AGREEMENT` key (NIST P-256/384/521, any
//! identifier form) and a peer's public key given as DER SubjectPublicKeyInfo. The raw shared
//! secret (the x-coordinate, see `asymmetric::agreement`) is returned as `SharedSecret`, with
//! `KeyId` (the key ARN, as every other cryptographic operation answers; AWS's hand-written
//! example is not conclusive), `KeyAgreementAlgorithm` and `KeyOrigin`.
//!
//! Order: the model's constraints (`KeyAgreementAlgorithm` is `ECDH`, `PublicKey` 1-8192
//! bytes), `Recipient` (refused: attestation cannot be emulated), grant tokens, the key
//! (existence, AWS managed, state), its usage (`<arn> key usage is SIGN_VERIFY which is not
//! valid for DeriveSharedSecret.`), the peer key, then `DryRun`. A peer key that is not DER
//! SPKI, is on another curve, or holds an invalid point is a `ValidationException`, as the
//! model says for the first; the texts are Lockbox's (AWS's are not documented).

use serde::{Deserialize, Serialize};

use super::super::asymmetric::{self, PeerKeyError};
use super::super::key_spec::KeyUsage;
use super::super::keys::Key;
use super::super::{KmsError, LocalKms};
use super::decrypt::{RecipientInfo, refuse_recipient};
use super::input::{finish, validate_grant_tokens, validate_key_id};
use super::key_last_usage::record_use;
use super::key_op::{KeyRule, read_key};
use super::support::check_grant_tokens;
use crate::api::ctx::RequestCtx;
use crate::api::json::SecretBlob;
use crate::api::validate::Validator;

/// What DeriveSharedSecret requires of the key.
const DERIVE_SHARED_SECRET: KeyRule = KeyRule::crypto("kms:DeriveSharedSecret");

/// The model's `KeyAgreementAlgorithmSpec`.
const KEY_AGREEMENT_ALGORITHMS: [&str; 1] = ["ECDH"];

/// DeriveSharedSecret input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeriveSharedSecretInput {
    key_id: Option<String>,
    key_agreement_algorithm: Option<String>,
    public_key: Option<SecretBlob>,
    grant_tokens: Option<Vec<String>>,
    dry_run: Option<bool>,
    recipient: Option<RecipientInfo>,
}

/// DeriveSharedSecret output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeriveSharedSecretOutput {
    key_id: String,
    shared_secret: SecretBlob,
    key_agreement_algorithm: &'static str,
    key_origin: &'static str,
}

/// A valid request.
struct ValidDerive {
    key_id: String,
    public_key: SecretBlob,
    dry_run: bool,
}

impl DeriveSharedSecretInput {
    fn validate(self) -> Result<ValidDerive, KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        v.required(
            "KeyAgreementAlgorithm",
            self.key_agreement_algorithm.as_ref(),
        );
        v.one_of(
            "KeyAgreementAlgorithm",
            self.key_agreement_algorithm.as_deref(),
            &KEY_AGREEMENT_ALGORITHMS,
        );
        v.required("PublicKey", self.public_key.as_ref());
        v.blob_length(
            "PublicKey",
            self.public_key.as_ref().map(|key| key.0.as_slice()),
            1,
            8192,
        );
        validate_grant_tokens(&mut v, self.grant_tokens.as_deref());
        let (key_id, public_key) = finish(v, (self.key_id, self.public_key))?;
        refuse_recipient(self.recipient.as_ref())?;
        check_grant_tokens(self.grant_tokens.as_deref())?;
        Ok(ValidDerive {
            key_id,
            public_key,
            dry_run: self.dry_run == Some(true),
        })
    }
}

/// The `ValidationException` for a peer key that cannot be used. Unverified texts: AWS only
/// documents that such a key is a `ValidationException`.
fn peer_key_error(key: &Key, error: PeerKeyError) -> KmsError {
    let spec = key.key_type.spec().as_str();
    KmsError::Validation(match error {
        PeerKeyError::NotSpki => {
            "PublicKey must be a DER-encoded X.509 SubjectPublicKeyInfo (RFC 5280).".to_owned()
        }
        PeerKeyError::WrongCurve => {
            format!("PublicKey must be an elliptic curve public key of key spec {spec}.")
        }
        PeerKeyError::InvalidPoint => {
            format!("PublicKey is not a valid point on the curve of key spec {spec}.")
        }
        PeerKeyError::NotAgreementKey => {
            format!("Key spec {spec} does not support key agreement.")
        }
    })
}

/// Serves DeriveSharedSecret.
pub fn derive_shared_secret(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: DeriveSharedSecretInput,
) -> Result<DeriveSharedSecretOutput, KmsError> {
    let request = input.validate()?;
    read_key(kms, ctx, &request.key_id, DERIVE_SHARED_SECRET, |key| {
        key.check_usage(KeyUsage::KeyAgreement, "DeriveSharedSecret")?;
        let private = key.private_key().ok_or(KmsError::Internal)?;
        let secret = asymmetric::derive_shared_secret(private, &request.public_key.0)
            .map_err(|error| peer_key_error(key, error))?;
        if request.dry_run {
            return Err(KmsError::DryRun);
        }
        Ok(DeriveSharedSecretOutput {
            key_id: key.arn.clone(),
            shared_secret: SecretBlob::new(secret),
            key_agreement_algorithm: "ECDH",
            key_origin: key.metadata().origin,
        })
    })
    .inspect(|out| record_use(kms, ctx, &out.key_id, "DeriveSharedSecret"))
}
