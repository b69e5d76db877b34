//! Net Promoter Score.

use serde::{Deserialize, Serialize};

use super::{Distribution, Scale, Score};
use crate::error::{CxError, Result};
use crate::stats;

/// How the NPS confidence interval is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsInterval {
    /// Wald interval of the trinomial: Var = (p + d − (p − d)²)/n.
    Wald,
    /// Adjusted Wald: three pseudo-answers (¾ promoter, 1½ passive,
    /// ¾ detractor) are added before the Wald formula, which moves the centre
    /// to p′ − d′. Rocks (2016), "Interval estimation for the Net Promoter
    /// Score", The American Statistician 70(4), found it among the best of six
    /// methods; it is the default of Rocks' R package `NPS`.
    #[default]
    AdjustedWald,
}

impl std::str::FromStr for NpsInterval {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "wald" => Ok(NpsInterval::Wald),
            "adjusted_wald" => Ok(NpsInterval::AdjustedWald),
            other => Err(CxError::invalid(
                "interval",
                other,
                "\"wald\" or \"adjusted_wald\"",
            )),
        }
    }
}

/// Options of [`nps`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NpsOptions {
    /// Interval method; adjusted Wald by default.
    pub interval: NpsInterval,
    /// Confidence level in (0, 1); 0.95 by default.
    pub level: f64,
}

impl Default for NpsOptions {
    fn default() -> Self {
        NpsOptions {
            interval: NpsInterval::AdjustedWald,
            level: 0.95,
        }
    }
}

/// A Net Promoter Score with its interval.
///
/// Scores, standard errors and interval ends are in NPS points (−100..100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nps {
    /// Rows used.
    pub n: u64,
    /// Effective sample size (Kish); equals `n` without weights.
    pub n_eff: f64,
    /// Rows answering 9 or 10.
    pub promoters: u64,
    /// Rows answering 7 or 8.
    pub passives: u64,
    /// Rows answering 0 to 6.
    pub detractors: u64,
    /// Weighted share of promoters in [0, 1].
    pub promoter_share: f64,
    /// Weighted share of passives in [0, 1].
    pub passive_share: f64,
    /// Weighted share of detractors in [0, 1].
    pub detractor_share: f64,
    /// NPS = 100·(promoter share − detractor share).
    pub score: f64,
    /// Standard error of the interval method, in points.
    pub se: f64,
    /// Centre of the interval (differs from `score` for adjusted Wald).
    pub ci_center: f64,
    /// Lower end of the interval, clipped to −100.
    pub ci_low: f64,
    /// Upper end of the interval, clipped to 100.
    pub ci_high: f64,
    /// Confidence level.
    pub level: f64,
    /// Interval method used.
    pub interval: NpsInterval,
}

impl Nps {
    /// The Wald variance of the score in squared share units,
    /// (p + d − (p − d)²)/n_eff, used for comparisons.
    pub fn wald_variance(&self) -> f64 {
        trinomial_variance(self.promoter_share, self.detractor_share, self.n_eff)
    }
}

fn trinomial_variance(p: f64, d: f64, n: f64) -> f64 {
    ((p + d - (p - d) * (p - d)) / n).max(0.0)
}

/// Net Promoter Score of 0–10 answers, optionally weighted.
///
/// # Formula
/// Promoters answer 9–10, passives 7–8, detractors 0–6 (Reichheld 2003,
/// "The one number you need to grow", HBR). With weighted shares p and d,
/// NPS = 100·(p − d). Survey weights enter through Kish's effective size
/// n_eff = (Σw)²/Σw², which replaces n in the variance.
/// See [`NpsInterval`] for the interval; it is clipped to [−100, 100].
///
/// # Errors
/// [`CxError::Empty`] without answers, [`CxError::OutOfRange`] /
/// [`CxError::NotInteger`] / [`CxError::NotFinite`] for an answer that is not
/// on 0–10 (with its row), weight errors as in
/// [`Distribution::extend_weighted`], [`CxError::InvalidParameter`] for a
/// level outside (0, 1).
///
/// # Examples
/// ```
/// use cx::survey::{nps, NpsInterval, NpsOptions};
///
/// // 50 promoters, 30 passives, 20 detractors (a hand-checked vector).
/// let answers: Vec<u8> = [10u8; 50].into_iter().chain([7; 30]).chain([2; 20]).collect();
/// let opts = NpsOptions { interval: NpsInterval::Wald, ..Default::default() };
/// let r = nps(&answers, &opts)?;
/// assert!((r.score - 30.0).abs() < 1e-9);
/// assert!((r.ci_low - 14.6922).abs() < 1e-4);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn nps<T: Score>(scores: &[T], options: &NpsOptions) -> Result<Nps> {
    stats::check_level(options.level)?;
    if let Some(classes) = T::nps_classes(scores) {
        return Distribution::of_nps_classes(classes).nps(options);
    }
    Distribution::from_scores(Scale::NPS, scores, None)?.nps(options)
}

/// [`nps`] with one survey weight per answer.
///
/// # Errors
/// As [`nps`], plus [`CxError::LengthMismatch`], [`CxError::NegativeWeight`],
/// [`CxError::NotFinite`] for weights and [`CxError::ZeroWeight`] when they
/// sum to zero.
pub fn nps_weighted<T: Score>(scores: &[T], weights: &[f64], options: &NpsOptions) -> Result<Nps> {
    stats::check_level(options.level)?;
    Distribution::from_scores(Scale::NPS, scores, Some(weights))?.nps(options)
}

impl Distribution {
    /// NPS of the answers collected so far; see [`nps`].
    ///
    /// # Errors
    /// [`CxError::Incompatible`] unless the distribution is on the 0–10
    /// scale; otherwise as [`nps`].
    pub fn nps(&self, options: &NpsOptions) -> Result<Nps> {
        let level = stats::check_level(options.level)?;
        self.check_scale(Scale::NPS)?;
        self.check_estimable()?;
        let total = self.total_weight();
        let (wp, promoters) = self.weight_where(|v| v >= 9);
        let (wa, passives) = self.weight_where(|v| v == 7 || v == 8);
        let (wd, detractors) = self.weight_where(|v| v <= 6);
        let (p, a, d) = (wp / total, wa / total, wd / total);
        let n_eff = self.effective_n();
        let (centre, var) = match options.interval {
            NpsInterval::Wald => (p - d, trinomial_variance(p, d, n_eff)),
            NpsInterval::AdjustedWald => {
                let n_adj = n_eff + 3.0;
                let p_adj = (p * n_eff + 0.75) / n_adj;
                let d_adj = (d * n_eff + 0.75) / n_adj;
                (p_adj - d_adj, trinomial_variance(p_adj, d_adj, n_adj))
            }
        };
        let se = var.sqrt();
        let z = stats::z_critical(level);
        Ok(Nps {
            n: self.n(),
            n_eff,
            promoters,
            passives,
            detractors,
            promoter_share: p,
            passive_share: a,
            detractor_share: d,
            score: 100.0 * (p - d),
            se: 100.0 * se,
            ci_center: 100.0 * centre,
            ci_low: (100.0 * (centre - z * se)).max(-100.0),
            ci_high: (100.0 * (centre + z * se)).min(100.0),
            level,
            interval: options.interval,
        })
    }
}
