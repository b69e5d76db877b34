//! The tracking plot's data: a cohort's cumulative repeat purchases over
//! calendar time, as they happened and as a purchase model expects them
//! (lifetimes' `expected_cumulative_transactions`; REFERENCES.md §6(c)).

use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::ChurnModel;
use crate::error::{CxError, Result};
use crate::retention::{PurchaseOptions, Purchases, RowReport, Transactions};
use crate::time::TimeBucket;

/// The most base periods tracked (27,000 years of days): the table has a
/// row per base period, so this bounds its memory.
pub const MAX_PERIODS: i64 = 10_000_000;

/// Options of [`expected_cumulative_transactions`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingOptions {
    /// Base period of the transactions (`day` by default): purchases of a
    /// customer within one period count once, as in the customer summary.
    pub period: TimeBucket,
    /// Base periods per time unit of the model (lifetimes'
    /// `freq_multiplier`): 7 tracks a model fitted in weeks on daily data.
    /// One row per unit.
    pub multiplier: u32,
    /// Base periods to track from the first purchase of the whole base
    /// (lifetimes' `t`). Default: through the period of the last purchase.
    pub periods: Option<u32>,
}

impl Default for TrackingOptions {
    fn default() -> Self {
        TrackingOptions {
            period: TimeBucket::Day,
            multiplier: 1,
            periods: None,
        }
    }
}

/// Actual and expected cumulative repeat purchases, one row per model time
/// unit after the first purchase of the base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tracking {
    /// Time since the first purchase of the base at the end of each row, in
    /// model units (1, 2, …).
    pub time: Vec<f64>,
    /// Repeat purchases (one per customer and base period) before the end
    /// of each row.
    pub actual: Vec<f64>,
    /// What the model expects by then: Σ over first-purchase periods d of
    /// (customers acquired in d) × E[X((k − d)/m)] for a new customer.
    pub predicted: Vec<f64>,
    /// Customers tracked (each from their first purchase).
    pub customers: usize,
    /// Where the transaction rows went.
    pub rows: RowReport,
}

impl Tracking {
    /// Per-row increments of `actual` and `predicted` (the weekly tracking
    /// plot rather than the cumulative one).
    pub fn increments(&self) -> (Vec<f64>, Vec<f64>) {
        let diff = |v: &[f64]| {
            v.iter()
                .scan(0.0, |prev, &x| {
                    let d = x - *prev;
                    *prev = x;
                    Some(d)
                })
                .collect()
        };
        (diff(&self.actual), diff(&self.predicted))
    }
}

