//! Store-level retention: repeat purchase, returning customers, cohorts and
//! the time to the second purchase.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::purchases::{Purchases, RowReport};
use crate::error::Result;
use crate::stats;
use crate::survey::Proportion;
use crate::time::{TimeBucket, bucket_id, bucket_start, day_of_date};

impl<K> Purchases<K> {
    /// Period id of purchase period `id` in the coarser-or-equal `bucket`.
    pub(crate) fn rebucket(&self, id: i64, bucket: TimeBucket) -> i64 {
        if bucket == self.bucket {
            return id;
        }
        self.period_start(id)
            .and_then(|d| bucket_id(bucket, day_of_date(d)))
            .unwrap_or(id)
    }
}

/// Headline numbers of a shop's customer base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreSummary {
    /// Customers with at least one purchase.
    pub customers: u64,
    /// Purchases (distinct customer × period).
    pub purchases: u64,
    /// Customers with two or more purchases.
    pub repeat_customers: u64,
    /// Share of customers who bought again (Wilson interval).
    pub repeat_purchase_rate: Proportion,
    /// Purchases per customer.
    pub purchases_per_customer: f64,
    /// Sum of amounts; `None` without amounts.
    pub revenue: Option<f64>,
    /// Revenue per purchase; `None` without amounts.
    pub average_order_value: Option<f64>,
    /// Where the input rows went.
    pub report: RowReport,
}

/// Repeat-purchase rate and the base numbers of a shop.
///
/// # Formula
/// repeat-purchase rate = customers with ≥ 2 purchase periods / customers,
/// with a Wilson interval; purchases per customer = purchases / customers;
/// average order value = revenue / purchases (a purchase being one
/// customer's orders within one period, as in the customer summary).
///
/// # Errors
/// [`crate::CxError::InvalidParameter`] for a level outside (0, 1).
pub fn store_summary<K>(p: &Purchases<K>, level: f64) -> Result<StoreSummary> {
    let level = stats::check_level(level)?;
    let customers = p.len() as u64;
    let purchases = p.periods.len() as u64;
    let repeat_customers = (0..p.len()).filter(|&i| p.of(i).0.len() >= 2).count() as u64;
    let revenue = p.has_amounts.then(|| p.amounts.iter().sum::<f64>());
    Ok(StoreSummary {
        customers,
        purchases,
        repeat_customers,
        repeat_purchase_rate: Proportion::from_counts(repeat_customers, customers.max(1), level),
        purchases_per_customer: purchases as f64 / customers.max(1) as f64,
        revenue,
        average_order_value: revenue.map(|r| r / purchases.max(1) as f64),
        report: p.report,
    })
}

/// Returning customers in one reporting period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturningPeriod {
    /// First day of the period.
    pub period: NaiveDate,
    /// Customers who bought in the period.
    pub customers: u64,
    /// Of those, customers who had bought before the period began.
    pub returning: u64,
    /// Customers whose first purchase fell in the period.
    pub new: u64,
    /// `returning / customers` with a Wilson interval.
    pub rate: Proportion,
}

/// Returning-customer rate per period, as shop analytics report it.
///
/// # Formula
/// Of the customers who bought within a period, the share whose first
/// purchase lies in an earlier period (their first purchase may predate the
/// data's first period only if it is in the data).
///
/// # Errors
/// [`crate::CxError::InvalidParameter`] for a level outside (0, 1).
pub fn returning_customers<K>(
    p: &Purchases<K>,
    bucket: TimeBucket,
    level: f64,
) -> Result<Vec<ReturningPeriod>> {
    let level = stats::check_level(level)?;
    let mut per: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for i in 0..p.len() {
        let (periods, _) = p.of(i);
        let first = p.rebucket(periods[0], bucket);
        let mut last = None;
        for &x in periods {
            let b = p.rebucket(x, bucket);
            if last == Some(b) {
                continue;
            }
            last = Some(b);
            let e = per.entry(b).or_default();
            e.0 += 1;
            e.1 += u64::from(b > first);
        }
    }
    Ok(per
        .into_iter()
        .map(|(b, (customers, returning))| ReturningPeriod {
            period: bucket_start(bucket, b).unwrap_or_default(),
            customers,
            returning,
            new: customers - returning,
            rate: Proportion::from_counts(returning, customers, level),
        })
        .collect())
}

