//! Paging through a partition's secrets for ListSecrets and BatchGetSecretValue (Filters).
//!
//! A page starts strictly after the position carried by the `NextToken` (keyset paging, not
//! an offset), so secrets created or deleted between two calls never cause a duplicate or
//! skip a secret that exists for the whole walk. Cost per page:
//! - `created-date` (the default) and `name`: a range query on the [`Secrets`] indexes, then
//!   at most [`SCAN_BUDGET`] entries are examined: O(log n + budget), independent of n;
//! - `last-changed-date` and `last-accessed-date`: those change in place, so no index can
//!   follow them; each page sorts a snapshot of the partition (O(n log n)).
//!
//! When the budget runs out before the page is full (filters that rarely match), the page is
//! shorter — possibly empty — and still carries a `NextToken`, as AWS documents.
//!
//! The token is base64 of `v1|<sort-by>|<order>|<stamp>|<created>|<name>`: opaque to clients,
//! never empty, and refused (InvalidNextTokenException) when it does not decode or was made
//! for another sort.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;

use super::error::SmError;
use super::filter::SecretFilters;
use super::secret::Secret;
use super::table::Secrets;

/// Most secrets examined for one page.
pub const SCAN_BUDGET: usize = 1000;

/// InvalidNextTokenException text for a token Lockbox did not issue (AWS's exact text is
/// unrecorded; this follows its "You provided ..." wording).
pub const INVALID_NEXT_TOKEN: &str = "You provided an invalid NextToken value.";

/// ListSecrets' `SortBy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// `created-date` (the default).
    #[default]
    CreatedDate,
    /// `last-accessed-date` (never-read secrets first in ascending order).
    LastAccessedDate,
    /// `last-changed-date`.
    LastChangedDate,
    /// `name`.
    Name,
}

/// The model's `SortByType` enum.
pub const SORT_BY_VALUES: [&str; 4] = [
    "created-date",
    "last-accessed-date",
    "last-changed-date",
    "name",
];
/// The model's `SortOrderType` enum.
pub const SORT_ORDER_VALUES: [&str; 2] = ["asc", "desc"];

impl SortBy {
    /// The sort a validated `SortBy` names (`None` -> created-date).
    pub fn parse(value: Option<&str>) -> SortBy {
        match value {
            Some("last-accessed-date") => SortBy::LastAccessedDate,
            Some("last-changed-date") => SortBy::LastChangedDate,
            Some("name") => SortBy::Name,
            _ => SortBy::CreatedDate,
        }
    }

    fn code(self) -> &'static str {
        match self {
            SortBy::CreatedDate => "c",
            SortBy::LastAccessedDate => "a",
            SortBy::LastChangedDate => "m",
            SortBy::Name => "n",
        }
    }
}

/// How to walk the secrets for one page.
#[derive(Debug, Clone)]
pub struct Walk<'f> {
    /// Sort key.
    pub sort_by: SortBy,
    /// Newest / last name first. Decision: the default (no SortOrder) is ascending, the order
    /// AWS was observed to list in (oldest first).
    pub descending: bool,
    /// Include secrets scheduled for deletion.
    pub include_planned_deletion: bool,
    /// Filters every listed secret must pass.
    pub filters: &'f SecretFilters,
    /// Page size.
    pub max_results: usize,
    /// Entries examined at most (normally [`SCAN_BUDGET`]).
    pub budget: usize,
}

/// A secret's place in a sort: `stamp` (last changed / last accessed, in nanoseconds) first,
/// then creation time, then name. For `name` only the name is set; for `created-date` the
/// stamp is unused.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    stamp: Option<i128>,
    created: i128,
    name: String,
}

impl Position {
    fn of(secret: &Secret, sort_by: SortBy) -> Position {
        let created = secret.created.unix_timestamp_nanos();
        let name = secret.name.clone();
        match sort_by {
            SortBy::Name => Position {
                stamp: None,
                created: 0,
                name,
            },
            SortBy::CreatedDate => Position {
                stamp: None,
                created,
                name,
            },
            SortBy::LastChangedDate => Position {
                stamp: Some(secret.last_changed.unix_timestamp_nanos()),
                created,
                name,
            },
            SortBy::LastAccessedDate => Position {
                stamp: secret.last_accessed.get().map(|d| d.unix_timestamp_nanos()),
                created,
                name,
            },
        }
    }
}

/// Where the previous page stopped, decoded from a `NextToken`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    sort_by: SortBy,
    descending: bool,
    after: Position,
}

