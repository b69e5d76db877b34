//! Customer lifetime value and the calibration-vs-holdout check.

use serde::{Deserialize, Serialize};

use super::{ChurnModel, CustomerData, GammaGamma, check_horizon, per_row};
use crate::error::{CxError, Result};

/// Options of [`customer_lifetime_value`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClvOptions {
    /// Horizon in months; 12 by default.
    pub months: u32,
    /// Discount rate per month; 0.01 by default.
    pub discount_rate: f64,
    /// Model time units per month: 30 when the summary is in days (the
    /// default), 4.345 in weeks, 1 in months. Ignored when `freq` is given.
    pub periods_per_month: f64,
    /// The summary's time unit as lifetimes names it (`"D"`, `"W"`, `"M"`,
    /// `"H"`); sets the periods per month by [`periods_per_month`].
    pub freq: Option<Freq>,
}

/// A summary's time unit in lifetimes' `freq` letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Freq {
    /// Days.
    D,
    /// Weeks.
    W,
    /// Months.
    M,
    /// Hours.
    H,
}

/// Model time units per month for a summary in `freq`: the CLV period
/// convention of cx and of lifetimes' `customer_lifetime_value` (a month
/// of 30 days, 4.345 weeks or 720 hours).
///
/// # Examples
/// ```
/// use cx::churn::{periods_per_month, Freq};
/// assert_eq!(periods_per_month(Freq::W), 4.345);
/// ```
pub fn periods_per_month(freq: Freq) -> f64 {
    match freq {
        Freq::D => 30.0,
        Freq::W => 4.345,
        Freq::M => 1.0,
        Freq::H => 30.0 * 24.0,
    }
}

impl ClvOptions {
    /// The periods per month in force: from `freq` when given, else
    /// `periods_per_month`.
    pub fn periods(&self) -> f64 {
        self.freq.map_or(self.periods_per_month, periods_per_month)
    }
}

impl Default for ClvOptions {
    fn default() -> Self {
        ClvOptions {
            months: 12,
            discount_rate: 0.01,
            periods_per_month: 30.0,
            freq: None,
        }
    }
}

/// Discounted expected value of each customer over the next
/// `options.months` months.
///
/// # Formula
/// CLV = Σₘ₌₁ᴹ E\[M\]·(E[X(m·f)] − E[X((m−1)·f)]) / (1 + d)ᵐ, where E[X(t)] is
/// the purchase model's conditional expectation, f the periods per month,
/// d the monthly discount rate and E\[M\] the gamma-gamma expected spend. This
/// is the monthly form of lifetimes' `customer_lifetime_value`.
///
/// # Errors
/// Input errors of [`CustomerData::validate`]; a length mismatch of
/// `monetary_value`; [`CxError::InvalidParameter`] for a negative discount
/// rate, non-positive periods per month, or a spend model with q ≤ 1.
pub fn customer_lifetime_value(
    model: &(dyn ChurnModel + Sync),
    spend: &GammaGamma,
    data: &CustomerData<'_>,
    monetary_value: &[f64],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    data.validate()?;
    if monetary_value.len() != data.len() {
        return Err(CxError::LengthMismatch {
            argument: "monetary_value",
            expected: data.len(),
            actual: monetary_value.len(),
            other: "frequency",
        });
    }
    if !(options.discount_rate.is_finite() && options.discount_rate >= 0.0) {
        return Err(CxError::invalid(
            "discount_rate",
            options.discount_rate,
            "a rate >= 0",
        ));
    }
    let f = options.periods();
    if !(f.is_finite() && f > 0.0) {
        return Err(CxError::invalid("periods_per_month", f, "a positive number"));
    }
    spend.population_mean()?;
    let horizons: Vec<f64> = (1..=options.months).map(|month| f64::from(month) * f).collect();
    per_row(data.len(), |i| {
        let (x, tx, t, m) = (data.frequency[i], data.recency[i], data.t[i], monetary_value[i]);
        if !m.is_finite() || m < 0.0 {
            return Err(CxError::OutOfRange {
                argument: "monetary_value",
                index: i,
                value: m.to_string(),
                allowed: ">= 0".into(),
            });
        }
        let value = spend.conditional_expected_average_profit(x, m)?;
        let mut upto = vec![0.0; horizons.len()];
        model.conditional_expected_purchases_many(&horizons, x, tx, t, &mut upto);
        let mut clv = 0.0;
        let mut before = 0.0;
        for (month, &upto) in (1..=options.months).zip(&upto) {
            clv += value * (upto - before) / (1.0 + options.discount_rate).powi(month as i32);
            before = upto;
        }
        Ok(clv)
    })
}

