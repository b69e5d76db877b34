//! Planning a survey comparison: how many answers per group detect a
//! change of the NPS or of a share (CSAT top-box, positive smileys,
//! conversion) with a given power, and which change a given number of
//! answers can detect.
//!
//! # Formulas (`../shared/REFERENCES.md` §8(g))
//! Two independent groups; z_a = Φ⁻¹(1 − α/2) (two-sided) or Φ⁻¹(1 − α),
//! z_b = Φ⁻¹(power).
//! - **NPS**: each answer scores +1 (promoter), 0, −1 (detractor); its
//!   variance is V = p + d − (p − d)². With both mixes known,
//!   n = (z_a + z_b)²(V₁ + V₂)/Δ²; with only the change Δ, the second
//!   group is assumed to vary as the first: n = (z_a + z_b)²·2V₁/Δ² (Δ in
//!   proportion units, NPS points/100).
//! - **Shares**, three formulas (say which in the result, they differ by
//!   about 4 %): `pooled` (Fleiss, Levin & Paik 2003)
//!   n = [z_a√(2p̄q̄) + z_b√(p₁q₁ + p₂q₂)]²/Δ²; `continuity_corrected`
//!   (Fleiss, Tytun & Ury 1980) n/4·(1 + √(1 + 4/(nΔ)))²; `arcsine`
//!   (Cohen's h = 2 asin√p₂ − 2 asin√p₁) n = 2(z_a + z_b)²/h².
//!
//! Sizes are rounded up; `exact` keeps the unrounded value.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{CxError, Result};

/// How a share comparison's sample size is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProportionFormula {
    /// Normal approximation with the pooled variance under the null
    /// (Fleiss, Levin & Paik 2003).
    #[default]
    Pooled,
    /// The pooled formula with the continuity correction of Fleiss, Tytun &
    /// Ury (1980): a little larger, closer to what Fisher's exact test needs.
    ContinuityCorrected,
    /// The arcsine transformation (Cohen's h), as statsmodels'
    /// `NormalIndPower`.
    Arcsine,
}

/// The test a plan is for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlanOptions {
    /// Significance level α, in (0, 1); default 0.05.
    pub alpha: f64,
    /// Power 1 − β, in (0, 1); default 0.8.
    pub power: f64,
    /// Two-sided test (default) or one-sided.
    pub two_sided: bool,
    /// The formula for shares (ignored for the NPS).
    pub formula: ProportionFormula,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            alpha: 0.05,
            power: 0.8,
            two_sided: true,
            formula: ProportionFormula::Pooled,
        }
    }
}

impl PlanOptions {
    /// (z_a, z_b) of the options, after checking them.
    fn z(&self) -> Result<(f64, f64)> {
        let open = |name: &'static str, v: f64| {
            if v.is_finite() && v > 0.0 && v < 1.0 {
                Ok(v)
            } else {
                Err(CxError::invalid(name, v, "a number strictly between 0 and 1"))
            }
        };
        let alpha = open("alpha", self.alpha)?;
        let power = open("power", self.power)?;
        let n = Normal::standard();
        let tail = if self.two_sided { alpha / 2.0 } else { alpha };
        Ok((n.inverse_cdf(1.0 - tail), n.inverse_cdf(power)))
    }
}

/// The shares of promoters and detractors of an NPS survey (passives are
/// the rest).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NpsMix {
    /// Share of promoters (9–10), in [0, 1].
    pub promoters: f64,
    /// Share of detractors (0–6), in [0, 1].
    pub detractors: f64,
}

impl NpsMix {
    /// The mix of an NPS of `score` points with the given share of
    /// passives, split evenly around it: promoters = (1 − passives + score/100)/2.
    pub fn with_passives(score: f64, passives: f64) -> Self {
        NpsMix {
            promoters: (1.0 - passives + score / 100.0) / 2.0,
            detractors: (1.0 - passives - score / 100.0) / 2.0,
        }
    }

    /// NPS in points.
    pub fn score(&self) -> f64 {
        100.0 * (self.promoters - self.detractors)
    }

    /// Variance of one answer's +1/0/−1 score.
    pub fn variance(&self) -> f64 {
        let d = self.promoters - self.detractors;
        self.promoters + self.detractors - d * d
    }

