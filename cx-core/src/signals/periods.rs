//! The shop's promise gaps per customer and calendar period: the
//! time-varying covariates of [`crate::churn::fit_dynamic_covariates`]
//! (late deliveries in the week they were due, contacts still open at the
//! end of a week, whether the customer's last NPS answer is a detractor's).

use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::SignalInputs;
use super::covariates::{check_nps, customer_rows};
use crate::error::{CxError, Result};
use crate::time::day_of_date;

/// Options of [`promise_periods`]. In JSON `boundaries` is a list of ISO
/// dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromisePeriodOptions {
    /// K + 1 ascending days: period k runs from `boundaries[k]` to the day
    /// before `boundaries[k+1]`.
    pub boundaries: Vec<NaiveDate>,
    /// Days after the promised day a delivery still counts as on time; 0
    /// by default.
    pub grace_days: f64,
    /// Periods to shift every column by: with `lag` 1 period k carries
    /// period k − 1's counts (0 in the first). Deliveries are due in the
    /// weeks a customer orders, so same-period counts follow buying as much
    /// as they drive it; a lag of at least 1 makes them drivers. 0 by
    /// default.
    pub lag: usize,
    /// Answers up to this are a detractor's; 6 by default.
    pub detractor_max: f64,
}

impl Default for PromisePeriodOptions {
    fn default() -> Self {
        PromisePeriodOptions {
            boundaries: Vec::new(),
            grace_days: 0.0,
            lag: 0,
            detractor_max: 6.0,
        }
    }
}

/// Per customer and period (customer-major, `columns[m][i·K + k]`), for the
/// tables given:
///
/// | column | table | value in period k |
/// |---|---|---|
/// | `deliveries` | deliveries | deliveries promised in the period |
/// | `late_deliveries` | deliveries | of those, delivered more than `grace_days` late, or still not delivered at the period's end |
/// | `contacts` | contacts | contacts received in the period |
/// | `open_contacts` | contacts | contacts not resolved at the period's end (received then or before) |
/// | `detractor` | feedback | 1 when the last NPS answer given by the period's end is ≤ `detractor_max` |
///
/// Rows outside the grid are left out and counted in `outside`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromisePeriods<K> {
    /// The customers (every table's, orders included), sorted.
    pub customers: Vec<K>,
    /// The period boundaries.
    pub boundaries: Vec<NaiveDate>,
    /// Column names.
    pub names: Vec<&'static str>,
    /// One column per name, customers × periods, customer-major.
    pub columns: Vec<Vec<f64>>,
    /// Rows per table dated before the first or after the last period.
    pub outside: Vec<(&'static str, usize)>,
}

