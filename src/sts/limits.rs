//! What temporary credentials may not do, whatever the policies say.
//!
//! Credentials from `GetSessionToken` cannot call IAM unless the session was minted with an MFA
//! code; AWS then answers as if the token were unknown (`InvalidClientTokenId`, "The security
//! token included in the request is invalid", seen in public reports). Role sessions and
//! long-term keys are not limited here. (Within STS, `GetSessionToken` refuses any session
//! credentials itself.)

use crate::api::{Principal, PrincipalKind};

/// True when `principal` may call IAM at all: a long-term key, a role session, or a
/// `GetSessionToken` session minted with MFA.
pub fn may_call_iam(principal: &Principal) -> bool {
    match (&principal.session, &principal.kind) {
        (None, _) | (Some(_), PrincipalKind::AssumedRole { .. }) => true,
        (Some(session), _) => session.mfa_authenticated_at.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::with_test_session;

    #[test]
    fn only_session_token_credentials_without_mfa_are_kept_from_iam() {
        let user = Principal::from_arn("111122223333", "arn:aws:iam::111122223333:user/a", "AKIA");
        let role = Principal::from_arn(
            "111122223333",
            "arn:aws:sts::111122223333:assumed-role/r/s",
            "ASIA",
        );
        assert!(may_call_iam(&user));
        assert!(!may_call_iam(&with_test_session(user.clone(), false)));
        assert!(may_call_iam(&with_test_session(user, true)));
        assert!(may_call_iam(&with_test_session(role, false)));
        assert!(!may_call_iam(&with_test_session(
            Principal::root("111122223333", "111122223333"),
            false
        )));
    }
}
