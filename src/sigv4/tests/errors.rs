//! Error paths of step 1 up to the scope checks, each with its exact AWS message.

use super::*;
use crate::sigv4::*;

#[test]
fn missing_authorization_header() {
    let err = auth_err(&base_headers("20251106T132608Z"));
    assert_eq!(err.kind(), ErrorKind::MissingAuthenticationToken);
    assert_eq!(err.message(), "Missing Authentication Token");
    assert_eq!(err.kind().aws_type(), "MissingAuthenticationTokenException");
}

#[test]
fn incomplete_header_lists_each_missing_element() {
    let mut headers = base_headers("20251106T132608Z");
    headers.retain(|(n, _)| n != "X-Amz-Date");
    set_auth(&mut headers, "AWS4-HMAC-SHA256");
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256"
    );
    let mut headers = base_headers("20251106T132608Z");
    set_auth(
        &mut headers,
        &format!("AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders={SIGNED}"),
    );
    let err = auth_err(&headers);
    assert_eq!(
        err.message(),
        format!(
            "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders={SIGNED}"
        )
    );
}

#[test]
fn malformed_pair_and_algorithm() {
    let mut headers = good();
    set_auth(
        &mut headers,
        "AWS4-HMAC-SHA256 Credential=a/b, Oops, Signature=x",
    );
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "'Oops' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=a/b, Oops, Signature=x'."
    );
    let mut headers = good();
    let auth = String::from_utf8(headers.pop().unwrap().1).unwrap();
    headers.push((
        "Authorization".into(),
        auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")
            .into_bytes(),
    ));
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). "
    );
}

#[test]
fn bad_date_format_and_skew() {
    let headers = sign(base_headers("2025-11-06T13:26:08Z"), SIGNED, CRED);
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Date must be in ISO-8601 'basic format'. Got '2025-11-06T13:26:08Z'. See http://en.wikipedia.org/wiki/ISO_8601"
    );
    let old = sign(
        base_headers("20251105T220858Z"),
        SIGNED,
        "AKID/20251105/us-east-1/secretsmanager/aws4_request",
    );
    let err = auth_err(&old);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        err.message(),
        "Signature expired: 20251105T220858Z is now earlier than 20251106T132108Z (20251106T132608Z - 5 min.)"
    );
    let future = sign(base_headers("20251106T133109Z"), SIGNED, CRED);
    assert_eq!(
        auth_err(&future).message(),
        "Signature not yet current: 20251106T133109Z is still later than 20251106T133108Z (20251106T132608Z + 5 min.)"
    );
}

#[test]
fn http_date_header_is_accepted_when_no_x_amz_date() {
    let mut headers = base_headers("x");
    headers.retain(|(n, _)| n != "X-Amz-Date");
    headers.push(("Date".into(), b"Thu, 06 Nov 2025 13:26:08 GMT".to_vec()));
    let headers = sign(headers, "content-type;date;host;x-amz-target", CRED);
    full(&headers, SECRET).unwrap();
}

#[test]
fn host_must_be_signed() {
    let headers = sign(
        base_headers("20251106T132608Z"),
        "content-type;x-amz-date;x-amz-target",
        CRED,
    );
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        err.message(),
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
    );
}

#[test]
fn credential_shape_and_scope() {
    let mut headers = good();
    set_auth(
        &mut headers,
        &format!(
            "AWS4-HMAC-SHA256 Credential=AKID/20251106/us-east-1, SignedHeaders={SIGNED}, Signature=00"
        ),
    );
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20251106/us-east-1'"
    );

    let bad = sign(
        base_headers("20251106T132608Z"),
        SIGNED,
        "AKID/20251105/US_EAST/kms/aws4_reqest",
    );
    let err = auth_err(&bad);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        err.message(),
        "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped to correct service: 'secretsmanager'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251105' != '20251106', from '20251106T132608Z'."
    );

    let kms = sign(
        base_headers("20251106T132608Z"),
        SIGNED,
        "AKID/20251106/us-east-1/kms/aws4_request",
    );
    assert_eq!(
        auth_err(&kms).message(),
        "Credential should be scoped to correct service: 'secretsmanager'. "
    );
    with(&kms, |req| {
        authenticate_request(req, "kms", NOW).map(|_| ())
    })
    .unwrap();

    let expected = Expected {
        service: "secretsmanager",
        region: Some("eu-west-1"),
    };
    let err = with(&good(), |req| {
        authenticate_request_with(req, &expected, NOW).map(|_| ())
    })
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Credential should be scoped to a valid region, not 'us-east-1'. "
    );
}
