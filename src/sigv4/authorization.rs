//! Parsing of the `Authorization` header value:
//! `AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request, SignedHeaders=a;b, Signature=hex`.
//!
//! Only syntax lives here; the semantic checks (date, scope, headers) are in `verify.rs`.

use super::Request;
use super::canonical::header_values;
use super::error::{Error, ErrorKind};

/// The text of the request's one `Authorization` header, `None` when it has none.
///
/// Repeated lines are refused with IncompleteSignature: their values are joined with commas,
/// as HTTP combines a repeated field, and parsed, so two SigV4 headers get AWS's own parse
/// error for the joined value (the second algorithm name is a piece without `=`); a join that
/// still parses gets [`Error::repeated_authorization`]. Either way no reader can pick one line
/// and see a different caller than another reader would.
pub(crate) fn single_header(req: &Request<'_>) -> Result<Option<String>, Error> {
    let values: Vec<&[u8]> = header_values(req, "authorization").collect();
    match values.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(String::from_utf8_lossy(only).into_owned())),
        several => {
            let texts: Vec<std::borrow::Cow<'_, str>> = several
                .iter()
                .map(|value| String::from_utf8_lossy(value))
                .collect();
            let joined = texts.join(",");
            parse_header(&joined)?;
            Err(Error::repeated_authorization(several.len()))
        }
    }
}

/// The parameters of an `Authorization` header, as written by the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthHeader<'h> {
    pub algorithm: &'h str,
    pub credential: Option<&'h str>,
    pub signed_headers: Option<&'h str>,
    pub signature: Option<&'h str>,
}

/// Splits the header like AWS does: the first whitespace-delimited token is the algorithm, the
/// rest is split on commas and whitespace (so a missing space after a comma is fine) and every
/// piece must be `key=value`. Keys are case-sensitive; the first occurrence of a key wins.
pub(crate) fn parse_header(header: &str) -> Result<AuthHeader<'_>, Error> {
    let trimmed = header.trim_start();
    let (algorithm, rest) = trimmed
        .split_once(|c: char| c.is_ascii_whitespace())
        .unwrap_or((trimmed, ""));
    let mut parsed = AuthHeader {
        algorithm,
        credential: None,
        signed_headers: None,
        signature: None,
    };
    for token in rest
        .split(|c: char| c == ',' || c.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
    {
        let Some((key, value)) = token.split_once('=') else {
            return Err(Error::not_key_value(token, header));
        };
        let slot = match key {
            "Credential" => &mut parsed.credential,
            "SignedHeaders" => &mut parsed.signed_headers,
            "Signature" => &mut parsed.signature,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
    Ok(parsed)
}

/// AWS's IncompleteSignature text: one sentence per missing element, then `Authorization=<header>`.
/// Empty `Credential=`/`Signature=` count as missing; an empty `SignedHeaders=` does not (it fails
/// the host check later, as on AWS). Returns `(credential, signed_headers, signature)`.
pub(crate) fn check_complete<'h>(
    auth: &AuthHeader<'h>,
    header: &str,
    has_date: bool,
) -> Result<(&'h str, &'h str, &'h str), Error> {
    let mut message = String::new();
    if auth.credential.is_none_or(str::is_empty) {
        message.push_str("Authorization header requires 'Credential' parameter. ");
    }
    if auth.signature.is_none_or(str::is_empty) {
        message.push_str("Authorization header requires 'Signature' parameter. ");
    }
    if auth.signed_headers.is_none() {
        message.push_str("Authorization header requires 'SignedHeaders' parameter. ");
    }
    if !has_date {
        message.push_str(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
        );
    }
    if let (true, Some(c), Some(h), Some(s)) = (
        message.is_empty(),
        auth.credential,
        auth.signed_headers,
        auth.signature,
    ) {
        return Ok((c, h, s));
    }
    message.push_str("Authorization=");
    message.push_str(header);
    Err(Error::new(ErrorKind::IncompleteSignature, message))
}

/// The most names a `SignedHeaders` list may hold. SDKs sign a handful (about ten at most); the
/// bound keeps the canonical request's cost proportional to the request.
pub(crate) const MAX_SIGNED_HEADERS: usize = 64;

/// Splits `SignedHeaders=` into lowercased names, refusing (with IncompleteSignature) a list of
/// more than [`MAX_SIGNED_HEADERS`] names or one naming a header twice. Counts before allocating,
/// so a huge list costs one scan. With each name listed once, every signed header is
/// canonicalized once and the canonical request is bounded by the request's size.
pub(crate) fn parse_signed_headers(signed: &str) -> Result<Vec<String>, Error> {
    let count = signed.split(';').count();
    if count > MAX_SIGNED_HEADERS {
        return Err(Error::signed_headers_too_many(count, MAX_SIGNED_HEADERS));
    }
    let mut names: Vec<String> = Vec::with_capacity(count);
    for name in signed.split(';') {
        let lower = name.to_ascii_lowercase();
        if names.contains(&lower) {
            return Err(Error::signed_headers_duplicate(&lower));
        }
        names.push(lower);
    }
    Ok(names)
}

/// The five elements of `Credential=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credential<'h> {
    pub access_key_id: &'h str,
    pub date: &'h str,
    pub region: &'h str,
    pub service: &'h str,
    pub terminator: &'h str,
}

