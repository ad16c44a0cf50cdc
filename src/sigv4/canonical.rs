//! The canonical request: URI normalization and per-segment encoding (the rules for every
//! service except S3), the canonical query string and the canonical headers.
//!
//! Everything is built as bytes so that header values are hashed exactly as received.

use super::Request;

/// Bytes kept as-is by SigV4 URI encoding (RFC 3986 unreserved characters).
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn push_encoded(out: &mut Vec<u8>, bytes: &[u8], keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
        }
    }
}

/// Removes `.`/`..` and empty segments (RFC 3986 5.2.4 as applied by the AWS SDKs for every
/// service but S3), keeping a trailing slash. Works on the raw, still percent-encoded path.
fn normalize_path(raw: &str) -> String {
    if raw.is_empty() {
        return "/".to_owned();
    }
    if !raw.contains('.') && !raw.contains("//") && raw.starts_with('/') {
        return raw.to_owned();
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in raw.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(raw.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    let trailing = ["/", "/.", "/.."].iter().any(|s| raw.ends_with(s));
    if out.is_empty() || (trailing && !out.ends_with('/')) {
        out.push('/');
    }
    out
}

/// Canonical URI: normalized path, then every byte but unreserved characters and `/` is
/// percent-encoded. Applied to the path as received (already percent-encoded once), this is
/// the "double encoding" all SDKs use for non-S3 services: `%3D` on the wire becomes `%253D`.
pub fn canonical_uri(raw_path: &str) -> String {
    let normalized = normalize_path(raw_path);
    let mut out = Vec::with_capacity(normalized.len());
    push_encoded(&mut out, normalized.as_bytes(), true);
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// `application/x-www-form-urlencoded` decoding, byte-exact: `+` is a space, `%XX` a byte, and a
/// `%` not followed by two hex digits is kept literally (as the Rust SDK's signer does).
fn form_decode(raw: &str) -> Vec<u8> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    out
}

/// Decoded bytes that are not UTF-8 become U+FFFD, as in the aws-sigv4 crate (and Java's
/// URLDecoder): `%AA` alone is canonicalized as `%EF%BF%BD`.
fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Canonical query string: every `&`-separated pair is decoded and re-encoded with the SigV4
/// rules (`key` alone becomes `key=`), then pairs are sorted by encoded key, then encoded value.
///
/// `+` decodes to a space (re-encoded `%20`), matching the aws-sigv4 crate; botocore and the JS
/// SDK never put a raw `+` in a query they sign, so they agree.
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let mut k = Vec::new();
            let mut v = Vec::new();
            push_encoded(&mut k, lossy(&form_decode(key)).as_bytes(), false);
            push_encoded(&mut v, lossy(&form_decode(value)).as_bytes(), false);
            (k, v)
        })
        .collect();
    pairs.sort();
    let mut out = Vec::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        out.extend_from_slice(k);
        out.push(b'=');
        out.extend_from_slice(v);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The decoded value of the first query parameter named exactly `name`, if the query has one
/// (decoded as the canonical query decodes it).
pub(crate) fn query_value(raw_query: &str, name: &str) -> Option<String> {
    raw_query
        .split('&')
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(key) == name.as_bytes()).then(|| lossy(&form_decode(value)).into_owned())
        })
        .next()
}

