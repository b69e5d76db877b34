//! Validated model input: frequency, recency and age per customer, with
//! identical rows compressed into weights.

use std::collections::HashMap;

use foldhash::fast::RandomState;

use crate::error::{CxError, Result};

/// Per-customer sufficient statistics of the buy-till-you-die models, as
/// produced by [`crate::retention::customer_summary`]: `frequency` (repeat
/// purchases x), `recency` (t_x, time of the last purchase from the first)
/// and `t` (T, time from the first purchase to the end of observation), all
/// in the same time unit.
#[derive(Debug, Clone, Copy)]
pub struct CustomerData<'a> {
    /// Repeat purchases x (whole numbers ≥ 0).
    pub frequency: &'a [f64],
    /// Recency t_x (0 ≤ t_x ≤ T; 0 when x = 0).
    pub recency: &'a [f64],
    /// Age T (> 0).
    pub t: &'a [f64],
}

/// Distinct (x, t_x, T) rows with how many customers (or how much weight)
/// each stands for. Fitting sums over these: on CDNOW 2,357 customers make
/// 1,016 rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rows {
    pub x: Vec<f64>,
    pub tx: Vec<f64>,
    pub t: Vec<f64>,
    pub w: Vec<f64>,
    /// Σw: the number of customers (or total weight).
    pub total: f64,
    /// The distinct frequencies, and each row's index into them: terms of
    /// the likelihood that depend only on the parameters and x (ln Γ, ψ,
    /// ln B) are computed once per distinct x rather than once per row.
    pub xs: Vec<f64>,
    pub xi: Vec<u32>,
    /// The distinct values of tₓ and of T and each row's index into them:
    /// summaries in whole days or weeks repeat them, so logarithms such as
    /// ln(α + T) are taken once per distinct value.
    pub txs: Vec<f64>,
    pub txi: Vec<u32>,
    pub ts: Vec<f64>,
    pub ti: Vec<u32>,
}

/// The distinct values of `v` (first-seen order) and each value's index.
/// When a sample of the first 4,096 values is more than half distinct
/// (recency and T from order timestamps), the table would save few
/// logarithms for a hash-map insert per row: every value then stands for
/// itself (the same numbers either way).
fn distinct(v: &[f64]) -> (Vec<f64>, Vec<u32>) {
    const SAMPLE: usize = 4_096;
    if v.len() > 4 * SAMPLE {
        let mut bits: Vec<u64> = v[..SAMPLE].iter().map(|x| x.to_bits()).collect();
        bits.sort_unstable();
        bits.dedup();
        if bits.len() > SAMPLE / 2 {
            return (v.to_vec(), (0..v.len() as u32).collect());
        }
    }
    let mut seen: HashMap<u64, u32, RandomState> = HashMap::default();
    let mut values = Vec::new();
    let index = v
        .iter()
        .map(|x| {
            let next = values.len() as u32;
            let k = *seen.entry(x.to_bits()).or_insert(next);
            if k == next {
                values.push(*x);
            }
            k
        })
        .collect();
    (values, index)
}

impl Rows {
    /// Fills the distinct-value tables ([`xs`](Self::xs), [`txs`](Self::txs),
    /// [`ts`](Self::ts)) and the rows' indices into them.
    pub fn index_frequencies(mut self) -> Self {
        (self.xs, self.xi) = distinct(&self.x);
        (self.txs, self.txi) = distinct(&self.tx);
        (self.ts, self.ti) = distinct(&self.t);
        self
    }
}

fn finite(argument: &'static str, index: usize, v: f64) -> Result<f64> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(CxError::NotFinite {
            argument,
            index,
            value: v,
        })
    }
}

pub(crate) fn out_of_range(argument: &'static str, index: usize, v: f64, allowed: &str) -> CxError {
    CxError::OutOfRange {
        argument,
        index,
        value: v.to_string(),
        allowed: allowed.to_owned(),
    }
}

/// Compresses `n` rows into distinct (x, tₓ, T) rows with summed weights,
/// the input of every fit: `row(i)` checks row i and gives its (x, tₓ, T);
/// row i stands for `weights[i]` customers (finite, ≥ 0, of the length of
/// column `other`, summing to more than 0) or for one.
///
/// # Errors
/// The errors of `row`; [`CxError::LengthMismatch`],
/// [`CxError::NotFinite`], [`CxError::NegativeWeight`] and
/// [`CxError::ZeroWeight`] for the weights.
pub(crate) fn compress(
    n: usize,
    other: &'static str,
    weights: Option<&[f64]>,
    mut row: impl FnMut(usize) -> Result<(f64, f64, f64)>,
) -> Result<Rows> {
    compress_some(n, other, weights, |i| row(i).map(Some))
}

