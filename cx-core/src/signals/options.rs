//! The thresholds of the signals.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::churn::AnyModel;
use crate::error::{CxError, Result};
use crate::signals::RiskCalibration;

/// Thresholds of the signals (see the [module docs](crate::signals)). In JSON every
/// field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SignalOptions {
    /// The day signals are computed for; later rows are left out and
    /// counted. Default: the last observed day in any table (an order, an
    /// answer, a contact received or resolved, a delivery made).
    pub as_of: Option<NaiveDate>,
    /// Customers whose last order is more than this many days old count as
    /// lost rather than at risk: they keep their signals but rank after
    /// every customer not lost and are left out of `counts` and
    /// [`SignalReport::at_risk`](crate::signals::SignalReport::at_risk). `None` never calls a customer lost.
    pub lost_after_days: Option<f64>,
    /// Risk from which a customer not lost counts as at risk
    /// ([`SignalReport::at_risk_count`](crate::signals::SignalReport::at_risk_count), the report's at-risk list); 0.7
    /// by default.
    pub at_risk: f64,
    /// `overdue`: days since the last order over the own mean interval.
    pub overdue_ratio: f64,
    /// Orders (distinct days) needed for a customer's own cadence; fewer
    /// orders are judged by `hiatus_days` instead.
    pub min_orders_for_cadence: u32,
    /// `hiatus`: days without an order, for customers without own cadence.
    pub hiatus_days: f64,
    /// `low_p_alive`: fires below this probability alive.
    pub p_alive_below: f64,
    /// Fit BG/NBD to the orders (daily summary) for `low_p_alive` when no
    /// `model` is given. A fit that fails is reported in `notes`.
    pub fit_model: bool,
    /// A fitted purchase model (BG/NBD, MBG/NBD or Pareto/NBD) on a daily
    /// summary of the same orders, used instead of fitting one.
    pub model: Option<AnyModel>,
    /// `rfm_segment`: the segments that count as at risk.
    pub rfm_segments: Vec<String>,
    /// Strength of the `rfm_segment` signal.
    pub rfm_strength: f64,
    /// `detractor`: the highest NPS answer that counts as a detractor.
    pub detractor_max: f64,
    /// `score_drop`: points the last answer lies below the earlier mean.
    pub score_drop: f64,
    /// `open_contact`: days a contact has been open.
    pub open_contact_days: f64,
    /// `repeat_contacts`: contacts within `contact_window_days`.
    pub repeat_contacts: u32,
    /// The window of `repeat_contacts`, in days up to `as_of`.
    pub contact_window_days: f64,
    /// `late_deliveries`: how many of the last deliveries are looked at.
    pub late_last: u32,
    /// `late_deliveries`: how many of those must be late.
    pub late_min: u32,
    /// Days after the promised day a delivery still counts as on time.
    pub late_grace_days: f64,
    /// Horizon of [`CustomerRisk::p_no_order`](crate::signals::CustomerRisk::p_no_order), in days; 90 by default. A
    /// calibration brings its own horizon, which then applies.
    pub horizon_days: f64,
    /// Compute each customer's CLV (the purchase model and a gamma-gamma
    /// spend model fitted to the order amounts, 12 months, 1 % a month)
    /// and the value at risk, when the orders have amounts. On by default.
    pub value: bool,
    /// Rank customers by value at risk (risk × CLV) instead of risk.
    pub rank_by_value: bool,
    /// Capacity: flag at most this many customers at risk, the highest
    /// ranked ("the 100 customers we can call this week").
    pub at_risk_capacity: Option<usize>,
    /// Cost of contacting a customer: when given, a customer not lost is
    /// at risk when contacting pays, risk × CLV × `save_rate` ≥
    /// `contact_cost` (the expected value saved exceeds the cost), instead
    /// of risk ≥ `at_risk`. Meaningful with a calibrated risk (a
    /// probability) and needs order amounts (CLV).
    pub contact_cost: Option<f64>,
    /// Share of the customers who would leave that a contact keeps; 0.25.
    pub save_rate: f64,
    /// A calibration from [`backtest`](crate::signals::backtest()): then `risk` is the
    /// probability of its outcome within its horizon, explained by
    /// contributions. Its signal thresholds must equal these options'
    /// (they shape the strengths it was fitted on).
    pub calibration: Option<Box<RiskCalibration>>,
}

