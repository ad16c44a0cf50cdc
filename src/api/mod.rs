//! The vocabulary every layer shares, with no HTTP in it: the request context and its
//! principal, the JSON codec types of the awsJson1_1 protocol, the operation table every
//! service declares its operations with, model-constraint validation with AWS's texts, and
//! the wire error types (code, status and message as data).
//!
//! Services, authentication and the protocol edge all stand on this module; it imports
//! nothing from them.

pub mod access;
pub mod ctx;
pub mod error;
pub mod json;
pub mod operation;
mod principal;
pub mod validate;

pub use ctx::RequestCtx;
pub use error::{CommonError, WireError};
#[cfg(test)]
pub use principal::with_test_session;
pub use principal::{Principal, PrincipalKind, SessionFacts, derived_unique_id};
