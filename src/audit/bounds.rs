//! How much one audit record may hold, and what it costs to keep.
//!
//! A record is made from what a client sent, so without limits a refused 1 MB request would
//! keep its 1 MB member twice (in `requestParameters` and echoed in `errorMessage`). The limits
//! are CloudTrail's: `errorMessage` and `userAgent` are cut at 1 KB, and `requestParameters` /
//! `responseElements` hold at most 100 KB of JSON; members that do not fit are left out and
//! `"omitted": true` says so, as CloudTrail marks a field it truncated.
//!
//! [`retained_bytes`] estimates the memory a record holds (its heap text and JSON nodes), which
//! the trail adds up to bound itself as a whole.

use std::io;
use std::mem::size_of;

use serde::Serialize;
use serde_json::{Map, Value};

/// Longest `errorMessage` and `userAgent` kept, in bytes (CloudTrail truncates both at 1 KB).
pub const MAX_TEXT_BYTES: usize = 1024;

/// Largest `requestParameters` / `responseElements` kept, in bytes of JSON (CloudTrail's 100 KB).
pub const MAX_MEMBERS_BYTES: usize = 100 * 1024;

/// What ends a text cut short.
pub const TRUNCATION_MARKER: &str = "...";

/// The member that says some members were left out.
pub const OMITTED: &str = "omitted";

/// `text`, or its longest prefix (on a character boundary) that fits in [`MAX_TEXT_BYTES`]
/// with [`TRUNCATION_MARKER`] after it.
pub fn bounded_text(mut text: String) -> String {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES - TRUNCATION_MARKER.len();
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(TRUNCATION_MARKER);
    text
}

/// `members` (a JSON object, or `null`) within [`MAX_MEMBERS_BYTES`] of JSON: members are kept
/// in order while they fit, the others are left out and `"omitted": true` added. Anything
/// other than an object is kept only if it fits.
pub fn bounded_members(members: Value) -> Value {
    if json_len(&members) <= MAX_MEMBERS_BYTES {
        return members;
    }
    let Value::Object(members) = members else {
        return omitted(Map::new());
    };
    // `{` and `}`, and room for `,"omitted":true`.
    let reserved = 2 + 1 + OMITTED.len() + 2 + 1 + 4;
    let mut budget = MAX_MEMBERS_BYTES - reserved;
    let mut kept = Map::new();
    for (name, value) in members {
        // `"name":value,`
        let cost = json_len(&name) + 1 + json_len(&value) + 1;
        if cost <= budget {
            budget -= cost;
            kept.insert(name, value);
        }
    }
    omitted(kept)
}

fn omitted(mut kept: Map<String, Value>) -> Value {
    kept.insert(OMITTED.to_owned(), Value::Bool(true));
    Value::Object(kept)
}

/// The length of `value` as compact JSON, without building the text.
fn json_len<T: Serialize + ?Sized>(value: &T) -> usize {
    let mut counter = ByteCounter(0);
    match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.0,
        // Writing to a counter cannot fail; should it, the value is not kept.
        Err(_) => usize::MAX,
    }
}

struct ByteCounter(usize);

impl io::Write for ByteCounter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0 = self.0.saturating_add(bytes.len());
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An estimate of the heap memory `value` holds: its nodes, keys and text.
pub fn retained_bytes(value: &Value) -> usize {
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
        Value::String(text) => text.len(),
        Value::Array(items) => items
            .iter()
            .map(|item| size_of::<Value>() + retained_bytes(item))
            .sum(),
        Value::Object(members) => members
            .iter()
            .map(|(name, value)| {
                // The key, the value and the map's own bookkeeping for the entry.
                size_of::<String>() + name.len() + size_of::<Value>() + retained_bytes(value) + 16
            })
            .sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_text_is_kept_and_long_text_cut_on_a_character_boundary() {
        assert_eq!(bounded_text("short".into()), "short");
        let exact = "x".repeat(MAX_TEXT_BYTES);
        assert_eq!(bounded_text(exact.clone()), exact);

        let long = "é".repeat(MAX_TEXT_BYTES);
        let cut = bounded_text(long);
        assert!(cut.len() <= MAX_TEXT_BYTES, "{}", cut.len());
        assert!(cut.len() > MAX_TEXT_BYTES - 8);
        assert!(cut.ends_with(TRUNCATION_MARKER));
        assert!(
            cut.trim_end_matches(TRUNCATION_MARKER)
                .chars()
                .all(|c| c == 'é')
        );
    }

    #[test]
    fn members_within_the_limit_are_kept_whole() {
        let members = json!({"secretId": "app", "versionStage": "AWSCURRENT"});
        assert_eq!(bounded_members(members.clone()), members);
        assert_eq!(bounded_members(Value::Null), Value::Null);
    }

    #[test]
    fn members_that_do_not_fit_are_left_out_and_marked() {
        let huge = "x".repeat(MAX_MEMBERS_BYTES);
        let bounded = bounded_members(json!({"description": "kept", "secretId": huge}));
        assert_eq!(bounded, json!({"description": "kept", "omitted": true}));

        let many: Map<String, Value> = (0..100)
            .map(|i| (format!("m{i:03}"), Value::String("y".repeat(2048))))
            .collect();
        let bounded = bounded_members(Value::Object(many));
        assert!(json_len(&bounded) <= MAX_MEMBERS_BYTES);
        assert_eq!(bounded[OMITTED], true);
        assert!(
            bounded.as_object().unwrap().len() > 40,
            "as many as fit are kept"
        );

        let not_an_object = Value::Array(vec![Value::Bool(true); MAX_MEMBERS_BYTES]);
        assert_eq!(bounded_members(not_an_object), json!({"omitted": true}));
    }

    #[test]
    fn json_len_is_the_compact_length() {
        let value = json!({"a": [1, "two", null], "b": {"c": true}});
        assert_eq!(json_len(&value), value.to_string().len());
    }

    #[test]
    fn retained_bytes_grows_with_text_and_nodes() {
        assert_eq!(retained_bytes(&Value::Null), 0);
        assert_eq!(retained_bytes(&json!("abcd")), 4);
        let small = retained_bytes(&json!({"a": "b"}));
        let big = retained_bytes(&json!({"a": "b".repeat(10_000)}));
        assert!(big >= small + 9_999);
        let nodes = retained_bytes(&Value::Array(vec![Value::Null; 1000]));
        assert_eq!(nodes, 1000 * size_of::<Value>());
    }
}
