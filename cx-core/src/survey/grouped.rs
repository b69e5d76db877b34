//! One-pass grouping of answers by a key column and/or a time bucket.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::distribution::check_weight;
use super::scale::score_error;
use super::{Distribution, Scale, Score};
use crate::error::{CxError, Result};
use crate::time::{TimeBucket, TimeUnit, bucket_id, bucket_start};

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
    let check_len = |argument: &'static str, len: usize| CxError::check_len(argument, len, "scores", n);
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
                let day = t.unit.day_of(ts);
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
