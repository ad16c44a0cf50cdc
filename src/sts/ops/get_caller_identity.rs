//! `GetCallerIdentity`: the account, ARN and unique id of whoever signed the request. Needs no
//! permission; temporary credentials from `GetSessionToken` answer as the user (or root) they
//! were issued to, those from `AssumeRole` as the role session.

use serde::{Deserialize, Serialize};

use crate::api::RequestCtx;
use crate::sts::{Sts, StsError};

/// `GetCallerIdentity` takes no members.
#[derive(Debug, Deserialize)]
pub struct GetCallerIdentityInput {}

/// `UserId`, `Account`, `Arn`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCallerIdentityOutput {
    user_id: String,
    account: String,
    arn: String,
}

/// Answers who the caller is.
pub fn get_caller_identity(
    _sts: &Sts,
    ctx: &RequestCtx,
    _input: GetCallerIdentityInput,
) -> Result<GetCallerIdentityOutput, StsError> {
    Ok(GetCallerIdentityOutput {
        user_id: ctx.principal.user_id.clone(),
        account: ctx.principal.account_id.clone(),
        arn: ctx.principal.arn.clone(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::Principal;
    use crate::sts::ops::test_support::{ctx_as, sts_with};

    #[test]
    fn answers_with_the_principal() {
        let (sts, _) = sts_with(Vec::new());
        let user = Principal::from_arn(
            "111122223333",
            "arn:aws:iam::111122223333:user/ops/alice",
            "AKIAALICE",
        );
        let output =
            get_caller_identity(&sts, &ctx_as(user.clone()), GetCallerIdentityInput {}).unwrap();
        assert_eq!(output.arn, "arn:aws:iam::111122223333:user/ops/alice");
        assert_eq!(output.account, "111122223333");
        assert_eq!(output.user_id, user.user_id);
        let root = get_caller_identity(
            &sts,
            &ctx_as(Principal::root("000000000000", "test")),
            GetCallerIdentityInput {},
        )
        .unwrap();
        assert_eq!(root.user_id, "000000000000");
        assert_eq!(root.arn, "arn:aws:iam::000000000000:root");
    }
}
