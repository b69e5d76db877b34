//! The gamma-gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV:
//! using iso-value curves for customer base analysis", J. Marketing
//! Research 42(4); Fader & Hardie, "The gamma-gamma model of monetary
//! value", 2013 note).

use serde::{Deserialize, Serialize};

use super::check_params;
use super::data::{Rows, compress_some};
use super::fit::{FitOptions, FitReport, Model, fit};
use super::special::{digamma, ln_gamma};
use crate::error::{CxError, Result};

/// ln L of a customer with x repeat purchases of mean value m:
/// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ+xm).
fn ll(p: &[f64], x: f64, m: f64, g: Option<&mut [f64]>) -> f64 {
    let mut pre = [0.0; 4];
    prepare(p, x, g.is_some(), &mut pre);
    ll_prepared(p, &pre, x, m, g)
}

/// The terms of [`ll`] that depend on the parameters and x only: the ln Γ
/// part and the digammas of the gradient. Frequencies repeat across
/// customers, so the fit computes these once per distinct x.
fn prepare(p: &[f64], x: f64, with_grad: bool, out: &mut [f64]) {
    let (pp, q, v) = (p[0], p[1], p[2]);
    let px = pp * x;
    out[0] = ln_gamma(px + q) - ln_gamma(px) - ln_gamma(q) + q * v.ln() + px * x.ln();
    if with_grad {
        out[1] = digamma(px + q);
        out[2] = digamma(px);
        out[3] = digamma(q);
    }
}

fn ll_prepared(p: &[f64], pre: &[f64], x: f64, m: f64, g: Option<&mut [f64]>) -> f64 {
    let (pp, q, v) = (p[0], p[1], p[2]);
    let px = pp * x;
    let (lm, lvm) = (m.ln(), (v + x * m).ln());
    if let Some(g) = g {
        g[0] = x * (pre[1] - pre[2] + lm + x.ln() - lvm);
        g[1] = pre[1] - pre[3] + v.ln() - lvm;
        g[2] = q / v - (px + q) / (v + x * m);
    }
    pre[0] + (px - 1.0) * lm - (px + q) * lvm
}

struct GgModel;

impl Model for GgModel {
    const NAMES: &'static [&'static str] = &["p", "q", "v"];
    const PREPARED: usize = 4;
    fn ll(p: &[f64], x: f64, m: f64, _unused: f64, g: Option<&mut [f64]>) -> f64 {
        ll(p, x, m, g)
    }
    fn prepare(p: &[f64], x: f64, with_grad: bool, out: &mut [f64]) {
        prepare(p, x, with_grad, out);
    }
    fn ll_prepared(p: &[f64], pre: &[f64], x: f64, m: f64, _unused: f64, g: Option<&mut [f64]>) -> f64 {
        ll_prepared(p, pre, x, m, g)
    }
    fn initial(rows: &Rows) -> Vec<f64> {
        // Method-of-moments flavoured start: mean spend around p·v/(q−1).
        let mean = rows
            .x
            .iter()
            .zip(&rows.tx)
            .zip(&rows.w)
            .map(|((_, m), w)| m * w)
            .sum::<f64>()
            / rows.total;
        vec![1.0, 3.0, (2.0 * mean).max(1e-6)]
    }
}

/// A fitted (or given) gamma-gamma model of spend per transaction.
///
/// Each customer's transaction values are gamma(p, ν) with ν ~ Gamma(q, γ)
/// across customers (γ is called `v` here, as in lifetimes). Fitted on the
/// customers with at least one repeat purchase, from their repeat count and
/// mean repeat spend.
///
/// # Examples
/// ```
/// use cx::churn::GammaGamma;
/// let m = GammaGamma::new(6.25, 3.74, 15.44)?;
/// // Shrinks a customer's mean towards the population mean p·v/(q−1).
/// let e = m.conditional_expected_average_profit(1.0, 100.0)?;
/// assert!(e > m.population_mean()? && e < 100.0);
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::raw::GammaGamma")]
pub struct GammaGamma {
    /// Shape of the per-transaction gamma.
    pub(crate) p: f64,
    /// Shape of the gamma mixing the scale.
    pub(crate) q: f64,
    /// Scale (γ) of the gamma mixing the scale.
    pub(crate) v: f64,
    /// How the fit went, when the model was fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fit: Option<FitReport>,
}

