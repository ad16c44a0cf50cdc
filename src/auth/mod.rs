//! Who is calling: SigV4 verification (via the pure [`crate::sigv4`] module) against the
//! credential registry, producing a [`Principal`] and the region of the credential scope.
//!
//! Order, as AWS does it: parse and pin the signature's scope and date (no secret needed),
//! then look the access key up (`UnrecognizedClientException`), then judge the session token
//! (temporary `ASIA` keys from STS in [`sessions`]: the token issued with the key, not expired
//! at the virtual now; a long-term key with a token is refused, `session.rs`), then recompute
//! the signature in constant time. `--auth off` checks no signature, date or token, but reads the
//! credential with verification's parser and refuses what that parser refuses (a repeated or
//! malformed `Authorization` header, a malformed region), so nothing malformed reaches state. When a request is refused the log says why in plain words — with our
//! canonical request and string to sign for signature mismatches — but never the secret key,
//! the signing key or the expected signature. The log line is bounded in size and the values of
//! `authorization`, `x-amz-security-token` and any header named like a token, secret or password
//! are redacted.

mod credentials;
mod session;
pub mod sessions;
#[cfg(test)]
mod temporary_tests;

pub use credentials::Credentials;
pub use sessions::{SessionRegistry, TemporaryCredentials};

use std::sync::Arc;

use time::OffsetDateTime;

use crate::api::Principal;
use crate::api::error::CommonError;
use crate::clock::{Clock as _, VirtualClock};
use crate::config::AuthMode;
use crate::sigv4::{self, ErrorKind};

/// The region used when a request carries no credential scope at all (`--auth off` only).
const FALLBACK_REGION: &str = "us-east-1";

/// Authenticates requests according to the configured [`AuthMode`].
#[derive(Debug)]
pub struct Authenticator {
    mode: AuthMode,
    credentials: Credentials,
    sessions: Arc<SessionRegistry>,
    clock: Arc<VirtualClock>,
}

/// The outcome of a successful authentication.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The caller.
    pub principal: Principal,
    /// Region from the credential scope.
    pub region: String,
}

impl Authenticator {
    /// An authenticator over a credential registry, with no temporary credentials (an empty
    /// session registry of its own, on a clock of its own).
    pub fn new(mode: AuthMode, credentials: Credentials) -> Self {
        Self::with_sessions(
            mode,
            credentials,
            Arc::new(SessionRegistry::new()),
            Arc::new(VirtualClock::new()),
        )
    }

    /// An authenticator that also accepts the temporary credentials in `sessions`, judging
    /// their expiry on `clock` (the application's virtual clock).
    pub fn with_sessions(
        mode: AuthMode,
        credentials: Credentials,
        sessions: Arc<SessionRegistry>,
        clock: Arc<VirtualClock>,
    ) -> Self {
        Authenticator {
            mode,
            credentials,
            sessions,
            clock,
        }
    }

    /// The configured mode.
    pub fn mode(&self) -> AuthMode {
        self.mode
    }

    /// Verifies `request` for a service whose signing name is `service`; `real_now` is wall time.
    pub fn authenticate(
        &self,
        request: &sigv4::Request<'_>,
        service: &str,
        real_now: OffsetDateTime,
    ) -> Result<Authenticated, CommonError> {
        match self.mode {
            AuthMode::Verify => self.verify(request, service, real_now),
            AuthMode::Off => self.trust(request),
        }
    }

    fn verify(
        &self,
        request: &sigv4::Request<'_>,
        service: &str,
        real_now: OffsetDateTime,
    ) -> Result<Authenticated, CommonError> {
        let parsed = sigv4::authenticate_request(request, service, real_now).map_err(refused)?;
        let token = parsed.security_token.as_deref();
        if let Some(judged) = self
            .sessions
            .judge(&parsed.access_key_id, token, self.clock.now())
        {
            let (secret, principal) = judged?;
            sigv4::verify_signature(request, &parsed, &secret).map_err(refused)?;
            return Ok(Authenticated {
                principal,
                region: parsed.scope.region.clone(),
            });
        }
        let Some((secret, principal)) = self.credentials.lookup(&parsed.access_key_id) else {
            tracing::warn!(
                access_key_id = %parsed.access_key_id,
                "request refused: unknown access key id; use access key `test` (secret `test`), a 12-digit account id as the key (secret `test`), declare the key in the config file, or create an active one with IAM CreateAccessKey"
            );
            return Err(CommonError::UnrecognizedClient);
        };
        session::check_session_token(parsed.security_token.as_deref(), &parsed.access_key_id)?;
        sigv4::verify_signature(request, &parsed, &secret).map_err(refused)?;
        Ok(Authenticated {
            principal,
            region: parsed.scope.region.clone(),
        })
    }

    /// Verifies `request` whatever the mode: for the admin surface, which checks every credential
    /// it needs even under `--auth off`.
    pub fn verify_always(
        &self,
        request: &sigv4::Request<'_>,
        service: &str,
        real_now: OffsetDateTime,
    ) -> Result<Authenticated, CommonError> {
        self.verify(request, service, real_now)
    }

    /// Who signs with `access_key_id`: a session key STS issued (whether or not it expired), a
    /// configured or built-in key, or an active key IAM created. For `lockbox explain`, which
    /// names callers by key.
    pub fn principal_of_key(&self, access_key_id: &str) -> Option<Principal> {
        self.sessions
            .principal(access_key_id)
            .or_else(|| self.credentials.lookup(access_key_id).map(|(_, p)| p))
    }

