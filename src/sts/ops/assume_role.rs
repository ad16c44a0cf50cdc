//! `AssumeRole`: temporary credentials acting as a role session.
//!
//! Order: the model's constraints on every member; the role (from the identity directory);
//! MFA when a serial number is given; the role's trust policy, judged with the caller's
//! identity policies for `sts:AssumeRole` on the role's ARN like a key policy (the trust policy
//! must allow the caller itself, or name the caller's account, which then needs an identity
//! policy allowing it), and for `sts:TagSession` / `sts:SetSourceIdentity` too when tags or a
//! source identity are passed. A role that does not exist is refused with the same
//! `AccessDenied` as one that does not trust the caller, so nothing is learnt about other
//! accounts' roles. Then the duration against the role's `MaxSessionDuration` (and one hour
//! when temporary credentials assume a role, "role chaining"), and the session policy. The
//! session's ARN omits the role's path, as AWS writes it.

use serde::{Deserialize, Serialize};
use time::Duration;

use crate::api::validate::{Echo, Validator};
use crate::api::{Principal, PrincipalKind, RequestCtx, SessionFacts};
use crate::iam_policy::{self, Decision, RequestContext, ResourcePolicyKind};
use crate::identity::RoleFacts;
use crate::sts::model::{CredentialsOutput, iso8601};
use crate::sts::{Sts, StsError};

use super::mfa;

/// The default lifetime, 1 hour; also the most a role session may ask when chaining.
pub(super) const DEFAULT_SECONDS: i64 = 3_600;
/// The model's bounds on `DurationSeconds`.
pub(super) const MIN_SECONDS: i64 = 900;
pub(super) const MAX_SECONDS: i64 = 43_200;
/// The longest plain-text session policy.
pub(super) const MAX_POLICY_CHARS: usize = 2_048;
/// The packed space session policies, policy ARNs and tags share, in bytes (Lockbox's own
/// measure: AWS compresses and does not publish its limit).
const PACKED_SPACE: usize = 4_096;
/// At most this many managed session policies.
pub(super) const MAX_POLICY_ARNS: usize = 10;
/// The actions a trust policy grants.
const ASSUME_ROLE: &str = "sts:AssumeRole";
const TAG_SESSION: &str = "sts:TagSession";
const SET_SOURCE_IDENTITY: &str = "sts:SetSourceIdentity";

/// `AssumeRole` input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleInput {
    role_arn: String,
    role_session_name: String,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    policy: Option<String>,
    duration_seconds: Option<i64>,
    tags: Option<Vec<Tag>>,
    transitive_tag_keys: Option<Vec<String>>,
    external_id: Option<String>,
    serial_number: Option<String>,
    token_code: Option<String>,
    source_identity: Option<String>,
}

/// A managed policy passed as a session policy (`PolicyArns.member.N.arn`).
#[derive(Debug, Deserialize)]
pub struct PolicyDescriptor {
    pub(super) arn: Option<String>,
}

/// A session tag.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    key: String,
    value: String,
}

/// `AssumeRole` output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleOutput {
    credentials: CredentialsOutput,
    assumed_role_user: AssumedRoleUser,
    packed_policy_size: Option<usize>,
    source_identity: Option<String>,
}

/// Who the session is.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumedRoleUser {
    pub(super) assumed_role_id: String,
    pub(super) arn: String,
}

