//! One-pass grouping of answers by a key column and/or a time bucket.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::distribution::check_weight;
use super::scale::score_error;
use super::{Distribution, Scale, Score};
use crate::error::{CxError, Result};

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
    fn per_day(self) -> i64 {
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

/// A timestamp column and how to bucket it.
#[derive(Debug, Clone, Copy)]
pub struct Timestamps<'a> {
    /// One timestamp per answer; `i64::MIN` (numpy's `NaT`) is missing.
    pub values: &'a [i64],
    /// Unit of `values`.
    pub unit: TimeUnit,
    /// Bucket to group by.
    pub bucket: TimeBucket,
}

/// The answers of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group<K> {
    /// The key, when grouping by a key column.
    pub key: Option<K>,
    /// First day of the time bucket, when grouping by time.
    pub period: Option<NaiveDate>,
    /// The group's answers; compute any measure from it.
    pub distribution: Distribution,
}

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_FROM_CE: i64 = 719_163;

/// A bucket as an ordered integer id, and back to its first day.
fn bucket_id(bucket: TimeBucket, day: i64) -> Option<i64> {
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

fn bucket_start(bucket: TimeBucket, id: i64) -> Option<NaiveDate> {
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

/// A group while counting: its key and the id of its time bucket.
type GroupId<'k, K> = (Option<&'k K>, Option<i64>);

/// Splits answers into groups by `keys` (segment, touchpoint, channel) and/or
/// by the time bucket of `time`, in one pass, and returns one
/// [`Distribution`] per group ordered by key, then period.
///
/// Any measure can then be computed per group (`group.distribution.nps(..)`).
/// Timestamps are bucketed in UTC; shift them first for local calendars.
///
/// # Errors
/// Answer and weight errors with their row (as
/// [`Distribution::extend_weighted`]); [`CxError::LengthMismatch`] when a
/// column's length differs from `scores`; [`CxError::Missing`] for a `NaT`
/// timestamp; [`CxError::OutOfRange`] for a timestamp outside the calendar.
///
/// # Examples
/// ```
/// use cx::survey::{group_by, NpsOptions, Scale};
/// let scores = [10u8, 3, 9, 9];
/// let keys = ["web", "store", "web", "store"];
/// let groups = group_by(Scale::NPS, &scores, None, Some(&keys[..]), None)?;
/// assert_eq!(groups[0].key, Some("store"));
/// assert_eq!(groups[1].distribution.nps(&NpsOptions::default())?.score, 100.0);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn group_by<T: Score, K: Hash + Eq + Ord + Clone>(
    scale: Scale,
    scores: &[T],
    weights: Option<&[f64]>,
    keys: Option<&[K]>,
    time: Option<Timestamps<'_>>,
) -> Result<Vec<Group<K>>> {
    let n = scores.len();
    let check_len = |argument: &'static str, len: usize| {
        if len == n {
            Ok(())
        } else {
            Err(CxError::LengthMismatch {
                argument,
                expected: n,
                actual: len,
                other: "scores",
            })
        }
    };
    if let Some(w) = weights {
        check_len("weights", w.len())?;
    }
    if let Some(k) = keys {
        check_len("keys", k.len())?;
    }
    if let Some(t) = &time {
        check_len("timestamps", t.values.len())?;
    }

    let k = scale.points();
    let mut index: HashMap<GroupId<'_, K>, usize> = HashMap::new();
    let mut order: Vec<GroupId<'_, K>> = Vec::new();
    let mut counts: Vec<u64> = Vec::new();
    let mut sums: Vec<f64> = Vec::new();
    let mut sum_w2: Vec<f64> = Vec::new();
    // Exported data is often sorted by key or time: remember the last group.
    let mut last: Option<(GroupId<'_, K>, usize)> = None;
    let mut last_day: Option<(i64, Option<i64>)> = None;

    for (i, &s) in scores.iter().enumerate() {
        let p = s
            .point_index(scale)
            .map_err(|bad| score_error("scores", i, s, bad, scale))?;
        let w = match weights {
            Some(w) => {
                check_weight("weights", i, w[i])?;
                w[i]
            }
            None => 1.0,
        };
        let period = match &time {
            None => None,
            Some(t) => {
                let ts = t.values[i];
                if ts == i64::MIN {
                    return Err(CxError::Missing {
                        argument: "timestamps",
                        index: i,
                    });
                }
                let day = ts.div_euclid(t.unit.per_day());
                let id = match last_day {
                    Some((d, id)) if d == day => id,
                    _ => {
                        let id = bucket_id(t.bucket, day);
                        last_day = Some((day, id));
                        id
                    }
                };
                if id.is_none() {
                    return Err(CxError::OutOfRange {
                        argument: "timestamps",
                        index: i,
                        value: ts.to_string(),
                        allowed: "dates representable in the proleptic Gregorian calendar".into(),
                    });
                }
                id
            }
        };
        let key = keys.map(|k| &k[i]);
        let g = match last {
            Some((lk, g)) if lk == (key, period) => g,
            _ => {
                let next = order.len();
                let g = *index.entry((key, period)).or_insert(next);
                if g == next {
                    order.push((key, period));
                    counts.resize(counts.len() + k, 0);
                    sums.resize(sums.len() + k, 0.0);
                    sum_w2.push(0.0);
                }
                last = Some(((key, period), g));
                g
            }
        };
        counts[g * k + p] += 1;
        sums[g * k + p] += w;
        sum_w2[g] += w * w;
    }

    let mut groups: Vec<(Option<&K>, Option<i64>, usize)> = order
        .iter()
        .enumerate()
        .map(|(g, &(key, period))| (key, period, g))
        .collect();
    groups.sort_unstable();
    let bucket = time.map(|t| t.bucket);
    Ok(groups
        .into_iter()
        .map(|(key, period, g)| Group {
            key: key.cloned(),
            period: period.and_then(|id| bucket.and_then(|b| bucket_start(b, id))),
            distribution: Distribution::from_parts(
                scale,
                counts[g * k..(g + 1) * k].to_vec(),
                sums[g * k..(g + 1) * k].to_vec(),
                sum_w2[g],
            ),
        })
        .collect())
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
