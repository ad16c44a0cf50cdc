//! Resource policy documents: structural checks (PutResourcePolicy refuses what fails them
//! with MalformedPolicyDocumentException), the broad-access test behind BlockPublicPolicy,
//! and the findings ValidateResourcePolicy reports.
//!
//! A document is syntactically valid when it is a JSON object whose optional `Version` is
//! `2012-10-17` or `2008-10-17` and whose `Statement` (an object or a non-empty array) holds
//! statements with only IAM's keys, an `Effect` of `Allow`/`Deny`, exactly one of
//! `Principal`/`NotPrincipal` (this is a resource policy), exactly one of `Action`/`NotAction`
//! with `vendor:action` patterns, and a `Condition` that is an object of objects.
//! A statement grants broad ("public") access when it allows every AWS principal (`"*"`,
//! `{"AWS": "*"}`, or a `NotPrincipal`) without a condition pinning the caller's account,
//! organization, ARN or source, as the IAM Access Analyzer treats such policies.

use serde_json::{Map, Value};

use crate::iam_policy;

/// Check name of findings about the document's structure (decision: AWS's names unverified).
pub const SYNTAX_CHECK: &str = "SYNTAX_CHECK";
/// Check name of findings about broad access.
pub const PUBLIC_ACCESS_CHECK: &str = "PUBLIC_ACCESS_CHECK";
/// Check name of findings about Secrets Manager actions that do not exist.
pub const ACTION_CHECK: &str = "SECRETSMANAGER_ACTION_CHECK";

/// Every IAM action Secrets Manager defines.
pub const SECRETS_MANAGER_ACTIONS: [&str; 23] = [
    "BatchGetSecretValue",
    "CancelRotateSecret",
    "CreateSecret",
    "DeleteResourcePolicy",
    "DeleteSecret",
    "DescribeSecret",
    "GetRandomPassword",
    "GetResourcePolicy",
    "GetSecretValue",
    "ListSecretVersionIds",
    "ListSecrets",
    "PutResourcePolicy",
    "PutSecretValue",
    "RemoveRegionsFromReplication",
    "ReplicateSecretToRegions",
    "RestoreSecret",
    "RotateSecret",
    "StopReplicationToReplica",
    "TagResource",
    "UntagResource",
    "UpdateSecret",
    "UpdateSecretVersionStage",
    "ValidateResourcePolicy",
];

/// Condition keys that pin who (or from where) may call, so an `Allow` to `"*"` carrying one
/// of them is not public.
const RESTRICTING_KEYS: [&str; 13] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "aws:username",
];

const STATEMENT_KEYS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Which check found it.
    pub check: &'static str,
    /// What is wrong.
    pub message: String,
}

fn syntax(message: impl Into<String>) -> Finding {
    Finding {
        check: SYNTAX_CHECK,
        message: message.into(),
    }
}

/// A structurally valid policy document.
#[derive(Debug)]
pub struct Policy {
    version: Option<String>,
    statements: Vec<Map<String, Value>>,
}

/// Parses `document`, or returns the first structural problem.
pub fn parse(document: &str) -> Result<Policy, Finding> {
    let value: Value = serde_json::from_str(document)
        .map_err(|_| syntax("The policy document is not valid JSON."))?;
    let Value::Object(mut top) = value else {
        return Err(syntax("The policy document must be a JSON object."));
    };
    let version = match top.remove("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => Some(v),
        Some(_) => {
            return Err(syntax(
                "The policy Version must be \"2012-10-17\" or \"2008-10-17\".",
            ));
        }
    };
    let statements = match top.remove("Statement") {
        None => return Err(syntax("The policy document must contain a Statement.")),
        Some(Value::Object(statement)) => vec![statement],
        Some(Value::Array(items)) if !items.is_empty() => items
            .into_iter()
            .map(|item| match item {
                Value::Object(statement) => Ok(statement),
                _ => Err(syntax("Each policy statement must be a JSON object.")),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => {
            return Err(syntax(
                "The policy Statement must be an object or a non-empty array of objects.",
            ));
        }
    };
    if let Some(key) = top.keys().find(|key| key.as_str() != "Id") {
        return Err(syntax(format!(
            "The policy document has an unknown element: {key}."
        )));
    }
    for statement in &statements {
        check_statement(statement)?;
    }
    // What passed the structural checks must also be a document the evaluator judges (the one
    // parser of identity, resource and key policies), or it could not be enforced.
    iam_policy::parse(document).map_err(|error| syntax(evaluator_refusal(&error)))?;
    Ok(Policy {
        version,
        statements,
    })
}

/// The finding for a document the evaluator's parser refuses after the structural checks.
fn evaluator_refusal(error: &iam_policy::ParseError) -> String {
    match error {
        iam_policy::ParseError::ConditionNotSupported { .. } => {
            "A policy statement's Condition uses an unknown operator or an invalid value.".into()
        }
        _ => "The policy document is not valid.".into(),
    }
}

fn check_statement(statement: &Map<String, Value>) -> Result<(), Finding> {
    if let Some(key) = statement
        .keys()
        .find(|key| !STATEMENT_KEYS.contains(&key.as_str()))
    {
        return Err(syntax(format!(
            "A policy statement has an unknown element: {key}."
        )));
    }
    match statement.get("Effect") {
        Some(Value::String(effect)) if effect == "Allow" || effect == "Deny" => {}
        Some(_) => return Err(syntax("A policy statement's Effect must be Allow or Deny.")),
        None => return Err(syntax("A policy statement is missing its Effect.")),
    }
    let principal = one_of(statement, "Principal", "NotPrincipal")?
        .ok_or_else(|| syntax("A resource policy statement must name a Principal."))?;
    check_principal(principal)?;
    let actions = one_of(statement, "Action", "NotAction")?
        .ok_or_else(|| syntax("A policy statement must contain actions."))?;
    for action in strings(actions).ok_or_else(|| syntax("Actions must be strings."))? {
        if action != "*"
            && !action
                .split_once(':')
                .is_some_and(|(vendor, name)| !vendor.is_empty() && !name.is_empty())
        {
            return Err(syntax(
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            ));
        }
    }
    if let Some(resources) = one_of(statement, "Resource", "NotResource")? {
        strings(resources).ok_or_else(|| syntax("Resources must be strings."))?;
    }
    match statement.get("Condition") {
        None => Ok(()),
        Some(Value::Object(operators)) if operators.values().all(Value::is_object) => Ok(()),
        Some(_) => Err(syntax(
            "A policy statement's Condition must map operators to keys.",
        )),
    }
}

/// The value of `key` or `not_key`; both present is a syntax error.
fn one_of<'a>(
    statement: &'a Map<String, Value>,
    key: &str,
    not_key: &str,
) -> Result<Option<&'a Value>, Finding> {
    match (statement.get(key), statement.get(not_key)) {
        (Some(_), Some(_)) => Err(syntax(format!(
            "A policy statement can't contain both {key} and {not_key}."
        ))),
        (value, not_value) => Ok(value.or(not_value)),
    }
}