/// Issues credentials for a session of the role.
pub fn assume_role(
    sts: &Sts,
    ctx: &RequestCtx,
    input: AssumeRoleInput,
) -> Result<AssumeRoleOutput, StsError> {
    validate(&input)?;
    let caller = &ctx.principal;
    if caller.is_root() {
        // AWS's text for a root caller, seen in public reports of real answers.
        return Err(StsError::AccessDenied(
            "Roles may not be assumed by root accounts.".into(),
        ));
    }
    let mfa_authenticated_at = caller
        .session
        .as_ref()
        .and_then(|session| session.mfa_authenticated_at);
    let denied_for = |action: &str| {
        StsError::AccessDenied(format!(
            "User: {} is not authorized to perform: {action} on resource: {}",
            caller.arn, input.role_arn
        ))
    };
    let denied = || denied_for(ASSUME_ROLE);
    let role = sts.directory.role(&input.role_arn).ok_or_else(denied)?;
    let mfa_now = mfa::authenticate(
        sts.directory.as_ref(),
        caller,
        input.serial_number.as_deref(),
        input.token_code.as_deref(),
        ctx.now,
    )?;
    let mfa_authenticated_at = mfa_now.or(mfa_authenticated_at);
    // Passing session tags or a source identity needs the trust policy's permission too.
    let has_tags = input.tags.as_ref().is_some_and(|tags| !tags.is_empty());
    let actions = [
        (ASSUME_ROLE, true),
        (TAG_SESSION, has_tags),
        (SET_SOURCE_IDENTITY, input.source_identity.is_some()),
    ];
    for (action, needed) in actions {
        if needed && !trusts(sts, &role, ctx, &input, action, mfa_authenticated_at) {
            return Err(denied_for(action));
        }
    }
    let seconds = input.duration_seconds.unwrap_or(DEFAULT_SECONDS);
    if seconds > i64::from(role.max_session_duration) {
        // Seen in public reports of real responses.
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .into(),
        ));
    }
    if caller.session.is_some() && seconds > DEFAULT_SECONDS {
        // Any temporary credentials count: public reports show the same refusal for
        // credentials from GetSessionToken. AWS's text, seen in public reports.
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into(),
        ));
    }
    if let Some(policy) = &input.policy {
        iam_policy::parse(policy).map_err(|error| {
            tracing::info!(?error, "session policy refused");
            StsError::MalformedPolicyDocument("The policy is not in the valid JSON format.".into())
        })?;
    }
    let packed_policy_size = packed_size(&input)?;

    let session_name = input.role_session_name.clone();
    let arn = format!(
        "arn:aws:sts::{}:assumed-role/{}/{session_name}",
        role.account_id, role.name
    );
    let assumed_role_id = format!("{}:{session_name}", role.role_id);
    let session = Principal {
        account_id: role.account_id.clone(),
        arn: arn.clone(),
        access_key_id: String::new(),
        kind: PrincipalKind::AssumedRole {
            role_arn: role.arn.clone(),
            session_name,
        },
        user_id: assumed_role_id.clone(),
        session: Some(Box::new(SessionFacts {
            expires_at: ctx.now + Duration::seconds(seconds),
            mfa_authenticated_at,
            session_policy: input.policy.clone(),
            session_policy_arns: input
                .policy_arns
                .iter()
                .flatten()
                .filter_map(|descriptor| descriptor.arn.clone())
                .collect(),
            tags: input
                .tags
                .iter()
                .flatten()
                .map(|tag| (tag.key.clone(), tag.value.clone()))
                .collect(),
        })),
    };
    let issued = sts.sessions.issue(session, ctx.now);
    Ok(AssumeRoleOutput {
        credentials: issued.into(),
        assumed_role_user: AssumedRoleUser {
            assumed_role_id,
            arn,
        },
        packed_policy_size,
        source_identity: input.source_identity,
    })
}

/// The model's constraints, every violation reported at once.
fn validate(input: &AssumeRoleInput) -> Result<(), StsError> {
    let mut validator = Validator::new();
    validator.length("RoleArn", Some(&input.role_arn), 20, 2048, Echo::Value);
    validator.length(
        "RoleSessionName",
        Some(&input.role_session_name),
        2,
        64,
        Echo::Value,
    );
    validator.pattern(
        "RoleSessionName",
        Some(&input.role_session_name),
        r"[\w+=,.@-]*",
        |value| is_word_or(value, "+=,.@-"),
    );
    validator.range(
        "DurationSeconds",
        input.duration_seconds,
        MIN_SECONDS,
        MAX_SECONDS,
    );
    validator.length(
        "ExternalId",
        input.external_id.as_deref(),
        2,
        1224,
        Echo::Value,
    );
    validator.pattern(
        "ExternalId",
        input.external_id.as_deref(),
        r"[\w+=,.@:\/-]*",
        |value| is_word_or(value, "+=,.@:/-"),
    );
    validator.length(
        "SourceIdentity",
        input.source_identity.as_deref(),
        2,
        64,
        Echo::Value,
    );
    validator.pattern(
        "SourceIdentity",
        input.source_identity.as_deref(),
        r"[\w+=,.@-]*",
        |value| is_word_or(value, "+=,.@-"),
    );
    validator.length(
        "Policy",
        input.policy.as_deref(),
        1,
        MAX_POLICY_CHARS,
        Echo::Redact,
    );
    validator.list_length(
        "PolicyArns",
        input.policy_arns.as_deref(),
        0,
        MAX_POLICY_ARNS,
    );
    for (index, descriptor) in input.policy_arns.iter().flatten().enumerate() {
        validator.length(
            &format!("PolicyArns.{}.member.arn", index + 1),
            descriptor.arn.as_deref(),
            20,
            2048,
            Echo::Value,
        );
    }
    validator.list_length("Tags", input.tags.as_deref(), 0, 50);
    for (index, tag) in input.tags.iter().flatten().enumerate() {
        let at = index + 1;
        validator.length(
            &format!("Tags.{at}.member.Key"),
            Some(&tag.key),
            1,
            128,
            Echo::Value,
        );
        validator.length(
            &format!("Tags.{at}.member.Value"),
            Some(&tag.value),
            0,
            256,
            Echo::Value,
        );
    }
    validator.list_length(
        "TransitiveTagKeys",
        input.transitive_tag_keys.as_deref(),
        0,
        50,
    );
    mfa::validate(
        &mut validator,
        input.serial_number.as_deref(),
        input.token_code.as_deref(),
    );
    validator.finish().map_err(StsError::from)
}