/// The tracking data of `model` on the transactions: each customer's first
/// purchase period d (base periods since the base's first purchase) and
/// repeat purchases; for row i (k = i·m base periods), actual = repeats in
/// periods < k and predicted = Σ_{d<k} n_d·E[X((k − d)/m)].
///
/// The expectation is computed once per lag k − d (at most `periods` of
/// them), so the cost is one pass over the purchases plus rows × distinct
/// first periods additions.
///
/// # Errors
/// The errors of [`Purchases::from_transactions`];
/// [`CxError::InvalidParameter`] for `multiplier` 0 or fewer `periods` than
/// one row needs.
pub fn expected_cumulative_transactions<K: Hash + Eq + Ord + Clone>(
    model: &dyn ChurnModel,
    tx: &Transactions<'_, K>,
    options: &TrackingOptions,
) -> Result<Tracking> {
    let m = options.multiplier;
    if m == 0 {
        return Err(CxError::invalid(
            "multiplier",
            0,
            "a whole number of base periods >= 1",
        ));
    }
    let p = Purchases::from_transactions(
        tx,
        &PurchaseOptions {
            bucket: Some(options.period),
            ..PurchaseOptions::default()
        },
    )?;
    let start = (0..p.len()).map(|i| p.of(i).0[0]).min().unwrap_or(p.end);
    let t = match options.periods {
        Some(t) => i64::from(t),
        None => p.end - start + 1,
    };
    let m = i64::from(m);
    if t > MAX_PERIODS {
        return Err(CxError::invalid(
            "periods",
            t,
            format!("at most {MAX_PERIODS} base periods"),
        ));
    }
    if t < m {
        return Err(CxError::invalid(
            "periods",
            t,
            format!("at least one row: {m} base periods (the multiplier) or more"),
        ));
    }
    let len = t as usize;
    let mut first = vec![0usize; len];
    let mut repeats = vec![0u64; len];
    for i in 0..p.len() {
        let periods = p.of(i).0;
        let d = (periods[0] - start) as usize;
        if d < len {
            first[d] += 1;
        }
        for &q in &periods[1..] {
            let off = (q - start) as usize;
            if off < len {
                repeats[off] += 1;
            }
        }
    }
    // E[X(lag/m)] for lag = 1..=t.
    let expected: Vec<f64> = (0..=len)
        .map(|lag| {
            if lag == 0 {
                0.0
            } else {
                model.expected_purchases(lag as f64 / m as f64)
            }
        })
        .collect();
    let acquired: Vec<(usize, usize)> = first
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(d, n)| (d, *n))
        .collect();
    let rows = (t / m) as usize;
    let (mut time, mut actual, mut predicted) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    let mut cum = 0u64;
    let mut counted = 0usize;
    for i in 1..=rows {
        let k = i * m as usize;
        while counted < k {
            cum += repeats[counted];
            counted += 1;
        }
        let pred: f64 = acquired
            .iter()
            .take_while(|(d, _)| *d < k)
            .map(|&(d, n)| n as f64 * expected[k - d])
            .sum();
        time.push(i as f64);
        actual.push(cum as f64);
        predicted.push(pred);
    }
    Ok(Tracking {
        time,
        actual,
        predicted,
        customers: p.len(),
        rows: p.report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::churn::BetaGeo;
    use crate::time::TimeUnit;

    #[test]
    fn counts_and_expectations_by_hand() {
        // Days 0..: ann buys on days 0, 2, 2 (same day), 5; bob on 1 and 3; cy on 4.
        let customers = ["ann", "ann", "ann", "ann", "bob", "bob", "cy"];
        let days = [0i64, 2, 2, 5, 1, 3, 4];
        let tx = Transactions {
            customers: &customers,
            timestamps: &days,
            unit: TimeUnit::Days,
            amounts: None,
        };
        let m = BetaGeo::new(0.5, 2.0, 0.8, 2.5).expect("params");
        let o = TrackingOptions {
            multiplier: 2,
            periods: Some(6),
            ..TrackingOptions::default()
        };
        let r = expected_cumulative_transactions(&m, &tx, &o).expect("tracking");
        assert_eq!(r.time, vec![1.0, 2.0, 3.0]);
        // Repeats: ann day 2, bob day 3, ann day 5 → before day 2, 4, 6.
        assert_eq!(r.actual, vec![0.0, 2.0, 3.0]);
        // First purchases on days 0 (ann), 1 (bob), 4 (cy); lags in units of 2 days.
        let e = |lag: f64| m.expected_purchases(lag / 2.0);
        let want = [e(2.0) + e(1.0), e(4.0) + e(3.0), e(6.0) + e(5.0) + e(2.0)];
        for (g, w) in r.predicted.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{g} vs {w}");
        }
        assert_eq!((r.customers, r.rows.rows, r.rows.merged), (3, 7, 1));
        let (da, dp) = r.increments();
        assert_eq!(da, vec![0.0, 2.0, 1.0]);
        assert!((dp[2] - (want[2] - want[1])).abs() < 1e-12);
        // Default: through the last purchase (day 5 → 6 days, 3 rows).
        let all = expected_cumulative_transactions(
            &m,
            &tx,
            &TrackingOptions {
                multiplier: 2,
                ..TrackingOptions::default()
            },
        )
        .expect("default");
        assert_eq!(all, r);
        let e =
            expected_cumulative_transactions(&m, &tx, &TrackingOptions { multiplier: 0, ..o }).unwrap_err();
        assert_eq!(e.argument(), "multiplier");
        let e = expected_cumulative_transactions(
            &m,
            &tx,
            &TrackingOptions {
                periods: Some(1),
                ..o
            },
        )
        .unwrap_err();
        assert_eq!(e.argument(), "periods");
    }
}
