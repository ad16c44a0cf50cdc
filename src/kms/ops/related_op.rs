//! The opening of the operations that act on a multi-Region key together with its related
//! keys in other Regions (ReplicateKey, UpdatePrimaryRegion, and rotation, whose settings
//! and material the set shares): resolve the key in the caller's Region, then run the
//! operation over every key ring of the account at once (`related.rs`), so the change and
//! its effect on the related keys are stored together. Also the checks and the Region
//! member these operations share.
//!
//! AWS's texts for a key of the wrong kind are not documented; the ones here are
//! unverified, in AWS's usual `<key ARN> ...` form.

use super::super::keys::Key;
use super::super::local::{Accepts, key_not_found};
use super::super::related::Related;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::key_op::{KeyRule, Partition, write_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// The model's `RegionType` pattern.
pub const REGION_PATTERN: &str = r"^([a-z]+-){2,3}\d+$";

/// Adds the model's `RegionType` constraints (1-32, [`REGION_PATTERN`]) for `member`.
pub fn validate_region(v: &mut Validator, member: &str, region: Option<&String>) {
    v.required(member, region);
    let region = region.map(String::as_str);
    v.length(member, region, 1, 32, Echo::Value);
    v.pattern(member, region, REGION_PATTERN, is_region);
}

/// Whether `value` matches [`REGION_PATTERN`]: two or three lowercase words, each followed by
/// a hyphen, then digits.
pub fn is_region(value: &str) -> bool {
    let mut parts: Vec<&str> = value.split('-').collect();
    let Some(number) = parts.pop() else {
        return false;
    };
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `UnsupportedOperationException` unless `key` (in `region`) is a multi-Region primary key:
/// `<key ARN> is not a multi-Region key.` or `<key ARN> is not a multi-Region primary key.`
/// (unverified texts).
pub fn check_primary(key: &Key, region: &str) -> Result<(), KmsError> {
    match &key.multi_region {
        None => Err(KmsError::UnsupportedOperation(format!(
            "{} is not a multi-Region key.",
            key.arn
        ))),
        Some(_) if !key.is_multi_region_primary(region) => Err(KmsError::UnsupportedOperation(
            format!("{} is not a multi-Region primary key.", key.arn),
        )),
        Some(_) => Ok(()),
    }
}

/// `UnsupportedOperationException` for a change of the rotation of a multi-Region replica,
/// which follows its primary (unverified text).
pub fn check_not_replica(key: &Key, region: &str) -> Result<(), KmsError> {
    match key.is_multi_region_replica(region) {
        true => Err(KmsError::UnsupportedOperation(format!(
            "{} is a multi-Region replica key. Its rotation follows its primary key; change it there.",
            key.arn
        ))),
        false => Ok(()),
    }
}

/// Resolves `key_id` (key id or key ARN) in the caller's Region and runs `act` on the key
/// with every key ring of the account write-locked, once `rule` accepts the key; the sets
/// `act` touches are relinked and everything is stored as one batch. `act` gets the key's
/// id and the related keys.
pub fn write_related_key<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    rule: KeyRule,
    extra_region: Option<&str>,
    act: impl FnOnce(&str, &mut Related<'_, '_>) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    let partition = Partition::open(kms, ctx);
    let id = partition.resolve(key_id, Accepts::KeyOnly)?;
    let caller = KmsCaller::from(ctx);
    kms.write_related(caller, extra_region, |related| {
        let key = related
            .key(caller.region, &id)
            .ok_or_else(|| key_not_found(caller, &id))?;
        rule.check(ctx, key)?;
        act(&id, related)
    })
}

/// Changes a key as `act` does: a single-Region key in its own ring ([`write_key`]); a
/// multi-Region key with its related keys ([`write_related_key`]), so what it changes of the
/// primary (material, rotation) reaches every replica in the same batch.
pub fn write_key_or_set<R>(
    kms: &LocalKms,
    ctx: &RequestCtx,
    key_id: &str,
    rule: KeyRule,
    act: impl FnOnce(&mut Key) -> Result<R, KmsError>,
) -> Result<R, KmsError> {
    let caller = KmsCaller::from(ctx);
    let partition = Partition::open(kms, ctx);
    let id = partition.resolve(key_id, rule.accepts)?;
    let multi_region = partition
        .ring()
        .keys()
        .get(&id)
        .is_some_and(|key| key.multi_region.is_some());
    if !multi_region {
        return write_key(kms, ctx, &id, rule, act);
    }
    write_related_key(kms, ctx, &id, rule, None, |id, related| {
        let key = related
            .key_mut(caller.region, id)
            .ok_or_else(|| key_not_found(caller, id))?;
        let value = act(key)?;
        related.touch(id, caller.now);
        Ok(value)
    })
}

#[cfg(test)]
mod tests {
    use super::is_region;

    #[test]
    fn regions_follow_the_model_pattern() {
        for ok in [
            "us-east-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "eu-central-12",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "",
            "a-1",
            "us-east",
            "US-east-1",
            "us-east-1a",
            "a-b-c-d-1",
            "us--1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }
}