    /// True when `principal` is the root user of the default account: the owner of the
    /// instance, whose key may use the admin endpoints.
    pub fn is_instance_owner(&self, principal: &Principal) -> bool {
        principal.account_id == self.credentials.default_account()
            && principal.arn == credentials::root_arn(self.credentials.default_account())
    }

    /// `--auth off`: read account and region from the credential without verifying it; a
    /// request without one acts as the default account in [`FALLBACK_REGION`].
    fn trust(&self, request: &sigv4::Request<'_>) -> Result<Authenticated, CommonError> {
        let claimed = sigv4::claimed_credential(request).map_err(refused)?;
        let (key, region) = claimed.as_ref().map_or(("test", FALLBACK_REGION), |claim| {
            (claim.access_key_id.as_str(), claim.region.as_str())
        });
        let principal = self
            .sessions
            .principal(key)
            .or_else(|| self.credentials.lookup(key).map(|(_, principal)| principal))
            .unwrap_or_else(|| self.credentials.default_principal(key));
        Ok(Authenticated {
            principal,
            region: region.to_owned(),
        })
    }
}

/// The most bytes of a refusal reason (the client's message) a log line shows.
const MAX_LOGGED_REASON: usize = 1024;
/// The most bytes of a refusal detail a log line shows (the canonical request inside is already
/// cut to [`sigv4::MAX_LOGGED_CANONICAL_REQUEST`]).
const MAX_LOGGED_DETAIL: usize = 8192;

/// What a refusal logs: the reason and, for signature mismatches, our side of the computation;
/// both bounded in size, credential values in the canonical request redacted by
/// [`sigv4`].
#[derive(Debug, Clone, PartialEq, Eq)]
struct RefusalLog {
    reason: String,
    detail: Option<String>,
}

/// Builds the log text of a refusal (pure, so its bounds and redaction are testable).
fn refusal_log(error: &sigv4::Error) -> RefusalLog {
    RefusalLog {
        reason: sigv4::truncate_for_log(error.message(), MAX_LOGGED_REASON),
        detail: error
            .detail()
            .map(|detail| sigv4::truncate_for_log(detail, MAX_LOGGED_DETAIL)),
    }
}

/// Logs why a signature was refused and maps it to the wire error AWS sends.
fn refused(error: sigv4::Error) -> CommonError {
    let log = refusal_log(&error);
    match &log.detail {
        Some(detail) => {
            tracing::warn!(reason = %log.reason, "request refused: bad signature. Our side of the computation:\n{detail}");
        }
        None => tracing::warn!(reason = %log.reason, "request refused"),
    }
    let message = error.message().to_owned();
    match error.kind() {
        ErrorKind::MissingAuthenticationToken => CommonError::MissingAuthenticationToken,
        ErrorKind::IncompleteSignature => CommonError::IncompleteSignature(message),
        _ => CommonError::InvalidSignature(message),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const NOW: OffsetDateTime = time::macros::datetime!(2025-11-06 13:26:08 UTC);
    const TOKEN: &str = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE";

    #[test]
    fn refusal_log_is_bounded_and_redacts_credentials() {
        let big = "b".repeat(100_000);
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=test/20251106/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token;x-db-password;x-big, Signature={}",
            "0".repeat(64)
        );
        let headers: Vec<(&str, &[u8])> = vec![
            ("Host", b"localhost"),
            ("X-Amz-Date", b"20251106T132608Z"),
            ("X-Amz-Security-Token", TOKEN.as_bytes()),
            ("X-Big", big.as_bytes()),
            ("X-Db-Password", b"hunter2hunter2"),
            ("Authorization", auth.as_bytes()),
        ];
        let req = sigv4::Request {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"{}",
        };
        let parsed = sigv4::authenticate_request(&req, "secretsmanager", NOW).unwrap();
        let error =
            sigv4::verify_signature(&req, &parsed, &sigv4::SecretKey::new("test")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidSignature);
        let log = refusal_log(&error);
        let detail = log.detail.unwrap();
        assert!(
            detail.len() < sigv4::MAX_LOGGED_CANONICAL_REQUEST + 512,
            "{}",
            detail.len()
        );
        assert!(detail.contains("bytes more)"));
        // The sensitive headers come before x-big in the canonical request, so they are shown,
        // with their values redacted.
        assert!(
            detail.contains("x-amz-security-token:**redacted**\n"),
            "{detail}"
        );
        assert!(detail.contains("x-db-password:**redacted**\n"), "{detail}");
        assert!(!detail.contains(TOKEN) && !detail.contains("hunter2"));
        assert!(detail.contains("The string to sign was\n'AWS4-HMAC-SHA256\n20251106T132608Z\n"));
        assert!(log.reason.len() <= MAX_LOGGED_REASON);
    }

    #[test]
    fn refusal_log_cuts_long_reasons_and_details() {
        let error = sigv4::Error::signature_mismatch().with_detail("d".repeat(50_000));
        let log = refusal_log(&error);
        assert!(
            log.detail
                .unwrap()
                .ends_with(&format!("… ({} bytes more)", 50_000 - MAX_LOGGED_DETAIL))
        );
    }
}
