//! The backtest of the churn signals: pick cut-off days inside the data,
//! compute the signals and the model forecasts with only what was known
//! on each, and compare them with what each customer did in the following
//! horizon. It reports how well each signal, the rules' combined risk, the
//! purchase models and the simple hiatus rule rank the customers who then
//! did not order, and learns a [`RiskCalibration`] that turns the signals
//! into a probability.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};

use super::calibrate::{
    Coefficient, Outcome, PURCHASE_MODEL, RiskCalibration, TrainedOn, fit_logistic, logit,
};
use super::{SignalInputs, SignalKind, SignalOptions, signals};
use crate::churn::{ChurnModel, CustomerData, FitOptions, ParetoNbd};
use crate::error::{CxError, Result};
use crate::time::{date_of_day, day_of_date};

/// Options of [`backtest`]. In JSON every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BacktestOptions {
    /// The cut-off days. Empty (the default): `n_cutoffs` days, the last
    /// `horizon_days` before the last order, each `step_days` before the
    /// next.
    pub cutoffs: Vec<NaiveDate>,
    /// Cut-off days chosen when `cutoffs` is empty; 4.
    pub n_cutoffs: u32,
    /// Days between chosen cut-offs; the horizon by default (so that the
    /// outcome windows do not overlap).
    pub step_days: Option<f64>,
    /// Days after a cut-off in which the outcome is observed; 90.
    pub horizon_days: f64,
    /// The last day the backtest may look at (a report day); default: the
    /// last order. Orders after it are ignored.
    pub end: Option<NaiveDate>,
    /// The outcome: no order in the horizon (default) or fewer orders than
    /// the purchase model expected.
    pub outcome: Outcome,
    /// Shares of the highest-risk customers for precision and lift; 5, 10
    /// and 20 %.
    pub top_shares: Vec<f64>,
    /// Bins of the reliability diagram; 10.
    pub bins: u32,
    /// L2 penalty of the logistic calibration, shrinking it towards the
    /// purchase model's own forecast. `None` (the default): the penalty of
    /// [`PENALTIES`] with the lowest out-of-time Brier score over the
    /// cut-offs before the last (each scored by a calibration of the
    /// cut-offs whose horizons ended by it); 10 when there are too few
    /// cut-offs to choose.
    pub penalty: Option<f64>,
    /// A signal enters the calibration when it fired (and did not fire)
    /// for at least this many training rows; 20.
    pub min_fired: usize,
    /// Rows with and without the outcome needed to calibrate; 30 each.
    pub min_outcomes: usize,
    /// Include customers counted as lost (no order for more than
    /// `signals.lost_after_days`); off: the risk is about customers not
    /// yet lost.
    pub include_lost: bool,
    /// Fit Pareto/NBD at each cut-off for its P(alive) as a yardstick; off
    /// by default for its cost: at an early cut-off, with little drop-out
    /// in the data, the fit drifts along s, β → ∞, where the likelihood
    /// needs a quadrature per customer (the demo shop's 4 cut-offs take
    /// 10 s with it, 0.04 s without).
    pub compare_pareto_nbd: bool,
    /// The signal thresholds (their `as_of`, `model` and `calibration` are
    /// set per cut-off: a model is always refitted on what was known then).
    pub signals: SignalOptions,
}

impl Default for BacktestOptions {
    fn default() -> Self {
        BacktestOptions {
            cutoffs: Vec::new(),
            n_cutoffs: 4,
            step_days: None,
            horizon_days: 90.0,
            end: None,
            outcome: Outcome::NoOrder,
            top_shares: vec![0.05, 0.1, 0.2],
            bins: 10,
            penalty: None,
            min_fired: 20,
            min_outcomes: 30,
            include_lost: false,
            compare_pareto_nbd: false,
            signals: SignalOptions::default(),
        }
    }
}

/// Precision and lift among the highest-scored customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopShare {
    /// Share of the customers (0.1: the top 10 %).
    pub share: f64,
    /// Customers in it.
    pub customers: usize,
    /// Share of them with the outcome.
    pub precision: f64,
    /// Precision over the base rate.
    pub lift: f64,
}

