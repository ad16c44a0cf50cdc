//! `Condition` blocks: every operator family IAM defines (string, numeric, date, `Bool`,
//! `BinaryEquals`, IP address, ARN, `Null`), each optionally `…IfExists` and optionally
//! qualified by `ForAnyValue:` / `ForAllValues:` for multi-valued keys. An operator not listed
//! here is refused by the parser, so no condition is ever silently treated as true.
//!
//! The rules: an absent key fails a condition, except that `…IfExists` and negated operators
//! (`StringNotEquals`, `NotIpAddress`, ...) hold; a negated operator holds when the request
//! value matches none of the policy values. `ForAnyValue` needs one request value matching;
//! `ForAllValues` needs every request value matching, and holds for an absent or empty key.

use serde_json::Value;

use super::compare::{Family, positive_match};
use super::context::{ContextKeys, values_of};
use super::variables::expand;

/// The condition operators the evaluator judges, by name without `IfExists`.
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
    /// Numbers equal.
    NumericEquals,
    /// Negation of `NumericEquals`.
    NumericNotEquals,
    /// Request value below the policy value.
    NumericLessThan,
    /// Request value at most the policy value.
    NumericLessThanEquals,
    /// Request value above the policy value.
    NumericGreaterThan,
    /// Request value at least the policy value.
    NumericGreaterThanEquals,
    /// Same instant (ISO 8601 or epoch seconds).
    DateEquals,
    /// Negation of `DateEquals`.
    DateNotEquals,
    /// Request instant before the policy's.
    DateLessThan,
    /// Request instant at or before the policy's.
    DateLessThanEquals,
    /// Request instant after the policy's.
    DateGreaterThan,
    /// Request instant at or after the policy's.
    DateGreaterThanEquals,
    /// `true` / `false`, compared without regard to case.
    Bool,
    /// Base64 values with the same bytes.
    BinaryEquals,
    /// Address inside one of the CIDR ranges (v4 or v6; a bare address is one host).
    IpAddress,
    /// Negation of `IpAddress`.
    NotIpAddress,
    /// ARN matching segment by segment (same as `ArnLike`).
    ArnEquals,
    /// ARN glob, segment by segment.
    ArnLike,
    /// Negation of `ArnEquals`.
    ArnNotEquals,
    /// Negation of `ArnLike`.
    ArnNotLike,
    /// `true`: the key is absent; `false`: it is present.
    Null,
}

impl Operator {
    const ALL: [(&'static str, Operator); 27] = [
        ("StringEquals", Operator::StringEquals),
        ("StringNotEquals", Operator::StringNotEquals),
        ("StringEqualsIgnoreCase", Operator::StringEqualsIgnoreCase),
        (
            "StringNotEqualsIgnoreCase",
            Operator::StringNotEqualsIgnoreCase,
        ),
        ("StringLike", Operator::StringLike),
        ("StringNotLike", Operator::StringNotLike),
        ("NumericEquals", Operator::NumericEquals),
        ("NumericNotEquals", Operator::NumericNotEquals),
        ("NumericLessThan", Operator::NumericLessThan),
        ("NumericLessThanEquals", Operator::NumericLessThanEquals),
        ("NumericGreaterThan", Operator::NumericGreaterThan),
        (
            "NumericGreaterThanEquals",
            Operator::NumericGreaterThanEquals,
        ),
        ("DateEquals", Operator::DateEquals),
        ("DateNotEquals", Operator::DateNotEquals),
        ("DateLessThan", Operator::DateLessThan),
        ("DateLessThanEquals", Operator::DateLessThanEquals),
        ("DateGreaterThan", Operator::DateGreaterThan),
        ("DateGreaterThanEquals", Operator::DateGreaterThanEquals),
        ("Bool", Operator::Bool),
        ("BinaryEquals", Operator::BinaryEquals),
        ("IpAddress", Operator::IpAddress),
        ("NotIpAddress", Operator::NotIpAddress),
        ("ArnEquals", Operator::ArnEquals),
        ("ArnLike", Operator::ArnLike),
        ("ArnNotEquals", Operator::ArnNotEquals),
        ("ArnNotLike", Operator::ArnNotLike),
        ("Null", Operator::Null),
    ];

    /// The operator IAM names `name` (exact case, as IAM requires).
    pub fn from_name(name: &str) -> Option<Operator> {
        Operator::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, operator)| *operator)
    }

    /// True for the operators that hold when the request value matches none of the values.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            Operator::StringNotEquals
                | Operator::StringNotEqualsIgnoreCase
                | Operator::StringNotLike
                | Operator::NumericNotEquals
                | Operator::DateNotEquals
                | Operator::NotIpAddress
                | Operator::ArnNotEquals
                | Operator::ArnNotLike
        )
    }

    /// True when policy variables are replaced in this operator's values.
    fn takes_variables(self) -> bool {
        matches!(
            self.family(),
            Family::Exact | Family::IgnoreCase | Family::Glob | Family::Arn | Family::Bool
        )
    }

    /// How a request value is compared with a policy value (before negation).
    pub fn family(self) -> Family {
        use Operator::*;
        match self {
            StringEquals | StringNotEquals => Family::Exact,
            StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => Family::IgnoreCase,
            StringLike | StringNotLike => Family::Glob,
            NumericEquals | NumericNotEquals => Family::Numeric(std::cmp::Ordering::Equal, true),
            NumericLessThan => Family::Numeric(std::cmp::Ordering::Less, false),
            NumericLessThanEquals => Family::Numeric(std::cmp::Ordering::Less, true),
            NumericGreaterThan => Family::Numeric(std::cmp::Ordering::Greater, false),
            NumericGreaterThanEquals => Family::Numeric(std::cmp::Ordering::Greater, true),
            DateEquals | DateNotEquals => Family::Date(std::cmp::Ordering::Equal, true),
            DateLessThan => Family::Date(std::cmp::Ordering::Less, false),
            DateLessThanEquals => Family::Date(std::cmp::Ordering::Less, true),
            DateGreaterThan => Family::Date(std::cmp::Ordering::Greater, false),
            DateGreaterThanEquals => Family::Date(std::cmp::Ordering::Greater, true),
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Exact,
        }
    }
}

