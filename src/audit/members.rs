//! The members of a JSON request or response body an audit record may show.
//!
//! A record's `requestParameters` / `responseElements` come from the body through an allow-list
//! of member names the service declares: every other member is skipped while parsing, never
//! copied, so a secret value, a plaintext or a ciphertext cannot reach the trail. Names become
//! camelCase (`SecretId` -> `secretId`), as CloudTrail writes them.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

/// The members of the JSON object `body` whose names are in `allowed`, camelCased; `null`
/// when there are none or the body is not a JSON object.
pub fn allowed_members(body: &[u8], allowed: &[&str]) -> Value {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match deserializer.deserialize_map(AllowList(allowed)) {
        Ok(members) if !members.is_empty() => Value::Object(members),
        _ => Value::Null,
    }
}

struct AllowList<'a>(&'a [&'a str]);

impl<'de> Visitor<'de> for AllowList<'_> {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut kept = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            if self.0.contains(&name.as_str()) {
                let value: Value = map.next_value()?;
                if !value.is_null() {
                    kept.insert(camel_case(&name), value);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(kept)
    }
}

/// `SecretId` -> `secretId`, `ARN` -> `arn`: the leading capitals lowered (all of them when
/// the name is one acronym).
fn camel_case(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_uppercase()) {
        return name.to_ascii_lowercase();
    }
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_only_allowed_members_camel_cased() {
        let body = br#"{"SecretId":"app","SecretString":"Zebra-5512","VersionStage":"AWSCURRENT"}"#;
        let kept = allowed_members(body, &["SecretId", "VersionStage"]);
        assert_eq!(
            kept,
            json!({"secretId": "app", "versionStage": "AWSCURRENT"})
        );
        assert!(!kept.to_string().contains("Zebra-5512"));
    }

    #[test]
    fn nothing_to_show_is_null() {
        assert_eq!(allowed_members(b"{}", &["SecretId"]), Value::Null);
        assert_eq!(allowed_members(b"", &["SecretId"]), Value::Null);
        assert_eq!(allowed_members(b"{nope", &["SecretId"]), Value::Null);
        assert_eq!(allowed_members(b"[1]", &["SecretId"]), Value::Null);
        assert_eq!(
            allowed_members(br#"{"SecretId":null}"#, &["SecretId"]),
            Value::Null
        );
    }

    #[test]
    fn acronyms_are_lowered_whole() {
        assert_eq!(camel_case("ARN"), "arn");
        assert_eq!(camel_case("KeyId"), "keyId");
        assert_eq!(camel_case("EncryptionContext"), "encryptionContext");
    }
}
