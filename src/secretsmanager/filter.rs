//! The `Filters` of ListSecrets and BatchGetSecretValue: validation and matching.
//!
//! Matching rules (as observed on AWS):
//! - `name`, `tag-key`, `tag-value`, `primary-region`: case-sensitive prefix of the whole
//!   string (no word splitting: `"testing1 one"` matches no name);
//! - `owning-service`: prefix, case-insensitive (model and user guide disagree; the guide wins);
//! - `description`, `all`: the value is split into words and every word must be a
//!   case-insensitive prefix of some word of one attribute (`all` looks at the name, the
//!   description, every tag key and every tag value) — see [`words`];
//! - a leading `!` negates: the secret matches when the value without `!` does not match it
//!   (decision, not observed on AWS: so a secret with no tags or no description passes `!x`
//!   filters on them);
//! - the values of one filter are ORed; separate filters (even with the same key) are ANDed.
//!
//! Invariant: a [`SecretFilters`] only exists for input that passed [`validate`] and
//! [`SecretFilters::parse`], so every key is known and every filter has 1-10 values.

use super::error::SmError;
use super::model::Filter;
use super::secret::Secret;
use crate::api::validate::Validator;

/// The model's `FilterNameStringType` enum, in the model's order.
const KEYS: [&str; 7] = [
    "description",
    "name",
    "tag-key",
    "tag-value",
    "primary-region",
    "owning-service",
    "all",
];
/// The model's `FilterValueStringType` pattern, as Coral quotes it.
const VALUE_PATTERN: &str = r"^\!?[a-zA-Z0-9 :_@\/\+\=\.\-\!]*$";
const MAX_FILTERS: usize = 10;
const MAX_VALUES: usize = 10;
const MAX_VALUE_LENGTH: usize = 512;
/// Characters that split words when they are the only kind of separator in a string.
const SEPARATORS: [char; 7] = ['/', '_', '+', '=', '.', '@', '-'];

/// Adds the model's constraints on `Filters` (count, key enum, value count/length/pattern).
pub fn validate(v: &mut Validator, filters: Option<&[Filter]>) {
    v.list_length("Filters", filters, 0, MAX_FILTERS);
    for (index, filter) in filters.into_iter().flatten().enumerate() {
        let at = index + 1;
        v.one_of(
            &format!("Filters.{at}.member.Key"),
            filter.key.as_deref(),
            &KEYS,
        );
        let values = filter.values.as_deref();
        let member = format!("Filters.{at}.member.Values");
        v.string_list_length(&member, values, 1, MAX_VALUES);
        let mut constraints = Validator::length_constraints(0, MAX_VALUE_LENGTH);
        constraints.push(format!(
            "Member must satisfy regular expression pattern: {VALUE_PATTERN}"
        ));
        v.list_members(&member, values, &constraints, |value| {
            Validator::length_ok(value, 0, MAX_VALUE_LENGTH) && is_filter_value(value)
        });
    }
}

/// The model's value pattern: every character is in `[a-zA-Z0-9 :_@/+=.\-!]`.
fn is_filter_value(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " :_@/+=.-!".contains(c))
}

/// Which attribute of a secret a filter key looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attribute {
    Description,
    Name,
    TagKey,
    TagValue,
    PrimaryRegion,
    OwningService,
    All,
}

impl Attribute {
    fn parse(key: &str) -> Option<Attribute> {
        Some(match key {
            "description" => Attribute::Description,
            "name" => Attribute::Name,
            "tag-key" => Attribute::TagKey,
            "tag-value" => Attribute::TagValue,
            "primary-region" => Attribute::PrimaryRegion,
            "owning-service" => Attribute::OwningService,
            "all" => Attribute::All,
            _ => return None,
        })
    }
}

/// One filter value: the text to look for, possibly negated.
#[derive(Debug, Clone)]
struct Value {
    negated: bool,
    text: String,
}

#[derive(Debug, Clone)]
struct OneFilter {
    key: Attribute,
    values: Vec<Value>,
}

/// Validated filters; an empty set matches every secret.
#[derive(Debug, Clone, Default)]
pub struct SecretFilters(Vec<OneFilter>);

impl SecretFilters {
    /// The filters of a request that passed [`validate`]. A filter without `Key` or `Values`
    /// (the model does not require them) is refused with `InvalidParameterException` (our
    /// text; AWS's is unrecorded).
    pub fn parse(filters: Option<&[Filter]>) -> Result<SecretFilters, SmError> {
        let mut parsed = Vec::new();
        for filter in filters.into_iter().flatten() {
            let key = filter
                .key
                .as_deref()
                .and_then(Attribute::parse)
                .ok_or_else(|| {
                    SmError::InvalidParameter("You must specify a Key for each filter.".to_owned())
                })?;
            let values = filter
                .values
                .as_deref()
                .filter(|values| !values.is_empty())
                .ok_or_else(|| {
                    SmError::InvalidParameter(
                        "You must specify at least one value for each filter.".to_owned(),
                    )
                })?;
            let values = values
                .iter()
                .map(|value| match value.strip_prefix('!') {
                    Some(rest) => Value {
                        negated: true,
                        text: rest.to_owned(),
                    },
                    None => Value {
                        negated: false,
                        text: value.clone(),
                    },
                })
                .collect();
            parsed.push(OneFilter { key, values });
        }
        Ok(SecretFilters(parsed))
    }

