//! The scorecard: every measure cx has, computed from whichever of a shop's
//! four tables are given (orders, survey answers, support contacts,
//! deliveries), with the rows behind each number accounted for. What the
//! `cx report` command renders as HTML, text or JSON, and what Python
//! (`cx.scorecard`) and JavaScript (`scorecard`) return: one computation,
//! one serde value.
//!
//! Every table is read up to the report day ([`ScorecardOptions::as_of`],
//! default the last observed day); later rows are left out and counted.
//!
//! # Examples
//! ```
//! use cx::scorecard::{scorecard, DeliveryRows, ScorecardOptions, ShopTables};
//! use cx::time::TimeUnit;
//! let customers = ["a".to_string(), "b".to_string()];
//! let tables = ShopTables {
//!     deliveries: Some(DeliveryRows { customers: &customers, promised: &[19_800, 19_801],
//!                                     delivered: &[Some(19_800), Some(19_803)], carriers: None }),
//!     ..ShopTables::new(TimeUnit::Days)
//! };
//! let s = scorecard(&tables, &ScorecardOptions::default())?;
//! let d = s.promise.unwrap().delivery.unwrap();
//! assert_eq!(d.on_time.unwrap().successes, 1);
//! assert_eq!(s.tables[0].used, 2);
//! # Ok::<(), cx::CxError>(())
//! ```

mod operations;
mod risk;
mod survey;

use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::churn::AnyModel;
use crate::error::{CxError, Result};
use crate::gaps::{AnswerTimes, Delivery, FcrResult, Ipa, KeyDrivers, Keyed, RepeatContacts, Servqual};
use crate::retention::{Cohort, StoreSummary, Transactions};
use crate::signals::{
    CustomerRisk, Holdout, RiskCalibration, RiskMethod, SignalKind, SignalOptions, ValueAtRisk,
};
use crate::survey::{Comparison, Csat, Nps};
use crate::time::TimeUnit;

/// Survey answers: one row per response, with an NPS answer (0–10), a CSAT
/// answer (1–5) and touchpoint ratings (1–7), any of them `NaN` when not
/// answered.
#[derive(Debug, Clone)]
pub struct SurveyRows<'a, K> {
    /// Customer of each response.
    pub customers: &'a [K],
    /// When each response was given.
    pub timestamps: &'a [i64],
    /// NPS answers.
    pub nps: Option<&'a [f64]>,
    /// CSAT answers.
    pub csat: Option<&'a [f64]>,
    /// Expected and perceived ratings per touchpoint (SERVQUAL gaps).
    pub touchpoints: Vec<Touchpoint<'a>>,
}

/// The expected and perceived ratings (1–7) of one touchpoint.
#[derive(Debug, Clone)]
pub struct Touchpoint<'a> {
    /// The touchpoint's name (delivery, checkout, …).
    pub name: String,
    /// What the respondent expected.
    pub expected: &'a [f64],
    /// What the respondent experienced.
    pub perceived: &'a [f64],
}

/// Support contacts.
#[derive(Debug, Clone, Copy)]
pub struct ContactRows<'a, K> {
    /// Customer of each contact.
    pub customers: &'a [K],
    /// When it was received.
    pub received: &'a [i64],
    /// When it was first answered (`None`: not yet).
    pub answered: Option<&'a [Option<i64>]>,
    /// When it was resolved (`None`: open).
    pub resolved: Option<&'a [Option<i64>]>,
    /// Channel of each contact.
    pub channels: Option<&'a [String]>,
    /// Case (ticket) of each contact.
    pub cases: Option<&'a [String]>,
}

/// Deliveries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryRows<'a, K> {
    /// Customer of each delivery.
    pub customers: &'a [K],
    /// Promised time.
    pub promised: &'a [i64],
    /// Actual delivery (`None`: pending).
    pub delivered: &'a [Option<i64>],
    /// Carrier of each delivery.
    pub carriers: Option<&'a [String]>,
}

