//! The policy document model the evaluator works on, and its parser from JSON text. Only the
//! shape evaluation needs is kept; a document the evaluator could not judge faithfully (an
//! unknown condition operator, a malformed condition value) is refused rather than
//! half-understood. The same parser reads identity policies, secret resource policies, KMS key
//! policies and session policies.

use serde_json::{Map, Value};

use super::condition::{Condition, parse_conditions};

/// Whether a statement grants or refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Grants the request, unless a Deny also matches.
    Allow,
    /// Refuses the request, whatever else allows it.
    Deny,
}

/// The principals a resource-policy statement names, per principal type (`AWS`, `Service`,
/// `Federated`, `CanonicalUser`), or everyone (`"*"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalSpec {
    /// `"*"`: every principal.
    Everyone,
    /// Principal type (`AWS`, `Service`, ...) with the values listed under it.
    Named(Vec<(String, Vec<String>)>),
}

/// One statement. `negated_*` flags mark `NotAction` / `NotResource` / `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's `Sid`, when it has one.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// Action patterns (`service:Operation`, with wildcards).
    pub actions: Vec<String>,
    /// The patterns came from `NotAction`.
    pub negated_actions: bool,
    /// Resource ARN patterns.
    pub resources: Vec<String>,
    /// The patterns came from `NotResource`.
    pub negated_resources: bool,
    /// `None` in identity policies, which name no principal.
    pub principal: Option<PrincipalSpec>,
    /// The principal block came from `NotPrincipal`.
    pub negated_principal: bool,
    /// Every condition must hold for the statement to apply.
    pub conditions: Vec<Condition>,
}

/// A parsed policy: its statements in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// The statements, first to last.
    pub statements: Vec<Statement>,
    /// Policy variables (`${aws:username}`) are replaced: the document's `Version` is
    /// `2012-10-17`. In older documents `${...}` is plain text.
    pub variables: bool,
}

/// Why a document could not be turned into a [`PolicyDocument`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The text is not JSON.
    NotJson,
    /// The JSON is not an object.
    NotAnObject,
    /// `Statement` is absent or neither an object nor an array.
    MissingStatement,
    /// Statement `index` is malformed; the text says how.
    BadStatement {
        /// Position of the statement in the document.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// `Version` is neither `2012-10-17` nor `2008-10-17`.
    BadVersion,
    /// Statement `index` has a `Condition` operator or value this evaluator does not judge.
    ConditionNotSupported {
        /// Position of the statement in the document.
        index: usize,
    },
}

/// Parses a policy document from JSON text.
pub fn parse(document: &str) -> Result<PolicyDocument, ParseError> {
    let value: Value = serde_json::from_str(document).map_err(|_| ParseError::NotJson)?;
    let object = value.as_object().ok_or(ParseError::NotAnObject)?;
    let variables = match object.get("Version") {
        None => false,
        Some(Value::String(version)) if version == "2012-10-17" => true,
        Some(Value::String(version)) if version == "2008-10-17" => false,
        Some(_) => return Err(ParseError::BadVersion),
    };
    let statements = match object.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => return Err(ParseError::MissingStatement),
    };
    let statements = statements
        .into_iter()
        .enumerate()
        .map(|(index, statement)| parse_statement(index, statement))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PolicyDocument {
        statements,
        variables,
    })
}

fn parse_statement(index: usize, value: &Value) -> Result<Statement, ParseError> {
    let bad = |reason: &str| ParseError::BadStatement {
        index,
        reason: reason.to_owned(),
    };
    let object = value.as_object().ok_or_else(|| bad("not an object"))?;
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(block) => {
            parse_conditions(block).ok_or(ParseError::ConditionNotSupported { index })?
        }
    };
    let sid = match object.get("Sid") {
        None => None,
        Some(Value::String(sid)) => Some(sid.clone()),
        Some(_) => return Err(bad("Sid is not a string")),
    };
    let effect = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => return Err(bad("Effect must be Allow or Deny")),
    };
    let (actions, negated_actions) = either_of(object, "Action", "NotAction")
        .ok_or_else(|| bad("needs one of Action/NotAction"))?;
    let has_principal = object.contains_key("Principal") || object.contains_key("NotPrincipal");
    let (resources, negated_resources) = match either_of(object, "Resource", "NotResource") {
        Some(found) => found,
        // A resource policy statement may leave out Resource: it covers its own resource.
        None if has_principal
            && !object.contains_key("Resource")
            && !object.contains_key("NotResource") =>
        {
            (vec!["*".to_owned()], false)
        }
        None => return Err(bad("needs one of Resource/NotResource")),
    };
    let (principal, negated_principal) = match (object.get("Principal"), object.get("NotPrincipal"))
    {
        (None, None) => (None, false),
        (Some(spec), None) => (
            Some(principal_spec(spec).ok_or_else(|| bad("bad Principal"))?),
            false,
        ),
        (None, Some(spec)) => (
            Some(principal_spec(spec).ok_or_else(|| bad("bad NotPrincipal"))?),
            true,
        ),
        (Some(_), Some(_)) => return Err(bad("both Principal and NotPrincipal")),
    };
    Ok(Statement {
        sid,
        effect,
        actions,
        negated_actions,
        resources,
        negated_resources,
        principal,
        negated_principal,
        conditions,
    })
}

/// Reads exactly one of `positive` / `negative` as a string list; the flag says which.
fn either_of(
    object: &Map<String, Value>,
    positive: &str,
    negative: &str,
) -> Option<(Vec<String>, bool)> {
    match (object.get(positive), object.get(negative)) {
        (Some(values), None) => Some((string_list(values)?, false)),
        (None, Some(values)) => Some((string_list(values)?, true)),
        _ => None,
    }
}

/// A string or a non-empty array of strings.
fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(single) => Some(vec![single.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect(),
        _ => None,
    }
}

fn principal_spec(value: &Value) -> Option<PrincipalSpec> {
    match value {
        Value::String(star) if star == "*" => Some(PrincipalSpec::Everyone),
        Value::Object(by_type) if !by_type.is_empty() => by_type
            .iter()
            .map(|(kind, values)| Some((kind.clone(), string_list(values)?)))
            .collect::<Option<Vec<_>>>()
            .map(PrincipalSpec::Named),
        _ => None,
    }
}