    fn check(&self, argument: &'static str) -> Result<()> {
        let share = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if share(self.promoters) && share(self.detractors) && self.promoters + self.detractors <= 1.0 + 1e-12
        {
            Ok(())
        } else {
            Err(CxError::invalid(
                argument,
                format!("promoters {}, detractors {}", self.promoters, self.detractors),
                "shares in [0, 1] that sum to at most 1",
            ))
        }
    }
}

/// A planned sample size.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampleSize {
    /// Answers needed per group (rounded up).
    pub per_group: u64,
    /// Both groups together.
    pub total: u64,
    /// The unrounded size per group.
    pub exact: f64,
    /// The change to detect: NPS points, or the difference of shares.
    pub change: f64,
    /// Significance level.
    pub alpha: f64,
    /// Power.
    pub power: f64,
    /// Two-sided test.
    pub two_sided: bool,
    /// The formula used, in words.
    pub formula: String,
}

/// A change a given number of answers can detect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DetectableChange {
    /// Answers per group.
    pub per_group: u64,
    /// The smallest change detected with the power: NPS points, or the
    /// difference of shares (upwards from the baseline).
    pub change: f64,
    /// The score or share it leads to.
    pub to: f64,
    /// Significance level.
    pub alpha: f64,
    /// Power.
    pub power: f64,
    /// Two-sided test.
    pub two_sided: bool,
    /// The formula used, in words.
    pub formula: String,
}

fn sized(exact: f64, change: f64, o: &PlanOptions, formula: &str) -> Result<SampleSize> {
    if !exact.is_finite() {
        return Err(CxError::invalid("change", change, "a change other than zero"));
    }
    let per_group = exact.ceil().max(1.0) as u64;
    Ok(SampleSize {
        per_group,
        total: 2 * per_group,
        exact,
        change,
        alpha: o.alpha,
        power: o.power,
        two_sided: o.two_sided,
        formula: formula.to_owned(),
    })
}

/// Answers per group to detect the move of the NPS from mix `from` to mix
/// `to` (both known), or — with `to = None` — a change of `change` NPS
/// points from `from`, the second group assumed to vary as the first.
///
/// # Errors
/// [`CxError::InvalidParameter`] for shares outside [0, 1] or summing to
/// more than 1, a zero change, neither `to` nor `change` given, or α and
/// power outside (0, 1).
///
/// # Examples
/// ```
/// use cx::survey::{NpsMix, PlanOptions, nps_sample_size};
/// let from = NpsMix { promoters: 0.50, detractors: 0.20 };
/// let to = NpsMix { promoters: 0.55, detractors: 0.15 };
/// let n = nps_sample_size(from, Some(to), None, &PlanOptions::default())?;
/// assert_eq!(n.per_group, 903); // NPS 30 → 40, §8(g)
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn nps_sample_size(
    from: NpsMix,
    to: Option<NpsMix>,
    change: Option<f64>,
    o: &PlanOptions,
) -> Result<SampleSize> {
    let (za, zb) = o.z()?;
    from.check("from")?;
    let k = (za + zb).powi(2);
    match (to, change) {
        (Some(to), _) => {
            to.check("to")?;
            let delta = (to.promoters - to.detractors) - (from.promoters - from.detractors);
            sized(
                k * (from.variance() + to.variance()) / (delta * delta),
                100.0 * delta,
                o,
                "(z_a + z_b)²(V₁ + V₂)/Δ², V = p + d − (p − d)² of each mix",
            )
        }
        (None, Some(points)) if points.is_finite() => {
            let delta = points / 100.0;
            sized(
                k * 2.0 * from.variance() / (delta * delta),
                points,
                o,
                "(z_a + z_b)²·2V/Δ², V = p + d − (p − d)² of the baseline for both groups",
            )
        }
        (None, Some(points)) => Err(CxError::invalid(
            "change",
            points,
            "a finite number of NPS points",
        )),
        (None, None) => Err(CxError::invalid(
            "to",
            "nothing",
            "the mix to detect, or a change in NPS points",
        )),
    }
}

fn check_share(argument: &'static str, p: f64) -> Result<f64> {
    if p.is_finite() && p > 0.0 && p < 1.0 {
        Ok(p)
    } else {
        Err(CxError::invalid(argument, p, "a share strictly between 0 and 1"))
    }
}

