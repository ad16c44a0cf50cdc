//! The two verification steps: `authenticate_request` (everything that needs no secret, in
//! AWS's error order) and `verify_signature` (recompute and compare in constant time).

use std::fmt;

use time::OffsetDateTime;

use super::authorization::{
    check_complete, parse_credential, parse_header, parse_signed_headers, single_header,
};
use super::canonical::{
    canonical_header_value, canonical_request_bytes, header_values, query_value,
};
use super::datetime::{check_skew, format_amz_date, parse_amz_date, parse_http_date};
use super::error::{Error, ErrorKind};
use super::redact::{canonical_request_for_log, is_sensitive_name, truncate_for_log};
use super::secret::SecretKey;
use super::signing::{
    ALGORITHM, CredentialScope, Signature, TERMINATOR, sha256_hex, signing_key,
    string_to_sign_bytes,
};
use super::{Expected, Request};
use crate::crypto::REDACTED;

/// The result of step 1: everything read from the request that needs no secret.
#[derive(Clone)]
pub struct ParsedAuth {
    /// The access key id to look the secret up with.
    pub access_key_id: String,
    /// `date/region/service` of the credential.
    pub scope: CredentialScope,
    /// Lowercased `SignedHeaders`, in the order the client listed them.
    pub signed_headers: Vec<String>,
    /// From `X-Amz-Date` (or `Date`).
    pub request_time: OffsetDateTime,
    /// The session token, if sent: the `X-Amz-Security-Token` header (always signed when
    /// present) or, failing that, the same-named query parameter (covered by the signature as
    /// part of the canonical query).
    pub security_token: Option<String>,
    /// `None` when the client's `Signature=` is not 64 lowercase hex: it then cannot match, and
    /// step 2 reports the signature mismatch like AWS.
    signature: Option<Signature>,
}

impl fmt::Debug for ParsedAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuth")
            .field("access_key_id", &self.access_key_id)
            .field("scope", &self.scope)
            .field("signed_headers", &self.signed_headers)
            .field("request_time", &self.request_time)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "**redacted**"),
            )
            .finish_non_exhaustive()
    }
}

fn header_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A region AWS could plausibly name: lowercase letters, digits and single hyphens.
pub(crate) fn is_valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 64
        && region.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Step 1, see [`super::authenticate_request_with`].
pub(crate) fn authenticate(
    req: &Request<'_>,
    expected: &Expected<'_>,
    now: OffsetDateTime,
) -> Result<ParsedAuth, Error> {
    // 1. One Authorization header is required (query-string auth is not supported).
    let Some(header) = single_header(req)? else {
        return Err(Error::missing_token());
    };

    // 2. Syntax and completeness of the header, plus existence of a date header.
    let auth = parse_header(&header)?;
    let amz_date = canonical_header_value(req, "x-amz-date");
    let http_date = canonical_header_value(req, "date");
    let (credential, signed, signature) =
        check_complete(&auth, &header, amz_date.is_some() || http_date.is_some())?;
    // A bounded list of distinct names, before any other work on it.
    let signed_headers = parse_signed_headers(signed)?;

    // 3. Date format, then 4. clock skew.
    // X-Amz-Date wins over Date; an unparsable X-Amz-Date is an error (no fallback).
    let (date_text, parser): (String, fn(&str) -> Option<OffsetDateTime>) = match amz_date {
        Some(v) => (header_text(&v), parse_amz_date),
        None => (header_text(&http_date.unwrap_or_default()), parse_http_date),
    };
    let request_time = parser(&date_text).ok_or_else(|| Error::bad_date(&date_text))?;
    check_skew(request_time, now)?;

    // 5. Host must be signed.
    if !signed_headers
        .iter()
        .any(|h| h == "host" || h == ":authority")
    {
        return Err(Error::host_not_signed());
    }

    // 6. Algorithm, 7. credential shape, 8. scope (all scope errors in one message).
    if auth.algorithm != ALGORITHM {
        return Err(Error::unsupported_algorithm(auth.algorithm));
    }
    let cred = parse_credential(credential)?;
    let amz_date_str = format_amz_date(request_time);
    let mut scope_errors = String::new();
    let region_ok = match expected.region {
        Some(region) => cred.region == region,
        None => is_valid_region(cred.region),
    };
    if !region_ok {
        scope_errors.push_str(&Error::region_scope_sentence(cred.region));
    }
    if cred.service != expected.service {
        scope_errors.push_str(&format!(
            "Credential should be scoped to correct service: '{}'. ",
            expected.service
        ));
    }
    if cred.terminator != TERMINATOR {
        scope_errors.push_str(&format!(
            "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'. ",
            cred.terminator
        ));
    }
    if cred.date != &amz_date_str[..8] {
        scope_errors.push_str(&format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{}', from '{amz_date_str}'.",
            cred.date,
            &amz_date_str[..8]
        ));
    }
    if !scope_errors.is_empty() {
        return Err(Error::new(ErrorKind::InvalidSignature, scope_errors));
    }

    // 9. Lockbox rules beyond AWS's list (see the module docs for the rationale).
    check_signed_headers(req, &signed_headers)?;

    Ok(ParsedAuth {
        access_key_id: cred.access_key_id.to_owned(),
        scope: CredentialScope {
            date: cred.date.to_owned(),
            region: cred.region.to_owned(),
            service: cred.service.to_owned(),
        },
        signed_headers,
        request_time,
        security_token: canonical_header_value(req, "x-amz-security-token")
            .map(|v| header_text(&v))
            .or_else(|| query_value(req.query, "X-Amz-Security-Token")),
        signature: Signature::from_hex(signature),
    })
}

