//! RFM scores and segments.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::purchases::Purchases;
use crate::error::{CxError, Result};
use crate::time::{TimeBucket, day_of_date};

/// Names of the recency × frequency cells: `cells[r − 1][f − 1]`.
///
/// The default is the widely used 5 × 5 segment grid (champions, loyal, at risk, …; recency 1–2
/// share a row). Replace it to use your own segment names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Vec<Vec<String>>", into = "Vec<Vec<String>>")]
pub struct RfmGrid {
    cells: [[String; 5]; 5],
}

impl TryFrom<Vec<Vec<String>>> for RfmGrid {
    type Error = CxError;
    fn try_from(rows: Vec<Vec<String>>) -> Result<Self> {
        let bad = || {
            CxError::invalid(
                "grid",
                format!("{rows:?}"),
                "5 rows (recency 1..5) of 5 names (frequency 1..5)",
            )
        };
        if rows.len() != 5 || rows.iter().any(|r| r.len() != 5) {
            return Err(bad());
        }
        let cells = std::array::from_fn(|r| std::array::from_fn(|f| rows[r][f].clone()));
        Ok(RfmGrid { cells })
    }
}

impl From<RfmGrid> for Vec<Vec<String>> {
    fn from(g: RfmGrid) -> Self {
        g.cells.iter().map(|r| r.to_vec()).collect()
    }
}

impl Default for RfmGrid {
    fn default() -> Self {
        let row = |names: [&str; 5]| names.map(String::from);
        let sleeping = ["hibernating", "hibernating", "at risk", "at risk", "can't lose"];
        RfmGrid {
            cells: [
                row(sleeping),
                row(sleeping),
                row([
                    "about to sleep",
                    "about to sleep",
                    "need attention",
                    "loyal",
                    "loyal",
                ]),
                row([
                    "promising",
                    "potential loyalist",
                    "potential loyalist",
                    "loyal",
                    "loyal",
                ]),
                row([
                    "new",
                    "potential loyalist",
                    "potential loyalist",
                    "champions",
                    "champions",
                ]),
            ],
        }
    }
}

impl RfmGrid {
    /// The segment of recency score `r` and frequency score `f` (1–5).
    pub fn segment(&self, r: u8, f: u8) -> &str {
        &self.cells[usize::from(r.clamp(1, 5) - 1)][usize::from(f.clamp(1, 5) - 1)]
    }
}

/// Options of [`rfm`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RfmOptions {
    /// Day recency is measured to; default: the end of observation.
    pub as_of: Option<NaiveDate>,
    /// Segment names; default: [`RfmGrid::default`].
    pub grid: RfmGrid,
}

/// RFM values, scores and segments, one entry per customer (columnar, in
/// the customer order of the purchases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rfm<K> {
    /// Customers, ascending.
    pub customers: Vec<K>,
    /// Days from the last purchase to `as_of`.
    pub recency_days: Vec<i64>,
    /// Purchases (distinct periods).
    pub frequency: Vec<u32>,
    /// Total amount (0 without amounts).
    pub monetary: Vec<f64>,
    /// Recency score 1–5 (5 = most recent).
    pub r: Vec<u8>,
    /// Frequency score 1–5 (5 = most frequent).
    pub f: Vec<u8>,
    /// Monetary score 1–5 (5 = highest).
    pub m: Vec<u8>,
    /// Segment from the recency × frequency grid.
    pub segment: Vec<String>,
    /// The day recency is measured to.
    pub as_of: NaiveDate,
}

/// Quintile scores 1–5 of `values` (higher value, higher score).
///
/// Customers are ranked by value; a customer's score is 1 + ⌊5·rank/n⌋
/// where rank is the 0-based position of the *first* customer with the same
/// value (pandas' `rank(method="min")`). Tied customers therefore always
/// share a score, and the result does not depend on the input order.
fn quintiles(values: &[f64]) -> Vec<u8> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut scores = vec![1u8; n];
    let mut rank_of_tie = 0;
    for (rank, &i) in order.iter().enumerate() {
        if rank > 0 && values[order[rank - 1]].total_cmp(&values[i]).is_ne() {
            rank_of_tie = rank;
        }
        scores[i] = 1 + (5 * rank_of_tie / n) as u8;
    }
    scores
}

/// RFM analysis: recency, frequency and monetary value of each customer,
/// scored 1–5 by quintile, and the segment of the recency × frequency grid.
///
/// # Formula
/// recency = days from the last purchase to `as_of` (lower is better, so
/// scored on its negation); frequency = number of purchases; monetary =
/// total amount. Scores by quintile, ties sharing the lowest
/// rank's score. Segments: the cells of [`RfmGrid`].
///
/// # Errors
/// [`CxError::InvalidParameter`] when `as_of` is before a customer's last
/// purchase.
pub fn rfm<K: Clone>(p: &Purchases<K>, options: &RfmOptions) -> Result<Rfm<K>> {
    let end_day = p
        .period_start(p.end)
        .map(day_of_date)
        .ok_or_else(|| CxError::invalid("as_of", p.end, "a representable date"))?;
    let as_of_day = options.as_of.map_or(
        // The end of a coarser period is its last day.
        match p.bucket {
            TimeBucket::Day => end_day,
            _ => p.period_start(p.end + 1).map_or(end_day, |d| day_of_date(d) - 1),
        },
        day_of_date,
    );
    let n = p.len();
    let mut recency_days = Vec::with_capacity(n);
    let mut frequency = Vec::with_capacity(n);
    let mut monetary = Vec::with_capacity(n);
    for i in 0..n {
        let (periods, amounts) = p.of(i);
        let last = p
            .period_start(periods[periods.len() - 1])
            .map_or(as_of_day, day_of_date);
        if last > as_of_day {
            return Err(CxError::invalid(
                "as_of",
                options.as_of.map_or_else(String::new, |d| d.to_string()),
                "a day on or after every customer's last purchase",
            ));
        }
        recency_days.push(as_of_day - last);
        frequency.push(periods.len() as u32);
        monetary.push(amounts.iter().sum::<f64>());
    }
    let neg_recency: Vec<f64> = recency_days.iter().map(|&d| -(d as f64)).collect();
    let freq_f: Vec<f64> = frequency.iter().map(|&f| f64::from(f)).collect();
    let r = quintiles(&neg_recency);
    let f = quintiles(&freq_f);
    let m = quintiles(&monetary);
    let segment = r
        .iter()
        .zip(&f)
        .map(|(&r, &f)| options.grid.segment(r, f).to_owned())
        .collect();
    Ok(Rfm {
        customers: p.customers.clone(),
        recency_days,
        frequency,
        monetary,
        r,
        f,
        m,
        segment,
        as_of: crate::time::date_of_day(as_of_day).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_score() {
        // Ten customers: six one-time buyers all score 1.
        let v = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 9.0];
        assert_eq!(quintiles(&v), vec![1, 1, 1, 1, 1, 1, 4, 4, 4, 5]);
    }

    #[test]
    fn distinct_values_fill_quintiles() {
        let v: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(quintiles(&v), vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    }
}
