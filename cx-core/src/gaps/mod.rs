//! Expectation gaps: whether a shop meets what its customers expect.
//!
//! Survey-based gaps work on respondent × item answer matrices
//! ([`Answers`]): SERVQUAL-style expectation–perception gaps
//! ([`servqual`]), importance–performance analysis ([`ipa`]), Kano
//! categories ([`kano`]) and the reliability of a scale
//! ([`cronbach_alpha`]); which items drive an outcome ([`key_drivers`],
//! [`penalty_reward`]). Promise gaps come from operations data: delivery
//! against the promised date ([`delivery`]), answer times against service
//! levels ([`answer_times`]), first-contact resolution
//! ([`first_contact_resolution`]) and customers contacting again, possibly
//! on another channel ([`repeat_contacts`]).

mod drivers;
mod ipa;
mod kano;
mod promise;
mod reliability;
mod servqual;

pub use drivers::{
    Driver, DriverOptions, KeyDrivers, MissingRule, PenaltyReward, PenaltyRewardItem, PenaltyRewardOptions,
    key_drivers, penalty_reward,
};
pub use ipa::{Crosshair, Ipa, IpaAttribute, IpaOptions, Quadrant, ipa};
pub use kano::{Kano, KanoAnswer, KanoCategory, kano, kano_category};
pub use promise::{
    AnswerTimeOptions, AnswerTimes, ChannelSwitch, Delivery, DeliveryOptions,
    Distribution as TimeDistribution, FcrResult, Grouped, Keyed, RepeatContacts, RepeatOptions, answer_times,
    before_received, check_after_received, days_late, delivery, first_contact_resolution, repeat_contacts,
};
pub use reliability::{Alpha, cronbach_alpha};
pub use servqual::{
    Dimension, DimensionGap, ItemGap, Servqual, ServqualOptions, servqual, servqual_by, servqual_dimensions,
};

use crate::error::{CxError, Result};
use crate::survey::Scale;

/// Checks that item names, when given, are one per item (column).
fn check_names(names: Option<&[String]>, items: usize) -> Result<()> {
    match names {
        Some(n) if n.len() != items => Err(CxError::LengthMismatch {
            argument: "names",
            expected: items,
            actual: n.len(),
            other: "items (columns)",
        }),
        _ => Ok(()),
    }
}

/// A respondent × item matrix of answers, row-major: `values[r * items + j]`
/// is respondent r's answer to item j. `NaN` marks an item the respondent
/// did not answer; such answers are left out pairwise and counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answers<'a> {
    /// The answers, one row of `items` values per respondent.
    pub values: &'a [f64],
    /// Number of items (columns).
    pub items: usize,
}

impl<'a> Answers<'a> {
    /// A matrix of `items` columns over `values`.
    pub fn new(values: &'a [f64], items: usize) -> Self {
        Answers { values, items }
    }

    /// Number of respondents (rows).
    pub fn respondents(&self) -> usize {
        self.values.len().checked_div(self.items).unwrap_or(0)
    }

    /// Respondent `r`'s answer to item `j` (`NaN` when missing).
    pub fn get(&self, r: usize, j: usize) -> f64 {
        self.values[r * self.items + j]
    }

    /// Checks the shape and that every answer is missing (`NaN`) or on
    /// `scale`. Errors name `argument`, the respondent row and the item.
    pub(crate) fn check(&self, argument: &'static str, scale: Scale) -> Result<()> {
        if self.items == 0 {
            return Err(CxError::invalid(
                argument,
                "0 items",
                "at least one item (column)",
            ));
        }
        if self.values.is_empty() {
            return Err(CxError::Empty { argument });
        }
        if !self.values.len().is_multiple_of(self.items) {
            return Err(CxError::invalid(
                argument,
                format!("{} values", self.values.len()),
                format!("a whole number of rows of {} items", self.items),
            ));
        }
        let (lo, hi) = (f64::from(scale.min()), f64::from(scale.max()));
        for (i, &v) in self.values.iter().enumerate() {
            if v.is_nan() {
                continue;
            }
            if !(lo..=hi).contains(&v) {
                return Err(CxError::OutOfRange {
                    argument,
                    index: i / self.items,
                    value: format!("{v} (item {})", i % self.items),
                    allowed: format!("{lo}..={hi} or NaN for no answer"),
                });
            }
        }
        Ok(())
    }
}

/// Checks that a second matrix has the shape of the first.
pub(crate) fn check_same_shape(a: (&'static str, &Answers), b: (&'static str, &Answers)) -> Result<()> {
    if a.1.items != b.1.items {
        return Err(CxError::Incompatible {
            argument: b.0,
            left: format!("{} items in `{}`", a.1.items, a.0),
            right: format!("{} items in `{}`", b.1.items, b.0),
        });
    }
    if a.1.values.len() != b.1.values.len() {
        return Err(CxError::LengthMismatch {
            argument: b.0,
            expected: a.1.respondents(),
            actual: b.1.respondents(),
            other: a.0,
        });
    }
    Ok(())
}

/// Mean, sample standard deviation and count of the finite values.
pub(crate) fn mean_sd(values: impl Iterator<Item = f64>) -> (usize, f64, Option<f64>) {
    let v: Vec<f64> = values.collect();
    let n = v.len();
    if n == 0 {
        return (0, f64::NAN, None);
    }
    let m = v.iter().sum::<f64>() / n as f64;
    let sd = (n > 1).then(|| (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64).sqrt());
    (n, m, sd)
}
