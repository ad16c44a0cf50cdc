//! `GetSessionToken`: temporary credentials acting as the caller (an IAM user or root), with
//! the MFA time recorded when a valid code is given.
//!
//! `DurationSeconds` is 900..=129600 (default 43200); a root caller gets at most an hour,
//! silently. Temporary credentials cannot ask for more temporary credentials this way.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::api::validate::Validator;
use crate::api::{Principal, RequestCtx, SessionFacts};
use crate::sts::model::CredentialsOutput;
use crate::sts::{Sts, StsError};

use super::mfa;

/// The default lifetime, 12 hours.
const DEFAULT_SECONDS: i64 = 43_200;
/// The longest lifetime for an IAM user, 36 hours.
const MAX_SECONDS: i64 = 129_600;
/// The shortest lifetime, 15 minutes.
const MIN_SECONDS: i64 = 900;
/// The longest lifetime for the root user, 1 hour.
const ROOT_MAX_SECONDS: i64 = 3_600;

/// `GetSessionToken` input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSessionTokenInput {
    duration_seconds: Option<i64>,
    serial_number: Option<String>,
    token_code: Option<String>,
}

/// `GetSessionToken` output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSessionTokenOutput {
    credentials: CredentialsOutput,
}

/// Issues temporary credentials for the caller.
pub fn get_session_token(
    sts: &Sts,
    ctx: &RequestCtx,
    input: GetSessionTokenInput,
) -> Result<GetSessionTokenOutput, StsError> {
    let mut validator = Validator::new();
    validator.range(
        "DurationSeconds",
        input.duration_seconds,
        MIN_SECONDS,
        MAX_SECONDS,
    );
    mfa::validate(
        &mut validator,
        input.serial_number.as_deref(),
        input.token_code.as_deref(),
    );
    validator.finish()?;
    if ctx.principal.session.is_some() {
        // AWS's text, seen in public reports of real answers.
        return Err(StsError::AccessDenied(
            "Cannot call GetSessionToken with session credentials".into(),
        ));
    }
    let mfa_authenticated_at = mfa::authenticate(
        sts.directory.as_ref(),
        &ctx.principal,
        input.serial_number.as_deref(),
        input.token_code.as_deref(),
        ctx.now,
    )?;
    let mut seconds = input.duration_seconds.unwrap_or(DEFAULT_SECONDS);
    if ctx.principal.is_root() {
        seconds = seconds.min(ROOT_MAX_SECONDS);
    }
    let session = Principal {
        session: Some(Box::new(SessionFacts {
            expires_at: ctx.now + Duration::seconds(seconds),
            mfa_authenticated_at,
            session_policy: None,
            session_policy_arns: Vec::new(),
            tags: Vec::new(),
        })),
        ..ctx.principal.clone()
    };
    let issued = sts.sessions.issue(session, ctx.now);
    Ok(GetSessionTokenOutput {
        credentials: issued.into(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::CommonError;
    use crate::sts::ops::test_support::{NOW, alice, ctx_as, sts_with};

    fn input(seconds: Option<i64>) -> GetSessionTokenInput {
        GetSessionTokenInput {
            duration_seconds: seconds,
            serial_number: None,
            token_code: None,
        }
    }

    fn expiry_of(output: &GetSessionTokenOutput) -> String {
        output.credentials.expiration.clone()
    }

    #[test]
    fn durations_default_to_twelve_hours_and_root_gets_one_at_most() {
        let (sts, _) = sts_with(Vec::new());
        let user = get_session_token(&sts, &ctx_as(alice()), input(None)).unwrap();
        assert_eq!(expiry_of(&user), "2026-01-02T00:00:00Z");
        let root = Principal::root("111122223333", "111122223333");
        let root_output = get_session_token(&sts, &ctx_as(root), input(Some(7200))).unwrap();
        assert_eq!(expiry_of(&root_output), "2026-01-01T13:00:00Z");
        for bad in [899, 129_601] {
            let error = get_session_token(&sts, &ctx_as(alice()), input(Some(bad))).unwrap_err();
            assert!(
                matches!(&error, StsError::Common(CommonError::Validation(m)) if m.contains("durationSeconds")),
                "{error:?}"
            );
        }
    }

    #[test]
    fn the_session_acts_as_the_caller_and_cannot_mint_more() {
        let (sts, sessions) = sts_with(Vec::new());
        let output = get_session_token(&sts, &ctx_as(alice()), input(Some(900))).unwrap();
        let (_, principal) = sessions
            .judge(
                &output.credentials.access_key_id,
                Some(&output.credentials.session_token),
                NOW,
            )
            .unwrap()
            .unwrap();
        assert_eq!(principal.arn, alice().arn);
        assert_eq!(principal.user_id, alice().user_id);
        let error = get_session_token(&sts, &ctx_as(principal), input(None)).unwrap_err();
        assert!(matches!(error, StsError::AccessDenied(_)), "{error:?}");
    }

    #[test]
    fn mfa_codes_are_judged_by_the_directory() {
        let (sts, sessions) = sts_with(Vec::new());
        let with_code = |code: &str| GetSessionTokenInput {
            duration_seconds: None,
            serial_number: Some("arn:aws:iam::111122223333:mfa/alice".into()),
            token_code: Some(code.into()),
        };
        let output = get_session_token(&sts, &ctx_as(alice()), with_code("123456")).unwrap();
        let (_, principal) = sessions
            .judge(
                &output.credentials.access_key_id,
                Some(&output.credentials.session_token),
                NOW,
            )
            .unwrap()
            .unwrap();
        assert_eq!(principal.session.unwrap().mfa_authenticated_at, Some(NOW));
        assert_eq!(
            get_session_token(&sts, &ctx_as(alice()), with_code("000000")).unwrap_err(),
            StsError::AccessDenied(mfa::WRONG_CODE.into())
        );
        let stranger = GetSessionTokenInput {
            serial_number: Some("arn:aws:iam::111122223333:mfa/bob".into()),
            ..with_code("123456")
        };
        assert_eq!(
            get_session_token(&sts, &ctx_as(alice()), stranger).unwrap_err(),
            StsError::AccessDenied(mfa::UNKNOWN_DEVICE.into())
        );
    }
}
