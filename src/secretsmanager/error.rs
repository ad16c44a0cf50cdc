//! Secrets Manager's errors: one variant per modeled exception, mapped in one exhaustive
//! `match` to `__type`, HTTP status (400 for every client error, as AWS does) and message.

use std::borrow::Cow;

use crate::api::error::{CommonError, WireError, status};

/// Canonical messages, as AWS words them.
pub mod text {
    /// ResourceNotFoundException for an unknown secret.
    pub const SECRET_NOT_FOUND: &str = "Secrets Manager can't find the specified secret.";
    /// InvalidRequestException for operations on a secret scheduled for deletion.
    pub const MARKED_FOR_DELETION: &str =
        "You can't perform this operation on the secret because it was marked for deletion.";
    /// InvalidRequestException when CreateSecret meets a name scheduled for deletion.
    pub const NAME_SCHEDULED_FOR_DELETION: &str = "You can't create this secret because a secret with this name is already scheduled for deletion.";
    /// InvalidRequestException for a raw write without ClientRequestToken.
    pub const TOKEN_REQUIRED: &str =
        "You must provide a ClientRequestToken value. We recommend a UUID-type value.";
    /// InvalidParameterException when both value kinds are given.
    pub const BOTH_VALUES: &str = "You can't specify both a binary secret value and a string secret value in the same secret.";
    /// InvalidRequestException when VersionId and VersionStage disagree.
    pub const STAGE_NOT_ON_VERSION: &str =
        "You provided a VersionStage that is not associated to the provided VersionId.";
    /// ValidationException for a malformed secret name.
    pub const INVALID_NAME: &str = "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!";
    /// InvalidRequestException for a non-forced DeleteSecret of a secret already scheduled
    /// (peer emulators agree on this text; unverified on AWS).
    pub const ALREADY_SCHEDULED: &str = "You can't perform this operation on the secret because it was already scheduled for deletion.";
    /// InvalidParameterException: DeleteSecret with both ForceDeleteWithoutRecovery and a window.
    pub const FORCE_WITH_WINDOW: &str =
        "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.";
    /// InvalidParameterException: RecoveryWindowInDays outside 7-30.
    pub const WINDOW_RANGE: &str =
        "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).";
    /// MalformedPolicyDocumentException: AWS's answer to a policy it cannot parse.
    pub const POLICY_INVALID_SYNTAX: &str = "This policy has invalid syntax.";
    /// PublicPolicyException: BlockPublicPolicy with a policy granting broad access.
    pub const PUBLIC_POLICY: &str = "The BlockPublicPolicy parameter is set to true, and the resource policy did not prevent broad access to the secret.";
    /// DecryptionFailure when KMS cannot decrypt a version.
    pub const DECRYPTION_FAILURE: &str =
        "Secrets Manager can't decrypt the protected secret text using the provided KMS key.";
}

/// A Secrets Manager failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmError {
    /// `ResourceNotFoundException`.
    ResourceNotFound(String),
    /// `ResourceExistsException`.
    ResourceExists(String),
    /// `InvalidParameterException`.
    InvalidParameter(String),
    /// `InvalidRequestException`.
    InvalidRequest(String),
    /// `EncryptionFailure`.
    EncryptionFailure(String),
    /// `LimitExceededException`.
    LimitExceeded(String),
    /// `InvalidNextTokenException`.
    InvalidNextToken(String),
    /// `DecryptionFailure`.
    DecryptionFailure(String),
    /// `MalformedPolicyDocumentException`.
    MalformedPolicyDocument(String),
    /// `PublicPolicyException`.
    PublicPolicy(String),
    /// `AccessDeniedException` (e.g. "Access to KMS is not allowed").
    AccessDenied(String),
    /// `InternalServiceError`; the cause was logged where it happened.
    Internal,
    /// A protocol-level error (validation, serialization) raised while handling the operation.
    Common(CommonError),
}

impl From<CommonError> for SmError {
    fn from(error: CommonError) -> Self {
        SmError::Common(error)
    }
}

impl SmError {
    /// `ResourceNotFoundException` for an unknown secret.
    pub fn secret_not_found() -> Self {
        SmError::ResourceNotFound(text::SECRET_NOT_FOUND.to_owned())
    }

    /// `ValidationException` for a malformed secret name.
    pub fn invalid_name() -> Self {
        SmError::Common(CommonError::Validation(text::INVALID_NAME.to_owned()))
    }
}

impl WireError for SmError {
    fn code(&self) -> &'static str {
        match self {
            SmError::ResourceNotFound(_) => "ResourceNotFoundException",
            SmError::ResourceExists(_) => "ResourceExistsException",
            SmError::InvalidParameter(_) => "InvalidParameterException",
            SmError::InvalidRequest(_) => "InvalidRequestException",
            SmError::EncryptionFailure(_) => "EncryptionFailure",
            SmError::LimitExceeded(_) => "LimitExceededException",
            SmError::InvalidNextToken(_) => "InvalidNextTokenException",
            SmError::DecryptionFailure(_) => "DecryptionFailure",
            SmError::MalformedPolicyDocument(_) => "MalformedPolicyDocumentException",
            SmError::PublicPolicy(_) => "PublicPolicyException",
            SmError::AccessDenied(_) => "AccessDeniedException",
            SmError::Internal => "InternalServiceError",
            SmError::Common(common) => common.code(),
        }
    }

    fn status(&self) -> u16 {
        match self {
            SmError::Internal => status::INTERNAL_SERVER_ERROR,
            SmError::Common(common) => common.status(),
            _ => status::BAD_REQUEST,
        }
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            SmError::ResourceNotFound(m)
            | SmError::ResourceExists(m)
            | SmError::InvalidParameter(m)
            | SmError::InvalidRequest(m)
            | SmError::EncryptionFailure(m)
            | SmError::DecryptionFailure(m)
            | SmError::MalformedPolicyDocument(m)
            | SmError::PublicPolicy(m)
            | SmError::LimitExceeded(m)
            | SmError::InvalidNextToken(m)
            | SmError::AccessDenied(m) => Some(m.as_str().into()),
            SmError::Internal => Some("An error occurred on the server side.".into()),
            SmError::Common(common) => common.message(),
        }
    }

    fn modeled(&self) -> bool {
        !matches!(self, SmError::Common(_))
    }
}
