//! Unit tests of `authenticate_request` / `verify_signature`: shared helpers (requests signed
//! with our own signer) and the happy path. Error paths live in `errors.rs` and `rules.rs`.

mod errors;
mod rules;

use time::OffsetDateTime;
use time::macros::datetime;

use super::*;

pub(super) const NOW: OffsetDateTime = datetime!(2025-11-06 13:26:08 UTC);
pub(super) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub(super) const BODY: &[u8] = br#"{"SecretId":"MyTestSecret"}"#;

pub(super) type Headers = Vec<(String, Vec<u8>)>;

pub(super) fn base_headers(date: &str) -> Headers {
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

pub(super) fn with(
    headers: &Headers,
    f: impl FnOnce(&Request<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let refs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    let req = Request {
        method: "POST",
        path: "/",
        query: "",
        headers: &refs,
        body: BODY,
    };
    f(&req)
}

/// Signs `headers` (listing `signed` in SignedHeaders) with our own signer and appends the
/// Authorization header built from `credential` (the part after `Credential=`).
pub(super) fn sign(mut headers: Headers, signed: &str, credential: &str) -> Headers {
    let date = headers
        .iter()
        .find(|(n, _)| n == "X-Amz-Date")
        .map(|(_, v)| String::from_utf8(v.clone()).unwrap());
    let date = date.unwrap_or_else(|| "20251106T132608Z".into());
    let parts: Vec<&str> = credential.split('/').collect();
    let scope = CredentialScope {
        date: parts[1].into(),
        region: parts[2].into(),
        service: parts[3].into(),
    };
    let names: Vec<String> = signed.split(';').map(String::from).collect();
    let mut sig = String::new();
    with(&headers, |req| {
        let creq = canonical_request(req, &names, &sha256_hex(BODY));
        let key = signing_key(&SecretKey::new(SECRET), &scope);
        sig = Signature::compute(&key, &string_to_sign(&date, &scope, &creq)).to_hex();
        Ok(())
    })
    .unwrap();
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={sig}"
    );
    headers.push(("Authorization".into(), auth.into_bytes()));
    headers
}

pub(super) const CRED: &str = "AKIDEXAMPLE/20251106/us-east-1/secretsmanager/aws4_request";
pub(super) const SIGNED: &str = "content-type;host;x-amz-date;x-amz-target";

pub(super) fn good() -> Headers {
    sign(base_headers("20251106T132608Z"), SIGNED, CRED)
}

pub(super) fn auth_err(headers: &Headers) -> Error {
    with(headers, |req| {
        authenticate_request(req, "secretsmanager", NOW).map(|_| ())
    })
    .unwrap_err()
}

pub(super) fn full(headers: &Headers, secret: &str) -> Result<(), Error> {
    with(headers, |req| {
        let parsed = authenticate_request(req, "secretsmanager", NOW)?;
        verify_signature(req, &parsed, &SecretKey::new(secret))
    })
}

pub(super) fn set_auth(headers: &mut Headers, value: &str) {
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
        assert_eq!(
            parsed.signed_headers,
            vec!["content-type", "host", "x-amz-date", "x-amz-target"]
        );
        assert_eq!(parsed.request_time, NOW);
        assert_eq!(parsed.security_token, None);
        Ok(())
    })
    .unwrap();
    let err = full(&headers, "not-the-secret").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSignature);
    assert_eq!(
        err.message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
    let detail = err.detail().unwrap();
    assert!(detail.contains("POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:"));
    assert!(detail.contains(
        "AWS4-HMAC-SHA256\n20251106T132608Z\n20251106/us-east-1/secretsmanager/aws4_request\n"
    ));
    assert!(!detail.contains(SECRET) && !detail.contains("not-the-secret"));
}
