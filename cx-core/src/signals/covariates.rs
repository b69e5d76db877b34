//! The shop's promise gaps as per-customer covariates of the churn models
//! ([`crate::churn::fit_covariates`]): late deliveries, open and repeated
//! contacts, the last NPS answer, each up to a cut-off day so that a
//! calibration period's drivers do not peek into its holdout.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};

use super::{SignalInputs, TableRows};
use crate::error::{CxError, Result};
use crate::time::day_of_date;

/// Options of [`promise_covariates`]. In JSON every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PromiseOptions {
    /// The last day whose rows count (the end of the calibration period);
    /// later rows are left out and counted. Default: the last observed day
    /// in any table (as the signals' `as_of`).
    pub until: Option<NaiveDate>,
    /// Days after the promised day a delivery still counts as on time; 0
    /// by default.
    pub grace_days: f64,
    /// A contact within this many days of the customer's previous contact
    /// is a repeat (the customer comes back about the same thing); 7 by
    /// default.
    pub repeat_days: f64,
    /// Last NPS answers up to this are a detractor's; 6 by default.
    pub detractor_max: f64,
    /// Last NPS answers from this are a promoter's; 9 by default.
    pub promoter_min: f64,
}

impl Default for PromiseOptions {
    fn default() -> Self {
        PromiseOptions {
            until: None,
            grace_days: 0.0,
            repeat_days: 7.0,
            detractor_max: 6.0,
            promoter_min: 9.0,
        }
    }
}

/// Per-customer covariates from the promise tables: one row per customer
/// seen in any table (orders included), sorted by customer; customers
/// without rows in a table get 0 in its columns.
///
/// | column | table | value |
/// |---|---|---|
/// | `deliveries` | deliveries | deliveries due by `until` |
/// | `late_deliveries` | deliveries | of those, delivered (or still pending at `until`) more than `grace_days` after the promised day |
/// | `late_share` | deliveries | late / due (0 without deliveries) |
/// | `mean_days_late` | deliveries | mean days late over the due deliveries (on time = 0) |
/// | `contacts` | contacts | contacts received by `until` |
/// | `open_contacts` | contacts | of those, not resolved by `until` |
/// | `repeat_contacts` | contacts | contacts within `repeat_days` of the customer's previous one |
/// | `failed_first_contacts` | contacts with `cases` | cases not resolved at the first contact: more than one contact, or unresolved at `until` |
/// | `answered` | feedback | 1 when the customer gave an NPS answer by `until` |
/// | `detractor` | feedback | 1 when the last answer is ≤ `detractor_max` |
/// | `promoter` | feedback | 1 when the last answer is ≥ `promoter_min` |
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromiseCovariates<K> {
    /// The customers, one per row.
    pub customers: Vec<K>,
    /// Column names.
    pub names: Vec<&'static str>,
    /// One column per name, one value per customer.
    pub columns: Vec<Vec<f64>>,
    /// The cut-off day used.
    pub until: Option<NaiveDate>,
    /// Rows of each table given, used and left out.
    pub tables: BTreeMap<&'static str, TableRows>,
}