impl Cursor {
    /// Encodes the cursor as an opaque, non-empty token.
    pub fn token(&self) -> String {
        let stamp = self
            .after
            .stamp
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let order = if self.descending { "desc" } else { "asc" };
        let raw = format!(
            "v1|{}|{order}|{stamp}|{}|{}",
            self.sort_by.code(),
            self.after.created,
            self.after.name
        );
        STANDARD.encode(raw)
    }

    /// Decodes a token issued for this sort; anything else is InvalidNextTokenException.
    pub fn decode(token: &str, sort_by: SortBy, descending: bool) -> Result<Cursor, SmError> {
        let invalid = || SmError::InvalidNextToken(INVALID_NEXT_TOKEN.to_owned());
        let bytes = STANDARD.decode(token).map_err(|_| invalid())?;
        let raw = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = raw.splitn(6, '|');
        let mut next = || parts.next().ok_or_else(invalid);
        let (version, by, order) = (next()?, next()?, next()?);
        let (stamp, created, name) = (next()?, next()?, next()?);
        let order_matches = order == if descending { "desc" } else { "asc" };
        if version != "v1" || by != sort_by.code() || !order_matches || name.is_empty() {
            return Err(invalid());
        }
        let stamp = match stamp {
            "-" => None,
            n => Some(n.parse::<i128>().map_err(|_| invalid())?),
        };
        let created = created.parse::<i128>().map_err(|_| invalid())?;
        Ok(Cursor {
            sort_by,
            descending,
            after: Position {
                stamp,
                created,
                name: name.to_owned(),
            },
        })
    }
}

/// One page: the listed secrets and, when more may follow, the cursor after them.
#[derive(Debug)]
pub struct Page<'s> {
    /// Secrets on this page, in sort order.
    pub secrets: Vec<&'s Secret>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// The page of `walk` that starts after `cursor` (or at the beginning).
pub fn page<'s>(secrets: &'s Secrets, walk: &Walk<'_>, cursor: Option<&Cursor>) -> Page<'s> {
    let after = cursor.map(|c| &c.after);
    let candidates: Box<dyn Iterator<Item = &'s Secret> + 's> = match walk.sort_by {
        SortBy::CreatedDate => {
            let key = after.map(|at| (at_time(at.created), at.name.clone()));
            secrets.in_creation_order_after(key.as_ref(), walk.descending)
        }
        SortBy::Name => {
            secrets.in_name_order_after(after.map(|at| at.name.as_str()), walk.descending)
        }
        SortBy::LastChangedDate | SortBy::LastAccessedDate => {
            Box::new(snapshot(secrets, walk, after.cloned()).into_iter())
        }
    };
    collect(candidates, walk)
}

/// The creation time a cursor stored (nanoseconds; out-of-range values clamp).
fn at_time(nanos: i128) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(if nanos < 0 {
        OffsetDateTime::UNIX_EPOCH
    } else {
        time::macros::datetime!(9999-12-31 23:59:59 UTC)
    })
}

/// The secrets after `after` in an order no index follows: sort a snapshot.
fn snapshot<'s>(secrets: &'s Secrets, walk: &Walk<'_>, after: Option<Position>) -> Vec<&'s Secret> {
    let mut all: Vec<(Position, &Secret)> = secrets
        .iter()
        .map(|s| (Position::of(s, walk.sort_by), s))
        .filter(|(position, _)| match &after {
            None => true,
            Some(at) if walk.descending => position < at,
            Some(at) => position > at,
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    if walk.descending {
        all.reverse();
    }
    all.into_iter().map(|(_, s)| s).collect()
}

fn collect<'s>(candidates: impl Iterator<Item = &'s Secret>, walk: &Walk<'_>) -> Page<'s> {
    let mut listed = Vec::new();
    let mut last_examined: Option<&Secret> = None;
    let cursor_at = |secret: &Secret| Cursor {
        sort_by: walk.sort_by,
        descending: walk.descending,
        after: Position::of(secret, walk.sort_by),
    };
    for (examined, secret) in candidates.enumerate() {
        if examined == walk.budget {
            // Unexamined secrets remain: resume after the last one looked at.
            let next = last_examined.map(cursor_at);
            return Page {
                secrets: listed,
                next,
            };
        }
        let eligible = (walk.include_planned_deletion || secret.deleted.is_none())
            && walk.filters.matches(secret);
        if eligible && listed.len() == walk.max_results {
            // One more secret will be listed: resume after the last one looked at (every
            // secret examined since the last listed one was ineligible).
            return Page {
                secrets: listed,
                next: last_examined.map(cursor_at),
            };
        }
        last_examined = Some(secret);
        if eligible {
            listed.push(secret);
        }
    }
    Page {
        secrets: listed,
        next: None,
    }
}