/// [`compress`] for inputs some of whose rows are not part of the fit:
/// `row` returns `None` for them (their weight is still checked).
pub(crate) fn compress_some(
    n: usize,
    other: &'static str,
    weights: Option<&[f64]>,
    mut row: impl FnMut(usize) -> Result<Option<(f64, f64, f64)>>,
) -> Result<Rows> {
    if let Some(w) = weights {
        CxError::check_len("weights", w.len(), other, n)?;
    }
    // Sized for a quarter of the rows up front: with order timestamps
    // nothing merges and growing from empty rehashed every row several
    // times; a full-size table costs summaries in whole days (a third of
    // the rows distinct) more in cache misses than it saves.
    let mut index: HashMap<(u64, u64, u64), usize, RandomState> =
        HashMap::with_capacity_and_hasher(n.min(1 << 21) / 4, RandomState::default());
    let mut r = Rows::default();
    for i in 0..n {
        let kept = row(i)?;
        let w = weights.map_or(1.0, |w| w[i]);
        if !w.is_finite() {
            return Err(CxError::NotFinite {
                argument: "weights",
                index: i,
                value: w,
            });
        }
        if w < 0.0 {
            return Err(CxError::NegativeWeight {
                argument: "weights",
                index: i,
                value: w,
            });
        }
        let Some((x, tx, t)) = kept else { continue };
        let next = r.x.len();
        let k = *index
            .entry((x.to_bits(), tx.to_bits(), t.to_bits()))
            .or_insert(next);
        if k == next {
            r.x.push(x);
            r.tx.push(tx);
            r.t.push(t);
            r.w.push(0.0);
        }
        r.w[k] += w;
        r.total += w;
    }
    if r.total <= 0.0 {
        return Err(CxError::ZeroWeight { argument: "weights" });
    }
    Ok(r.index_frequencies())
}

impl CustomerData<'_> {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// Whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Checks every row: equal lengths, finite values, whole x ≥ 0,
    /// 0 ≤ t_x ≤ T (T = 0 is a customer first seen on the last day), and
    /// t_x = 0 when x = 0.
    ///
    /// # Errors
    /// [`CxError::Empty`], [`CxError::LengthMismatch`],
    /// [`CxError::NotFinite`], [`CxError::NotInteger`] and
    /// [`CxError::OutOfRange`] naming the argument and row.
    pub fn validate(&self) -> Result<()> {
        let n = self.len();
        if n == 0 {
            return Err(CxError::Empty {
                argument: "frequency",
            });
        }
        CxError::check_len("recency", self.recency.len(), "frequency", n)?;
        CxError::check_len("t", self.t.len(), "frequency", n)?;
        for i in 0..n {
            let x = finite("frequency", i, self.frequency[i])?;
            let tx = finite("recency", i, self.recency[i])?;
            let t = finite("t", i, self.t[i])?;
            if x < 0.0 {
                return Err(out_of_range("frequency", i, x, ">= 0"));
            }
            if x.fract() != 0.0 {
                return Err(CxError::NotInteger {
                    argument: "frequency",
                    index: i,
                    value: x,
                });
            }
            // T = 0 is ordinary data: a customer whose first order is on
            // the last day of the observation (lifetimes accepts it too).
            if t < 0.0 {
                return Err(out_of_range("t", i, t, ">= 0"));
            }
            if tx < 0.0 || tx > t {
                return Err(out_of_range(
                    "recency",
                    i,
                    tx,
                    &format!("0..={t} (between 0 and T)"),
                ));
            }
            if x == 0.0 && tx != 0.0 {
                return Err(out_of_range(
                    "recency",
                    i,
                    tx,
                    "0 for a customer without repeat purchases",
                ));
            }
        }
        Ok(())
    }

    /// Validates and compresses identical rows into weights; row i stands
    /// for `weights[i]` customers when given (lifetimes' `weights`: a
    /// summary already compressed into counts), else for one.
    ///
    /// # Errors
    /// As [`validate`](Self::validate); a weight that is not finite,
    /// negative, or weights of another length or summing to 0.
    pub(crate) fn rows_weighted(&self, weights: Option<&[f64]>) -> Result<Rows> {
        self.validate()?;
        compress(self.len(), "frequency", weights, |i| {
            Ok((self.frequency[i], self.recency[i], self.t[i]))
        })
    }
}
