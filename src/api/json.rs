//! JSON in and out of the awsJson1_1 protocol.
//!
//! Inputs: an empty body means `{}`; malformed JSON or a member of the wrong JSON type is a
//! `SerializationException` whose message names the member but never echoes its value (it
//! could be a secret). A structure must be a JSON object, at any depth: an array is the wrong
//! type, never read by position (`strict.rs`). Unknown members are ignored, JSON `null` means
//! "absent". Outputs:
//! absent members are omitted (never `null`), timestamps are epoch seconds with a millisecond
//! fraction, blobs are base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::crypto::Sensitive;

use super::error::CommonError;

mod strict;

use strict::Strict;

/// Decodes a request body into an operation's input shape.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, CommonError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value: T =
        serde_path_to_error::deserialize(Strict(&mut deserializer)).map_err(|error| {
            let path = error.path().to_string();
            CommonError::Serialization(describe(error.inner(), &path))
        })?;
    deserializer.end().map_err(|_| {
        CommonError::Serialization("Unexpected content after the JSON body.".into())
    })?;
    Ok(value)
}

/// A value-free description of a serde_json failure.
fn describe(error: &serde_json::Error, path: &str) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            "The request body is not valid JSON.".to_owned()
        }
        Category::Data => {
            let text = error.to_string();
            let found = text
                .strip_prefix("invalid type: ")
                .and_then(|rest| rest.split([' ', ',']).next())
                .unwrap_or("value");
            let expected = text
                .split_once(", expected ")
                .map(|(_, rest)| rest.split(" at line").next().unwrap_or(rest))
                .unwrap_or("another type");
            let at = if path == "." || path.is_empty() {
                "the request body".to_owned()
            } else {
                format!("'{path}'")
            };
            format!("Unexpected {found} at {at}: expected {expected}.")
        }
    }
}

/// Encodes an output shape.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, CommonError> {
    serde_json::to_vec(value).map_err(|error| {
        tracing::error!(%error, "could not encode a response");
        CommonError::InternalFailure
    })
}

/// A timestamp on the wire: epoch seconds with a millisecond fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EpochSeconds(pub OffsetDateTime);

impl Serialize for EpochSeconds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let millis = self.0.unix_timestamp_nanos() / 1_000_000;
        // Exact for any date this side of year 285,000: f64 holds 53 bits of integer millis.
        #[allow(clippy::cast_precision_loss)]
        let seconds = millis as f64 / 1000.0;
        serializer.serialize_f64(seconds)
    }
}

/// A sensitive blob (e.g. `SecretBinary`, a KMS plaintext): base64 on the wire, zeroized in
/// memory, redacted in logs (`SecretBlob(**redacted**)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretBlob(pub Sensitive<Zeroizing<Vec<u8>>>);

impl SecretBlob {
    /// Wraps `bytes`.
    pub fn new(bytes: impl Into<Zeroizing<Vec<u8>>>) -> Self {
        SecretBlob(Sensitive::new(bytes.into()))
    }
}

impl<'de> Deserialize<'de> for SecretBlob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Zeroizing::new(String::deserialize(deserializer)?);
        STANDARD
            .decode(text.as_bytes())
            .map(SecretBlob::new)
            .map_err(|_| serde::de::Error::custom("a base64-encoded blob"))
    }
}

impl Serialize for SecretBlob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = Zeroizing::new(STANDARD.encode(self.0.as_slice()));
        serializer.serialize_str(&text)
    }
}

/// A sensitive string (e.g. `SecretString`): zeroized in memory, redacted in logs
/// (`SecretText(**redacted**)`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub Sensitive<Zeroizing<String>>);

impl SecretText {
    /// Wraps `text`.
    pub fn new(text: impl Into<Zeroizing<String>>) -> Self {
        SecretText(Sensitive::new(text.into()))
    }
}

