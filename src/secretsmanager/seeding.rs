//! Deterministic seeding and export of secrets (issue 5: `--seed`, `/_lockbox/import`,
//! `/_lockbox/export`), through the same sealing code as the API (`value.rs`).
//!
//! Invariants: [`SecretsManager::seed_secret`] either creates the secret with exactly the
//! given ARN, versions and labels, or confirms an identical secret exists (same ARN,
//! metadata, version ids, labels and decrypted values); anything else is a conflict reported in
//! words, never a silent overwrite. Imported sealed values are kept byte for byte, after
//! checking they decrypt here. Error texts name secrets and versions, never values.

use std::collections::BTreeSet;

use time::OffsetDateTime;

use super::SecretsManager;
use super::model::Tag;
use super::secret::{AccessDay, SealedValue, Secret, Version};
use super::seed_rules::check_shape;
use super::value::{self, SecretValue};
use crate::api::Principal;
use crate::api::ctx::RequestCtx;
use crate::api::error::WireError as _;
use crate::kms::{self, Applied, SeedError};
use crate::storage::PartitionKey;

pub use super::secret::ValueKind;

/// A secret as a seed declares it (ids and suffix already fixed).
#[derive(Debug)]
pub struct SecretSeed {
    /// Name.
    pub name: String,
    /// Six alphanumerics of the ARN suffix.
    pub arn_suffix: String,
    /// Description.
    pub description: Option<String>,
    /// KMS key as named (`None`: `aws/secretsmanager`).
    pub kms_key_id: Option<String>,
    /// Tags in order.
    pub tags: Vec<(String, String)>,
    /// Resource policy.
    pub resource_policy: Option<String>,
    /// Versions, oldest first.
    pub versions: Vec<VersionSeed>,
}

/// A version as declared.
#[derive(Debug)]
pub struct VersionSeed {
    /// Version id.
    pub id: String,
    /// Labels.
    pub stages: Vec<String>,
    /// The value.
    pub value: SeedValue,
}

/// A value in plaintext or as stored.
#[derive(Debug)]
pub enum SeedValue {
    /// Plaintext, sealed on import.
    Plain(SecretValue),
    /// Already sealed (an encrypted export).
    Sealed {
        /// String or binary.
        kind: ValueKind,
        /// Value ciphertext.
        ciphertext: Vec<u8>,
        /// KMS ciphertext blob of the data key.
        encrypted_data_key: Vec<u8>,
    },
}

/// A secret as exported: the seed shape, with values sealed or plaintext.
pub type SecretExport = SecretSeed;

fn seed_ctx(account: &str, region: &str, now: OffsetDateTime) -> RequestCtx {
    RequestCtx {
        request_id: "lockbox-seed".to_owned(),
        event_id: crate::crypto::random_uuid(),
        principal: Principal::root(account, "lockbox-seed"),
        region: region.to_owned(),
        now,
        access: crate::api::access::Access::unchecked("Seed"),
    }
}

fn describe(error: &super::error::SmError) -> String {
    format!("{}: {}", error.code(), error.message().unwrap_or_default())
}

fn tag_pairs(tags: Option<&Vec<Tag>>) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = tags
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t.key.clone().unwrap_or_default(),
                t.value.clone().unwrap_or_default(),
            )
        })
        .collect();
    pairs.sort();
    pairs
}

