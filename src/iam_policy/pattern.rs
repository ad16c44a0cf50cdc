//! Wildcard matching as IAM does it: `*` matches any run of characters, `?` exactly one.
//! Actions compare without regard to case; ARNs compare case-sensitively, one of their six
//! colon-separated segments at a time. Patterns are matched as [`Token`]s so that a policy
//! variable's value, or an escaped `${*}`, stays literal instead of turning into a wildcard.

/// One element of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    /// `*`: any run of characters, including none.
    AnyRun,
    /// `?`: exactly one character.
    AnyOne,
    /// A character that must be equal.
    Literal(char),
}

/// The tokens of a pattern written without policy variables.
pub fn tokens(pattern: &str) -> Vec<Token> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Token::AnyRun,
            '?' => Token::AnyOne,
            other => Token::Literal(other),
        })
        .collect()
}

/// Whether `text` matches the glob `pattern` (`*` and `?`), comparing characters exactly.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    tokens_match(&tokens(pattern), text)
}

/// Whether `text` matches the tokens, comparing literal characters exactly.
pub fn tokens_match(pattern: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(Token::AnyOne) => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Token::Literal(c)) if *c == text[t] => {
                p += 1;
                t += 1;
                continue;
            }
            Some(Token::AnyRun) => {
                backtrack = Some((p, t));
                p += 1;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((star, matched_from)) => {
                p = star + 1;
                t = matched_from + 1;
                backtrack = Some((star, matched_from + 1));
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|token| *token == Token::AnyRun)
}

/// The tokens as literal text (`*` and `?` written back), for exact comparisons.
pub fn literal_text(pattern: &[Token]) -> String {
    pattern
        .iter()
        .map(|token| match token {
            Token::AnyRun => '*',
            Token::AnyOne => '?',
            Token::Literal(c) => *c,
        })
        .collect()
}

/// Whether an `Action` pattern such as `kms:ReEncrypt*` covers `action` (case-insensitive).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob_matches(&pattern.to_lowercase(), &action.to_lowercase())
}

/// Whether a `Resource` pattern covers the resource ARN `resource`. `*` alone covers
/// everything; otherwise both sides split into six segments on the first five colons and each
/// segment is globbed on its own, except the service segment, which must be equal.
#[cfg(test)]
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    arn_tokens_match(&tokens(pattern), resource, true)
}

/// [`resource_matches`] over tokens. `literal_service`: the service segment is compared
/// without wildcards (resources); `ArnLike` conditions glob it like the others.
pub fn arn_tokens_match(pattern: &[Token], arn: &str, literal_service: bool) -> bool {
    if pattern == [Token::AnyRun] {
        return true;
    }
    let pattern_segments = split_tokens(pattern);
    let arn_segments: Vec<&str> = arn.splitn(6, ':').collect();
    if pattern_segments.len() != 6 || arn_segments.len() != 6 {
        // A resource pattern that is not ARN-shaped is globbed whole; an ARN condition
        // compares ARNs only.
        return literal_service && tokens_match(pattern, arn);
    }
    pattern_segments.iter().zip(&arn_segments).enumerate().all(
        |(index, (pattern_segment, arn_segment))| {
            if index == 2 && literal_service {
                literal_text(pattern_segment) == *arn_segment
            } else {
                tokens_match(pattern_segment, arn_segment)
            }
        },
    )
}

/// Splits tokens into at most six segments on the first five literal colons.
fn split_tokens(pattern: &[Token]) -> Vec<Vec<Token>> {
    let mut segments = vec![Vec::new()];
    for token in pattern {
        match (token, segments.len()) {
            (Token::Literal(':'), count) if count < 6 => segments.push(Vec::new()),
            _ => {
                if let Some(last) = segments.last_mut() {
                    last.push(*token);
                }
            }
        }
    }
    segments
}
