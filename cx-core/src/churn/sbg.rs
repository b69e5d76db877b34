//! The shifted-beta-geometric model of contractual churn (Fader & Hardie
//! 2007, "How to project customer retention", J. Interactive Marketing
//! 21(1)): subscription boxes, memberships, anything renewed period by
//! period. Each customer churns at the end of a period with probability θ,
//! and θ ~ Beta(α, β) across customers, so the cohort's retention rate
//! rises over time by heterogeneity alone.

use serde::{Deserialize, Serialize};

use super::check_params;
use super::data::{Rows, compress, out_of_range};
use super::fit::{FitOptions, FitReport, Model, fit};
use super::special::{digamma, hyp2f1_ln, ln_beta};
use crate::error::{CxError, Result};

/// Customers of a contractual business: how many periods each was
/// observed for, whether they churned at the end of the last of them, and
/// optionally how many customers each row stands for.
#[derive(Debug, Clone, Copy)]
pub struct ContractData<'a> {
    /// Periods: the renewal period in which a churned customer left (≥ 1),
    /// or the periods an active customer has completed (≥ 0).
    pub periods: &'a [f64],
    /// Whether the customer churned (else still active: censored).
    pub churned: &'a [bool],
    /// Customers per row (1 each without).
    pub weights: Option<&'a [f64]>,
}

/// The sBG model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "model", rename = "sbg")]
pub struct ShiftedBetaGeometric {
    /// First shape of the churn-probability beta.
    alpha: f64,
    /// Second shape of the churn-probability beta.
    beta: f64,
    /// How the fit went, when the model was fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fit: Option<FitReport>,
}

/// The JSON fields without the tag, read strictly (a misspelt field is an
/// error, not a default).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    alpha: f64,
    beta: f64,
    #[serde(default)]
    fit: Option<FitReport>,
}

/// The likelihood for the common fit: a row is (x = 1 if churned, −, t).
struct SbgModel;

impl Model for SbgModel {
    const NAMES: &'static [&'static str] = &["alpha", "beta"];

    fn ll(p: &[f64], churned: f64, _a: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
        let (a, b) = (p[0], p[1]);
        let lb = ln_beta(a, b);
        if churned > 0.0 {
            // P(T = t) = B(α+1, β+t−1)/B(α, β)
            if let Some(g) = g {
                let common = digamma(a + b) - digamma(a + b + t);
                g[0] = digamma(a + 1.0) - digamma(a) + common;
                g[1] = digamma(b + t - 1.0) - digamma(b) + common;
            }
            ln_beta(a + 1.0, b + t - 1.0) - lb
        } else {
            // S(t) = B(α, β+t)/B(α, β)
            if let Some(g) = g {
                let common = digamma(a + b) - digamma(a + b + t);
                g[0] = common;
                g[1] = digamma(b + t) - digamma(b) + common;
            }
            ln_beta(a, b + t) - lb
        }
    }

    fn initial(_rows: &Rows) -> Vec<f64> {
        vec![1.0, 1.0]
    }
}

impl ContractData<'_> {
    /// Checks the rows and merges identical ones into weights.
    fn rows(&self) -> Result<Rows> {
        let n = self.periods.len();
        if n == 0 {
            return Err(CxError::Empty { argument: "periods" });
        }
        CxError::check_len("churned", self.churned.len(), "periods", n)?;
        compress(n, "periods", self.weights, |i| {
            let t = self.periods[i];
            if !t.is_finite() {
                return Err(CxError::NotFinite {
                    argument: "periods",
                    index: i,
                    value: t,
                });
            }
            if t.fract() != 0.0 {
                return Err(CxError::NotInteger {
                    argument: "periods",
                    index: i,
                    value: t,
                });
            }
            let churned = self.churned[i];
            if t < 0.0 || (churned && t < 1.0) {
                let allowed = if churned {
                    ">= 1 for a churned customer"
                } else {
                    ">= 0"
                };
                return Err(out_of_range("periods", i, t, allowed));
            }
            // A row is (x = 1 if churned, −, t) for the common fit.
            Ok((if churned { 1.0 } else { 0.0 }, 0.0, t))
        })
    }
}

