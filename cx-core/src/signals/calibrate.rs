//! A calibrated churn risk: a logistic model of "what the customer did
//! next" on the signal strengths and the purchase model's forecast, learnt
//! by [`backtest`](super::backtest()) and applied by [`signals`](super::signals()).
//!
//! # Why a logistic model (and not isotonic calibration of the rules)
//! Isotonic regression of the noisy-OR score would make it a probability
//! but keep its ranking, and the ranking is what fails: the noisy-OR
//! saturates near 1 and weighs every signal by a hand-set ramp. A logistic
//! model learns how much each signal adds to the purchase model's own
//! forecast (its logit is a feature), so the result ranks at least as well
//! as the model alone on the data it was fitted on, is a probability by
//! construction, and stays explainable: the log-odds are a sum of one term
//! per signal, which become each customer's [`Contribution`]s. An L2
//! penalty keeps rare signals from taking extreme weights.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Contribution, CustomerRisk, SignalKind, SignalOptions};
use crate::churn::fit::{cholesky, invert_spd};
use crate::error::{CxError, Result};

/// The feature name of the purchase model's forecast.
pub const PURCHASE_MODEL: &str = "purchase_model";

/// Which outcome within the horizon the risk is the probability of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No order at all within the horizon.
    #[default]
    NoOrder,
    /// Fewer orders than the purchase model expected for the customer.
    FewerThanExpected,
}

impl Outcome {
    /// The outcome in words, for a horizon of `days`.
    pub fn words(self, days: f64) -> String {
        match self {
            Outcome::NoOrder => format!("no order within {days} days"),
            Outcome::FewerThanExpected => {
                format!("fewer orders than the purchase model expects within {days} days")
            }
        }
    }
}

/// One coefficient of a [`RiskCalibration`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coefficient {
    /// A signal kind (`"overdue"`: its strength, 0 when it did not fire)
    /// or `"purchase_model"` (logit of the model's probability of no order
    /// within the horizon).
    pub feature: String,
    /// Change in log-odds per unit of the feature.
    pub coefficient: f64,
    /// Standard error (from the penalized Hessian).
    pub std_error: f64,
}

/// What a calibration was fitted on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainedOn {
    /// The cut-off days.
    pub cutoffs: Vec<NaiveDate>,
    /// Customer-cut-off rows.
    pub rows: usize,
    /// Rows with the outcome.
    pub outcomes: usize,
}

/// A fitted calibration of the churn risk: serializable like a fitted
/// model, so that a shop can calibrate in a notebook and score in the
/// browser. Give it to [`SignalOptions::calibration`].
///
/// It is a logistic model of the outcome on the signal strengths and the
/// logit of the purchase model's probability of no order, with an L2
/// penalty that shrinks it towards that forecast (model weight 1, no
/// signal adding anything). Not isotonic calibration of the rules: that
/// would make the rules' score a probability but keep its ranking, which
/// is what fails (the noisy-OR saturates near 1 and weighs each signal by
/// a hand-set ramp). The logistic model learns what each signal adds to
/// the model, is a probability by construction, and stays explainable:
/// the log-odds are a sum of one term per signal, each customer's
/// [`Contribution`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskCalibration {
    /// Always `"risk_calibration"` (what the JSON is).
    pub kind: String,
    /// The outcome the risk is the probability of.
    pub outcome: Outcome,
    /// Its horizon in days.
    pub horizon_days: f64,
    /// Log-odds of a customer with no signal and a purchase-model logit of 0.
    pub intercept: f64,
    /// One per feature used.
    pub coefficients: Vec<Coefficient>,
    /// The purchase-model logit used for a customer without a forecast (no
    /// orders): the mean over the rows fitted on.
    pub model_default: f64,
    /// The L2 penalty it was fitted with.
    pub penalty: f64,
    /// What it was fitted on.
    pub trained_on: TrainedOn,
    /// The signal thresholds it was fitted with.
    pub thresholds: SignalOptions,
}

/// The `kind` of a calibration's JSON.
const KIND: &str = "risk_calibration";

