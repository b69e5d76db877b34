//! The builder that collects signals per customer while the tables are
//! read; the rules of each table live in `orders.rs` and `experience.rs`.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;

use super::{
    CustomerRisk, RiskMethod, Signal, SignalKind, SignalOptions, SignalReport, TableRows, ValueAtRisk,
};
use crate::churn::AnyModel;

/// A delivery that was due: (customer, promised, days late or `None` when
/// on time, still pending).
pub(super) type Due = (usize, i64, Option<f64>, bool);

/// Collects signals per customer while the tables are read.
pub(super) struct Builder<K> {
    pub(super) as_of: i64,
    /// Each customer's position in `customers` (hashing once per row).
    pub(super) index: HashMap<K, usize, RandomState>,
    pub(super) customers: Vec<CustomerRisk<K>>,
    pub(super) tables: BTreeMap<&'static str, TableRows>,
    pub(super) model: Option<AnyModel>,
    pub(super) notes: Vec<String>,
}

impl<K: Hash + Eq + Ord + Clone> Builder<K> {
    pub(super) fn new(as_of: i64) -> Self {
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
    pub(super) fn id(&mut self, k: &K) -> usize {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        let i = self.customers.len();
        self.index.insert(k.clone(), i);
        self.customers.push(CustomerRisk {
            customer: k.clone(),
            risk: 0.0,
            risk_rules: 0.0,
            signals: Vec::new(),
            contributions: Vec::new(),
            p_no_order: None,
            clv: None,
            value_at_risk: None,
            at_risk: false,
            summary: None,
            orders: 0,
            last_order: None,
            p_alive: None,
            segment: None,
            lost: false,
        });
        i
    }

    pub(super) fn entry(&mut self, k: &K) -> &mut CustomerRisk<K> {
        let i = self.id(k);
        &mut self.customers[i]
    }

    pub(super) fn push(&mut self, k: &K, s: Signal) {
        self.entry(k).signals.push(s);
    }

    pub(super) fn finish(self, as_of: NaiveDate, options: &SignalOptions) -> SignalReport<K> {
        let mut notes = self.notes;
        let calibration = options.calibration.as_deref().filter(|c| {
            let usable = !c.uses_model() || self.model.is_some();
            if !usable {
                notes.push(
                    "the calibration needs the purchase model's forecast and there is none: risk uses the rules"
                        .into(),
                );
            }
            usable
        });
        let mut counts = BTreeMap::new();
        let mut customers: Vec<CustomerRisk<K>> = self
            .customers
            .into_iter()
            .map(|mut c| {
                c.signals
                    .sort_by(|a, b| b.strength.total_cmp(&a.strength).then(a.kind.cmp(&b.kind)));
                c.risk_rules = 1.0 - c.signals.iter().map(|s| 1.0 - s.strength).product::<f64>();
                c.risk = c.risk_rules;
                if let Some(cal) = calibration {
                    let (risk, terms) = cal.score(&c);
                    c.risk = risk;
                    let rank = |k: SignalKind| {
                        terms
                            .iter()
                            .position(|t| t.feature == k.as_str())
                            .unwrap_or(usize::MAX)
                    };
                    c.signals.sort_by_key(|s| rank(s.kind));
                    c.contributions = terms;
                }
                c.value_at_risk = c.clv.map(|v| v * c.risk);
                if !c.lost {
                    for s in &c.signals {
                        *counts.entry(s.kind).or_insert(0) += 1;
                    }
                }
                c
            })
            .collect();
        // Not lost first, then by risk (or value at risk); equal ones in ascending key order.
        let by_value = options.rank_by_value;
        let key = |c: &CustomerRisk<K>| {
            if by_value {
                c.value_at_risk.unwrap_or(0.0)
            } else {
                c.risk
            }
        };
        customers.sort_unstable_by(|a, b| {
            a.lost
                .cmp(&b.lost)
                .then(key(b).total_cmp(&key(a)))
                .then_with(|| a.customer.cmp(&b.customer))
        });
        let lost = customers.iter().filter(|c| c.lost).count();
        for (name, t) in &self.tables {
            if t.used == 0 && t.rows > 0 {
                notes.push(format!("{name}: no row on or before {as_of}"));
            }
        }
        notes.dedup();
        let at_risk = options.at_risk;
        let at_risk_rule = flag_at_risk(&mut customers, options, &mut notes);
        let at_risk_count = customers.iter().filter(|c| c.at_risk).count();
        let (risk_method, risk_meaning) = match calibration {
            Some(cal) => (
                RiskMethod::Calibrated,
                format!(
                    "risk is the probability of {} (calibrated on {} customer histories at {} cut-off days): of 100 customers with risk {at_risk}, about {} have that outcome",
                    cal.outcome.words(cal.horizon_days),
                    cal.trained_on.rows,
                    cal.trained_on.cutoffs.len(),
                    (100.0 * at_risk).round()
                ),
            ),
            None => (
                RiskMethod::Rules,
                format!(
                    "risk combines hand-set signal strengths (uncalibrated rules{}): it ranks customers but is not a probability",
                    if options.calibration.is_some() {
                        ", as the calibration could not be applied"
                    } else {
                        ""
                    }
                ),
            ),
        };
        let value_at_risk = value_at_risk(&customers);
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
            at_risk_rule,
            risk_method,
            risk_meaning,
            value_at_risk,
        }
    }
}

