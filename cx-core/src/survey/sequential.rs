//! Experiments a shop watches every day: always-valid confidence sequences
//! and sequential tests for the NPS, shares and bounded means, and CUPED
//! variance reduction.
//!
//! A fixed-horizon interval checked daily raises false alarms far above its
//! level (checked at every n up to 10,000, a 95 % interval misses the truth
//! somewhere on 64 % of paths). A *confidence sequence* holds at every n at
//! once, so the test may be read, stopped or continued at any time.
//!
//! # Formulas (`../shared/REFERENCES.md` §8(d), (e))
//! The normal mixture (Robbins 1970; Howard et al. 2021, Ann. Statist.
//! 49(2)) and the mSPRT of Johari et al. (2022, Operations Research 70(3))
//! are one boundary: with V the variance of the estimate (σ²/n for a mean,
//! σ²_A/n_A + σ²_B/n_B for a difference) and mixing variance τ²,
//! Λ = √(V/(V+τ²))·exp(τ²(θ̂ − θ₀)²/(2V(V+τ²))), the sequence is
//! θ̂ ± √(V(V+τ²)/τ²·ln((V+τ²)/(Vα²))) and the always-valid p-value
//! min_k 1/Λ_k. τ² is set from the planned size n* where the sequence is
//! tightest: τ² = V(n*)·(−W₋₁(−α²/e) − 1) (ρ = σ⁴/τ² in Howard et al.).
//! AnswerKind bounded in [a, b] are (b − a)/2-sub-Gaussian (Hoeffding's lemma),
//! so σ = (b − a)/2 makes the sequence valid for any answer distribution:
//! σ = 1 for an NPS answer scored +1/0/−1, ½ for a share. For two arms
//! with unequal sizes the difference's boundary is the normal
//! approximation Johari et al. use in practice.
//!
//! CUPED (Deng et al. 2013): θ = cov(Y, X)/var(X) over both arms,
//! Y_cv = Y − θ(X − X̄), effect = difference of the arms' means of Y_cv,
//! whose variance is Var(Y)(1 − ρ²).

use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};
use crate::stats;

/// −W₋₁(−α²/e) − 1: the ratio nσ²/ρ where the normal-mixture boundary is
/// narrowest (Howard et al. 2021, eq. (14)). W₋₁ is the lower branch of
/// Lambert's W, by the fixed point w = ln(−x) − ln(−w) (written here: no
/// maintained crate carries the lower branch with the accuracy needed; the
/// iteration converges for the small arguments α²/e gives, |x| ≤ 1/e).
fn mixture_ratio(alpha: f64) -> f64 {
    let x = -alpha * alpha / std::f64::consts::E;
    let mut w = (-x).ln() - 1.0;
    for _ in 0..200 {
        let next = (-x).ln() - (-w).ln();
        if (next - w).abs() < 1e-15 * w.abs() {
            w = next;
            break;
        }
        w = next;
    }
    -w - 1.0
}

/// How a sequence is tuned and what the answers are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SequenceOptions {
    /// Error level α: the chance that the sequence ever misses the truth;
    /// default 0.05.
    pub alpha: f64,
    /// AnswerKind (per arm) where the sequence is tightest; default 1,000.
    pub planned_n: f64,
    /// σ of one answer. Default: half the range of the answers (σ = 1 for
    /// the NPS, ½ for a share), which makes the sequence valid for any
    /// distribution; a smaller σ from data gives an asymptotic guarantee
    /// only.
    pub sigma: Option<f64>,
}

impl Default for SequenceOptions {
    fn default() -> Self {
        SequenceOptions {
            alpha: 0.05,
            planned_n: 1000.0,
            sigma: None,
        }
    }
}