/// True when every character is a word character (`[A-Za-z0-9_]`) or one of `extra`.
pub(super) fn is_word_or(value: &str, extra: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
}

/// True when the role's trust policy (with the caller's identity policies) lets the caller do
/// `action` (`sts:AssumeRole`, `sts:TagSession`, `sts:SetSourceIdentity`) on the role. The
/// request's tags are `aws:RequestTag/<key>` and `aws:TagKeys`; MFA (`aws:MultiFactorAuthPresent`,
/// `aws:MultiFactorAuthAge`) counts a code given now or one the caller's session was minted
/// with; times are the virtual clock's.
fn trusts(
    sts: &Sts,
    role: &RoleFacts,
    ctx: &RequestCtx,
    input: &AssumeRoleInput,
    action: &str,
    mfa_at: Option<time::OffsetDateTime>,
) -> bool {
    let caller = &ctx.principal;
    let trust = match trust_document(&role.trust_policy) {
        Ok(trust) => trust,
        Err(error) => {
            tracing::warn!(role = %role.arn, ?error, "the role's trust policy does not parse; nobody may assume it");
            return false;
        }
    };
    let current_time = iso8601(ctx.now);
    let epoch_time = ctx.now.unix_timestamp().to_string();
    let mfa_age = mfa_at.map(|at| (ctx.now - at).whole_seconds().max(0).to_string());
    let principal_type = match caller.kind {
        PrincipalKind::Root => "Account",
        PrincipalKind::User { .. } => "User",
        PrincipalKind::AssumedRole { .. } => "AssumedRole",
    };
    let mut keys: Vec<(&str, &str)> = vec![
        ("aws:PrincipalArn", caller.arn.as_str()),
        ("aws:PrincipalAccount", caller.account_id.as_str()),
        ("aws:PrincipalType", principal_type),
        ("aws:userid", caller.user_id.as_str()),
        (
            "aws:MultiFactorAuthPresent",
            if mfa_at.is_some() { "true" } else { "false" },
        ),
        ("aws:CurrentTime", current_time.as_str()),
        ("aws:EpochTime", epoch_time.as_str()),
        ("sts:RoleSessionName", input.role_session_name.as_str()),
    ];
    if let Some(age) = &mfa_age {
        keys.push(("aws:MultiFactorAuthAge", age));
    }
    if let Some(external_id) = &input.external_id {
        keys.push(("sts:ExternalId", external_id));
    }
    if let Some(source_identity) = &input.source_identity {
        keys.push(("sts:SourceIdentity", source_identity));
    }
    let tag_keys: Vec<(String, &str)> = input
        .tags
        .iter()
        .flatten()
        .map(|tag| (format!("aws:RequestTag/{}", tag.key), tag.value.as_str()))
        .collect();
    keys.extend(tag_keys.iter().map(|(key, value)| (key.as_str(), *value)));
    keys.extend(
        input
            .tags
            .iter()
            .flatten()
            .map(|tag| ("aws:TagKeys", tag.key.as_str())),
    );
    let request = RequestContext {
        principal_arn: &caller.arn,
        principal_account: &caller.account_id,
        action,
        resource: &role.arn,
        resource_account: &role.account_id,
        condition_keys: &keys,
        session_policies: None,
    };
    let identity = sts.directory.identity_policies(caller);
    let decision = iam_policy::evaluate(
        &identity,
        Some(&trust),
        ResourcePolicyKind::KmsKeyPolicy,
        &request,
    );
    matches!(decision, Decision::Allow(_))
}

