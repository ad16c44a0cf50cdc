//! Session tokens: the `X-Amz-Security-Token` (header or query parameter) that temporary
//! credentials sign with.
//!
//! Lockbox issues no temporary credentials yet, so under `--auth verify` no session token can
//! be valid: a request that carries one is refused as AWS refuses a token it did not issue,
//! `UnrecognizedClientException` "The security token included in the request is invalid."
//! (HTTP 400 on JSON services). The token must still be signed like every `x-amz-*` header;
//! an unsigned one is refused earlier, by the signature checks.
//!
//! This is the seam for STS (issue 13): once Lockbox issues temporary credentials,
//! [`check_session_token`] looks the token up and accepts it when it was issued together with
//! the request's access key id and has not expired (an expired one is
//! `ExpiredTokenException`). It runs after the access key is known and before the signature
//! is recomputed, the order AWS checks them in.
//!
//! The token's value is never logged.

use crate::api::error::CommonError;

/// Judges the session token of a request whose access key id is `access_key_id`: no token is
/// fine; any token is refused, since Lockbox has issued none.
pub(crate) fn check_session_token(
    token: Option<&str>,
    access_key_id: &str,
) -> Result<(), CommonError> {
    if token.is_none() {
        return Ok(());
    }
    tracing::warn!(
        access_key_id,
        "request refused: it carries a session token (X-Amz-Security-Token), but Lockbox issues no temporary credentials; unset AWS_SESSION_TOKEN (or the SDK's session token) and sign with access key `test`, secret `test`"
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
