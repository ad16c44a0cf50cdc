//! The model's constraints on IAM inputs (names, paths, tags, documents, paging), checked
//! with the shared [`Validator`] so the texts are AWS's, and reported as `ValidationError`.

use serde::Deserialize;

use crate::api::validate::{Echo, Validator};

use super::error::IamError;

/// The pattern of user, role, group, policy and device names.
pub const NAME_PATTERN: &str = r"[\w+=,.@-]+";
/// The pattern of paths.
const PATH_PATTERN: &str = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)";
/// The pattern of path prefixes.
const PATH_PREFIX_PATTERN: &str = r"\u002F[\u0021-\u007F]*";
/// The pattern of tag keys.
const TAG_KEY_PATTERN: &str = r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+";
/// The pattern of policy documents.
const DOCUMENT_PATTERN: &str = r"[\u0009\u000A\u000D\u0020-\u00FF]+";
/// The longest policy document.
pub const MAX_DOCUMENT: usize = 131_072;
/// Tags an entity may carry.
pub const MAX_TAGS: usize = 50;

/// A tag as the wire carries it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}

fn is_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
}

fn is_path(value: &str) -> bool {
    value == "/"
        || (value.len() >= 3
            && value.starts_with('/')
            && value.ends_with('/')
            && value.bytes().all(|b| (0x21..=0x7e).contains(&b)))
}

fn is_path_prefix(value: &str) -> bool {
    value.starts_with('/') && value.bytes().all(|b| (0x21..=0x7f).contains(&b))
}

fn is_tag_key(value: &str) -> bool {
    !value.is_empty() && value.chars().all(is_tag_char)
}

