//! IAM policy evaluation, as a pure function: parsed policy documents plus a request context
//! in, an Allow / explicit Deny / implicit Deny decision (with the statement that decided it)
//! out. No I/O and no knowledge of the services; request handling does not call it yet.

mod condition;
mod decision;
mod document;
mod pattern;
mod principal;

#[cfg(test)]
mod tests;

pub use condition::{Condition, Operator};
pub use decision::{
    Decision, MissingAllow, NamedPolicy, PolicySource, RequestContext, ResourcePolicyKind,
    StatementRef, evaluate,
};
pub use document::{Effect, ParseError, PolicyDocument, PrincipalSpec, Statement, parse};
