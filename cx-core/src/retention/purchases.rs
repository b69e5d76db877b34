//! From raw transaction rows to each customer's purchases per period: the
//! one pass every retention measure starts from.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};
use crate::time::{TimeBucket, TimeUnit, bucket_id, bucket_start, day_of_date};

/// Days since 1970-01-01 of 0001-01-01 and 9999-12-31: the span of order
/// dates [`Purchases::from_transactions`] accepts.
const FIRST_DAY: i64 = -719_162;
const LAST_DAY: i64 = 2_932_896;

/// A table of transactions, one row per order line or order: who bought,
/// when, and optionally for how much. Rows may come in any order.
#[derive(Debug, Clone, Copy)]
pub struct Transactions<'a, K> {
    /// Customer of each row.
    pub customers: &'a [K],
    /// Time of each row, as integers counted from 1970-01-01T00:00:00 UTC;
    /// `i64::MIN` (numpy's `NaT`) is missing.
    pub timestamps: &'a [i64],
    /// Unit of `timestamps`.
    pub unit: TimeUnit,
    /// Amount of each row, if known.
    pub amounts: Option<&'a [f64]>,
}

/// How many rows went where: every input row is accounted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RowReport {
    /// Rows given.
    pub rows: usize,
    /// Rows used (on or before the end of observation).
    pub used: usize,
    /// Rows merged into another row of the same customer and period
    /// (their amounts are summed): `used − merged` purchases remain.
    pub merged: usize,
    /// Rows after the end of observation, left out.
    pub after_end: usize,
    /// Customers with at least one used row.
    pub customers: usize,
}

/// Each customer's purchases: one per period in which they bought, with the
/// amounts of that period summed. Customers are in ascending key order,
/// their purchases in ascending period order.
#[derive(Debug, Clone, PartialEq)]
pub struct Purchases<K> {
    /// The period unit purchases are counted in.
    pub bucket: TimeBucket,
    /// Customers, ascending.
    pub customers: Vec<K>,
    /// `offsets[i]..offsets[i + 1]` are customer `i`'s purchases.
    pub offsets: Vec<usize>,
    /// Period id of each purchase (days, ISO weeks or months since the epoch;
    /// see [`Purchases::period_start`]).
    pub periods: Vec<i64>,
    /// Summed amount of each purchase (0 when no amounts were given).
    pub amounts: Vec<f64>,
    /// Period id of the end of observation.
    pub end: i64,
    /// Whether amounts were given.
    pub has_amounts: bool,
    /// Where the rows went.
    pub report: RowReport,
}

/// Options of [`Purchases::from_transactions`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PurchaseOptions {
    /// Period unit: purchases of one customer in one period are one purchase.
    pub bucket: Option<TimeBucket>,
    /// Last day observed; rows in later periods are left out. Default: the
    /// day of the last row.
    pub observation_end: Option<NaiveDate>,
    /// Accept negative amounts (refunds and returns); rejected by default.
    pub allow_negative_amounts: bool,
}

