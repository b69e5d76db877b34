//! What the signals report: per customer the signals with their reasons,
//! the risk, and where each table's rows went.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::churn::AnyModel;

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SignalKind {
    /// Later than the customer's own purchase rhythm.
    Overdue,
    /// A long pause of a customer without an own rhythm.
    Hiatus,
    /// A purchase model gives a low probability of still being active.
    LowPAlive,
    /// An at-risk RFM segment.
    RfmSegment,
    /// The last NPS answer is a detractor's.
    Detractor,
    /// The last NPS answer fell against the customer's own earlier answers.
    ScoreDrop,
    /// A support contact has been open for a while.
    OpenContact,
    /// Several contacts in a short time (the customer repeats themselves).
    RepeatContacts,
    /// Several recent deliveries were late.
    LateDeliveries,
}

impl SignalKind {
    /// Every kind, in order.
    pub const ALL: [SignalKind; 9] = [
        SignalKind::Overdue,
        SignalKind::Hiatus,
        SignalKind::LowPAlive,
        SignalKind::RfmSegment,
        SignalKind::Detractor,
        SignalKind::ScoreDrop,
        SignalKind::OpenContact,
        SignalKind::RepeatContacts,
        SignalKind::LateDeliveries,
    ];

    /// The kind's name, as in JSON (`"late_deliveries"`).
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Overdue => "overdue",
            SignalKind::Hiatus => "hiatus",
            SignalKind::LowPAlive => "low_p_alive",
            SignalKind::RfmSegment => "rfm_segment",
            SignalKind::Detractor => "detractor",
            SignalKind::ScoreDrop => "score_drop",
            SignalKind::OpenContact => "open_contact",
            SignalKind::RepeatContacts => "repeat_contacts",
            SignalKind::LateDeliveries => "late_deliveries",
        }
    }

    /// Whether the signal comes from behaviour (orders) rather than from
    /// experience (feedback, contacts, deliveries).
    pub fn is_behavioural(self) -> bool {
        matches!(
            self,
            SignalKind::Overdue | SignalKind::Hiatus | SignalKind::LowPAlive | SignalKind::RfmSegment
        )
    }
}

/// One signal of one customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Signal {
    /// What it is about.
    pub kind: SignalKind,
    /// 0.5 at the threshold, up to 0.9 (see the [module docs](crate::signals)).
    pub strength: f64,
    /// The reason in plain words.
    pub reason: String,
    /// The numbers behind it (days, ratios, counts, scores).
    pub evidence: BTreeMap<&'static str, f64>,
}

/// One term of a calibrated risk: how much a signal (or the purchase
/// model's forecast) moves the customer's log-odds of the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    /// A signal kind (`"overdue"`) or `"purchase_model"` (the model's
    /// probability of no order within the horizon, on the logit scale).
    pub feature: String,
    /// Coefficient × value: positive raises the risk.
    pub log_odds: f64,
}

/// A customer's signals and risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRisk<K> {
    /// The customer.
    pub customer: K,
    /// The risk the report ranks by: with a calibration
    /// ([`SignalOptions::calibration`](crate::signals::SignalOptions::calibration)), the
    /// probability of the calibrated outcome within its horizon; without,
    /// `risk_rules`.
    pub risk: f64,
    /// The uncalibrated rules: `1 − Π(1 − strength)`; 0 without signals.
    pub risk_rules: f64,
    /// Signals, strongest first (by contribution when calibrated).
    pub signals: Vec<Signal>,
    /// The terms of a calibrated risk, largest first (empty without a
    /// calibration; terms under 0.001 in log-odds left out); the
    /// calibration's intercept is the common baseline.
    pub contributions: Vec<Contribution>,
    /// The purchase model's probability of no order within
    /// [`SignalOptions::horizon_days`](crate::signals::SignalOptions::horizon_days).
    pub p_no_order: Option<f64>,
    /// Expected value over the next year (purchase model × gamma-gamma
    /// spend), when the orders have amounts.
    pub clv: Option<f64>,
    /// `risk × clv`: the value expected to be lost.
    pub value_at_risk: Option<f64>,
    /// Flagged at risk by the report's rule (see
    /// [`SignalReport::at_risk_rule`]); never for a lost customer.
    pub at_risk: bool,
    /// (x, tₓ, T) in days as of `as_of`, for the backtest.
    #[serde(skip)]
    pub(crate) summary: Option<[f64; 3]>,
    /// Orders (distinct days) up to `as_of`; 0 when the customer has none.
    pub orders: u32,
    /// Day of the last order.
    pub last_order: Option<NaiveDate>,
    /// Probability alive, when a purchase model was available.
    pub p_alive: Option<f64>,
    /// RFM segment, when there were orders.
    pub segment: Option<String>,
    /// No order for more than `lost_after_days` (see [`SignalOptions`](crate::signals::SignalOptions)).
    pub lost: bool,
}

