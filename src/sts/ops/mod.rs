//! One handler per STS operation, and the checks they share.

mod assume_role;
mod assume_role_with_web_identity;
mod get_caller_identity;
mod get_session_token;
mod mfa;

pub use assume_role::assume_role;
pub use assume_role_with_web_identity::assume_role_with_web_identity;
pub use get_caller_identity::get_caller_identity;
pub use get_session_token::get_session_token;

#[cfg(test)]
pub(crate) mod test_support;
