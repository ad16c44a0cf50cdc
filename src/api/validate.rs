//! Server-side enforcement of the botocore model's constraints, with Coral's messages.
//!
//! SDKs check only `required` and `min` (botocore) or nothing (Smithy SDKs), so every `max`,
//! range and pattern must be enforced here. Lengths are counted as AWS counts them: UTF-16 code
//! units for strings, bytes for blobs. Sensitive members are never echoed in a message.

use super::error::CommonError;

/// Collects constraint violations for one request, then reports them all at once:
/// `N validation error(s) detected: Value 'v' at 'member' failed to satisfy constraint: ...; ...`.
#[derive(Debug, Default)]
pub struct Validator {
    failures: Vec<String>,
}

/// Whether a member's value may appear in an error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Echo {
    /// Ordinary member: the value is quoted in the message.
    Value,
    /// Sensitive member: the message names the member only.
    Redact,
}

impl Validator {
    /// A validator with no failures yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a failure of `member` (the wire member name; its first letter is lowered).
    fn fail(&mut self, member: &str, shown: Option<&str>, constraint: &str) {
        let member = lower_first(member);
        let failure = match shown {
            Some(value) => {
                format!("Value '{value}' at '{member}' failed to satisfy constraint: {constraint}")
            }
            None => format!("Value at '{member}' failed to satisfy constraint: {constraint}"),
        };
        self.failures.push(failure);
    }