/// How well one score ranks (and, for probabilities, predicts) the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreMetrics {
    /// `risk_rules`, `calibrated`, `p_no_order` (the BG/NBD forecast),
    /// `p_dead_bg_nbd` / `p_dead_pareto_nbd` (1 − P(alive)),
    /// `days_since_last_order` (the hiatus rule), or a signal kind
    /// (its strength).
    pub score: String,
    /// Area under the ROC curve (ties count half); `None` when one class is
    /// empty.
    pub auc: Option<f64>,
    /// Mean squared error as a probability (for `risk_rules`,
    /// `calibrated` and `p_no_order`).
    pub brier: Option<f64>,
    /// Customers the score is positive for (signals: fired).
    pub fired: usize,
    /// Precision and lift in the top shares.
    pub top: Vec<TopShare>,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    /// Lower edge of predicted probability.
    pub low: f64,
    /// Upper edge.
    pub high: f64,
    /// Customers predicted in the bin.
    pub customers: usize,
    /// Their mean prediction; `None` when empty.
    pub predicted: Option<f64>,
    /// Their observed rate of the outcome; `None` when empty.
    pub observed: Option<f64>,
}

/// The results at one cut-off day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CutoffResult {
    /// The cut-off day.
    pub cutoff: NaiveDate,
    /// Customers judged (with an order on or before the cut-off, not lost
    /// unless `include_lost`).
    pub customers: usize,
    /// Of them, with the outcome.
    pub outcomes: usize,
    /// `outcomes / customers`.
    pub base_rate: f64,
    /// Every score's figures; `calibrated` is there when earlier cut-offs
    /// (whose horizons end by this one) could be calibrated on.
    pub scores: Vec<ScoreMetrics>,
}

/// The out-of-time check: a calibration fitted on the earlier cut-offs,
/// scored on the last one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holdout {
    /// The cut-off scored.
    pub cutoff: NaiveDate,
    /// The cut-offs fitted on.
    pub fitted_on: Vec<NaiveDate>,
    /// Brier score of the calibrated risk.
    pub brier_calibrated: f64,
    /// Brier score of the rules' risk read as a probability.
    pub brier_rules: f64,
    /// Brier score of the purchase model's probability of no order.
    pub brier_model: Option<f64>,
    /// Reliability of the calibrated risk.
    pub reliability: Vec<Bin>,
    /// Reliability of the rules' risk.
    pub reliability_rules: Vec<Bin>,
}

/// The result of [`backtest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backtest {
    /// The horizon in days.
    pub horizon_days: f64,
    /// The outcome.
    pub outcome: Outcome,
    /// Per cut-off, ascending.
    pub cutoffs: Vec<CutoffResult>,
    /// Per score: (min, mean, max) of its AUC over the cut-offs.
    pub auc_spread: BTreeMap<String, [f64; 3]>,
    /// The out-of-time check, when there were at least two cut-offs to
    /// fit on and score.
    pub holdout: Option<Holdout>,
    /// The calibration fitted on every cut-off, to apply from now on;
    /// `None` when there were too few outcomes (see `notes`).
    pub calibration: Option<RiskCalibration>,
    /// What the reader should know (a signal left out of the calibration,
    /// too few outcomes, a model that could not be fitted).
    pub notes: Vec<String>,
}

/// One customer at one cut-off.
struct Row {
    y: bool,
    features: Vec<f64>,
    rules: f64,
    p_no_order: Option<f64>,
    p_dead_bg: Option<f64>,
    p_dead_pareto: Option<f64>,
    days_since: f64,
}

/// A cut-off day and its judged customers.
type Judged = (i64, Vec<Row>);

/// The feature names a calibration may use, in a fixed order.
fn all_features() -> Vec<String> {
    std::iter::once(PURCHASE_MODEL.to_owned())
        .chain(SignalKind::ALL.iter().map(|k| k.as_str().to_owned()))
        .collect()
}