/// Every signed header must be present; every `x-amz-*` header present must be signed (this
/// covers `x-amz-security-token` and `x-amz-content-sha256`).
fn check_signed_headers(req: &Request<'_>, signed_headers: &[String]) -> Result<(), Error> {
    if let Some(missing) = signed_headers
        .iter()
        .find(|name| header_values(req, name).next().is_none())
    {
        return Err(Error::signature_mismatch().with_detail(format!(
            "signed header '{missing}' is not present in the request"
        )));
    }
    let mut unsigned: Vec<String> = Vec::new();
    for (name, _) in req.headers {
        let lower = name.trim().to_ascii_lowercase();
        if lower.starts_with("x-amz-")
            && !signed_headers.contains(&lower)
            && !unsigned.contains(&lower)
        {
            unsigned.push(lower);
        }
    }
    if !unsigned.is_empty() {
        return Err(Error::headers_not_signed(&unsigned));
    }
    Ok(())
}

/// Step 2, see [`super::verify_signature`].
pub(crate) fn verify(
    req: &Request<'_>,
    parsed: &ParsedAuth,
    secret: &SecretKey,
) -> Result<(), Error> {
    let payload_hash = sha256_hex(req.body);
    // A supplied x-amz-content-sha256 must equal the body's hash (so `UNSIGNED-PAYLOAD` is
    // refused). AWS JSON services compute the payload hash from the body, so a wrong claim
    // surfaces as an ordinary signature mismatch; the log detail says what differed.
    if let Some(claimed) = canonical_header_value(req, "x-amz-content-sha256")
        .filter(|claimed| claimed.as_slice() != payload_hash.as_bytes())
    {
        return Err(Error::signature_mismatch().with_detail(format!(
            "x-amz-content-sha256 '{}' is not the SHA-256 of the body ({payload_hash})",
            truncate_for_log(&String::from_utf8_lossy(&claimed), 128)
        )));
    }
    let creq = canonical_request_bytes(req, &parsed.signed_headers, &payload_hash);
    let amz_date = format_amz_date(parsed.request_time);
    let sts = string_to_sign_bytes(&amz_date, &parsed.scope, &creq);
    let key = signing_key(secret, &parsed.scope);
    let expected = Signature::compute(&key, &sts);
    let matches = parsed
        .signature
        .as_ref()
        .is_some_and(|provided| provided.ct_eq(&expected));
    if matches {
        return Ok(());
    }
    Err(Error::signature_mismatch().with_detail(mismatch_detail(
        req,
        &parsed.signed_headers,
        &payload_hash,
        &sts,
    )))
}

/// The log detail of a signature mismatch: our canonical request, rebuilt with the values of
/// credential-bearing headers (see [`is_sensitive_name`]) replaced by [`REDACTED`] before any
/// text exists (so no value byte can slip through) and cut to a few KB, and the string to sign.
/// Never the secret, the signing key or the expected signature.
pub(crate) fn mismatch_detail(
    req: &Request<'_>,
    signed_headers: &[String],
    payload_hash: &str,
    sts: &str,
) -> String {
    let headers: Vec<(&str, &[u8])> = req
        .headers
        .iter()
        .map(|&(name, value)| {
            if is_sensitive_name(name) {
                (name, REDACTED.as_bytes())
            } else {
                (name, value)
            }
        })
        .collect();
    let shown = Request {
        headers: &headers,
        ..*req
    };
    let creq = canonical_request_bytes(&shown, signed_headers, payload_hash);
    format!(
        "The canonical request was\n'{}'\n\nThe string to sign was\n'{sts}'\n",
        canonical_request_for_log(&String::from_utf8_lossy(&creq))
    )
}