/// The unrounded size per group of the share test, or `None` for equal
/// shares.
fn proportion_n(p1: f64, p2: f64, za: f64, zb: f64, formula: ProportionFormula) -> f64 {
    let delta = (p2 - p1).abs();
    match formula {
        ProportionFormula::Arcsine => {
            let h = 2.0 * p2.sqrt().asin() - 2.0 * p1.sqrt().asin();
            2.0 * ((za + zb) / h).powi(2)
        }
        ProportionFormula::Pooled | ProportionFormula::ContinuityCorrected => {
            let pbar = (p1 + p2) / 2.0;
            let n = (za * (2.0 * pbar * (1.0 - pbar)).sqrt()
                + zb * (p1 * (1.0 - p1) + p2 * (1.0 - p2)).sqrt())
            .powi(2)
                / (delta * delta);
            if formula == ProportionFormula::ContinuityCorrected {
                n / 4.0 * (1.0 + (1.0 + 4.0 / (n * delta)).sqrt()).powi(2)
            } else {
                n
            }
        }
    }
}

fn formula_text(f: ProportionFormula) -> &'static str {
    match f {
        ProportionFormula::Pooled => "pooled normal approximation (Fleiss, Levin & Paik 2003)",
        ProportionFormula::ContinuityCorrected => {
            "pooled normal approximation with the continuity correction of Fleiss, Tytun & Ury (1980)"
        }
        ProportionFormula::Arcsine => "arcsine transformation, Cohen's h (as statsmodels' NormalIndPower)",
    }
}

/// Answers per group to detect a move of a share from `p1` to `p2`.
///
/// # Errors
/// [`CxError::InvalidParameter`] for shares outside (0, 1), equal shares,
/// or α and power outside (0, 1).
///
/// # Examples
/// ```
/// use cx::survey::{PlanOptions, ProportionFormula, proportion_sample_size};
/// let n = proportion_sample_size(0.75, 0.80, &PlanOptions::default())?;
/// assert_eq!(n.per_group, 1094); // CSAT top-box 75 % → 80 %, §8(g)
/// let o = PlanOptions { formula: ProportionFormula::Arcsine, ..Default::default() };
/// assert_eq!(proportion_sample_size(0.75, 0.80, &o)?.per_group, 1092);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn proportion_sample_size(p1: f64, p2: f64, o: &PlanOptions) -> Result<SampleSize> {
    let (za, zb) = o.z()?;
    check_share("from", p1)?;
    check_share("to", p2)?;
    if p1 == p2 {
        return Err(CxError::invalid("to", p2, "a share other than `from`"));
    }
    sized(
        proportion_n(p1, p2, za, zb, o.formula),
        p2 - p1,
        o,
        formula_text(o.formula),
    )
}

/// The smallest NPS change (in points) that `per_group` answers per group
/// detect with the power, the second group assumed to vary as the first:
/// Δ = (z_a + z_b)√(2V/n).
///
/// # Errors
/// [`CxError::InvalidParameter`] for a bad mix, no answers, or α and power
/// outside (0, 1).
pub fn nps_detectable_change(from: NpsMix, per_group: u64, o: &PlanOptions) -> Result<DetectableChange> {
    let (za, zb) = o.z()?;
    from.check("from")?;
    if per_group == 0 {
        return Err(CxError::invalid("per_group", 0, "at least one answer per group"));
    }
    let change = 100.0 * (za + zb) * (2.0 * from.variance() / per_group as f64).sqrt();
    Ok(DetectableChange {
        per_group,
        change,
        to: from.score() + change,
        alpha: o.alpha,
        power: o.power,
        two_sided: o.two_sided,
        formula: "Δ = (z_a + z_b)√(2V/n), V = p + d − (p − d)² of the baseline".into(),
    })
}

