//! AWS Signature Version 4 *verification* (and, for Lockbox's own client commands, signing:
//! [`Signer`]) for the JSON-protocol services Lockbox emulates
//! (Secrets Manager, KMS). Pure: no I/O, no clock (`now` is always passed in), no HTTP stack.
//!
//! # Use
//!
//! 1. [`authenticate_request`] parses the `Authorization` header (exactly one: repeated lines are
//!    refused) and checks everything that needs no secret, in AWS's order: completeness (plus a `SignedHeaders` list of at most 64 distinct
//!    names, so canonicalization cost is bounded by the request's size), date format, clock skew (±5 min), `host` signed,
//!    algorithm, credential shape, scope (region, service, terminator, date). Then Lockbox's own
//!    rules: every signed header present, every `x-amz-*` header signed.
//! 2. The caller looks up the secret for [`ParsedAuth::access_key_id`] (an unknown key is the
//!    caller's `UnrecognizedClientException`) and judges [`ParsedAuth::security_token`] (the
//!    session token from the header or the query; this module only reads it), then [`verify_signature`] checks that a sent
//!    `x-amz-content-sha256` equals the body's SHA-256 (the payload hash is always computed from
//!    the body), recomputes the signature and compares it in constant time. Both failures are
//!    AWS's ordinary signature mismatch.
//!
//! Without verification (`--auth off`), [`claimed_credential`] reads the access key id and region
//! with the same parser, refusing a malformed header or region with verification's error.
//!
//! Error messages are AWS's texts (see `error.rs`); [`Error::detail`] is for the log only, and
//! its canonical request is cut to a few KB with credential values redacted (`redact.rs`).
//!
//! # Decisions
//!
//! * Canonical URI: the path as received is normalized (dot segments and empty segments
//!   removed) and then percent-encoded again, i.e. the double encoding every SDK uses for
//!   non-S3 services.
//! * Unsigned `x-amz-*` headers are rejected. Evidence that official SDKs sign all of theirs:
//!   aws-sigv4 (Rust) only leaves `authorization`, `user-agent`, `x-amzn-trace-id` and
//!   `transfer-encoding` unsigned (it signs `x-amz-user-agent` in header mode); botocore leaves
//!   hop-by-hop headers, `user-agent`, `x-amzn-trace-id` unsigned and adds `amz-sdk-*` after
//!   signing; @smithy/signature-v4 leaves `user-agent`, `x-amzn-trace-id`, `proxy-*`, `sec-*`
//!   and hop-by-hop headers unsigned and signs `x-amz-user-agent`, `x-amz-content-sha256`,
//!   `x-amz-security-token`. `x-amzn-*` is not `x-amz-*`. Captured requests from botocore, the
//!   aws CLI and @aws-sdk/client-secrets-manager v3 are verified in `tests/sigv4_suite.rs`.
//! * Query-string (presigned URL) authentication is not supported: without an `Authorization`
//!   header the answer is `MissingAuthenticationToken`.

mod authorization;
mod canonical;
mod datetime;
mod error;
mod redact;
mod secret;
mod sign;
mod signing;
mod unverified;
mod verify;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use canonical::{canonical_query, canonical_request, canonical_uri};
pub use datetime::{MAX_CLOCK_SKEW, format_amz_date, parse_amz_date};
pub use error::{Error, ErrorKind};
pub use redact::{
    MAX_LOGGED_CANONICAL_REQUEST, canonical_request_for_log, is_sensitive_name, truncate_for_log,
};
pub use secret::SecretKey;
pub use sign::Signer;
pub use signing::{ALGORITHM, CredentialScope, Signature, sha256_hex, signing_key, string_to_sign};
pub use unverified::ClaimedCredential;
pub use verify::ParsedAuth;

/// An HTTP request exactly as received.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// e.g. `POST`.
    pub method: &'a str,
    /// Raw path as received (still percent-encoded), e.g. `/`.
    pub path: &'a str,
    /// Raw query without `?`, possibly empty.
    pub query: &'a str,
    /// Headers as received: any case, duplicates allowed, in order.
    pub headers: &'a [(&'a str, &'a [u8])],
    /// The complete body.
    pub body: &'a [u8],
}

/// What the credential scope must name.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The signing name of the service, e.g. `secretsmanager` or `kms`.
    pub service: &'a str,
    /// The region the endpoint serves; `None` accepts any well-formed region name
    /// (lowercase letters, digits and single hyphens).
    pub region: Option<&'a str>,
}

/// Step 1: parse and check everything that needs no secret, for `expected_service` and any
/// well-formed region. Done before the access-key lookup.
pub fn authenticate_request(
    req: &Request<'_>,
    expected_service: &str,
    now: time::OffsetDateTime,
) -> Result<ParsedAuth, Error> {
    let expected = Expected {
        service: expected_service,
        region: None,
    };
    verify::authenticate(req, &expected, now)
}

/// Step 1 with an explicit region requirement.
pub fn authenticate_request_with(
    req: &Request<'_>,
    expected: &Expected<'_>,
    now: time::OffsetDateTime,
) -> Result<ParsedAuth, Error> {
    verify::authenticate(req, expected, now)
}

/// The credential `req` names, read without verifying anything (for `--auth off`): `None`
/// when it names none; a repeated or malformed `Authorization` header or a malformed region is
/// refused with the error verification gives for it.
pub fn claimed_credential(req: &Request<'_>) -> Result<Option<ClaimedCredential>, Error> {
    unverified::claimed_credential(req)
}

/// Step 2 (after looking up the secret for `parsed.access_key_id`): recompute the signature and
/// compare it in constant time. On mismatch, [`Error::detail`] holds our canonical request and
/// string to sign.
pub fn verify_signature(
    req: &Request<'_>,
    parsed: &ParsedAuth,
    secret: &SecretKey,
) -> Result<(), Error> {
    verify::verify(req, parsed, secret)
}
