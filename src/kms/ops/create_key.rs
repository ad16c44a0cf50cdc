//! CreateKey: a key of any spec and usage pair AWS accepts outside its China Regions (see
//! `key_spec.rs`), origin `AWS_KMS` or `EXTERNAL` (no material, `PendingImport`; see
//! `key_import.rs`), single- or multi-Region, with KMS's default key policy unless one is
//! given, and optional tags. Asymmetric key pairs and HMAC keys are generated here, before any
//! lock is taken. A policy is checked as PutKeyPolicy checks it.
//!
//! Refusals, in this order after the model's constraints (all `ValidationException` unless
//! said otherwise):
//! - `KeySpec` with `CustomerMasterKeySpec`: "You cannot specify KeySpec and
//!   CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.";
//! - `SM2`, a China Regions spec: `UnsupportedOperationException` (AWS's text outside China is
//!   not documented);
//! - no `KeyUsage` for a spec other than `SYMMETRIC_DEFAULT`;
//! - a usage the spec does not allow: for `SYMMETRIC_DEFAULT` AWS's "The operation failed
//!   because the KeyUsage value of the CMK is SIGN_VERIFY. To perform this operation, the
//!   KeyUsage value must be ENCRYPT_DECRYPT.", else "KeyUsage X is not compatible with
//!   KeySpec Y";
//! - a `CustomKeyStoreId`, or origin `AWS_CLOUDHSM` / `EXTERNAL_KEY_STORE` without one: there
//!   are no custom key stores (`custom_key_stores.rs`);
//! - origins other than `AWS_KMS` and `EXTERNAL`: `UnsupportedOperationException` until they
//!   are emulated;
//! - `EXTERNAL` with an ML-DSA spec, whose material AWS does not import:
//!   `UnsupportedOperationException` (AWS's wording is not documented).
//!
//! `MultiRegion: true` makes the key the primary of a new set of multi-Region keys (every
//! spec and origin; an `EXTERNAL` one starts `PendingImport` like any): its id is `mrk-` and
//! 32 hex digits (see `multi_region.rs`, and `multi_region_imported.rs` for `EXTERNAL` sets).

use serde::{Deserialize, Serialize};

use super::super::key_spec::{KeySpec, KeyType, KeyUsage};
use super::super::keys::{Key, KeyManager, MultiRegion};
use super::super::model::{KeyMetadata, KmsTag};
use super::super::multi_region;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::custom_key_stores::check_key_store;
use super::input::finish;
use super::key_policy::{check_lockout, check_policy, validate_policy};
use super::tags::{check_tags, tag_pairs, validate_tags};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

const KEY_USAGES: [&str; 4] = [
    "SIGN_VERIFY",
    "ENCRYPT_DECRYPT",
    "GENERATE_VERIFY_MAC",
    "KEY_AGREEMENT",
];
/// The model's `KeySpec` enum.
const KEY_SPECS: [&str; 17] = [
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SYMMETRIC_DEFAULT",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
    "ECC_NIST_EDWARDS25519",
];
/// The model's (deprecated) `CustomerMasterKeySpec` enum: no Ed25519 and no ML-DSA.
const CUSTOMER_MASTER_KEY_SPECS: [&str; 13] = [
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SYMMETRIC_DEFAULT",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "SM2",
];
const ORIGINS: [&str; 4] = ["AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];

/// CreateKey input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateKeyInput {
    policy: Option<String>,
    description: Option<String>,
    key_usage: Option<String>,
    customer_master_key_spec: Option<String>,
    key_spec: Option<String>,
    origin: Option<String>,
    bypass_policy_lockout_safety_check: Option<bool>,
    tags: Option<Vec<KmsTag>>,
    multi_region: Option<bool>,
    /// Typed (a wrong JSON type is a `SerializationException`); custom key stores do not exist
    /// here (`custom_key_stores::check_key_store`).
    custom_key_store_id: Option<String>,
    /// Typed like `CustomKeyStoreId`.
    #[allow(dead_code)]
    xks_key_id: Option<String>,
}

/// CreateKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateKeyOutput {
    key_metadata: KeyMetadata,
}

/// A valid CreateKey request: what the new key gets.
struct NewKey {
    key_type: KeyType,
    /// Origin `EXTERNAL`.
    external: bool,
    description: String,
    policy: Option<String>,
    tags: Vec<(String, String)>,
    /// A multi-Region primary key (`MultiRegion: true`).
    multi_region: bool,
    /// `BypassPolicyLockoutSafetyCheck: true`.
    bypass_lockout_check: bool,
}

