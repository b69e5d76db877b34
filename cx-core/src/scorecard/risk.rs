//! The churn sections: the signals of every customer, the at-risk list and
//! the purchase model behind P(alive).

use std::hash::Hash;

use chrono::NaiveDate;

use super::{ModelSection, RiskSection, ScorecardOptions, ShopTables};
use crate::error::Result;
use crate::retention::Transactions;
use crate::signals::{Contacts, Deliveries, Feedback, SignalInputs, SignalOptions, signals};

/// The tables as the signals read them; `no_scores` and `no_resolved`
/// stand in for an NPS or resolution column a table lacks.
pub(super) fn signal_inputs<'a, K>(
    t: &'a ShopTables<'a, K>,
    no_scores: &'a [f64],
    no_resolved: &'a [Option<i64>],
) -> SignalInputs<'a, K> {
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

pub(super) fn sections<K: Hash + Eq + Ord + Clone>(
    si: &SignalInputs<'_, K>,
    as_of: NaiveDate,
    s: &ScorecardOptions,
    notes: &mut Vec<String>,
) -> Result<Sections<K>> {
    let options = SignalOptions {
        as_of: Some(as_of),
        ..s.signals.clone()
    };
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
