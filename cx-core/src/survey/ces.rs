//! Customer effort score (CES).

use serde::{Deserialize, Serialize};

use super::{Distribution, Mean, Proportion, Scale, Score};
use crate::error::{CxError, Result};
use crate::stats;

/// Which end of the CES scale is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CesPolarity {
    /// CES 2.0, "the company made it easy for me to handle my issue":
    /// agreement on 1–7, higher is better.
    #[default]
    Ease,
    /// The original CES, "how much effort did you personally have to put
    /// forth": 1–5, higher is worse.
    Effort,
}

impl std::str::FromStr for CesPolarity {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "ease" => Ok(CesPolarity::Ease),
            "effort" => Ok(CesPolarity::Effort),
            other => Err(CxError::invalid("polarity", other, "\"ease\" or \"effort\"")),
        }
    }
}

/// Options of [`ces`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CesOptions {
    /// Which end is good; `ease` (CES 2.0) by default.
    pub polarity: CesPolarity,
    /// Answer scale; `None` means 1–7 for `ease` and 1–5 for `effort`.
    pub scale: Option<Scale>,
    /// Boundary of the "easy" answers, inclusive: answers ≥ it for `ease`
    /// (default `max − 2`, so 5–7 on 1–7), answers ≤ it for `effort`
    /// (default `min + 1`, so 1–2 on 1–5).
    pub easy_threshold: Option<i32>,
    /// Confidence level in (0, 1); 0.95 by default.
    pub level: f64,
}

impl Default for CesOptions {
    fn default() -> Self {
        CesOptions {
            polarity: CesPolarity::Ease,
            scale: None,
            easy_threshold: None,
            level: 0.95,
        }
    }
}

impl CesOptions {
    /// The scale these options resolve to.
    pub fn resolved_scale(&self) -> Scale {
        self.scale.unwrap_or(match self.polarity {
            CesPolarity::Ease => Scale::CES,
            CesPolarity::Effort => Scale::CSAT,
        })
    }
}

/// CES: the mean effort answer and the share of easy experiences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ces {
    /// Which end of the scale is good.
    pub polarity: CesPolarity,
    /// Answer scale.
    pub scale: Scale,
    /// Boundary of the easy answers (≥ for `ease`, ≤ for `effort`).
    pub easy_threshold: i32,
    /// Rows used.
    pub n: u64,
    /// Mean answer on the scale as asked, with a t interval.
    pub mean: Mean,
    /// Share of easy answers, with a Wilson interval.
    pub easy: Proportion,
}

/// Customer effort score, optionally weighted.
///
/// # Formula
/// The mean answer with a t interval ([`Mean`]) and the weighted share of
/// easy answers with a Wilson interval ([`Proportion`]). The mean is kept on
/// the scale as asked; read it with the polarity (Dixon, Freeman & Toman
/// 2010, "Stop trying to delight your customers", HBR, for the original CES;
/// CEB's CES 2.0 for the 1–7 agreement form).
///
/// # Errors
/// As [`super::csat()`]; a threshold off the scale is
/// [`CxError::InvalidParameter`].
///
/// # Examples
/// ```
/// use cx::survey::{ces, CesOptions};
/// let r = ces(&[7u8, 6, 5, 2], None, &CesOptions::default())?;
/// assert_eq!(r.easy.successes, 3);
/// assert_eq!(r.mean.mean, 5.0);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn ces<T: Score>(scores: &[T], weights: Option<&[f64]>, options: &CesOptions) -> Result<Ces> {
    stats::check_level(options.level)?;
    Distribution::from_scores(options.resolved_scale(), scores, weights)?.ces(options)
}

impl Distribution {
    /// CES of the answers collected so far; see [`ces`].
    ///
    /// # Errors
    /// As [`ces`], plus [`CxError::Incompatible`] on a scale mismatch.
    pub fn ces(&self, options: &CesOptions) -> Result<Ces> {
        let level = stats::check_level(options.level)?;
        let scale = options.resolved_scale();
        self.check_scale(scale)?;
        let threshold = options.easy_threshold.unwrap_or(match options.polarity {
            CesPolarity::Ease => scale.max() - 2,
            CesPolarity::Effort => scale.min() + 1,
        });
        scale.check_contains("easy_threshold", threshold)?;
        self.check_estimable()?;
        let polarity = options.polarity;
        let easy = move |v: i32| match polarity {
            CesPolarity::Ease => v >= threshold,
            CesPolarity::Effort => v <= threshold,
        };
        let bounds = (f64::from(scale.min()), f64::from(scale.max()));
        Ok(Ces {
            polarity,
            scale,
            easy_threshold: threshold,
            n: self.n(),
            mean: Mean::from_distribution(self, f64::from, bounds, level),
            easy: Proportion::from_distribution(self, easy, level),
        })
    }
}
