//! [`Sensitive`]: the one wrapper for everything secret that travels through Lockbox — secret
//! values, plaintexts, data keys, key material, secret access keys, the root key.
//!
//! `Debug` and `Display` print [`REDACTED`], so neither a `{:?}` of a request nor a tracing
//! field can leak what is inside. Wrap a zeroizing buffer (`Zeroizing<..>`) to also wipe the
//! bytes on drop. There is deliberately no `Serialize`: a wire type that must send a secret
//! (e.g. `SecretString` in a response) serializes it explicitly.

use std::fmt;
use std::ops::Deref;

/// What `Debug` and `Display` print instead of a secret.
pub const REDACTED: &str = "**redacted**";

/// A value that must never reach a log line, an error message or the audit trail.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps `value`.
    pub const fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The wrapped value, for the code that really uses it (encryption, signing, the wire).
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the value.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}

impl<T> Deref for Sensitive<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Sensitive)
    }
}

#[cfg(test)]
mod tests {
    use zeroize::Zeroizing;

    use super::*;

    #[test]
    fn never_prints_the_inside() {
        let secret = Sensitive::new(Zeroizing::new("hunter2".to_owned()));
        assert_eq!(format!("{secret:?} {secret}"), "**redacted** **redacted**");
        assert_eq!(secret.expose().as_str(), "hunter2");
    }

    #[test]
    fn a_wrapping_type_prints_its_name_and_the_placeholder() {
        #[derive(Debug)]
        struct Token(#[allow(dead_code)] Sensitive<String>);
        assert_eq!(
            format!("{:?}", Token(Sensitive::new("t0ken".into()))),
            "Token(**redacted**)"
        );
    }

    #[test]
    fn deserializes_transparently() {
        let value: Sensitive<String> = serde_json::from_str("\"s3cr3t\"").unwrap();
        assert_eq!(value.expose(), "s3cr3t");
    }
}