/// The promise-gap covariates of every customer of `inputs` per period of
/// `options.boundaries`.
///
/// # Errors
/// The signals' table errors ([`CxError::Empty`] without rows,
/// [`CxError::LengthMismatch`], [`CxError::Missing`] for a missing time);
/// [`CxError::InvalidParameter`] for
/// fewer than two boundaries, boundaries that do not increase, a negative
/// grace; [`CxError::OutOfRange`] for an NPS answer outside 0–10.
///
/// # Examples
/// ```
/// use cx::signals::{Deliveries, PromisePeriodOptions, SignalInputs, promise_periods};
/// use cx::time::TimeUnit;
/// use chrono::NaiveDate;
/// let day = |d: u32| NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
/// let to_days = |d: NaiveDate| (d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
/// let (customers, promised, delivered) =
///     (["a", "a"], [to_days(day(2)), to_days(day(9))], [Some(to_days(day(4))), None]);
/// let inputs = SignalInputs {
///     orders: None, feedback: None, contacts: None,
///     deliveries: Some(Deliveries { customers: &customers, promised: &promised, delivered: &delivered }),
///     unit: TimeUnit::Days,
/// };
/// let o = PromisePeriodOptions { boundaries: vec![day(1), day(8), day(15)], ..Default::default() };
/// let p = promise_periods(&inputs, &o)?;
/// assert_eq!(p.names, ["deliveries", "late_deliveries"]);
/// assert_eq!(p.columns[1], [1.0, 1.0]); // late in week 1; still pending at the end of week 2
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn promise_periods<K: Hash + Eq + Ord + Clone>(
    inputs: &SignalInputs<'_, K>,
    options: &PromisePeriodOptions,
) -> Result<PromisePeriods<K>> {
    let b: Vec<i64> = options.boundaries.iter().map(|d| day_of_date(*d)).collect();
    if b.len() < 2 {
        return Err(CxError::invalid(
            "boundaries",
            b.len(),
            "at least two days (one period)",
        ));
    }
    if let Some(j) = b.windows(2).position(|w| w[1] <= w[0]) {
        return Err(CxError::invalid(
            "boundaries",
            options.boundaries[j + 1],
            format!("days after the previous boundary ({})", options.boundaries[j]),
        ));
    }
    if !(options.grace_days.is_finite() && options.grace_days >= 0.0) {
        return Err(CxError::invalid(
            "grace_days",
            options.grace_days,
            "a number of days >= 0",
        ));
    }
    let k = b.len() - 1;
    // Period of a day: k with b[k] <= day < b[k+1]; None outside the grid.
    let period = |day: i64| -> Option<usize> {
        let p = b.partition_point(|&v| v <= day);
        (p >= 1 && p <= k).then(|| p - 1)
    };
    // Last day of period p.
    let end = |p: usize| b[p + 1] - 1;
    let (all, row) = customer_rows(inputs)?;
    let n = all.len();
    let unit = inputs.unit;
    let mut out = PromisePeriods {
        customers: all.iter().map(|c| (*c).clone()).collect(),
        boundaries: options.boundaries.clone(),
        names: Vec::new(),
        columns: Vec::new(),
        outside: Vec::new(),
    };
    if let Some(d) = &inputs.deliveries {
        let (mut due, mut late) = (vec![0.0; n * k], vec![0.0; n * k]);
        let mut outside = 0;
        for (i, (&p, &got)) in d.promised.iter().zip(d.delivered).enumerate() {
            let day = unit.day_of(p);
            let Some(q) = period(day) else {
                outside += 1;
                continue;
            };
            let cell = row[&d.customers[i]] * k + q;
            due[cell] += 1.0;
            // Late by the delivery day, or by the period's end while pending.
            let by = match got {
                Some(t) if unit.day_of(t) <= end(q) => unit.day_of(t) - day,
                _ => end(q) - day + 1,
            };
            let arrived_late = got.is_some_and(|t| (unit.day_of(t) - day) as f64 > options.grace_days);
            if by as f64 > options.grace_days || arrived_late {
                late[cell] += 1.0;
            }
        }
        out.push("deliveries", due);
        out.push("late_deliveries", late);
        out.outside.push(("deliveries", outside));
    }
    if let Some(c) = &inputs.contacts {
        let mut count = vec![0.0; n * k];
        // Open at the end of periods from the one received to the one
        // before it is resolved: a difference array per customer.
        let mut open = vec![0.0; n * (k + 1)];
        let mut outside = 0;
        for (i, (&r, &done)) in c.received.iter().zip(c.resolved).enumerate() {
            let day = unit.day_of(r);
            let Some(q) = period(day) else {
                outside += 1;
                continue;
            };
            let j = row[&c.customers[i]];
            count[j * k + q] += 1.0;
            let until = match done.map(|t| unit.day_of(t)) {
                // Resolved in period p: open at the ends of q..p-1.
                Some(t) if t <= end(k - 1) => period(t).unwrap_or(q).max(q),
                _ => k,
            };
            open[j * (k + 1) + q] += 1.0;
            open[j * (k + 1) + until] -= 1.0;
        }
        let mut open_cells = vec![0.0; n * k];
        for j in 0..n {
            let mut run = 0.0;
            for q in 0..k {
                run += open[j * (k + 1) + q];
                open_cells[j * k + q] = run;
            }
        }
        out.push("contacts", count);
        out.push("open_contacts", open_cells);
        out.outside.push(("contacts", outside));
    }
    if let Some(f) = &inputs.feedback {
        // (customer, time, score) of the answers, in time order; of two at
        // the same time the lower counts as the later (as the signals).
        let mut answers: Vec<(usize, i64, f64)> = Vec::with_capacity(f.customers.len());
        for (i, (&t, &s)) in f.timestamps.iter().zip(f.scores).enumerate() {
            if s.is_nan() {
                continue;
            }
            check_nps(i, s)?;
            answers.push((row[&f.customers[i]], t, s));
        }
        answers.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.total_cmp(&a.2)));
        let mut detractor = vec![0.0; n * k];
        let mut outside = 0;
        for group in answers.chunk_by(|a, b| a.0 == b.0) {
            let j = group[0].0;
            // Each answer sets the state from its period on, until the next.
            for (w, a) in group.iter().enumerate() {
                let day = unit.day_of(a.1);
                let from = match period(day) {
                    Some(q) => q,
                    None if day < b[0] => 0,
                    None => {
                        outside += 1;
                        continue;
                    }
                };
                let to = group.get(w + 1).map_or(k, |next| {
                    period(unit.day_of(next.1)).unwrap_or(if unit.day_of(next.1) < b[0] { 0 } else { k })
                });
                let v = f64::from(u8::from(a.2 <= options.detractor_max));
                for q in from..to.max(from) {
                    detractor[j * k + q] = v;
                }
                // The state of the answer's own period is the last answer by its end.
                if to == from {
                    detractor[j * k + from] = v;
                }
            }
        }
        out.push("detractor", detractor);
        out.outside.push(("feedback", outside));
    }
    Ok(out.lagged(options.lag))
}