impl SequenceOptions {
    fn check(&self) -> Result<()> {
        if !(self.alpha.is_finite() && self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(CxError::invalid(
                "alpha",
                self.alpha,
                "a number strictly between 0 and 1",
            ));
        }
        if !(self.planned_n.is_finite() && self.planned_n >= 1.0) {
            return Err(CxError::invalid(
                "planned_n",
                self.planned_n,
                "a number of answers ≥ 1",
            ));
        }
        if let Some(s) = self.sigma
            && !(s.is_finite() && s > 0.0)
        {
            return Err(CxError::invalid("sigma", s, "a positive number"));
        }
        Ok(())
    }
}

/// The mixture boundary for an estimate of variance `v` with mixing
/// variance `tau2`: (half-width, Λ at θ̂ − θ₀ = `gap`).
fn boundary(v: f64, tau2: f64, alpha: f64, gap: f64) -> (f64, f64) {
    let half = (v * (v + tau2) / tau2 * ((v + tau2) / (v * alpha * alpha)).ln()).sqrt();
    let log_lambda = 0.5 * (v / (v + tau2)).ln() + tau2 * gap * gap / (2.0 * v * (v + tau2));
    (half, log_lambda.exp())
}

/// The mixing variance τ² for answers of σ² per answer, tightest at `n`
/// answers (per arm; `arms` = 2 doubles the estimate's variance).
fn tau2(sigma2: f64, arms: f64, o: &SequenceOptions) -> f64 {
    arms * sigma2 / o.planned_n * mixture_ratio(o.alpha)
}

/// An always-valid interval for a mean (or NPS, or share) after n answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequenceInterval {
    /// AnswerKind.
    pub n: u64,
    /// The estimate (NPS in points, shares and means as they are).
    pub estimate: f64,
    /// Lower end, valid simultaneously with every earlier and later one.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The error level α.
    pub alpha: f64,
}

/// A running sum of answers for a confidence sequence: O(1) per answer,
/// mergeable (sums), serializable.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RunningMean {
    /// AnswerKind.
    pub n: u64,
    /// Their sum.
    pub sum: f64,
}

impl RunningMean {
    /// Adds an answer.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
    }

    /// Both streams together.
    pub fn merge(&mut self, other: &RunningMean) {
        self.n += other.n;
        self.sum += other.sum;
    }

    /// The mean so far (NaN before any answer).
    pub fn mean(&self) -> f64 {
        self.sum / self.n as f64
    }
}

/// What the answers of a sequential test are.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", deny_unknown_fields)]
#[non_exhaustive]
pub enum AnswerKind {
    /// NPS answers 0–10, scored +1 (9–10), 0 (7–8), −1 (0–6); estimates in
    /// NPS points.
    Nps,
    /// Yes/no outcomes (1/0, or `true`/`false`): a CSAT top-box answer, a
    /// positive smiley, a conversion, a repeat purchase.
    Share,
    /// Numbers in [min, max] (a CSAT mean on 1–5, a smiley index).
    Bounded {
        /// Smallest possible answer.
        min: f64,
        /// Largest possible answer.
        max: f64,
    },
}

impl AnswerKind {
    /// The answer as the number averaged (+1/0/−1 for an NPS answer),
    /// checked: an error names `argument` and the row `index`.
    ///
    /// # Errors
    /// [`CxError::NotFinite`]; [`CxError::OutOfRange`] for an answer off
    /// the scale (an NPS answer not a whole number 0–10, a share not 0 or 1).
    pub fn score(&self, argument: &'static str, index: usize, x: f64) -> Result<f64> {
        if !x.is_finite() {
            return Err(CxError::NotFinite {
                argument,
                index,
                value: x,
            });
        }
        let out = |allowed: &str| CxError::OutOfRange {
            argument,
            index,
            value: x.to_string(),
            allowed: allowed.to_owned(),
        };
        match *self {
            AnswerKind::Nps => {
                if x.fract() != 0.0 || !(0.0..=10.0).contains(&x) {
                    return Err(out("an NPS answer 0..=10"));
                }
                Ok(if x >= 9.0 {
                    1.0
                } else if x >= 7.0 {
                    0.0
                } else {
                    -1.0
                })
            }
            AnswerKind::Share => {
                if x == 0.0 || x == 1.0 {
                    Ok(x)
                } else {
                    Err(out("0 or 1"))
                }
            }
            AnswerKind::Bounded { min, max } => {
                if (min..=max).contains(&x) {
                    Ok(x)
                } else {
                    Err(out(&format!("{min}..={max}")))
                }
            }
        }
    }