/// Parses a trust policy. Its statements name no `Resource` (they are about the role itself),
/// which the shared parser requires, so each such statement is read as `"Resource": "*"`.
pub(super) fn trust_document(
    text: &str,
) -> Result<iam_policy::PolicyDocument, iam_policy::ParseError> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| iam_policy::ParseError::NotJson)?;
    let statements = match value.get_mut("Statement") {
        Some(serde_json::Value::Array(items)) => items.iter_mut().collect::<Vec<_>>(),
        Some(single) => vec![single],
        None => Vec::new(),
    };
    for statement in statements {
        if let Some(object) = statement.as_object_mut() {
            if !object.contains_key("Resource") && !object.contains_key("NotResource") {
                object.insert("Resource".into(), serde_json::Value::String("*".into()));
            }
        }
    }
    iam_policy::parse(&value.to_string())
}

/// `PackedPolicySize`: the percentage of the packed space the session policy, policy ARNs and
/// tags take; `None` when none was given. Over 100% is refused.
fn packed_size(input: &AssumeRoleInput) -> Result<Option<usize>, StsError> {
    let given = input.policy.is_some()
        || input
            .policy_arns
            .as_ref()
            .is_some_and(|arns| !arns.is_empty())
        || input.tags.as_ref().is_some_and(|tags| !tags.is_empty());
    if !given {
        return Ok(None);
    }
    let arn_bytes: usize = input
        .policy_arns
        .iter()
        .flatten()
        .filter_map(|descriptor| descriptor.arn.as_deref())
        .map(str::len)
        .sum();
    let tag_bytes: usize = input
        .tags
        .iter()
        .flatten()
        .map(|tag| tag.key.len() + tag.value.len() + 2)
        .sum();
    packed_percent(input.policy.as_deref(), arn_bytes + tag_bytes).map(Some)
}

