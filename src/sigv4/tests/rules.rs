//! Lockbox's header rules (signed headers present, x-amz-* signed, payload hash) and
//! step-2 failures.

use super::*;
use crate::sigv4::*;

#[test]
fn signed_header_must_be_present() {
    let mut headers = sign(
        base_headers("20251106T132608Z"),
        "content-type;host;x-amz-date;x-amz-target;x-extra",
        CRED,
    );
    headers.retain(|(n, _)| n != "x-extra");
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert!(
        err.message()
            .starts_with("The request signature we calculated does not match")
    );
    assert_eq!(
        err.detail(),
        Some("signed header 'x-extra' is not present in the request")
    );
}

#[test]
fn unsigned_x_amz_headers_are_rejected() {
    let mut headers = base_headers("20251106T132608Z");
    headers.push(("X-Amz-User-Agent".into(), b"aws-sdk-js/3".to_vec()));
    headers.push(("X-Amzn-Trace-Id".into(), b"Root=1-abc".to_vec())); // x-amzn-: may stay unsigned
    headers.push(("User-Agent".into(), b"curl".to_vec()));
    let headers = sign(headers, SIGNED, CRED);
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        err.message(),
        "There were headers present in the request which were not signed"
    );
    assert_eq!(err.detail(), Some("HeadersNotSigned: x-amz-user-agent"));

    let mut headers = base_headers("20251106T132608Z");
    headers.push(("X-Amz-Security-Token".into(), b"TOKEN".to_vec()));
    let unsigned_token = sign(headers.clone(), SIGNED, CRED);
    assert_eq!(
        auth_err(&unsigned_token).detail(),
        Some("HeadersNotSigned: x-amz-security-token")
    );
    let signed_token = sign(
        headers,
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
        CRED,
    );
    full(&signed_token, SECRET).unwrap();
    with(&signed_token, |req| {
        let parsed = authenticate_request(req, "secretsmanager", NOW)?;
        assert_eq!(parsed.security_token.as_deref(), Some("TOKEN"));
        assert!(!format!("{parsed:?}").contains("TOKEN"));
        Ok(())
    })
    .unwrap();
}

#[test]
fn content_sha256_must_match_the_body() {
    let names = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target";
    for (value, ok) in [
        (sha256_hex(BODY), true),
        ("UNSIGNED-PAYLOAD".into(), false),
        (sha256_hex(b"other"), false),
    ] {
        let mut headers = base_headers("20251106T132608Z");
        headers.push(("X-Amz-Content-Sha256".into(), value.into_bytes()));
        let headers = sign(headers, names, CRED);
        match full(&headers, SECRET) {
            Ok(()) => assert!(ok),
            Err(err) => {
                assert!(!ok);
                assert_eq!(err.kind(), ErrorKind::InvalidSignature);
                assert!(
                    err.message()
                        .starts_with("The request signature we calculated does not match")
                );
                assert!(err.detail().unwrap().contains("x-amz-content-sha256"));
            }
        }
    }
}

#[test]
fn malformed_signature_fails_in_step_two() {
    let mut headers = good();
    let auth = String::from_utf8(headers.pop().unwrap().1).unwrap();
    let (head, sig) = auth.split_once("Signature=").unwrap();
    for bad_sig in [sig.to_uppercase(), sig[1..].to_string(), format!("{sig}0")] {
        let mut h = headers.clone();
        h.push((
            "authorization".into(),
            format!("{head}Signature={bad_sig}").into_bytes(),
        ));
        let err = full(&h, SECRET).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidSignature);
        assert!(
            err.message()
                .starts_with("The request signature we calculated does not match")
        );
    }
}

#[test]
fn duplicated_large_signed_header_is_refused_while_parsing() {
    // The amplification case: one large header listed 2,500 times in SignedHeaders (with a
    // wrong signature). Refused by step 1 (no secret, no canonical request), quickly.
    let mut headers = base_headers("20251106T132608Z");
    headers.push(("X-Big".into(), vec![b'v'; 40_000]));
    let signed = format!("host;x-amz-date{}", ";x-big".repeat(2_500));
    set_auth(
        &mut headers,
        &format!(
            "AWS4-HMAC-SHA256 Credential=test/20251106/us-east-1/secretsmanager/aws4_request, SignedHeaders={signed}, Signature={}",
            "0".repeat(64)
        ),
    );
    let started = std::time::Instant::now();
    let err = auth_err(&headers);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Authorization header 'SignedHeaders' parameter lists 2502 headers; at most 64 are allowed. "
    );
    assert_eq!(err.detail(), None);

    // Under the bound, a duplicate is refused the same way.
    let mut headers = base_headers("20251106T132608Z");
    headers.push(("X-Big".into(), vec![b'v'; 40_000]));
    set_auth(
        &mut headers,
        &format!(
            "AWS4-HMAC-SHA256 Credential=test/20251106/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date;x-big;X-Big, Signature={}",
            "0".repeat(64)
        ),
    );
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(
        err.message(),
        "Authorization header 'SignedHeaders' parameter must list each header once; 'x-big' is listed more than once. "
    );
}

#[test]
fn mismatch_detail_never_holds_a_token_value_even_with_odd_bytes() {
    // A value with a line break (HTTP forbids it, the pure API does not) must not leak either.
    let mut headers = base_headers("20251106T132608Z");
    headers.push((
        "X-Amz-Security-Token".into(),
        b"first-half\nsecond-half".to_vec(),
    ));
    let headers = sign(
        headers,
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
        CRED,
    );
    let err = full(&headers, "not-the-secret").unwrap_err();
    let detail = err.detail().unwrap();
    assert!(detail.contains("\nx-amz-security-token:**redacted**\nx-amz-target:"));
    assert!(!detail.contains("first-half") && !detail.contains("second-half"));
    // The client's own canonical request still verified with the real value.
    full(&headers, SECRET).unwrap();
}

#[test]
fn a_session_token_in_the_query_is_read_and_covered_by_the_signature() {
    let headers = good();
    let refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let req = Request {
        method: "POST",
        path: "/",
        query: "X-Amz-Security-Token=QUERY%2FTOKEN",
        headers: &refs,
        body: BODY,
    };
    let parsed = authenticate_request(&req, "secretsmanager", NOW).unwrap();
    assert_eq!(parsed.security_token.as_deref(), Some("QUERY/TOKEN"));
    // `good()` was signed without the query, so the signature no longer matches.
    let err = verify_signature(&req, &parsed, &SecretKey::new(SECRET)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
}