    /// Half the range of the scored answers: the sub-Gaussian σ.
    fn half_range(&self) -> f64 {
        match *self {
            AnswerKind::Nps => 1.0,
            AnswerKind::Share => 0.5,
            AnswerKind::Bounded { min, max } => (max - min) / 2.0,
        }
    }

    /// Estimates are reported ×100 for the NPS.
    fn scale(&self) -> f64 {
        match self {
            AnswerKind::Nps => 100.0,
            _ => 1.0,
        }
    }

    pub(crate) fn check(&self) -> Result<()> {
        if let AnswerKind::Bounded { min, max } = *self
            && !(min.is_finite() && max.is_finite() && min < max)
        {
            return Err(CxError::invalid(
                "answers",
                format!("[{min}, {max}]"),
                "finite bounds min < max",
            ));
        }
        Ok(())
    }
}

/// The always-valid interval of `running` (already scored answers).
///
/// # Errors
/// [`CxError::InvalidParameter`] for bad options; [`CxError::Empty`]
/// without answers.
pub fn confidence_sequence(
    running: &RunningMean,
    answers: AnswerKind,
    o: &SequenceOptions,
) -> Result<SequenceInterval> {
    o.check()?;
    answers.check()?;
    if running.n == 0 {
        return Err(CxError::Empty { argument: "values" });
    }
    let sigma = o.sigma.unwrap_or_else(|| answers.half_range());
    let v = sigma * sigma / running.n as f64;
    let (half, _) = boundary(v, tau2(sigma * sigma, 1.0, o), o.alpha, 0.0);
    let k = answers.scale();
    let m = running.mean();
    Ok(SequenceInterval {
        n: running.n,
        estimate: k * m,
        low: k * (m - half),
        high: k * (m + half),
        alpha: o.alpha,
    })
}

/// The result of a sequential A/B test over a stream of answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SequentialTest {
    /// Arm A's interval at the end.
    pub a: SequenceInterval,
    /// Arm B's interval at the end.
    pub b: SequenceInterval,
    /// B − A (NPS points for the NPS).
    pub difference: f64,
    /// Its always-valid interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// The always-valid p-value min_k 1/Λ_k (for no difference).
    pub p_value: f64,
    /// The row of the stream at which the sequence first excluded no
    /// difference (the decision could have been taken there), if it did.
    pub crossed_at: Option<usize>,
    /// B − A at that row.
    pub difference_at_crossing: Option<f64>,
    /// The error level α.
    pub alpha: f64,
    /// Rows used (every row is an answer of one arm).
    pub rows: usize,
    /// The state to continue with further answers.
    pub state: TestState,
}

/// The running sums of both arms and the smallest 1/Λ so far.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TestState {
    /// Arm A.
    pub a: RunningMean,
    /// Arm B.
    pub b: RunningMean,
    /// min_k 1/Λ_k so far (1 at the start).
    pub p_value: f64,
    /// Rows seen before this batch.
    pub rows: usize,
    /// The row of the first crossing, if any.
    pub crossed_at: Option<usize>,
    /// B − A at the first crossing (scaled).
    pub difference_at_crossing: Option<f64>,
}

