//! The signing side, for Lockbox's own client commands (`lockbox export` / `lockbox import`
//! sign their admin requests): builds the `Authorization` header value for a request whose
//! headers already include `host` and `x-amz-date`. Uses the same canonicalization the
//! verifier uses, so the two cannot drift apart.

use time::OffsetDateTime;

use super::Request;
use super::canonical::canonical_request;
use super::datetime::format_amz_date;
use super::secret::SecretKey;
use super::signing::{
    ALGORITHM, CredentialScope, Signature, sha256_hex, signing_key, string_to_sign,
};

/// Who signs, and for which region and service.
#[derive(Debug, Clone)]
pub struct Signer<'a> {
    /// Access key id.
    pub access_key_id: &'a str,
    /// Its secret.
    pub secret: &'a SecretKey,
    /// Region of the credential scope.
    pub region: &'a str,
    /// Signing name of the service.
    pub service: &'a str,
}

impl Signer<'_> {
    /// The `Authorization` value for `req`, signed at `now`, over every header of `req` (whose
    /// `x-amz-date` must be [`format_amz_date`] of `now`).
    pub fn authorization(&self, req: &Request<'_>, now: OffsetDateTime) -> String {
        let mut signed_headers: Vec<String> = req
            .headers
            .iter()
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        signed_headers.sort();
        signed_headers.dedup();
        let scope = CredentialScope {
            date: format_amz_date(now)[..8].to_owned(),
            region: self.region.to_owned(),
            service: self.service.to_owned(),
        };
        let creq = canonical_request(req, &signed_headers, &sha256_hex(req.body));
        let to_sign = string_to_sign(&format_amz_date(now), &scope, &creq);
        let signature = Signature::compute(&signing_key(self.secret, &scope), &to_sign);
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
            self.access_key_id,
            scope.to_scope_string(),
            signed_headers.join(";"),
            signature.to_hex()
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn what_it_signs_the_verifier_accepts_and_a_changed_body_it_refuses() {
        let now = time::macros::datetime!(2026-12-03 10:00:00 UTC);
        let secret = SecretKey::new("test");
        let signer = Signer {
            access_key_id: "test",
            secret: &secret,
            region: "us-east-1",
            service: "lockbox",
        };
        let date = format_amz_date(now);
        let unsigned: Vec<(&str, &[u8])> = vec![
            ("Host", b"127.0.0.1:4566"),
            ("X-Amz-Date", date.as_bytes()),
            ("Content-Type", b"application/json"),
        ];
        let body = br#"{"advance":"1d"}"#;
        let req = Request {
            method: "POST",
            path: "/_lockbox/clock",
            query: "",
            headers: &unsigned,
            body,
        };
        let authorization = signer.authorization(&req, now);
        let mut headers = unsigned.clone();
        headers.push(("Authorization", authorization.as_bytes()));
        let signed = Request {
            headers: &headers,
            ..req
        };
        let parsed = crate::sigv4::authenticate_request(&signed, "lockbox", now).unwrap();
        assert_eq!(parsed.scope.service, "lockbox");
        crate::sigv4::verify_signature(&signed, &parsed, &secret).unwrap();
        let tampered = Request {
            body: br#"{"advance":"9d"}"#,
            ..signed
        };
        assert!(crate::sigv4::verify_signature(&tampered, &parsed, &secret).is_err());
    }
}