/// The tables of a shop; give any of them. All times share `unit`.
#[derive(Debug, Clone)]
pub struct ShopTables<'a, K> {
    /// Orders (customer, time, amount).
    pub orders: Option<Transactions<'a, K>>,
    /// Survey answers.
    pub feedback: Option<SurveyRows<'a, K>>,
    /// Support contacts.
    pub contacts: Option<ContactRows<'a, K>>,
    /// Deliveries.
    pub deliveries: Option<DeliveryRows<'a, K>>,
    /// Unit of every time (orders use their own `unit`).
    pub unit: TimeUnit,
}

impl<K> ShopTables<'_, K> {
    /// No tables yet.
    pub fn new(unit: TimeUnit) -> Self {
        ShopTables {
            orders: None,
            feedback: None,
            contacts: None,
            deliveries: None,
            unit,
        }
    }
}

/// Options of [`scorecard`]. In JSON every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScorecardOptions {
    /// The report day; default: the last observed day in any table.
    pub as_of: Option<NaiveDate>,
    /// Confidence level of every interval; 0.95.
    pub level: f64,
    /// Service level of answer times in hours; 24.
    pub service_level_hours: f64,
    /// Customers listed in the at-risk table; 25.
    pub top: usize,
    /// Thresholds of the churn signals (their `as_of` is the report day).
    pub signals: SignalOptions,
    /// Calibrate the churn risk by a backtest on the shop's own orders up
    /// to the report day (4 cut-offs, `signals.horizon_days` apart), unless
    /// `signals.calibration` is given; on by default. When the history is
    /// too short, the risk stays the rules and the section says why.
    pub calibrate: bool,
}

impl Default for ScorecardOptions {
    fn default() -> Self {
        ScorecardOptions {
            as_of: None,
            level: 0.95,
            service_level_hours: 24.0,
            top: 25,
            signals: SignalOptions::default(),
            calibrate: true,
        }
    }
}

/// How many rows of a table the scorecard used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableUse {
    /// `orders`, `feedback`, `contacts` or `deliveries`.
    pub table: String,
    /// Rows given.
    pub rows: usize,
    /// Rows used.
    pub used: usize,
    /// Rows after the report day, left out.
    pub after_as_of: usize,
    /// Survey rows without an NPS answer.
    pub without_answer: usize,
}

/// A point of a monthly trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    /// First day of the month.
    pub period: NaiveDate,
    /// Answers in the month.
    pub n: u64,
    /// The score (NPS points, CSAT share in percent).
    pub score: f64,
    /// Lower end of its interval.
    pub ci_low: f64,
    /// Upper end.
    pub ci_high: f64,
}

/// Survey scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SurveySection {
    /// NPS of every answer up to the report day.
    pub nps: Nps,
    /// NPS per month.
    pub nps_trend: Vec<TrendPoint>,
    /// CSAT, when answered.
    pub csat: Option<Csat>,
    /// CSAT satisfied share per month, in percent.
    pub csat_trend: Vec<TrendPoint>,
    /// What changed lately: the last month against the one before, and the
    /// control charts' alarms.
    pub watch: Option<Watch>,
}

/// What changed lately in the survey answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Watch {
    /// The NPS of the last month against the month before.
    pub nps_change: Option<MonthChange>,
    /// Alarms of the EWMA charts in the last three months.
    pub alarms: Vec<Alarm>,
    /// The charts watched (NPS, CSAT, each touchpoint's rating).
    pub charts: Vec<String>,
    /// How the changes and alarms were found.
    pub method: String,
}

/// A month against the one before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthChange {
    /// The earlier month.
    pub from: NaiveDate,
    /// The later month.
    pub to: NaiveDate,
    /// The difference `to − from` with its interval and p-value.
    pub comparison: Comparison,
}

/// A control-chart alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    /// `NPS`, `CSAT %` or `touchpoint <name>`.
    pub chart: String,
    /// The month of the alarm.
    pub period: NaiveDate,
    /// `up` or `down`.
    pub direction: String,
    /// The month's value.
    pub value: f64,
    /// The chart's in-control target.
    pub target: f64,
    /// The estimated shift of the level (EWMA z − target).
    pub shift: f64,
}