fn is_tag_value(value: &str) -> bool {
    value.chars().all(is_tag_char)
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

fn is_document_text(value: &str) -> bool {
    value
        .chars()
        .all(|c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'))
}

fn is_digits(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit())
}

/// IAM's checks over the shared validator.
#[derive(Debug, Default)]
pub struct Checks(Validator);

impl Checks {
    /// No failures yet.
    pub fn new() -> Checks {
        Checks(Validator::new())
    }

    /// A required name of at most `max` characters.
    pub fn name(&mut self, member: &str, value: Option<&str>, max: usize) -> &mut Self {
        self.0.required(member, value.as_ref());
        self.optional_name(member, value, max)
    }

    /// An optional name of at most `max` characters.
    pub fn optional_name(&mut self, member: &str, value: Option<&str>, max: usize) -> &mut Self {
        self.0.length(member, value, 1, max, Echo::Value);
        self.0.pattern(member, value, NAME_PATTERN, is_name);
        self
    }

    /// An optional path.
    pub fn path(&mut self, member: &str, value: Option<&str>) -> &mut Self {
        self.0.length(member, value, 1, 512, Echo::Value);
        self.0.pattern(member, value, PATH_PATTERN, is_path);
        self
    }

    /// An optional path prefix.
    pub fn path_prefix(&mut self, value: Option<&str>) -> &mut Self {
        self.0.length("PathPrefix", value, 1, 512, Echo::Value);
        self.0
            .pattern("PathPrefix", value, PATH_PREFIX_PATTERN, is_path_prefix);
        self
    }

    /// A required string of `min..=max` characters with no pattern.
    pub fn text(&mut self, member: &str, value: Option<&str>, min: usize, max: usize) -> &mut Self {
        self.0.required(member, value.as_ref());
        self.0.length(member, value, min, max, Echo::Value);
        self
    }

    /// An optional string of at most `max` characters.
    pub fn optional_text(&mut self, member: &str, value: Option<&str>, max: usize) -> &mut Self {
        self.0.length(member, value, 0, max, Echo::Value);
        self
    }

    /// A required policy document (its JSON is checked separately, after the constraints).
    pub fn document(&mut self, member: &str, value: Option<&str>) -> &mut Self {
        self.0.required(member, value.as_ref());
        self.0.length(member, value, 1, MAX_DOCUMENT, Echo::Value);
        self.0
            .pattern(member, value, DOCUMENT_PATTERN, is_document_text);
        self
    }

    /// A six-digit MFA code (never echoed).
    pub fn code(&mut self, member: &str, value: Option<&str>) -> &mut Self {
        self.0.required(member, value.as_ref());
        self.0.length(member, value, 6, 6, Echo::Redact);
        self.0.sensitive_pattern(member, value, r"[\d]+", is_digits);
        self
    }

    /// An integer within `min..=max`.
    pub fn range(&mut self, member: &str, value: Option<i64>, min: i64, max: i64) -> &mut Self {
        self.0.range(member, value, min, max);
        self
    }

    /// `Marker` and `MaxItems`.
    pub fn paging(&mut self, marker: Option<&str>, max_items: Option<i64>) -> &mut Self {
        self.0.length("Marker", marker, 1, 320, Echo::Value);
        self.0.range("MaxItems", max_items, 1, 1000);
        self
    }

    /// A list of tags (at most 50; keys 1-128, values 0-256, IAM's tag characters).
    pub fn tags(&mut self, tags: Option<&[Tag]>) -> &mut Self {
        self.0.list_length("Tags", tags, 0, MAX_TAGS);
        for (index, tag) in tags.unwrap_or_default().iter().enumerate() {
            let at = index + 1;
            let key = format!("Tags.{at}.member.Key");
            let value = format!("Tags.{at}.member.Value");
            self.0.length(&key, Some(&tag.key), 1, 128, Echo::Value);
            self.0
                .pattern(&key, Some(&tag.key), TAG_KEY_PATTERN, is_tag_key);
            self.0.length(&value, Some(&tag.value), 0, 256, Echo::Value);
            self.0.pattern(
                &value,
                Some(&tag.value),
                r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
                is_tag_value,
            );
        }
        self
    }

    /// A required member of any type.
    pub fn required<T>(&mut self, member: &str, value: Option<&T>) -> &mut Self {
        self.0.required(member, value.as_ref());
        self
    }

    /// Ok when every check passed, else one `ValidationError` listing the failures.
    pub fn finish(&mut self) -> Result<(), IamError> {
        std::mem::take(&mut self.0).finish().map_err(IamError::from)
    }
}

/// A required member the checks have proven present.
pub fn present<T>(value: Option<T>) -> Result<T, IamError> {
    value.ok_or(IamError::ServiceFailure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_follow_the_model() {
        assert!(
            Checks::new()
                .name("UserName", Some("ci.reader+x@y=z,w-1_"), 64)
                .finish()
                .is_ok()
        );
        let error = Checks::new()
            .name("UserName", Some("bad name"), 64)
            .finish()
            .unwrap_err();
        assert_eq!(
            error,
            IamError::Validation(format!(
                "1 validation error detected: Value 'bad name' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: {NAME_PATTERN}"
            ))
        );
        assert!(Checks::new().name("UserName", None, 64).finish().is_err());
        assert!(
            Checks::new()
                .name("UserName", Some(&"a".repeat(65)), 64)
                .finish()
                .is_err()
        );
        assert!(Checks::new().path("Path", Some("/a/b/")).finish().is_ok());
        assert!(Checks::new().path("Path", Some("/a")).finish().is_err());
        assert!(Checks::new().path("Path", Some("//")).finish().is_err());
    }

    #[test]
    fn codes_are_six_digits_and_never_echoed() {
        assert!(
            Checks::new()
                .code("AuthenticationCode1", Some("012345"))
                .finish()
                .is_ok()
        );
        let IamError::Validation(message) = Checks::new()
            .code("AuthenticationCode1", Some("12a456"))
            .finish()
            .unwrap_err()
        else {
            panic!("a validation error");
        };
        assert!(!message.contains("12a456"), "{message}");
    }
}
