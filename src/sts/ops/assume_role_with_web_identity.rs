//! `AssumeRoleWithWebIdentity`: a role session for the holder of an OpenID Connect token
//! (a CI job's, a workload's), asked without AWS credentials (the request is unsigned).
//!
//! Order: the model's constraints; the role (from the identity directory); the provider, the
//! one declared in the role's account whose URL is the token's `iss`; the token's signature
//! with the provider's keys; its audience (one of the provider's client ids); its times on the
//! virtual clock (`exp`, `nbf`); its subject. Then the role's trust policy must allow
//! `sts:AssumeRoleWithWebIdentity` to the provider (`"Principal": {"Federated": <provider
//! ARN>}`), with the token's claims as the condition keys `<issuer host/path>:sub`, `:aud`
//! and `:amr`. Duration and session policy follow `AssumeRole`'s rules (no chaining here: the
//! caller holds no credentials).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Duration;

use crate::api::validate::{Echo, Validator};
use crate::api::{Principal, PrincipalKind, RequestCtx, SessionFacts};
use crate::config::OidcProvider;
use crate::crypto::Sensitive;
use crate::crypto::jwt::{self, JwtError};
use crate::iam_policy::{self, Decision, RequestContext, ResourcePolicyKind};
use crate::sts::model::{CredentialsOutput, iso8601};
use crate::sts::{Sts, StsError};

use super::assume_role::{
    AssumedRoleUser, DEFAULT_SECONDS, MAX_POLICY_ARNS, MAX_POLICY_CHARS, MAX_SECONDS, MIN_SECONDS,
    PolicyDescriptor, is_word_or, packed_percent, trust_document,
};

/// The action a trust policy grants to a provider.
const ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// `AssumeRoleWithWebIdentity` input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleWithWebIdentityInput {
    role_arn: String,
    role_session_name: String,
    /// A bearer credential: redacted in `Debug`.
    web_identity_token: Sensitive<String>,
    provider_id: Option<String>,
    policy_arns: Option<Vec<PolicyDescriptor>>,
    policy: Option<String>,
    duration_seconds: Option<i64>,
}

/// `AssumeRoleWithWebIdentity` output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleWithWebIdentityOutput {
    credentials: CredentialsOutput,
    subject_from_web_identity_token: String,
    assumed_role_user: AssumedRoleUser,
    packed_policy_size: Option<usize>,
    provider: String,
    audience: String,
}

/// What a verified token says.
struct Identity {
    subject: String,
    audience: String,
    amr: Vec<String>,
}

/// Issues credentials for a session of the role to the holder of a valid token.
pub fn assume_role_with_web_identity(
    sts: &Sts,
    ctx: &RequestCtx,
    input: AssumeRoleWithWebIdentityInput,
) -> Result<AssumeRoleWithWebIdentityOutput, StsError> {
    validate(&input)?;
    // AWS's text for a trust policy that does not allow the provider, seen in many public
    // reports (CI pipelines); it also stands for a role that does not exist.
    let denied = || StsError::AccessDenied(format!("Not authorized to perform {ACTION}"));
    let role = sts.directory.role(&input.role_arn).ok_or_else(denied)?;
    let token = input.web_identity_token.expose().as_str();
    let claims = jwt::peek_claims(token).map_err(|_| not_a_jwt())?;
    let issuer = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let provider = sts
        .oidc_providers
        .iter()
        .find(|provider| {
            provider.account_id == role.account_id
                && issuer
                    .strip_prefix("https://")
                    .map(|i| i.trim_end_matches('/'))
                    == Some(provider.host_path.as_str())
        })
        .ok_or_else(|| {
            // AWS's text, seen in public reports.
            StsError::InvalidIdentityToken(format!(
                "No OpenIDConnect provider found in your account for {issuer}"
            ))
        })?;
    let claims = jwt::verify(token, &provider.keys).map_err(|error| match error {
        JwtError::Malformed => not_a_jwt(),
        // Lockbox's words: AWS's text for a signature that does not verify is not known.
        JwtError::UnsupportedAlgorithm(_) | JwtError::BadSignature => {
            StsError::InvalidIdentityToken("The web identity token's signature is invalid.".into())
        }
    })?;
    let identity = judge_claims(&claims, provider, ctx.now)?;

    let host = provider.host_path.as_str();
    let sub_key = format!("{host}:sub");
    let aud_key = format!("{host}:aud");
    let amr_key = format!("{host}:amr");
    let current_time = iso8601(ctx.now);
    let epoch_time = ctx.now.unix_timestamp().to_string();
    let provider_arn = provider.arn();
    let mut keys: Vec<(&str, &str)> = vec![
        (sub_key.as_str(), identity.subject.as_str()),
        (aud_key.as_str(), identity.audience.as_str()),
        ("aws:FederatedProvider", provider_arn.as_str()),
        ("aws:CurrentTime", current_time.as_str()),
        ("aws:EpochTime", epoch_time.as_str()),
        ("sts:RoleSessionName", input.role_session_name.as_str()),
    ];
    keys.extend(
        identity
            .amr
            .iter()
            .map(|value| (amr_key.as_str(), value.as_str())),
    );
    let trust = trust_document(&role.trust_policy).map_err(|error| {
        tracing::warn!(role = %role.arn, ?error, "the role's trust policy does not parse; nobody may assume it");
        denied()
    })?;
    let request = RequestContext {
        principal_arn: &provider_arn,
        principal_account: &provider.account_id,
        action: ACTION,
        resource: &role.arn,
        resource_account: &role.account_id,
        condition_keys: &keys,
        session_policies: None,
    };
    let decision = iam_policy::evaluate(
        &[],
        Some(&trust),
        ResourcePolicyKind::KmsKeyPolicy,
        &request,
    );
    if !matches!(decision, Decision::Allow(_)) {
        return Err(denied());
    }

    let seconds = input.duration_seconds.unwrap_or(DEFAULT_SECONDS);
    if seconds > i64::from(role.max_session_duration) {
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .into(),
        ));
    }
    if let Some(policy) = &input.policy {
        iam_policy::parse(policy).map_err(|error| {
            tracing::info!(?error, "session policy refused");
            StsError::MalformedPolicyDocument("The policy is not in the valid JSON format.".into())
        })?;
    }
    let policy_arns: Vec<String> = input
        .policy_arns
        .iter()
        .flatten()
        .filter_map(|descriptor| descriptor.arn.clone())
        .collect();
    let packed_policy_size = if input.policy.is_some() || !policy_arns.is_empty() {
        let arn_bytes = policy_arns.iter().map(String::len).sum();
        Some(packed_percent(input.policy.as_deref(), arn_bytes)?)
    } else {
        None
    };

    let session_name = input.role_session_name;
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
            mfa_authenticated_at: None,
            session_policy: input.policy,
            session_policy_arns: policy_arns,
            tags: Vec::new(),
        })),
    };
    let issued = sts.sessions.issue(session, ctx.now);
    Ok(AssumeRoleWithWebIdentityOutput {
        credentials: issued.into(),
        subject_from_web_identity_token: identity.subject,
        assumed_role_user: AssumedRoleUser {
            assumed_role_id,
            arn,
        },
        packed_policy_size,
        provider: provider_arn,
        audience: identity.audience,
    })
}

