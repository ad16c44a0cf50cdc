//! A deciding statement shown back as policy JSON (`Effect`, `Action`/`NotAction`,
//! `Resource`/`NotResource`, `Principal`, `Condition`), for `lockbox explain`: rebuilt from the
//! parsed statement, so it reads like the policy text without keeping that text around.

use serde_json::{Map, Value, json};

use crate::iam_policy::{Effect, PrincipalSpec, Statement};

/// `statement` as a policy statement object.
pub fn statement_json(statement: &Statement) -> Value {
    let mut out = Map::new();
    if let Some(sid) = &statement.sid {
        out.insert("Sid".into(), json!(sid));
    }
    let effect = match statement.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    out.insert("Effect".into(), json!(effect));
    if let Some(principal) = &statement.principal {
        let name = if statement.negated_principal {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = match principal {
            PrincipalSpec::Everyone => json!("*"),
            PrincipalSpec::Named(kinds) => Value::Object(
                kinds
                    .iter()
                    .map(|(kind, values)| (kind.clone(), json!(values)))
                    .collect(),
            ),
        };
        out.insert(name.into(), value);
    }
    let (action, resource) = (
        if statement.negated_actions {
            "NotAction"
        } else {
            "Action"
        },
        if statement.negated_resources {
            "NotResource"
        } else {
            "Resource"
        },
    );
    out.insert(action.into(), json!(statement.actions));
    out.insert(resource.into(), json!(statement.resources));
    if !statement.conditions.is_empty() {
        let mut block: Map<String, Value> = Map::new();
        for condition in &statement.conditions {
            let qualifier = condition
                .qualifier
                .map(|q| format!("{q:?}:"))
                .unwrap_or_default();
            let suffix = if condition.if_exists { "IfExists" } else { "" };
            let operator = format!("{qualifier}{:?}{suffix}", condition.operator);
            let keys = block
                .entry(operator)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(keys) = keys {
                keys.insert(condition.key.clone(), json!(condition.values));
            }
        }
        out.insert("Condition".into(), Value::Object(block));
    }
    Value::Object(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_statement_reads_like_its_policy() {
        let document = crate::iam_policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Office","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"NotAction":"kms:Describe*","Resource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*"]}}}]}"#,
        )
        .unwrap();
        let shown = statement_json(&document.statements[0]);
        assert_eq!(shown["Sid"], "Office");
        assert_eq!(shown["Effect"], "Deny");
        assert_eq!(shown["NotAction"], json!(["kms:Describe*"]));
        assert_eq!(shown["Resource"], json!(["*"]));
        assert_eq!(
            shown["Principal"]["AWS"],
            json!(["arn:aws:iam::111111111111:root"])
        );
        assert_eq!(
            shown["Condition"]["ForAnyValue:StringLikeIfExists"]["aws:TagKeys"],
            json!(["a*"])
        );
    }
}
