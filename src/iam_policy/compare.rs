//! How one request value compares with one policy value, per operator family, before any
//! negation: exact or case-insensitive text, globs, numbers, instants (ISO 8601 or epoch
//! seconds), booleans, base64 bytes, CIDR ranges and ARNs. A value that does not parse as the
//! family's type matches nothing.

use std::cmp::Ordering;
use std::net::IpAddr;

use base64::Engine as _;
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

use super::pattern::{Token, arn_tokens_match, literal_text, tokens_match};

/// The comparison behind a group of operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Case-sensitive equality.
    Exact,
    /// Equality ignoring case.
    IgnoreCase,
    /// `*` / `?` glob, case-sensitive.
    Glob,
    /// Request number against policy number: the ordering wanted, and whether equal counts.
    Numeric(Ordering, bool),
    /// Request instant against policy instant: the ordering wanted, and whether equal counts.
    Date(Ordering, bool),
    /// `true` / `false` without regard to case.
    Bool,
    /// Same bytes once base64-decoded.
    Binary,
    /// Address within a CIDR range.
    Ip,
    /// ARN glob per segment.
    Arn,
}

/// Whether the request `value` satisfies the policy value `pattern` under `family`.
pub fn positive_match(family: Family, pattern: &[Token], value: &str) -> bool {
    match family {
        Family::Exact => literal_text(pattern) == value,
        Family::IgnoreCase | Family::Bool => {
            literal_text(pattern).to_lowercase() == value.to_lowercase()
        }
        Family::Glob => tokens_match(pattern, value),
        Family::Numeric(wanted, or_equal) => {
            match (number(&literal_text(pattern)), number(value)) {
                (Some(expected), Some(actual)) => {
                    ordered(actual.partial_cmp(&expected), wanted, or_equal)
                }
                _ => false,
            }
        }
        Family::Date(wanted, or_equal) => match (instant(&literal_text(pattern)), instant(value)) {
            (Some(expected), Some(actual)) => {
                ordered(Some(actual.cmp(&expected)), wanted, or_equal)
            }
            _ => false,
        },
        Family::Binary => {
            let engine = base64::engine::general_purpose::STANDARD;
            match (engine.decode(literal_text(pattern)), engine.decode(value)) {
                (Ok(expected), Ok(actual)) => expected == actual,
                _ => false,
            }
        }
        Family::Ip => in_range(&literal_text(pattern), value),
        Family::Arn => arn_tokens_match(pattern, value, false) && value.starts_with("arn:"),
    }
}

fn ordered(found: Option<Ordering>, wanted: Ordering, or_equal: bool) -> bool {
    match found {
        Some(Ordering::Equal) => or_equal,
        Some(order) => order == wanted,
        None => false,
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

/// An instant written as ISO 8601 (`2024-01-01T00:00:00Z`, or a bare date) or epoch seconds.
pub fn instant(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(seconds) = text.parse::<i64>() {
        return OffsetDateTime::from_unix_timestamp(seconds).ok();
    }
    if let Ok(parsed) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(parsed);
    }
    if let Ok(parsed) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(parsed);
    }
    time::Date::parse(text, &Iso8601::DEFAULT)
        .ok()
        .map(|date| date.midnight().assume_utc())
}

/// Whether `address` lies within `range` (`a.b.c.d/n`, a v6 range, or a bare address).
fn in_range(range: &str, address: &str) -> bool {
    let Ok(address) = address.trim().parse::<IpAddr>() else {
        return false;
    };
    let (network, prefix) = match range.trim().split_once('/') {
        Some((network, prefix)) => match (network.parse::<IpAddr>(), prefix.parse::<u32>()) {
            (Ok(network), Ok(prefix)) => (network, prefix),
            _ => return false,
        },
        None => match range.trim().parse::<IpAddr>() {
            Ok(network) => {
                let bits = if network.is_ipv4() { 32 } else { 128 };
                (network, bits)
            }
            Err(_) => return false,
        },
    };
    match (network, address) {
        (IpAddr::V4(network), IpAddr::V4(address)) if prefix <= 32 => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            u32::from(network) & mask == u32::from(address) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(address)) if prefix <= 128 => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            u128::from(network) & mask == u128::from(address) & mask
        }
        _ => false,
    }
}