impl CreateKeyInput {
    fn validate(self) -> Result<NewKey, KmsError> {
        let mut v = Validator::new();
        v.length(
            "Description",
            self.description.as_deref(),
            0,
            8192,
            Echo::Value,
        );
        v.one_of("KeyUsage", self.key_usage.as_deref(), &KEY_USAGES);
        v.one_of(
            "CustomerMasterKeySpec",
            self.customer_master_key_spec.as_deref(),
            &CUSTOMER_MASTER_KEY_SPECS,
        );
        v.one_of("KeySpec", self.key_spec.as_deref(), &KEY_SPECS);
        v.one_of("Origin", self.origin.as_deref(), &ORIGINS);
        v.length(
            "CustomKeyStoreId",
            self.custom_key_store_id.as_deref(),
            1,
            64,
            Echo::Value,
        );
        validate_tags(&mut v, self.tags.as_deref());
        validate_policy(&mut v, self.policy.as_deref());
        // Tags are optional, but each given one has both members.
        let tags = finish(v, self.tags.map_or(Some(Vec::new()), tag_pairs))?;

        let key_type = key_type(
            self.key_spec.as_deref(),
            self.customer_master_key_spec.as_deref(),
            self.key_usage.as_deref(),
        )?;
        check_key_store(self.origin.as_deref(), self.custom_key_store_id.as_deref())?;
        let origin = self.origin.as_deref().unwrap_or("AWS_KMS");
        let external = origin == "EXTERNAL";
        if !matches!(origin, "AWS_KMS" | "EXTERNAL") {
            return Err(KmsError::UnsupportedOperation(format!(
                "Lockbox does not emulate keys with Origin {origin} yet; it emulates Origin AWS_KMS keys of every key spec but SM2 and Origin EXTERNAL keys."
            )));
        }
        let ml_dsa = matches!(
            key_type.spec(),
            KeySpec::MlDsa44 | KeySpec::MlDsa65 | KeySpec::MlDsa87
        );
        if external && ml_dsa {
            return Err(KmsError::UnsupportedOperation(format!(
                "KeySpec {} is not supported for Origin EXTERNAL.",
                key_type.spec().as_str()
            )));
        }
        let tags = check_tags(tags)?;
        if let Some(policy) = &self.policy {
            check_policy(policy)?;
        }
        Ok(NewKey {
            key_type,
            external,
            // An absent description is the empty one, as KMS shows it.
            description: self.description.unwrap_or_default(),
            policy: self.policy,
            tags,
            multi_region: self.multi_region == Some(true),
            bypass_lockout_check: self.bypass_policy_lockout_safety_check == Some(true),
        })
    }
}

/// The kind of key asked for (see the module doc for the refusals).
fn key_type(
    key_spec: Option<&str>,
    customer_master_key_spec: Option<&str>,
    key_usage: Option<&str>,
) -> Result<KeyType, KmsError> {
    let spec = match (key_spec, customer_master_key_spec) {
        (Some(_), Some(_)) => {
            return Err(KmsError::Validation(
                "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.".into(),
            ));
        }
        (Some(spec), None) | (None, Some(spec)) => spec,
        (None, None) => KeySpec::SymmetricDefault.as_str(),
    };
    let Some(spec) = KeySpec::parse(spec) else {
        return Err(KmsError::UnsupportedOperation(format!(
            "KeySpec {spec} is not supported in this region."
        )));
    };
    let usage = match key_usage {
        Some(usage) => KeyUsage::parse(usage).ok_or(KmsError::Internal)?,
        None if spec == KeySpec::SymmetricDefault => KeyUsage::EncryptDecrypt,
        None => {
            return Err(KmsError::Validation(
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.".into(),
            ));
        }
    };
    KeyType::new(spec, usage).ok_or_else(|| {
        KmsError::Validation(match spec {
            KeySpec::SymmetricDefault => format!(
                "The operation failed because the KeyUsage value of the CMK is {}. To perform this operation, the KeyUsage value must be ENCRYPT_DECRYPT.",
                usage.as_str()
            ),
            _ => format!(
                "KeyUsage {} is not compatible with KeySpec {}",
                usage.as_str(),
                spec.as_str()
            ),
        })
    })
}

/// Serves CreateKey.
pub fn create_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: CreateKeyInput,
) -> Result<CreateKeyOutput, KmsError> {
    let NewKey {
        key_type,
        external,
        description,
        policy,
        tags,
        multi_region,
        bypass_lockout_check,
    } = input.validate()?;
    let caller = KmsCaller::from(ctx);
    let mut key = match external {
        true => Key::new_external(caller, KeyManager::Customer, description, policy, key_type),
        false => Key::new_of_type(caller, KeyManager::Customer, description, policy, key_type)
            .map_err(|error| {
                tracing::error!(%error, "generating key material");
                KmsError::Internal
            })?,
    };
    key.tags = tags;
    if multi_region {
        make_multi_region_primary(&mut key, caller);
    }
    check_lockout(
        ctx,
        &key.arn,
        &key.account,
        &key.policy,
        bypass_lockout_check,
    )?;
    let key_metadata = key.metadata();
    let ring = kms.ring(caller);
    kms.write_ring(caller, &ring, |_, keys| {
        keys.insert(key.id.clone(), key);
        Ok(())
    })?;
    Ok(CreateKeyOutput { key_metadata })
}

/// Turns a new key into the primary of a new set of multi-Region keys: an `mrk-` id (and
/// the ARN that goes with it) and the primary's place in the set.
fn make_multi_region_primary(key: &mut Key, caller: KmsCaller<'_>) {
    key.id = multi_region::new_id();
    key.arn = caller.key_arn(&key.id);
    key.multi_region = Some(MultiRegion::primary(caller.region));
}
