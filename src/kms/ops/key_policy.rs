//! GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. Every key has exactly one policy, named
//! `default`; it is stored and returned byte for byte (evaluation comes with IAM).
//!
//! Choices where AWS's answer is not documented, pinned in tests: another policy name is
//! `NotFoundException "No such policy exists"` (as moto and LocalStack answer); a policy that
//! is not a JSON object with a `Statement` is `MalformedPolicyDocumentException` with no
//! message (what real KMS was seen sending for a non-JSON policy); a statement without a
//! principal is the text real KMS sends for bad principals; over the 32 KB quota is
//! `LimitExceededException`. Unless `BypassPolicyLockoutSafetyCheck` is set, a policy that
//! would not let the caller call PutKeyPolicy again is refused (the lockout safety check,
//! [`check_lockout`]). AWS managed keys refuse PutKeyPolicy (AccessDenied).

use serde::{Deserialize, Serialize};

use super::super::local::Accepts;
use super::super::paging::{self, Listing, PageRequest};
use super::super::{KmsError, LocalKms};
use super::input::{finish, validate_key_id};
use super::key_op::{AwsManaged, KeyRule, KeyStates, read_key, write_key};
use crate::api::access::{AccessRequest, ResourcePolicy};
use crate::api::ctx::RequestCtx;
use crate::api::validate::{Echo, Validator};

/// What PutKeyPolicy requires of the key (any state).
const PUT_POLICY: KeyRule = KeyRule::new(
    Accepts::KeyOnly,
    KeyStates::Any,
    AwsManaged::Refused("kms:PutKeyPolicy"),
);

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
    policy_names: Vec<&'static str>,
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
    // The key policy must be one the evaluator judges: the same parser reads identity,
    // resource and key policies.
    crate::iam_policy::parse(policy).map_err(|_| malformed())?;
    Ok(())
}

/// KMS's answer when a key policy would lock the caller out of the key.
const LOCKOUT: &str =
    "The new key policy will not allow you to update the key policy in the future.";

/// The lockout safety check of PutKeyPolicy and CreateKey (skipped when the caller sets
/// `BypassPolicyLockoutSafetyCheck`): the new `policy` of the key `key_arn` (owned by
/// `account`) must let the caller call PutKeyPolicy on it later, or the policy is refused as
/// `MalformedPolicyDocumentException`. With authorization off nothing is ever locked out.
pub(crate) fn check_lockout(
    ctx: &RequestCtx,
    key_arn: &str,
    account: &str,
    policy: &str,
    bypass: bool,
) -> Result<(), KmsError> {
    if bypass {
        return Ok(());
    }
    let request = AccessRequest {
        action: "kms:PutKeyPolicy".to_owned(),
        resource: key_arn,
        resource_account: account,
        shown_resource: key_arn,
        policy: ResourcePolicy::Key(policy),
        resource_keys: Vec::new(),
        granted_by: None,
    };
    ctx.authorize(&request)
        .map_err(|_| KmsError::MalformedPolicyDocument(LOCKOUT.to_owned()))
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

impl GetKeyPolicyInput {
    /// The key and the policy name, if given.
    fn validate(self) -> Result<(String, Option<String>), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        validate_policy_name(&mut v, self.policy_name.as_deref());
        Ok((finish(v, self.key_id)?, self.policy_name))
    }
}

impl PutKeyPolicyInput {
    /// The key, the policy name if given, and the policy.
    fn validate(self) -> Result<(String, Option<String>, String), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        validate_policy_name(&mut v, self.policy_name.as_deref());
        v.required("Policy", self.policy.as_ref());
        validate_policy(&mut v, self.policy.as_deref());
        let (key_id, policy) = finish(v, (self.key_id, self.policy))?;
        Ok((key_id, self.policy_name, policy))
    }
}

impl ListKeyPoliciesInput {
    /// The key and the page asked for.
    fn validate(self) -> Result<(String, PageRequest), KmsError> {
        let mut v = Validator::new();
        validate_key_id(&mut v, self.key_id.as_ref());
        let request = paging::validate(&mut v, Listing::KeyPolicies, self.limit, self.marker);
        Ok((finish(v, self.key_id)?, request))
    }
}

/// Serves GetKeyPolicy (every key state, AWS managed keys included).
pub fn get_key_policy(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: GetKeyPolicyInput,
) -> Result<GetKeyPolicyOutput, KmsError> {
    let (key_id, policy_name) = input.validate()?;
    read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |key| {
        check_policy_name(policy_name.as_deref())?;
        Ok(GetKeyPolicyOutput {
            policy: key.policy.clone(),
            policy_name: DEFAULT,
        })
    })
}

/// Serves PutKeyPolicy (every key state).
pub fn put_key_policy(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: PutKeyPolicyInput,
) -> Result<(), KmsError> {
    let bypass = input.bypass_policy_lockout_safety_check == Some(true);
    let (key_id, policy_name, policy) = input.validate()?;
    write_key(kms, ctx, &key_id, PUT_POLICY, |key| {
        check_policy_name(policy_name.as_deref())?;
        check_policy(&policy)?;
        check_lockout(ctx, &key.arn, &key.account, &policy, bypass)?;
        key.policy = policy;
        Ok(())
    })
}

/// Serves ListKeyPolicies: always `["default"]` on one page. A marker is checked against the
/// model and otherwise ignored (no page ever follows, and the operation declares no
/// `InvalidMarkerException`).
pub fn list_key_policies(
    kms: &LocalKms,
    ctx: &RequestCtx,
    input: ListKeyPoliciesInput,
) -> Result<ListKeyPoliciesOutput, KmsError> {
    let (key_id, request) = input.validate()?;
    read_key(kms, ctx, &key_id, KeyRule::ANY_KEY, |_| Ok(()))?;
    let first_page = PageRequest {
        marker: None,
        ..request
    };
    let page = paging::page(
        Listing::KeyPolicies,
        vec![DEFAULT],
        |name| *name,
        &first_page,
    )?;
    Ok(ListKeyPoliciesOutput {
        policy_names: page.items,
        truncated: page.truncated,
    })
}
