//! Wildcard matching as IAM does it: `*` matches any run of characters, `?` exactly one.
//! Actions compare without regard to case; ARNs compare case-sensitively, one of their six
//! colon-separated segments at a time.

/// Whether `text` matches the glob `pattern` (`*` and `?`), comparing characters exactly.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, t));
            p += 1;
        } else if let Some((star, matched_from)) = backtrack {
            p = star + 1;
            t = matched_from + 1;
            backtrack = Some((star, matched_from + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

/// Whether an `Action` pattern such as `kms:ReEncrypt*` covers `action` (case-insensitive).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob_matches(&pattern.to_lowercase(), &action.to_lowercase())
}

/// Whether a `Resource` pattern covers the resource ARN `resource`. `*` alone covers
/// everything; otherwise both sides split into six segments on the first five colons and each
/// segment is globbed on its own, except the service segment, which must be equal.
pub fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let pattern_segments: Vec<&str> = pattern.splitn(6, ':').collect();
    let resource_segments: Vec<&str> = resource.splitn(6, ':').collect();
    if pattern_segments.len() != 6 || resource_segments.len() != 6 {
        return glob_matches(pattern, resource);
    }
    pattern_segments
        .iter()
        .zip(&resource_segments)
        .enumerate()
        .all(|(index, (pattern_segment, resource_segment))| {
            if index == 2 {
                pattern_segment == resource_segment
            } else {
                glob_matches(pattern_segment, resource_segment)
            }
        })
}
