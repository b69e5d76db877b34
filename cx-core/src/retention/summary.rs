//! The buy-till-you-die customer summary (frequency, recency, T, monetary
//! value) and its calibration/holdout split.

use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::purchases::{PurchaseOptions, Purchases, RowReport, Transactions};
use crate::error::{CxError, Result};
use crate::time::{TimeBucket, bucket_id, day_of_date};

/// Options of [`customer_summary`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryOptions {
    /// Period unit (`day` by default; `week` is the ISO week from Monday,
    /// `month` the calendar month). Purchases of a customer within one
    /// period count once, with their amounts summed.
    pub period: TimeBucket,
    /// Recency and T are divided by this (lifetimes' `freq_multiplier`):
    /// `period = day` with `multiplier = 7` gives exact weeks, as in the
    /// published CDNOW summaries. 1 by default.
    pub multiplier: f64,
    /// Last day observed; later rows are left out and counted. Default:
    /// the day of the last transaction.
    pub observation_end: Option<NaiveDate>,
    /// Count the first purchase in `frequency` and `monetary_value`
    /// (lifetimes' `include_first_transaction`); off by default.
    pub include_first_transaction: bool,
    /// Accept negative amounts (refunds); rejected by default.
    pub allow_negative_amounts: bool,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            period: TimeBucket::Day,
            multiplier: 1.0,
            observation_end: None,
            include_first_transaction: false,
            allow_negative_amounts: false,
        }
    }
}

impl SummaryOptions {
    fn check(&self) -> Result<()> {
        check_multiplier(self.multiplier)
    }

    fn purchase_options(&self) -> PurchaseOptions {
        PurchaseOptions {
            bucket: Some(self.period),
            observation_end: self.observation_end,
            allow_negative_amounts: self.allow_negative_amounts,
        }
    }
}

/// `Ok` for a finite, positive period multiplier.
pub(super) fn check_multiplier(multiplier: f64) -> Result<()> {
    if !(multiplier.is_finite() && multiplier > 0.0) {
        return Err(CxError::invalid("multiplier", multiplier, "a positive number"));
    }
    Ok(())
}

/// One row per customer, in ascending customer order (columnar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerSummary<K> {
    /// Customers, ascending.
    pub customers: Vec<K>,
    /// Repeat purchases: distinct purchase periods − 1 (or all of them with
    /// `include_first_transaction`).
    pub frequency: Vec<u32>,
    /// Periods from the first to the last purchase (0 without repeats),
    /// divided by the multiplier.
    pub recency: Vec<f64>,
    /// Periods from the first purchase to the end of observation, divided by
    /// the multiplier.
    pub t: Vec<f64>,
    /// Mean of the per-period amounts, first period left out (0 without
    /// repeats); `None` when no amounts were given.
    pub monetary_value: Option<Vec<f64>>,
    /// First day of each customer's first purchase period.
    pub first_purchase: Vec<NaiveDate>,
    /// Where the input rows went.
    pub report: RowReport,
}

impl<K> CustomerSummary<K> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }
}

/// Per-customer summary of one stretch of purchases.
struct Stats {
    frequency: u32,
    recency: f64,
    t: f64,
    monetary: f64,
}

fn stats(periods: &[i64], amounts: &[f64], end: i64, multiplier: f64, include_first: bool) -> Stats {
    let first = periods[0];
    let last = periods[periods.len() - 1];
    let counted = if include_first { amounts } else { &amounts[1..] };
    let monetary = if counted.is_empty() {
        0.0
    } else {
        counted.iter().sum::<f64>() / counted.len() as f64
    };
    Stats {
        frequency: (periods.len() - usize::from(!include_first)) as u32,
        recency: (last - first) as f64 / multiplier,
        t: (end - first) as f64 / multiplier,
        monetary,
    }
}

/// The per-customer summary of the buy-till-you-die models.
///
/// # Formula
/// Timestamps are floored to the period; all purchases of a customer in one
/// period are one purchase with the amounts summed; frequency = distinct
/// purchase periods − 1; recency = periods from the first to the last
/// purchase; T = periods from the first purchase to the end of observation;
/// monetary value = mean of the per-period sums leaving out the first period
/// (0 without repeats). These are the semantics of `lifetimes`'
/// `summary_data_from_transaction_data` (Davidson-Pilon, lifetimes 0.11) and
/// of Fader, Hardie & Lee (2005); with `period = day`, `multiplier = 7` and
/// end 1997-09-30 the CDNOW sample gives the published summary exactly.
/// Months are counted as calendar-month steps (lifetimes divides by an
/// average month length instead).
///
/// # Errors
/// As [`Purchases::from_transactions`]; [`CxError::InvalidParameter`] for a
/// multiplier that is not positive.
///
/// # Examples
/// ```
/// use cx::retention::{customer_summary, SummaryOptions, Transactions};
/// use cx::time::{parse_timestamps_ms, TimeUnit};
///
/// let ts = parse_timestamps_ms("timestamps", &["2024-01-01", "2024-01-11", "2024-01-11", "2024-01-05"])?;
/// let tx = Transactions { customers: &["a", "a", "a", "b"], timestamps: &ts, unit: TimeUnit::Milliseconds, amounts: Some(&[10.0, 5.0, 7.0, 3.0]) };
/// let s = customer_summary(&tx, &SummaryOptions::default())?;
/// assert_eq!(s.customers, ["a", "b"]);
/// assert_eq!(s.frequency, [1, 0]);
/// assert_eq!(s.recency, [10.0, 0.0]);
/// assert_eq!(s.t, [10.0, 6.0]);
/// assert_eq!(s.monetary_value, Some(vec![12.0, 0.0]));
/// assert_eq!(s.report.merged, 1);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn customer_summary<K: Hash + Eq + Ord + Clone>(
    tx: &Transactions<'_, K>,
    options: &SummaryOptions,
) -> Result<CustomerSummary<K>> {
    options.check()?;
    let p = Purchases::from_transactions(tx, &options.purchase_options())?;
    Ok(summary_from_purchases(p, options))
}

