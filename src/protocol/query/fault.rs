//! Errors in awsQuery's words: the edge's own refusals (no `Action`, an action or version the
//! service does not have, a body that is not a readable form), and the translation of the
//! shared protocol errors (authentication, validation, size) into the codes and statuses the
//! awsQuery services use. A service's own errors (`AccessDenied`, `ValidationError`, ...) are
//! already written in awsQuery words and pass through unchanged.

use std::borrow::Cow;

use crate::api::error::{WireError, status};

use super::encode::Fault;

/// A refusal of the awsQuery edge itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EdgeError {
    /// The body names no `Action`.
    MissingAction,
    /// The service has no such action, or not in the version the request names.
    InvalidAction {
        /// The action asked for (cut to a bounded length).
        action: String,
        /// The version named (cut to a bounded length), empty when none was.
        version: String,
    },
    /// The parameters cannot be read (a name given twice, a malformed name).
    Malformed(String),
}

/// The longest client-supplied text quoted back in an edge error.
const MAX_QUOTED: usize = 128;

impl EdgeError {
    /// `InvalidAction` for `action` in `version`, quoting at most `MAX_QUOTED` characters of
    /// each.
    pub fn invalid_action(action: &str, version: Option<&str>) -> Self {
        let cut = |text: &str| text.chars().take(MAX_QUOTED).collect();
        EdgeError::InvalidAction {
            action: cut(action),
            version: cut(version.unwrap_or_default()),
        }
    }
}

impl WireError for EdgeError {
    fn code(&self) -> &'static str {
        match self {
            EdgeError::MissingAction => "MissingAction",
            EdgeError::InvalidAction { .. } => "InvalidAction",
            EdgeError::Malformed(_) => "MalformedQueryString",
        }
    }

    fn status(&self) -> u16 {
        status::BAD_REQUEST
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            // As S3Proxy's STS emulation writes it; not confirmed against AWS.
            EdgeError::MissingAction => Some("Missing Action".into()),
            // Seen in public reports of real IAM and SES answers.
            EdgeError::InvalidAction { action, version } => {
                Some(format!("Could not find operation {action} for version {version}").into())
            }
            EdgeError::Malformed(reason) => Some(reason.as_str().into()),
        }
    }

    fn modeled(&self) -> bool {
        false
    }
}

/// The code, HTTP status and message an awsQuery service answers `error` with.
pub fn query_fault(error: &dyn WireError) -> Fault<'_> {
    let (code, status) = match error.code() {
        "MissingAuthenticationTokenException" => ("MissingAuthenticationToken", status::FORBIDDEN),
        "IncompleteSignatureException" => ("IncompleteSignature", status::BAD_REQUEST),
        "InvalidSignatureException" => ("SignatureDoesNotMatch", status::FORBIDDEN),
        "UnrecognizedClientException" => ("InvalidClientTokenId", status::FORBIDDEN),
        // An expired session token; STS's modeled `ExpiredTokenException` (an expired web
        // identity token) keeps its code.
        "ExpiredTokenException" if !error.modeled() => ("ExpiredToken", status::FORBIDDEN),
        "SerializationException" | "ValidationException" => {
            ("ValidationError", status::BAD_REQUEST)
        }
        "UnknownOperationException" => ("InvalidAction", status::BAD_REQUEST),
        "RequestEntityTooLargeException" => ("RequestEntityTooLarge", error.status()),
        "RequestTimeoutException" => ("RequestTimeout", error.status()),
        own => (own, error.status()),
    };
    let message = match code {
        // The awsQuery services word it differently from the JSON ones (not confirmed).
        "MissingAuthenticationToken" => Some("Request is missing Authentication Token".into()),
        _ => error.message(),
    };
    let kind = if status >= status::INTERNAL_SERVER_ERROR {
        "Receiver"
    } else {
        "Sender"
    };
    Fault {
        kind,
        code,
        message,
        status,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::CommonError;

    fn translated(error: &dyn WireError) -> (String, u16, &'static str, Option<String>) {
        let fault = query_fault(error);
        (
            fault.code.to_owned(),
            fault.status,
            fault.kind,
            fault.message.map(Cow::into_owned),
        )
    }

    #[test]
    fn authentication_errors_take_awsquery_codes_and_statuses() {
        assert_eq!(
            translated(&CommonError::UnrecognizedClient),
            (
                "InvalidClientTokenId".into(),
                403,
                "Sender",
                Some("The security token included in the request is invalid.".into())
            )
        );
        assert_eq!(
            translated(&CommonError::ExpiredToken),
            (
                "ExpiredToken".into(),
                403,
                "Sender",
                Some("The security token included in the request is expired".into())
            )
        );
        assert_eq!(
            translated(&CommonError::InvalidSignature("x".into())).0,
            "SignatureDoesNotMatch"
        );
        assert_eq!(translated(&CommonError::MissingAuthenticationToken).1, 403);
        assert_eq!(
            translated(&CommonError::InternalFailure),
            (
                "InternalFailure".into(),
                500,
                "Receiver",
                Some("An internal error occurred.".into())
            )
        );
    }

    #[test]
    fn edge_errors_name_what_was_asked_within_bounds() {
        let error = EdgeError::invalid_action("Nope", Some("2011-06-15"));
        assert_eq!(
            translated(&error),
            (
                "InvalidAction".into(),
                400,
                "Sender",
                Some("Could not find operation Nope for version 2011-06-15".into())
            )
        );
        let long = "x".repeat(10_000);
        let message = translated(&EdgeError::invalid_action(&long, Some(&long)))
            .3
            .unwrap();
        assert!(message.len() < 400, "{}", message.len());
    }
}