impl SecretsManager {
    /// Creates the seeded secret in `account`/`region`, or confirms an identical one exists.
    pub fn seed_secret(
        &self,
        account: &str,
        region: &str,
        now: OffsetDateTime,
        seed: &SecretSeed,
    ) -> Result<Applied, SeedError> {
        let where_ = format!("secret '{}' in {account}/{region}", seed.name);
        check_shape(seed).map_err(|e| format!("{where_}: {e}"))?;
        let ctx = seed_ctx(account, region, now);
        let arn = format!(
            "arn:aws:secretsmanager:{region}:{account}:secret:{}-{}",
            seed.name, seed.arn_suffix
        );
        let key_arn = self
            .kms
            .resolve_key_arn(&ctx, seed.kms_key_id.as_deref())
            .map_err(|e| format!("{where_}: KMS key: {e}"))?;
        let mut plain = Vec::with_capacity(seed.versions.len());
        for version in &seed.versions {
            plain.push(match &version.value {
                SeedValue::Plain(value) => value.clone(),
                SeedValue::Sealed {
                    kind,
                    ciphertext,
                    encrypted_data_key,
                } => {
                    let sealed = sealed_of(*kind, ciphertext, encrypted_data_key, &ctx);
                    value::open(&self.kms, &ctx, &arn, &version.id, &sealed).map_err(|e| {
                        format!(
                            "{where_}: version {} does not decrypt here ({}); import the KMS keys of the same export too",
                            version.id,
                            describe(&e)
                        )
                    })?
                }
            });
        }
        let table = self.table(&ctx);
        // A copy, so the comparison decrypts with no lock held.
        let existing = table.read().get(&seed.name).cloned();
        if let Some(existing) = existing {
            return match self.difference(&ctx, &existing, seed, &arn, &plain) {
                Some(what) => Err(SeedError::Conflict(format!(
                    "{where_} already exists with a different {what}; reset the instance or change the seed"
                ))),
                None => Ok(Applied::Unchanged),
            };
        }
        let mut versions = Vec::with_capacity(seed.versions.len());
        for (version, value) in seed.versions.iter().zip(&plain) {
            let sealed = match &version.value {
                SeedValue::Sealed {
                    kind,
                    ciphertext,
                    encrypted_data_key,
                } => sealed_of(*kind, ciphertext, encrypted_data_key, &ctx),
                SeedValue::Plain(_) => {
                    value::seal(&self.kms, &ctx, Some(&key_arn), &arn, &version.id, value)
                        .map_err(|e| format!("{where_}: {}", describe(&e)))?
                }
            };
            versions.push(Version {
                id: version.id.clone(),
                stages: version.stages.clone(),
                created: now,
                last_accessed: AccessDay::default(),
                value: Some(sealed),
            });
        }
        let mut secret = Secret::new(seed.name.clone(), arn, now);
        secret.description = seed.description.clone();
        secret.kms_key_id = seed.kms_key_id.clone();
        secret.resource_policy = seed.resource_policy.clone();
        secret.tags = (!seed.tags.is_empty()).then(|| {
            seed.tags
                .iter()
                .map(|(k, v)| Tag {
                    key: Some(k.clone()),
                    value: Some(v.clone()),
                })
                .collect()
        });
        secret.versions = versions;
        let created = self.write_table(&ctx, |secrets| {
            if secrets.contains_key(&seed.name) {
                return Ok(false);
            }
            secrets.insert(secret);
            Ok(true)
        });
        match created {
            Ok(true) => Ok(Applied::Created),
            Ok(false) => Err(SeedError::Conflict(format!(
                "{where_} was created concurrently; apply again"
            ))),
            Err(error) => Err(SeedError::Invalid(format!(
                "{where_}: {}",
                describe(&error)
            ))),
        }
    }

