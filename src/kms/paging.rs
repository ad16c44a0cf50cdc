//! Pagination of every KMS list operation (`Limit`, `Marker` -> `NextMarker`, `Truncated`):
//! ListKeys, ListAliases, ListResourceTags, ListGrants, ListRetirableGrants, ListKeyRotations
//! and ListKeyPolicies, each a [`Listing`].
//!
//! A listing is in a fixed order and each of its items has an id unique in it (key id, alias
//! name, tag key, grant id, key material id). A marker is opaque to callers: base64url of
//! `<listing>\n<id of the last item returned>`, and the next page starts after that item. When
//! that item is gone meanwhile, a listing ordered by id resumes where it would sort; a listing
//! in creation order cannot tell where it stood, so its marker is no longer valid. A marker
//! that is not one Lockbox issued for the same listing is `InvalidMarkerException`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::KmsError;
use crate::api::validate::{Echo, Validator};

/// `InvalidMarkerException` text of every listing: the model's description of the error
/// (AWS's own wording for a bad marker is not documented).
pub const INVALID_MARKER: &str = "The request was rejected because the marker that specifies where pagination should next begin is not valid.";

/// A KMS list operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// ListKeys: keys by key id.
    Keys,
    /// ListAliases: aliases by name.
    Aliases,
    /// ListResourceTags: tags by tag key.
    ResourceTags,
    /// ListGrants: a key's grants, oldest first.
    Grants,
    /// ListRetirableGrants: keys by id, each key's grants oldest first.
    RetirableGrants,
    /// ListKeyRotations: the first key material (when asked for), then rotations, oldest first.
    KeyRotations,
    /// ListKeyPolicies: one policy, always on one page.
    KeyPolicies,
}

impl Listing {
    /// The name a marker carries, so a marker of one listing is refused by another.
    fn name(self) -> &'static str {
        match self {
            Listing::Keys => "keys",
            Listing::Aliases => "aliases",
            Listing::ResourceTags => "tags",
            Listing::Grants => "grants",
            Listing::RetirableGrants => "retirable-grants",
            Listing::KeyRotations => "rotations",
            Listing::KeyPolicies => "policies",
        }
    }

    /// Whether items are in the order of their ids (else in creation order).
    fn ordered_by_id(self) -> bool {
        matches!(
            self,
            Listing::Keys | Listing::Aliases | Listing::ResourceTags | Listing::KeyPolicies
        )
    }

    /// The model's maximum `Limit`.
    fn max_limit(self) -> i64 {
        match self {
            Listing::Grants | Listing::RetirableGrants => 100,
            _ => 1000,
        }
    }

    /// `(default, most)` items on a page: the documented page sizes.
    fn page_size(self) -> (usize, usize) {
        match self {
            Listing::Keys | Listing::KeyRotations | Listing::KeyPolicies => (100, 1000),
            Listing::Aliases => (50, 100),
            Listing::ResourceTags => (50, 50),
            Listing::Grants | Listing::RetirableGrants => (50, 100),
        }
    }
}

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

/// The `Limit` and `Marker` of a list request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// `Limit`: most items on the page.
    pub limit: Option<i64>,
    /// `Marker`: where the page starts.
    pub marker: Option<String>,
}

/// Adds the model's `LimitType` (1 to the listing's maximum) and `MarkerType` (1-1024,
/// `[\u0020-\u00FF]*`) constraints to `v`; hands the members back as a [`PageRequest`].
pub fn validate(
    v: &mut Validator,
    listing: Listing,
    limit: Option<i64>,
    marker: Option<String>,
) -> PageRequest {
    v.range("Limit", limit, 1, listing.max_limit());
    v.length("Marker", marker.as_deref(), 1, 1024, Echo::Value);
    v.pattern("Marker", marker.as_deref(), "[\\u0020-\\u00FF]*", |m| {
        m.chars().all(|c| ('\u{20}'..='\u{FF}').contains(&c))
    });
    PageRequest { limit, marker }
}

