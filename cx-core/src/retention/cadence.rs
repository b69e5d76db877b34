//! Each customer's own purchase rhythm, and who is overdue against it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::purchases::Purchases;
use crate::error::{CxError, Result};
use crate::time::{TimeBucket, date_of_day, day_of_date};

/// Cadence of each customer (columnar, in the customer order of the
/// purchases). Day-based: built from purchases per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cadence<K> {
    /// Customers, ascending.
    pub customers: Vec<K>,
    /// Purchase days.
    pub purchases: Vec<u32>,
    /// Mean days between purchases (the store's mean when `fallback`).
    pub mean_interval: Vec<Option<f64>>,
    /// Standard deviation of the intervals (n − 1 form; needs 2 intervals).
    pub sd_interval: Vec<Option<f64>>,
    /// Day of the last purchase.
    pub last_purchase: Vec<NaiveDate>,
    /// Days from the last purchase to `as_of`.
    pub days_since: Vec<i64>,
    /// Last purchase + mean interval.
    pub expected_next: Vec<Option<NaiveDate>>,
    /// `days_since / mean_interval`: above 1, later than usual.
    pub overdue_ratio: Vec<Option<f64>>,
    /// `(days_since − mean) / sd`.
    pub z: Vec<Option<f64>>,
    /// Whether the customer has fewer than two purchases, so the store-level
    /// mean interval stands in for their own.
    pub fallback: Vec<bool>,
    /// Mean interval over all customers' intervals (`None` when nobody bought twice).
    pub store_mean_interval: Option<f64>,
    /// The day cadence is measured to.
    pub as_of: NaiveDate,
}

/// Purchase cadence: inter-purchase times (IPT) of each customer, the
/// expected next purchase, and how overdue it is.
///
/// # Formula
/// IPTs are the day gaps between consecutive purchase days; expected next =
/// last + mean IPT; overdue ratio = days since last / mean IPT; z = (days
/// since last − mean IPT) / sd IPT. Customers with a
/// single purchase use the store-level mean IPT and are flagged `fallback`.
/// Reporting the hiatus baseline beside model predictions follows Wübben &
/// von Wangenheim (2008), J. Marketing 72(3).
///
/// # Errors
/// [`CxError::InvalidParameter`] unless the purchases are per day, or when
/// `as_of` precedes a customer's last purchase.
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use cx::retention::{cadence, PurchaseOptions, Purchases, Transactions};
/// use cx::time::{parse_timestamps_ms, TimeUnit};
///
/// let ts = parse_timestamps_ms("timestamps", &["2024-01-01", "2024-01-21", "2024-02-20", "2024-03-31"])?;
/// let tx = Transactions { customers: &[7u32; 4], timestamps: &ts, unit: TimeUnit::Milliseconds, amounts: None };
/// let p = Purchases::from_transactions(&tx, &PurchaseOptions::default())?;
/// let c = cadence(&p, NaiveDate::from_ymd_opt(2024, 6, 9))?;
/// assert_eq!(c.mean_interval[0], Some(30.0));
/// assert_eq!(c.z[0], Some(4.0));
/// assert_eq!(c.expected_next[0], NaiveDate::from_ymd_opt(2024, 4, 30));
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn cadence<K: Clone>(p: &Purchases<K>, as_of: Option<NaiveDate>) -> Result<Cadence<K>> {
    if p.bucket != TimeBucket::Day {
        return Err(CxError::invalid(
            "period",
            format!("{:?}", p.bucket),
            "purchases per day",
        ));
    }
    let as_of_day = as_of.map_or(p.end, day_of_date);
    let n = p.len();
    let (mut total, mut count) = (0i64, 0i64);
    for i in 0..n {
        let (days, _) = p.of(i);
        if let (Some(first), Some(last)) = (days.first(), days.last()) {
            total += last - first;
            count += days.len() as i64 - 1;
        }
    }
    let store_mean = (count > 0).then(|| total as f64 / count as f64);
    let mut c = Cadence {
        customers: p.customers.clone(),
        purchases: Vec::with_capacity(n),
        mean_interval: Vec::with_capacity(n),
        sd_interval: Vec::with_capacity(n),
        last_purchase: Vec::with_capacity(n),
        days_since: Vec::with_capacity(n),
        expected_next: Vec::with_capacity(n),
        overdue_ratio: Vec::with_capacity(n),
        z: Vec::with_capacity(n),
        fallback: Vec::with_capacity(n),
        store_mean_interval: store_mean,
        as_of: date_of_day(as_of_day).unwrap_or_default(),
    };
    for i in 0..n {
        let (days, _) = p.of(i);
        let last = days[days.len() - 1];
        if last > as_of_day {
            return Err(CxError::invalid(
                "as_of",
                c.as_of,
                "a day on or after every customer's last purchase",
            ));
        }
        let k = days.len() - 1;
        let fallback = k == 0;
        let mean = if fallback {
            store_mean
        } else {
            Some((last - days[0]) as f64 / k as f64)
        };
        let sd = (k >= 2).then(|| {
            let m = mean.unwrap_or(0.0);
            let ss: f64 = days.windows(2).map(|w| ((w[1] - w[0]) as f64 - m).powi(2)).sum();
            (ss / (k - 1) as f64).sqrt()
        });
        let since = as_of_day - last;
        c.purchases.push(days.len() as u32);
        c.mean_interval.push(mean);
        c.sd_interval.push(sd);
        c.last_purchase.push(date_of_day(last).unwrap_or_default());
        c.days_since.push(since);
        c.expected_next
            .push(mean.and_then(|m| date_of_day(last + m.round() as i64)));
        c.overdue_ratio
            .push(mean.filter(|&m| m > 0.0).map(|m| since as f64 / m));
        c.z.push(match (mean, sd) {
            (Some(m), Some(s)) if s > 0.0 => Some((since as f64 - m) / s),
            _ => None,
        });
        c.fallback.push(fallback);
    }
    Ok(c)
}
