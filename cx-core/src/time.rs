//! Parsing of dates and timestamps given as text, shared by every binding so
//! that the same string means the same instant in Rust, Python and
//! JavaScript.

use chrono::{DateTime, NaiveDate, NaiveDateTime};

use crate::error::{CxError, Result};

/// The forms [`parse_timestamp_ms`] accepts, for error messages.
pub const ACCEPTED_FORMS: &str =
    "YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.fff] (UTC), or RFC 3339 with Z or an offset";

/// Milliseconds since 1970-01-01T00:00:00Z of a date or timestamp.
///
/// A date is its midnight; a timestamp without offset is read as UTC (a 'T'
/// or a space may separate date and time); an RFC 3339 timestamp with `Z` or
/// an offset is converted to UTC. Returns `None` for anything else.
///
/// # Examples
/// ```
/// use cx::time::parse_timestamp_ms;
/// assert_eq!(parse_timestamp_ms("1970-01-02"), Some(86_400_000));
/// assert_eq!(parse_timestamp_ms("1970-01-01T01:00:00+01:00"), Some(0));
/// assert_eq!(parse_timestamp_ms("1970-01-01 00:00:01.5"), Some(1_500));
/// assert_eq!(parse_timestamp_ms("yesterday"), None);
/// ```
pub fn parse_timestamp_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    None
}

/// Parses a column of texts with [`parse_timestamp_ms`].
///
/// # Errors
/// [`CxError::Parse`] naming `argument`, the first bad row and its text.
pub fn parse_timestamps_ms<S: AsRef<str>>(argument: &'static str, texts: &[S]) -> Result<Vec<i64>> {
    texts
        .iter()
        .enumerate()
        .map(|(index, s)| {
            parse_timestamp_ms(s.as_ref()).ok_or_else(|| CxError::Parse {
                argument,
                index,
                value: s.as_ref().to_owned(),
                expected: ACCEPTED_FORMS.to_owned(),
            })
        })
        .collect()
}
