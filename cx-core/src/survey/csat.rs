//! Customer satisfaction (CSAT).

use serde::{Deserialize, Serialize};

use super::{Distribution, Mean, Proportion, Scale, Score};
use crate::error::Result;
use crate::stats;

/// Options of [`csat`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsatOptions {
    /// Answer scale; 1–5 by default.
    pub scale: Scale,
    /// Lowest answer counted as satisfied; `None` means the top two boxes
    /// (`scale.max() − 1`, so 4 on 1–5).
    pub threshold: Option<i32>,
    /// Confidence level in (0, 1); 0.95 by default.
    pub level: f64,
}

impl Default for CsatOptions {
    fn default() -> Self {
        CsatOptions {
            scale: Scale::CSAT,
            threshold: None,
            level: 0.95,
        }
    }
}

/// CSAT: the share of satisfied answers (the headline number) and the mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Csat {
    /// Answer scale.
    pub scale: Scale,
    /// Lowest answer counted as satisfied.
    pub threshold: i32,
    /// Rows used.
    pub n: u64,
    /// Share of answers ≥ `threshold`, with a Wilson interval.
    pub satisfied: Proportion,
    /// Mean answer, with a t interval.
    pub mean: Mean,
}

/// CSAT of answers on a satisfaction scale, optionally weighted.
///
/// # Formula
/// CSAT is reported as the top-box share, not the mean: the weighted share of
/// answers at or above the threshold (4 or 5 on 1–5), with a Wilson interval
/// (see [`Proportion`]). The mean and its t interval come along (see [`Mean`]).
///
/// # Errors
/// [`crate::CxError::Empty`], answer errors with their row,
/// [`crate::CxError::InvalidParameter`] for a threshold off the scale or a
/// level outside (0, 1); weight errors as in [`Distribution::extend_weighted`].
///
/// # Examples
/// ```
/// use cx::survey::{csat, CsatOptions};
/// let r = csat(&[5u8, 4, 4, 3, 1], None, &CsatOptions::default())?;
/// assert_eq!(r.satisfied.successes, 3);
/// assert!((r.mean.mean - 3.4).abs() < 1e-12);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn csat<T: Score>(scores: &[T], weights: Option<&[f64]>, options: &CsatOptions) -> Result<Csat> {
    stats::check_level(options.level)?;
    Distribution::from_scores(options.scale, scores, weights)?.csat(options)
}

impl Distribution {
    /// CSAT of the answers collected so far; see [`csat`]. The distribution's
    /// scale must equal `options.scale`.
    ///
    /// # Errors
    /// As [`csat`], plus [`crate::CxError::Incompatible`] on a scale mismatch.
    pub fn csat(&self, options: &CsatOptions) -> Result<Csat> {
        let level = stats::check_level(options.level)?;
        self.check_scale(options.scale)?;
        let scale = options.scale;
        let threshold = options.threshold.unwrap_or(scale.max() - 1);
        scale.check_contains("threshold", threshold)?;
        self.check_estimable()?;
        let bounds = (f64::from(scale.min()), f64::from(scale.max()));
        Ok(Csat {
            scale,
            threshold,
            n: self.n(),
            satisfied: Proportion::from_distribution(self, |v| v >= threshold, level),
            mean: Mean::from_distribution(self, f64::from, bounds, level),
        })
    }
}