/// `ForAnyValue:` / `ForAllValues:` before an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    /// At least one request value must match.
    ForAnyValue,
    /// Every request value must match; an absent or empty key holds.
    ForAllValues,
}

/// One operator applied to one key with its policy values (any of which may match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    /// The operator, without its `IfExists` suffix and set qualifier.
    pub operator: Operator,
    /// `ForAnyValue:` / `ForAllValues:`, when given.
    pub qualifier: Option<SetQualifier>,
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
        let (qualifier, unqualified) =
            if let Some(rest) = operator_name.strip_prefix("ForAnyValue:") {
                (Some(SetQualifier::ForAnyValue), rest)
            } else if let Some(rest) = operator_name.strip_prefix("ForAllValues:") {
                (Some(SetQualifier::ForAllValues), rest)
            } else {
                (None, operator_name.as_str())
            };
        let (operator, if_exists) = match Operator::from_name(unqualified) {
            Some(operator) => (operator, false),
            None => {
                let base = unqualified.strip_suffix("IfExists")?;
                (Operator::from_name(base)?, true)
            }
        };
        if operator == Operator::Null && (if_exists || qualifier.is_some()) {
            return None;
        }
        let keys = keys.as_object()?;
        if keys.is_empty() {
            return None;
        }
        for (key, values) in keys {
            let values = match values {
                Value::Array(items) if !items.is_empty() => {
                    items.iter().map(scalar_text).collect::<Option<Vec<_>>>()?
                }
                Value::Array(_) => return None,
                single => vec![scalar_text(single)?],
            };
            conditions.push(Condition {
                operator,
                qualifier,
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

/// Whether `condition` holds for the request's context keys. `variables`: the document
/// allows policy variables in values (version `2012-10-17`).
pub fn condition_holds(condition: &Condition, context: ContextKeys<'_>, variables: bool) -> bool {
    let actual = values_of(context, &condition.key);
    if condition.operator == Operator::Null {
        return condition.values.iter().any(|expected| {
            match expected.to_ascii_lowercase().as_str() {
                "true" => actual.is_empty(),
                "false" => !actual.is_empty(),
                _ => false,
            }
        });
    }
    let negated = condition.operator.is_negated();
    if actual.is_empty() {
        return match condition.qualifier {
            Some(SetQualifier::ForAllValues) => true,
            Some(SetQualifier::ForAnyValue) => condition.if_exists,
            None => condition.if_exists || negated,
        };
    }
    let substitute = variables && condition.operator.takes_variables();
    let expected: Vec<_> = condition
        .values
        .iter()
        .filter_map(|value| expand(value, context, substitute))
        .collect();
    let family = condition.operator.family();
    // A request value "matches" when it satisfies the operator against some policy value; for
    // a negated operator, when it matches none of the (positive) policy values.
    let value_matches = |value: &str| {
        let positive = expected
            .iter()
            .any(|pattern| positive_match(family, pattern, value));
        positive != negated
    };
    match condition.qualifier {
        Some(SetQualifier::ForAllValues) => actual.iter().all(|value| value_matches(value)),
        Some(SetQualifier::ForAnyValue) => actual.iter().any(|value| value_matches(value)),
        None if negated => actual.iter().all(|value| value_matches(value)),
        None => actual.iter().any(|value| value_matches(value)),
    }
}
