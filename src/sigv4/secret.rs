//! `SecretKey`: the secret access key, kept in a buffer that is wiped on drop and never printed.

use zeroize::Zeroizing;

use crate::crypto::Sensitive;

/// A secret access key.
///
/// The bytes live in a zeroizing buffer (wiped when dropped). `Debug` prints
/// `SecretKey(**redacted**)`; there is deliberately no `Display`, `Serialize` or `PartialEq`.
#[derive(Clone, Debug)]
pub struct SecretKey(Sensitive<Zeroizing<String>>);

impl SecretKey {
    /// Wraps a secret access key.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretKey(Sensitive::new(Zeroizing::new(secret.into())))
    }

    /// The raw secret, for the signing-key derivation only.
    pub(crate) fn expose(&self) -> &str {
        self.0.expose().as_str()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let key = SecretKey::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let printed = format!("{key:?}");
        assert_eq!(printed, "SecretKey(**redacted**)");
        assert!(!printed.contains("wJalr"));
        assert_eq!(key.expose(), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    }
}