/// Flags the customers at risk by the options' rule (in ranking order, so
/// that a capacity keeps the highest ranked) and says the rule in words.
fn flag_at_risk<K>(customers: &mut [CustomerRisk<K>], o: &SignalOptions, notes: &mut Vec<String>) -> String {
    let mut rule = match o.contact_cost {
        Some(cost) => format!(
            "contacting pays: risk × CLV × {} (save rate) ≥ {cost} (contact cost)",
            o.save_rate
        ),
        None => format!("risk ≥ {}", o.at_risk),
    };
    let mut without_value = 0;
    let mut flagged = 0;
    for c in customers.iter_mut().filter(|c| !c.lost) {
        let pays = match o.contact_cost {
            Some(cost) => match c.clv {
                Some(v) => c.risk * v * o.save_rate >= cost,
                None => {
                    without_value += 1;
                    false
                }
            },
            None => c.risk >= o.at_risk,
        };
        if pays && o.at_risk_capacity.is_none_or(|n| flagged < n) {
            c.at_risk = true;
            flagged += 1;
        }
    }
    if let Some(n) = o.at_risk_capacity {
        rule.push_str(&format!(", at most {n} (the highest ranked)"));
    }
    if without_value > 0 {
        notes.push(format!(
            "{without_value} customers have no CLV (no order amounts or no orders): the contact-cost rule cannot flag them"
        ));
    }
    rule
}

/// Σ risk × CLV over the customers not lost, with its 90 % interval.
fn value_at_risk<K>(customers: &[CustomerRisk<K>]) -> Option<ValueAtRisk> {
    let mut v = ValueAtRisk {
        customers: 0,
        total: 0.0,
        low: 0.0,
        high: 0.0,
        clv: 0.0,
        by_segment: BTreeMap::new(),
    };
    let mut var = 0.0;
    for c in customers.iter().filter(|c| !c.lost) {
        let Some(clv) = c.clv else { continue };
        v.customers += 1;
        v.total += c.risk * clv;
        v.clv += clv;
        var += c.risk * (1.0 - c.risk) * clv * clv;
        if let Some(s) = &c.segment {
            *v.by_segment.entry(s.clone()).or_insert(0.0) += c.risk * clv;
        }
    }
    if v.customers == 0 {
        return None;
    }
    // 1.645: the normal 95th percentile, for a two-sided 90 % interval.
    let half = 1.645 * var.sqrt();
    v.low = (v.total - half).max(0.0);
    v.high = v.total + half;
    Some(v)
}
