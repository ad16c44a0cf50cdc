//! `Marker` / `MaxItems` paging of IAM lists: a page holds at most `MaxItems` entries (default
//! 100), and when more follow the response says `IsTruncated` and gives the `Marker` to pass
//! next. Markers are opaque to clients; here they are the offset of the next entry, prefixed so
//! a marker from another list is less likely to be taken for one of ours.

use super::error::IamError;

/// Entries per page when `MaxItems` is not given.
const DEFAULT_MAX_ITEMS: usize = 100;
/// What every marker starts with.
const MARKER_PREFIX: &str = "lockbox-iam-";

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The entries of this page.
    pub items: Vec<T>,
    /// The marker of the next page, when there is one.
    pub marker: Option<String>,
}

impl<T> Page<T> {
    /// True when more entries follow.
    pub fn is_truncated(&self) -> bool {
        self.marker.is_some()
    }
}

/// The page of `items` that `marker` and `max_items` (already range-checked) ask for.
pub fn page<T>(
    items: Vec<T>,
    marker: Option<&str>,
    max_items: Option<i64>,
) -> Result<Page<T>, IamError> {
    let start = match marker {
        None => 0,
        Some(marker) => marker
            .strip_prefix(MARKER_PREFIX)
            .and_then(|offset| offset.parse::<usize>().ok())
            .filter(|offset| *offset <= items.len())
            .ok_or_else(|| IamError::InvalidInput("Invalid Marker.".into()))?,
    };
    let size = max_items
        .and_then(|max| usize::try_from(max).ok())
        .unwrap_or(DEFAULT_MAX_ITEMS)
        .max(1);
    let end = start.saturating_add(size).min(items.len());
    let marker = (end < items.len()).then(|| format!("{MARKER_PREFIX}{end}"));
    let items = items.into_iter().skip(start).take(end - start).collect();
    Ok(Page { items, marker })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_markers_to_the_end() {
        let first = page((0..5).collect(), None, Some(2)).unwrap();
        assert_eq!(first.items, vec![0, 1]);
        assert!(first.is_truncated());
        let second = page((0..5).collect(), first.marker.as_deref(), Some(2)).unwrap();
        assert_eq!(second.items, vec![2, 3]);
        let last = page((0..5).collect(), second.marker.as_deref(), Some(2)).unwrap();
        assert_eq!(last.items, vec![4]);
        assert!(!last.is_truncated());
        assert!(page((0..5).collect::<Vec<i32>>(), Some("12"), None).is_err());
    }
}