/// The promise-gap covariates of every customer in `inputs` (the tables of
/// [`signals`](super::signals())).
///
/// # Errors
/// The signals' table errors ([`CxError::Empty`] without rows,
/// [`CxError::LengthMismatch`], [`CxError::Missing`] for a missing time);
/// [`CxError::OutOfRange`] for an NPS
/// answer outside 0–10 (naming the row) or a resolution before its contact;
/// [`CxError::InvalidParameter`] for negative day counts or
/// `detractor_max ≥ promoter_min`.
///
/// # Examples
/// ```
/// use cx::signals::{Deliveries, PromiseOptions, SignalInputs, promise_covariates};
/// use cx::time::TimeUnit;
/// let (customers, promised, delivered) = (["a", "a", "b"], [10, 20, 10], [Some(12), Some(20), None]);
/// let inputs = SignalInputs {
///     orders: None, feedback: None, contacts: None,
///     deliveries: Some(Deliveries { customers: &customers, promised: &promised, delivered: &delivered }),
///     unit: TimeUnit::Days,
/// };
/// let until = chrono::NaiveDate::from_ymd_opt(1970, 1, 31);
/// let c = promise_covariates(&inputs, &PromiseOptions { until, ..Default::default() })?;
/// assert_eq!(c.customers, ["a", "b"]);
/// let late = c.names.iter().position(|n| *n == "late_share").unwrap();
/// assert_eq!(c.columns[late], [0.5, 1.0]); // b's delivery is still pending, 20 days late
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn promise_covariates<K: Hash + Eq + Ord + Clone>(
    inputs: &SignalInputs<'_, K>,
    options: &PromiseOptions,
) -> Result<PromiseCovariates<K>> {
    for (name, v) in [
        ("grace_days", options.grace_days),
        ("repeat_days", options.repeat_days),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(CxError::invalid(name, v, "a number of days >= 0"));
        }
    }
    if options.detractor_max.is_nan()
        || !options.promoter_min.is_finite()
        || options.detractor_max >= options.promoter_min
    {
        return Err(CxError::invalid(
            "detractor_max",
            options.detractor_max,
            format!("below promoter_min ({})", options.promoter_min),
        ));
    }
    let unit = inputs.unit;
    // Default cut-off: the last observed day, as the signals' `as_of`.
    let until_date = options.until.or_else(|| super::last_observed_day(inputs));
    let until = until_date.map_or(i64::MAX, day_of_date);
    // The customers of every table, sorted.
    let (all, row) = customer_rows(inputs)?;
    let n = all.len();
    let mut out = PromiseCovariates {
        customers: all.iter().map(|k| (*k).clone()).collect(),
        names: Vec::new(),
        columns: Vec::new(),
        until: until_date,
        tables: BTreeMap::new(),
    };
    if let Some(o) = &inputs.orders {
        out.tables.insert(
            "orders",
            TableRows {
                rows: o.customers.len(),
                used: o.customers.len(),
                ..TableRows::default()
            },
        );
    }
    if let Some(d) = &inputs.deliveries {
        let mut rows = TableRows {
            rows: d.customers.len(),
            ..TableRows::default()
        };
        let (mut due, mut late, mut days) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        for (i, (&p, &got)) in d.promised.iter().zip(d.delivered).enumerate() {
            let day = unit.day_of(p);
            if day > until {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let j = row[&d.customers[i]];
            let by = match got.filter(|&t| unit.day_of(t) <= until) {
                Some(t) => (unit.day_of(t) - day) as f64,
                // Still pending at the cut-off: late by the days since the promise.
                None if until < i64::MAX => (until - day) as f64,
                None => 0.0,
            };
            due[j] += 1.0;
            if by > options.grace_days {
                late[j] += 1.0;
                days[j] += by;
            }
        }
        let share: Vec<f64> = late
            .iter()
            .zip(&due)
            .map(|(l, d)| if *d > 0.0 { l / d } else { 0.0 })
            .collect();
        let mean: Vec<f64> = days
            .iter()
            .zip(&due)
            .map(|(s, d)| if *d > 0.0 { s / d } else { 0.0 })
            .collect();
        out.push("deliveries", due);
        out.push("late_deliveries", late);
        out.push("late_share", share);
        out.push("mean_days_late", mean);
        out.tables.insert("deliveries", rows);
    }
    if let Some(c) = &inputs.contacts {
        let mut rows = TableRows {
            rows: c.customers.len(),
            ..TableRows::default()
        };
        let (mut count, mut open) = (vec![0.0; n], vec![0.0; n]);
        let mut times: Vec<(usize, i64)> = Vec::with_capacity(c.customers.len());
        for (i, (&r, &done)) in c.received.iter().zip(c.resolved).enumerate() {
            if let Some(t) = done
                && t < r
            {
                return Err(CxError::OutOfRange {
                    argument: "contacts.resolved",
                    index: i,
                    value: t.to_string(),
                    allowed: format!(">= the contact's received time ({r})"),
                });
            }
            if unit.day_of(r) > until {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let j = row[&c.customers[i]];
            count[j] += 1.0;
            if done.is_none_or(|t| unit.day_of(t) > until) {
                open[j] += 1.0;
            }
            times.push((j, r));
        }
        times.sort_unstable();
        let mut repeat = vec![0.0; n];
        let window = options.repeat_days * unit.per_day() as f64;
        for w in times.windows(2) {
            if w[0].0 == w[1].0 && ((w[1].1 - w[0].1) as f64) <= window {
                repeat[w[1].0] += 1.0;
            }
        }
        out.push("contacts", count);
        out.push("open_contacts", open);
        out.push("repeat_contacts", repeat);
        if let Some(cases) = c.cases {
            // Per (customer, case) received by the cut-off: contacts and
            // whether one was resolved by then.
            let mut by_case: HashMap<(usize, &str), (u32, bool), RandomState> = HashMap::default();
            for (i, (&r, &done)) in c.received.iter().zip(c.resolved).enumerate() {
                if unit.day_of(r) > until {
                    continue;
                }
                let e = by_case
                    .entry((row[&c.customers[i]], cases[i].as_str()))
                    .or_insert((0, false));
                e.0 += 1;
                e.1 |= done.is_some_and(|t| unit.day_of(t) <= until);
            }
            let mut failed = vec![0.0; n];
            for ((j, _), (contacts, resolved)) in by_case {
                if contacts > 1 || !resolved {
                    failed[j] += 1.0;
                }
            }
            out.push("failed_first_contacts", failed);
        }
        out.tables.insert("contacts", rows);
    }
    if let Some(f) = &inputs.feedback {
        let mut rows = TableRows {
            rows: f.customers.len(),
            ..TableRows::default()
        };
        // The last answer per customer: the latest time; of two at the same
        // time the lower score (as the signals), so row order does not matter.
        let mut last: Vec<Option<(i64, f64)>> = vec![None; n];
        for (i, (&t, &s)) in f.timestamps.iter().zip(f.scores).enumerate() {
            if unit.day_of(t) > until {
                rows.after_as_of += 1;
                continue;
            }
            if s.is_nan() {
                rows.missing += 1;
                continue;
            }
            check_nps(i, s)?;
            rows.used += 1;
            let j = row[&f.customers[i]];
            let later = match last[j] {
                None => true,
                Some((lt, ls)) => t > lt || (t == lt && s < ls),
            };
            if later {
                last[j] = Some((t, s));
            }
        }
        let flag = |f: &dyn Fn(f64) -> bool| -> Vec<f64> {
            last.iter()
                .map(|l| l.map_or(0.0, |(_, s)| f64::from(u8::from(f(s)))))
                .collect()
        };
        out.push("answered", flag(&|_| true));
        out.push("detractor", flag(&|s| s <= options.detractor_max));
        out.push("promoter", flag(&|s| s >= options.promoter_min));
        out.tables.insert("feedback", rows);
    }
    Ok(out)
}

/// The customers of the tables, sorted, and each one's row.
pub(super) type CustomerRows<'a, K> = (Vec<&'a K>, HashMap<&'a K, usize, RandomState>);

/// Every customer of any table (orders included), sorted, and each one's
/// row, after the signals' checks of the tables (columns of one length, no
/// missing time where one is required, at least one row).
pub(super) fn customer_rows<'a, K: Hash + Eq + Ord>(
    inputs: &SignalInputs<'a, K>,
) -> Result<CustomerRows<'a, K>> {
    super::check_inputs(inputs)?;
    let mut all: Vec<&K> = Vec::new();
    if let Some(o) = &inputs.orders {
        all.extend(o.customers);
    }
    if let Some(f) = &inputs.feedback {
        all.extend(f.customers);
    }
    if let Some(c) = &inputs.contacts {
        all.extend(c.customers);
    }
    if let Some(d) = &inputs.deliveries {
        all.extend(d.customers);
    }
    all.sort_unstable();
    all.dedup();
    let row = all.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    Ok((all, row))
}

