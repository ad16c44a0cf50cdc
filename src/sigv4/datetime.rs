//! Request time handling: parsing `X-Amz-Date` (ISO-8601 basic format) or `Date` (IMF-fixdate),
//! formatting in the compact `yyyymmddTHHMMSSZ` form, and the 5-minute clock-skew window.

use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::error::Error;

/// Maximum allowed distance between the request time and the server's `now`.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(5);

/// Formats as `yyyymmddTHHMMSSZ` (UTC).
pub fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses the strict ISO-8601 basic format `yyyymmddTHHMMSSZ`.
pub fn parse_amz_date(value: &str) -> Option<OffsetDateTime> {
    let b = value.as_bytes();
    let shape_ok = b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit);
    if !shape_ok {
        return None;
    }
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(value, format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Parses an HTTP `Date` header in IMF-fixdate form, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(value.trim(), format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Rejects a request time outside `now ± 5 min` with AWS's expired / not-yet-current texts.
pub fn check_skew(request_time: OffsetDateTime, now: OffsetDateTime) -> Result<(), Error> {
    let earliest = now - MAX_CLOCK_SKEW;
    let latest = now + MAX_CLOCK_SKEW;
    let (req, now_s) = (format_amz_date(request_time), format_amz_date(now));
    if request_time < earliest {
        return Err(Error::expired(&req, &format_amz_date(earliest), &now_s));
    }
    if request_time > latest {
        return Err(Error::not_yet_current(
            &req,
            &format_amz_date(latest),
            &now_s,
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn amz_date_roundtrip_and_strictness() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t, datetime!(2015-08-30 12:36:00 UTC));
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        for bad in [
            "2015-08-30T12:36:00Z",
            "20150830T123600",
            "20151330T123600Z",
            "+0150830T123600Z",
            "20150830t123600Z",
            "",
        ] {
            assert!(parse_amz_date(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_date() {
        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            Some(datetime!(2015-08-30 12:36:00 UTC))
        );
        assert!(parse_http_date("30 Aug 2015").is_none());
    }

    #[test]
    fn skew_messages_are_aws_texts() {
        let now = datetime!(2025-11-06 13:26:08 UTC);
        let old = datetime!(2025-11-05 22:08:58 UTC);
        assert_eq!(
            check_skew(old, now).unwrap_err().message(),
            "Signature expired: 20251105T220858Z is now earlier than 20251106T132108Z (20251106T132608Z - 5 min.)"
        );
        let future = datetime!(2025-11-06 13:31:09 UTC);
        assert_eq!(
            check_skew(future, now).unwrap_err().message(),
            "Signature not yet current: 20251106T133109Z is still later than 20251106T133108Z (20251106T132608Z + 5 min.)"
        );
        // The bounds themselves are accepted.
        assert!(check_skew(now - MAX_CLOCK_SKEW, now).is_ok());
        assert!(check_skew(now + MAX_CLOCK_SKEW, now).is_ok());
    }
}