impl Default for SignalOptions {
    fn default() -> Self {
        SignalOptions {
            as_of: None,
            lost_after_days: Some(365.0),
            at_risk: 0.7,
            overdue_ratio: 2.0,
            min_orders_for_cadence: 3,
            hiatus_days: 180.0,
            p_alive_below: 0.3,
            fit_model: true,
            model: None,
            rfm_segments: vec!["at risk".into(), "can't lose".into()],
            rfm_strength: 0.4,
            detractor_max: 6.0,
            score_drop: 3.0,
            open_contact_days: 3.0,
            repeat_contacts: 3,
            contact_window_days: 30.0,
            late_last: 3,
            late_min: 2,
            late_grace_days: 0.0,
            horizon_days: 90.0,
            value: true,
            rank_by_value: false,
            at_risk_capacity: None,
            contact_cost: None,
            save_rate: 0.25,
            calibration: None,
        }
    }
}

impl SignalOptions {
    pub(super) fn check(&self) -> Result<()> {
        let positive = [
            ("overdue_ratio", self.overdue_ratio),
            ("hiatus_days", self.hiatus_days),
            ("contact_window_days", self.contact_window_days),
            ("score_drop", self.score_drop),
            ("horizon_days", self.horizon_days),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(CxError::invalid(name, v, "a positive number"));
            }
        }
        let non_negative = [
            ("open_contact_days", self.open_contact_days),
            ("late_grace_days", self.late_grace_days),
        ];
        for (name, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err(CxError::invalid(name, v, "a number >= 0"));
            }
        }
        let unit = [
            ("p_alive_below", self.p_alive_below),
            ("rfm_strength", self.rfm_strength),
            ("at_risk", self.at_risk),
            ("save_rate", self.save_rate),
        ];
        for (name, v) in unit {
            if !(v > 0.0 && v <= 1.0) {
                return Err(CxError::invalid(name, v, "a number in (0, 1]"));
            }
        }
        if let Some(d) = self.lost_after_days
            && !(d.is_finite() && d > 0.0)
        {
            return Err(CxError::invalid(
                "lost_after_days",
                d,
                "a positive number of days (or null: never)",
            ));
        }
        let grid = crate::retention::RfmGrid::default();
        let named = |s: &str| (1..=5).any(|r| (1..=5).any(|f| grid.segment(r, f) == s));
        if let Some(unknown) = self.rfm_segments.iter().find(|s| !named(s)) {
            // A misspelt segment would never fire: say so instead.
            return Err(CxError::invalid(
                "rfm_segments",
                unknown,
                "names of the RFM grid's segments (champions, loyal, at risk, can't lose, hibernating, …)",
            ));
        }
        if !(0.0..=10.0).contains(&self.detractor_max) {
            return Err(CxError::invalid("detractor_max", self.detractor_max, "0..=10"));
        }
        if self.late_min == 0 || self.late_min > self.late_last {
            return Err(CxError::invalid(
                "late_min",
                self.late_min,
                format!("1..={} (late_last)", self.late_last),
            ));
        }
        if self.repeat_contacts < 2 {
            return Err(CxError::invalid(
                "repeat_contacts",
                self.repeat_contacts,
                "2 or more",
            ));
        }
        if self.min_orders_for_cadence < 2 {
            return Err(CxError::invalid(
                "min_orders_for_cadence",
                self.min_orders_for_cadence,
                "2 or more (one interval needs two orders)",
            ));
        }
        if let Some(c) = self.contact_cost
            && !(c.is_finite() && c >= 0.0)
        {
            return Err(CxError::invalid("contact_cost", c, "a cost >= 0 (or null)"));
        }
        if let Some(c) = &self.calibration {
            c.check_thresholds(self)?;
        }
        Ok(())
    }

    /// The options that shape signal strengths (the thresholds), without
    /// the day, the model, the calibration and what is reported: what a
    /// calibration records and checks.
    pub(crate) fn thresholds(&self) -> SignalOptions {
        SignalOptions {
            as_of: None,
            lost_after_days: self.lost_after_days,
            at_risk: SignalOptions::default().at_risk,
            model: None,
            calibration: None,
            value: SignalOptions::default().value,
            rank_by_value: false,
            at_risk_capacity: None,
            contact_cost: None,
            save_rate: SignalOptions::default().save_rate,
            horizon_days: SignalOptions::default().horizon_days,
            ..self.clone()
        }
    }
}