impl<K: Hash + Eq + Ord + Clone> Purchases<K> {
    /// Groups transactions into purchases per customer and period in one
    /// linear pass (hashing the customers) plus a sort of each customer's
    /// own rows.
    ///
    /// # Errors
    /// [`CxError::Empty`] without rows; [`CxError::LengthMismatch`];
    /// [`CxError::Missing`] for a `NaT` timestamp; [`CxError::NotFinite`]
    /// for a NaN amount and [`CxError::OutOfRange`] for a negative one
    /// (unless allowed) or a timestamp outside the calendar;
    /// [`CxError::InvalidParameter`] when the end of observation precedes
    /// every row.
    pub fn from_transactions(tx: &Transactions<'_, K>, options: &PurchaseOptions) -> Result<Self> {
        let n = tx.customers.len();
        if n == 0 {
            return Err(CxError::Empty {
                argument: "customers",
            });
        }
        let check = |argument: &'static str, len: usize| CxError::check_len(argument, len, "customers", n);
        check("timestamps", tx.timestamps.len())?;
        if let Some(a) = tx.amounts {
            check("amounts", a.len())?;
            for (index, &v) in a.iter().enumerate() {
                if !v.is_finite() {
                    return Err(CxError::NotFinite {
                        argument: "amounts",
                        index,
                        value: v,
                    });
                }
                if v < 0.0 && !options.allow_negative_amounts {
                    return Err(CxError::OutOfRange {
                        argument: "amounts",
                        index,
                        value: v.to_string(),
                        allowed: ">= 0 (allow negative amounts explicitly to include refunds)".into(),
                    });
                }
            }
        }
        let bucket = options.bucket.unwrap_or(TimeBucket::Day);

        // Pass 1: period of each row, and the customer index of each row.
        let mut period = Vec::with_capacity(n);
        let mut last_day: Option<(i64, i64)> = None;
        for (index, &ts) in tx.timestamps.iter().enumerate() {
            if ts == i64::MIN {
                return Err(CxError::Missing {
                    argument: "timestamps",
                    index,
                });
            }
            let day = tx.unit.day_of(ts);
            // Orders of a shop fall in years 1 to 9999 (ISO 8601 without its
            // extension); a time far outside is a broken cell, and would
            // make the period tables of cohorts and cadences unboundedly
            // long (found by fuzzing: a year of 10^70).
            if !(FIRST_DAY..=LAST_DAY).contains(&day) {
                return Err(CxError::OutOfRange {
                    argument: "timestamps",
                    index,
                    value: ts.to_string(),
                    allowed: "a time in the years 1 to 9999".into(),
                });
            }
            let id = match last_day {
                Some((d, id)) if d == day => id,
                _ => {
                    let id = bucket_id(bucket, day).ok_or_else(|| CxError::OutOfRange {
                        argument: "timestamps",
                        index,
                        value: ts.to_string(),
                        allowed: "dates representable in the proleptic Gregorian calendar".into(),
                    })?;
                    last_day = Some((day, id));
                    id
                }
            };
            period.push(id);
        }
        let end = match options.observation_end {
            Some(date) => bucket_id(bucket, day_of_date(date))
                .ok_or_else(|| CxError::invalid("observation_end", date, "a representable date"))?,
            None => period.iter().copied().max().unwrap_or(0),
        };
        if period.iter().all(|&p| p > end) {
            return Err(CxError::invalid(
                "observation_end",
                options
                    .observation_end
                    .map_or_else(String::new, |d| d.to_string()),
                "a date on or after the first transaction",
            ));
        }
        let mut index: HashMap<K, u32, RandomState> = HashMap::default();
        // The table owns a copy of each customer's key: keyed by references
        // into the rows, every lookup read the key's first row, a cache
        // miss per row once the customers outgrow the caches.
        let mut keys: Vec<K> = Vec::new();
        let mut cust = Vec::with_capacity(n);
        let mut after_end = 0;
        for (k, &p) in tx.customers.iter().zip(&period) {
            if p > end {
                after_end += 1;
                cust.push(u32::MAX);
                continue;
            }
            let c = match index.get(k) {
                Some(&c) => c,
                None => {
                    let next = keys.len() as u32;
                    index.insert(k.clone(), next);
                    keys.push(k.clone());
                    next
                }
            };
            cust.push(c);
        }
        drop(index);
        // Customers ranked in key order, so that the counting sort below
        // lays each customer's rows out in the order of the output and the
        // merge reads them front to back.
        let m = keys.len();
        let mut order: Vec<u32> = (0..m as u32).collect();
        order.sort_unstable_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
        let mut rank = vec![0u32; m];
        for (r, &c) in order.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        for c in cust.iter_mut().filter(|c| **c != u32::MAX) {
            *c = rank[*c as usize];
        }
        drop(rank);

        // Pass 2: counting sort of the used rows by customer rank.
        let mut start = vec![0usize; m + 1];
        for &c in &cust {
            if c != u32::MAX {
                start[c as usize + 1] += 1;
            }
        }
        for i in 0..m {
            start[i + 1] += start[i];
        }
        let used = start[m];
        let mut fill = start.clone();
        let mut rows: Vec<(i64, f64)> = vec![(0, 0.0); used];
        for (r, &c) in cust.iter().enumerate() {
            if c != u32::MAX {
                let slot = &mut fill[c as usize];
                rows[*slot] = (period[r], tx.amounts.map_or(0.0, |a| a[r]));
                *slot += 1;
            }
        }
        drop(fill);
        // Each customer's rows sorted by period and merged per period, on
        // all cores for large inputs.
        let merged = merge_each(&mut rows, &start);
        drop(rows);

        let mut out = Purchases {
            bucket,
            customers: order.iter().map(|&c| keys[c as usize].clone()).collect(),
            offsets: Vec::with_capacity(m + 1),
            periods: Vec::with_capacity(used),
            amounts: Vec::with_capacity(used),
            end,
            has_amounts: tx.amounts.is_some(),
            report: RowReport {
                rows: n,
                used,
                merged: 0,
                after_end,
                customers: m,
            },
        };
        out.offsets.push(0);
        for part in merged {
            out.periods.extend_from_slice(&part.periods);
            out.amounts.extend_from_slice(&part.amounts);
            let mut at = *out.offsets.last().unwrap_or(&0);
            for &len in &part.lens {
                at += len as usize;
                out.offsets.push(at);
            }
            out.report.merged += part.merged;
        }
        Ok(out)
    }
}