/// All values of header `name` (ASCII case-insensitive), in the order received.
pub(crate) fn header_values<'r>(
    req: &'r Request<'_>,
    name: &'r str,
) -> impl Iterator<Item = &'r [u8]> + 'r {
    req.headers
        .iter()
        .filter(move |(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// Trims spaces and collapses runs of spaces into one (SigV4 "Trimall"). Only the space
/// character is affected, like the aws-sigv4 crate; botocore and the JS SDK also fold tabs, which
/// no SDK-generated header contains.
fn push_trimmed(out: &mut Vec<u8>, value: &[u8]) {
    let mut pending_space = false;
    let mut started = false;
    for &b in value {
        if b == b' ' {
            pending_space = started;
        } else {
            if pending_space {
                out.push(b' ');
                pending_space = false;
            }
            out.push(b);
            started = true;
        }
    }
}

/// The canonical value of one signed header: every occurrence trimmed, joined with `,`.
/// `None` if the request does not carry the header at all.
pub(crate) fn canonical_header_value(req: &Request<'_>, name: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut found = false;
    for value in header_values(req, name) {
        if found {
            out.push(b',');
        }
        push_trimmed(&mut out, value);
        found = true;
    }
    found.then_some(out)
}

/// The canonical request as bytes (exact input of the hash).
pub(crate) fn canonical_request_bytes(
    req: &Request<'_>,
    signed_headers: &[String],
    payload_hash_hex: &str,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + req.path.len() + req.query.len());
    out.extend_from_slice(req.method.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_uri(req.path).as_bytes());
    out.push(b'\n');
    out.extend_from_slice(canonical_query(req.query).as_bytes());
    out.push(b'\n');
    for name in signed_headers {
        out.extend_from_slice(name.as_bytes());
        out.push(b':');
        if let Some(value) = canonical_header_value(req, name) {
            out.extend_from_slice(&value);
        }
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(signed_headers.join(";").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(payload_hash_hex.as_bytes());
    out
}

/// The canonical request as text (non-UTF-8 header bytes are shown lossily; the verifier
/// hashes the exact bytes).
pub fn canonical_request(
    req: &Request<'_>,
    signed_headers: &[String],
    payload_hash_hex: &str,
) -> String {
    String::from_utf8_lossy(&canonical_request_bytes(
        req,
        signed_headers,
        payload_hash_hex,
    ))
    .into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn uri_normalization_and_double_encoding() {
        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("//"), "/");
        assert_eq!(canonical_uri("//example//"), "/example/");
        assert_eq!(canonical_uri("/example/.."), "/");
        assert_eq!(canonical_uri("/a/b/../.."), "/");
        assert_eq!(canonical_uri("/./example"), "/example");
        assert_eq!(canonical_uri("/a/./"), "/a/");
        assert_eq!(canonical_uri("/../x"), "/x");
        assert_eq!(canonical_uri("/foo/bar/."), "/foo/bar/");
        assert_eq!(canonical_uri("/test/@c/JB%3D"), "/test/%40c/JB%253D");
        assert_eq!(canonical_uri("/a b/\u{1234}"), "/a%20b/%E1%88%B4");
        assert_eq!(canonical_uri("/-_.~"), "/-_.~");
    }

    #[test]
    fn query_decoding_encoding_and_sorting() {
        assert_eq!(canonical_query(""), "");
        assert_eq!(canonical_query("b=2&a=1&a=0"), "a=0&a=1&b=2");
        assert_eq!(canonical_query("Param1"), "Param1=");
        assert_eq!(canonical_query("k=&&x"), "k=&x=");
        assert_eq!(canonical_query("a=b+c%2Bd"), "a=b%20c%2Bd");
        assert_eq!(canonical_query("a=%zz%4"), "a=%25zz%254");
        assert_eq!(
            canonical_query("%E1%88%B4=v&p=-_.~!"),
            "%E1%88%B4=v&p=-_.~%21"
        );
        assert_eq!(canonical_query("a=%7e"), "a=~");
        assert_eq!(canonical_query("%aa"), "%EF%BF%BD=");
    }

    #[test]
    fn query_values_are_found_by_their_decoded_name() {
        let query = "a=1&X-Amz-Security-Token=tok%2Fen+x&X-Amz-Security-Token=second";
        assert_eq!(
            query_value(query, "X-Amz-Security-Token").as_deref(),
            Some("tok/en x")
        );
        assert_eq!(
            query_value("X%2DAmz-Security-Token", "X-Amz-Security-Token").as_deref(),
            Some("")
        );
        assert_eq!(
            query_value("x-amz-security-token=t", "X-Amz-Security-Token"),
            None
        );
        assert_eq!(query_value("", "a"), None);
    }

    #[test]
    fn header_values_are_trimmed_and_joined() {
        let headers: Vec<(&str, &[u8])> = vec![
            ("My-Header", b"  a   b  c "),
            ("my-header", b"d"),
            ("Other", b""),
        ];
        let req = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        assert_eq!(
            canonical_header_value(&req, "my-header").as_deref(),
            Some(&b"a b c,d"[..])
        );
        assert_eq!(
            canonical_header_value(&req, "other").as_deref(),
            Some(&b""[..])
        );
        assert_eq!(canonical_header_value(&req, "absent"), None);
    }
}
