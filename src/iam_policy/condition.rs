//! `Condition` blocks: the string operators and `Bool`, each optionally `…IfExists`, over
//! single-valued context keys. Operators not listed here are refused by the parser, so no
//! condition is ever silently treated as true.

use serde_json::Value;

use super::pattern::glob_matches;

/// The condition operators the evaluator judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// Exact, case-sensitive.
    StringEquals,
    /// Negation of `StringEquals`.
    StringNotEquals,
    /// Exact, ignoring case.
    StringEqualsIgnoreCase,
    /// Negation of `StringEqualsIgnoreCase`.
    StringNotEqualsIgnoreCase,
    /// Case-sensitive glob with `*` and `?`.
    StringLike,
    /// Negation of `StringLike`.
    StringNotLike,
    /// `true` / `false`, compared without regard to case.
    Bool,
}

/// One operator applied to one key with its policy values (any of which may match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator, without its `IfExists` suffix.
    pub operator: Operator,
    /// The operator carried `IfExists`: an absent key satisfies it.
    pub if_exists: bool,
    /// The context key, e.g. `aws:PrincipalTag/team`.
    pub key: String,
    /// The values the policy lists.
    pub values: Vec<String>,
}

/// Reads a `Condition` object; `None` when it holds an operator or value not judged here.
pub fn parse_conditions(block: &Value) -> Option<Vec<Condition>> {
    let mut conditions = Vec::new();
    for (operator_name, keys) in block.as_object()? {
        let (base, if_exists) = match operator_name.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (operator_name.as_str(), false),
        };
        let operator = match base {
            "StringEquals" => Operator::StringEquals,
            "StringNotEquals" => Operator::StringNotEquals,
            "StringEqualsIgnoreCase" => Operator::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Operator::StringNotEqualsIgnoreCase,
            "StringLike" => Operator::StringLike,
            "StringNotLike" => Operator::StringNotLike,
            "Bool" => Operator::Bool,
            _ => return None,
        };
        for (key, values) in keys.as_object()? {
            let values = match values {
                Value::Array(items) => items.iter().map(scalar_text).collect::<Option<Vec<_>>>()?,
                single => vec![scalar_text(single)?],
            };
            conditions.push(Condition {
                operator,
                if_exists,
                key: key.clone(),
                values,
            });
        }
    }
    Some(conditions)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// Whether `condition` holds for the request's context keys (key names compare without
/// regard to case). An absent key satisfies only `IfExists` and negated operators.
pub fn condition_holds(condition: &Condition, context: &[(&str, &str)]) -> bool {
    let negated = matches!(
        condition.operator,
        Operator::StringNotEquals | Operator::StringNotEqualsIgnoreCase | Operator::StringNotLike
    );
    let Some((_, actual)) = context
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(&condition.key))
    else {
        return condition.if_exists || negated;
    };
    let any_value_matches = condition
        .values
        .iter()
        .any(|expected| match condition.operator {
            Operator::StringEquals | Operator::StringNotEquals => expected == actual,
            Operator::StringEqualsIgnoreCase
            | Operator::StringNotEqualsIgnoreCase
            | Operator::Bool => expected.to_lowercase() == actual.to_lowercase(),
            Operator::StringLike | Operator::StringNotLike => glob_matches(expected, actual),
        });
    any_value_matches != negated
}