/// Rows of a cohort's survivor counts S₀ ≥ S₁ ≥ … ≥ S_k: S_{t−1} − S_t
/// customers churned in period t, S_k are still active after k periods.
///
/// # Errors
/// Fewer than two counts; a count that is negative, not finite or above
/// the one before.
pub fn survivors_to_rows(survivors: &[f64]) -> Result<(Vec<f64>, Vec<bool>, Vec<f64>)> {
    if survivors.len() < 2 {
        return Err(CxError::invalid(
            "survivors",
            survivors.len(),
            "at least two counts: the cohort at the start and after one period",
        ));
    }
    let (mut periods, mut churned, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    for (i, &s) in survivors.iter().enumerate() {
        if !s.is_finite() {
            return Err(CxError::NotFinite {
                argument: "survivors",
                index: i,
                value: s,
            });
        }
        if s < 0.0 || (i > 0 && s > survivors[i - 1]) {
            return Err(out_of_range(
                "survivors",
                i,
                s,
                "0..=the count before (survivors never grow)",
            ));
        }
        if i > 0 {
            periods.push(i as f64);
            churned.push(true);
            weights.push(survivors[i - 1] - s);
        }
    }
    periods.push((survivors.len() - 1) as f64);
    churned.push(false);
    weights.push(survivors[survivors.len() - 1]);
    Ok((periods, churned, weights))
}

impl ShiftedBetaGeometric {
    /// A model with given parameters.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] unless both are positive and finite.
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        check_params(&[("alpha", alpha), ("beta", beta)])?;
        Ok(ShiftedBetaGeometric {
            alpha,
            beta,
            fit: None,
        })
    }

    /// Maximum-likelihood fit to customers' periods and churn flags (the
    /// usual fit with its report, restarts and standard errors).
    ///
    /// # Errors
    /// Input errors naming the row; option errors; a fit that converges
    /// from no start ([`CxError::NotConverged`]).
    pub fn fit(data: &ContractData<'_>, options: &FitOptions) -> Result<Self> {
        let rows = data.rows()?;
        let (p, report) = fit::<SbgModel>(&rows, options)?;
        Ok(ShiftedBetaGeometric {
            alpha: p[0],
            beta: p[1],
            fit: Some(report),
        })
    }

    /// Fit to a cohort's survivor counts (S₀ at the start, then after each
    /// period), as in Fader & Hardie's examples.
    ///
    /// # Errors
    /// As [`survivors_to_rows`] and [`fit`](Self::fit).
    pub fn fit_survivors(survivors: &[f64], options: &FitOptions) -> Result<Self> {
        let (periods, churned, weights) = survivors_to_rows(survivors)?;
        Self::fit(
            &ContractData {
                periods: &periods,
                churned: &churned,
                weights: Some(&weights),
            },
            options,
        )
    }

    /// α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// β.
    pub fn beta(&self) -> f64 {
        self.beta
    }

    /// The fit's report, for a fitted model.
    pub fn fit_report(&self) -> Option<&FitReport> {
        self.fit.as_ref()
    }

    /// S(t) = B(α, β+t)/B(α, β): the share of a cohort still active after
    /// `t` periods.
    pub fn survival(&self, t: f64) -> f64 {
        (ln_beta(self.alpha, self.beta + t) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// P(T = t) = B(α+1, β+t−1)/B(α, β): the share of a cohort that churns
    /// in period `t` (≥ 1).
    pub fn churn_probability(&self, t: f64) -> f64 {
        (ln_beta(self.alpha + 1.0, self.beta + t - 1.0) - ln_beta(self.alpha, self.beta)).exp()
    }

    /// r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1): the retention rate of period
    /// `t` (≥ 1), rising with t.
    pub fn retention_rate(&self, t: f64) -> f64 {
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// Expected lifetime in periods, Σ_{t≥0} S(t) = (α+β−1)/(α−1); infinite
    /// for α ≤ 1 (a heavy tail of customers who almost never churn).
    pub fn expected_lifetime(&self) -> f64 {
        if self.alpha > 1.0 {
            (self.alpha + self.beta - 1.0) / (self.alpha - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// Discounted expected lifetime of a new customer, Σ_{t≥0} S(t)/(1+d)^t
    /// = ₂F₁(1, β; α+β; 1/(1+d)) (Fader & Hardie 2010, "Customer-base
    /// valuation in a contractual setting"); `d` > 0 per period.
    pub fn discounted_expected_lifetime(&self, d: f64) -> f64 {
        hyp2f1_ln(1.0, self.beta, self.alpha + self.beta, 1.0 / (1.0 + d)).exp()
    }

    /// Discounted expected residual lifetime of a customer just before the
    /// `n`-th renewal (n ≥ 1): (β+n−1)/(α+β+n−1)·₂F₁(1, β+n; α+β+n; 1/(1+d)).
    pub fn discounted_expected_residual_lifetime(&self, d: f64, n: f64) -> f64 {
        let (a, b) = (self.alpha, self.beta);
        (b + n - 1.0) / (a + b + n - 1.0) * hyp2f1_ln(1.0, b + n, a + b + n, 1.0 / (1.0 + d)).exp()
    }

    /// The model as JSON (`{"model": "sbg", "alpha": …, "beta": …}`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a model's JSON; parameters are checked.
    ///
    /// # Errors
    /// [`CxError::Decode`] for malformed JSON; [`CxError::InvalidParameter`]
    /// for a parameter that is not positive and finite.
    pub fn from_json(text: &str) -> Result<Self> {
        let raw: Raw = super::raw::tagged(text, "sbg")?;
        check_params(&[("alpha", raw.alpha), ("beta", raw.beta)])?;
        Ok(ShiftedBetaGeometric {
            alpha: raw.alpha,
            beta: raw.beta,
            fit: raw.fit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: [f64; 13] = [
        1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0, 223.0, 207.0, 194.0, 183.0, 173.0,
    ];
    const HIGH_END: [f64; 13] = [
        1000.0, 869.0, 743.0, 653.0, 593.0, 551.0, 517.0, 491.0, 468.0, 445.0, 427.0, 409.0, 394.0,
    ];

    /// REFERENCES.md §6(f): fits on years 1–7 of Fader & Hardie's two
    /// cohorts, their projections, retention rates and discounted lifetimes.
    #[test]
    fn reproduces_fader_hardie_2007_and_2010() {
        for (data, alpha, beta, ll, y12, r1, r12, del, derl1, derl5) in [
            (
                REGULAR, 0.70408, 1.18204, -1680.265, 170.0, 0.6267, 0.9454, 3.694908, 2.964399, 5.894095,
            ),
            (
                HIGH_END, 0.66809, 3.80610, -1611.158, 378.0, 0.8507, 0.9568, 5.922254, 5.414479, 6.896707,
            ),
        ] {
            let m = ShiftedBetaGeometric::fit_survivors(&data[..8], &FitOptions::default()).expect("fit");
            let r = m.fit_report().expect("report");
            assert!(r.converged);
            assert!(
                (m.alpha() - alpha).abs() < 1e-4 && (m.beta() - beta).abs() < 1e-4,
                "{} {}",
                m.alpha(),
                m.beta()
            );
            assert!((r.log_likelihood - ll).abs() < 1e-3, "{}", r.log_likelihood);
            assert!(
                (1000.0 * m.survival(12.0) - y12).abs() < 0.5,
                "{}",
                1000.0 * m.survival(12.0)
            );
            assert!((m.retention_rate(1.0) - r1).abs() < 5e-5 && (m.retention_rate(12.0) - r12).abs() < 5e-5);
            // At the published (rounded) parameters, Fader & Hardie 2010's values.
            let p = ShiftedBetaGeometric::new(alpha, beta).expect("params");
            let close = |g: f64, w: f64| (g - w).abs() < 2e-4 * w;
            assert!(
                close(p.discounted_expected_lifetime(0.1), del),
                "{}",
                p.discounted_expected_lifetime(0.1)
            );
            assert!(close(p.discounted_expected_residual_lifetime(0.1, 1.0), derl1));
            assert!(close(p.discounted_expected_residual_lifetime(0.1, 5.0), derl5));
        }
    }

    #[test]
    fn discounted_lifetimes_are_the_brute_force_sums() {
        let m = ShiftedBetaGeometric::new(0.70408, 1.18204).expect("params");
        let d: f64 = 0.1;
        let sum: f64 = (0..2000).map(|t| m.survival(t as f64) / (1.0 + d).powi(t)).sum();
        assert!((m.discounted_expected_lifetime(d) - sum).abs() < 1e-12 * sum);
        // Just before the 5th renewal: the customer has survived 4 periods.
        let n = 5.0;
        let sum: f64 = (0..2000)
            .map(|k| m.survival(n - 1.0 + 1.0 + k as f64) / m.survival(n - 1.0) / (1.0 + d).powi(k))
            .sum();
        assert!((m.discounted_expected_residual_lifetime(d, n) - sum).abs() < 1e-10 * sum);
        // P(T = t) sums with S(k) to 1, and retention is S(t)/S(t−1).
        let total: f64 = (1..=10).map(|t| m.churn_probability(t as f64)).sum::<f64>() + m.survival(10.0);
        assert!((total - 1.0).abs() < 1e-12);
        assert!((m.retention_rate(3.0) - m.survival(3.0) / m.survival(2.0)).abs() < 1e-12);
        assert!(m.expected_lifetime().is_infinite());
        assert!(
            (ShiftedBetaGeometric::new(2.0, 3.0)
                .expect("p")
                .expected_lifetime()
                - 4.0)
                .abs()
                < 1e-12
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let e = survivors_to_rows(&[100.0, 120.0]).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("out_of_range", "survivors", Some(1))
        );
        let e = survivors_to_rows(&[100.0]).unwrap_err();
        assert_eq!(e.argument(), "survivors");
        let d = ContractData {
            periods: &[1.0, 0.0],
            churned: &[true, true],
            weights: None,
        };
        let e = ShiftedBetaGeometric::fit(&d, &FitOptions::default()).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("out_of_range", "periods", Some(1))
        );
        let d = ContractData {
            periods: &[1.5],
            churned: &[false],
            weights: None,
        };
        assert_eq!(
            ShiftedBetaGeometric::fit(&d, &FitOptions::default())
                .unwrap_err()
                .code(),
            "not_integer"
        );
        let e = ShiftedBetaGeometric::from_json(r#"{"model":"sbg","alpha":-1,"beta":1}"#).unwrap_err();
        assert_eq!(e.argument(), "alpha");
        let m = ShiftedBetaGeometric::new(0.7, 1.2).expect("p");
        assert_eq!(
            ShiftedBetaGeometric::from_json(&m.to_json()).expect("round trip"),
            m
        );
    }
}