/// An NPS answer's check: a whole number 0–10 (NaN is no answer).
pub(super) fn check_nps(index: usize, s: f64) -> Result<()> {
    if s.is_nan() || ((0.0..=10.0).contains(&s) && s.fract() == 0.0) {
        Ok(())
    } else {
        Err(CxError::OutOfRange {
            argument: "feedback.scores",
            index,
            value: s.to_string(),
            allowed: "whole numbers 0..=10 (NaN for no answer)".into(),
        })
    }
}

impl<K> PromiseCovariates<K> {
    fn push(&mut self, name: &'static str, column: Vec<f64>) {
        self.names.push(name);
        self.columns.push(column);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signals::Contacts;
    use crate::time::TimeUnit;

    /// A missing promised day (numpy's NaT) names the table, column and row,
    /// in both promise functions; so do columns of different lengths.
    #[test]
    fn missing_times_and_ragged_columns_are_typed_errors() {
        let customers = ["a", "b"];
        let promised = [3, i64::MIN];
        let delivered = [Some(4), None];
        let inputs = SignalInputs {
            orders: None,
            feedback: None,
            contacts: None,
            deliveries: Some(crate::signals::Deliveries {
                customers: &customers,
                promised: &promised,
                delivered: &delivered,
            }),
            unit: TimeUnit::Days,
        };
        let e = promise_covariates(&inputs, &PromiseOptions::default()).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("missing", "deliveries.promised", Some(1))
        );
        let o = crate::signals::PromisePeriodOptions {
            boundaries: vec![
                chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("day"),
                chrono::NaiveDate::from_ymd_opt(1970, 1, 8).expect("day"),
            ],
            ..Default::default()
        };
        let e = crate::signals::promise_periods(&inputs, &o).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("missing", "deliveries.promised", Some(1))
        );
        let short = [Some(4)];
        let ragged = SignalInputs {
            deliveries: Some(crate::signals::Deliveries {
                customers: &customers,
                promised: &[3, 5],
                delivered: &short,
            }),
            ..inputs
        };
        let e = promise_covariates(&ragged, &PromiseOptions::default()).unwrap_err();
        assert_eq!(
            (e.code(), e.argument()),
            ("length_mismatch", "deliveries.delivered")
        );
    }

    /// Cases: one resolved at the first contact, one that took two
    /// contacts, one still open; the first-contact failures count 2.
    #[test]
    fn failed_first_contacts_count_cases() {
        let customers = ["a", "a", "a", "a", "b"];
        let received = [1, 2, 5, 9, 3];
        let resolved = [Some(1), None, Some(6), None, Some(4)];
        let cases = [
            "k1".to_string(),
            "k2".into(),
            "k2".into(),
            "k3".into(),
            "k4".into(),
        ];
        let inputs = SignalInputs {
            orders: None,
            feedback: None,
            deliveries: None,
            contacts: Some(Contacts {
                customers: &customers,
                received: &received,
                resolved: &resolved,
                channels: None,
                cases: Some(&cases),
            }),
            unit: TimeUnit::Days,
        };
        let c = promise_covariates(&inputs, &PromiseOptions::default()).expect("covariates");
        let col = |name: &str| &c.columns[c.names.iter().position(|n| *n == name).expect(name)];
        assert_eq!(c.customers, ["a", "b"]);
        assert_eq!(col("failed_first_contacts"), &[2.0, 0.0]);
        assert_eq!(col("contacts"), &[4.0, 1.0]);
        assert_eq!(col("open_contacts"), &[2.0, 0.0]);
        // a's contacts on days 1, 2, 5, 9: the 2nd, 3rd and 4th are within 7 days of the previous.
        assert_eq!(col("repeat_contacts"), &[3.0, 0.0]);
    }
}