    /// True when `secret` passes every filter (AND), each through any of its values (OR).
    pub fn matches(&self, secret: &Secret) -> bool {
        self.0.iter().all(|filter| {
            filter
                .values
                .iter()
                .any(|value| value.negated != matches_value(filter.key, &value.text, secret))
        })
    }
}

/// Whether the (non-negated) `text` matches `secret` under `key`.
fn matches_value(key: Attribute, text: &str, secret: &Secret) -> bool {
    let tags = secret.tags.as_deref().unwrap_or_default();
    let tag_keys = || tags.iter().filter_map(|tag| tag.key.as_deref());
    let tag_values = || tags.iter().filter_map(|tag| tag.value.as_deref());
    match key {
        Attribute::Name => secret.name.starts_with(text),
        Attribute::TagKey => tag_keys().any(|k| k.starts_with(text)),
        Attribute::TagValue => tag_values().any(|v| v.starts_with(text)),
        // Lockbox does not replicate and creates no service-managed secrets, so no secret has
        // a primary region or an owning service: these positive filters match nothing.
        Attribute::PrimaryRegion => primary_region(secret).is_some_and(|r| r.starts_with(text)),
        Attribute::OwningService => owning_service(secret)
            .is_some_and(|s| s.to_lowercase().starts_with(&text.to_lowercase())),
        Attribute::Description => secret
            .description
            .as_deref()
            .is_some_and(|d| words_match(text, d)),
        Attribute::All => {
            let mut attributes = std::iter::once(secret.name.as_str())
                .chain(secret.description.as_deref())
                .chain(tag_keys())
                .chain(tag_values());
            attributes.any(|attribute| words_match(text, attribute))
        }
    }
}

fn primary_region(_secret: &Secret) -> Option<&str> {
    None
}

fn owning_service(_secret: &Secret) -> Option<&str> {
    None
}

/// Every word of `filter` is a case-insensitive prefix of some word of `attribute`; a filter
/// with no words (e.g. `"+"` or `""`) matches nothing.
fn words_match(filter: &str, attribute: &str) -> bool {
    let wanted = words(filter);
    if wanted.is_empty() {
        return false;
    }
    let have: Vec<String> = words(attribute).iter().map(|w| w.to_lowercase()).collect();
    wanted.iter().all(|word| {
        let word = word.to_lowercase();
        have.iter().any(|h| h.starts_with(&word))
    })
}

/// Splits text into search words the way AWS was observed to (the exact tokenizer is
/// inferred from observations):
/// 1. whitespace separates chunks;
/// 2. a chunk containing exactly one kind of separator among `/ _ + = . @ -` is split on it;
///    a chunk mixing two kinds is not split at all, not even by case (`prod-AppBeta/x` stays
///    whole, so `AppBeta` does not find it);
/// 3. each piece is split before an uppercase letter followed by a lowercase one
///    (`SecretOne` -> `Secret`, `One`; `COMPANYthings` -> `COMPAN`, `Ythings`).
///
/// Empty words are dropped, so a lone separator yields no word.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for chunk in text.split_whitespace() {
        let kinds: Vec<char> = SEPARATORS
            .iter()
            .copied()
            .filter(|s| chunk.contains(*s))
            .collect();
        match kinds.as_slice() {
            [] => split_case(chunk, &mut out),
            [only] => chunk
                .split(*only)
                .for_each(|piece| split_case(piece, &mut out)),
            _ => out.push(chunk),
        }
    }
    out
}

/// Splits `piece` before every uppercase ASCII letter that is followed by a lowercase one.
fn split_case<'a>(piece: &'a str, out: &mut Vec<&'a str>) {
    let bytes = piece.as_bytes();
    let mut start = 0;
    for at in 1..bytes.len() {
        let starts_word =
            bytes[at].is_ascii_uppercase() && bytes.get(at + 1).is_some_and(u8::is_ascii_lowercase);
        if starts_word {
            out.push(&piece[start..at]);
            start = at;
        }
    }
    out.push(&piece[start..]);
    out.retain(|word| !word.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_observed_splitting() {
        assert_eq!(words("SecretOne"), ["Secret", "One"]);
        assert_eq!(words("COMPANYthings"), ["COMPAN", "Ythings"]);
        assert_eq!(words("a secret"), ["a", "secret"]);
        assert_eq!(words("prod/app/db"), ["prod", "app", "db"]);
        assert_eq!(words("prod-AppBeta/x"), ["prod-AppBeta/x"]);
        assert_eq!(words("my_secretName"), ["my", "secret", "Name"]);
        assert!(words("+").is_empty());
        assert!(words("  ").is_empty());
    }

    #[test]
    fn word_prefix_matching_is_case_insensitive_per_word() {
        assert!(words_match("a", "a secret"));
        assert!(words_match("a", "an secret"));
        assert!(words_match("a", "asecret"));
        assert!(!words_match("a", "thesecret"));
        assert!(words_match("a secret", "an secret"));
        assert!(!words_match("a secret", "asecret"));
        assert!(words_match("one two", "one and two"));
        assert!(words_match("THINGS", "Some things"));
        assert!(!words_match("things", "COMPANYthings"));
        assert!(words_match("Ythings", "COMPANYthings"));
        assert!(!words_match("+", "a+b"));
        assert!(!words_match("AppBeta", "prod-AppBeta/x"));
    }

    #[test]
    fn filter_values_follow_the_model_pattern() {
        assert!(is_filter_value("!prod/app:x_y@z+=.- 1"));
        assert!(!is_filter_value("a*"));
        assert!(!is_filter_value("é"));
    }
}