impl Serialize for SecretText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Input {
        name: Option<String>,
        secret_string: Option<SecretText>,
        secret_binary: Option<SecretBlob>,
    }

    #[test]
    fn empty_body_is_an_empty_object() {
        let input: Input = decode(b"").unwrap();
        assert!(input.name.is_none());
    }

    #[test]
    fn wrong_type_names_the_member_but_not_the_value() {
        let error = decode::<Input>(br#"{"Name": {"x": "topsecret"}}"#).unwrap_err();
        let CommonError::Serialization(message) = error else {
            panic!("{error:?}")
        };
        assert!(message.contains("'Name'"), "{message}");
        assert!(!message.contains("topsecret"), "{message}");
    }

    #[test]
    fn a_string_in_a_number_slot_is_not_echoed() {
        #[derive(Debug, Deserialize)]
        struct Numbers {
            #[serde(rename = "N")]
            _n: Option<u32>,
        }
        let error = decode::<Numbers>(br#"{"N": "hunter2"}"#).unwrap_err();
        assert!(!format!("{error:?}").contains("hunter2"));
    }

    #[test]
    fn malformed_json_is_a_serialization_error() {
        assert!(matches!(
            decode::<Input>(b"{nope"),
            Err(CommonError::Serialization(_))
        ));
        assert!(matches!(
            decode::<Input>(b"[]"),
            Err(CommonError::Serialization(_))
        ));
    }

    /// The message of a body that does not decode into `T`.
    fn refusal<T: DeserializeOwned + std::fmt::Debug>(body: &[u8]) -> String {
        match decode::<T>(body) {
            Err(CommonError::Serialization(message)) => message,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_structure_is_never_read_from_an_array_at_the_top() {
        assert_eq!(
            refusal::<Input>(br#"["name", null, null]"#),
            "Unexpected sequence at the request body: expected struct Input."
        );
        assert_eq!(
            refusal::<Input>(b"[]"),
            "Unexpected sequence at the request body: expected struct Input."
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Tag {
        key: String,
        value: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Nested {
        tags: Option<Vec<Tag>>,
        by_name: Option<BTreeMap<String, Option<Tag>>>,
        choice: Option<Choice>,
        names: Option<Vec<String>>,
        pair: Option<(String, u32)>,
        document: Option<serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    enum Choice {
        Pair { left: String, right: String },
        Many(Vec<String>),
    }

    #[test]
    fn a_structure_is_never_read_from_an_array_at_any_depth() {
        assert_eq!(
            refusal::<Nested>(br#"{"Tags": [{"Key": "k", "Value": "v"}, ["k", "v"]]}"#),
            "Unexpected sequence at 'Tags[1]': expected struct Tag."
        );
        assert_eq!(
            refusal::<Nested>(br#"{"ByName": {"a": ["k", "v"]}}"#),
            "Unexpected sequence at 'ByName.a': expected struct Tag."
        );
        assert_eq!(
            refusal::<Nested>(br#"{"Choice": {"Pair": ["l", "r"]}}"#),
            "Unexpected sequence at 'Choice.Pair': expected struct variant Choice::Pair."
        );
    }

    #[test]
    fn arrays_where_arrays_belong_and_objects_at_every_depth_still_decode() {
        let nested: Nested = decode(
            br#"{"Tags": [{"Key": "k", "Value": "v"}],
                "ByName": {"a": {"Key": "x", "Value": "y"}, "b": null},
                "Choice": {"Pair": {"left": "l", "right": "r"}},
                "Names": ["a", "b"], "Pair": ["p", 2],
                "Document": {"list": [["deep"], {"x": [1]}]}}"#,
        )
        .unwrap();
        let tags = nested.tags.unwrap();
        assert_eq!((tags[0].key.as_str(), tags[0].value.as_str()), ("k", "v"));
        let by_name = nested.by_name.unwrap();
        assert_eq!(by_name["a"].as_ref().unwrap().value, "y");
        assert!(by_name["b"].is_none());
        let Some(Choice::Pair { left, right }) = nested.choice else {
            panic!("{:?}", nested.choice)
        };
        assert_eq!((left.as_str(), right.as_str()), ("l", "r"));
        assert_eq!(nested.names.unwrap(), ["a", "b"]);
        assert_eq!(nested.pair.unwrap(), ("p".to_owned(), 2));
        assert_eq!(nested.document.unwrap()["list"][0][0], "deep");

        let many: Nested = decode(br#"{"Choice": {"Many": ["a"]}}"#).unwrap();
        assert!(matches!(many.choice, Some(Choice::Many(names)) if names == ["a"]));
    }

    #[test]
    fn ignored_members_may_hold_anything() {
        let input: Input = decode(br#"{"Name": "n", "Unknown": [["x"], {"y": [1]}]}"#).unwrap();
        assert_eq!(input.name.as_deref(), Some("n"));
    }

    #[test]
    fn blobs_round_trip_through_base64_once() {
        let input: Input = decode(br#"{"SecretBinary": "AAH/"}"#).unwrap();
        let blob = input.secret_binary.unwrap();
        assert_eq!(blob.0.as_slice(), &[0, 1, 255]);
        assert_eq!(serde_json::to_string(&blob).unwrap(), "\"AAH/\"");
        assert!(input.secret_string.is_none());
    }

    #[test]
    fn timestamps_are_epoch_seconds_with_millis() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_523_477_145_729_000_000).unwrap();
        assert_eq!(
            serde_json::to_string(&EpochSeconds(at)).unwrap(),
            "1523477145.729"
        );
    }
}