impl<K> PromisePeriods<K> {
    fn push(&mut self, name: &'static str, column: Vec<f64>) {
        self.names.push(name);
        self.columns.push(column);
    }

    /// Shifts every column `lag` periods later within each customer.
    fn lagged(mut self, lag: usize) -> Self {
        let k = self.boundaries.len() - 1;
        if lag == 0 {
            return self;
        }
        for col in &mut self.columns {
            for row in col.chunks_mut(k) {
                let keep = k.saturating_sub(lag);
                row.copy_within(0..keep, k - keep);
                row[..k - keep].fill(0.0);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::{Contacts, Deliveries, Feedback};
    use crate::time::TimeUnit;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 5, d).expect("day")
    }

    fn days(d: u32) -> i64 {
        day_of_date(day(d))
    }

    /// Three weeks (May 1–7, 8–14, 15–21), counted by hand.
    #[test]
    fn counts_by_period() {
        let dc = ["a", "a", "b", "b"];
        let dp = [days(2), days(9), days(10), days(25)];
        let dd = [Some(days(2)), Some(days(16)), None, None];
        let cc = ["a", "b", "b"];
        let cr = [days(3), days(1), days(9)];
        let cd = [Some(days(17)), Some(days(2)), None];
        let fc = ["a", "a", "c", "c"];
        let ft = [days(4), days(12), days(20), days(20)];
        let fs = [3.0, 9.0, 8.0, 5.0];
        let inputs = SignalInputs {
            orders: None,
            feedback: Some(Feedback {
                customers: &fc,
                timestamps: &ft,
                scores: &fs,
            }),
            contacts: Some(Contacts {
                customers: &cc,
                received: &cr,
                resolved: &cd,
                channels: None,
                cases: None,
            }),
            deliveries: Some(Deliveries {
                customers: &dc,
                promised: &dp,
                delivered: &dd,
            }),
            unit: TimeUnit::Days,
        };
        let o = PromisePeriodOptions {
            boundaries: vec![day(1), day(8), day(15), day(22)],
            ..Default::default()
        };
        let p = promise_periods(&inputs, &o).expect("periods");
        assert_eq!(p.customers, ["a", "b", "c"]);
        let col = |name: &str| p.columns[p.names.iter().position(|n| *n == name).expect(name)].clone();
        // a: on time in week 1; due May 9, delivered May 16 → late in week 2.
        // b: due May 10, never delivered → late in week 2; due May 25 → outside.
        assert_eq!(col("deliveries"), [1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(
            col("late_deliveries"),
            [0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
        );
        assert_eq!(p.outside[0], ("deliveries", 1));
        // a's contact of May 3, resolved May 17: open at the ends of weeks 1 and 2.
        // b: May 1 resolved May 2 (never open at a week's end); May 9, never resolved.
        assert_eq!(col("contacts"), [1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
        assert_eq!(
            col("open_contacts"),
            [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0]
        );
        // a: 3 on May 4 (detractor from week 1), 9 on May 12 (not from week 2).
        // c: 8 and 5 on May 20: the lower counts as the later → detractor in week 3.
        assert_eq!(col("detractor"), [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
        // Lagged by one week: each customer's row moves one period later.
        let lagged = promise_periods(&inputs, &PromisePeriodOptions { lag: 1, ..o }).expect("lagged");
        let i = lagged
            .names
            .iter()
            .position(|n| *n == "open_contacts")
            .expect("open");
        assert_eq!(lagged.columns[i], [0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn bad_grids_are_typed_errors() {
        let c = ["a"];
        let t = [days(2)];
        let d = [None];
        let inputs = SignalInputs {
            orders: None,
            feedback: None,
            contacts: None,
            deliveries: Some(Deliveries {
                customers: &c,
                promised: &t,
                delivered: &d,
            }),
            unit: TimeUnit::Days,
        };
        for boundaries in [vec![day(1)], vec![day(8), day(1)]] {
            let o = PromisePeriodOptions {
                boundaries,
                ..Default::default()
            };
            let e = promise_periods(&inputs, &o).unwrap_err();
            assert_eq!((e.code(), e.argument()), ("invalid_parameter", "boundaries"));
        }
    }
}
