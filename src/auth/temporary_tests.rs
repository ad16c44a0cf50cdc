//! Requests signed with temporary credentials, end to end through the authenticator: the
//! session's secret and token, the check order (key, token, expiry, signature) and the virtual
//! clock.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use time::OffsetDateTime;

use super::*;
use crate::api::SessionFacts;
use crate::config::Config;
use crate::sigv4::{SecretKey, Signer, format_amz_date};

struct Fixture {
    auth: Authenticator,
    clock: Arc<VirtualClock>,
    issued: TemporaryCredentials,
}

fn fixture() -> Fixture {
    let sessions = Arc::new(SessionRegistry::new());
    let clock = Arc::new(VirtualClock::new());
    let now = clock.now();
    let user = Principal::from_arn(
        "111122223333",
        "arn:aws:iam::111122223333:user/alice",
        "AKIA",
    );
    let issued = sessions.issue(
        Principal {
            session: Some(Box::new(SessionFacts {
                expires_at: now + time::Duration::minutes(15),
                mfa_authenticated_at: None,
                session_policy: None,
                session_policy_arns: Vec::new(),
                tags: Vec::new(),
            })),
            ..user
        },
        now,
    );
    let auth = Authenticator::with_sessions(
        AuthMode::Verify,
        Credentials::from_config(&Config::default()),
        sessions,
        Arc::clone(&clock),
    );
    Fixture {
        auth,
        clock,
        issued,
    }
}

/// Authenticates a GetCallerIdentity request signed now with `key`/`secret` and `token`.
fn call(
    auth: &Authenticator,
    key: &str,
    secret: &str,
    token: Option<&str>,
) -> Result<Authenticated, CommonError> {
    let now = OffsetDateTime::now_utc();
    let date = format_amz_date(now);
    let mut headers: Vec<(&str, &[u8])> =
        vec![("host", b"localhost"), ("x-amz-date", date.as_bytes())];
    if let Some(token) = token {
        headers.push(("x-amz-security-token", token.as_bytes()));
    }
    let body = b"Action=GetCallerIdentity&Version=2011-06-15";
    let secret = SecretKey::new(secret);
    let authorization = Signer {
        access_key_id: key,
        secret: &secret,
        region: "us-east-1",
        service: "sts",
    }
    .authorization(
        &sigv4::Request {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body,
        },
        now,
    );
    headers.push(("authorization", authorization.as_bytes()));
    let signed = sigv4::Request {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body,
    };
    auth.authenticate(&signed, "sts", now)
}

#[test]
fn a_session_signs_with_its_secret_and_token_and_acts_as_its_principal() {
    let Fixture { auth, issued, .. } = fixture();
    let key = issued.access_key_id.as_str();
    let secret = issued.secret_access_key.expose().as_str();
    let token = issued.session_token.expose().as_str();
    let caller = call(&auth, key, secret, Some(token)).unwrap();
    assert_eq!(caller.principal.arn, "arn:aws:iam::111122223333:user/alice");
    assert_eq!(caller.principal.access_key_id, key);
    assert!(caller.principal.session.is_some());

    assert_eq!(
        call(&auth, key, secret, None).unwrap_err(),
        CommonError::UnrecognizedClient
    );
    assert_eq!(
        call(&auth, key, secret, Some("LBXsforged")).unwrap_err(),
        CommonError::UnrecognizedClient
    );
    assert!(matches!(
        call(&auth, key, "wrong-secret", Some(token)).unwrap_err(),
        CommonError::InvalidSignature(_)
    ));
}

#[test]
fn expiry_follows_the_virtual_clock_and_is_judged_before_the_signature() {
    let Fixture {
        auth,
        clock,
        issued,
    } = fixture();
    let key = issued.access_key_id.as_str();
    let secret = issued.secret_access_key.expose().as_str();
    let token = issued.session_token.expose().as_str();
    clock.advance(time::Duration::minutes(15));
    assert_eq!(
        call(&auth, key, secret, Some(token)).unwrap_err(),
        CommonError::ExpiredToken
    );
    assert_eq!(
        call(&auth, key, "wrong-secret", Some(token)).unwrap_err(),
        CommonError::ExpiredToken
    );
}

#[test]
fn a_long_term_key_with_a_token_is_still_refused() {
    let Fixture { auth, issued, .. } = fixture();
    assert!(call(&auth, "test", "test", None).is_ok());
    assert_eq!(
        call(&auth, "test", "test", Some(issued.session_token.expose())).unwrap_err(),
        CommonError::UnrecognizedClient
    );
}

#[test]
fn auth_off_still_knows_who_a_session_is() {
    let sessions = Arc::new(SessionRegistry::new());
    let clock = Arc::new(VirtualClock::new());
    let principal = Principal::from_arn(
        "111122223333",
        "arn:aws:sts::111122223333:assumed-role/app/s1",
        "",
    );
    let again = sessions.issue(
        Principal {
            session: Some(Box::new(SessionFacts {
                expires_at: clock.now() + time::Duration::hours(1),
                mfa_authenticated_at: None,
                session_policy: None,
                session_policy_arns: Vec::new(),
                tags: Vec::new(),
            })),
            ..principal
        },
        clock.now(),
    );
    let trusting = Authenticator::with_sessions(
        AuthMode::Off,
        Credentials::from_config(&Config::default()),
        sessions,
        clock,
    );
    let caller = call(&trusting, &again.access_key_id, "anything", None).unwrap();
    assert_eq!(
        caller.principal.arn,
        "arn:aws:sts::111122223333:assumed-role/app/s1"
    );
}
