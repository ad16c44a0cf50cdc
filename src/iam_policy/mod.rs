//! IAM policy evaluation, as a pure function: parsed policy documents plus a request context
//! in, an Allow / explicit Deny / implicit Deny decision (with the statement that decided it)
//! out. No I/O and no knowledge of the services; `authz` builds the context and calls it.

mod compare;
mod condition;
mod context;
mod decision;
mod document;
mod pattern;
mod principal;
mod variables;

#[cfg(test)]
mod condition_tests;
#[cfg(test)]
mod tests;

pub use condition::{Condition, Operator, SetQualifier};
pub use context::values_of;
pub use decision::{
    Decision, MissingAllow, NamedPolicy, PolicySource, RequestContext, ResourcePolicyKind,
    StatementRef, evaluate,
};
pub use document::{Effect, ParseError, PolicyDocument, PrincipalSpec, Statement, parse};
