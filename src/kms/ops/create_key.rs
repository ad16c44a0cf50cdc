//! CreateKey: a symmetric encryption key (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`, origin
//! `AWS_KMS`) with KMS's default key policy unless one is given, and optional tags.
//! Other key specs, usages and origins are refused with `UnsupportedOperationException`
//! until they are emulated. A policy is checked as PutKeyPolicy checks it.

use serde::{Deserialize, Serialize};

use super::super::keys::{Key, KeyManager};
use super::super::model::{KeyMetadata, KmsTag};
use super::super::{KmsCaller, KmsError, LocalKms};
use super::input::finish;
use super::key_policy::{check_policy, validate_policy};
use super::tags::{check_tags, tag_pairs, validate_tags};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

const KEY_USAGES: [&str; 4] = [
    "SIGN_VERIFY",
    "ENCRYPT_DECRYPT",
    "GENERATE_VERIFY_MAC",
    "KEY_AGREEMENT",
];
const KEY_SPECS: [&str; 16] = [
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
    #[allow(dead_code)]
    bypass_policy_lockout_safety_check: Option<bool>,
    tags: Option<Vec<KmsTag>>,
    multi_region: Option<bool>,
    /// Typed (a wrong JSON type is a `SerializationException`); custom key stores do not exist
    /// here.
    #[allow(dead_code)]
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
    description: String,
    policy: Option<String>,
    tags: Vec<(String, String)>,
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
            &KEY_SPECS,
        );
        v.one_of("KeySpec", self.key_spec.as_deref(), &KEY_SPECS);
        v.one_of("Origin", self.origin.as_deref(), &ORIGINS);
        validate_tags(&mut v, self.tags.as_deref());
        validate_policy(&mut v, self.policy.as_deref());
        // Tags are optional, but each given one has both members.
        let tags = finish(v, self.tags.map_or(Some(Vec::new()), tag_pairs))?;

        let spec = self
            .key_spec
            .as_deref()
            .or(self.customer_master_key_spec.as_deref())
            .unwrap_or("SYMMETRIC_DEFAULT");
        if spec != "SYMMETRIC_DEFAULT" && self.key_usage.is_none() {
            return Err(KmsError::Validation(
                "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.".into(),
            ));
        }
        let usage = self.key_usage.as_deref().unwrap_or("ENCRYPT_DECRYPT");
        let origin = self.origin.as_deref().unwrap_or("AWS_KMS");
        if spec != "SYMMETRIC_DEFAULT"
            || usage != "ENCRYPT_DECRYPT"
            || origin != "AWS_KMS"
            || self.multi_region == Some(true)
        {
            return Err(KmsError::UnsupportedOperation(format!(
                "Lockbox emulates symmetric encryption keys only (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT, Origin AWS_KMS, single-Region); got KeySpec {spec}, KeyUsage {usage}, Origin {origin}."
            )));
        }
        let tags = check_tags(tags)?;
        if let Some(policy) = &self.policy {
            check_policy(policy)?;
        }
        Ok(NewKey {
            // An absent description is the empty one, as KMS shows it.
            description: self.description.unwrap_or_default(),
            policy: self.policy,
            tags,
        })
    }
}

/// Serves CreateKey.
pub fn create_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: CreateKeyInput,
) -> Result<CreateKeyOutput, KmsError> {
    let NewKey {
        description,
        policy,
        tags,
    } = input.validate()?;
    let caller = KmsCaller::from(ctx);
    let mut key = Key::new(caller, KeyManager::Customer, description, policy);
    key.tags = tags;
    let key_metadata = key.metadata();
    let ring = kms.ring(caller);
    kms.write_ring(caller, &ring, |_, keys| {
        keys.insert(key.id.clone(), key);
        Ok(())
    })?;
    Ok(CreateKeyOutput { key_metadata })
}
