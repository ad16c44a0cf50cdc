//! Error type of the SigV4 verifier: the AWS error kind, the exact AWS message to send back to
//! the client, and an optional detail that is meant for the server log only.
//!
//! Every constructor in this file carries AWS's own wording. Where a text could not be confirmed
//! against a real AWS response, the constructor says so in a comment (conscious decision).

use std::fmt;

/// The AWS error code (`__type` without the `Exception` suffix) a verification failure maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No `Authorization` header at all (`MissingAuthenticationTokenException`).
    MissingAuthenticationToken,
    /// The `Authorization` header is syntactically incomplete (`IncompleteSignatureException`).
    IncompleteSignature,
    /// The signature is wrong, expired, not yet current, or badly scoped
    /// (`InvalidSignatureException`).
    InvalidSignature,
}

impl ErrorKind {
    /// The `__type` AWS JSON-protocol services put in the error body, e.g.
    /// `"InvalidSignatureException"`.
    pub fn aws_type(self) -> &'static str {
        match self {
            ErrorKind::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorKind::IncompleteSignature => "IncompleteSignatureException",
            ErrorKind::InvalidSignature => "InvalidSignatureException",
        }
    }
}

/// A verification failure.
///
/// `message()` is safe to send to the client (it is AWS's text). `detail()` is for the server log
/// only; it may contain our canonical request and string to sign, but never the secret key, the
/// signing key or the expected signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    detail: Option<String>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            detail: None,
        }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The AWS error kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The exact AWS message to send to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Extra diagnostics for the server log only (never sent to the client).
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }

    pub(crate) fn missing_token() -> Self {
        // Confirmed: Secrets Manager answers `MissingAuthenticationTokenException: Missing
        // Authentication Token` (aws/aws-sdk-cpp#2466). DynamoDB says "Request is missing
        // Authentication Token" instead; we emulate Secrets Manager/KMS.
        Error::new(
            ErrorKind::MissingAuthenticationToken,
            "Missing Authentication Token",
        )
    }

    pub(crate) fn not_key_value(token: &str, header: &str) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "'{token}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            ),
        )
    }

    pub(crate) fn bad_date(value: &str) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ),
        )
    }

    pub(crate) fn expired(request: &str, limit: &str, now: &str) -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            format!("Signature expired: {request} is now earlier than {limit} ({now} - 5 min.)"),
        )
    }

    pub(crate) fn not_yet_current(request: &str, limit: &str, now: &str) -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            format!(
                "Signature not yet current: {request} is still later than {limit} ({now} + 5 min.)"
            ),
        )
    }

    pub(crate) fn host_not_signed() -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    }

    pub(crate) fn unsupported_algorithm(algorithm: &str) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!("Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). "),
        )
    }

    /// The sentence a credential scoped to a malformed (or, with an expected region, another)
    /// region gets; verification joins it with the other scope sentences into one message.
    pub(crate) fn region_scope_sentence(region: &str) -> String {
        format!("Credential should be scoped to a valid region, not '{region}'. ")
    }

    /// A credential whose region is the only thing wrong with its scope.
    pub(crate) fn invalid_region(region: &str) -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            Error::region_scope_sentence(region),
        )
    }

    /// More than one `Authorization` header line whose values, joined with commas as HTTP
    /// allows for a repeated field, still parse (every extra piece is `key=value`).
    ///
    /// Conscious decision: the usual case, two SigV4 headers, never gets here: joined, the
    /// second algorithm name is a piece without `=`, and a Coral service behind a proxy that
    /// duplicated the header was seen answering exactly that parse error for the joined value
    /// (envoyproxy/envoy#23702), so that is what the caller sends. A joined value that parses
    /// would let a first-wins and a last-wins reader see different callers, so it is refused
    /// too, with this text in the pattern of AWS's IncompleteSignature sentences (not
    /// confirmed against AWS).
    pub(crate) fn repeated_authorization(count: usize) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Authorization header must be sent once; the request carries {count} Authorization headers. "
            ),
        )
    }

    pub(crate) fn credential_parts(credential: &str) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'"
            ),
        )
    }

    /// A `SignedHeaders` list naming one header twice.
    ///
    /// Conscious decision: the text is not confirmed against AWS. It follows the sentence pattern
    /// of AWS's IncompleteSignature texts for a malformed `Authorization` header ("Authorization
    /// header requires 'X' parameter. "), without echoing the header (which may be large); the
    /// name is cut to 64 bytes.
    pub(crate) fn signed_headers_duplicate(name: &str) -> Self {
        let mut end = name.len().min(64);
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        let shown = &name[..end];
        let more = if end < name.len() { "..." } else { "" };
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Authorization header 'SignedHeaders' parameter must list each header once; '{shown}{more}' is listed more than once. "
            ),
        )
    }

    /// A `SignedHeaders` list with more than `max` names.
    ///
    /// Conscious decision: AWS's limit and text are not confirmed; same pattern as
    /// [`Error::signed_headers_duplicate`].
    pub(crate) fn signed_headers_too_many(count: usize, max: usize) -> Self {
        Error::new(
            ErrorKind::IncompleteSignature,
            format!(
                "Authorization header 'SignedHeaders' parameter lists {count} headers; at most {max} are allowed. "
            ),
        )
    }

    /// Unsigned `x-amz-*` headers (including `x-amz-security-token` and `x-amz-content-sha256`).
    ///
    /// Conscious decision: JSON-protocol services are not known to check this; S3 does and
    /// answers "There were headers present in the request which were not signed" (confirmed
    /// S3 text, code AccessDenied with a HeadersNotSigned element). We reuse S3's sentence as the
    /// message, report it as `InvalidSignature`, and put the header names in `detail`.
    pub(crate) fn headers_not_signed(names: &[String]) -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            "There were headers present in the request which were not signed",
        )
        .with_detail(format!("HeadersNotSigned: {}", names.join(", ")))
    }

    pub(crate) fn signature_mismatch() -> Self {
        Error::new(
            ErrorKind::InvalidSignature,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
