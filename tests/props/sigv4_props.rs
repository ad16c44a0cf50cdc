//! Property tests: random requests signed by the official aws-sigv4 crate (default settings,
//! service `secretsmanager`, random region, fixed time) must verify with `lockbox::sigv4`, and
//! changing any signed component (a signed header value, the body, the path, the query, the
//! signature, the date, the secret) must make verification fail.

#![allow(clippy::unwrap_used)] // test code: a failed unwrap is a failed test

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use lockbox::sigv4::{ErrorKind, Request, SecretKey, authenticate_request, verify_signature};
use proptest::prelude::*;
use time::OffsetDateTime;

const EPOCH_SECS: u64 = 1_762_435_568; // 2025-11-06T13:26:08Z
const HOST: &str = "secretsmanager.example.amazonaws.com";

#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    region: String,
    secret: String,
    token: Option<String>,
}

/// An owned request (headers in wire order) that can be lent out as a `lockbox` `Request`.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Wire {
    /// Steps 1 and 2 against `secret`, at the signing time plus 30 s.
    fn outcome(&self, secret: &str) -> Result<(), lockbox::sigv4::Error> {
        let refs: Vec<(&str, &[u8])> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_slice()))
            .collect();
        let req = Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers: &refs,
            body: &self.body,
        };
        let now = OffsetDateTime::from_unix_timestamp(EPOCH_SECS as i64 + 30).unwrap();
        authenticate_request(&req, "secretsmanager", now)
            .and_then(|parsed| verify_signature(&req, &parsed, &SecretKey::new(secret)))
    }

    fn verifies(&self, secret: &str) -> bool {
        self.outcome(secret).is_ok()
    }
}

fn segment() -> impl Strategy<Value = String> {
    // Characters http::Uri accepts in a path, plus percent-encoded bytes; no dot-only segments
    // (those are removed by normalization, so flipping them would legitimately not matter).
    proptest::collection::vec(
        prop_oneof![
            4 => "[A-Za-z0-9._~!$'()*,;=:@-]",
            1 => "%[0-9A-F]{2}",
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat())
    .prop_filter("no dot segments", |s| s != "." && s != "..")
}

fn query() -> impl Strategy<Value = String> {
    let part = || {
        proptest::collection::vec(
            prop_oneof![4 => "[A-Za-z0-9._~!$'()*,;:@/?+-]", 1 => "%[0-9a-fA-F]{2}"],
            0..5,
        )
        .prop_map(|p| p.concat())
    };
    proptest::collection::vec((part(), proptest::option::of(part())), 0..4).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{k}={v}"),
                None => k,
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn header() -> impl Strategy<Value = (String, String)> {
    // A small name pool so duplicates happen; mixed case; values with runs of spaces.
    let name = prop_oneof![
        Just("X-Custom".to_string()),
        Just("x-custom".to_string()),
        Just("Content-Type".to_string()),
        Just("X-Amz-Target".to_string()),
        Just("X-Amz-Meta-Thing".to_string()),
        "x-[a-z0-9]{1,8}",
    ];
    (name, "[ !-~]{0,16}")
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![Just("GET"), Just("POST"), Just("PUT"), Just("DELETE")],
        proptest::collection::vec(segment(), 0..4),
        any::<bool>(),
        query(),
        proptest::collection::vec(header(), 0..5),
        proptest::collection::vec(any::<u8>(), 0..48),
        "[a-z]{2}-[a-z]{4,9}-[1-9]",
        "[A-Za-z0-9/+]{40}",
        proptest::option::of("[A-Za-z0-9/+=]{16,40}"),
    )
        .prop_map(
            |(method, segs, trailing, query, headers, body, region, secret, token)| {
                let mut path = format!("/{}", segs.join("/"));
                if trailing && !segs.is_empty() {
                    path.push('/');
                }
                Case {
                    method,
                    path,
                    query,
                    headers,
                    body,
                    region,
                    secret,
                    token,
                }
            },
        )
}

/// Signs `case` with aws-sigv4 and returns the request as it would travel on the wire.
fn signed_wire(case: &Case) -> Wire {
    let identity: Identity = Credentials::new(
        "AKIDEXAMPLE",
        &case.secret,
        case.token.clone(),
        None,
        "props",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&case.region)
        .name("secretsmanager")
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(EPOCH_SECS))
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let uri = if case.query.is_empty() {
        format!("https://{HOST}{}", case.path)
    } else {
        format!("https://{HOST}{}?{}", case.path, case.query)
    };
    let signable = SignableRequest::new(
        case.method,
        uri,
        case.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        SignableBody::Bytes(&case.body),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut headers: Vec<(String, Vec<u8>)> = vec![("Host".into(), HOST.as_bytes().to_vec())];
    headers.extend(
        case.headers
            .iter()
            .map(|(n, v)| (n.clone(), v.as_bytes().to_vec())),
    );
    headers.extend(
        instructions
            .headers()
            .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())),
    );
    // Not signed by the SDK (excluded by default) and not x-amz-*: must not disturb verification.
    headers.push(("User-Agent".into(), b"props/1.0".to_vec()));
    Wire {
        method: case.method.into(),
        path: case.path.clone(),
        query: case.query.clone(),
        headers,
        body: case.body.clone(),
    }
}