impl GammaGamma {
    /// A model with given parameters.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] unless all are positive and finite.
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self> {
        check_params(&[("p", p), ("q", q), ("v", v)])?;
        Ok(GammaGamma { p, q, v, fit: None })
    }

    /// Maximum-likelihood fit from each customer's repeat purchases
    /// (`frequency`) and mean repeat spend (`monetary_value`). Customers
    /// without repeat purchases carry no spend information and are left
    /// out; the report's `customers` counts those used.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`]; [`CxError::NotFinite`],
    /// [`CxError::OutOfRange`] for negative frequencies or a non-positive
    /// spend of a repeat customer; [`CxError::Empty`] when no customer has a
    /// repeat purchase.
    pub fn fit(frequency: &[f64], monetary_value: &[f64], options: &FitOptions) -> Result<Self> {
        Self::fit_weighted(frequency, monetary_value, None, options)
    }

    /// [`fit`](Self::fit) of a summary compressed into distinct (frequency,
    /// mean spend) rows, each standing for `weights[i]` customers (what a
    /// cluster aggregates: the optimum equals the fit on every customer).
    ///
    /// # Errors
    /// As [`fit`](Self::fit); [`CxError::LengthMismatch`],
    /// [`CxError::NotFinite`], [`CxError::NegativeWeight`] and
    /// [`CxError::ZeroWeight`] for the weights.
    pub fn fit_weighted(
        frequency: &[f64],
        monetary_value: &[f64],
        weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<Self> {
        let rows = spend_rows(frequency, monetary_value, weights)?;
        let (p, report) = fit::<GgModel>(&rows, options)?;
        Ok(GammaGamma {
            p: p[0],
            q: p[1],
            v: p[2],
            fit: Some(report),
        })
    }

    /// ln L of one repeat customer.
    pub fn log_likelihood(&self, x: f64, m: f64) -> f64 {
        ll(&[self.p, self.q, self.v], x, m, None)
    }

    /// Mean spend of a new customer, p·v/(q − 1).
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] when q ≤ 1 (the mean is infinite).
    pub fn population_mean(&self) -> Result<f64> {
        if self.q <= 1.0 {
            return Err(CxError::invalid("q", self.q, "q > 1 for a finite mean spend"));
        }
        Ok(self.p * self.v / (self.q - 1.0))
    }

    /// E[M | x, m̄] = (1 − w)·p·v/(q−1) + w·m̄ with w = px/(px + q − 1): a
    /// customer's mean spend shrunk towards the population mean (FHL 2005,
    /// eq. 3). For x = 0 it is the population mean.
    ///
    /// # Errors
    /// As [`population_mean`](Self::population_mean).
    pub fn conditional_expected_average_profit(&self, x: f64, m: f64) -> Result<f64> {
        let mean = self.population_mean()?;
        let w = self.p * x / (self.p * x + self.q - 1.0);
        Ok((1.0 - w) * mean + w * m)
    }
}

