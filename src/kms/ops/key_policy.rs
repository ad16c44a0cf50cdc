//! GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. Every key has exactly one policy, named
//! `default`; it is stored and returned byte for byte (evaluation comes with IAM).
//!
//! Decisions [I], pinned in tests: another policy name is `NotFoundException "No such policy
//! exists"` (moto, LocalStack); a policy that is not a JSON object with a `Statement` is
//! `MalformedPolicyDocumentException` with no message (what real KMS sent for a non-JSON
//! policy [O]); a statement without a principal is the text real KMS sends for bad principals;
//! over the 32 KB quota is `LimitExceededException`. The lockout safety check needs policy
//! evaluation and is not done yet. AWS managed keys refuse PutKeyPolicy (AccessDenied).

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::{KmsCaller, KmsError, LocalKms};
use super::{gone, read_key, refuse_aws_managed, validate_key_id, with_key};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};
use crate::kms::paging;

/// The only key policy name.
const DEFAULT: &str = "default";
/// The key policy size quota, in bytes.
const MAX_POLICY_BYTES: usize = 32_768;

/// GetKeyPolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyPolicyInput {
    key_id: Option<String>,
    policy_name: Option<String>,
}

/// GetKeyPolicy output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetKeyPolicyOutput {
    policy: String,
    policy_name: &'static str,
}

/// PutKeyPolicy input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutKeyPolicyInput {
    key_id: Option<String>,
    policy_name: Option<String>,
    policy: Option<String>,
    #[allow(dead_code)]
    bypass_policy_lockout_safety_check: Option<bool>,
}

/// ListKeyPolicies input.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyPoliciesInput {
    key_id: Option<String>,
    limit: Option<i64>,
    marker: Option<String>,
}

/// ListKeyPolicies output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListKeyPoliciesOutput {
    policy_names: [&'static str; 1],
    truncated: bool,
}

/// Adds the model's `PolicyType` constraints (1-131072, `[\u0009\u000A\u000D\u0020-\u00FF]+`).
pub(crate) fn validate_policy(v: &mut Validator, policy: Option<&str>) {
    v.length("Policy", policy, 1, 131_072, Echo::Value);
    v.pattern(
        "Policy",
        policy,
        "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
        |p| {
            p.chars()
                .all(|c| matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{FF}').contains(&c))
        },
    );
}

/// KMS's checks of a key policy document beyond the model (see the module doc).
pub(crate) fn check_policy(policy: &str) -> Result<(), KmsError> {
    if policy.len() > MAX_POLICY_BYTES {
        return Err(KmsError::LimitExceeded(format!(
            "The key policy exceeds the maximum size of {MAX_POLICY_BYTES} bytes."
        )));
    }
    let malformed = || KmsError::MalformedPolicyDocument(String::new());
    let document: serde_json::Value = serde_json::from_str(policy).map_err(|_| malformed())?;
    let statements = match document.get("Statement") {
        Some(serde_json::Value::Array(list)) if !list.is_empty() => list.iter().collect(),
        Some(one @ serde_json::Value::Object(_)) => vec![one],
        _ => return Err(malformed()),
    };
    for statement in statements {
        let has_principal = statement.get("Principal").is_some_and(|p| !p.is_null())
            || statement.get("NotPrincipal").is_some_and(|p| !p.is_null());
        if !has_principal {
            return Err(KmsError::MalformedPolicyDocument(
                "Policy contains a statement with one or more invalid principals.".into(),
            ));
        }
    }
    Ok(())
}

fn validate_policy_name(v: &mut Validator, name: Option<&str>) {
    v.length("PolicyName", name, 1, 128, Echo::Value);
    v.pattern("PolicyName", name, "[\\w]+", |n| {
        n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
}

fn check_policy_name(name: Option<&str>) -> Result<(), KmsError> {
    match name {
        None | Some(DEFAULT) => Ok(()),
        Some(_) => Err(KmsError::NotFound("No such policy exists".into())),
    }
}

/// Serves GetKeyPolicy (every key state, AWS managed keys included).
pub fn get_key_policy(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GetKeyPolicyInput,
) -> Result<GetKeyPolicyOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    validate_policy_name(&mut v, input.policy_name.as_deref());
    v.finish()?;
    let caller = KmsCaller::from(ctx);
    let ring = kms.ring(caller);
    let key_id = input.key_id.as_deref().unwrap_or_default();
    let id = kms.resolve(caller, &ring, key_id, Accepts::KeyOnly)?;
    let keys = ring.keys.read();
    let key = keys.get(&id).ok_or_else(|| gone(caller, &id))?;
    check_policy_name(input.policy_name.as_deref())?;
    Ok(GetKeyPolicyOutput {
        policy: key.policy.clone(),
        policy_name: DEFAULT,
    })
}

/// Serves PutKeyPolicy (every key state).
pub fn put_key_policy(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: PutKeyPolicyInput,
) -> Result<(), KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    validate_policy_name(&mut v, input.policy_name.as_deref());
    v.required("Policy", input.policy.as_ref());
    validate_policy(&mut v, input.policy.as_deref());
    v.finish()?;
    let policy = input.policy.unwrap_or_default();
    with_key(
        kms,
        ctx,
        input.key_id.as_deref().unwrap_or_default(),
        |key| {
            refuse_aws_managed(ctx, key, "PutKeyPolicy")?;
            check_policy_name(input.policy_name.as_deref())?;
            check_policy(&policy)?;
            key.policy = policy;
            Ok(())
        },
    )
}

/// Serves ListKeyPolicies: always `["default"]` on one page (a marker is checked against the
/// model and otherwise ignored: no page ever follows, and the operation declares no
/// `InvalidMarkerException`).
pub fn list_key_policies(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListKeyPoliciesInput,
) -> Result<ListKeyPoliciesOutput, KmsError> {
    let mut v = Validator::new();
    validate_key_id(&mut v, input.key_id.as_ref());
    paging::validate(&mut v, input.limit, input.marker.as_deref());
    v.finish()?;
    let key_id = input.key_id.as_deref().unwrap_or_default();
    read_key(kms, ctx, key_id, Accepts::KeyOnly, |_| Ok(()))?;
    Ok(ListKeyPoliciesOutput {
        policy_names: [DEFAULT],
        truncated: false,
    })
}
