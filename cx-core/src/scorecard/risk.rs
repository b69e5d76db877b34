//! The churn sections: the signals of every customer, the at-risk list and
//! the purchase model behind P(alive).

use std::hash::Hash;

use chrono::NaiveDate;

use super::{BacktestSummary, ModelSection, RiskSection, ScorecardOptions, ShopTables};
use crate::error::Result;
use crate::retention::Transactions;
use crate::signals::{
    BacktestOptions, Contacts, Deliveries, Feedback, SignalInputs, SignalOptions, backtest, signals,
};

/// Stand-ins for columns a table may lack: no NPS answers, no resolutions.
pub(super) struct StandIns {
    no_scores: Vec<f64>,
    no_resolved: Vec<Option<i64>>,
}

impl StandIns {
    pub(super) fn of<K>(t: &ShopTables<'_, K>) -> Self {
        StandIns {
            no_scores: vec![f64::NAN; t.feedback.as_ref().map_or(0, |f| f.customers.len())],
            no_resolved: vec![None; t.contacts.as_ref().map_or(0, |c| c.customers.len())],
        }
    }
}

/// The tables as the signals read them, `stand_ins` for an NPS or
/// resolution column a table lacks.
pub(super) fn signal_inputs<'a, K>(t: &'a ShopTables<'a, K>, stand_ins: &'a StandIns) -> SignalInputs<'a, K> {
    let (no_scores, no_resolved) = (&stand_ins.no_scores[..], &stand_ins.no_resolved[..]);
    SignalInputs {
        orders: t.orders.as_ref().map(|o| Transactions {
            customers: o.customers,
            timestamps: o.timestamps,
            unit: o.unit,
            amounts: o.amounts,
        }),
        feedback: t.feedback.as_ref().map(|f| Feedback {
            customers: f.customers,
            timestamps: f.timestamps,
            scores: f.nps.unwrap_or(no_scores),
        }),
        contacts: t.contacts.as_ref().map(|c| Contacts {
            customers: c.customers,
            received: c.received,
            resolved: c.resolved.unwrap_or(no_resolved),
            channels: c.channels,
            cases: c.cases,
        }),
        deliveries: t.deliveries.as_ref().map(|d| Deliveries {
            customers: d.customers,
            promised: d.promised,
            delivered: d.delivered,
        }),
        unit: t.unit,
    }
}

type Sections<K> = (Option<ModelSection>, Option<RiskSection<K>>);

pub(super) fn sections<K: Hash + Eq + Ord + Clone + Sync>(
    si: &SignalInputs<'_, K>,
    as_of: NaiveDate,
    s: &ScorecardOptions,
    notes: &mut Vec<String>,
) -> Result<Sections<K>> {
    let mut options = SignalOptions {
        as_of: Some(as_of),
        ..s.signals.clone()
    };
    let backtest = match (&options.calibration, s.calibrate, &si.orders) {
        (None, true, Some(_)) => calibrate(si, as_of, &options, notes),
        _ => None,
    };
    if let Some(b) = &backtest {
        options.calibration = Some(Box::new(b.calibration.clone()));
    }
    let r = signals(si, &options)?;
    notes.extend(r.notes.iter().cloned());
    let model = r.model.clone().map(|model| {
        let p: Vec<f64> = r.customers.iter().filter_map(|c| c.p_alive).collect();
        let mut bins = vec![0usize; 10];
        for v in &p {
            bins[((v * 10.0).floor() as usize).min(9)] += 1;
        }
        ModelSection {
            model,
            customers: p.len(),
            p_alive_bins: bins,
            expected_active: p.iter().sum(),
        }
    });
    let risk = RiskSection {
        rule: r.at_risk_rule.clone(),
        method: r.risk_method,
        meaning: r.risk_meaning.clone(),
        backtest,
        value_at_risk: r.value_at_risk.clone(),
        customers: r.customers.len(),
        at_risk: r.at_risk_count,
        lost: r.lost,
        threshold: r.at_risk_threshold,
        counts: r.counts.iter().map(|(k, v)| (*k, *v)).collect(),
        top: r
            .customers
            .into_iter()
            .filter(|c| !c.lost && c.risk > 0.0)
            .take(s.top)
            .collect(),
    };
    Ok((model, Some(risk)))
}

/// A calibration of the risk by a backtest on the orders up to `as_of`;
/// `None` with a note when the history is too short or too uniform.
fn calibrate<K: Hash + Eq + Ord + Clone + Sync>(
    si: &SignalInputs<'_, K>,
    as_of: NaiveDate,
    options: &SignalOptions,
    notes: &mut Vec<String>,
) -> Option<BacktestSummary> {
    let o = BacktestOptions {
        horizon_days: options.horizon_days,
        end: Some(as_of),
        compare_pareto_nbd: false,
        signals: SignalOptions {
            as_of: None,
            ..options.clone()
        },
        ..BacktestOptions::default()
    };
    let b = match backtest(si, &o) {
        Ok(b) => b,
        Err(e) => {
            notes.push(format!(
                "the churn risk is not calibrated ({e}): it uses the rules"
            ));
            return None;
        }
    };
    let Some(calibration) = b.calibration else {
        notes.extend(b.notes.iter().filter(|n| n.contains("too few")).cloned());
        return None;
    };
    let last = b.cutoffs.last()?;
    let wanted = ["calibrated", "risk_rules", "p_no_order", "days_since_last_order"];
    Some(BacktestSummary {
        cutoffs: b.cutoffs.iter().map(|c| c.cutoff).collect(),
        horizon_days: b.horizon_days,
        customers: last.customers,
        base_rate: last.base_rate,
        auc: wanted
            .iter()
            .filter_map(|w| {
                let s = last.scores.iter().find(|s| s.score == *w)?;
                Some((s.score.clone(), s.auc?))
            })
            .collect(),
        holdout: b.holdout,
        calibration,
    })
}