/// Backtests the churn signals at cut-off days inside the data and learns
/// a calibration of the risk: at each cut-off the signals and the
/// purchase model's forecasts are compared with what each customer did in
/// the following horizon (AUC, Brier score, precision and lift in the top
/// shares, per signal, for the rules' combined risk, BG/NBD's probability
/// of no order, 1 − P(alive) and days since the last order); a
/// [`RiskCalibration`] is fitted on the cut-offs, and each cut-off after
/// the first is also scored by a calibration of the earlier ones (out of
/// time), with the last one's reliability diagram in `holdout`.
///
/// Everything at a cut-off is computed from the rows dated on or before
/// it (orders, answers, contacts received, deliveries promised; a contact
/// resolved or a delivery made later counts as open or pending), and the
/// purchase model is refitted on those orders: rows after a cut-off only
/// decide the outcome.
///
/// # Errors
/// [`CxError::Empty`] without orders; [`CxError::InvalidParameter`] for a
/// bad option, a cut-off before the first order or less than
/// `horizon_days` before the last one (the outcome would be cut short), or
/// orders that span too few days for any cut-off; the errors of
/// [`signals`].
///
/// # Examples
/// ```
/// use cx::retention::Transactions;
/// use cx::signals::{backtest, BacktestOptions, SignalInputs};
/// use cx::time::TimeUnit;
///
/// // Two customers buying every 10 days for 400 days; one stops on day 300.
/// let mut who = Vec::new();
/// let mut days = Vec::new();
/// for d in (0..400).step_by(10) {
///     who.push("steady"); days.push(19_000 + d);
///     if d < 300 { who.push("leaver"); days.push(19_003 + d); }
/// }
/// let orders = Transactions { customers: &who, timestamps: &days, unit: TimeUnit::Days, amounts: None };
/// let inputs = SignalInputs { orders: Some(orders), feedback: None, contacts: None, deliveries: None, unit: TimeUnit::Days };
/// let options = BacktestOptions { n_cutoffs: 1, compare_pareto_nbd: false, ..BacktestOptions::default() };
/// let b = backtest(&inputs, &options)?;
/// let c = &b.cutoffs[0];
/// assert_eq!((c.customers, c.outcomes), (2, 1)); // the leaver did not order in the 90 days
/// assert!(b.calibration.is_none()); // two customers are too few to calibrate on
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn backtest<K: Hash + Eq + Ord + Clone + Sync>(
    inputs: &SignalInputs<'_, K>,
    options: &BacktestOptions,
) -> Result<Backtest> {
    check(options)?;
    let orders = inputs
        .orders
        .as_ref()
        .ok_or(CxError::Empty { argument: "orders" })?;
    let h = options.horizon_days;
    // Each customer's distinct order days, ascending.
    let mut index: HashMap<&K, usize, RandomState> = HashMap::default();
    let mut days: Vec<Vec<i64>> = Vec::new();
    for (row, (k, &t)) in orders.customers.iter().zip(orders.timestamps).enumerate() {
        if t == i64::MIN {
            return Err(CxError::Missing {
                argument: "timestamps",
                index: row,
            });
        }
        let i = *index.entry(k).or_insert_with(|| {
            days.push(Vec::new());
            days.len() - 1
        });
        days[i].push(orders.unit.day_of(t));
    }
    for d in &mut days {
        d.sort_unstable();
        d.dedup();
    }
    let first = days.iter().filter_map(|d| d.first()).min().copied();
    let last = days.iter().filter_map(|d| d.last()).max().copied();
    let (Some(first), Some(mut last)) = (first, last) else {
        return Err(CxError::Empty { argument: "orders" });
    };
    if let Some(end) = options.end {
        last = last.min(day_of_date(end));
    }
    let cutoffs = cutoff_days(options, first, last)?;
    let mut notes = Vec::new();
    if options.signals.model.is_some() {
        notes.push("the model in the signal options is not used: BG/NBD is refitted at each cut-off, on what was known then".into());
    }
    let features = all_features();
    // The cut-offs are independent: on all cores with the `parallel` feature.
    let one = |c: i64| -> Result<(Judged, Vec<String>)> {
        let mut n = Vec::new();
        let rows = rows_at(inputs, options, c, &index, &days, &features, &mut n)?;
        Ok(((c, rows), n))
    };
    #[cfg(feature = "parallel")]
    let done: Vec<Result<_>> = {
        use rayon::prelude::*;
        cutoffs.par_iter().map(|&c| one(c)).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let done: Vec<Result<_>> = cutoffs.iter().map(|&c| one(c)).collect();
    let mut per_cutoff: Vec<Judged> = Vec::with_capacity(cutoffs.len());
    for d in done {
        let (rows, n) = d?;
        per_cutoff.push(rows);
        notes.extend(n);
    }
    let date = |d: i64| date_of_day(d).expect("a cut-off is a calendar day");
    let mut results: Vec<CutoffResult> = per_cutoff
        .iter()
        .map(|(c, rows)| cutoff_result(date(*c), rows, options))
        .collect();
    // Out of time: each cut-off scored by a calibration of the cut-offs
    // whose horizons ended by it.
    let train_of = |k: usize| -> Vec<usize> {
        (0..k)
            .filter(|&j| per_cutoff[j].0 as f64 + h <= per_cutoff[k].0 as f64)
            .collect()
    };
    let last = per_cutoff.len() - 1;
    let penalty = match options.penalty {
        Some(p) => p,
        None => choose_penalty(&per_cutoff, &features, options, &train_of, &mut notes)?,
    };
    let mut holdout = None;
    for k in 1..per_cutoff.len() {
        let ck = per_cutoff[k].0;
        let train = train_of(k);
        if train.is_empty() {
            continue;
        }
        let mut quiet = Vec::new();
        let Some(cal) = calibrate(&per_cutoff, &train, &features, options, penalty, &mut quiet)? else {
            continue;
        };
        let rows = &per_cutoff[k].1;
        let predict = predictor(&cal, &features);
        let p: Vec<f64> = rows.iter().map(&predict).collect();
        let y: Vec<bool> = rows.iter().map(|r| r.y).collect();
        results[k]
            .scores
            .insert(0, metrics("calibrated", &p, &y, true, options));
        if k == last {
            let rules: Vec<f64> = rows.iter().map(|r| r.rules).collect();
            let model: Option<Vec<f64>> = rows.iter().map(|r| r.p_no_order).collect();
            holdout = Some(Holdout {
                cutoff: date(ck),
                fitted_on: train.iter().map(|&j| date(per_cutoff[j].0)).collect(),
                brier_calibrated: brier(&p, &y),
                brier_rules: brier(&rules, &y),
                brier_model: model.map(|m| brier(&m, &y)),
                reliability: reliability(&p, &y, options.bins),
                reliability_rules: reliability(&rules, &y, options.bins),
            });
        }
    }
    let all: Vec<usize> = (0..per_cutoff.len()).collect();
    let calibration = calibrate(&per_cutoff, &all, &features, options, penalty, &mut notes)?;
    let mut spread: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for r in &results {
        for s in &r.scores {
            if let Some(a) = s.auc {
                spread.entry(s.score.clone()).or_default().push(a);
            }
        }
    }
    let auc_spread = spread
        .into_iter()
        .map(|(k, v)| {
            let min = v.iter().copied().fold(f64::INFINITY, f64::min);
            let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (k, [min, v.iter().sum::<f64>() / v.len() as f64, max])
        })
        .collect();
    notes.dedup();
    Ok(Backtest {
        horizon_days: h,
        outcome: options.outcome,
        cutoffs: results,
        auc_spread,
        holdout,
        calibration,
        notes,
    })
}

fn check(o: &BacktestOptions) -> Result<()> {
    if !(o.horizon_days.is_finite() && o.horizon_days >= 1.0) {
        return Err(CxError::invalid(
            "horizon_days",
            o.horizon_days,
            "a number of days >= 1",
        ));
    }
    if let Some(s) = o.step_days
        && !(s.is_finite() && s >= 1.0)
    {
        return Err(CxError::invalid("step_days", s, "a number of days >= 1"));
    }
    if o.cutoffs.is_empty() && o.n_cutoffs == 0 {
        return Err(CxError::invalid("n_cutoffs", 0, "1 or more (or give cutoffs)"));
    }
    if let Some(s) = o.top_shares.iter().find(|s| !(**s > 0.0 && **s <= 1.0)) {
        return Err(CxError::invalid("top_shares", s, "shares in (0, 1]"));
    }
    if !(2..=100).contains(&o.bins) {
        return Err(CxError::invalid("bins", o.bins, "2..=100"));
    }
    if let Some(p) = o.penalty
        && !(p.is_finite() && p >= 0.0)
    {
        return Err(CxError::invalid("penalty", p, "a number >= 0"));
    }
    if o.min_outcomes == 0 {
        return Err(CxError::invalid("min_outcomes", 0, "1 or more"));
    }
    o.signals.check()
}

/// The cut-off days (days since the epoch), ascending.
fn cutoff_days(o: &BacktestOptions, first: i64, last: i64) -> Result<Vec<i64>> {
    let h = o.horizon_days;
    let show = |d: i64| date_of_day(d).map_or(d.to_string(), |d| d.to_string());
    let mut days: Vec<i64> = if o.cutoffs.is_empty() {
        let step = o.step_days.unwrap_or(h);
        let end = last as f64 - h;
        let v: Vec<i64> = (0..o.n_cutoffs)
            .map(|j| (end - f64::from(j) * step).floor() as i64)
            .filter(|&c| c > first)
            .collect();
        if v.is_empty() {
            return Err(CxError::invalid(
                "horizon_days",
                h,
                format!(
                    "fewer days than the orders span after the first day ({} days from {} to {})",
                    last - first,
                    show(first),
                    show(last)
                ),
            ));
        }
        v
    } else {
        let mut v = Vec::with_capacity(o.cutoffs.len());
        for d in &o.cutoffs {
            let c = day_of_date(*d);
            if c < first {
                return Err(CxError::invalid(
                    "cutoffs",
                    d,
                    format!("a day on or after the first order ({})", show(first)),
                ));
            }
            if c as f64 + h > last as f64 {
                return Err(CxError::invalid(
                    "cutoffs",
                    d,
                    format!(
                        "a day at least horizon_days ({h}) before the last order ({}): the outcome would be cut short",
                        show(last)
                    ),
                ));
            }
            v.push(c);
        }
        v
    };
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

/// The judged customers at cut-off `c`: their scores, features and outcome.
fn rows_at<K: Hash + Eq + Ord + Clone>(
    inputs: &SignalInputs<'_, K>,
    o: &BacktestOptions,
    c: i64,
    index: &HashMap<&K, usize, RandomState>,
    days: &[Vec<i64>],
    features: &[String],
    notes: &mut Vec<String>,
) -> Result<Vec<Row>> {
    let h = o.horizon_days;
    let as_of = date_of_day(c);
    let opts = SignalOptions {
        as_of,
        model: None,
        fit_model: true,
        calibration: None,
        value: false,
        horizon_days: h,
        ..o.signals.clone()
    };
    let r = signals(inputs, &opts)?;
    let at = as_of.map_or(c.to_string(), |d| d.to_string());
    notes.extend(r.notes.iter().map(|n| format!("{at}: {n}")));
    let pm = r.model.as_ref().and_then(|m| m.purchase_model());
    if o.outcome == Outcome::FewerThanExpected && pm.is_none() {
        return Err(CxError::invalid(
            "outcome",
            "fewer_than_expected",
            format!("no_order: no purchase model could be fitted at {at}"),
        ));
    }
    let judged: Vec<&super::CustomerRisk<K>> = r
        .customers
        .iter()
        .filter(|x| x.orders > 0 && (o.include_lost || !x.lost))
        .collect();
    let pareto = if o.compare_pareto_nbd {
        pareto_p_dead(&r.customers, &judged, &at, notes)
    } else {
        None
    };
    let mut rows = Vec::with_capacity(judged.len());
    for (i, x) in judged.iter().enumerate() {
        let own = index.get(&x.customer).map_or(&[][..], |&j| &days[j][..]);
        let lo = own.partition_point(|&d| d <= c);
        let hi = own.partition_point(|&d| d as f64 <= c as f64 + h);
        let n = (hi - lo) as f64;
        let y = match o.outcome {
            Outcome::NoOrder => n == 0.0,
            Outcome::FewerThanExpected => {
                let [fx, tx, t] = x.summary.unwrap_or([0.0; 3]);
                n < pm.map_or(0.0, |m| m.conditional_expected_purchases(h, fx, tx, t))
            }
        };
        let since = x.last_order.map_or(0.0, |d| (c - day_of_date(d)) as f64);
        rows.push(Row {
            y,
            features: RiskCalibration::features_of(features, 0.0, x),
            rules: x.risk_rules,
            p_no_order: x.p_no_order,
            p_dead_bg: x.p_alive.map(|p| 1.0 - p),
            p_dead_pareto: pareto.as_ref().map(|p| p[i]),
            days_since: since,
        });
    }
    Ok(rows)
}

/// 1 − P(alive) of the `judged` customers from Pareto/NBD fitted on the
/// summaries of every customer with orders (as BG/NBD is), lost ones
/// included: without them the data show no drop-out and the fit drifts
/// towards s, β → ∞, where it converges slowly.
fn pareto_p_dead<K>(
    all: &[super::CustomerRisk<K>],
    judged: &[&super::CustomerRisk<K>],
    at: &str,
    notes: &mut Vec<String>,
) -> Option<Vec<f64>> {
    let s: Vec<[f64; 3]> = all.iter().filter_map(|c| c.summary).collect();
    // Fitted in weeks, as the published fits are; P(alive) does not
    // depend on the time unit.
    let x: Vec<f64> = s.iter().map(|v| v[0]).collect();
    let tx: Vec<f64> = s.iter().map(|v| v[1] / 7.0).collect();
    let t: Vec<f64> = s.iter().map(|v| v[2] / 7.0).collect();
    let data = CustomerData {
        frequency: &x,
        recency: &tx,
        t: &t,
    };
    match ParetoNbd::fit(&data, &FitOptions::default()) {
        Ok(m) => judged
            .iter()
            .map(|c| {
                let [x, tx, t] = c.summary?;
                Some(1.0 - m.probability_alive(x, tx / 7.0, t / 7.0))
            })
            .collect(),
        Err(e) => {
            notes.push(format!(
                "{at}: Pareto/NBD could not be fitted ({e}): no comparison with it"
            ));
            None
        }
    }
}

fn cutoff_result(cutoff: NaiveDate, rows: &[Row], o: &BacktestOptions) -> CutoffResult {
    let y: Vec<bool> = rows.iter().map(|r| r.y).collect();
    let outcomes = y.iter().filter(|&&v| v).count();
    let mut scores = Vec::new();
    let col = |f: &dyn Fn(&Row) -> f64| rows.iter().map(f).collect::<Vec<f64>>();
    scores.push(metrics("risk_rules", &col(&|r| r.rules), &y, true, o));
    if let Some(p) = rows.iter().map(|r| r.p_no_order).collect::<Option<Vec<f64>>>() {
        scores.push(metrics("p_no_order", &p, &y, true, o));
    }
    if let Some(p) = rows.iter().map(|r| r.p_dead_bg).collect::<Option<Vec<f64>>>() {
        scores.push(metrics("p_dead_bg_nbd", &p, &y, false, o));
    }
    if let Some(p) = rows.iter().map(|r| r.p_dead_pareto).collect::<Option<Vec<f64>>>() {
        scores.push(metrics("p_dead_pareto_nbd", &p, &y, false, o));
    }
    scores.push(metrics(
        "days_since_last_order",
        &col(&|r| r.days_since),
        &y,
        false,
        o,
    ));
    // Signal strengths: features 1.. (0 is the model's logit).
    for (j, k) in SignalKind::ALL.iter().enumerate() {
        let v = col(&|r| r.features[j + 1]);
        scores.push(metrics(k.as_str(), &v, &y, false, o));
    }
    CutoffResult {
        cutoff,
        customers: rows.len(),
        outcomes,
        base_rate: if rows.is_empty() {
            0.0
        } else {
            outcomes as f64 / rows.len() as f64
        },
        scores,
    }
}

fn metrics(name: &str, score: &[f64], y: &[bool], probability: bool, o: &BacktestOptions) -> ScoreMetrics {
    ScoreMetrics {
        score: name.to_owned(),
        auc: auc(score, y),
        brier: probability.then(|| brier(score, y)),
        fired: score.iter().filter(|&&v| v > 0.0).count(),
        top: o.top_shares.iter().map(|&s| top_share(score, y, s)).collect(),
    }
}

/// The AUC by the rank-sum (Mann–Whitney) formula, ties at mid-rank.
pub(crate) fn auc(score: &[f64], y: &[bool]) -> Option<f64> {
    let n1 = y.iter().filter(|&&v| v).count();
    let n0 = y.len() - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..score.len()).collect();
    order.sort_unstable_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && score[order[j + 1]] == score[order[i]] {
            j += 1;
        }
        // Ranks i+1 ..= j+1 share their mean.
        let mid = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += mid * order[i..=j].iter().filter(|&&k| y[k]).count() as f64;
        i = j + 1;
    }
    let (n1, n0) = (n1 as f64, n0 as f64);
    Some((rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0))
}