fn check_principal(principal: &Value) -> Result<(), Finding> {
    const KINDS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];
    let ok = match principal {
        Value::String(star) => star == "*",
        Value::Object(map) => {
            !map.is_empty()
                && map.iter().all(|(kind, ids)| {
                    KINDS.contains(&kind.as_str())
                        && strings(ids).is_some_and(|ids| ids.iter().all(|id| !id.is_empty()))
                })
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(syntax("Invalid principal in policy."))
    }
}

/// A string or an array of strings, as a list.
fn strings(value: &Value) -> Option<Vec<&str>> {
    match value {
        Value::String(one) => Some(vec![one.as_str()]),
        Value::Array(items) if !items.is_empty() => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

impl Policy {
    /// True when some statement allows every principal without a restricting condition.
    pub fn is_public(&self) -> bool {
        self.statements.iter().any(grants_broad_access)
    }

    /// The advisory findings of a structurally valid document.
    pub fn findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        if self.version.is_none() {
            findings.push(syntax(
                "The policy document is missing a Version; specify \"2012-10-17\".",
            ));
        }
        for statement in &self.statements {
            let actions = statement
                .get("Action")
                .or_else(|| statement.get("NotAction"))
                .and_then(strings)
                .unwrap_or_default();
            for action in actions {
                if let Some(name) = unknown_secrets_manager_action(action) {
                    findings.push(Finding {
                        check: ACTION_CHECK,
                        message: format!(
                            "The action secretsmanager:{name} does not exist in Secrets Manager."
                        ),
                    });
                }
            }
        }
        if self.is_public() {
            findings.push(Finding {
                check: PUBLIC_ACCESS_CHECK,
                message: "The policy grants broad access to the secret: a statement allows every principal (\"*\") without a condition that restricts the caller's account, organization or source.".into(),
            });
        }
        findings
    }
}

fn grants_broad_access(statement: &Map<String, Value>) -> bool {
    if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
        return false;
    }
    let everyone = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (_, Some(_)) => true,
        (Some(Value::String(star)), None) => star == "*",
        (Some(Value::Object(map)), None) => map
            .get("AWS")
            .and_then(strings)
            .is_some_and(|ids| ids.contains(&"*")),
        _ => false,
    };
    everyone && !restricts_caller(statement.get("Condition"))
}

/// True when a condition pins the caller with a positive operator and a non-wildcard value.
fn restricts_caller(condition: Option<&Value>) -> bool {
    let Some(Value::Object(operators)) = condition else {
        return false;
    };
    operators.iter().any(|(operator, keys)| {
        let negated = operator.contains("Not") || operator.ends_with("IfExists");
        let Value::Object(keys) = keys else {
            return false;
        };
        !negated
            && keys.iter().any(|(key, values)| {
                RESTRICTING_KEYS.contains(&key.to_ascii_lowercase().as_str())
                    && strings(values).is_some_and(|values| values.iter().all(|v| !v.contains('*')))
            })
    })
}

/// The action name when `action` is `secretsmanager:<pattern>` matching no real action.
fn unknown_secrets_manager_action(action: &str) -> Option<&str> {
    let (vendor, name) = action.split_once(':')?;
    if !vendor.eq_ignore_ascii_case("secretsmanager") {
        return None;
    }
    let pattern = name.to_ascii_lowercase();
    let known = SECRETS_MANAGER_ACTIONS
        .iter()
        .any(|real| glob_matches(pattern.as_bytes(), real.to_ascii_lowercase().as_bytes()));
    (!known).then_some(name)
}

/// IAM's wildcard match: `*` any run, `?` any one character. Greedy two-pointer walk with
/// one backtrack point, so it stays linear-ish whatever the pattern.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests;