/// Expectation gaps per touchpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapSection {
    /// The touchpoints, in the order of the SERVQUAL items.
    pub touchpoints: Vec<String>,
    /// Expected vs perceived per touchpoint.
    pub servqual: Servqual,
    /// Importance (correlation with the NPS answer) against performance.
    pub ipa: Option<Ipa>,
    /// The key drivers of the NPS answer among the touchpoints' ratings
    /// (relative weights and Shapley values with bootstrap intervals), when
    /// enough respondents rated every touchpoint.
    pub drivers: Option<KeyDrivers>,
}

/// Repeat purchase and retention.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetentionSection {
    /// The store's repeat-purchase summary.
    pub store: StoreSummary,
    /// The last twelve monthly cohorts.
    pub cohorts: Vec<Cohort>,
    /// Customers per RFM segment, largest first.
    pub segments: Vec<(String, usize)>,
}

/// Promise gaps from operations data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromiseSection {
    /// Deliveries against the promise.
    pub delivery: Option<Delivery>,
    /// The same per carrier.
    pub by_carrier: Vec<Keyed<String, Delivery>>,
    /// Answer times against the service level.
    pub answer_times: Option<AnswerTimes>,
    /// The same per channel.
    pub by_channel: Vec<Keyed<String, AnswerTimes>>,
    /// First-contact resolution.
    pub first_contact_resolution: Option<FcrResult>,
    /// Customers contacting again.
    pub repeat_contacts: Option<RepeatContacts<String>>,
}

/// The purchase model behind P(alive).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSection {
    /// The model (fitted to the orders, or given in the signal options).
    pub model: AnyModel,
    /// Customers with a P(alive).
    pub customers: usize,
    /// Customers per tenth of P(alive) (0–0.1, …, 0.9–1).
    pub p_alive_bins: Vec<usize>,
    /// Σ P(alive): the customers expected to be still active.
    pub expected_active: f64,
}

/// Churn risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskSection<K> {
    /// Customers seen in any table.
    pub customers: usize,
    /// Customers not lost with a risk of at least the threshold.
    pub at_risk: usize,
    /// Customers counted as lost.
    pub lost: usize,
    /// The at-risk threshold.
    pub threshold: f64,
    /// Customers not lost per signal kind.
    pub counts: Vec<(SignalKind, usize)>,
    /// The highest risks (not lost), with their signals.
    pub top: Vec<CustomerRisk<K>>,
    /// The rule that flags customers at risk, in words.
    pub rule: String,
    /// How the risk was computed.
    pub method: RiskMethod,
    /// What the risk means, in words.
    pub meaning: String,
    /// The backtest behind a calibration made for the report.
    pub backtest: Option<BacktestSummary>,
    /// Expected value lost, when the orders have amounts.
    pub value_at_risk: Option<ValueAtRisk>,
}

/// The backtest behind the report's calibrated risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BacktestSummary {
    /// The cut-off days.
    pub cutoffs: Vec<NaiveDate>,
    /// The horizon in days.
    pub horizon_days: f64,
    /// Customers judged at the last cut-off and the share with the outcome.
    pub customers: usize,
    /// Share of them without an order in the horizon.
    pub base_rate: f64,
    /// AUC at the last cut-off per score (`calibrated`, `risk_rules`,
    /// `p_no_order`, `days_since_last_order`).
    pub auc: Vec<(String, f64)>,
    /// The out-of-time check at the last cut-off.
    pub holdout: Option<Holdout>,
    /// The calibration applied.
    pub calibration: RiskCalibration,
}