/// The page of `items` (in the listing's order, each with its unique `id`) that `request`
/// asks for: after its marker, at most its limit long (the listing's default when absent,
/// never more than its page size).
pub fn page<T>(
    listing: Listing,
    items: Vec<T>,
    id: impl Fn(&T) -> &str,
    request: &PageRequest,
) -> Result<Page<T>, KmsError> {
    let start = match request.marker.as_deref() {
        None => 0,
        Some(marker) => {
            let last = decode(listing, marker)?;
            match items.iter().position(|item| id(item) == last) {
                Some(at) => at + 1,
                None if listing.ordered_by_id() => {
                    items.partition_point(|item| id(item) < last.as_str())
                }
                None => return Err(invalid(listing)),
            }
        }
    };
    let (default, most) = listing.page_size();
    let size = request
        .limit
        .and_then(|limit| usize::try_from(limit).ok())
        .unwrap_or(default)
        .clamp(1, most);
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let truncated = rest.len() > size;
    rest.truncate(size);
    let next_marker = match truncated {
        true => rest.last().map(|last| encode(listing, id(last))),
        false => None,
    };
    Ok(Page {
        items: rest,
        next_marker,
        truncated,
    })
}

fn invalid(_listing: Listing) -> KmsError {
    KmsError::InvalidMarker(INVALID_MARKER.to_owned())
}

fn encode(listing: Listing, last: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}\n{last}", listing.name()))
}

fn decode(listing: Listing, marker: &str) -> Result<String, KmsError> {
    let raw = URL_SAFE_NO_PAD
        .decode(marker)
        .map_err(|_| invalid(listing))?;
    let raw = String::from_utf8(raw).map_err(|_| invalid(listing))?;
    match raw.split_once('\n') {
        Some((issued_for, last)) if issued_for == listing.name() => Ok(last.to_owned()),
        _ => Err(invalid(listing)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("k{i:02}")).collect()
    }

    fn request(marker: Option<&str>, limit: Option<i64>) -> PageRequest {
        PageRequest {
            limit,
            marker: marker.map(str::to_owned),
        }
    }

    fn all_pages(listing: Listing, items: &[String], limit: i64) -> Vec<String> {
        let mut marker = None;
        let mut seen = Vec::new();
        loop {
            let request = request(marker.as_deref(), Some(limit));
            let page = page(listing, items.to_vec(), |s| s.as_str(), &request).unwrap();
            assert_eq!(page.truncated, page.next_marker.is_some());
            seen.extend(page.items);
            match page.next_marker {
                Some(next) => marker = Some(next),
                None => return seen,
            }
        }
    }

    #[test]
    fn pages_cover_every_item_once() {
        assert_eq!(all_pages(Listing::Keys, &names(7), 3), names(7));
        let unordered: Vec<String> = names(7).into_iter().rev().collect();
        assert_eq!(all_pages(Listing::Grants, &unordered, 2), unordered);
    }

    #[test]
    fn foreign_markers_are_refused() {
        let page_of = |listing: Listing, marker: &str| {
            page(
                listing,
                names(2),
                |s| s.as_str(),
                &request(Some(marker), None),
            )
            .map(|_| ())
        };
        assert_eq!(
            page_of(Listing::Keys, "garbage!"),
            Err(KmsError::InvalidMarker(INVALID_MARKER.to_owned()))
        );
        assert_eq!(
            page_of(Listing::Grants, "garbage!"),
            Err(KmsError::InvalidMarker(INVALID_MARKER.to_owned()))
        );
        assert!(page_of(Listing::Keys, &encode(Listing::Aliases, "x")).is_err());
        assert!(page_of(Listing::Keys, &encode(Listing::Keys, "k00")).is_ok());
    }

    #[test]
    fn a_gone_item_resumes_by_id_or_invalidates_a_creation_order_marker() {
        let items = names(5);
        let marker = encode(Listing::Keys, "k01x");
        let resumed = page(
            Listing::Keys,
            items.clone(),
            |s| s.as_str(),
            &request(Some(&marker), None),
        );
        assert_eq!(resumed.unwrap().items, names(5)[2..].to_vec());
        let marker = encode(Listing::Grants, "gone");
        assert!(matches!(
            page(
                Listing::Grants,
                items,
                |s| s.as_str(),
                &request(Some(&marker), None)
            ),
            Err(KmsError::InvalidMarker(_))
        ));
    }

    #[test]
    fn the_page_size_is_capped() {
        let page = page(
            Listing::ResourceTags,
            names(60),
            |s| s.as_str(),
            &request(None, Some(1000)),
        )
        .unwrap();
        assert_eq!(page.items.len(), 50);
        assert!(page.truncated);
    }
}
