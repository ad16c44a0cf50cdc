//! The rules a seeded secret must follow before it is applied: the same limits and quotas the
//! API enforces (name, description, tags and their number, resource policy syntax, value size,
//! version ids and their number, labels),
//! reported as plain sentences for seed authors (never quoting a value).

use std::collections::BTreeSet;

use super::labels::MAX_VERSIONS;
use super::names::is_valid_name;
use super::policy;
use super::secret::AWSCURRENT;
use super::seeding::{SecretSeed, SeedValue};
use super::tags::MAX_TAGS;

/// Largest secret value, as in the API.
const MAX_VALUE_BYTES: usize = 65_536;

/// Checks `seed`; the error says what is wrong (the caller prefixes which secret).
pub fn check_shape(seed: &SecretSeed) -> Result<(), String> {
    if seed.name.is_empty() || seed.name.len() > 512 || !is_valid_name(&seed.name) {
        return Err("the name must be 1-512 of [A-Za-z0-9/_+=.@!-]".to_owned());
    }
    if seed.arn_suffix.len() != 6 || !seed.arn_suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("arn_suffix must be 6 letters or digits".to_owned());
    }
    if seed.description.as_ref().is_some_and(|d| d.len() > 2048) {
        return Err("the description must be at most 2048 characters".to_owned());
    }
    if seed.tags.len() > MAX_TAGS {
        return Err(format!(
            "at most {MAX_TAGS} tags, as the API allows (a secret over its quota would refuse later writes)"
        ));
    }
    for (key, value) in &seed.tags {
        if key.is_empty() || key.len() > 128 || value.len() > 256 {
            return Err(format!(
                "tag '{key}': keys must be 1-128 characters and values at most 256"
            ));
        }
        if key.starts_with("aws:") {
            return Err(format!("tag '{key}': the aws: prefix is reserved"));
        }
    }
    if let Some(document) = &seed.resource_policy {
        policy::parse(document)
            .map_err(|finding| format!("resource_policy: {}", finding.message))?;
    }
    check_versions(seed)
}

fn check_versions(seed: &SecretSeed) -> Result<(), String> {
    if seed.versions.is_empty() {
        return Err("a secret needs at least one version".to_owned());
    }
    if seed.versions.len() > MAX_VERSIONS {
        return Err(format!(
            "at most {MAX_VERSIONS} versions, as the API allows (a secret over its quota would refuse later writes)"
        ));
    }
    let mut ids = BTreeSet::new();
    let mut labels = BTreeSet::new();
    for version in &seed.versions {
        if !(32..=64).contains(&version.id.len()) || !ids.insert(version.id.as_str()) {
            return Err(format!(
                "version id '{}' must be 32-64 characters and unique",
                version.id
            ));
        }
        if let SeedValue::Plain(value) = &version.value {
            if value.bytes().is_empty() || value.bytes().len() > MAX_VALUE_BYTES {
                return Err(format!(
                    "the value of version {} must be 1-65536 bytes",
                    version.id
                ));
            }
        }
        if version.stages.len() > 20 {
            return Err(format!("version {} has more than 20 labels", version.id));
        }
        for stage in &version.stages {
            if stage.is_empty() || stage.len() > 256 || !labels.insert(stage.as_str()) {
                return Err(format!(
                    "label '{stage}' must be 1-256 characters and on one version only"
                ));
            }
        }
    }
    if !labels.contains(AWSCURRENT) {
        return Err("one version must carry AWSCURRENT".to_owned());
    }
    Ok(())
}
