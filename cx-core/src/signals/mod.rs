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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::Hash;

use foldhash::fast::RandomState;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::churn::{AnyModel, BetaGeo, CustomerData, FitOptions};
use crate::error::{CxError, Result};
use crate::retention::{
    PurchaseOptions, Purchases, RfmOptions, SummaryOptions, Transactions, cadence, rfm,
    summary_from_purchases,
};
use crate::time::{TimeBucket, TimeUnit, date_of_day, day_of_date};

/// NPS answers (0–10) of customers. `NaN` scores (a survey row without an
/// NPS answer) are skipped and counted. Of two answers given at the same
/// time, the lower counts as the later one.
#[derive(Debug, Clone, Copy)]
pub struct Feedback<'a, K> {
    /// Customer of each answer.
    pub customers: &'a [K],
    /// When each answer was given (`unit` since the epoch).
    pub timestamps: &'a [i64],
    /// The answer, 0–10.
    pub scores: &'a [f64],
}

/// Support contacts: when each was received and, if it was, resolved.
#[derive(Debug, Clone, Copy)]
pub struct Contacts<'a, K> {
    /// Customer of each contact.
    pub customers: &'a [K],
    /// When each contact was received.
    pub received: &'a [i64],
    /// When it was resolved; `None` while open.
    pub resolved: &'a [Option<i64>],
    /// Channel of each contact (email, phone, chat …), if known.
    pub channels: Option<&'a [String]>,
    /// Case (ticket) of each contact, if known: then a contact is open only
    /// while no contact of its case has been resolved.
    pub cases: Option<&'a [String]>,
}

/// Deliveries: the promised day and, once delivered, the actual one.
#[derive(Debug, Clone, Copy)]
pub struct Deliveries<'a, K> {
    /// Customer of each delivery.
    pub customers: &'a [K],
    /// Promised time.
    pub promised: &'a [i64],
    /// Actual delivery; `None` while pending.
    pub delivered: &'a [Option<i64>],
}

/// The tables [`signals`] reads; give any non-empty subset. All
/// timestamps share `unit`.
#[derive(Debug, Clone, Copy)]
pub struct SignalInputs<'a, K> {
    /// Orders (customer, time, optional amount).
    pub orders: Option<Transactions<'a, K>>,
    /// NPS answers.
    pub feedback: Option<Feedback<'a, K>>,
    /// Support contacts.
    pub contacts: Option<Contacts<'a, K>>,
    /// Deliveries.
    pub deliveries: Option<Deliveries<'a, K>>,
    /// Unit of every timestamp (orders use their own `unit` field).
    pub unit: TimeUnit,
}

/// Thresholds of the signals (see the [module docs](self)). In JSON every
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
    /// [`SignalReport::at_risk`]. `None` never calls a customer lost.
    pub lost_after_days: Option<f64>,
    /// Risk from which a customer not lost counts as at risk
    /// ([`SignalReport::at_risk_count`], the report's at-risk list); 0.7
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
        }
    }
}

impl SignalOptions {
    fn check(&self) -> Result<()> {
        let positive = [
            ("overdue_ratio", self.overdue_ratio),
            ("hiatus_days", self.hiatus_days),
            ("contact_window_days", self.contact_window_days),
            ("score_drop", self.score_drop),
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
        if let Some(m) = &self.model {
            // Deserialized models are not yet checked: check them as a load would.
            AnyModel::from_json(&m.to_json())?;
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
        Ok(())
    }
}

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
    /// 0.5 at the threshold, up to 0.9 (see the [module docs](self)).
    pub strength: f64,
    /// The reason in plain words.
    pub reason: String,
    /// The numbers behind it (days, ratios, counts, scores).
    pub evidence: BTreeMap<&'static str, f64>,
}

/// A customer's signals and risk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRisk<K> {
    /// The customer.
    pub customer: K,
    /// `1 − Π(1 − strength)`; 0 without signals.
    pub risk: f64,
    /// Signals, strongest first.
    pub signals: Vec<Signal>,
    /// Orders (distinct days) up to `as_of`; 0 when the customer has none.
    pub orders: u32,
    /// Day of the last order.
    pub last_order: Option<NaiveDate>,
    /// Probability alive, when a purchase model was available.
    pub p_alive: Option<f64>,
    /// RFM segment, when there were orders.
    pub segment: Option<String>,
    /// No order for more than `lost_after_days` (see [`SignalOptions`]).
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

/// The result of [`signals`].
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
    /// Customers counted as lost (see [`SignalOptions::lost_after_days`]).
    pub lost: usize,
    /// The purchase model behind `low_p_alive`, if any.
    pub model: Option<AnyModel>,
    /// Things the caller should know (a model fit that failed, a table
    /// without rows up to `as_of`).
    pub notes: Vec<String>,
    /// The at-risk threshold applied ([`SignalOptions::at_risk`]).
    pub at_risk_threshold: f64,
    /// Customers not lost whose risk is at least the threshold.
    pub at_risk_count: usize,
}

