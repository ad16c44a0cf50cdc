//! A fake identity directory and request contexts for the STS handler tests (IAM itself is
//! not needed to judge STS's rules).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::api::{Principal, RequestCtx};
use crate::auth::SessionRegistry;
use crate::iam_policy::NamedPolicy;
use crate::identity::{AccessKeyLookup, IdentityDirectory, MfaVerdict, RoleFacts};
use crate::sts::Sts;

/// The virtual now of every test context.
pub const NOW: OffsetDateTime = time::macros::datetime!(2026-01-01 12:00 UTC);

/// Roles by ARN, identity policies by caller ARN, and one MFA device (`mfa/alice`, code
/// `123456`) belonging to alice.
#[derive(Debug, Default)]
pub struct FakeDirectory {
    pub roles: Vec<RoleFacts>,
    pub policies: Vec<(String, NamedPolicy)>,
}

impl IdentityDirectory for FakeDirectory {
    fn access_key(&self, _: &str) -> Option<AccessKeyLookup> {
        None
    }

    fn identity_policies(&self, principal: &Principal) -> Vec<NamedPolicy> {
        self.policies
            .iter()
            .filter(|(arn, _)| *arn == principal.arn)
            .map(|(_, policy)| policy.clone())
            .collect()
    }

    fn principal_tags(&self, _: &Principal) -> Vec<(String, String)> {
        Vec::new()
    }

    fn role(&self, role_arn: &str) -> Option<RoleFacts> {
        self.roles.iter().find(|role| role.arn == role_arn).cloned()
    }

    fn verify_mfa(
        &self,
        principal: &Principal,
        serial_number: &str,
        code: &str,
        _now: OffsetDateTime,
    ) -> MfaVerdict {
        if principal.arn != alice().arn || serial_number != "arn:aws:iam::111122223333:mfa/alice" {
            return MfaVerdict::UnknownDevice;
        }
        if code == "123456" {
            MfaVerdict::Valid
        } else {
            MfaVerdict::WrongCode
        }
    }
}

/// STS over a fake directory with `roles`, and its session registry.
pub fn sts_with(roles: Vec<RoleFacts>) -> (Sts, Arc<SessionRegistry>) {
    sts_over(FakeDirectory {
        roles,
        policies: Vec::new(),
    })
}

/// STS over `directory`, and its session registry.
pub fn sts_over(directory: FakeDirectory) -> (Sts, Arc<SessionRegistry>) {
    let sessions = Arc::new(SessionRegistry::new());
    (
        Sts::new(Arc::clone(&sessions), Arc::new(directory)),
        sessions,
    )
}

/// IAM user `alice` of account 111122223333.
pub fn alice() -> Principal {
    Principal::from_arn(
        "111122223333",
        "arn:aws:iam::111122223333:user/alice",
        "AKIAALICE",
    )
}

/// A request context acting as `principal` at [`NOW`].
pub fn ctx_as(principal: Principal) -> RequestCtx {
    RequestCtx {
        request_id: "request".into(),
        event_id: "event".into(),
        principal,
        region: "us-east-1".into(),
        now: NOW,
    }
}