/// The smallest rise of a share from `p1` that `per_group` answers per
/// group detect with the power: the share p₂ > p₁ whose sample size (by
/// the options' formula) is `per_group`, found by bisection (the size falls
/// as p₂ moves away from p₁). `None` in `to` would mean not even a rise to
/// 1 is detectable; that is an error here.
///
/// # Errors
/// [`CxError::InvalidParameter`] for a share outside (0, 1), no answers,
/// α and power outside (0, 1), or a size too small to detect any rise.
pub fn proportion_detectable_change(p1: f64, per_group: u64, o: &PlanOptions) -> Result<DetectableChange> {
    let (za, zb) = o.z()?;
    check_share("from", p1)?;
    if per_group == 0 {
        return Err(CxError::invalid("per_group", 0, "at least one answer per group"));
    }
    let n = per_group as f64;
    let top = 1.0 - 1e-12;
    if proportion_n(p1, top, za, zb, o.formula) > n {
        return Err(CxError::invalid(
            "per_group",
            per_group,
            "more answers: not even a rise to a share of 1 is detectable with so few",
        ));
    }
    // Bisection on p₂ ∈ (p₁, 1): n(p₂) decreases from ∞ to n(1).
    let (mut lo, mut hi) = (p1, top);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if proportion_n(p1, mid, za, zb, o.formula) > n {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    Ok(DetectableChange {
        per_group,
        change: hi - p1,
        to: hi,
        alpha: o.alpha,
        power: o.power,
        two_sided: o.two_sided,
        formula: formula_text(o.formula).into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // REFERENCES.md §8(g).
    #[test]
    fn reference_sizes() {
        let o = PlanOptions::default();
        let from = NpsMix {
            promoters: 0.5,
            detractors: 0.2,
        };
        let to = NpsMix {
            promoters: 0.55,
            detractors: 0.15,
        };
        let n = nps_sample_size(from, Some(to), None, &o).unwrap();
        assert!((n.exact - 902.62).abs() < 0.01, "{}", n.exact);
        let eq = nps_sample_size(from, None, Some(10.0), &o).unwrap();
        assert!((eq.exact - 957.56).abs() < 0.01 && eq.per_group == 958);
        let small = NpsMix {
            promoters: 0.525,
            detractors: 0.175,
        };
        assert_eq!(
            nps_sample_size(from, Some(small), None, &o).unwrap().per_group,
            3729
        );
        let p = proportion_sample_size(0.75, 0.8, &o).unwrap();
        assert!((p.exact - 1093.74).abs() < 0.01);
        let cc = PlanOptions {
            formula: ProportionFormula::ContinuityCorrected,
            ..o
        };
        let c = proportion_sample_size(0.75, 0.8, &cc).unwrap();
        assert!((c.exact - 1133.39).abs() < 0.01 && c.per_group == 1134);
        let a = PlanOptions {
            formula: ProportionFormula::Arcsine,
            ..o
        };
        assert!((proportion_sample_size(0.75, 0.8, &a).unwrap().exact - 1091.90).abs() < 0.01);
    }

    #[test]
    fn detectable_change_inverts_the_size() {
        let o = PlanOptions::default();
        let d = proportion_detectable_change(0.75, 1094, &o).unwrap();
        // 1094 answers detect a little less than the 5 points that need 1093.74.
        assert!(d.change < 0.05 && d.change > 0.0499, "{}", d.change);
        let n = proportion_sample_size(0.75, d.to, &o).unwrap();
        assert!((n.exact - 1094.0).abs() < 1e-6, "{}", n.exact);
        let from = NpsMix {
            promoters: 0.5,
            detractors: 0.2,
        };
        let nps = nps_detectable_change(from, 958, &o).unwrap();
        assert!((nps.change - 10.0).abs() < 0.03, "{}", nps.change);
    }

    #[test]
    fn bad_plans_are_named() {
        let o = PlanOptions {
            power: 1.0,
            ..Default::default()
        };
        assert_eq!(
            proportion_sample_size(0.5, 0.6, &o).unwrap_err().argument(),
            "power"
        );
        let d = PlanOptions::default();
        assert_eq!(proportion_sample_size(0.5, 0.5, &d).unwrap_err().argument(), "to");
        assert_eq!(
            proportion_sample_size(0.0, 0.5, &d).unwrap_err().argument(),
            "from"
        );
        let bad = NpsMix {
            promoters: 0.7,
            detractors: 0.4,
        };
        assert_eq!(
            nps_sample_size(bad, None, Some(5.0), &d).unwrap_err().argument(),
            "from"
        );
        let ok = NpsMix {
            promoters: 0.5,
            detractors: 0.2,
        };
        assert_eq!(nps_sample_size(ok, None, None, &d).unwrap_err().argument(), "to");
        assert_eq!(
            nps_sample_size(ok, None, Some(0.0), &d).unwrap_err().argument(),
            "change"
        );
        assert_eq!(
            proportion_detectable_change(0.5, 1, &d).unwrap_err().argument(),
            "per_group"
        );
    }
}
