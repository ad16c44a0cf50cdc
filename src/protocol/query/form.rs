//! The form body of an awsQuery request, read into a tree of keys.
//!
//! `Action=AssumeRole&Tags.member.1.Key=team&Tags.member.1.Value=ci` becomes a tree whose
//! branches are the dot-separated parts of each name: `Tags` -> `member` -> `1` -> `Key`. The
//! decoder ([`super::decode`]) walks that tree into the operation's typed input. A name given
//! twice, or used both as a value and as a branch (`A=1&A.B=2`), is refused: the request is
//! ambiguous and AWS would not read it one way or the other.

use std::collections::BTreeMap;

/// A node of the parameter tree: a value, or named children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A parameter's value, percent-decoded.
    Leaf(String),
    /// The parameters whose names continue with `<this name>.`.
    Branch(BTreeMap<String, Node>),
}

/// Why a form body could not be read into a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// A name appears twice, or both as a value and as a prefix of other names.
    Conflict(String),
    /// A name with an empty part (`A..B`, `.A`, `A.`), or no name at all.
    BadName(String),
}

/// The most parameters one request may carry; far above what any STS or IAM operation needs.
pub const MAX_PARAMETERS: usize = 10_000;
/// The deepest nesting of dot-separated parts a name may have.
pub const MAX_DEPTH: usize = 16;

/// The parameters of a request: `Action` and `Version` apart, the rest as a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The `Action` parameter, if sent.
    pub action: Option<String>,
    /// The `Version` parameter, if sent.
    pub version: Option<String>,
    /// Every other parameter.
    pub params: Node,
}

/// Reads a form-encoded body (`application/x-www-form-urlencoded`).
pub fn parse(body: &[u8]) -> Result<Form, FormError> {
    let mut action = None;
    let mut version = None;
    let mut root = BTreeMap::new();
    for (count, (name, value)) in form_urlencoded::parse(body).enumerate() {
        if count >= MAX_PARAMETERS {
            return Err(FormError::BadName(format!(
                "more than {MAX_PARAMETERS} parameters"
            )));
        }
        match name.as_ref() {
            "Action" => set_once(&mut action, &name, value.into_owned())?,
            "Version" => set_once(&mut version, &name, value.into_owned())?,
            _ => insert(&mut root, &name, value.into_owned())?,
        }
    }
    Ok(Form {
        action,
        version,
        params: Node::Branch(root),
    })
}

fn set_once(slot: &mut Option<String>, name: &str, value: String) -> Result<(), FormError> {
    if slot.is_some() {
        return Err(FormError::Conflict(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

fn insert(root: &mut BTreeMap<String, Node>, name: &str, value: String) -> Result<(), FormError> {
    let parts: Vec<&str> = name.split('.').collect();
    if parts.iter().any(|part| part.is_empty()) || parts.len() > MAX_DEPTH {
        return Err(FormError::BadName(name.to_owned()));
    }
    let conflict = || FormError::Conflict(name.to_owned());
    let (last, prefix) = parts.split_last().ok_or_else(conflict)?;
    let mut children = root;
    for part in prefix {
        let node = children
            .entry((*part).to_owned())
            .or_insert_with(|| Node::Branch(BTreeMap::new()));
        children = match node {
            Node::Branch(next) => next,
            Node::Leaf(_) => return Err(conflict()),
        };
    }
    if children.contains_key(*last) {
        return Err(conflict());
    }
    children.insert((*last).to_owned(), Node::Leaf(value));
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn leaf(value: &str) -> Node {
        Node::Leaf(value.to_owned())
    }

    fn branch<const N: usize>(children: [(&str, Node); N]) -> Node {
        Node::Branch(
            children
                .into_iter()
                .map(|(name, node)| (name.to_owned(), node))
                .collect(),
        )
    }

    #[test]
    fn names_become_a_tree_and_values_are_percent_decoded() {
        let form = parse(
            b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa+b&Tags.member.1.Key=k&Tags.member.1.Value=v",
        )
        .unwrap();
        assert_eq!(form.action.as_deref(), Some("AssumeRole"));
        assert_eq!(form.version.as_deref(), Some("2011-06-15"));
        assert_eq!(
            form.params,
            branch([
                ("RoleArn", leaf("arn:aws:iam::1:role/a b")),
                (
                    "Tags",
                    branch([(
                        "member",
                        branch([("1", branch([("Key", leaf("k")), ("Value", leaf("v"))]))])
                    )])
                ),
            ])
        );
    }

    #[test]
    fn ambiguous_or_malformed_names_are_refused() {
        assert_eq!(parse(b"A=1&A=2"), Err(FormError::Conflict("A".into())));
        assert_eq!(parse(b"A=1&A.B=2"), Err(FormError::Conflict("A.B".into())));
        assert_eq!(parse(b"A.B=2&A=1"), Err(FormError::Conflict("A".into())));
        assert_eq!(
            parse(b"Action=X&Action=Y"),
            Err(FormError::Conflict("Action".into()))
        );
        for bad in ["A..B=1", ".A=1", "A.=1", "=1"] {
            assert!(
                matches!(parse(bad.as_bytes()), Err(FormError::BadName(_))),
                "{bad}"
            );
        }
        let deep = format!("{}=1", vec!["a"; MAX_DEPTH + 1].join("."));
        assert!(matches!(parse(deep.as_bytes()), Err(FormError::BadName(_))));
    }

    #[test]
    fn an_empty_body_has_no_action() {
        let form = parse(b"").unwrap();
        assert_eq!(form.action, None);
        assert_eq!(form.params, Node::Branch(BTreeMap::new()));
    }
}
