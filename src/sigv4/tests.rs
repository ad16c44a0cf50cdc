//! Unit tests of `authenticate_request` / `verify_signature`: one per error path, asserting the
//! exact AWS message, plus the happy paths.

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2025-11-06 13:26:08 UTC);
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const BODY: &[u8] = br#"{"SecretId":"MyTestSecret"}"#;

type Headers = Vec<(String, Vec<u8>)>;

fn base_headers(date: &str) -> Headers {
    [
        ("Host", "secretsmanager.us-east-1.amazonaws.com"),
        ("X-Amz-Date", date),
        ("Content-Type", "application/x-amz-json-1.1"),
        ("X-Amz-Target", "secretsmanager.GetSecretValue"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
    .collect()
}

fn with(headers: &Headers, f: impl FnOnce(&Request<'_>) -> Result<(), Error>) -> Result<(), Error> {
    let refs: Vec<(&str, &[u8])> = headers.iter().map(|(n, v)| (n.as_str(), v.as_slice())).collect();
    let req = Request { method: "POST", path: "/", query: "", headers: &refs, body: BODY };
    f(&req)
}

/// Signs `headers` (listing `signed` in SignedHeaders) with our own signer and appends the
/// Authorization header built from `credential` (the part after `Credential=`).
fn sign(mut headers: Headers, signed: &str, credential: &str) -> Headers {
    let date = headers.iter().find(|(n, _)| n == "X-Amz-Date").map(|(_, v)| String::from_utf8(v.clone()).unwrap());
    let date = date.unwrap_or_else(|| "20251106T132608Z".into());
    let parts: Vec<&str> = credential.split('/').collect();
    let scope = CredentialScope { date: parts[1].into(), region: parts[2].into(), service: parts[3].into() };
    let names: Vec<String> = signed.split(';').map(String::from).collect();
    let mut sig = String::new();
    with(&headers, |req| {
        let creq = canonical_request(req, &names, &sha256_hex(BODY));
        let key = signing_key(&SecretKey::new(SECRET), &scope);
        sig = Signature::compute(&key, &string_to_sign(&date, &scope, &creq)).to_hex();
        Ok(())
    })
    .unwrap();
    let auth = format!("AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={sig}");
    headers.push(("Authorization".into(), auth.into_bytes()));
    headers
}

const CRED: &str = "AKIDEXAMPLE/20251106/us-east-1/secretsmanager/aws4_request";
const SIGNED: &str = "content-type;host;x-amz-date;x-amz-target";

fn good() -> Headers {
    sign(base_headers("20251106T132608Z"), SIGNED, CRED)
}

fn auth_err(headers: &Headers) -> Error {
    with(headers, |req| authenticate_request(req, "secretsmanager", NOW).map(|_| ())).unwrap_err()
}

fn full(headers: &Headers, secret: &str) -> Result<(), Error> {
    with(headers, |req| {
        let parsed = authenticate_request(req, "secretsmanager", NOW)?;
        verify_signature(req, &parsed, &SecretKey::new(secret))
    })
}

fn set_auth(headers: &mut Headers, value: &str) {
    headers.retain(|(n, _)| n != "Authorization");
    headers.push(("Authorization".into(), value.as_bytes().to_vec()));
}

#[test]
fn valid_request_verifies_and_wrong_secret_fails_with_detail() {
    let headers = good();
    full(&headers, SECRET).unwrap();
    with(&headers, |req| {
        let parsed = authenticate_request(req, "secretsmanager", NOW)?;
        assert_eq!(parsed.access_key_id, "AKIDEXAMPLE");
        assert_eq!(parsed.scope.region, "us-east-1");
        assert_eq!(parsed.signed_headers, vec!["content-type", "host", "x-amz-date", "x-amz-target"]);
        assert_eq!(parsed.request_time, NOW);
        assert_eq!(parsed.security_token, None);
        Ok(())
    })
    .unwrap();
    let err = full(&headers, "not-the-secret").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(err.message(), "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
    let detail = err.detail().unwrap();
    assert!(detail.contains("POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:"));
    assert!(detail.contains("AWS4-HMAC-SHA256\n20251106T132608Z\n20251106/us-east-1/secretsmanager/aws4_request\n"));
    assert!(!detail.contains(SECRET) && !detail.contains("not-the-secret"));
}

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
    assert_eq!(err.message(), "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256");
    let mut headers = base_headers("20251106T132608Z");
    set_auth(&mut headers, &format!("AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders={SIGNED}"));
    let err = auth_err(&headers);
    assert_eq!(err.message(), format!("Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders={SIGNED}"));
}

#[test]
fn malformed_pair_and_algorithm() {
    let mut headers = good();
    set_auth(&mut headers, "AWS4-HMAC-SHA256 Credential=a/b, Oops, Signature=x");
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(err.message(), "'Oops' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential=a/b, Oops, Signature=x'.");
    let mut headers = good();
    let auth = String::from_utf8(headers.pop().unwrap().1).unwrap();
    headers.push(("Authorization".into(), auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512").into_bytes()));
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(err.message(), "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ");
}

#[test]
fn bad_date_format_and_skew() {
    let headers = sign(base_headers("2025-11-06T13:26:08Z"), SIGNED, CRED);
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(err.message(), "Date must be in ISO-8601 'basic format'. Got '2025-11-06T13:26:08Z'. See http://en.wikipedia.org/wiki/ISO_8601");
    let old = sign(base_headers("20251105T220858Z"), SIGNED, "AKID/20251105/us-east-1/secretsmanager/aws4_request");
    let err = auth_err(&old);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(err.message(), "Signature expired: 20251105T220858Z is now earlier than 20251106T132108Z (20251106T132608Z - 5 min.)");
    let future = sign(base_headers("20251106T133109Z"), SIGNED, CRED);
    assert_eq!(auth_err(&future).message(), "Signature not yet current: 20251106T133109Z is still later than 20251106T133108Z (20251106T132608Z + 5 min.)");
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
    let headers = sign(base_headers("20251106T132608Z"), "content-type;x-amz-date;x-amz-target", CRED);
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(err.message(), "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
}

#[test]
fn credential_shape_and_scope() {
    let mut headers = good();
    set_auth(&mut headers, &format!("AWS4-HMAC-SHA256 Credential=AKID/20251106/us-east-1, SignedHeaders={SIGNED}, Signature=00"));
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
    assert_eq!(err.message(), "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKID/20251106/us-east-1'");

    let bad = sign(base_headers("20251106T132608Z"), SIGNED, "AKID/20251105/US_EAST/kms/aws4_reqest");
    let err = auth_err(&bad);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(err.message(), "Credential should be scoped to a valid region, not 'US_EAST'. Credential should be scoped to correct service: 'secretsmanager'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_reqest'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20251105' != '20251106', from '20251106T132608Z'.");

    let kms = sign(base_headers("20251106T132608Z"), SIGNED, "AKID/20251106/us-east-1/kms/aws4_request");
    assert_eq!(auth_err(&kms).message(), "Credential should be scoped to correct service: 'secretsmanager'. ");
    with(&kms, |req| authenticate_request(req, "kms", NOW).map(|_| ())).unwrap();

    let expected = Expected { service: "secretsmanager", region: Some("eu-west-1") };
    let err = with(&good(), |req| authenticate_request_with(req, &expected, NOW).map(|_| ())).unwrap_err();
    assert_eq!(err.message(), "Credential should be scoped to a valid region, not 'us-east-1'. ");
}

#[test]
fn signed_header_must_be_present() {
    let mut headers = sign(base_headers("20251106T132608Z"), "content-type;host;x-amz-date;x-amz-target;x-extra", CRED);
    headers.retain(|(n, _)| n != "x-extra");
    let err = auth_err(&headers);
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert!(err.message().starts_with("The request signature we calculated does not match"));
    assert_eq!(err.detail(), Some("signed header 'x-extra' is not present in the request"));
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
    assert_eq!(err.message(), "There were headers present in the request which were not signed");
    assert_eq!(err.detail(), Some("HeadersNotSigned: x-amz-user-agent"));

    let mut headers = base_headers("20251106T132608Z");
    headers.push(("X-Amz-Security-Token".into(), b"TOKEN".to_vec()));
    let unsigned_token = sign(headers.clone(), SIGNED, CRED);
    assert_eq!(auth_err(&unsigned_token).detail(), Some("HeadersNotSigned: x-amz-security-token"));
    let signed_token = sign(headers, "content-type;host;x-amz-date;x-amz-security-token;x-amz-target", CRED);
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
    for (value, ok) in [(sha256_hex(BODY), true), ("UNSIGNED-PAYLOAD".into(), false), (sha256_hex(b"other"), false)] {
        let mut headers = base_headers("20251106T132608Z");
        headers.push(("X-Amz-Content-Sha256".into(), value.into_bytes()));
        let headers = sign(headers, names, CRED);
        match full(&headers, SECRET) {
            Ok(()) => assert!(ok),
            Err(err) => {
                assert!(!ok);
                assert_eq!(err.kind(), ErrorKind::InvalidSignature);
                assert_eq!(err.message(), "The provided 'x-amz-content-sha256' header does not match what was computed.");
            }
        }
    }
}

#[test]
fn malformed_signature_fails_in_step_two() {
    let mut headers = good();
    let auth = String::from_utf8(headers.pop().unwrap().1).unwrap();
    headers.push(("authorization".into(), auth.to_uppercase().replace("AWS4-HMAC-SHA256 CREDENTIAL=AKIDEXAMPLE/20251106/US-EAST-1/SECRETSMANAGER/AWS4_REQUEST, SIGNEDHEADERS=CONTENT-TYPE;HOST;X-AMZ-DATE;X-AMZ-TARGET, SIGNATURE", &format!("AWS4-HMAC-SHA256 Credential={CRED}, SignedHeaders={SIGNED}, Signature")).into_bytes()));
    let err = full(&headers, SECRET).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert!(err.message().starts_with("The request signature we calculated does not match"));
}
