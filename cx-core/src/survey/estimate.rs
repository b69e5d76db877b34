//! The two kinds of estimate the survey measures report: a share with a
//! Wilson interval and a mean with a Student t interval.

use serde::{Deserialize, Serialize};

use super::Distribution;
use crate::stats;

/// A share of answers meeting a condition (top-box CSAT, easy CES answers,
/// positive smiley buttons), with a Wilson score interval.
///
/// # Formula
/// share p = Σw·\[condition\]/Σw. The Wilson interval (Wilson 1927, JASA
/// 22(158)) uses n = Kish's effective size n_eff = (Σw)²/Σw² (= n unweighted):
/// centre = (p + z²/2n)/(1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n).
/// It stays inside [0, 1] and keeps its coverage near 0 and 1, where the
/// Wald interval collapses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    /// Rows meeting the condition.
    pub successes: u64,
    /// Rows used.
    pub n: u64,
    /// Effective sample size (Kish); equals `n` without weights.
    pub n_eff: f64,
    /// Weighted share in [0, 1].
    pub share: f64,
    /// Lower end of the interval.
    pub ci_low: f64,
    /// Upper end of the interval.
    pub ci_high: f64,
    /// Confidence level of the interval.
    pub level: f64,
}

impl Proportion {
    /// The share of `dist` whose answer satisfies `pred`. The caller has
    /// checked that `dist` is estimable and `level` valid.
    pub(crate) fn from_distribution(dist: &Distribution, pred: impl Fn(i32) -> bool, level: f64) -> Self {
        let (w, successes) = dist.weight_where(pred);
        let share = (w / dist.total_weight()).clamp(0.0, 1.0);
        let n_eff = dist.effective_n();
        let (ci_low, ci_high) = stats::wilson(share, n_eff, stats::z_critical(level));
        Proportion {
            successes,
            n: dist.n(),
            n_eff,
            share,
            ci_low,
            ci_high,
            level,
        }
    }

    /// The share `successes / n` of unweighted counts, with a Wilson
    /// interval. `n` must be positive and `level` valid.
    pub(crate) fn from_counts(successes: u64, n: u64, level: f64) -> Self {
        let share = successes as f64 / n as f64;
        let (ci_low, ci_high) = stats::wilson(share, n as f64, stats::z_critical(level));
        Proportion {
            successes,
            n,
            n_eff: n as f64,
            share,
            ci_low,
            ci_high,
            level,
        }
    }

    /// Standard error of the share, √(p(1−p)/n_eff).
    pub fn se(&self) -> f64 {
        (self.share * (1.0 - self.share) / self.n_eff).sqrt()
    }
}

/// A mean answer with a Student t interval.
///
/// # Formula
/// m = Σw·x/Σw; s² = Σw(x−m)²/Σw · n_eff/(n_eff−1); se = s/√n_eff;
/// interval m ± t_{n_eff−1}·se, clipped to the scale. Without weights this is
/// the textbook t interval with n − 1 degrees of freedom; with weights it is
/// the common effective-sample-size approximation (Kish 1965).
/// `sd`, `se` and the interval are `None` when n_eff ≤ 1 (nothing to
/// estimate a spread from), never NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// Rows used.
    pub n: u64,
    /// Effective sample size (Kish); equals `n` without weights.
    pub n_eff: f64,
    /// The (weighted) mean.
    pub mean: f64,
    /// Standard deviation (sample, n − 1 form).
    pub sd: Option<f64>,
    /// Standard error of the mean.
    pub se: Option<f64>,
    /// Lower end of the interval.
    pub ci_low: Option<f64>,
    /// Upper end of the interval.
    pub ci_high: Option<f64>,
    /// Confidence level of the interval.
    pub level: f64,
}

impl Mean {
    /// The mean of `value(point)` over `dist` (a linear map of the answers,
    /// e.g. smiley buttons to 0–100), clipped to `[lo, hi]`.
    pub(crate) fn from_distribution(
        dist: &Distribution,
        value: impl Fn(i32) -> f64,
        (lo, hi): (f64, f64),
        level: f64,
    ) -> Self {
        let total = dist.total_weight();
        let scale = dist.scale();
        let xs: Vec<f64> = (0..scale.points())
            .map(|p| value(scale.min() + p as i32))
            .collect();
        let mean = xs.iter().zip(dist.weights()).map(|(x, w)| x * w).sum::<f64>() / total;
        // Second pass over the k points (not the rows) keeps the variance
        // free of the cancellation of the Σx² − n·m² form.
        let pop_var = xs
            .iter()
            .zip(dist.weights())
            .map(|(x, w)| w * (x - mean) * (x - mean))
            .sum::<f64>()
            / total;
        let n_eff = dist.effective_n();
        let mut m = Mean {
            n: dist.n(),
            n_eff,
            mean: mean.clamp(lo, hi),
            sd: None,
            se: None,
            ci_low: None,
            ci_high: None,
            level,
        };
        if n_eff > 1.0 + 1e-12 {
            let sd = (pop_var * n_eff / (n_eff - 1.0)).sqrt();
            let se = sd / n_eff.sqrt();
            if let Some(t) = stats::t_critical(level, n_eff - 1.0) {
                m.ci_low = Some((mean - t * se).clamp(lo, hi));
                m.ci_high = Some((mean + t * se).clamp(lo, hi));
            }
            m.sd = Some(sd);
            m.se = Some(se);
        }
        m
    }
}