/// Everything [`scorecard`] computes; sections are `None` when their table
/// was not given or had no rows up to the report day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard<K> {
    /// The report day.
    pub as_of: NaiveDate,
    /// Rows given and used per table, in the order orders, feedback,
    /// contacts, deliveries.
    pub tables: Vec<TableUse>,
    /// Survey scores.
    pub survey: Option<SurveySection>,
    /// Expectation gaps.
    pub gaps: Option<GapSection>,
    /// Repeat purchase and retention.
    pub retention: Option<RetentionSection>,
    /// Promise gaps.
    pub promise: Option<PromiseSection>,
    /// The purchase model.
    pub model: Option<ModelSection>,
    /// Churn risk.
    pub risk: Option<RiskSection<K>>,
    /// What the reader should know (a section not computed and why).
    pub notes: Vec<String>,
}

/// Computes the scorecard of a shop.
///
/// # Errors
/// [`CxError::Empty`] when no table has a dated row; [`CxError::InvalidParameter`]
/// for a bad option; the errors of the measures, naming the table and
/// column (`feedback.nps`, `contacts.answered`, …) and the row.
pub fn scorecard<K: Hash + Eq + Ord + Clone + Sync>(
    tables: &ShopTables<'_, K>,
    options: &ScorecardOptions,
) -> Result<Scorecard<K>> {
    if !(options.service_level_hours.is_finite() && options.service_level_hours > 0.0) {
        return Err(CxError::invalid(
            "service_level_hours",
            options.service_level_hours,
            "a positive number of hours",
        ));
    }
    let stand_ins = risk::StandIns::of(tables);
    let si = risk::signal_inputs(tables, &stand_ins);
    let as_of = match options.as_of {
        Some(d) => d,
        None => crate::signals::last_observed_day(&si).ok_or(CxError::Empty { argument: "tables" })?,
    };
    let cutoff = crate::time::day_of_date(as_of);
    let mut notes = Vec::new();
    let mut card = Scorecard {
        as_of,
        tables: Vec::new(),
        survey: None,
        gaps: None,
        retention: None,
        promise: None,
        model: None,
        risk: None,
        notes: Vec::new(),
    };
    if let Some(o) = &tables.orders {
        let (section, used) = operations::orders(o, as_of, options)?;
        card.retention = section;
        card.tables.push(used);
    }
    if let Some(f) = &tables.feedback {
        let (survey, gaps, used) = survey::sections(f, tables.unit, cutoff, options, &mut notes)?;
        card.survey = survey;
        card.gaps = gaps;
        card.tables.push(used);
    }
    card.promise = operations::promise(tables, cutoff, options, &mut card.tables)?;
    let (model, risk) = risk::sections(&si, as_of, options, &mut notes)?;
    card.model = model;
    card.risk = risk;
    card.notes = notes;
    // Orders first, then the experience tables, whatever order they were read in.
    let rank = |t: &str| {
        ["orders", "feedback", "contacts", "deliveries"]
            .iter()
            .position(|x| *x == t)
    };
    card.tables.sort_by_key(|t| rank(&t.table));
    Ok(card)
}

/// [`backtest`](crate::signals::backtest()) of the churn signals on a shop's
/// tables (as the scorecard reads them).
///
/// # Errors
/// As [`crate::signals::backtest()`].
pub fn backtest<K: Hash + Eq + Ord + Clone + Sync>(
    tables: &ShopTables<'_, K>,
    options: &crate::signals::BacktestOptions,
) -> Result<crate::signals::Backtest> {
    let stand_ins = risk::StandIns::of(tables);
    let si = risk::signal_inputs(tables, &stand_ins);
    crate::signals::backtest(&si, options)
}

fn trend_point(period: Option<NaiveDate>, n: u64, score: f64, lo: f64, hi: f64) -> Option<TrendPoint> {
    Some(TrendPoint {
        period: period?,
        n,
        score,
        ci_low: lo,
        ci_high: hi,
    })
}

/// `rows` of a table with `used` and `after_as_of` filled in.
fn table_use(table: &str, rows: usize, used: usize) -> TableUse {
    TableUse {
        table: table.into(),
        rows,
        used,
        after_as_of: rows - used,
        without_answer: 0,
    }
}
