//! The STS operation table.

use crate::api::operation::operations;

use super::Sts;
use super::ops;

operations! {
    /// The STS operations Lockbox serves. All are `read`: they change no stored state
    /// (issued sessions live in memory only).
    pub enum Operation for Sts {
        read GetCallerIdentity => ops::get_caller_identity;
        read GetSessionToken => ops::get_session_token;
        read AssumeRole => ops::assume_role;
        read AssumeRoleWithWebIdentity => ops::assume_role_with_web_identity;
    }
}
