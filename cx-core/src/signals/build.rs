//! The builder that collects signals per customer while the tables are
//! read; the rules of each table live in `orders.rs` and `experience.rs`.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;

use super::{CustomerRisk, Signal, SignalReport, TableRows};
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
            signals: Vec::new(),
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

    pub(super) fn finish(self, as_of: NaiveDate, at_risk: f64) -> SignalReport<K> {
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
