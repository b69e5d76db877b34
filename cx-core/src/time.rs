//! Parsing of dates and timestamps given as text, shared by every binding so
//! that the same string means the same instant in Rust, Python and
//! JavaScript.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

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
/// The forms, after surrounding whitespace is trimmed:
///
/// ```text
/// date    = YYYY "-" M[M] "-" D[D]
/// time    = h[h] ":" m[m] [ ":" s[s] [ "." digit+ ] ]      (second 60: a leap second)
/// offset  = "Z" | ("+" | "-") hh [":"] mm
/// text    = date [ ("T" | " ") time [offset] ]
/// ```
///
/// (`T` and `Z` in either case; fractions beyond milliseconds are cut, as
/// chrono's `timestamp_millis` does.) A fixed-layout reader rather than
/// chrono's format-string parser: it reads a column of ISO texts several
/// times faster, and the WebAssembly modules do not carry the general
/// parser (about 30 KB). chrono still checks the calendar date.
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
    let mut r = Reader(text.trim().as_bytes());
    let year = r.digits(4, 4)?;
    r.byte(b'-')?;
    let month = r.digits(1, 2)?;
    r.byte(b'-')?;
    let day = r.digits(1, 2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month as u32, day as u32)?;
    let days = i64::from(date.num_days_from_ce()) - UNIX_EPOCH_FROM_CE;
    let mut ms = days * 86_400_000;
    let Some(&sep) = r.0.first() else {
        return Some(ms);
    };
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    r.0 = &r.0[1..];
    let hour = r.digits(1, 2)?;
    r.byte(b':')?;
    let minute = r.digits(1, 2)?;
    let mut second = 0;
    let mut millis = 0;
    if r.byte(b':').is_some() {
        second = r.digits(1, 2)?;
        if r.byte(b'.').is_some() {
            let n = r.0.iter().take_while(|b| b.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            for (i, &b) in r.0[..n.min(3)].iter().enumerate() {
                millis += i64::from(b - b'0') * [100, 10, 1][i];
            }
            r.0 = &r.0[n..];
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second) * 1000 + millis;
    match r.0 {
        [] | [b'Z' | b'z'] => Some(ms),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let mut o = Reader(rest);
            let h = o.digits(2, 2)?;
            let _ = o.byte(b':');
            let m = o.digits(2, 2)?;
            if !o.0.is_empty() || h > 23 || m > 59 {
                return None;
            }
            let offset = (h * 60 + m) * 60_000;
            Some(if *sign == b'+' { ms - offset } else { ms + offset })
        }
        _ => None,
    }
}

/// The unread rest of a timestamp text.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    /// `min..=max` ASCII digits as a number.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let n = self.0.iter().take(max).take_while(|b| b.is_ascii_digit()).count();
        if n < min {
            return None;
        }
        let v = self.0[..n].iter().fold(0, |v, &b| v * 10 + i64::from(b - b'0'));
        self.0 = &self.0[n..];
        Some(v)
    }

    /// Consumes `b` if it comes next.
    fn byte(&mut self, b: u8) -> Option<()> {
        let (&first, rest) = self.0.split_first()?;
        (first == b).then(|| self.0 = rest)
    }
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

/// Unit of integer timestamps (counted from 1970-01-01T00:00:00 UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Days (numpy `datetime64[D]`, Arrow and polars `Date`).
    Days,
    /// Seconds (Unix time).
    Seconds,
    /// Milliseconds (JavaScript `Date`).
    Milliseconds,
    /// Microseconds.
    Microseconds,
    /// Nanoseconds (numpy `datetime64[ns]`, pandas).
    Nanoseconds,
}

impl TimeUnit {
    /// Timestamp units in one day (1 for days).
    pub fn per_day(self) -> i64 {
        86_400
            * match self {
                TimeUnit::Days => return 1,
                TimeUnit::Seconds => 1,
                TimeUnit::Milliseconds => 1_000,
                TimeUnit::Microseconds => 1_000_000,
                TimeUnit::Nanoseconds => 1_000_000_000,
            }
    }
}