pub(crate) fn brier(p: &[f64], y: &[bool]) -> f64 {
    if p.is_empty() {
        return f64::NAN;
    }
    p.iter()
        .zip(y)
        .map(|(p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum::<f64>()
        / p.len() as f64
}

/// Precision and lift in the top `share` by score (ties by row order).
fn top_share(score: &[f64], y: &[bool], share: f64) -> TopShare {
    let n = score.len();
    let k = ((share * n as f64).ceil() as usize).min(n);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let hits = order[..k].iter().filter(|&&i| y[i]).count();
    let base = y.iter().filter(|&&v| v).count() as f64 / n.max(1) as f64;
    let precision = if k == 0 { 0.0 } else { hits as f64 / k as f64 };
    TopShare {
        share,
        customers: k,
        precision,
        lift: if base > 0.0 { precision / base } else { 0.0 },
    }
}

/// The reliability diagram in `bins` equal-width bins of prediction.
pub(crate) fn reliability(p: &[f64], y: &[bool], bins: u32) -> Vec<Bin> {
    let b = bins as usize;
    let mut n = vec![0usize; b];
    let mut sp = vec![0.0; b];
    let mut sy = vec![0.0; b];
    for (&p, &y) in p.iter().zip(y) {
        let i = ((p * b as f64).floor() as usize).min(b - 1);
        n[i] += 1;
        sp[i] += p;
        sy[i] += f64::from(u8::from(y));
    }
    (0..b)
        .map(|i| Bin {
            low: i as f64 / b as f64,
            high: (i + 1) as f64 / b as f64,
            customers: n[i],
            predicted: (n[i] > 0).then(|| sp[i] / n[i] as f64),
            observed: (n[i] > 0).then(|| sy[i] / n[i] as f64),
        })
        .collect()
}

/// The calibrated probability of a row, with each coefficient's feature
/// column looked up once (the penalty search scores every row six times).
fn predictor<'a>(cal: &'a RiskCalibration, features: &[String]) -> impl Fn(&Row) -> f64 + 'a {
    let columns: Vec<usize> = cal
        .coefficients
        .iter()
        .map(|c| {
            features
                .iter()
                .position(|f| *f == c.feature)
                .expect("a known feature")
        })
        .collect();
    move |r: &Row| {
        cal.probability(cal.coefficients.iter().zip(&columns).map(|(c, &j)| {
            // Column 0 is the model's logit; without a forecast, the default.
            let v = if j == 0 && r.p_no_order.is_none() {
                cal.model_default
            } else {
                r.features[j]
            };
            c.coefficient * v
        }))
    }
}

