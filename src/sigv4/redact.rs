//! What the verifier may put in a log: the canonical request with credential-bearing values
//! replaced by [`REDACTED`], and any text cut to a bounded size with a `(N bytes more)` marker.
//!
//! Pure functions, so the exact text a refusal logs can be tested.

use crate::crypto::REDACTED;

/// The most bytes of a canonical request a refusal log shows.
pub const MAX_LOGGED_CANONICAL_REQUEST: usize = 4096;

/// True for header (or query parameter) names whose values are credentials: `authorization`,
/// and any name containing `token`, `secret` or `password` (ASCII case-insensitive). Covers
/// `x-amz-security-token`.
pub fn is_sensitive_name(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    lower == "authorization"
        || ["token", "secret", "password"]
            .iter()
            .any(|word| lower.contains(word))
}

/// `text` cut to at most `max` bytes (on a character boundary), followed by
/// `… (N bytes more)` when anything was cut.
pub fn truncate_for_log(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes more)", &text[..end], text.len() - end)
}

/// The canonical request with the values of sensitive headers and query parameters replaced
/// by [`REDACTED`] (names kept), then cut to [`MAX_LOGGED_CANONICAL_REQUEST`] bytes.
///
/// Layout: method, URI, query, one `name:value` line per signed header, an empty line, the
/// signed header list and the payload hash. Only what precedes the empty line after the
/// headers is rewritten.
pub fn canonical_request_for_log(creq: &str) -> String {
    let mut out = String::with_capacity(creq.len().min(MAX_LOGGED_CANONICAL_REQUEST + 64));
    let mut in_headers = true;
    for (index, line) in creq.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        // Stop rewriting (and copying) once the cap is clearly exceeded; the cut happens below.
        if out.len() > MAX_LOGGED_CANONICAL_REQUEST {
            out.push_str(line);
            continue;
        }
        match index {
            0 | 1 => out.push_str(line),
            2 => push_redacted_query(&mut out, line),
            _ if in_headers && line.is_empty() => in_headers = false,
            _ if in_headers => match line.split_once(':') {
                Some((name, _)) if is_sensitive_name(name) => {
                    out.push_str(name);
                    out.push(':');
                    out.push_str(REDACTED);
                }
                _ => out.push_str(line),
            },
            _ => out.push_str(line),
        }
    }
    truncate_for_log(&out, MAX_LOGGED_CANONICAL_REQUEST)
}

fn push_redacted_query(out: &mut String, query: &str) {
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((key, _)) if is_sensitive_name(&key.replace("%2D", "-")) => {
                out.push_str(key);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_names() {
        for name in [
            "Authorization",
            "x-amz-security-token",
            "X-Client-Secret",
            "db-password",
            "x-token",
        ] {
            assert!(is_sensitive_name(name), "{name}");
        }
        for name in ["host", "x-amz-date", "content-type", "x-amz-target"] {
            assert!(!is_sensitive_name(name), "{name}");
        }
    }

    #[test]
    fn truncation_marks_what_was_cut() {
        assert_eq!(truncate_for_log("abc", 3), "abc");
        assert_eq!(truncate_for_log("abcdef", 3), "abc… (3 bytes more)");
        // Never cuts inside a character.
        assert_eq!(truncate_for_log("aé", 2), "a… (2 bytes more)");
    }

    #[test]
    fn values_of_credential_headers_and_query_parameters_are_redacted() {
        let creq = "POST\n/\nX-Amz-Security-Token=qtok&a=1\nhost:h\nx-amz-security-token:TOKENVALUE\nx-secret:S3CR3T\n\nhost;x-amz-security-token;x-secret\nabcd";
        let logged = canonical_request_for_log(creq);
        assert_eq!(
            logged,
            "POST\n/\nX-Amz-Security-Token=**redacted**&a=1\nhost:h\nx-amz-security-token:**redacted**\nx-secret:**redacted**\n\nhost;x-amz-security-token;x-secret\nabcd"
        );
    }

    #[test]
    fn long_canonical_request_is_cut() {
        let creq = format!("POST\n/\n\nhost:{}\n\nhost\nabcd", "h".repeat(100_000));
        let logged = canonical_request_for_log(&creq);
        assert!(logged.len() < MAX_LOGGED_CANONICAL_REQUEST + 64);
        assert!(logged.ends_with(&format!(
            "… ({} bytes more)",
            creq.len() - MAX_LOGGED_CANONICAL_REQUEST
        )));
    }
}
