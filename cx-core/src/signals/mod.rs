//! Explainable per-customer churn signals and a risk ranking.
//!
//! [`signals`] reads whichever of four tables you have — orders,
//! feedback (NPS answers), support contacts and deliveries — and returns,
//! for every customer seen in any of them, the signals that fired as of a
//! day, each with a [`SignalKind`], a strength in (0, 1], the evidence
//! numbers and a reason in plain words:
//!
//! | kind | fires when (defaults in [`SignalOptions`]) | reason, e.g. |
//! |---|---|---|
//! | `overdue` | days since the last order ≥ 2 × the customer's own mean interval (3+ orders) | no order for 74 days against a usual 30 |
//! | `hiatus` | fewer than 3 orders and none for 180 days | one order only, 200 days ago |
//! | `low_p_alive` | probability alive (BG/NBD fitted on the orders, or a model you pass) < 0.3 | probability still active 12% (BG/NBD) |
//! | `rfm_segment` | RFM segment is one of `at risk`, `can't lose` | RFM segment "at risk" (R 2, F 4) |
//! | `detractor` | the last NPS answer is 0–6 | last NPS answer 3 (detractor) |
//! | `score_drop` | the last NPS answer is ≥ 3 points below the mean of the earlier ones | last NPS answer 3 after 9 and 9 |
//! | `open_contact` | a support contact unresolved for ≥ 3 days | contact open for 9 days (email) |
//! | `repeat_contacts` | ≥ 3 contacts in the last 30 days | 4 contacts in 30 days on 2 channels (email, phone) |
//! | `late_deliveries` | ≥ 2 of the last 3 due deliveries late | 2 of the last 3 deliveries late (by 2 and 5 days) |
//!
//! # Strength and risk
//! A signal's strength is 0.5 at its threshold and rises linearly to 0.9
//! at its "full" point (overdue: 2× the usual interval → 0.5, 4× → 0.9;
//! hiatus: 180 → 360 days; low P(alive): 0.3 → 0; detractor: 6 → 0;
//! score drop: 3 → 6 points; open contact: 3 → 12 days; repeat contacts:
//! 3 → 6; late deliveries: 2 → 3 of 3). The RFM signal has a fixed
//! strength ([`SignalOptions::rfm_strength`]). The risk of a customer
//! combines the strengths as independent evidence (a noisy-OR):
//! `risk = 1 − Π (1 − strengthᵢ)`. It is 0 without signals, grows with
//! every further signal, and stays below 1 (no single rule is certainty),
//! so customers with more evidence rank higher. Customers are
//! ranked by risk (ties by key); each customer's signals are listed
//! strongest first, so the first ones are the drivers of the rank.
//!
//! Signals are a transparent screening rule, not a fitted classifier: the
//! thresholds are documented defaults meant to be tuned to a shop's
//! rhythm. The hiatus and overdue baselines follow Wübben & von
//! Wangenheim (2008), J. Marketing 72(3), who found such simple rules
//! competitive with BG/NBD and Pareto/NBD in practice.

mod backtest;
mod build;
mod calibrate;
mod covariates;
mod experience;
mod inputs;
mod options;
mod orders;
mod periods;
mod report;
mod wording;

use std::hash::Hash;

use chrono::NaiveDate;

use crate::error::{CxError, Result};
use crate::time::{date_of_day, day_of_date};

pub use backtest::{
    Backtest, BacktestOptions, Bin, CutoffResult, Holdout, PENALTIES, ScoreMetrics, TopShare, backtest,
};
pub use calibrate::{Coefficient, Outcome, PURCHASE_MODEL, RiskCalibration, TrainedOn};
pub use covariates::{PromiseCovariates, PromiseOptions, promise_covariates};
pub use inputs::{Contacts, Deliveries, Feedback, SignalInputs};
pub use options::SignalOptions;
pub use periods::{PromisePeriodOptions, PromisePeriods, promise_periods};
pub use report::{
    Contribution, CustomerRisk, RiskMethod, Signal, SignalKind, SignalReport, TableRows, ValueAtRisk,
};

use build::Builder;