/// logit(p), bounded so that a certain forecast stays finite.
pub(crate) fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl RiskCalibration {
    /// Reads a calibration from JSON and checks it.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] naming the field for malformed JSON, a
    /// wrong `kind`, an unknown feature, a feature given twice or a
    /// number that is not finite.
    pub fn from_json(text: &str) -> Result<Self> {
        let c: RiskCalibration = serde_json::from_str(text)
            .map_err(|e| CxError::invalid("calibration", e, "the JSON of a risk calibration"))?;
        c.check()?;
        Ok(c)
    }

    /// The calibration as JSON (what [`from_json`](Self::from_json) reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a calibration is plain data")
    }

    pub(crate) fn check(&self) -> Result<()> {
        if self.kind != KIND {
            return Err(CxError::invalid("calibration.kind", &self.kind, KIND));
        }
        if !(self.horizon_days.is_finite() && self.horizon_days > 0.0) {
            return Err(CxError::invalid(
                "calibration.horizon_days",
                self.horizon_days,
                "a positive number of days",
            ));
        }
        for (name, v) in [
            ("calibration.intercept", self.intercept),
            ("calibration.model_default", self.model_default),
            ("calibration.penalty", self.penalty),
        ] {
            if !v.is_finite() {
                return Err(CxError::invalid(name, v, "a finite number"));
            }
        }
        for (i, c) in self.coefficients.iter().enumerate() {
            let known =
                c.feature == PURCHASE_MODEL || SignalKind::ALL.iter().any(|k| k.as_str() == c.feature);
            if !known {
                return Err(CxError::invalid(
                    "calibration.coefficients",
                    &c.feature,
                    "purchase_model or a signal kind (overdue, hiatus, …)",
                ));
            }
            if self.coefficients[..i].iter().any(|d| d.feature == c.feature) {
                return Err(CxError::invalid(
                    "calibration.coefficients",
                    &c.feature,
                    "each feature once",
                ));
            }
            if !(c.coefficient.is_finite() && c.std_error.is_finite()) {
                return Err(CxError::invalid(
                    "calibration.coefficients",
                    format!("{}: {}", c.feature, c.coefficient),
                    "finite numbers",
                ));
            }
        }
        Ok(())
    }

    /// Whether the purchase model's forecast is a feature.
    pub fn uses_model(&self) -> bool {
        self.coefficients.iter().any(|c| c.feature == PURCHASE_MODEL)
    }

    /// `options`' signal thresholds must be those the calibration was
    /// fitted with: they shape the strengths its coefficients weigh.
    pub(crate) fn check_thresholds(&self, options: &SignalOptions) -> Result<()> {
        self.check()?;
        let mine = serde_json::to_value(self.thresholds.thresholds()).unwrap_or_default();
        let theirs = serde_json::to_value(options.thresholds()).unwrap_or_default();
        if let (Some(a), Some(b)) = (mine.as_object(), theirs.as_object()) {
            for (k, v) in a {
                if b.get(k) != Some(v) {
                    let now = b.get(k).map_or("missing".into(), ToString::to_string);
                    return Err(CxError::invalid(
                        "calibration",
                        format!("{k} = {now} in the signal options"),
                        format!("{k} = {v}, as the calibration was fitted with (it shapes the strengths)"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The probability from the terms coefficient × value (the intercept
    /// added here): what [`score`](Self::score) and the backtest share.
    pub(crate) fn probability(&self, terms: impl Iterator<Item = f64>) -> f64 {
        sigmoid(self.intercept + terms.sum::<f64>())
    }

    /// The calibrated risk of a customer and its terms, largest first
    /// (terms under 0.001 in log-odds left out, but counted in the risk).
    pub(crate) fn score<K>(&self, c: &CustomerRisk<K>) -> (f64, Vec<Contribution>) {
        let values: Vec<f64> = self
            .coefficients
            .iter()
            .map(|coef| feature_value(&coef.feature, self.model_default, c))
            .collect();
        let mut terms: Vec<Contribution> = self
            .coefficients
            .iter()
            .zip(&values)
            // Terms under 0.001 in log-odds explain nothing: left out.
            .filter(|(coef, v)| {
                **v != 0.0 && ((coef.coefficient * **v).abs() >= 1e-3 || coef.feature == PURCHASE_MODEL)
            })
            .map(|(coef, &v)| Contribution {
                feature: coef.feature.clone(),
                log_odds: coef.coefficient * v,
            })
            .collect();
        terms.sort_by(|a, b| b.log_odds.total_cmp(&a.log_odds).then(a.feature.cmp(&b.feature)));
        let risk = self.probability(
            self.coefficients
                .iter()
                .zip(&values)
                .map(|(c, v)| c.coefficient * v),
        );
        (risk, terms)
    }

    /// The feature row of a customer as the calibration reads it, in the
    /// order of `features`.
    pub(crate) fn features_of<K>(features: &[String], model_default: f64, c: &CustomerRisk<K>) -> Vec<f64> {
        features
            .iter()
            .map(|f| feature_value(f, model_default, c))
            .collect()
    }
}

/// A customer's value of one feature: the logit of the model's probability
/// of no order (`model_default` without one), or a signal's strength (0
/// when it did not fire).
fn feature_value<K>(feature: &str, model_default: f64, c: &CustomerRisk<K>) -> f64 {
    if feature == PURCHASE_MODEL {
        c.p_no_order.map_or(model_default, logit)
    } else {
        c.signals
            .iter()
            .find(|s| s.kind.as_str() == feature)
            .map_or(0.0, |s| s.strength)
    }
}

/// A penalized logistic regression fitted by Newton's method (iteratively
/// reweighted least squares): β maximizes Σ [yᵢ·zᵢ − ln(1 + e^{zᵢ})] −
/// λ/2·Σⱼ (βⱼ − cⱼ)² with zᵢ = β₀ + Σ βⱼ xᵢⱼ, where the centres `c` (the
/// intercept's first, then one per feature) are what the coefficients
/// shrink towards. `x` holds `p` features per row. Returns (β with the
/// intercept first, standard errors from the inverse penalized Hessian).
///
/// Written by hand: the systems are at most 11×11 (one row per signal
/// kind plus the model and the intercept), solved by the Cholesky helper
/// the model fits use; a linear-algebra or GLM crate would bring far more
/// than this needs.
pub(crate) fn fit_logistic(
    x: &[f64],
    y: &[bool],
    p: usize,
    penalty: f64,
    centres: &[f64],
) -> Result<(Vec<f64>, Vec<f64>)> {
    let k = p + 1;
    // Start where the penalty pulls (the model's own forecast): Newton
    // then needs few steps.
    let mut beta = centres.to_vec();
    for _ in 0..100 {
        let (mut grad, mut hess) = accumulate(x, y, p, &beta);
        for a in 0..k {
            grad[a] -= penalty * (beta[a] - centres[a]);
            hess[a][a] += penalty;
        }
        for a in 0..k {
            for b in 0..a {
                hess[b][a] = hess[a][b];
            }
        }
        let step = solve_spd(&hess, &grad).ok_or_else(|| {
            CxError::invalid(
                "penalty",
                penalty,
                "a larger penalty (the features are collinear or a signal separates the outcome)",
            )
        })?;
        let size = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        for (b, s) in beta.iter_mut().zip(&step) {
            *b += s;
        }
        if size < 1e-9 {
            let cov = invert_spd(&hess).unwrap_or_else(|| vec![vec![f64::NAN; k]; k]);
            let se = (0..k).map(|a| cov[a][a].sqrt()).collect();
            return Ok((beta, se));
        }
    }
    Err(CxError::NotConverged {
        argument: "calibration",
        reason: "Newton's method did not settle in 100 steps".into(),
    })
}

/// The log-likelihood's gradient and (lower triangle of the) negative
/// Hessian at `beta`, summed over the rows; on all cores with the
/// `parallel` feature (the backtest fits a few hundred thousand rows a
/// dozen times).
fn accumulate(x: &[f64], y: &[bool], p: usize, beta: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = p + 1;
    let part = |rows: std::ops::Range<usize>| {
        let mut grad = vec![0.0; k];
        let mut hess = vec![vec![0.0; k]; k];
        let mut row = vec![0.0; k];
        for i in rows {
            row[0] = 1.0;
            row[1..].copy_from_slice(&x[i * p..(i + 1) * p]);
            let z: f64 = row.iter().zip(beta).map(|(a, b)| a * b).sum();
            let mu = sigmoid(z);
            let w = (mu * (1.0 - mu)).max(1e-12);
            let r = f64::from(u8::from(y[i])) - mu;
            for a in 0..k {
                if row[a] == 0.0 {
                    continue;
                }
                grad[a] += r * row[a];
                let wa = w * row[a];
                for b in 0..=a {
                    hess[a][b] += wa * row[b];
                }
            }
        }
        (grad, hess)
    };
    let n = y.len();
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(4096);
        let starts: Vec<usize> = (0..n).step_by(chunk).collect();
        starts
            .into_par_iter()
            .map(|s| part(s..(s + chunk).min(n)))
            .reduce(
                || (vec![0.0; k], vec![vec![0.0; k]; k]),
                |(mut g, mut h), (g2, h2)| {
                    for a in 0..k {
                        g[a] += g2[a];
                        for b in 0..k {
                            h[a][b] += h2[a][b];
                        }
                    }
                    (g, h)
                },
            )
    }
    #[cfg(not(feature = "parallel"))]
    {
        part(0..n)
    }
}

/// Solves A·s = g for a symmetric positive-definite A.
fn solve_spd(a: &[Vec<f64>], g: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    let n = g.len();
    let mut z = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|j| l[i][j] * z[j]).sum();
        z[i] = (g[i] - s) / l[i][i];
    }
    let mut s = vec![0.0; n];
    for i in (0..n).rev() {
        let t: f64 = (i + 1..n).map(|j| l[j][i] * s[j]).sum();
        s[i] = (z[i] - t) / l[i][i];
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_fit_recovers_known_coefficients() {
        // Deterministic design: x on a grid, y drawn by a fixed LCG against
        // σ(−1 + 2x). With 20,000 rows the estimate is within 0.1 of the truth.
        let n = 20_000;
        let mut state: u64 = 42;
        let mut x = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for i in 0..n {
            let v = (i % 100) as f64 / 100.0;
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            x.push(v);
            y.push(u < sigmoid(-1.0 + 2.0 * v));
        }
        let (b, se) = fit_logistic(&x, &y, 1, 0.0, &[0.0, 0.0]).unwrap();
        assert!((b[0] + 1.0).abs() < 0.1, "{b:?}");
        assert!((b[1] - 2.0).abs() < 0.15, "{b:?}");
        assert!(se[1] > 0.0 && se[1] < 0.1, "{se:?}");
        // The score equations hold at the optimum: Σ (y − μ) = 0 and Σ (y − μ)x = 0.
        let (mut g0, mut g1) = (0.0, 0.0);
        for i in 0..n {
            let r = f64::from(u8::from(y[i])) - sigmoid(b[0] + b[1] * x[i]);
            g0 += r;
            g1 += r * x[i];
        }
        assert!(g0.abs() < 1e-6 && g1.abs() < 1e-6, "{g0} {g1}");
    }

    #[test]
    fn a_penalty_shrinks_towards_zero() {
        let x = [0.0, 0.0, 1.0, 1.0, 0.0, 1.0];
        let y = [false, false, true, true, true, false];
        let (free, _) = fit_logistic(&x, &y, 1, 0.0, &[0.0, 0.0]).unwrap();
        let (shrunk, _) = fit_logistic(&x, &y, 1, 10.0, &[0.0, 0.0]).unwrap();
        assert!(shrunk[1].abs() < free[1].abs());
        // Without a penalty the fit reproduces the two groups' rates: 1/3 and 2/3.
        assert!((sigmoid(free[0]) - 1.0 / 3.0).abs() < 1e-9);
        assert!((sigmoid(free[0] + free[1]) - 2.0 / 3.0).abs() < 1e-9);
    }
}