    /// A required member must be present.
    pub fn required<T>(&mut self, member: &str, value: Option<&T>) {
        if value.is_none() {
            let member = lower_first(member);
            self.failures.push(format!(
                "Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }

    /// String length in UTF-16 code units within `min..=max`.
    pub fn length(
        &mut self,
        member: &str,
        value: Option<&str>,
        min: usize,
        max: usize,
        echo: Echo,
    ) {
        if let Some(value) = value {
            let units = value.encode_utf16().count();
            let shown = (echo == Echo::Value).then_some(value);
            self.check_len(member, shown, units, min, max);
        }
    }

    /// Blob length in bytes within `min..=max` (blobs are never echoed).
    pub fn blob_length(&mut self, member: &str, value: Option<&[u8]>, min: usize, max: usize) {
        if let Some(value) = value {
            self.check_len(member, None, value.len(), min, max);
        }
    }

    fn check_len(&mut self, member: &str, shown: Option<&str>, len: usize, min: usize, max: usize) {
        if len < min {
            self.fail(
                member,
                shown,
                &format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                member,
                shown,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A string that must match the model's regular expression, tested by `matches`.
    pub fn pattern(
        &mut self,
        member: &str,
        value: Option<&str>,
        pattern: &str,
        matches: fn(&str) -> bool,
    ) {
        if let Some(value) = value {
            if !matches(value) {
                self.fail(
                    member,
                    Some(value),
                    &format!("Member must satisfy regular expression pattern: {pattern}"),
                );
            }
        }
    }

    /// Like [`Validator::pattern`] for a sensitive member: the value is never echoed.
    pub fn sensitive_pattern(
        &mut self,
        member: &str,
        value: Option<&str>,
        pattern: &str,
        matches: fn(&str) -> bool,
    ) {
        if value.is_some_and(|value| !matches(value)) {
            self.fail(
                member,
                None,
                &format!("Member must satisfy regular expression pattern: {pattern}"),
            );
        }
    }

    /// An integer within `min..=max`.
    pub fn range(&mut self, member: &str, value: Option<i64>, min: i64, max: i64) {
        if let Some(value) = value {
            let shown = value.to_string();
            if value < min {
                self.fail(
                    member,
                    Some(&shown),
                    &format!("Member must have value greater than or equal to {min}"),
                );
            } else if value > max {
                self.fail(
                    member,
                    Some(&shown),
                    &format!("Member must have value less than or equal to {max}"),
                );
            }
        }
    }

    /// A list with a number of entries within `min..=max`.
    pub fn list_length<T>(&mut self, member: &str, value: Option<&[T]>, min: usize, max: usize) {
        if let Some(items) = value {
            let shown = format!("[{} entries]", items.len());
            self.check_list_len(member, &shown, items.len(), min, max);
        }
    }

    /// A list of strings with a number of entries within `min..=max`; the message quotes the
    /// list as Coral does (`[a, b]`).
    pub fn string_list_length(
        &mut self,
        member: &str,
        value: Option<&[String]>,
        min: usize,
        max: usize,
    ) {
        if let Some(items) = value {
            let shown = format!("[{}]", items.join(", "));
            self.check_list_len(member, &shown, items.len(), min, max);
        }
    }

    fn check_list_len(&mut self, member: &str, shown: &str, len: usize, min: usize, max: usize) {
        if len < min {
            self.fail(
                member,
                Some(shown),
                &format!("Member must have length greater than or equal to {min}"),
            );
        } else if len > max {
            self.fail(
                member,
                Some(shown),
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A string that must be one of the model's enum values (listed in the model's order).
    pub fn one_of(&mut self, member: &str, value: Option<&str>, allowed: &[&str]) {
        if let Some(value) = value {
            if !allowed.contains(&value) {
                self.fail(
                    member,
                    Some(value),
                    &format!(
                        "Member must satisfy enum value set: [{}]",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    /// A list of strings whose every entry must pass `valid`. As Coral does, a failure is
    /// reported once for the whole list, quoting it as `[a, b]` and naming every constraint
    /// of the entry shape: `Member must satisfy constraint: [c1, c2]`.
    pub fn list_members(
        &mut self,
        member: &str,
        values: Option<&[String]>,
        constraints: &[String],
        valid: impl Fn(&str) -> bool,
    ) {
        if let Some(values) = values {
            if !values.iter().all(|value| valid(value)) {
                let shown = format!("[{}]", values.join(", "));
                self.fail(
                    member,
                    Some(&shown),
                    &format!(
                        "Member must satisfy constraint: [{}]",
                        constraints.join(", ")
                    ),
                );
            }
        }
    }

    /// A list of strings whose every entry must be `min..=max` long ([`Validator::list_members`]
    /// with the length constraints of the entry shape).
    pub fn member_lengths(
        &mut self,
        member: &str,
        values: Option<&[String]>,
        min: usize,
        max: usize,
    ) {
        self.list_members(
            member,
            values,
            &Validator::length_constraints(min, max),
            |value| Validator::length_ok(value, min, max),
        );
    }

    /// The constraint sentences of a string shape with length `min..=max`, as Coral lists them
    /// inside `Member must satisfy constraint: [...]` (`min` 0 is not listed).
    pub fn length_constraints(min: usize, max: usize) -> Vec<String> {
        let mut constraints = vec![format!(
            "Member must have length less than or equal to {max}"
        )];
        if min > 0 {
            constraints.push(format!(
                "Member must have length greater than or equal to {min}"
            ));
        }
        constraints
    }

    /// UTF-16 length of `value` within `min..=max`, as [`Validator::length`] counts it.
    pub fn length_ok(value: &str, min: usize, max: usize) -> bool {
        (min..=max).contains(&value.encode_utf16().count())
    }

    /// Ok when nothing failed, else one `ValidationException` listing every failure.
    pub fn finish(self) -> Result<(), CommonError> {
        match self.failures.len() {
            0 => Ok(()),
            1 => Err(CommonError::Validation(format!(
                "1 validation error detected: {}",
                self.failures[0]
            ))),
            n => Err(CommonError::Validation(format!(
                "{n} validation errors detected: {}",
                self.failures.join("; ")
            ))),
        }
    }
}

/// `SecretString` -> `secretString`; nested paths like `Tags.1.member.Key` -> `tags.1.member.key`.
fn lower_first(member: &str) -> String {
    member
        .split('.')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(v: Validator) -> String {
        match v.finish() {
            Err(CommonError::Validation(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_failure_uses_corals_sentence() {
        let mut v = Validator::new();
        v.length("VersionId", Some("AWSCURRENT"), 32, 64, Echo::Value);
        assert_eq!(
            message(v),
            "1 validation error detected: Value 'AWSCURRENT' at 'versionId' failed to satisfy constraint: Member must have length greater than or equal to 32"
        );
    }

    #[test]
    fn several_failures_are_joined_and_secrets_redacted() {
        let mut v = Validator::new();
        v.length(
            "SecretString",
            Some(&"x".repeat(65_537)),
            1,
            65_536,
            Echo::Redact,
        );
        v.required::<String>("Name", None);
        let text = message(v);
        assert!(
            text.starts_with("2 validation errors detected: Value at 'secretString' failed"),
            "{text}"
        );
        assert!(text.contains(
            "; Value null at 'name' failed to satisfy constraint: Member must not be null"
        ));
        assert!(!text.contains("xxx"));
    }

    #[test]
    fn lengths_count_utf16_units() {
        let mut v = Validator::new();
        v.length("Name", Some("😀😀"), 1, 4, Echo::Value);
        assert!(v.finish().is_ok());
        let mut v = Validator::new();
        v.length("Name", Some("😀😀😀"), 1, 4, Echo::Value);
        assert!(v.finish().is_err());
    }

    #[test]
    fn enums_and_list_members_use_corals_sentences() {
        let mut v = Validator::new();
        v.one_of("SortOrder", Some("up"), &["asc", "desc"]);
        assert_eq!(
            message(v),
            "1 validation error detected: Value 'up' at 'sortOrder' failed to satisfy constraint: Member must satisfy enum value set: [asc, desc]"
        );
        let mut v = Validator::new();
        let keys = vec!["ok".to_owned(), String::new()];
        v.list_members(
            "TagKeys",
            Some(&keys),
            &Validator::length_constraints(1, 128),
            |key| Validator::length_ok(key, 1, 128),
        );
        assert_eq!(
            message(v),
            "1 validation error detected: Value '[ok, ]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]"
        );
    }

    #[test]
    fn nested_members_are_lowered_per_segment() {
        assert_eq!(lower_first("Tags.1.member.Key"), "tags.1.member.key");
    }
}
