//! Who is calling: the identity an authenticated request acts as.

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The 12-digit account the caller acts in.
    pub account_id: String,
    /// The caller's IAM ARN (`arn:aws:iam::<account>:root` for the built-in keys).
    pub arn: String,
    /// The access key id the request was signed with.
    pub access_key_id: String,
}