/// Replaces the byte at `index % len` (or appends, if empty) with a letter that is not a hex
/// digit and differs from the original, so the change can never be a no-op or a case change
/// inside a `%XX` escape.
fn flip(bytes: &mut Vec<u8>, index: usize, skip_first: bool) {
    let start = usize::from(skip_first);
    if bytes.len() <= start {
        bytes.push(b'q');
        return;
    }
    let i = start + index % (bytes.len() - start);
    bytes[i] = if bytes[i] == b'q' { b'z' } else { b'q' };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn aws_sigv4_signed_requests_verify(case in case()) {
        let wire = signed_wire(&case);
        prop_assert!(wire.verifies(&case.secret), "{:#?}", wire);
        let mut wrong = case.secret.clone().into_bytes();
        flip(&mut wrong, 7, false);
        prop_assert!(!wire.verifies(&String::from_utf8(wrong).unwrap()));
    }

    #[test]
    fn changing_any_signed_component_fails(case in case(), which in 0usize..6, index in any::<usize>()) {
        let wire = signed_wire(&case);
        prop_assert!(wire.verifies(&case.secret));
        let mut bad = wire.clone();
        match which {
            0 => {
                // A signed header value: any header but User-Agent/Authorization.
                let signed: Vec<usize> = (0..bad.headers.len())
                    .filter(|&i| !matches!(bad.headers[i].0.to_ascii_lowercase().as_str(), "user-agent" | "authorization" | "x-amz-date"))
                    .collect();
                let pick = signed[index % signed.len()];
                flip(&mut bad.headers[pick].1, index / 7, false);
            }
            1 => flip(&mut bad.body, index, false),
            2 => {
                let mut p = bad.path.into_bytes();
                flip(&mut p, index, true);
                bad.path = String::from_utf8(p).unwrap();
            }
            3 => {
                let mut q = bad.query.into_bytes();
                flip(&mut q, index, false);
                bad.query = String::from_utf8(q).unwrap();
            }
            4 => {
                let auth = bad.headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).unwrap();
                let at = auth.1.len() - 1 - index % 64;
                auth.1[at] = if auth.1[at] == b'0' { b'1' } else { b'0' };
            }
            _ => {
                let date = bad.headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date")).unwrap();
                let last = date.1.len() - 2; // the seconds' last digit, before 'Z'
                date.1[last] = if date.1[last] == b'9' { b'8' } else { date.1[last] + 1 };
            }
        }
        prop_assert!(!bad.verifies(&case.secret), "component {} change not detected: {:#?}", which, bad);
    }
}

/// Header values shaped like (broken) SigV4 Authorization headers, plus arbitrary bytes.
fn hostile_authorization() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        "(AWS4-HMAC-SHA256)?( ?(Credential|SignedHeaders|Signature)=[a-z0-9/;=, _-]{0,40},?){0,4}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Untrusted input never panics: any Authorization header, X-Amz-Date, path and query
    /// either verifies or yields an error.
    #[test]
    fn hostile_requests_never_panic(
        authorization in hostile_authorization(),
        date in proptest::collection::vec(any::<u8>(), 0..20),
        path in "[ -~]{0,30}",
        query in "[ -~]{0,30}",
        body in proptest::collection::vec(any::<u8>(), 0..32),
    ) {
        let headers: Vec<(&str, &[u8])> = vec![
            ("host", b"example.com"),
            ("x-amz-date", &date),
            ("authorization", &authorization),
        ];
        let request = Request { method: "POST", path: &path, query: &query, headers: &headers, body: &body };
        let now = OffsetDateTime::from_unix_timestamp(EPOCH_SECS as i64).unwrap();
        if let Ok(parsed) = authenticate_request(&request, "secretsmanager", now) {
            prop_assert!(verify_signature(&request, &parsed, &SecretKey::new("test")).is_err());
        }
    }
}

/// Rewrites the `SignedHeaders=` list of `wire`'s Authorization header with `f`.
fn rewrite_signed_headers(wire: &mut Wire, f: impl FnOnce(&mut Vec<String>)) {
    let auth = wire
        .headers
        .iter_mut()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .unwrap();
    let text = String::from_utf8(auth.1.clone()).unwrap();
    let start = text.find("SignedHeaders=").unwrap() + "SignedHeaders=".len();
    let end = start + text[start..].find(',').unwrap();
    let mut names: Vec<String> = text[start..end].split(';').map(String::from).collect();
    f(&mut names);
    auth.1 = format!("{}{}{}", &text[..start], names.join(";"), &text[end..]).into_bytes();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A signed request whose SignedHeaders names one header a second time (in any case, at any
    /// place) is refused by step 1 with IncompleteSignature naming that header.
    #[test]
    fn a_duplicated_signed_header_is_refused(case in case(), pick in any::<usize>(), at in any::<usize>(), upper in any::<bool>()) {
        let mut wire = signed_wire(&case);
        let mut duplicate = String::new();
        rewrite_signed_headers(&mut wire, |names| {
            duplicate = names[pick % names.len()].clone();
            let copy = if upper { duplicate.to_ascii_uppercase() } else { duplicate.clone() };
            names.insert(at % (names.len() + 1), copy);
        });
        let err = wire.outcome(&case.secret).unwrap_err();
        prop_assert_eq!(err.kind(), ErrorKind::IncompleteSignature);
        prop_assert_eq!(
            err.message(),
            format!("Authorization header 'SignedHeaders' parameter must list each header once; '{duplicate}' is listed more than once. ")
        );
    }

    /// On a signature mismatch the log detail is bounded and never holds the session token.
    #[test]
    fn mismatch_detail_is_bounded_and_hides_the_token(mut case in case(), token in "[A-Za-z0-9/+=]{16,40}", big in 0usize..20_000) {
        case.token = Some(token.clone());
        case.headers.push(("X-Big".into(), "b".repeat(big)));
        let wire = signed_wire(&case);
        prop_assert!(wire.verifies(&case.secret));
        let err = wire.outcome("not-the-secret").unwrap_err();
        let detail = err.detail().unwrap();
        prop_assert!(!detail.contains(&token), "{}", detail);
        prop_assert!(detail.len() < lockbox::sigv4::MAX_LOGGED_CANONICAL_REQUEST + 512);
    }
}
