//! STS errors, in awsQuery's words: one exhaustive match to code, status and message.

use std::borrow::Cow;

use crate::api::error::{CommonError, WireError, status};

/// An error STS answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StsError {
    /// A protocol error (authentication, undecodable input, constraint violations); the
    /// awsQuery edge words it for STS.
    Common(CommonError),
    /// The caller may not do this (trust policy, MFA, session limits); AWS's full sentence.
    AccessDenied(String),
    /// A rule beyond the model's constraints (e.g. a duration above the role's maximum).
    Validation(String),
    /// The session policy is not a valid policy document.
    MalformedPolicyDocument(String),
    /// Session policies and tags together exceed the packed size limit.
    PackedPolicyTooLarge(String),
    /// A web identity token that is not a valid token of a known provider.
    InvalidIdentityToken(String),
    /// A web identity token past its `exp`.
    ExpiredTokenException(String),
}

impl From<CommonError> for StsError {
    fn from(error: CommonError) -> Self {
        StsError::Common(error)
    }
}

impl WireError for StsError {
    fn code(&self) -> &'static str {
        match self {
            StsError::Common(error) => error.code(),
            StsError::AccessDenied(_) => "AccessDenied",
            StsError::Validation(_) => "ValidationError",
            StsError::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            StsError::PackedPolicyTooLarge(_) => "PackedPolicyTooLarge",
            StsError::InvalidIdentityToken(_) => "InvalidIdentityToken",
            StsError::ExpiredTokenException(_) => "ExpiredTokenException",
        }
    }

    fn status(&self) -> u16 {
        match self {
            StsError::Common(error) => error.status(),
            StsError::AccessDenied(_) => status::FORBIDDEN,
            StsError::Validation(_)
            | StsError::MalformedPolicyDocument(_)
            | StsError::PackedPolicyTooLarge(_)
            | StsError::InvalidIdentityToken(_)
            | StsError::ExpiredTokenException(_) => status::BAD_REQUEST,
        }
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            StsError::Common(error) => error.message(),
            StsError::AccessDenied(message)
            | StsError::Validation(message)
            | StsError::MalformedPolicyDocument(message)
            | StsError::PackedPolicyTooLarge(message)
            | StsError::InvalidIdentityToken(message)
            | StsError::ExpiredTokenException(message) => Some(message.as_str().into()),
        }
    }

    fn modeled(&self) -> bool {
        !matches!(self, StsError::Common(_))
    }
}
