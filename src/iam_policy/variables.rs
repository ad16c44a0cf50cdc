//! Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}` and the like in `Resource`
//! and in string, ARN and `Bool` condition values, replaced by the request's value of that key
//! before matching. The replaced text is literal (a `*` in a user name is not a wildcard), and
//! `${*}`, `${?}`, `${$}` write a literal `*`, `?`, `$`. A variable whose key the request lacks
//! (or holds several values for) makes the pattern match nothing, unless it names a default
//! (`${aws:username, 'nobody'}`). Only documents of version `2012-10-17` have variables; in
//! older ones `${...}` is plain text.

use super::context::{ContextKeys, values_of};
use super::pattern::{Token, tokens};

/// The tokens of `template` with its variables replaced; `None` when one has no value.
pub fn expand(template: &str, context: ContextKeys<'_>, variables: bool) -> Option<Vec<Token>> {
    if !variables || !template.contains("${") {
        return Some(tokens(template));
    }
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.extend(tokens(&rest[..start]));
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.extend(tokens(&rest[start..]));
            return Some(out);
        };
        let inner = &after[..end];
        match inner {
            "*" | "?" | "$" => out.extend(inner.chars().map(Token::Literal)),
            _ => out.extend(variable_value(inner, context)?.chars().map(Token::Literal)),
        }
        rest = &after[end + 1..];
    }
    out.extend(tokens(rest));
    Some(out)
}

/// The value of the variable `inner` (the text between `${` and `}`).
fn variable_value(inner: &str, context: ContextKeys<'_>) -> Option<String> {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))?;
            (key.trim(), Some(quoted.to_owned()))
        }
        None => (inner.trim(), None),
    };
    match values_of(context, key).as_slice() {
        [single] => Some((*single).to_owned()),
        _ => default,
    }
}
