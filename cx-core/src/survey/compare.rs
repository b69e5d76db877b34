//! Significance of the difference between two independent samples.

use serde::{Deserialize, Serialize};

use super::{Ces, Csat, Nps, Proportion, Smiley};
use crate::error::{CxError, Result};
use crate::stats;

/// The difference `b − a` between two independent samples (two periods, two
/// segments), with a z test and a confidence interval.
///
/// The test and the interval use the same unpooled standard error, so the
/// interval excludes 0 exactly when p < 1 − level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Estimate of the first sample.
    pub a: f64,
    /// Estimate of the second sample.
    pub b: f64,
    /// `b − a`.
    pub difference: f64,
    /// Standard error of the difference, √(Var_a + Var_b).
    pub se: f64,
    /// z = difference / se; `None` when se = 0 (both samples without spread).
    pub z: Option<f64>,
    /// Two-sided p-value from the normal distribution (1 when the
    /// difference and se are both 0, 0 when only se is).
    pub p_value: f64,
    /// Lower end of the interval of the difference.
    pub ci_low: f64,
    /// Upper end of the interval of the difference.
    pub ci_high: f64,
    /// Confidence level.
    pub level: f64,
}

fn comparison(a: f64, b: f64, var_a: f64, var_b: f64, level: f64) -> Result<Comparison> {
    let level = stats::check_level(level)?;
    let difference = b - a;
    let se = (var_a + var_b).sqrt();
    let (z, p_value) = if se > 0.0 {
        let z = difference / se;
        (Some(z), stats::normal_two_sided_p(z))
    } else if difference == 0.0 {
        (None, 1.0)
    } else {
        (None, 0.0)
    };
    let half = stats::z_critical(level) * se;
    Ok(Comparison {
        a,
        b,
        difference,
        se,
        z,
        p_value,
        ci_low: difference - half,
        ci_high: difference + half,
        level,
    })
}

/// Compares two NPS results from independent samples, in points.
///
/// # Formula
/// Δ = NPS_b − NPS_a, SE = √(Var_a + Var_b) with the Wald trinomial variance
/// (p + d − (p − d)²)/n_eff of each sample, z = Δ/SE, two-sided normal
/// p-value, interval Δ ± z·SE (Rocks 2016). Not valid when
/// the same respondents answer in both samples.
///
/// # Errors
/// [`CxError::InvalidParameter`] for a level outside (0, 1).
///
/// # Examples
/// ```
/// use cx::survey::{compare_nps, nps, NpsOptions};
/// let a: Vec<u8> = [10u8; 90].into_iter().chain([7; 60]).chain([0; 50]).collect();
/// let b: Vec<u8> = [10u8; 130].into_iter().chain([7; 75]).chain([0; 45]).collect();
/// let o = NpsOptions::default();
/// let c = compare_nps(&nps(&a, &o)?, &nps(&b, &o)?, 0.95)?;
/// assert!((c.difference - 14.0).abs() < 1e-9);
/// assert!((c.p_value - 0.06224).abs() < 1e-4);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn compare_nps(a: &Nps, b: &Nps, level: f64) -> Result<Comparison> {
    comparison(
        a.score,
        b.score,
        1e4 * a.wald_variance(),
        1e4 * b.wald_variance(),
        level,
    )
}

/// Compares two shares from independent samples.
///
/// # Formula
/// Δ = p_b − p_a, SE = √(p_a(1−p_a)/n_a + p_b(1−p_b)/n_b) with effective
/// sizes, z = Δ/SE, two-sided normal p-value, interval Δ ± z·SE (the
/// unpooled Wald form, consistent between test and interval).
///
/// # Errors
/// [`CxError::InvalidParameter`] for a level outside (0, 1).
pub fn compare_proportions(a: &Proportion, b: &Proportion, level: f64) -> Result<Comparison> {
    comparison(a.share, b.share, a.se().powi(2), b.se().powi(2), level)
}

fn same<T: PartialEq + std::fmt::Debug>(argument: &'static str, left: T, right: T) -> Result<()> {
    if left == right {
        Ok(())
    } else {
        Err(CxError::Incompatible {
            argument,
            left: format!("{left:?}"),
            right: format!("{right:?}"),
        })
    }
}

/// Compares the satisfied shares of two CSAT results.
///
/// # Errors
/// [`CxError::Incompatible`] when the scales or thresholds differ (the shares
/// would measure different things); as [`compare_proportions`] otherwise.
pub fn compare_csat(a: &Csat, b: &Csat, level: f64) -> Result<Comparison> {
    same("scale", a.scale, b.scale)?;
    same("threshold", a.threshold, b.threshold)?;
    compare_proportions(&a.satisfied, &b.satisfied, level)
}

/// Compares the easy shares of two CES results.
///
/// # Errors
/// [`CxError::Incompatible`] when polarity, scale or threshold differ; as
/// [`compare_proportions`] otherwise.
pub fn compare_ces(a: &Ces, b: &Ces, level: f64) -> Result<Comparison> {
    same("polarity", a.polarity, b.polarity)?;
    same("scale", a.scale, b.scale)?;
    same("easy_threshold", a.easy_threshold, b.easy_threshold)?;
    compare_proportions(&a.easy, &b.easy, level)
}

/// Compares the positive shares of two smiley results.
///
/// # Errors
/// As [`compare_proportions`].
pub fn compare_smiley(a: &Smiley, b: &Smiley, level: f64) -> Result<Comparison> {
    compare_proportions(&a.positive, &b.positive, level)
}
