//! IAM errors with IAM's codes, HTTP statuses and texts.
//!
//! Unlike the JSON services, IAM answers with the status its model gives each error: 404 for
//! a missing entity, 409 for conflicts and quotas, 403 for a wrong MFA code, 400 for the rest.
//! Constraint violations use IAM's `ValidationError` code (not `ValidationException`).

use std::borrow::Cow;

use crate::api::error::{CommonError, WireError, status};

/// An IAM failure, as IAM would report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IamError {
    /// The named entity does not exist (`NoSuchEntity`, 404).
    NoSuchEntity(String),
    /// An entity with that name exists (`EntityAlreadyExists`, 409).
    EntityAlreadyExists(String),
    /// The entity still has dependents (`DeleteConflict`, 409).
    DeleteConflict(String),
    /// A quota would be exceeded (`LimitExceeded`, 409).
    LimitExceeded(String),
    /// A policy document that cannot be used (`MalformedPolicyDocument`, 400).
    MalformedPolicyDocument(String),
    /// An input IAM refuses beyond the model's constraints (`InvalidInput`, 400).
    InvalidInput(String),
    /// Wrong MFA codes for EnableMFADevice (`InvalidAuthenticationCode`, 403).
    InvalidAuthenticationCode(String),
    /// A model constraint failed (`ValidationError`, 400).
    Validation(String),
    /// No policy allows the caller the action, or one denies it (`AccessDenied`, 403).
    AccessDenied(String),
    /// An error of the protocol edge, sent as it is.
    Common(CommonError),
    /// Something failed inside Lockbox (`ServiceFailure`, 500); the cause was logged.
    ServiceFailure,
}

impl IamError {
    /// The user `name` does not exist.
    pub fn no_such_user(name: &str) -> IamError {
        IamError::NoSuchEntity(format!("The user with name {name} cannot be found."))
    }

    /// The role `name` does not exist.
    pub fn no_such_role(name: &str) -> IamError {
        IamError::NoSuchEntity(format!("The role with name {name} cannot be found."))
    }

    /// The group `name` does not exist.
    pub fn no_such_group(name: &str) -> IamError {
        IamError::NoSuchEntity(format!("The group with name {name} cannot be found."))
    }

    /// The managed policy `arn` does not exist.
    pub fn no_such_policy(arn: &str) -> IamError {
        IamError::NoSuchEntity(format!("Policy {arn} was not found."))
    }

    /// A `DeleteConflict` saying what must go first.
    pub fn must_first(what: &str) -> IamError {
        IamError::DeleteConflict(format!("Cannot delete entity, must {what} first."))
    }
}

impl From<CommonError> for IamError {
    fn from(error: CommonError) -> IamError {
        match error {
            CommonError::Validation(message) => IamError::Validation(message),
            other => IamError::Common(other),
        }
    }
}

/// HTTP statuses IAM sends besides the shared ones.
mod iam_status {
    /// A wrong MFA code.
    pub const FORBIDDEN: u16 = 403;
    /// A missing entity.
    pub const NOT_FOUND: u16 = 404;
    /// Conflicts and quotas.
    pub const CONFLICT: u16 = 409;
}

impl WireError for IamError {
    fn code(&self) -> &'static str {
        match self {
            IamError::NoSuchEntity(_) => "NoSuchEntity",
            IamError::EntityAlreadyExists(_) => "EntityAlreadyExists",
            IamError::DeleteConflict(_) => "DeleteConflict",
            IamError::LimitExceeded(_) => "LimitExceeded",
            IamError::MalformedPolicyDocument(_) => "MalformedPolicyDocument",
            IamError::InvalidInput(_) => "InvalidInput",
            IamError::InvalidAuthenticationCode(_) => "InvalidAuthenticationCode",
            IamError::Validation(_) => "ValidationError",
            IamError::AccessDenied(_) => "AccessDenied",
            IamError::Common(error) => error.code(),
            IamError::ServiceFailure => "ServiceFailure",
        }
    }

    fn status(&self) -> u16 {
        match self {
            IamError::NoSuchEntity(_) => iam_status::NOT_FOUND,
            IamError::EntityAlreadyExists(_)
            | IamError::DeleteConflict(_)
            | IamError::LimitExceeded(_) => iam_status::CONFLICT,
            IamError::InvalidAuthenticationCode(_) | IamError::AccessDenied(_) => {
                iam_status::FORBIDDEN
            }
            IamError::MalformedPolicyDocument(_)
            | IamError::InvalidInput(_)
            | IamError::Validation(_) => status::BAD_REQUEST,
            IamError::Common(error) => error.status(),
            IamError::ServiceFailure => status::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> Option<Cow<'_, str>> {
        match self {
            IamError::NoSuchEntity(m)
            | IamError::EntityAlreadyExists(m)
            | IamError::DeleteConflict(m)
            | IamError::LimitExceeded(m)
            | IamError::MalformedPolicyDocument(m)
            | IamError::InvalidInput(m)
            | IamError::InvalidAuthenticationCode(m)
            | IamError::AccessDenied(m)
            | IamError::Validation(m) => Some(m.as_str().into()),
            IamError::Common(error) => error.message(),
            IamError::ServiceFailure => Some("An internal error occurred.".into()),
        }
    }

    fn modeled(&self) -> bool {
        // AccessDenied is the common error every service may send, not one of IAM's model.
        !matches!(self, IamError::Common(_) | IamError::AccessDenied(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_follow_the_model() {
        let cases = [
            (IamError::no_such_user("u"), "NoSuchEntity", 404),
            (
                IamError::EntityAlreadyExists(String::new()),
                "EntityAlreadyExists",
                409,
            ),
            (
                IamError::must_first("delete access keys"),
                "DeleteConflict",
                409,
            ),
            (IamError::LimitExceeded(String::new()), "LimitExceeded", 409),
            (
                IamError::MalformedPolicyDocument(String::new()),
                "MalformedPolicyDocument",
                400,
            ),
            (IamError::InvalidInput(String::new()), "InvalidInput", 400),
            (
                IamError::InvalidAuthenticationCode(String::new()),
                "InvalidAuthenticationCode",
                403,
            ),
            (
                IamError::from(CommonError::Validation("v".into())),
                "ValidationError",
                400,
            ),
            (IamError::ServiceFailure, "ServiceFailure", 500),
        ];
        for (error, code, status) in cases {
            assert_eq!((error.code(), error.status()), (code, status), "{error:?}");
        }
        assert_eq!(
            IamError::must_first("delete access keys")
                .message()
                .unwrap(),
            "Cannot delete entity, must delete access keys first."
        );
    }
}