/// The penalties [`backtest`] chooses from: from barely any shrinkage to
/// (1e6) the purchase model's own forecast.
pub const PENALTIES: [f64; 6] = [0.1, 1.0, 10.0, 100.0, 1000.0, 1e6];

/// The penalty of [`PENALTIES`] with the least out-of-time squared error
/// over the cut-offs before the last (ties: the larger penalty).
fn choose_penalty(
    per_cutoff: &[Judged],
    features: &[String],
    o: &BacktestOptions,
    train_of: &dyn Fn(usize) -> Vec<usize>,
    notes: &mut Vec<String>,
) -> Result<f64> {
    let scored: Vec<(usize, Vec<usize>)> = (1..per_cutoff.len().saturating_sub(1))
        .map(|k| (k, train_of(k)))
        .filter(|(_, t)| !t.is_empty())
        .collect();
    let mut best: Option<(f64, f64)> = None;
    for &penalty in &PENALTIES {
        let mut error = 0.0;
        let mut any = false;
        for (k, train) in &scored {
            let mut quiet = Vec::new();
            if let Some(cal) = calibrate(per_cutoff, train, features, o, penalty, &mut quiet)? {
                any = true;
                let predict = predictor(&cal, features);
                error += per_cutoff[*k]
                    .1
                    .iter()
                    .map(|r| (predict(r) - f64::from(u8::from(r.y))).powi(2))
                    .sum::<f64>();
            }
        }
        if any && best.is_none_or(|(e, _)| error <= e) {
            best = Some((error, penalty));
        }
    }
    Ok(match best {
        Some((_, p)) => {
            notes.push(format!(
                "calibration penalty {p}: the least out-of-time Brier score of {:?} on the cut-offs before the last",
                PENALTIES
            ));
            p
        }
        None => {
            notes.push("too few cut-offs to choose the calibration penalty: 10".into());
            10.0
        }
    })
}

