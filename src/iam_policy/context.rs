//! The request's condition keys: `(key, value)` pairs, where a key listed more than once is a
//! multi-valued key (`aws:TagKeys`, `kms:EncryptionContextKeys`) and a key not listed is
//! absent. Key names compare without regard to case, as IAM compares them.

/// The condition keys of one request.
pub type ContextKeys<'a> = &'a [(&'a str, &'a str)];

/// Every value the request holds for `key` (empty when the key is absent).
pub fn values_of<'c>(context: ContextKeys<'c>, key: &str) -> Vec<&'c str> {
    context
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| *value)
        .collect()
}
