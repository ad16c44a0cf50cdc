//! `/_lockbox/clock`: read and move the virtual clock that every business decision uses
//! (recovery windows, timestamps). SigV4 keeps checking request dates against real time.
//!
//! `GET` -> `{"now": "<RFC 3339>", "offset_seconds": N}`. `POST` with `{"advance": "8d"}`
//! (units `s`, `m`, `h`, `d`, combinable as in `"1d12h"`) or `{"set": "<RFC 3339>"}` moves
//! time forward, runs the work that became due (so expired secrets are gone on return) and
//! answers like `GET`. Time never moves backwards: an earlier `set`, a negative or malformed
//! amount, or a body naming neither or both is a 400 with `{"error": "..."}`, and so is a
//! move that would take virtual time to the year 9000 or later ([`crate::clock::LATEST`]):
//! the offset is then left unchanged.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::app::AppState;
use crate::clock::{Clock as _, ClockError, LATEST};

const USAGE: &str = "expected {\"advance\": \"<amount>\"} with units s, m, h, d (e.g. \"8d\", \"1d12h\") or {\"set\": \"<RFC 3339 time>\"}";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoveRequest {
    advance: Option<String>,
    set: Option<String>,
}

/// `GET /_lockbox/clock`: the current virtual time and its offset from real time.
pub async fn read(State(app): State<Arc<AppState>>) -> (StatusCode, Json<Value>) {
    (StatusCode::OK, Json(snapshot(&app)))
}

/// `POST /_lockbox/clock`: moves virtual time forward, then purges what became due.
pub async fn move_forward(
    State(app): State<Arc<AppState>>,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    match apply(&app, &body) {
        Ok(()) => {
            if let Err(error) = app.store_clock() {
                tracing::error!(%error, "the clock offset could not be stored");
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"error": "the clock moved but its offset could not be stored"})),
                );
            }
            app.run_due_work();
            let now = snapshot(&app);
            tracing::info!(now = %now["now"], "virtual clock moved");
            (StatusCode::OK, Json(now))
        }
        Err(message) => (StatusCode::BAD_REQUEST, Json(json!({ "error": message }))),
    }
}

fn apply(app: &AppState, body: &[u8]) -> Result<(), String> {
    let request: MoveRequest = serde_json::from_slice(body).map_err(|_| USAGE.to_owned())?;
    match (request.advance, request.set) {
        (Some(amount), None) => {
            let by = parse_amount(&amount)?;
            app.clock.try_advance(by).map_err(|_| too_late(&amount))
        }
        (None, Some(time)) => {
            let target = OffsetDateTime::parse(&time, &Rfc3339)
                .map_err(|_| format!("'set' must be an RFC 3339 time such as \"2027-01-01T00:00:00Z\", got \"{time}\""))?;
            app.clock.advance_to(target).map_err(|error| match error {
                ClockError::WouldGoBack => format!(
                    "virtual time only moves forward: {time} is earlier than the current virtual time {}",
                    rfc3339(app.clock.now())
                ),
                ClockError::TooLate => too_late(&time),
            })
        }
        _ => Err(USAGE.to_owned()),
    }
}

/// The refusal of a move that would reach [`LATEST`].
fn too_late(asked: &str) -> String {
    format!(
        "virtual time must stay before {}: \"{asked}\" would take it there or beyond; the clock did not move",
        rfc3339(LATEST)
    )
}

/// Parses `"8d"`, `"90s"`, `"1d12h30m"`: one or more `<digits><unit>` groups.
fn parse_amount(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "'advance' must be a positive amount such as \"8d\" or \"1d12h\" (units s, m, h, d), got \"{text}\""
        )
    };
    let mut total = Duration::ZERO;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit_seconds: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(invalid()),
        };
        let count: i64 = digits.parse().map_err(|_| invalid())?;
        let seconds = count.checked_mul(unit_seconds).ok_or_else(invalid)?;
        total = total
            .checked_add(Duration::seconds(seconds))
            .ok_or_else(invalid)?;
        digits.clear();
    }
    if text.is_empty() || !digits.is_empty() {
        return Err(invalid());
    }
    Ok(total)
}

fn snapshot(app: &AppState) -> Value {
    json!({
        "now": rfc3339(app.clock.now()),
        "offset_seconds": app.clock.offset().whole_seconds(),
    })
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_with_units_and_combinations() {
        assert_eq!(parse_amount("8d"), Ok(Duration::days(8)));
        assert_eq!(parse_amount("90s"), Ok(Duration::seconds(90)));
        assert_eq!(parse_amount("15m"), Ok(Duration::minutes(15)));
        assert_eq!(
            parse_amount("1d12h30m5s"),
            Ok(Duration::days(1)
                + Duration::hours(12)
                + Duration::minutes(30)
                + Duration::seconds(5))
        );
        for bad in [
            "",
            "8",
            "d",
            "-1d",
            "1w",
            "1.5d",
            " 1d",
            "1d ",
            "99999999999999999999d",
        ] {
            assert!(parse_amount(bad).is_err(), "{bad}");
        }
    }
}