/// Fits the calibration on the rows of the cut-offs `which`; `None` (with
/// a note) when there are too few outcomes.
fn calibrate(
    per_cutoff: &[Judged],
    which: &[usize],
    features: &[String],
    o: &BacktestOptions,
    penalty: f64,
    notes: &mut Vec<String>,
) -> Result<Option<RiskCalibration>> {
    let rows: Vec<&Row> = which.iter().flat_map(|&j| &per_cutoff[j].1).collect();
    let n = rows.len();
    let pos = rows.iter().filter(|r| r.y).count();
    if pos < o.min_outcomes || n - pos < o.min_outcomes {
        notes.push(format!(
            "too few outcomes to calibrate ({pos} with and {} without, {} each needed): risk stays the uncalibrated rules",
            n - pos,
            o.min_outcomes
        ));
        return Ok(None);
    }
    // The model's logit when every row has it; signals that fired (and did
    // not) often enough.
    let mut used: Vec<usize> = Vec::new();
    if rows.iter().all(|r| r.p_no_order.is_some()) {
        used.push(0);
    }
    for (j, f) in features.iter().enumerate().skip(1) {
        let fired = rows.iter().filter(|r| r.features[j] > 0.0).count();
        if fired >= o.min_fired && n - fired >= o.min_fired {
            used.push(j);
        } else if fired > 0 {
            notes.push(format!(
                "{f} fired for {fired} of {n} rows: left out of the calibration (needs {} each way)",
                o.min_fired
            ));
        }
    }
    let p = used.len();
    let mut x = Vec::with_capacity(n * p);
    for r in &rows {
        x.extend(used.iter().map(|&j| r.features[j]));
    }
    let y: Vec<bool> = rows.iter().map(|r| r.y).collect();
    // Shrink towards "the model is right": its logit at weight 1, no
    // signal adding anything; the data must show otherwise.
    // Without the model, the intercept shrinks towards the base rate.
    let rate = logit(pos as f64 / n as f64);
    let centres: Vec<f64> = std::iter::once(if used.first() == Some(&0) { 0.0 } else { rate })
        .chain(used.iter().map(|&j| if j == 0 { 1.0 } else { 0.0 }))
        .collect();
    let (beta, se) = fit_logistic(&x, &y, p, penalty, &centres)?;
    let model_default = {
        let v: Vec<f64> = rows.iter().filter_map(|r| r.p_no_order.map(logit)).collect();
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let date = |d: i64| date_of_day(d).expect("a cut-off is a calendar day");
    Ok(Some(RiskCalibration {
        kind: "risk_calibration".into(),
        outcome: o.outcome,
        horizon_days: o.horizon_days,
        intercept: beta[0],
        coefficients: used
            .iter()
            .enumerate()
            .map(|(a, &j)| Coefficient {
                feature: features[j].clone(),
                coefficient: beta[a + 1],
                std_error: se[a + 1],
            })
            .collect(),
        model_default,
        penalty,
        trained_on: TrainedOn {
            cutoffs: which.iter().map(|&j| date(per_cutoff[j].0)).collect(),
            rows: n,
            outcomes: pos,
        },
        thresholds: o.signals.thresholds(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half() {
        // Hand-computed: pairs (pos, neg) = (0.8, 0.1) win, (0.8, 0.8) tie,
        // (0.4, 0.1) win, (0.4, 0.8) lose → (2 + 0.5) / 4.
        let s = [0.8, 0.4, 0.1, 0.8];
        let y = [true, true, false, false];
        assert!((auc(&s, &y).unwrap() - 0.625).abs() < 1e-12);
        assert_eq!(auc(&s, &[true; 4]), None);
    }

    #[test]
    fn top_share_precision_and_lift() {
        let s = [0.9, 0.8, 0.1, 0.2];
        let y = [true, false, false, true];
        let t = top_share(&s, &y, 0.25);
        assert_eq!(t.customers, 1);
        assert_eq!(t.precision, 1.0);
        assert_eq!(t.lift, 2.0);
    }

    #[test]
    fn reliability_bins_hold_every_prediction() {
        let p = [0.05, 0.15, 0.15, 1.0];
        let y = [false, true, false, true];
        let b = reliability(&p, &y, 10);
        assert_eq!(b.iter().map(|b| b.customers).sum::<usize>(), 4);
        assert_eq!(b[1].observed, Some(0.5));
        assert_eq!(b[9].customers, 1); // 1.0 falls in the last bin
        assert_eq!(b[5].predicted, None);
    }
}
