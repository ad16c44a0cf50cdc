//! CreateKey: a symmetric encryption key (`SYMMETRIC_DEFAULT`, `ENCRYPT_DECRYPT`, origin
//! `AWS_KMS`) with KMS's default key policy unless one is given, and optional tags.
//! Other key specs, usages and origins are refused with `UnsupportedOperationException`
//! until they are emulated. A policy is checked as PutKeyPolicy checks it.

use serde::{Deserialize, Serialize};

use super::super::keys::{Key, KeyManager, KeyPlace};
use super::super::model::{KeyMetadata, KmsTag};
use super::super::{KmsCaller, KmsError, LocalKms};
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
}

/// CreateKey output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateKeyOutput {
    key_metadata: KeyMetadata,
}

/// Serves CreateKey.
pub fn create_key(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: CreateKeyInput,
) -> Result<CreateKeyOutput, KmsError> {
    let mut v = Validator::new();
    v.length(
        "Description",
        input.description.as_deref(),
        0,
        8192,
        Echo::Value,
    );
    v.one_of("KeyUsage", input.key_usage.as_deref(), &KEY_USAGES);
    v.one_of(
        "CustomerMasterKeySpec",
        input.customer_master_key_spec.as_deref(),
        &KEY_SPECS,
    );
    v.one_of("KeySpec", input.key_spec.as_deref(), &KEY_SPECS);
    v.one_of("Origin", input.origin.as_deref(), &ORIGINS);
    validate_tags(&mut v, input.tags.as_deref());
    super::key_policy::validate_policy(&mut v, input.policy.as_deref());
    v.finish()?;

    let spec = input
        .key_spec
        .as_deref()
        .or(input.customer_master_key_spec.as_deref())
        .unwrap_or("SYMMETRIC_DEFAULT");
    if spec != "SYMMETRIC_DEFAULT" && input.key_usage.is_none() {
        return Err(KmsError::Validation(
            "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.".into(),
        ));
    }
    let usage = input.key_usage.as_deref().unwrap_or("ENCRYPT_DECRYPT");
    let origin = input.origin.as_deref().unwrap_or("AWS_KMS");
    if spec != "SYMMETRIC_DEFAULT"
        || usage != "ENCRYPT_DECRYPT"
        || origin != "AWS_KMS"
        || input.multi_region == Some(true)
    {
        return Err(KmsError::UnsupportedOperation(format!(
            "Lockbox emulates symmetric encryption keys only (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT, Origin AWS_KMS, single-Region); got KeySpec {spec}, KeyUsage {usage}, Origin {origin}."
        )));
    }
    let tags = check_tags(input.tags.unwrap_or_default())?;
    if let Some(policy) = &input.policy {
        super::key_policy::check_policy(policy)?;
    }

    let caller = KmsCaller::from(ctx);
    let place = KeyPlace {
        account: caller.account,
        region: caller.region,
        now: caller.now,
    };
    let mut key = Key::new(
        place,
        KeyManager::Customer,
        input.description.unwrap_or_default(),
        input.policy,
    );
    key.tags = tags;
    let key_metadata = key.metadata();
    let ring = kms.ring(caller);
    kms.write_ring(caller, &ring, |_, keys| {
        keys.insert(key.id.clone(), key);
        Ok(())
    })?;
    Ok(CreateKeyOutput { key_metadata })
}

/// Adds the model's `Tag` constraints (`TagKey` 1-128 and `TagValue` 0-256, both required)
/// for every entry of a `Tags` list.
pub(crate) fn validate_tags(v: &mut Validator, tags: Option<&[KmsTag]>) {
    for (index, tag) in tags.unwrap_or_default().iter().enumerate() {
        let at = index + 1;
        v.required(&format!("Tags.{at}.member.TagKey"), tag.tag_key.as_ref());
        v.length(
            &format!("Tags.{at}.member.TagKey"),
            tag.tag_key.as_deref(),
            1,
            128,
            Echo::Value,
        );
        v.required(
            &format!("Tags.{at}.member.TagValue"),
            tag.tag_value.as_ref(),
        );
        v.length(
            &format!("Tags.{at}.member.TagValue"),
            tag.tag_value.as_deref(),
            0,
            256,
            Echo::Value,
        );
    }
}

/// KMS's tag rules with its `TagException` texts (reference §2.5): at most 50, no duplicate
/// keys, no `aws:` prefix in any case.
pub(crate) fn check_tags(tags: Vec<KmsTag>) -> Result<Vec<(String, String)>, KmsError> {
    if tags.len() > 50 {
        return Err(KmsError::Tag("Too many tags".into()));
    }
    let mut out: Vec<(String, String)> = Vec::with_capacity(tags.len());
    for tag in tags {
        let key = tag.tag_key.unwrap_or_default();
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(KmsError::Tag(
                "Tags beginning with aws: are reserved".into(),
            ));
        }
        if out.iter().any(|(existing, _)| existing == &key) {
            return Err(KmsError::Tag("Duplicate tag keys".into()));
        }
        out.push((key, tag.tag_value.unwrap_or_default()));
    }
    Ok(out)
}