impl TimeUnit {
    /// The day (counted from 1970-01-01) a timestamp falls on, in UTC.
    pub fn day_of(self, timestamp: i64) -> i64 {
        timestamp.div_euclid(self.per_day())
    }
}

impl std::str::FromStr for TimeUnit {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "D" | "d" => Ok(TimeUnit::Days),
            "s" => Ok(TimeUnit::Seconds),
            "ms" => Ok(TimeUnit::Milliseconds),
            "us" => Ok(TimeUnit::Microseconds),
            "ns" => Ok(TimeUnit::Nanoseconds),
            other => Err(CxError::invalid(
                "unit",
                other,
                "\"D\", \"s\", \"ms\", \"us\" or \"ns\"",
            )),
        }
    }
}

/// Calendar bucket of a timestamp, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBucket {
    /// Calendar day.
    Day,
    /// ISO 8601 week, starting on Monday.
    Week,
    /// Calendar month.
    Month,
}

impl std::str::FromStr for TimeBucket {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "day" => Ok(TimeBucket::Day),
            "week" => Ok(TimeBucket::Week),
            "month" => Ok(TimeBucket::Month),
            other => Err(CxError::invalid(
                "bucket",
                other,
                "\"day\", \"week\" or \"month\"",
            )),
        }
    }
}

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// A bucket as an ordered integer id, and back to its first day.
pub(crate) fn bucket_id(bucket: TimeBucket, day: i64) -> Option<i64> {
    match bucket {
        TimeBucket::Day => Some(day),
        // 1970-01-01 was a Thursday: shifting by 3 makes weeks start on Monday.
        TimeBucket::Week => Some((day + 3).div_euclid(7)),
        TimeBucket::Month => {
            let d = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + UNIX_EPOCH_FROM_CE).ok()?)?;
            Some(i64::from(d.year()) * 12 + i64::from(d.month0()))
        }
    }
}

pub(crate) fn bucket_start(bucket: TimeBucket, id: i64) -> Option<NaiveDate> {
    let from_day =
        |day: i64| NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + UNIX_EPOCH_FROM_CE).ok()?);
    match bucket {
        TimeBucket::Day => from_day(id),
        TimeBucket::Week => from_day(id * 7 - 3),
        TimeBucket::Month => NaiveDate::from_ymd_opt(
            i32::try_from(id.div_euclid(12)).ok()?,
            u32::try_from(id.rem_euclid(12)).ok()? + 1,
            1,
        ),
    }
}

/// The day number (from 1970-01-01) of a date.
pub(crate) fn day_of_date(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - UNIX_EPOCH_FROM_CE
}

/// The date of a day number (from 1970-01-01).
pub(crate) fn date_of_day(day: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + UNIX_EPOCH_FROM_CE).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_starts_on_monday() {
        // 2024-01-03 is a Wednesday; its ISO week starts on Monday 2024-01-01.
        let day = NaiveDate::from_ymd_opt(2024, 1, 3)
            .expect("valid")
            .num_days_from_ce() as i64
            - UNIX_EPOCH_FROM_CE;
        let id = bucket_id(TimeBucket::Week, day).expect("in range");
        assert_eq!(
            bucket_start(TimeBucket::Week, id),
            NaiveDate::from_ymd_opt(2024, 1, 1)
        );
    }

    #[test]
    fn month_before_epoch() {
        let day = NaiveDate::from_ymd_opt(1969, 12, 31)
            .expect("valid")
            .num_days_from_ce() as i64
            - UNIX_EPOCH_FROM_CE;
        let id = bucket_id(TimeBucket::Month, day).expect("in range");
        assert_eq!(
            bucket_start(TimeBucket::Month, id),
            NaiveDate::from_ymd_opt(1969, 12, 1)
        );
    }
}