/// The purchases of a run of customers: periods and summed amounts, the
/// number of purchases of each customer, and how many rows were merged
/// into another of the same period.
struct Merged {
    periods: Vec<i64>,
    amounts: Vec<f64>,
    lens: Vec<u32>,
    merged: usize,
}

/// Sorts each customer's rows, `rows[start[c]..start[c + 1]]`, by period
/// (the same unstable sort as before the rows were grouped in parallel, so
/// the amounts of one period are summed in the same order) and sums the
/// amounts of each period; from 2¹⁸ rows in groups of customers on all
/// cores. The groups in customer order.
fn merge_each(rows: &mut [(i64, f64)], start: &[usize]) -> Vec<Merged> {
    fn merge(rows: &mut [(i64, f64)], start: &[usize]) -> Merged {
        let base = start[0];
        let mut m = Merged {
            periods: Vec::with_capacity(rows.len()),
            amounts: Vec::with_capacity(rows.len()),
            lens: Vec::with_capacity(start.len() - 1),
            merged: 0,
        };
        for w in start.windows(2) {
            let own = &mut rows[w[0] - base..w[1] - base];
            own.sort_unstable_by_key(|r| r.0);
            let first = m.periods.len();
            for &(p, a) in own.iter() {
                if m.periods.len() > first && m.periods.last() == Some(&p) {
                    if let Some(last) = m.amounts.last_mut() {
                        *last += a;
                    }
                    m.merged += 1;
                } else {
                    m.periods.push(p);
                    m.amounts.push(a);
                }
            }
            m.lens.push((m.periods.len() - first) as u32);
        }
        m
    }
    #[cfg(feature = "parallel")]
    if rows.len() >= 1 << 18 {
        use rayon::prelude::*;
        let m = start.len() - 1;
        let per = m.div_ceil(rayon::current_num_threads() * 4).max(1);
        let mut groups = Vec::new();
        let mut rest = rows;
        for g in (0..m).step_by(per) {
            let last = (g + per).min(m);
            let (group, tail) = rest.split_at_mut(start[last] - start[g]);
            groups.push((group, &start[g..=last]));
            rest = tail;
        }
        return groups
            .into_par_iter()
            .map(|(group, start)| merge(group, start))
            .collect();
    }
    vec![merge(rows, start)]
}

impl<K> Purchases<K> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Customer `i`'s purchase periods and amounts.
    pub fn of(&self, i: usize) -> (&[i64], &[f64]) {
        let r = self.offsets[i]..self.offsets[i + 1];
        (&self.periods[r.clone()], &self.amounts[r])
    }

    /// First day of period `id`.
    pub fn period_start(&self, id: i64) -> Option<NaiveDate> {
        bucket_start(self.bucket, id)
    }
}
