//! Authorization of Secrets Manager and KMS calls with AWS's evaluation logic.
//!
//! The edge puts an [`Authorizer`] into every request's `api::access::Access`, with the
//! condition keys the request itself supplies ([`request_keys`]); the services ask it, once they
//! know the resource (a secret, a key), whether the caller may act on it. The authorizer builds
//! the request context (global keys from the principal, the clock and the connection, plus the
//! service's resource keys), gathers the caller's identity policies from the
//! [`IdentityDirectory`](crate::identity::IdentityDirectory), its session policies, and the resource's policy, runs the pure
//! evaluator (`iam_policy::evaluate`), and answers with AWS's `AccessDeniedException` text when
//! the call is refused, logging the deciding statement (never a value). A request that came
//! through a VPC endpoint with a policy must also be allowed by that policy (`endpoint.rs`).

mod denial;
mod endpoint;
mod gate;
mod global_keys;
pub mod request_keys;
mod resourceless;
mod statement_view;

#[cfg(test)]
mod tests;

pub use gate::{Authorizer, Explanation};
pub use resourceless::authorize_without_resource;