/// A sequential comparison of two arms: `arms[i]` is `false` for A and
/// `true` for B, `values[i]` the answer, in arrival order. After every
/// answer with both arms non-empty the difference's boundary is checked, so
/// the result says when no difference was first excluded; the sequence
/// and the p-value are valid whenever the test is read. `state` continues
/// an earlier stream.
///
/// # Errors
/// [`CxError::LengthMismatch`]; a bad answer ([`CxError::OutOfRange`],
/// [`CxError::NotFinite`] naming the row); [`CxError::Empty`] when an arm
/// has no answer; bad options.
///
/// # Examples
/// ```
/// use cx::survey::{AnswerKind, SequenceOptions, sequential_test};
/// // Conversions of A (every 4th converts) and B (every 2nd), alternating.
/// let arms: Vec<bool> = (0..4000).map(|i| i % 2 == 1).collect();
/// let values: Vec<f64> = (0..4000).map(|i| if i % 2 == 1 { (i / 2 % 2) as f64 } else { (i / 2 % 4 == 0) as u8 as f64 }).collect();
/// let t = sequential_test(&arms, &values, AnswerKind::Share, &SequenceOptions::default(), None)?;
/// assert!((t.difference - 0.25).abs() < 1e-12 && t.low > 0.0 && t.crossed_at.is_some());
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn sequential_test(
    arms: &[bool],
    values: &[f64],
    answers: AnswerKind,
    o: &SequenceOptions,
    state: Option<TestState>,
) -> Result<SequentialTest> {
    o.check()?;
    answers.check()?;
    CxError::check_len("values", values.len(), "arms", arms.len())?;
    let sigma = o.sigma.unwrap_or_else(|| answers.half_range());
    let s2 = sigma * sigma;
    let t2 = tau2(s2, 2.0, o);
    let k = answers.scale();
    let mut s = state.unwrap_or(TestState {
        p_value: 1.0,
        ..Default::default()
    });
    if !(s.p_value.is_finite() && (0.0..=1.0).contains(&s.p_value)) {
        return Err(CxError::invalid("state", s.p_value, "a p-value in [0, 1]"));
    }
    for (i, (&arm, &x)) in arms.iter().zip(values).enumerate() {
        let y = answers.score("values", i, x)?;
        if arm {
            s.b.push(y);
        } else {
            s.a.push(y);
        }
        if s.a.n == 0 || s.b.n == 0 {
            continue;
        }
        let v = s2 / s.a.n as f64 + s2 / s.b.n as f64;
        let d = s.b.mean() - s.a.mean();
        let (_, lambda) = boundary(v, t2, o.alpha, d);
        s.p_value = s.p_value.min(1.0 / lambda);
        if s.crossed_at.is_none() && s.p_value <= o.alpha {
            s.crossed_at = Some(s.rows + i);
            s.difference_at_crossing = Some(k * d);
        }
    }
    s.rows += values.len();
    if s.a.n == 0 || s.b.n == 0 {
        return Err(CxError::Empty {
            argument: if s.a.n == 0 { "arm A" } else { "arm B" },
        });
    }
    let v = s2 / s.a.n as f64 + s2 / s.b.n as f64;
    let d = s.b.mean() - s.a.mean();
    let (half, _) = boundary(v, t2, o.alpha, d);
    Ok(SequentialTest {
        a: confidence_sequence(&s.a, answers, o)?,
        b: confidence_sequence(&s.b, answers, o)?,
        difference: k * d,
        low: k * (d - half),
        high: k * (d + half),
        p_value: s.p_value,
        crossed_at: s.crossed_at,
        difference_at_crossing: s.difference_at_crossing,
        alpha: o.alpha,
        rows: s.rows,
        state: s,
    })
}

/// A CUPED-adjusted comparison of two arms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cuped {
    /// θ = cov(Y, X)/var(X) over both arms.
    pub theta: f64,
    /// Correlation of Y and X over both arms.
    pub correlation: f64,
    /// Var(Y_cv)/Var(Y) = 1 − ρ²: the share of the variance left.
    pub variance_ratio: f64,
    /// X̄ over both arms.
    pub covariate_mean: f64,
    /// Mean of Y in A and B.
    pub raw_means: [f64; 2],
    /// B − A of Y.
    pub raw_difference: f64,
    /// Mean of Y_cv in A and B.
    pub adjusted_means: [f64; 2],
    /// B − A of Y_cv: the effect.
    pub difference: f64,
    /// Welch interval of the effect (from the adjusted values).
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
    /// Welch interval of the raw difference, for comparison.
    pub raw_ci: [f64; 2],
    /// Confidence level.
    pub level: f64,
    /// Rows used per arm.
    pub n: [usize; 2],
}

