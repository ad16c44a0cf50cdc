//! The `sigv4_authorization` target: a request written as HTTP/1.1 text goes through SigV4
//! authentication as the protocol edge runs it (verifying and trusting modes, for both signing
//! names, with the default credentials), and through canonical-request construction with
//! the header's `SignedHeaders` list. Besides never panicking: a request that verifies stops
//! verifying when one byte is added to its body.
//!
//! Input: `METHOD PATH[?QUERY] [HTTP/1.1]`, then `Name: value` lines (the `Authorization` header among
//! them), an empty line and the body; lines end with `\n` (a `\r` before it is dropped).
//! "Now" is the request's own `X-Amz-Date` when it has a valid one, so captured requests get
//! past the clock-skew check.

use time::OffsetDateTime;

use crate::auth::{Authenticator, Credentials};
use crate::config::{AuthMode, Config};
use crate::sigv4::{self, Request};

/// A request as the input spells it, owning nothing.
struct RawRequest<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
}

/// Splits `data` at the first `\n` (dropping a `\r` before it).
fn next_line(data: &[u8]) -> (&[u8], &[u8]) {
    let (line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &data[data.len()..]),
    };
    (line.strip_suffix(b"\r").unwrap_or(line), rest)
}

impl<'a> RawRequest<'a> {
    fn parse(data: &'a [u8]) -> RawRequest<'a> {
        let (request_line, mut rest) = next_line(data);
        let request_line = std::str::from_utf8(request_line).unwrap_or_default();
        let (method, target) = request_line.split_once(' ').unwrap_or((request_line, "/"));
        let target = target
            .rsplit_once(" HTTP/")
            .map_or(target, |(target, _)| target);
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers = Vec::new();
        while !rest.is_empty() {
            let (line, after) = next_line(rest);
            rest = after;
            if line.is_empty() {
                break;
            }
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let Ok(name) = std::str::from_utf8(&line[..colon]) else {
                continue;
            };
            let value = line[colon + 1..].trim_ascii_start();
            headers.push((name, value));
        }
        RawRequest {
            method,
            path,
            query,
            headers,
            body: rest,
        }
    }

    fn with_body<'b>(&'b self, body: &'b [u8]) -> Request<'b> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers: &self.headers,
            body,
        }
    }

    /// The request's valid `X-Amz-Date`, else 2015-08-30 (the AWS test suite's date).
    fn request_time(&self) -> OffsetDateTime {
        self.header("x-amz-date")
            .and_then(|value| std::str::from_utf8(value).ok())
            .and_then(sigv4::parse_amz_date)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH + time::Duration::days(16_677))
    }

    fn header(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, value)| value)
    }
}

/// An authenticator with the default configuration's credentials.
fn authenticator(mode: AuthMode) -> Authenticator {
    Authenticator::new(mode, Credentials::from_config(&Config::default()))
}

/// `SignedHeaders=` of the `Authorization` header, lowercased, as many as the verifier takes.
fn signed_headers_of(authorization: &str) -> Vec<String> {
    authorization
        .split([',', ' '])
        .find_map(|part| part.trim().strip_prefix("SignedHeaders="))
        .map(|list| {
            list.split(';')
                .take(64)
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

/// The entry point: see the module documentation.
pub fn sigv4_authorization(data: &[u8]) {
    let raw = RawRequest::parse(data);
    let request = raw.with_body(raw.body);
    let now = raw.request_time();
    let verifying = authenticator(AuthMode::Verify);
    let trusting = authenticator(AuthMode::Off);
    for service in ["secretsmanager", "kms", "sts"] {
        let verified = verifying.authenticate(&request, service, now).is_ok();
        let _ = trusting.authenticate(&request, service, now);
        if verified {
            let mut longer = raw.body.to_vec();
            longer.push(b'x');
            assert!(
                verifying
                    .authenticate(&raw.with_body(&longer), service, now)
                    .is_err(),
                "a request still verified after its body changed"
            );
        }
    }

    let authorization = raw
        .header("authorization")
        .map(String::from_utf8_lossy)
        .unwrap_or_default();
    let signed_headers = signed_headers_of(&authorization);
    let payload_hash = sigv4::sha256_hex(raw.body);
    let canonical = sigv4::canonical_request(&request, &signed_headers, &payload_hash);
    let _ = sigv4::canonical_request_for_log(&canonical);
    let _ = sigv4::canonical_uri(raw.path);
    let _ = sigv4::canonical_query(raw.query);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The corpus's requests signed by real clients verify as the target reads them, so the
    /// fuzzer starts past the signature check (and the changed-body check is reached); those
    /// with a session token were signed with long-term keys, and a long-term key carrying a
    /// token is refused as unrecognized (only STS-issued `ASIA` keys go with a token).
    #[test]
    fn signed_corpus_requests_verify() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/sigv4_authorization");
        let mut verified = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.starts_with("malformed-") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let raw = RawRequest::parse(&data);
            let service = if raw
                .header("x-amz-target")
                .unwrap()
                .starts_with(b"TrentService.")
            {
                "kms"
            } else {
                "secretsmanager"
            };
            let result = authenticator(AuthMode::Verify).authenticate(
                &raw.with_body(raw.body),
                service,
                raw.request_time(),
            );
            if name.contains("session-token") {
                // Correctly signed, but the token was not issued with this (long-term) key.
                assert!(
                    matches!(result, Err(crate::api::CommonError::UnrecognizedClient)),
                    "{name}: {result:?}"
                );
                continue;
            }
            assert!(result.is_ok(), "{name}: {result:?}");
            verified += 1;
        }
        assert!(verified >= 5, "only {verified} signed requests");
    }

    #[test]
    fn the_request_text_is_split_like_http() {
        let raw = RawRequest::parse(
            b"POST /a?b=c HTTP/1.1\r\nHost: h\r\nX-A:  v \r\nnot a header\r\n\r\nbody\n",
        );
        assert_eq!((raw.method, raw.path, raw.query), ("POST", "/a", "b=c"));
        assert_eq!(raw.headers, vec![("Host", &b"h"[..]), ("X-A", &b"v "[..])]);
        assert_eq!(raw.body, b"body\n");
        assert_eq!(
            signed_headers_of("AWS4 Credential=a, SignedHeaders=Host;X-A, Signature=s"),
            vec!["host", "x-a"]
        );
    }
}