/// AWS's text for a token that is not a JWT at all, seen in public reports.
fn not_a_jwt() -> StsError {
    StsError::InvalidIdentityToken(
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)"
            .into(),
    )
}

/// Checks the verified claims: audience, expiry, not-before, subject.
fn judge_claims(
    claims: &Map<String, Value>,
    provider: &OidcProvider,
    now: time::OffsetDateTime,
) -> Result<Identity, StsError> {
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let audience = audiences
        .into_iter()
        .find(|aud| provider.client_ids.iter().any(|id| id == aud))
        // AWS's text, seen in public reports.
        .ok_or_else(|| StsError::InvalidIdentityToken("Incorrect token audience".into()))?;
    let now_seconds = now.unix_timestamp();
    let expires = claims.get("exp").and_then(Value::as_i64).ok_or_else(|| {
        // Lockbox's words: AWS's text for a token without `exp` is not known.
        StsError::InvalidIdentityToken("The web identity token has no exp claim.".into())
    })?;
    if now_seconds >= expires {
        // The shape of AWS's text in public reports (its missing space included); unverified.
        return Err(StsError::ExpiredTokenException(format!(
            "Token expired: current date/time {now_seconds} must be before the expiration date/time{expires}"
        )));
    }
    if claims
        .get("nbf")
        .and_then(Value::as_i64)
        .is_some_and(|not_before| now_seconds < not_before)
    {
        // Lockbox's words; unverified.
        return Err(StsError::InvalidIdentityToken(
            "The web identity token is not valid yet (nbf).".into(),
        ));
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| !sub.is_empty() && sub.len() <= 255)
        .ok_or_else(|| {
            // Lockbox's words; unverified.
            StsError::InvalidIdentityToken("The web identity token has no valid sub claim.".into())
        })?;
    let amr = match claims.get("amr") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Identity {
        subject: subject.to_owned(),
        audience: audience.to_owned(),
        amr,
    })
}

/// The model's constraints, every violation reported at once.
fn validate(input: &AssumeRoleWithWebIdentityInput) -> Result<(), StsError> {
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
    validator.length(
        "WebIdentityToken",
        Some(input.web_identity_token.expose()),
        4,
        20_000,
        Echo::Redact,
    );
    validator.length(
        "ProviderId",
        input.provider_id.as_deref(),
        4,
        2048,
        Echo::Value,
    );
    validator.range(
        "DurationSeconds",
        input.duration_seconds,
        MIN_SECONDS,
        MAX_SECONDS,
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
    validator.finish().map_err(StsError::from)
}

#[cfg(test)]
#[path = "assume_role_with_web_identity_tests.rs"]
mod tests;
