//! Pagination of KMS list operations (`Limit`, `Marker` -> `NextMarker`, `Truncated`).
//!
//! Items are listed in the order of a unique sort key (key id, alias name, tag key). A marker
//! is opaque to callers: base64url of `<list kind>\n<sort key of the last item returned>`, so a
//! page resumes after that item even if it was deleted meanwhile. A marker Lockbox did not
//! issue for this kind of list is `InvalidMarkerException` with the model's sentence (AWS's
//! own text is not recorded) [I].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::KmsError;
use crate::api::validate::{Echo, Validator};

/// `InvalidMarkerException` text (the model's description of the error).
pub const INVALID_MARKER: &str = "The request was rejected because the marker that specifies where pagination should next begin is not valid.";

/// One page of a listing.
#[derive(Debug)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Where the next page starts; `Some` exactly when `truncated`.
    pub next_marker: Option<String>,
    /// Whether more items follow.
    pub truncated: bool,
}

/// Adds the model's `LimitType` (1-1000) and `MarkerType` (1-1024, `[\u0020-\u00FF]*`)
/// constraints.
pub fn validate(v: &mut Validator, limit: Option<i64>, marker: Option<&str>) {
    v.range("Limit", limit, 1, 1000);
    v.length("Marker", marker, 1, 1024, Echo::Value);
    v.pattern("Marker", marker, "[\\u0020-\\u00FF]*", |m| {
        m.chars().all(|c| ('\u{20}'..='\u{FF}').contains(&c))
    });
}

/// The page of `items` (sorted by their unique `sort_key`) after `marker`, at most `limit`
/// long (`default` when absent, and never more than `max`, the documented page size).
pub fn page<T>(
    kind: &str,
    items: Vec<T>,
    sort_key: impl Fn(&T) -> &str,
    marker: Option<&str>,
    limit: Option<i64>,
    (default, max): (usize, usize),
) -> Result<Page<T>, KmsError> {
    let after = marker.map(|marker| decode(kind, marker)).transpose()?;
    let size = limit
        .and_then(|limit| usize::try_from(limit).ok())
        .unwrap_or(default)
        .clamp(1, max);
    let mut rest: Vec<T> = match &after {
        Some(after) => items
            .into_iter()
            .filter(|item| sort_key(item) > after.as_str())
            .collect(),
        None => items,
    };
    let truncated = rest.len() > size;
    rest.truncate(size);
    let next_marker = if truncated {
        rest.last().map(|last| encode(kind, sort_key(last)))
    } else {
        None
    };
    Ok(Page {
        items: rest,
        next_marker,
        truncated,
    })
}

fn encode(kind: &str, last: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}\n{last}"))
}

fn decode(kind: &str, marker: &str) -> Result<String, KmsError> {
    let invalid = || KmsError::InvalidMarker(INVALID_MARKER.to_owned());
    let raw = URL_SAFE_NO_PAD.decode(marker).map_err(|_| invalid())?;
    let raw = String::from_utf8(raw).map_err(|_| invalid())?;
    match raw.split_once('\n') {
        Some((issued_for, last)) if issued_for == kind => Ok(last.to_owned()),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("k{i:02}")).collect()
    }

    #[test]
    fn pages_cover_every_item_once() {
        let mut marker = None;
        let mut seen = Vec::new();
        loop {
            let page = page(
                "keys",
                names(7),
                |s| s.as_str(),
                marker.as_deref(),
                Some(3),
                (100, 1000),
            )
            .unwrap();
            assert_eq!(page.truncated, page.next_marker.is_some());
            seen.extend(page.items);
            match page.next_marker {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        assert_eq!(seen, names(7));
    }

    #[test]
    fn foreign_markers_are_refused() {
        let page_of = |marker: &str| {
            page(
                "keys",
                names(2),
                |s| s.as_str(),
                Some(marker),
                None,
                (100, 1000),
            )
            .map(|_| ())
        };
        assert_eq!(
            page_of("garbage!"),
            Err(KmsError::InvalidMarker(INVALID_MARKER.to_owned()))
        );
        assert!(page_of(&encode("aliases", "x")).is_err());
        assert!(page_of(&encode("keys", "k00")).is_ok());
    }

    #[test]
    fn the_page_size_is_capped() {
        let page = page(
            "tags",
            names(60),
            |s| s.as_str(),
            None,
            Some(1000),
            (50, 50),
        )
        .unwrap();
        assert_eq!(page.items.len(), 50);
        assert!(page.truncated);
    }
}
