//! Four-button smiley terminals.

use serde::{Deserialize, Serialize};

use super::{Distribution, Mean, Proportion, Scale, Score};
use crate::error::Result;
use crate::stats;

/// Options of [`smiley`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmileyOptions {
    /// Confidence level in (0, 1); 0.95 by default.
    pub level: f64,
}

impl Default for SmileyOptions {
    fn default() -> Self {
        SmileyOptions { level: 0.95 }
    }
}

/// Smiley-terminal result: positive share and the 0–100 index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Smiley {
    /// Rows used.
    pub n: u64,
    /// Presses per button, from 1 (very unhappy) to 4 (very happy).
    pub counts: [u64; 4],
    /// Share of the two happy buttons (3 and 4), with a Wilson interval.
    pub positive: Proportion,
    /// Mean of the buttons mapped to 0, 33.3, 66.7, 100, with a t interval.
    pub index: Mean,
}

/// Result of a four-button smiley terminal (the kind seen after airport
/// security), with buttons coded 1 = very unhappy, 2 = unhappy, 3 = happy,
/// 4 = very happy.
///
/// # Formula
/// Positive share = weighted share of buttons 3 and 4 (Wilson interval).
/// Index = arithmetic mean of the buttons mapped linearly to 0, 33.3, 66.7,
/// 100, i.e. 100·(mean button − 1)/3, with a t interval. The terminal vendor
/// describes its index as an arithmetic mean but publishes no button values;
/// this even spacing is cx's documented assumption.
///
/// # Errors
/// As [`super::csat()`]: a button outside 1–4 is an out-of-range answer.
///
/// # Examples
/// ```
/// use cx::survey::{smiley, SmileyOptions};
/// let r = smiley(&[4u8, 4, 3, 1], None, &SmileyOptions::default())?;
/// assert_eq!(r.positive.successes, 3);
/// assert!((r.index.mean - 200.0 / 3.0).abs() < 1e-9);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn smiley<T: Score>(buttons: &[T], weights: Option<&[f64]>, options: &SmileyOptions) -> Result<Smiley> {
    stats::check_level(options.level)?;
    Distribution::from_scores(Scale::SMILEY, buttons, weights)?.smiley(options)
}

impl Distribution {
    /// Smiley result of the presses collected so far; see [`smiley`].
    ///
    /// # Errors
    /// As [`smiley`], plus [`crate::CxError::Incompatible`] unless the
    /// distribution is on the 1–4 scale.
    pub fn smiley(&self, options: &SmileyOptions) -> Result<Smiley> {
        let level = stats::check_level(options.level)?;
        self.check_scale(Scale::SMILEY)?;
        self.check_estimable()?;
        let c = self.counts();
        Ok(Smiley {
            n: self.n(),
            counts: [c[0], c[1], c[2], c[3]],
            positive: Proportion::from_distribution(self, |b| b >= 3, level),
            index: Mean::from_distribution(self, |b| 100.0 * f64::from(b - 1) / 3.0, (0.0, 100.0), level),
        })
    }
}