impl<K> SignalReport<K> {
    /// Customers not lost whose risk is at least `threshold` (the report's
    /// own threshold is [`SignalReport::at_risk_threshold`]).
    pub fn at_risk(&self, threshold: f64) -> impl Iterator<Item = &CustomerRisk<K>> {
        self.customers
            .iter()
            .filter(move |c| !c.lost && c.risk >= threshold)
    }
}

/// Strength of a signal: 0.5 at `at`, rising linearly to 0.9 at `full`.
fn ramp(x: f64, at: f64, full: f64) -> f64 {
    let t = if full > at { (x - at) / (full - at) } else { 1.0 };
    0.5 + 0.4 * t.clamp(0.0, 1.0)
}

fn signal(kind: SignalKind, strength: f64, reason: String, evidence: &[(&'static str, f64)]) -> Signal {
    Signal {
        kind,
        strength,
        reason,
        evidence: evidence.iter().copied().collect(),
    }
}

/// `1, 2 and 3`.
fn and_list<T: std::fmt::Display>(items: &[T]) -> String {
    let s: Vec<String> = items.iter().map(ToString::to_string).collect();
    match s.len() {
        0 => String::new(),
        1 => s[0].clone(),
        n => format!("{} and {}", s[..n - 1].join(", "), s[n - 1]),
    }
}

fn plural(n: impl Into<f64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", n, if n == 1.0 { one } else { many })
}

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
/// [`Purchases::from_transactions`] for the orders.
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
    Ok(b.finish(as_of, options.at_risk))
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

/// A delivery that was due: (customer, promised, days late or `None` when
/// on time, still pending).
type Due = (usize, i64, Option<f64>, bool);

/// Collects signals per customer while the tables are read.
struct Builder<K> {
    as_of: i64,
    /// Each customer's position in `customers` (hashing once per row).
    index: HashMap<K, usize, RandomState>,
    customers: Vec<CustomerRisk<K>>,
    tables: BTreeMap<&'static str, TableRows>,
    model: Option<AnyModel>,
    notes: Vec<String>,
}

impl<K: Hash + Eq + Ord + Clone> Builder<K> {
    fn new(as_of: i64) -> Self {
        Builder {
            as_of,
            index: HashMap::default(),
            customers: Vec::new(),
            tables: BTreeMap::new(),
            model: None,
            notes: Vec::new(),
        }
    }

    /// The position of customer `k`, adding the customer when new.
    fn id(&mut self, k: &K) -> usize {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        let i = self.customers.len();
        self.index.insert(k.clone(), i);
        self.customers.push(CustomerRisk {
            customer: k.clone(),
            risk: 0.0,
            signals: Vec::new(),
            orders: 0,
            last_order: None,
            p_alive: None,
            segment: None,
            lost: false,
        });
        i
    }

    fn entry(&mut self, k: &K) -> &mut CustomerRisk<K> {
        let i = self.id(k);
        &mut self.customers[i]
    }

    fn push(&mut self, k: &K, s: Signal) {
        self.entry(k).signals.push(s);
    }

    fn orders(&mut self, o: &Transactions<'_, K>, options: &SignalOptions) -> Result<()> {
        let end = date_of_day(self.as_of);
        let before = o
            .timestamps
            .iter()
            .filter(|&&t| t != i64::MIN && o.unit.day_of(t) <= self.as_of)
            .count();
        if before == 0 {
            // Every order lies after as_of: nothing to judge, but say so.
            self.tables.insert(
                "orders",
                TableRows {
                    rows: o.customers.len(),
                    used: 0,
                    after_as_of: o.customers.len(),
                    missing: 0,
                },
            );
            self.notes
                .push("no order on or before as_of: order signals are not computed".into());
            return Ok(());
        }
        let p = Purchases::from_transactions(
            o,
            &PurchaseOptions {
                bucket: Some(TimeBucket::Day),
                observation_end: end,
                allow_negative_amounts: true,
            },
        )?;
        self.tables.insert(
            "orders",
            TableRows {
                rows: p.report.rows,
                used: p.report.used,
                after_as_of: p.report.after_end,
                missing: 0,
            },
        );
        let c = cadence(&p, end)?;
        let r = rfm(
            &p,
            &RfmOptions {
                as_of: end,
                ..RfmOptions::default()
            },
        )?;
        // The purchases are not needed after this: the summary takes them over.
        let p_alive = self.p_alive(p, options);
        for i in 0..c.customers.len() {
            let k = &c.customers[i];
            let since = c.days_since[i] as f64;
            let orders = c.purchases[i];
            let e = self.entry(k);
            e.orders = orders;
            e.last_order = Some(c.last_purchase[i]);
            e.segment = Some(r.segment[i].clone());
            e.p_alive = p_alive.as_ref().map(|(v, _)| v[i]);
            e.lost = options.lost_after_days.is_some_and(|d| since > d);
            if orders >= options.min_orders_for_cadence {
                if let (Some(ratio), Some(mean)) = (c.overdue_ratio[i], c.mean_interval[i])
                    && ratio >= options.overdue_ratio
                {
                    let s = ramp(ratio, options.overdue_ratio, 2.0 * options.overdue_ratio);
                    let reason = format!("no order for {since} days against a usual {}", mean.round());
                    self.push(
                        k,
                        signal(
                            SignalKind::Overdue,
                            s,
                            reason,
                            &[("days_since", since), ("mean_interval", mean), ("ratio", ratio)],
                        ),
                    );
                }
            } else if since >= options.hiatus_days {
                let s = ramp(since, options.hiatus_days, 2.0 * options.hiatus_days);
                let reason = if orders == 1 {
                    format!("one order only, {since} days ago")
                } else {
                    format!("{orders} orders, the last {since} days ago")
                };
                self.push(
                    k,
                    signal(
                        SignalKind::Hiatus,
                        s,
                        reason,
                        &[("days_since", since), ("orders", orders.into())],
                    ),
                );
            }
            if let Some((v, name)) = &p_alive
                && v[i] < options.p_alive_below
            {
                let s = ramp(options.p_alive_below - v[i], 0.0, options.p_alive_below);
                let reason = format!("probability still active {:.0}% ({name})", 100.0 * v[i]);
                self.push(k, signal(SignalKind::LowPAlive, s, reason, &[("p_alive", v[i])]));
            }
            if options.rfm_segments.iter().any(|s| *s == r.segment[i]) {
                let reason = format!("RFM segment \"{}\" (R {}, F {})", r.segment[i], r.r[i], r.f[i]);
                self.push(
                    k,
                    signal(
                        SignalKind::RfmSegment,
                        options.rfm_strength,
                        reason,
                        &[("r", r.r[i].into()), ("f", r.f[i].into()), ("m", r.m[i].into())],
                    ),
                );
            }
        }
        Ok(())
    }

    /// P(alive) of every customer of `p` from the given model or a BG/NBD
    /// fit on the daily summary, with the model's name.
    fn p_alive(&mut self, p: Purchases<K>, options: &SignalOptions) -> Option<(Vec<f64>, &'static str)> {
        if options.model.is_none() && !options.fit_model {
            return None;
        }
        let s = summary_from_purchases(p, &SummaryOptions::default());
        let x: Vec<f64> = s.frequency.iter().map(|&f| f64::from(f)).collect();
        let data = CustomerData {
            frequency: &x,
            recency: &s.recency,
            t: &s.t,
        };
        let model = match &options.model {
            Some(m) => m.clone(),
            None if options.fit_model => match BetaGeo::fit(&data, &FitOptions::default()) {
                Ok(m) => AnyModel::BgNbd(m),
                Err(e) => {
                    self.notes.push(format!(
                        "BG/NBD could not be fitted to the orders ({e}): low_p_alive is not computed"
                    ));
                    return None;
                }
            },
            None => return None,
        };
        let Some(pm) = model.purchase_model() else {
            self.notes
                .push("the model given is not a purchase model: low_p_alive is not computed".into());
            return None;
        };
        let v: Vec<f64> = (0..s.len())
            .map(|i| pm.probability_alive(x[i], s.recency[i], s.t[i]))
            .collect();
        let name = crate::churn::model_name(&model);
        self.model = Some(model);
        Some((v, name))
    }

    fn feedback(&mut self, f: &Feedback<'_, K>, unit: TimeUnit, options: &SignalOptions) -> Result<()> {
        let mut rows = TableRows {
            rows: f.customers.len(),
            ..TableRows::default()
        };
        // (customer, time, score) of the answers up to as_of, grouped by a sort.
        let mut answers: Vec<(usize, i64, f64)> = Vec::with_capacity(f.customers.len());
        for (i, (&t, &s)) in f.timestamps.iter().zip(f.scores).enumerate() {
            if s.is_nan() {
                rows.missing += 1;
                self.id(&f.customers[i]);
                continue;
            }
            if !(0.0..=10.0).contains(&s) || s.fract() != 0.0 {
                return Err(CxError::OutOfRange {
                    argument: "feedback.scores",
                    index: i,
                    value: s.to_string(),
                    allowed: "whole numbers 0..=10 (NaN for no answer)".into(),
                });
            }
            if unit.day_of(t) > self.as_of {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            answers.push((self.id(&f.customers[i]), t, s));
        }
        self.tables.insert("feedback", rows);
        // Answers given at the same time: the lower score counts as the
        // later one, so that the result does not depend on row order.
        answers.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.total_cmp(&a.2)));
        for group in answers.chunk_by(|a, b| a.0 == b.0) {
            let id = group[0].0;
            let last = group[group.len() - 1].2;
            let earlier: Vec<f64> = group[..group.len() - 1].iter().map(|a| a.2).collect();
            let out = &mut self.customers[id].signals;
            if last <= options.detractor_max {
                let s = ramp(options.detractor_max - last, 0.0, options.detractor_max);
                out.push(signal(
                    SignalKind::Detractor,
                    s,
                    format!("last NPS answer {last} (detractor)"),
                    &[("score", last)],
                ));
            }
            if !earlier.is_empty() {
                let mean = earlier.iter().sum::<f64>() / earlier.len() as f64;
                let drop = mean - last;
                if drop >= options.score_drop {
                    let s = ramp(drop, options.score_drop, 2.0 * options.score_drop);
                    let reason = if earlier.len() <= 3 {
                        format!("last NPS answer {last} after {}", and_list(&earlier))
                    } else {
                        format!(
                            "last NPS answer {last} after an average of {mean:.1} over {} answers",
                            earlier.len()
                        )
                    };
                    out.push(signal(
                        SignalKind::ScoreDrop,
                        s,
                        reason,
                        &[
                            ("score", last),
                            ("earlier_mean", mean),
                            ("earlier_answers", earlier.len() as f64),
                        ],
                    ));
                }
            }
        }
        Ok(())
    }

    fn contacts(&mut self, c: &Contacts<'_, K>, unit: TimeUnit, options: &SignalOptions) -> Result<()> {
        let mut rows = TableRows {
            rows: c.customers.len(),
            ..TableRows::default()
        };
        let per_day = unit.per_day() as f64;
        let as_of_end = (self.as_of + 1) as f64 * per_day;
        let window_start = as_of_end - options.contact_window_days * per_day;
        // (customer, age in days, row) of open contacts and (customer, row)
        // of the contacts in the window, grouped by a sort.
        let mut open: Vec<(usize, f64, usize)> = Vec::new();
        let mut recent: Vec<(usize, usize)> = Vec::new();
        // Cases resolved by as_of (by any of their contacts).
        let closed: HashSet<&str, RandomState> = match c.cases {
            Some(cases) => c
                .resolved
                .iter()
                .zip(cases)
                .filter(|(r, _)| r.is_some_and(|d| unit.day_of(d) <= self.as_of))
                .map(|(_, k)| k.as_str())
                .collect(),
            None => HashSet::default(),
        };
        let channel = |i: usize| c.channels.map(|ch| ch[i].as_str());
        for (i, (&received, &resolved)) in c.received.iter().zip(c.resolved).enumerate() {
            if let Some(done) = resolved
                && done < received
            {
                return Err(CxError::OutOfRange {
                    argument: "contacts.resolved",
                    index: i,
                    value: done.to_string(),
                    allowed: format!("a time on or after the contact was received ({received})"),
                });
            }
            if unit.day_of(received) > self.as_of {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let id = self.id(&c.customers[i]);
            let case_closed = c.cases.is_some_and(|cs| closed.contains(cs[i].as_str()));
            if !case_closed && resolved.is_none_or(|d| unit.day_of(d) > self.as_of) {
                open.push((id, (self.as_of - unit.day_of(received)) as f64, i));
            }
            if received as f64 >= window_start {
                recent.push((id, i));
            }
        }
        self.tables.insert("contacts", rows);
        // The oldest open contact first; among equally old ones the first
        // channel by name, so that row order does not matter.
        open.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(channel(a.2).cmp(&channel(b.2)))
        });
        for group in open.chunk_by(|a, b| a.0 == b.0) {
            let (id, age, i) = group[0];
            if age >= options.open_contact_days {
                let s = ramp(
                    age,
                    options.open_contact_days,
                    4.0 * options.open_contact_days.max(1.0),
                );
                let mut reason = format!("contact open for {}", plural(age, "day", "days"));
                if let Some(ch) = channel(i) {
                    reason.push_str(&format!(" ({ch})"));
                }
                self.customers[id].signals.push(signal(
                    SignalKind::OpenContact,
                    s,
                    reason,
                    &[("days_open", age)],
                ));
            }
        }
        recent.sort_unstable();
        for group in recent.chunk_by(|a, b| a.0 == b.0) {
            let n = group.len() as u32;
            if n >= options.repeat_contacts {
                let mut chans: Vec<&str> = group.iter().filter_map(|&(_, i)| channel(i)).collect();
                chans.sort_unstable();
                chans.dedup();
                let s = ramp(
                    n.into(),
                    options.repeat_contacts.into(),
                    (2 * options.repeat_contacts).into(),
                );
                let mut reason = format!("{n} contacts in {} days", options.contact_window_days);
                if !chans.is_empty() {
                    reason.push_str(&format!(
                        " on {} ({})",
                        plural(chans.len() as f64, "channel", "channels"),
                        chans.join(", ")
                    ));
                }
                self.customers[group[0].0].signals.push(signal(
                    SignalKind::RepeatContacts,
                    s,
                    reason,
                    &[("contacts", n.into()), ("channels", chans.len() as f64)],
                ));
            }
        }
        Ok(())
    }

    fn deliveries(&mut self, d: &Deliveries<'_, K>, unit: TimeUnit, options: &SignalOptions) -> Result<()> {
        let mut rows = TableRows {
            rows: d.customers.len(),
            ..TableRows::default()
        };
        let grace = options.late_grace_days;
        let mut due: Vec<Due> = Vec::with_capacity(d.customers.len());
        for (i, (&promised, &delivered)) in d.promised.iter().zip(d.delivered).enumerate() {
            let day = unit.day_of(promised);
            if day > self.as_of {
                // Not due yet: cannot be late.
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let arrived = delivered.filter(|&t| unit.day_of(t) <= self.as_of);
            let (late_by, pending) = match arrived {
                Some(t) => (crate::gaps::days_late(unit, promised, t) as f64, false),
                None => ((self.as_of - day) as f64, true),
            };
            let late = (late_by > grace).then_some(late_by);
            due.push((self.id(&d.customers[i]), promised, late, pending));
        }
        self.tables.insert("deliveries", rows);
        // Same promised time: order by lateness, so that row order does not matter.
        due.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(
                    a.2.unwrap_or(f64::NEG_INFINITY)
                        .total_cmp(&b.2.unwrap_or(f64::NEG_INFINITY)),
                )
                .then(a.3.cmp(&b.3))
        });
        for group in due.chunk_by(|a, b| a.0 == b.0) {
            let last = &group[group.len().saturating_sub(options.late_last as usize)..];
            let late: Vec<f64> = last.iter().filter_map(|x| x.2).collect();
            if late.len() as u32 >= options.late_min {
                let pending = last.iter().filter(|x| x.2.is_some() && x.3).count();
                let s = ramp(
                    late.len() as f64,
                    options.late_min.into(),
                    last.len().max(1) as f64,
                );
                let mut reason = format!(
                    "{} of the last {} deliveries late (by {} days)",
                    late.len(),
                    last.len(),
                    and_list(&late)
                );
                if pending > 0 {
                    reason.push_str(&format!(", {pending} still not delivered"));
                }
                self.customers[group[0].0].signals.push(signal(
                    SignalKind::LateDeliveries,
                    s,
                    reason,
                    &[
                        ("late", late.len() as f64),
                        ("of", last.len() as f64),
                        ("max_days_late", late.iter().fold(0.0, |a: f64, &b| a.max(b))),
                        ("pending", pending as f64),
                    ],
                ));
            }
        }
        Ok(())
    }

    fn finish(self, as_of: NaiveDate, at_risk: f64) -> SignalReport<K> {
        let mut counts = BTreeMap::new();
        let mut customers: Vec<CustomerRisk<K>> = self
            .customers
            .into_iter()
            .map(|mut c| {
                c.signals
                    .sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.kind.cmp(&b.kind)));
                c.risk = 1.0 - c.signals.iter().map(|s| 1.0 - s.strength).product::<f64>();
                if !c.lost {
                    for s in &c.signals {
                        *counts.entry(s.kind).or_insert(0) += 1;
                    }
                }
                c
            })
            .collect();
        // Not lost first, then by risk; equal risks in ascending key order.
        customers.sort_unstable_by(|a, b| {
            a.lost
                .cmp(&b.lost)
                .then(b.risk.total_cmp(&a.risk))
                .then_with(|| a.customer.cmp(&b.customer))
        });
        let lost = customers.iter().filter(|c| c.lost).count();
        let mut notes = self.notes;
        for (name, t) in &self.tables {
            if t.used == 0 && t.rows > 0 {
                notes.push(format!("{name}: no row on or before {as_of}"));
            }
        }
        notes.dedup();
        let at_risk_count = customers.iter().filter(|c| !c.lost && c.risk >= at_risk).count();
        SignalReport {
            customers,
            as_of,
            tables: self.tables,
            counts,
            lost,
            model: self.model,
            notes,
            at_risk_threshold: at_risk,
            at_risk_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_timestamps_ms;

    fn ms(dates: &[&str]) -> Vec<i64> {
        parse_timestamps_ms("t", dates).unwrap()
    }

    fn only<'a>(
        orders: Option<Transactions<'a, &'a str>>,
        contacts: Option<Contacts<'a, &'a str>>,
    ) -> SignalInputs<'a, &'a str> {
        SignalInputs {
            orders,
            feedback: None,
            contacts,
            deliveries: None,
            unit: TimeUnit::Milliseconds,
        }
    }

    #[test]
    fn a_case_resolved_on_a_later_contact_is_not_open() {
        let who = ["a", "a"];
        let received = ms(&["2024-03-01T09:00", "2024-03-03T09:00"]);
        let resolved = [None, Some(ms(&["2024-03-04T09:00"])[0])];
        let cases = ["k1".to_owned(), "k1".to_owned()];
        let o = SignalOptions {
            as_of: NaiveDate::from_ymd_opt(2024, 3, 31),
            ..SignalOptions::default()
        };
        let with_case = Contacts {
            customers: &who,
            received: &received,
            resolved: &resolved,
            channels: None,
            cases: Some(&cases),
        };
        let r = signals(&only(None, Some(with_case)), &o).unwrap();
        assert!(r.customers[0].signals.is_empty(), "{:?}", r.customers[0]);
        // Without cases the first contact has no resolution of its own: open for 30 days.
        let r = signals(
            &only(
                None,
                Some(Contacts {
                    cases: None,
                    ..with_case
                }),
            ),
            &o,
        )
        .unwrap();
        assert_eq!(r.customers[0].signals[0].kind, SignalKind::OpenContact);
        assert_eq!(r.customers[0].signals[0].reason, "contact open for 30 days");
    }

    #[test]
    fn customers_gone_for_a_year_are_lost_not_at_risk() {
        let who = ["old", "old", "old", "new", "new", "new"];
        let t = ms(&[
            "2022-01-01",
            "2022-02-01",
            "2022-03-01",
            "2023-01-01",
            "2023-01-11",
            "2023-01-21",
        ]);
        let tx = Transactions {
            customers: &who[..],
            timestamps: &t,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        };
        let o = SignalOptions {
            as_of: NaiveDate::from_ymd_opt(2023, 3, 5),
            fit_model: false,
            rfm_segments: vec![],
            ..SignalOptions::default()
        };
        let r = signals(&only(Some(tx), None), &o).unwrap();
        // "old": 369 days since the last order, overdue 12.5× its usual 29.5 days.
        let old = r.customers.iter().find(|c| c.customer == "old").unwrap();
        assert!(old.lost && old.risk > 0.8);
        // "new": 43 days against a usual 10: overdue too, but not lost, so it ranks first.
        assert_eq!(r.customers[0].customer, "new");
        assert_eq!(
            r.customers[0].signals[0].reason,
            "no order for 43 days against a usual 10"
        );
        assert_eq!(r.lost, 1);
        assert_eq!(r.at_risk(0.5).count(), 1);
        assert_eq!(r.counts.get(&SignalKind::Overdue), Some(&1));
        // Without a lost threshold both count.
        let r = signals(
            &only(Some(tx), None),
            &SignalOptions {
                lost_after_days: None,
                ..o
            },
        )
        .unwrap();
        assert_eq!((r.lost, r.at_risk(0.5).count()), (0, 2));
        // Both overdue at full strength (4.3× and 12.5×, past 4×): equal risk, key order.
        assert_eq!(r.customers[0].risk, r.customers[1].risk);
        assert_eq!(r.customers[0].customer, "new");
    }

    #[test]
    fn rfm_signal_follows_the_segment() {
        let mut who = Vec::new();
        let mut dates = Vec::new();
        // Ten customers with 1..=10 orders, the last ones at different times.
        for c in 0..10u32 {
            for k in 0..=c {
                who.push(["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"][c as usize]);
                dates.push(format!("2023-{:02}-{:02}", 1 + (c + k) % 12, 1 + 2 * k));
            }
        }
        let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
        let t = ms(&dates);
        let tx = Transactions {
            customers: &who[..],
            timestamps: &t,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        };
        let o = SignalOptions {
            fit_model: false,
            rfm_segments: vec!["at risk".into(), "hibernating".into()],
            ..SignalOptions::default()
        };
        let r = signals(&only(Some(tx), None), &o).unwrap();
        let mut fired = 0;
        for c in &r.customers {
            let seg = c.segment.as_deref().unwrap();
            let has = c
                .signals
                .iter()
                .any(|s| s.kind == SignalKind::RfmSegment && s.strength == 0.4);
            assert_eq!(has, o.rfm_segments.iter().any(|s| s == seg), "{c:?}");
            fired += usize::from(has);
        }
        assert!(
            fired > 0,
            "the shop has no at-risk segment: the test checks nothing"
        );
    }

    #[test]
    fn a_model_that_cannot_be_used_is_a_note_not_a_silent_gap() {
        let who = ["a", "a", "b"];
        let t = ms(&["2024-01-01", "2024-02-01", "2024-01-15"]);
        let tx = Transactions {
            customers: &who[..],
            timestamps: &t,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        };
        let o = SignalOptions {
            model: Some(AnyModel::GammaGamma(
                crate::churn::GammaGamma::new(6.0, 4.0, 15.0).unwrap(),
            )),
            ..SignalOptions::default()
        };
        let r = signals(&only(Some(tx), None), &o).unwrap();
        assert!(
            r.notes.iter().any(|n| n.contains("not a purchase model")),
            "{:?}",
            r.notes
        );
        assert!(r.customers.iter().all(|c| c.p_alive.is_none()));
    }

    #[test]
    fn kind_names_are_the_json_names() {
        for k in SignalKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    fn options_are_checked() {
        let bad = [
            SignalOptions {
                overdue_ratio: 0.0,
                ..SignalOptions::default()
            },
            SignalOptions {
                p_alive_below: 1.5,
                ..SignalOptions::default()
            },
            SignalOptions {
                lost_after_days: Some(-1.0),
                ..SignalOptions::default()
            },
            SignalOptions {
                min_orders_for_cadence: 1,
                ..SignalOptions::default()
            },
        ];
        let names = [
            "overdue_ratio",
            "p_alive_below",
            "lost_after_days",
            "min_orders_for_cadence",
        ];
        for (o, name) in bad.iter().zip(names) {
            assert_eq!(o.check().unwrap_err().argument(), name);
        }
    }
}