/// [`customer_summary`] from already grouped purchases.
pub fn summary_from_purchases<K>(p: Purchases<K>, options: &SummaryOptions) -> CustomerSummary<K> {
    let m = p.customers.len();
    let mut s = CustomerSummary {
        customers: Vec::with_capacity(m),
        frequency: Vec::with_capacity(m),
        recency: Vec::with_capacity(m),
        t: Vec::with_capacity(m),
        monetary_value: p.has_amounts.then(|| Vec::with_capacity(m)),
        first_purchase: Vec::with_capacity(m),
        report: p.report,
    };
    for i in 0..m {
        let (periods, amounts) = p.of(i);
        let st = stats(
            periods,
            amounts,
            p.end,
            options.multiplier,
            options.include_first_transaction,
        );
        push(&mut s, &p, periods[0], st);
    }
    s.customers = p.customers;
    s
}

fn push<K>(s: &mut CustomerSummary<K>, p: &Purchases<K>, first: i64, st: Stats) {
    s.frequency.push(st.frequency);
    s.recency.push(st.recency);
    s.t.push(st.t);
    if let Some(m) = s.monetary_value.as_mut() {
        m.push(st.monetary);
    }
    s.first_purchase.push(p.period_start(first).unwrap_or_default());
}

/// The summary of a calibration period plus what each customer did in the
/// holdout period after it, for checking a model's predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationHoldout<K> {
    /// Summary up to the calibration end (T relative to it).
    pub calibration: CustomerSummary<K>,
    /// Distinct purchase periods of each customer in the holdout.
    pub frequency_holdout: Vec<u32>,
    /// Mean of the per-period amounts in the holdout (0 without holdout
    /// purchases); `None` without amounts.
    pub monetary_value_holdout: Option<Vec<f64>>,
    /// Length of the holdout in periods, divided by the multiplier.
    pub duration_holdout: f64,
    /// Customers whose first purchase falls in the holdout: left out, as
    /// the models cannot have seen them.
    pub new_in_holdout: usize,
}

/// Splits transactions at `calibration_end` (inclusive) into a calibration
/// summary (as [`customer_summary`] with that end) and per-customer holdout
/// purchases up to `options.observation_end` (default: the last row).
///
/// Unlike `lifetimes`' `calibration_and_holdout_data`, the holdout monetary
/// value is the mean of per-period sums, the same definition as the
/// calibration side (lifetimes averages the raw rows there), and customers
/// first seen in the holdout are counted in `new_in_holdout` rather than
/// silently dropped.
///
/// # Errors
/// As [`customer_summary`]; [`CxError::InvalidParameter`] when the
/// calibration end is not before the end of observation or precedes every
/// row.
pub fn calibration_holdout<K: Hash + Eq + Ord + Clone>(
    tx: &Transactions<'_, K>,
    calibration_end: NaiveDate,
    options: &SummaryOptions,
) -> Result<CalibrationHoldout<K>> {
    options.check()?;
    let p = Purchases::from_transactions(tx, &options.purchase_options())?;
    let cal = bucket_id(p.bucket, day_of_date(calibration_end))
        .ok_or_else(|| CxError::invalid("calibration_end", calibration_end, "a representable date"))?;
    if cal >= p.end {
        return Err(CxError::invalid(
            "calibration_end",
            calibration_end,
            "a date in a period before the end of observation",
        ));
    }
    let mut s = CustomerSummary {
        customers: Vec::new(),
        frequency: Vec::new(),
        recency: Vec::new(),
        t: Vec::new(),
        monetary_value: p.has_amounts.then(Vec::new),
        first_purchase: Vec::new(),
        report: p.report,
    };
    let mut frequency_holdout = Vec::new();
    let mut monetary_holdout = p.has_amounts.then(Vec::new);
    let mut new_in_holdout = 0;
    let mut keep = Vec::new();
    for i in 0..p.len() {
        let (periods, amounts) = p.of(i);
        let split = periods.partition_point(|&x| x <= cal);
        if split == 0 {
            new_in_holdout += 1;
            continue;
        }
        let st = stats(
            &periods[..split],
            &amounts[..split],
            cal,
            options.multiplier,
            options.include_first_transaction,
        );
        push(&mut s, &p, periods[0], st);
        let hold = &amounts[split..];
        frequency_holdout.push(hold.len() as u32);
        if let Some(m) = monetary_holdout.as_mut() {
            m.push(if hold.is_empty() {
                0.0
            } else {
                hold.iter().sum::<f64>() / hold.len() as f64
            });
        }
        keep.push(i);
    }
    if keep.is_empty() {
        return Err(CxError::invalid(
            "calibration_end",
            calibration_end,
            "a date on or after the first transaction",
        ));
    }
    s.customers = keep.iter().map(|&i| p.customers[i].clone()).collect();
    Ok(CalibrationHoldout {
        calibration: s,
        frequency_holdout,
        monetary_value_holdout: monetary_holdout,
        duration_holdout: (p.end - cal) as f64 / options.multiplier,
        new_in_holdout,
    })
}
