//! The AWS JSON error envelope and the errors every JSON service shares.
//!
//! Each service has its own error enum; all of them implement [`WireError`], one exhaustive
//! `match` per enum mapping a variant to its `__type`, HTTP status and message. Internal causes
//! never reach the wire: callers log them and send the service's generic internal error.

use std::borrow::Cow;

use serde::Serialize;

/// HTTP status codes the JSON services answer with (data, so no layer below the edge needs
/// an HTTP crate).
pub mod status {
    /// Every client error of an AWS JSON service.
    pub const BAD_REQUEST: u16 = 400;
    /// A session token past its expiry.
    pub const FORBIDDEN: u16 = 403;
    /// A path or method that is not part of the protocol.
    pub const NOT_FOUND: u16 = 404;
    /// A request body that did not arrive within the configured time.
    pub const REQUEST_TIMEOUT: u16 = 408;
    /// A body over the configured cap.
    pub const PAYLOAD_TOO_LARGE: u16 = 413;
    /// A failure inside Lockbox.
    pub const INTERNAL_SERVER_ERROR: u16 = 500;
}

/// What the AWS SDKs parse from a failed response.
pub trait WireError {
    /// The bare shape name sent as `__type`, e.g. `ResourceNotFoundException`.
    fn code(&self) -> &'static str;
    /// The HTTP status code; AWS JSON services use 400 for every client error.
    fn status(&self) -> u16;
    /// The human-readable message, if the error carries one.
    fn message(&self) -> Option<Cow<'_, str>>;
    /// Modeled service exceptions carry `Message`; framework errors carry `message`.
    fn modeled(&self) -> bool;
}

/// Errors raised by the protocol edge before (or instead of) any service logic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommonError {
    /// No `Authorization` header at all.
    MissingAuthenticationToken,
    /// The `Authorization` header is malformed; the text lists what is missing.
    IncompleteSignature(String),
    /// The signature is wrong, expired, not yet current or badly scoped; AWS's text.
    InvalidSignature(String),
    /// The access key id is not known.
    UnrecognizedClient,
    /// Temporary credentials whose session token has expired (virtual clock).
    ExpiredToken,
    /// `X-Amz-Target` names no operation we serve: without a message when it names no
    /// service either, else the text saying which operation the service does not have.
    UnknownOperation(Option<String>),
    /// The body is not JSON, or a member has the wrong JSON type.
    Serialization(String),
    /// A member violates a model constraint (length, range, pattern, enum) or a name rule.
    Validation(String),
    /// The body is larger than the configured cap.
    RequestTooLarge(usize),
    /// The body did not arrive within the configured number of seconds.
    RequestTimeout(u64),
    /// The HTTP method or path is not part of the protocol.
    NotFound,
    /// Something failed inside Lockbox; the cause was logged, never sent.
    InternalFailure,
}

impl WireError for CommonError {
    fn code(&self) -> &'static str {
        match self {
            CommonError::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            CommonError::IncompleteSignature(_) => "IncompleteSignatureException",
            CommonError::InvalidSignature(_) => "InvalidSignatureException",
            CommonError::UnrecognizedClient => "UnrecognizedClientException",
            CommonError::ExpiredToken => "ExpiredTokenException",
            CommonError::UnknownOperation(_) => "UnknownOperationException",
            CommonError::Serialization(_) => "SerializationException",
            CommonError::Validation(_) => "ValidationException",
            CommonError::RequestTooLarge(_) => "RequestEntityTooLargeException",
            // The code the SDKs' retry policies already treat as transient.
            CommonError::RequestTimeout(_) => "RequestTimeoutException",
            CommonError::NotFound => "UnknownOperationException",
            CommonError::InternalFailure => "InternalFailure",
        }
    }

    fn status(&self) -> u16 {
        match self {
            CommonError::RequestTooLarge(_) => status::PAYLOAD_TOO_LARGE,
            CommonError::RequestTimeout(_) => status::REQUEST_TIMEOUT,
            CommonError::NotFound => status::NOT_FOUND,
            // AWS's common-error pages and observed answers give 403, unlike other client errors.
            CommonError::ExpiredToken => status::FORBIDDEN,
            CommonError::InternalFailure => status::INTERNAL_SERVER_ERROR,
            _ => status::BAD_REQUEST,
        }
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            CommonError::MissingAuthenticationToken => Some("Missing Authentication Token".into()),
            CommonError::IncompleteSignature(m)
            | CommonError::InvalidSignature(m)
            | CommonError::Serialization(m)
            | CommonError::Validation(m) => Some(m.as_str().into()),
            CommonError::UnrecognizedClient => {
                Some("The security token included in the request is invalid.".into())
            }
            // AWS's text has no final period.
            CommonError::ExpiredToken => {
                Some("The security token included in the request is expired".into())
            }
            CommonError::UnknownOperation(message) => message.as_deref().map(Cow::Borrowed),
            CommonError::RequestTooLarge(limit) => {
                Some(format!("Request body is larger than the maximum of {limit} bytes.").into())
            }
            CommonError::RequestTimeout(seconds) => {
                Some(format!("The request body was not received within {seconds} seconds.").into())
            }
            CommonError::NotFound => Some(
                "Lockbox serves the AWS JSON protocol: POST / with an X-Amz-Target header.".into(),
            ),
            CommonError::InternalFailure => Some("An internal error occurred.".into()),
        }
    }

    fn modeled(&self) -> bool {
        false
    }
}

#[derive(Serialize)]
struct Envelope<'a> {
    #[serde(rename = "__type")]
    code: &'a str,
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    upper: Option<&'a str>,
    #[serde(rename = "message", skip_serializing_if = "Option::is_none")]
    lower: Option<&'a str>,
}

/// The JSON body of an error response: `{"__type": ..., "Message"|"message": ...}`.
pub fn error_body(error: &dyn WireError) -> Vec<u8> {
    let message = error.message();
    let text = message.as_deref();
    let envelope = if error.modeled() {
        Envelope {
            code: error.code(),
            upper: text,
            lower: None,
        }
    } else {
        Envelope {
            code: error.code(),
            upper: None,
            lower: text,
        }
    };
    serde_json::to_vec(&envelope).unwrap_or_else(|_| b"{}".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_token_body_matches_aws_byte_for_byte() {
        let body = error_body(&CommonError::MissingAuthenticationToken);
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"{"__type":"MissingAuthenticationTokenException","message":"Missing Authentication Token"}"#
        );
        assert_eq!(body.len(), 89);
    }

    #[test]
    fn unknown_operation_has_a_message_only_when_the_service_is_known() {
        let body = error_body(&CommonError::UnknownOperation(None));
        assert_eq!(body, br#"{"__type":"UnknownOperationException"}"#);
        let body = error_body(&CommonError::UnknownOperation(Some("Unknown.".into())));
        assert_eq!(
            body,
            br#"{"__type":"UnknownOperationException","message":"Unknown."}"#
        );
    }
}