/// Splits `AKID/date/region/service/aws4_request`; trailing slashes are ignored (as on AWS).
pub(crate) fn parse_credential(credential: &str) -> Result<Credential<'_>, Error> {
    let parts: Vec<&str> = credential.trim_end_matches('/').split('/').collect();
    match parts.as_slice() {
        [access_key_id, date, region, service, terminator] => Ok(Credential {
            access_key_id,
            date,
            region,
            service,
            terminator,
        }),
        _ => Err(Error::credential_parts(credential)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const FULL: &str = "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";

    #[test]
    fn parses_any_order_and_missing_spaces() {
        let a = parse_header(FULL).unwrap();
        assert_eq!(a.algorithm, "AWS4-HMAC-SHA256");
        assert_eq!(
            a.credential,
            Some("AKID/20150830/us-east-1/service/aws4_request")
        );
        assert_eq!(a.signed_headers, Some("host;x-amz-date"));
        assert_eq!(a.signature, Some("abc"));
        let b = parse_header(
            "AWS4-HMAC-SHA256 Signature=abc,SignedHeaders=host;x-amz-date,Credential=AKID/20150830/us-east-1/service/aws4_request",
        )
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn token_without_equal_sign_is_rejected_with_aws_text() {
        let header = "AWS4-HMAC-SHA256 Credential= AKID/20181128/eu-central-1/x/aws4_request, SignedHeaders=host, Signature=a";
        let err = parse_header(header).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            format!(
                "'AKID/20181128/eu-central-1/x/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            )
        );
    }

    #[test]
    fn all_missing_elements_are_listed() {
        let header = "AWS4-HMAC-SHA256 Foo=bar";
        let auth = parse_header(header).unwrap();
        let err = check_complete(&auth, header, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Foo=bar"
        );
        let auth = parse_header(FULL).unwrap();
        assert!(check_complete(&auth, FULL, true).is_ok());
    }

    #[test]
    fn signed_headers_are_bounded_and_unique() {
        assert_eq!(
            parse_signed_headers("Host;X-Amz-Date").unwrap(),
            vec!["host", "x-amz-date"]
        );
        let err = parse_signed_headers("host;x-a;X-A").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            "Authorization header 'SignedHeaders' parameter must list each header once; 'x-a' is listed more than once. "
        );
        let long = "x".repeat(100);
        let err = parse_signed_headers(&format!("{long};{long}")).unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "Authorization header 'SignedHeaders' parameter must list each header once; '{}...' is listed more than once. ",
                "x".repeat(64)
            )
        );
        let many: Vec<String> = (0..=MAX_SIGNED_HEADERS).map(|i| format!("h{i}")).collect();
        let err = parse_signed_headers(&many.join(";")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            "Authorization header 'SignedHeaders' parameter lists 65 headers; at most 64 are allowed. "
        );
        assert_eq!(
            parse_signed_headers(&many[..MAX_SIGNED_HEADERS].join(";"))
                .unwrap()
                .len(),
            MAX_SIGNED_HEADERS
        );
    }

    fn request<'a>(headers: &'a [(&'a str, &'a [u8])]) -> Request<'a> {
        Request {
            method: "POST",
            path: "/",
            query: "",
            headers,
            body: b"",
        }
    }

    #[test]
    fn one_authorization_header_is_read_and_a_repeated_one_refused() {
        assert_eq!(single_header(&request(&[("Host", b"h")])).unwrap(), None);
        let one: &[(&str, &[u8])] = &[("authorization", FULL.as_bytes())];
        assert_eq!(single_header(&request(one)).unwrap().as_deref(), Some(FULL));

        let two: &[(&str, &[u8])] = &[
            ("Authorization", FULL.as_bytes()),
            ("authorization", FULL.as_bytes()),
        ];
        let err = single_header(&request(two)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            format!(
                "'AWS4-HMAC-SHA256' not a valid key=value pair (missing equal-sign) in Authorization header: '{FULL},{FULL}'."
            )
        );

        let still_parses: &[(&str, &[u8])] = &[
            ("Authorization", FULL.as_bytes()),
            (
                "Authorization",
                b"Credential=other/20150830/eu-west-1/service/aws4_request",
            ),
        ];
        let err = single_header(&request(still_parses)).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            "Authorization header must be sent once; the request carries 2 Authorization headers. "
        );
    }

    #[test]
    fn credential_must_have_five_parts() {
        let c = parse_credential("AKID/20150830/us-east-1/kms/aws4_request//").unwrap();
        assert_eq!(c.access_key_id, "AKID");
        assert_eq!(c.service, "kms");
        let err = parse_credential("a/b/c/d").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        assert_eq!(
            err.message(),
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'"
        );
        assert!(parse_credential("a/b/c/d/e/f").is_err());
    }
}