/// Predicted and actual holdout purchases of the customers with one
/// calibration frequency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequencyBin {
    /// Calibration repeat purchases (the last bin holds this and more).
    pub frequency: u32,
    /// Customers in the bin.
    pub customers: usize,
    /// Mean actual holdout purchases.
    pub actual: f64,
    /// Mean predicted holdout purchases.
    pub predicted: f64,
}

/// How well a model predicted a holdout period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoldoutCheck {
    /// Per calibration frequency, 0 to the last bin.
    pub bins: Vec<FrequencyBin>,
    /// Customers compared.
    pub customers: usize,
    /// Sum of the actual holdout purchases.
    pub actual_total: f64,
    /// Sum of the predicted holdout purchases.
    pub predicted_total: f64,
    /// Mean absolute error per customer.
    pub mean_absolute_error: f64,
}

/// Compares predicted holdout purchases (E[X(duration) | calibration
/// history]) with the actual ones, per customer and in aggregate by
/// calibration frequency (bins 0, 1, …, `last_bin`+), as in FHL 2005 fig. 4.
///
/// # Errors
/// Input errors of [`CustomerData::validate`]; a length mismatch; a
/// negative or missing holdout count; an invalid duration.
pub fn calibration_vs_holdout(
    model: &dyn ChurnModel,
    calibration: &CustomerData<'_>,
    frequency_holdout: &[f64],
    duration_holdout: f64,
    last_bin: u32,
) -> Result<HoldoutCheck> {
    calibration.validate()?;
    check_horizon(duration_holdout)?;
    if frequency_holdout.len() != calibration.len() {
        return Err(CxError::LengthMismatch {
            argument: "frequency_holdout",
            expected: calibration.len(),
            actual: frequency_holdout.len(),
            other: "frequency",
        });
    }
    let mut bins: Vec<FrequencyBin> = (0..=last_bin)
        .map(|f| FrequencyBin {
            frequency: f,
            customers: 0,
            actual: 0.0,
            predicted: 0.0,
        })
        .collect();
    let (mut actual_total, mut predicted_total, mut abs) = (0.0, 0.0, 0.0);
    for i in 0..calibration.len() {
        let actual = frequency_holdout[i];
        if !(actual.is_finite() && actual >= 0.0) {
            return Err(CxError::OutOfRange {
                argument: "frequency_holdout",
                index: i,
                value: actual.to_string(),
                allowed: ">= 0".into(),
            });
        }
        let (x, tx, t) = (calibration.frequency[i], calibration.recency[i], calibration.t[i]);
        let predicted = model.conditional_expected_purchases(duration_holdout, x, tx, t);
        let b = &mut bins[(x as u32).min(last_bin) as usize];
        b.customers += 1;
        b.actual += actual;
        b.predicted += predicted;
        actual_total += actual;
        predicted_total += predicted;
        abs += (actual - predicted).abs();
    }
    for b in &mut bins {
        if b.customers > 0 {
            b.actual /= b.customers as f64;
            b.predicted /= b.customers as f64;
        }
    }
    Ok(HoldoutCheck {
        bins,
        customers: calibration.len(),
        actual_total,
        predicted_total,
        mean_absolute_error: abs / calibration.len() as f64,
    })
}