/// The percentage of the packed space a session policy (whitespace aside) and `other_bytes`
/// (policy ARNs, tags) take, at least 1; over 100% is refused.
pub(super) fn packed_percent(policy: Option<&str>, other_bytes: usize) -> Result<usize, StsError> {
    let policy_bytes = policy.map_or(0, |policy| {
        policy.chars().filter(|c| !c.is_whitespace()).count()
    });
    let used = policy_bytes + other_bytes;
    let percent = (used * 100).div_ceil(PACKED_SPACE).max(1);
    if percent > 100 {
        return Err(StsError::PackedPolicyTooLarge(format!(
            "Packed policy consumes {percent}% of allotted space, please use smaller policy."
        )));
    }
    Ok(percent)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::CommonError;
    use crate::iam_policy::NamedPolicy;
    use crate::sts::ops::test_support::{FakeDirectory, NOW, alice, ctx_as, sts_over};

    const ROLE_ARN: &str = "arn:aws:iam::111122223333:role/team/deployer";

    fn role(trust: &str, max: u32) -> RoleFacts {
        RoleFacts {
            arn: ROLE_ARN.into(),
            name: "deployer".into(),
            role_id: "AROAEXAMPLEROLEID0001".into(),
            account_id: "111122223333".into(),
            trust_policy: trust.into(),
            max_session_duration: max,
        }
    }

    fn trusting(principal: &str) -> String {
        trusting_for(principal, r#""sts:AssumeRole""#)
    }

    fn trusting_for(principal: &str, actions: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":{actions}}}]}}"#
        )
    }

    fn input(session: &str) -> AssumeRoleInput {
        AssumeRoleInput {
            role_arn: ROLE_ARN.into(),
            role_session_name: session.into(),
            policy_arns: None,
            policy: None,
            duration_seconds: None,
            tags: None,
            transitive_tag_keys: None,
            external_id: None,
            serial_number: None,
            token_code: None,
            source_identity: None,
        }
    }

    fn directory(trust: &str) -> FakeDirectory {
        FakeDirectory {
            roles: vec![role(trust, 7200)],
            policies: Vec::new(),
        }
    }

    #[test]
    fn a_trusted_user_gets_a_role_session_without_the_role_path() {
        let (sts, sessions) = sts_over(directory(&trusting(&alice().arn)));
        let output = assume_role(&sts, &ctx_as(alice()), input("deploy")).unwrap();
        assert_eq!(
            output.assumed_role_user.arn,
            "arn:aws:sts::111122223333:assumed-role/deployer/deploy"
        );
        assert_eq!(
            output.assumed_role_user.assumed_role_id,
            "AROAEXAMPLEROLEID0001:deploy"
        );
        assert_eq!(output.packed_policy_size, None);
        assert_eq!(output.credentials.expiration, "2026-01-01T13:00:00Z");
        let (_, session) = sessions
            .judge(
                &output.credentials.access_key_id,
                Some(&output.credentials.session_token),
                NOW,
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            session.kind,
            PrincipalKind::AssumedRole {
                role_arn: ROLE_ARN.into(),
                session_name: "deploy".into()
            }
        );
        assert_eq!(session.user_id, "AROAEXAMPLEROLEID0001:deploy");
    }

    #[test]
    fn untrusted_callers_and_missing_roles_get_the_same_denial() {
        let (sts, _) = sts_over(directory(&trusting("arn:aws:iam::111122223333:user/bob")));
        let expected = StsError::AccessDenied(format!(
            "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: {ROLE_ARN}"
        ));
        assert_eq!(
            assume_role(&sts, &ctx_as(alice()), input("deploy")).unwrap_err(),
            expected
        );
        let (empty, _) = sts_over(FakeDirectory::default());
        assert_eq!(
            assume_role(&empty, &ctx_as(alice()), input("deploy")).unwrap_err(),
            expected
        );
    }

    #[test]
    fn an_account_trust_needs_an_identity_policy_too() {
        let mut dir = directory(&trusting("arn:aws:iam::111122223333:root"));
        let (sts, _) = sts_over(FakeDirectory {
            roles: dir.roles.clone(),
            policies: Vec::new(),
        });
        assert!(matches!(
            assume_role(&sts, &ctx_as(alice()), input("deploy")),
            Err(StsError::AccessDenied(_))
        ));
        let allow = iam_policy::parse(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{ROLE_ARN}"}}]}}"#
        ))
        .unwrap();
        dir.policies.push((
            alice().arn,
            NamedPolicy {
                name: "assume".into(),
                document: allow,
            },
        ));
        let (sts, _) = sts_over(dir);
        assert!(assume_role(&sts, &ctx_as(alice()), input("deploy")).is_ok());
    }

    #[test]
    fn durations_follow_the_role_and_chaining_limits() {
        let (sts, _) = sts_over(directory(&trusting(&alice().arn)));
        let too_long = AssumeRoleInput {
            duration_seconds: Some(7201),
            ..input("deploy")
        };
        assert_eq!(
            assume_role(&sts, &ctx_as(alice()), too_long).unwrap_err(),
            StsError::Validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                    .into()
            )
        );
        let two_hours = AssumeRoleInput {
            duration_seconds: Some(7200),
            ..input("deploy")
        };
        let first = assume_role(&sts, &ctx_as(alice()), two_hours).unwrap();
        assert_eq!(first.credentials.expiration, "2026-01-01T14:00:00Z");

        // A role session the trust policy names asks for the role again.
        let session_arn = "arn:aws:sts::111122223333:assumed-role/deployer/deploy";
        let (chaining, _) = sts_over(directory(&trusting(session_arn)));
        let chained_caller = Principal {
            session: Some(Box::new(SessionFacts {
                expires_at: NOW + Duration::hours(1),
                mfa_authenticated_at: None,
                session_policy: None,
                session_policy_arns: Vec::new(),
                tags: Vec::new(),
            })),
            ..Principal::from_arn("111122223333", session_arn, "ASIAEXAMPLE")
        };
        let chained = |seconds| AssumeRoleInput {
            duration_seconds: Some(seconds),
            ..input("again")
        };
        assert_eq!(
            assume_role(&chaining, &ctx_as(chained_caller.clone()), chained(7200)).unwrap_err(),
            StsError::Validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into()
            )
        );
        assert!(assume_role(&chaining, &ctx_as(chained_caller), chained(3600)).is_ok());
    }

    #[test]
    fn constraints_are_reported_together() {
        let (sts, _) = sts_over(directory(&trusting(&alice().arn)));
        let bad = AssumeRoleInput {
            role_session_name: "a b".into(),
            duration_seconds: Some(60),
            external_id: Some("x".into()),
            ..input("x")
        };
        let Err(StsError::Common(CommonError::Validation(message))) =
            assume_role(&sts, &ctx_as(alice()), bad)
        else {
            panic!("expected a validation error");
        };
        assert!(
            message.starts_with("3 validation errors detected: "),
            "{message}"
        );
        assert!(message.contains("'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"), "{message}");
        assert!(message.contains("at 'durationSeconds'"), "{message}");
        assert!(message.contains("at 'externalId'"), "{message}");
    }

    #[test]
    fn an_mfa_condition_in_the_trust_policy_needs_a_valid_code() {
        let trust = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"sts:AssumeRole","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]}}"#,
            alice().arn
        );
        let (sts, _) = sts_over(directory(&trust));
        assert!(matches!(
            assume_role(&sts, &ctx_as(alice()), input("deploy")),
            Err(StsError::AccessDenied(_))
        ));
        let with_code = |code: &str| AssumeRoleInput {
            serial_number: Some("arn:aws:iam::111122223333:mfa/alice".into()),
            token_code: Some(code.into()),
            ..input("deploy")
        };
        assert_eq!(
            assume_role(&sts, &ctx_as(alice()), with_code("000000")).unwrap_err(),
            StsError::AccessDenied(mfa::WRONG_CODE.into())
        );
        assert!(assume_role(&sts, &ctx_as(alice()), with_code("123456")).is_ok());
    }

    #[test]
    fn tags_and_a_source_identity_need_their_own_trust() {
        let (sts, _) = sts_over(directory(&trusting(&alice().arn)));
        let tagged = || AssumeRoleInput {
            tags: Some(vec![Tag {
                key: "team".into(),
                value: "ci".into(),
            }]),
            ..input("deploy")
        };
        assert_eq!(
            assume_role(&sts, &ctx_as(alice()), tagged()).unwrap_err(),
            StsError::AccessDenied(format!(
                "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:TagSession on resource: {ROLE_ARN}"
            ))
        );
        let sourced = AssumeRoleInput {
            source_identity: Some("alice".into()),
            ..input("deploy")
        };
        assert!(matches!(
            assume_role(&sts, &ctx_as(alice()), sourced),
            Err(StsError::AccessDenied(m)) if m.contains("sts:SetSourceIdentity")
        ));
        let (tagging, _) = sts_over(directory(&trusting_for(
            &alice().arn,
            r#"["sts:AssumeRole","sts:TagSession"]"#,
        )));
        assert!(assume_role(&tagging, &ctx_as(alice()), tagged()).is_ok());
    }

    #[test]
    fn session_policies_are_parsed_and_sized() {
        let (sts, sessions) = sts_over(directory(&trusting_for(
            &alice().arn,
            r#"["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]"#,
        )));
        let with_policy = AssumeRoleInput {
            policy: Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
                    .into(),
            ),
            tags: Some(vec![Tag {
                key: "team".into(),
                value: "ci".into(),
            }]),
            source_identity: Some("alice".into()),
            ..input("deploy")
        };
        let output = assume_role(&sts, &ctx_as(alice()), with_policy).unwrap();
        assert!(matches!(output.packed_policy_size, Some(1..=10)));
        assert_eq!(output.source_identity.as_deref(), Some("alice"));
        let (_, session) = sessions
            .judge(
                &output.credentials.access_key_id,
                Some(&output.credentials.session_token),
                NOW,
            )
            .unwrap()
            .unwrap();
        let facts = session.session.unwrap();
        assert!(facts.session_policy.is_some());
        assert_eq!(facts.tags, vec![("team".to_owned(), "ci".to_owned())]);
        let malformed = AssumeRoleInput {
            policy: Some("{not json".into()),
            ..input("deploy")
        };
        assert!(matches!(
            assume_role(&sts, &ctx_as(alice()), malformed),
            Err(StsError::MalformedPolicyDocument(_))
        ));
        let many_tags = AssumeRoleInput {
            tags: Some(
                (0..50)
                    .map(|n| Tag {
                        key: format!("{n:0>100}"),
                        value: "v".repeat(256),
                    })
                    .collect(),
            ),
            ..input("deploy")
        };
        assert!(matches!(
            assume_role(&sts, &ctx_as(alice()), many_tags),
            Err(StsError::PackedPolicyTooLarge(_))
        ));
    }

    #[test]
    fn root_may_not_assume_roles() {
        let (sts, _) = sts_over(directory(&trusting("arn:aws:iam::111122223333:root")));
        assert!(matches!(
            assume_role(
                &sts,
                &ctx_as(Principal::root("111122223333", "111122223333")),
                input("deploy")
            ),
            Err(StsError::AccessDenied(_))
        ));
    }
}