/// Rows of one input table: given, used, and left out with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TableRows {
    /// Rows given.
    pub rows: usize,
    /// Rows used.
    pub used: usize,
    /// Rows dated after `as_of`, left out.
    pub after_as_of: usize,
    /// Rows without a value where one is needed (a feedback row with no
    /// NPS answer), left out.
    pub missing: usize,
}

/// The result of [`signals`](crate::signals::signals()).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalReport<K> {
    /// Every customer seen in any table, highest risk first.
    pub customers: Vec<CustomerRisk<K>>,
    /// The day signals were computed for.
    pub as_of: NaiveDate,
    /// Where the rows of each given table went (`orders`, `feedback`,
    /// `contacts`, `deliveries`).
    pub tables: BTreeMap<&'static str, TableRows>,
    /// Customers not lost with this signal, per kind.
    pub counts: BTreeMap<SignalKind, usize>,
    /// Customers counted as lost (see [`SignalOptions::lost_after_days`](crate::signals::SignalOptions::lost_after_days)).
    pub lost: usize,
    /// The purchase model behind `low_p_alive`, if any.
    pub model: Option<AnyModel>,
    /// Things the caller should know (a model fit that failed, a table
    /// without rows up to `as_of`).
    pub notes: Vec<String>,
    /// The at-risk threshold applied ([`SignalOptions::at_risk`](crate::signals::SignalOptions::at_risk)).
    pub at_risk_threshold: f64,
    /// Customers flagged at risk (`at_risk` of the customers).
    pub at_risk_count: usize,
    /// The rule that flagged them, in words (the threshold, the cost rule,
    /// the capacity).
    pub at_risk_rule: String,
    /// How `risk` was computed: `"calibrated"` or `"rules"`.
    pub risk_method: RiskMethod,
    /// What `risk` means, in words (and why the rules were used, when a
    /// calibration was asked for and could not be applied).
    pub risk_meaning: String,
    /// Expected value lost among the customers not lost, when values were
    /// computed.
    pub value_at_risk: Option<ValueAtRisk>,
}

/// How the risk was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskMethod {
    /// The hand-set signal strengths combined by a noisy-OR: a ranking, not
    /// a probability.
    Rules,
    /// A logistic calibration learnt by a backtest: a probability.
    Calibrated,
}

/// Σ risk × CLV over the customers not lost, with a 90 % interval that
/// treats each customer's outcome as an independent Bernoulli draw of
/// probability `risk` (normal approximation: ± 1.645·√Σ r(1 − r)·CLV²).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueAtRisk {
    /// Customers with a value.
    pub customers: usize,
    /// Σ risk × CLV.
    pub total: f64,
    /// Lower end of the 90 % interval (at least 0).
    pub low: f64,
    /// Upper end of the 90 % interval.
    pub high: f64,
    /// Σ CLV of the same customers.
    pub clv: f64,
    /// Σ risk × CLV per RFM segment.
    pub by_segment: BTreeMap<String, f64>,
}

impl<K> SignalReport<K> {
    /// Customers not lost whose risk is at least `threshold` (the report's
    /// own threshold is [`SignalReport::at_risk_threshold`]).
    pub fn at_risk(&self, threshold: f64) -> impl Iterator<Item = &CustomerRisk<K>> {
        self.customers
            .iter()
            .filter(move |c| !c.lost && c.risk >= threshold)
    }

    /// The customers the report flagged at risk (its rule:
    /// [`SignalReport::at_risk_rule`]), in ranking order.
    pub fn flagged(&self) -> impl Iterator<Item = &CustomerRisk<K>> {
        self.customers.iter().filter(|c| c.at_risk)
    }
}