/// CUPED: the difference of `outcome` between arms B (`arms[i]` true) and
/// A, adjusted by a pre-period `covariate` (e.g. each customer's expected
/// purchases from a churn model fitted before the test).
///
/// # Errors
/// [`CxError::LengthMismatch`]; [`CxError::NotFinite`] naming the row;
/// fewer than two rows per arm or a constant covariate
/// ([`CxError::InvalidParameter`]); a bad level.
///
/// # Examples
/// ```
/// use cx::survey::cuped;
/// let y = [12., 15., 9., 20., 14., 11., 17., 13.];
/// let x = [11., 13., 10., 16., 12., 12., 13., 11.];
/// let arms = [false, false, false, false, true, true, true, true];
/// let c = cuped(&y, &x, &arms, 0.95)?;
/// assert!((c.difference - 0.627660).abs() < 1e-6 && c.raw_difference == -0.25); // §8(e)
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn cuped(outcome: &[f64], covariate: &[f64], arms: &[bool], level: f64) -> Result<Cuped> {
    let level = stats::check_level(level)?;
    CxError::check_len("covariate", covariate.len(), "outcome", outcome.len())?;
    CxError::check_len("arms", arms.len(), "outcome", outcome.len())?;
    for (argument, v) in [("outcome", outcome), ("covariate", covariate)] {
        if let Some(index) = v.iter().position(|x| !x.is_finite()) {
            return Err(CxError::NotFinite {
                argument,
                index,
                value: v[index],
            });
        }
    }
    let n = outcome.len() as f64;
    let (my, mx) = (outcome.iter().sum::<f64>() / n, covariate.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (&y, &x) in outcome.iter().zip(covariate) {
        sxy += (y - my) * (x - mx);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= 0.0 || sxx.is_nan() {
        return Err(CxError::invalid(
            "covariate",
            "constant",
            "a covariate that varies",
        ));
    }
    let theta = sxy / sxx;
    let rho = if syy > 0.0 { sxy / (sxx * syy).sqrt() } else { 0.0 };
    let arm_of = |b: bool| -> (Vec<f64>, Vec<f64>) {
        outcome
            .iter()
            .zip(covariate)
            .zip(arms)
            .filter(|(_, a)| **a == b)
            .map(|((&y, &x), _)| (y, y - theta * (x - mx)))
            .unzip()
    };
    let (ya, ca) = arm_of(false);
    let (yb, cb) = arm_of(true);
    for (name, len) in [("arm A", ya.len()), ("arm B", yb.len())] {
        if len < 2 {
            return Err(CxError::invalid(
                "arms",
                format!("{len} rows in {name}"),
                "at least 2 rows per arm",
            ));
        }
    }
    let welch = |a: &[f64], b: &[f64]| -> (f64, f64, f64, f64) {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64;
        let (ma, mb) = (mean(a), mean(b));
        let (qa, qb) = (var(a, ma) / a.len() as f64, var(b, mb) / b.len() as f64);
        let se2 = qa + qb;
        let df = if se2 > 0.0 {
            se2 * se2 / (qa * qa / (a.len() - 1) as f64 + qb * qb / (b.len() - 1) as f64)
        } else {
            f64::INFINITY
        };
        let t = stats::t_critical(level, df).unwrap_or_else(|| stats::z_critical(level));
        let d = mb - ma;
        (ma, mb, d - t * se2.sqrt(), d + t * se2.sqrt())
    };
    let (ra, rb, rl, rh) = welch(&ya, &yb);
    let (aa, ab, al, ah) = welch(&ca, &cb);
    Ok(Cuped {
        theta,
        correlation: rho,
        variance_ratio: 1.0 - rho * rho,
        covariate_mean: mx,
        raw_means: [ra, rb],
        raw_difference: rb - ra,
        adjusted_means: [aa, ab],
        difference: ab - aa,
        ci_low: al,
        ci_high: ah,
        raw_ci: [rl, rh],
        level,
        n: [ya.len(), yb.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn half_width(n: u64, sigma: f64, rho: f64, alpha: f64) -> f64 {
        // Howard et al.'s form with ρ = σ⁴/τ².
        let v = sigma * sigma / n as f64;
        boundary(v, sigma.powi(4) / rho, alpha, 0.0).0
    }

    #[test]
    fn normal_mixture_reference() {
        for (n, want) in [
            (10, 0.960640),
            (100, 0.327302),
            (1000, 0.113636),
            (10000, 0.0389916),
        ] {
            assert!((half_width(n, 1.0, 1.0, 0.05) - want).abs() < 1e-6, "n = {n}");
        }
        // Tuned to n* = 100: ρ = 12.177, half-width 0.30351 there.
        let rho = 100.0 / mixture_ratio(0.05);
        assert!((rho - 12.177).abs() < 1e-3, "{rho}");
        assert!((half_width(100, 1.0, rho, 0.05) - 0.30351).abs() < 1e-5);
    }

    #[test]
    fn msprt_reference() {
        // σ = τ = 1, θ₀ = 0, n = 100.
        let v = 1.0 / 100.0;
        let (half, l) = boundary(v, 1.0, 0.05, 0.30);
        assert!((l - 8.566723).abs() < 1e-5 && (1.0 / l - 0.116731).abs() < 1e-6);
        assert!(0.30 - half < 0.0);
        let (_, l) = boundary(v, 1.0, 0.05, 0.35);
        assert!((l - 42.81105).abs() < 1e-4 && (1.0 / l - 0.023358).abs() < 1e-6);
    }

    #[test]
    fn cuped_reference() {
        let y = [12., 15., 9., 20., 14., 11., 17., 13.];
        let x = [11., 13., 10., 16., 12., 12., 13., 11.];
        let arms = [false, false, false, false, true, true, true, true];
        let c = cuped(&y, &x, &arms, 0.95).unwrap();
        assert!((c.covariate_mean - 12.25).abs() < 1e-12);
        assert!((c.theta - 1.755319).abs() < 1e-6);
        assert!((c.correlation - 0.923634).abs() < 1e-6);
        assert!((c.variance_ratio - 0.146899).abs() < 1e-6);
        assert!(
            (c.adjusted_means[0] - 13.561170).abs() < 1e-6 && (c.adjusted_means[1] - 14.188830).abs() < 1e-6
        );
        assert!(c.ci_high - c.ci_low < c.raw_ci[1] - c.raw_ci[0]);
    }

    #[test]
    fn bad_answers_name_the_row() {
        let e = sequential_test(
            &[false, true],
            &[9.0, 11.0],
            AnswerKind::Nps,
            &SequenceOptions::default(),
            None,
        )
        .unwrap_err();
        assert_eq!((e.argument(), e.index()), ("values", Some(1)));
        let e = sequential_test(
            &[false, false],
            &[1.0, 0.0],
            AnswerKind::Share,
            &SequenceOptions::default(),
            None,
        )
        .unwrap_err();
        assert_eq!(e.argument(), "arm B");
        let o = SequenceOptions {
            alpha: 1.5,
            ..Default::default()
        };
        assert_eq!(
            confidence_sequence(&RunningMean { n: 3, sum: 1.0 }, AnswerKind::Share, &o)
                .unwrap_err()
                .argument(),
            "alpha"
        );
        let e = cuped(&[1.0, 2.0, 3.0], &[1.0, 1.0, 1.0], &[false, true, true], 0.95).unwrap_err();
        assert_eq!(e.argument(), "covariate");
    }
}
