//! The VPC endpoint policy: a request that came through an interface endpoint with a policy
//! must also be allowed by it. It reads like a resource policy with a `Principal` (`"*"`, or
//! the caller, or the caller's account for the account root), evaluated on its own: a matching
//! Deny refuses the call whatever else allows it, and without a matching Allow the call is
//! refused even when the caller's own policies allow it. Calls a service makes for the caller
//! (Secrets Manager calling KMS) do not go through the endpoint and are not judged by it.

use crate::iam_policy::{
    self, Decision, PolicyDocument, RequestContext, ResourcePolicyKind, StatementRef,
};

/// What the endpoint policy says about one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointVerdict {
    /// A statement allows it and none denies it.
    Allowed,
    /// This Deny statement matches.
    ExplicitDeny(StatementRef),
    /// No statement allows it.
    NotAllowed,
}

/// Judges `request` against the endpoint `policy`.
pub fn judge(policy: &PolicyDocument, request: &RequestContext<'_>) -> EndpointVerdict {
    // The endpoint belongs to the caller's side: no identity policy, session policy or
    // cross-account rule takes part, only the endpoint policy's own statements. Judged as a
    // key policy so that an account principal covers that account's root alone.
    let on_its_own = RequestContext {
        resource_account: request.principal_account,
        session_policies: None,
        ..*request
    };
    match iam_policy::evaluate(
        &[],
        Some(policy),
        ResourcePolicyKind::KmsKeyPolicy,
        &on_its_own,
    ) {
        Decision::Allow(_) => EndpointVerdict::Allowed,
        Decision::ExplicitDeny(found) => EndpointVerdict::ExplicitDeny(found),
        Decision::ImplicitDeny(_) => EndpointVerdict::NotAllowed,
    }
}

/// How an endpoint policy statement is named in logs.
pub fn describe(found: &StatementRef) -> String {
    match &found.sid {
        Some(sid) => format!(
            "VPC endpoint policy statement {} (Sid \"{sid}\")",
            found.index
        ),
        None => format!("VPC endpoint policy statement {}", found.index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALLER: &str = "arn:aws:iam::111111111111:user/app";

    fn verdict(policy: &str, action: &str, keys: &[(&str, &str)]) -> EndpointVerdict {
        let policy = iam_policy::parse(policy).unwrap();
        let request = RequestContext {
            principal_arn: CALLER,
            principal_account: "111111111111",
            action,
            resource: "arn:aws:secretsmanager:us-east-1:222222222222:secret:db-AbCdEf",
            resource_account: "222222222222",
            condition_keys: keys,
            session_policies: None,
        };
        judge(&policy, &request)
    }

    const ONLY_READ: &str = r#"{"Statement":[{"Effect":"Allow","Principal":"*",
        "Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;

    #[test]
    fn an_allow_for_any_principal_allows_only_its_actions() {
        assert_eq!(
            verdict(ONLY_READ, "secretsmanager:GetSecretValue", &[]),
            EndpointVerdict::Allowed
        );
        assert_eq!(
            verdict(ONLY_READ, "secretsmanager:PutSecretValue", &[]),
            EndpointVerdict::NotAllowed
        );
    }

    #[test]
    fn a_deny_wins_over_an_allow() {
        let policy = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
            {"Sid":"NoDeletes","Effect":"Deny","Principal":"*","Action":"secretsmanager:DeleteSecret","Resource":"*"}]}"#;
        let EndpointVerdict::ExplicitDeny(found) =
            verdict(policy, "secretsmanager:DeleteSecret", &[])
        else {
            panic!("the Deny statement should decide");
        };
        assert_eq!(found.index, 1);
        assert_eq!(
            describe(&found),
            "VPC endpoint policy statement 1 (Sid \"NoDeletes\")"
        );
        assert_eq!(
            verdict(policy, "secretsmanager:GetSecretValue", &[]),
            EndpointVerdict::Allowed
        );
    }

    #[test]
    fn statements_for_other_principals_or_unmet_conditions_do_not_allow() {
        let other = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/other"},
            "Action":"*","Resource":"*"}]}"#;
        assert_eq!(
            verdict(other, "secretsmanager:GetSecretValue", &[]),
            EndpointVerdict::NotAllowed
        );
        let tagged = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:PrincipalTag/team":"db"}}}]}"#;
        assert_eq!(
            verdict(tagged, "secretsmanager:GetSecretValue", &[]),
            EndpointVerdict::NotAllowed
        );
        assert_eq!(
            verdict(
                tagged,
                "secretsmanager:GetSecretValue",
                &[("aws:PrincipalTag/team", "db")]
            ),
            EndpointVerdict::Allowed
        );
    }
}