/// Validated (x, m̄) rows of the repeat customers, compressed; `weights`
/// (one per row, customers without repeat purchases included) say how many
/// customers each row stands for.
fn spend_rows(frequency: &[f64], monetary: &[f64], weights: Option<&[f64]>) -> Result<Rows> {
    if monetary.len() != frequency.len() {
        return Err(CxError::LengthMismatch {
            argument: "monetary_value",
            expected: frequency.len(),
            actual: monetary.len(),
            other: "frequency",
        });
    }
    let mut repeat = 0usize;
    let rows = compress_some(frequency.len(), "frequency", weights, |i| {
        let (x, m) = (frequency[i], monetary[i]);
        for (argument, v) in [("frequency", x), ("monetary_value", m)] {
            if !v.is_finite() {
                return Err(CxError::NotFinite {
                    argument,
                    index: i,
                    value: v,
                });
            }
        }
        if x < 0.0 {
            return Err(CxError::OutOfRange {
                argument: "frequency",
                index: i,
                value: x.to_string(),
                allowed: ">= 0".into(),
            });
        }
        if x == 0.0 {
            return Ok(None);
        }
        if m <= 0.0 {
            return Err(CxError::OutOfRange {
                argument: "monetary_value",
                index: i,
                value: m.to_string(),
                allowed: "> 0 for a customer with repeat purchases".into(),
            });
        }
        repeat += 1;
        Ok(Some((x, m, 0.0)))
    });
    match rows {
        Err(CxError::ZeroWeight { .. }) if repeat == 0 => Err(CxError::Empty {
            argument: "frequency",
        }),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The likelihood against the formula written with statrs' ln Γ, and
    /// the analytic gradient against central differences.
    #[test]
    fn likelihood_and_gradient_match_references() {
        use statrs::function::gamma::ln_gamma as lg;
        let p = [6.25, 3.74, 15.44];
        for &(x, m) in &[(1.0f64, 22.35f64), (4.0, 11.77), (30.0, 120.0)] {
            let px = p[0] * x;
            let want =
                lg(px + p[1]) - lg(px) - lg(p[1]) + p[1] * p[2].ln() + (px - 1.0) * m.ln() + px * x.ln()
                    - (px + p[1]) * (p[2] + x * m).ln();
            let mut g = [0.0; 3];
            let got = ll(&p, x, m, Some(&mut g));
            assert!(
                (got - want).abs() <= 1e-10 * want.abs().max(1.0),
                "{got} vs {want}"
            );
            for j in 0..3 {
                let h = 1e-6 * p[j];
                let (mut up, mut dn) = (p, p);
                up[j] += h;
                dn[j] -= h;
                let fd = (ll(&up, x, m, None) - ll(&dn, x, m, None)) / (2.0 * h);
                assert!(
                    (g[j] - fd).abs() <= 1e-6 * fd.abs().max(1.0),
                    "{j}: {} vs {fd}",
                    g[j]
                );
            }
        }
    }

    /// Distinct (x, m̄) rows with weights give the fit of the rows written
    /// out one per customer (what `cx.spark` and `cx.dask` send to the
    /// driver); customers without repeat purchases keep their row's weight
    /// out of the fit either way.
    #[test]
    fn weighted_rows_fit_like_the_rows_written_out() {
        let distinct = [
            (0.0, 0.0, 5.0),
            (1.0, 22.5, 3.0),
            (2.0, 31.0, 2.0),
            (4.0, 12.0, 1.0),
            (1.0, 80.0, 2.0),
        ];
        let (mut x, mut m) = (Vec::new(), Vec::new());
        for &(xi, mi, w) in &distinct {
            for _ in 0..w as usize {
                x.push(xi);
                m.push(mi);
            }
        }
        let opts = FitOptions::default();
        let full = GammaGamma::fit(&x, &m, &opts).unwrap();
        let dx: Vec<f64> = distinct.iter().map(|d| d.0).collect();
        let dm: Vec<f64> = distinct.iter().map(|d| d.1).collect();
        let dw: Vec<f64> = distinct.iter().map(|d| d.2).collect();
        let weighted = GammaGamma::fit_weighted(&dx, &dm, Some(&dw), &opts).unwrap();
        for (a, b) in [(full.p, weighted.p), (full.q, weighted.q), (full.v, weighted.v)] {
            assert!((a - b).abs() <= 1e-6 * a.abs(), "{a} vs {b}");
        }
        let report = weighted.fit.unwrap();
        assert_eq!(report.customers, 8.0);
        let bad = GammaGamma::fit_weighted(&dx, &dm, Some(&[1.0, 1.0, -1.0, 1.0, 1.0]), &opts);
        assert!(
            matches!(bad, Err(CxError::NegativeWeight { index: 2, .. })),
            "{bad:?}"
        );
        let none = GammaGamma::fit_weighted(&dx[..1], &dm[..1], Some(&[3.0]), &opts);
        assert!(
            matches!(
                none,
                Err(CxError::Empty {
                    argument: "frequency"
                })
            ),
            "{none:?}"
        );
    }
}
