//! Serde helpers for stored forms: timestamps as Unix nanoseconds (exact, so a reloaded
//! object compares equal to the one stored) and byte strings as standard base64.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serializer};
use time::OffsetDateTime;

/// `#[serde(with = "nanos")]` for `OffsetDateTime`.
pub mod nanos {
    use super::*;

    /// Writes the time as Unix nanoseconds.
    pub fn serialize<S: Serializer>(at: &OffsetDateTime, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_i128(at.unix_timestamp_nanos())
    }

    /// Reads Unix nanoseconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<OffsetDateTime, D::Error> {
        let value = i128::deserialize(input)?;
        OffsetDateTime::from_unix_timestamp_nanos(value).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "opt_nanos", default)]` for `Option<OffsetDateTime>`.
pub mod opt_nanos {
    use super::*;

    /// Writes the time as Unix nanoseconds, or null.
    pub fn serialize<S: Serializer>(
        at: &Option<OffsetDateTime>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => out.serialize_some(&at.unix_timestamp_nanos()),
            None => out.serialize_none(),
        }
    }

    /// Reads Unix nanoseconds or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        input: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<i128>::deserialize(input)?
            .map(|value| {
                OffsetDateTime::from_unix_timestamp_nanos(value).map_err(serde::de::Error::custom)
            })
            .transpose()
    }
}

/// `#[serde(with = "b64")]` for `Vec<u8>`.
pub mod b64 {
    use super::*;

    /// Writes the bytes as standard base64.
    pub fn serialize<S: Serializer>(bytes: &[u8], out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(&STANDARD.encode(bytes))
    }

    /// Reads standard base64.
    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(input)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use time::OffsetDateTime;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "super::nanos")]
        at: OffsetDateTime,
        #[serde(with = "super::opt_nanos", default)]
        maybe: Option<OffsetDateTime>,
        #[serde(with = "super::b64")]
        bytes: Vec<u8>,
    }

    #[test]
    fn round_trips_exactly() {
        let sample = Sample {
            at: OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap(),
            maybe: None,
            bytes: vec![0, 255, 7],
        };
        let json = serde_json::to_string(&sample).unwrap();
        assert_eq!(
            json,
            r#"{"at":1700000000123456789,"maybe":null,"bytes":"AP8H"}"#
        );
        assert_eq!(serde_json::from_str::<Sample>(&json).unwrap(), sample);
        let missing: Sample = serde_json::from_str(r#"{"at":0,"bytes":""}"#).unwrap();
        assert_eq!(missing.maybe, None);
    }
}
