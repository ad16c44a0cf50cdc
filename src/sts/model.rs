//! Output shapes shared by the STS operations.

use serde::Serialize;
use time::OffsetDateTime;

use crate::auth::TemporaryCredentials;

/// `Credentials` of `GetSessionToken` and `AssumeRole`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialsOutput {
    /// `ASIA...`.
    pub access_key_id: String,
    /// The secret access key (sent once, never logged).
    pub secret_access_key: String,
    /// The session token.
    pub session_token: String,
    /// ISO 8601 UTC, seconds precision.
    pub expiration: String,
}

impl From<TemporaryCredentials> for CredentialsOutput {
    fn from(issued: TemporaryCredentials) -> Self {
        CredentialsOutput {
            access_key_id: issued.access_key_id,
            expiration: iso8601(issued.expires_at),
            secret_access_key: issued.secret_access_key.into_inner(),
            session_token: issued.session_token.into_inner(),
        }
    }
}

/// `2026-01-01T13:00:00Z`: the timestamp text of awsQuery outputs.
pub fn iso8601(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_seconds() {
        assert_eq!(
            iso8601(time::macros::datetime!(2026-01-01 14:00:00.75 +01:00)),
            "2026-01-01T13:00:00Z"
        );
    }
}