    /// Why `existing` differs from `seed`, if it does.
    fn difference(
        &self,
        ctx: &RequestCtx,
        existing: &Secret,
        seed: &SecretSeed,
        arn: &str,
        plain: &[SecretValue],
    ) -> Option<String> {
        let mut tags = seed.tags.clone();
        tags.sort();
        if existing.deleted.is_some() {
            return Some("state (it is scheduled for deletion)".to_owned());
        }
        if existing.arn != arn {
            return Some(format!("ARN ({})", existing.arn));
        }
        if existing.description != seed.description {
            return Some("description".to_owned());
        }
        if existing.kms_key_id != seed.kms_key_id {
            return Some("kms_key_id".to_owned());
        }
        if tag_pairs(existing.tags.as_ref()) != tags {
            return Some("tags".to_owned());
        }
        if existing.resource_policy != seed.resource_policy {
            return Some("resource_policy".to_owned());
        }
        if existing.versions.len() != seed.versions.len() {
            return Some("set of versions".to_owned());
        }
        for (version, value) in seed.versions.iter().zip(plain) {
            let Some(found) = existing.version(&version.id) else {
                return Some(format!("set of versions (no version {})", version.id));
            };
            let stages: BTreeSet<_> = found.stages.iter().collect();
            if stages != version.stages.iter().collect() {
                return Some(format!("labels on version {}", version.id));
            }
            let same = found
                .value
                .as_ref()
                .and_then(|sealed| value::open(&self.kms, ctx, arn, &found.id, sealed).ok())
                .is_some_and(|current| current.same_as(value));
            if !same {
                return Some(format!("value of version {}", version.id));
            }
        }
        None
    }

    /// Every secret not scheduled for deletion, per partition in partition order, secrets by
    /// name; values decrypted when `plaintext`, else as stored. Versions without a value
    /// (rotation placeholders) are left out.
    pub fn export_secrets(
        &self,
        now: OffsetDateTime,
        plaintext: bool,
    ) -> Result<Vec<(PartitionKey, Vec<SecretExport>)>, String> {
        let mut out = Vec::new();
        for (partition, table) in self.tables.entries() {
            let ctx = seed_ctx(&partition.account, &partition.region, now);
            // A copy, so plaintext exports decrypt with no lock held.
            let secrets: Vec<Secret> = table
                .read()
                .iter()
                .filter(|s| s.deleted.is_none())
                .cloned()
                .collect();
            let mut exported = Vec::new();
            for secret in &secrets {
                let mut versions = Vec::new();
                for version in &secret.versions {
                    let Some(sealed) = &version.value else {
                        continue;
                    };
                    let value = if plaintext {
                        SeedValue::Plain(
                            value::open(&self.kms, &ctx, &secret.arn, &version.id, sealed)
                                .map_err(|e| {
                                    format!(
                                        "secret '{}' version {}: {}",
                                        secret.name,
                                        version.id,
                                        describe(&e)
                                    )
                                })?,
                        )
                    } else {
                        SeedValue::Sealed {
                            kind: sealed.kind,
                            ciphertext: sealed.ciphertext.clone(),
                            encrypted_data_key: sealed.encrypted_data_key.clone(),
                        }
                    };
                    versions.push(VersionSeed {
                        id: version.id.clone(),
                        stages: version.stages.clone(),
                        value,
                    });
                }
                let arn_suffix = secret.arn.rsplit('-').next().unwrap_or_default().to_owned();
                exported.push(SecretExport {
                    name: secret.name.clone(),
                    arn_suffix,
                    description: secret.description.clone(),
                    kms_key_id: secret.kms_key_id.clone(),
                    tags: secret
                        .tags
                        .iter()
                        .flatten()
                        .map(|t| {
                            (
                                t.key.clone().unwrap_or_default(),
                                t.value.clone().unwrap_or_default(),
                            )
                        })
                        .collect(),
                    resource_policy: secret.resource_policy.clone(),
                    versions,
                });
            }
            if !exported.is_empty() {
                out.push((partition, exported));
            }
        }
        Ok(out)
    }
}

/// A stored value from its parts; the key ARN is read from the data key's blob.
fn sealed_of(
    kind: ValueKind,
    ciphertext: &[u8],
    encrypted_data_key: &[u8],
    ctx: &RequestCtx,
) -> SealedValue {
    let key_id = kms::ciphertext_key_id(encrypted_data_key).unwrap_or_default();
    SealedValue {
        kind,
        ciphertext: ciphertext.to_vec(),
        encrypted_data_key: encrypted_data_key.to_vec(),
        key_arn: kms::key_arn(&ctx.region, ctx.account(), key_id),
    }
}