/// One cohort of a retention matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// First day of the period of the cohort's first purchases.
    pub start: NaiveDate,
    /// Customers in the cohort.
    pub size: u64,
    /// `active[k]`: cohort customers who bought in the k-th period after
    /// their first (`active[0] = size`), up to the last observed period.
    pub active: Vec<u64>,
    /// `active[k] / size`.
    pub share: Vec<f64>,
}

/// Cohort retention matrix: customers grouped by the period (week or month)
/// of their first purchase; cell k is the share of the cohort that bought in
/// the k-th period after it. Rows end at the end of observation, so later
/// cohorts have shorter rows.
pub fn cohort_retention<K>(p: &Purchases<K>, bucket: TimeBucket) -> Vec<Cohort> {
    let end = p.rebucket(p.end, bucket);
    let mut cohorts: BTreeMap<i64, Vec<u64>> = BTreeMap::new();
    for i in 0..p.len() {
        let (periods, _) = p.of(i);
        let c = p.rebucket(periods[0], bucket);
        let row = cohorts
            .entry(c)
            .or_insert_with(|| vec![0; (end - c + 1).max(1) as usize]);
        let mut last = None;
        for &x in periods {
            let k = p.rebucket(x, bucket) - c;
            if last == Some(k) {
                continue;
            }
            last = Some(k);
            if let Some(cell) = row.get_mut(k as usize) {
                *cell += 1;
            }
        }
    }
    cohorts
        .into_iter()
        .map(|(c, active)| {
            let size = active[0];
            Cohort {
                start: bucket_start(bucket, c).unwrap_or_default(),
                size,
                share: active.iter().map(|&a| a as f64 / size as f64).collect(),
                active,
            }
        })
        .collect()
}

/// How long the second purchase takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecondPurchase {
    /// Customers.
    pub customers: u64,
    /// Customers with a second purchase.
    pub repeaters: u64,
    /// Mean periods from first to second purchase (`None` without repeaters).
    pub mean: Option<f64>,
    /// Median (type-7 quantile).
    pub median: Option<f64>,
    /// First quartile.
    pub q1: Option<f64>,
    /// Third quartile.
    pub q3: Option<f64>,
    /// The `within` threshold, in periods.
    pub within: i64,
    /// Customers whose second purchase came within `within` periods.
    pub repeated_within: u64,
    /// `repeated_within / customers` (Wilson interval): the share of all
    /// customers who came back that fast.
    pub share_within: Proportion,
}

/// Time from the first to the second purchase, in the purchases' periods
/// (days by default).
///
/// # Errors
/// [`crate::CxError::InvalidParameter`] for a level outside (0, 1).
pub fn time_to_second_purchase<K>(p: &Purchases<K>, within: i64, level: f64) -> Result<SecondPurchase> {
    let level = stats::check_level(level)?;
    let mut gaps: Vec<f64> = (0..p.len())
        .filter_map(|i| {
            let (periods, _) = p.of(i);
            (periods.len() >= 2).then(|| (periods[1] - periods[0]) as f64)
        })
        .collect();
    gaps.sort_unstable_by(f64::total_cmp);
    let repeated_within = gaps.iter().filter(|&&g| g <= within as f64).count() as u64;
    let customers = p.len() as u64;
    Ok(SecondPurchase {
        customers,
        repeaters: gaps.len() as u64,
        mean: (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64),
        median: stats::quantile_sorted(&gaps, 0.5),
        q1: stats::quantile_sorted(&gaps, 0.25),
        q3: stats::quantile_sorted(&gaps, 0.75),
        within,
        repeated_within,
        share_within: Proportion::from_counts(repeated_within, customers.max(1), level),
    })
}