/// Per-customer signals and a risk ranking from orders, feedback, support
/// contacts and deliveries (any of them), as of a day. See the
/// [module docs](self) for the signals, their thresholds and the risk.
///
/// # Errors
/// [`CxError::Empty`] when no table (or only empty tables) is given;
/// [`CxError::LengthMismatch`] for columns of one table that differ in
/// length; [`CxError::OutOfRange`] for an NPS answer off 0–10 or a contact
/// resolved before it was received (naming the row);
/// [`CxError::InvalidParameter`] for a bad option; the errors of
/// [`Purchases::from_transactions`](crate::retention::Purchases::from_transactions) for the orders.
///
/// # Examples
/// ```
/// use cx::signals::{signals, Feedback, SignalInputs, SignalKind, SignalOptions};
/// use cx::time::{parse_timestamps_ms, TimeUnit};
///
/// let when = parse_timestamps_ms("timestamps", &["2024-01-10", "2024-03-02", "2024-05-20"])?;
/// let feedback = Feedback { customers: &["ann"; 3], timestamps: &when, scores: &[9.0, 9.0, 3.0] };
/// let inputs = SignalInputs { orders: None, feedback: Some(feedback), contacts: None, deliveries: None, unit: TimeUnit::Milliseconds };
/// let r = signals(&inputs, &SignalOptions::default())?;
/// let ann = &r.customers[0];
/// assert_eq!(ann.signals[0].kind, SignalKind::ScoreDrop);
/// assert_eq!(ann.signals[0].reason, "last NPS answer 3 after 9 and 9");
/// assert!((ann.risk - 0.97).abs() < 1e-12); // 1 − (1 − 0.9)(1 − 0.7)
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn signals<K: Hash + Eq + Ord + Clone>(
    inputs: &SignalInputs<'_, K>,
    options: &SignalOptions,
) -> Result<SignalReport<K>> {
    options.check()?;
    check_inputs(inputs)?;
    let unit = inputs.unit;
    let as_of_day = match options.as_of {
        Some(d) => day_of_date(d),
        None => last_day(inputs).ok_or(CxError::Empty { argument: "inputs" })?,
    };
    let as_of =
        date_of_day(as_of_day).ok_or_else(|| CxError::invalid("as_of", as_of_day, "a calendar day"))?;
    let mut b = Builder::new(as_of_day);

    if let Some(o) = &inputs.orders {
        b.orders(o, options)?;
    }
    if let Some(f) = &inputs.feedback {
        b.feedback(f, unit, options)?;
    }
    if let Some(c) = &inputs.contacts {
        b.contacts(c, unit, options)?;
    }
    if let Some(d) = &inputs.deliveries {
        b.deliveries(d, unit, options)?;
    }
    Ok(b.finish(as_of, options))
}

/// `i64::MIN` (numpy's `NaT`) where a time is required.
fn check_present(argument: &'static str, t: &[i64]) -> Result<()> {
    match t.iter().position(|&v| v == i64::MIN) {
        Some(index) => Err(CxError::Missing { argument, index }),
        None => Ok(()),
    }
}

fn check_inputs<K>(i: &SignalInputs<'_, K>) -> Result<()> {
    let mut any = false;
    if let Some(o) = &i.orders {
        any |= !o.customers.is_empty();
    }
    if let Some(f) = &i.feedback {
        CxError::check_len(
            "feedback.timestamps",
            f.timestamps.len(),
            "feedback.customers",
            f.customers.len(),
        )?;
        CxError::check_len(
            "feedback.scores",
            f.scores.len(),
            "feedback.customers",
            f.customers.len(),
        )?;
        check_present("feedback.timestamps", f.timestamps)?;
        any |= !f.customers.is_empty();
    }
    if let Some(c) = &i.contacts {
        let n = c.customers.len();
        CxError::check_len("contacts.received", c.received.len(), "contacts.customers", n)?;
        CxError::check_len("contacts.resolved", c.resolved.len(), "contacts.customers", n)?;
        if let Some(ch) = c.channels {
            CxError::check_len("contacts.channels", ch.len(), "contacts.customers", n)?;
        }
        if let Some(cs) = c.cases {
            CxError::check_len("contacts.cases", cs.len(), "contacts.customers", n)?;
        }
        check_present("contacts.received", c.received)?;
        any |= n > 0;
    }
    if let Some(d) = &i.deliveries {
        let n = d.customers.len();
        CxError::check_len("deliveries.promised", d.promised.len(), "deliveries.customers", n)?;
        CxError::check_len(
            "deliveries.delivered",
            d.delivered.len(),
            "deliveries.customers",
            n,
        )?;
        check_present("deliveries.promised", d.promised)?;
        any |= n > 0;
    }
    if any {
        Ok(())
    } else {
        Err(CxError::Empty { argument: "inputs" })
    }
}

/// The default report day of [`signals`]: the last observed day in any
/// table (an order, an answer, a contact received or resolved, a delivery
/// made; promised delivery days may lie ahead and are left out). `None`
/// without dated rows.
pub fn last_observed_day<K>(inputs: &SignalInputs<'_, K>) -> Option<NaiveDate> {
    last_day(inputs).and_then(date_of_day)
}

/// [`last_observed_day`] as days since the epoch (orders in their own unit).
fn last_day<K>(i: &SignalInputs<'_, K>) -> Option<i64> {
    let u = i.unit;
    let mut days: Vec<i64> = Vec::new();
    if let Some(o) = &i.orders {
        days.extend(
            o.timestamps
                .iter()
                .filter(|&&t| t != i64::MIN)
                .map(|&t| o.unit.day_of(t))
                .max(),
        );
    }
    if let Some(f) = &i.feedback {
        days.extend(f.timestamps.iter().map(|&t| u.day_of(t)).max());
    }
    if let Some(c) = &i.contacts {
        days.extend(c.received.iter().map(|&t| u.day_of(t)).max());
        days.extend(c.resolved.iter().flatten().map(|&t| u.day_of(t)).max());
    }
    if let Some(d) = &i.deliveries {
        // Promised days may lie ahead: they are not observations.
        days.extend(d.delivered.iter().flatten().map(|&t| u.day_of(t)).max());
    }
    days.into_iter().max()
}
#[cfg(test)]
mod tests;
