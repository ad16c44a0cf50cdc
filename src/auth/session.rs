//! Session tokens on long-term keys: the `X-Amz-Security-Token` (header or query parameter)
//! belongs to temporary credentials only.
//!
//! Temporary (`ASIA`) keys are judged with their token in [`super::sessions`]. A long-term key
//! (built in, configured, or created by IAM) has no session token, so a request signed with
//! one that carries a token is refused as AWS refuses a token it did not issue,
//! `UnrecognizedClientException` "The security token included in the request is invalid."
//! (`InvalidClientTokenId` on awsQuery services). The token must still be signed like every
//! `x-amz-*` header; an unsigned one is refused earlier, by the signature checks.
//!
//! The token's value is never logged.

use crate::api::error::CommonError;

/// Judges the session token of a request signed with the long-term key `access_key_id`: no
/// token is fine; any token is refused.
pub(crate) fn check_session_token(
    token: Option<&str>,
    access_key_id: &str,
) -> Result<(), CommonError> {
    if token.is_none() {
        return Ok(());
    }
    tracing::warn!(
        access_key_id,
        "request refused: a long-term access key signed a request that carries a session token (X-Amz-Security-Token); unset AWS_SESSION_TOKEN (or the SDK's session token), or sign with the temporary credentials the token was issued with"
    );
    Err(CommonError::UnrecognizedClient)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn no_token_passes_and_any_token_is_an_unrecognized_client() {
        assert!(check_session_token(None, "test").is_ok());
        for token in ["", "FwoGZXIvYXdzEXAMPLE", "x"] {
            assert_eq!(
                check_session_token(Some(token), "test"),
                Err(CommonError::UnrecognizedClient)
            );
        }
    }
}
