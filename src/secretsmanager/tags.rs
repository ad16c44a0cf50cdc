//! Tag rules shared by CreateSecret and TagResource / UntagResource.
//!
//! Invariants kept on `Secret::tags`: at most [`MAX_TAGS`] tags, unique keys, insertion
//! order (an overwritten key keeps its place, new keys are appended), and no key with the
//! reserved `aws:` prefix set by a caller.

use super::error::SmError;
use super::model::Tag;
use crate::api::validate::{Echo, Validator};

/// Most user tags a secret may carry.
pub const MAX_TAGS: usize = 50;
const MAX_KEY_LENGTH: usize = 128;
const MAX_VALUE_LENGTH: usize = 256;

/// Adds the model's `Tag` constraints (key 1-128, value 0-256) for every entry of `member`.
pub fn validate_tags(v: &mut Validator, member: &str, tags: Option<&[Tag]>) {
    for (index, tag) in tags.into_iter().flatten().enumerate() {
        let at = index + 1;
        v.length(
            &format!("{member}.{at}.member.Key"),
            tag.key.as_deref(),
            1,
            MAX_KEY_LENGTH,
            Echo::Value,
        );
        v.length(
            &format!("{member}.{at}.member.Value"),
            tag.value.as_deref(),
            0,
            MAX_VALUE_LENGTH,
            Echo::Value,
        );
    }
}

/// Adds the model's `TagKeyListType` constraints (each key 1-128, reported Coral-style).
pub fn validate_tag_keys(v: &mut Validator, member: &str, keys: Option<&[String]>) {
    v.member_lengths(member, keys, 1, MAX_KEY_LENGTH);
}

/// Refuses a key with the reserved `aws:` prefix (any case), with AWS's text.
pub fn check_not_reserved<'a>(keys: impl IntoIterator<Item = &'a str>) -> Result<(), SmError> {
    for key in keys {
        if key.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(SmError::InvalidParameter(format!(
                "You can't modify system tags. Tag key: '{key}'."
            )));
        }
    }
    Ok(())
}

/// Refuses a tag without `Key` (the model does not mark it required); our text, AWS's is
/// unrecorded.
pub fn check_keys_present(tags: &[Tag]) -> Result<(), SmError> {
    if tags.iter().any(|tag| tag.key.is_none()) {
        return Err(SmError::InvalidParameter(
            "You must provide a Key for each tag.".to_owned(),
        ));
    }
    Ok(())
}

/// Refuses more than [`MAX_TAGS`] tags; our text, AWS's is unrecorded.
pub fn check_count(count: usize) -> Result<(), SmError> {
    if count > MAX_TAGS {
        return Err(SmError::InvalidParameter(format!(
            "Number of tags exceeds the limit of {MAX_TAGS} tags per secret."
        )));
    }
    Ok(())
}

/// `tags` with `new` upserted: an existing key is overwritten in place, a new key appended
/// (a key repeated in `new` ends with its last value).
pub fn upsert(tags: &[Tag], new: &[Tag]) -> Vec<Tag> {
    let mut merged = tags.to_vec();
    for tag in new {
        match merged.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value.clone(),
            None => merged.push(tag.clone()),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(key: &str, value: &str) -> Tag {
        Tag {
            key: Some(key.into()),
            value: Some(value.into()),
        }
    }

    #[test]
    fn upsert_overwrites_in_place_and_appends() {
        let merged = upsert(
            &[tag("a", "1"), tag("b", "2")],
            &[tag("c", "3"), tag("a", "x"), tag("c", "4")],
        );
        assert_eq!(merged, [tag("a", "x"), tag("b", "2"), tag("c", "4")]);
    }

    #[test]
    fn reserved_prefix_is_case_insensitive() {
        assert!(check_not_reserved(["AWS:x"]).is_err());
        assert!(check_not_reserved(["aws"]).is_ok());
        assert!(check_not_reserved(["é"]).is_ok());
    }
}
