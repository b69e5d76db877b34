//! Promise gaps from operations data: delivery against the promise, answer
//! times against service levels, first-contact resolution and customers who
//! have to contact the shop again.

mod contacts;
mod delivery;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::stats;

pub use contacts::{
    AnswerTimeOptions, AnswerTimes, ChannelSwitch, FcrResult, RepeatContacts, RepeatOptions, answer_times,
    before_received, check_after_received, first_contact_resolution, repeat_contacts,
};
pub use delivery::{Delivery, DeliveryOptions, days_late, delivery};

/// Summary of a set of durations (or signed delays).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Values summarized.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Median (linear interpolation, numpy's default).
    pub median: f64,
    /// 90th percentile (same method).
    pub p90: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Distribution {
    pub(super) fn of(mut v: Vec<f64>) -> Option<Distribution> {
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let q = |p| stats::quantile_sorted(&v, p).unwrap_or(f64::NAN);
        Some(Distribution {
            n: v.len() as u64,
            mean: v.iter().sum::<f64>() / v.len() as f64,
            median: q(0.5),
            p90: q(0.9),
            min: v[0],
            max: v[v.len() - 1],
        })
    }
}

/// A result for one key (carrier, channel, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Keyed<K, T> {
    /// The key.
    pub key: K,
    /// The result of the rows with this key.
    #[serde(flatten)]
    pub result: T,
}

/// A result over all rows and, when keys were given, one per key in key
/// order. In JSON the overall fields come first and `groups` is present
/// only with keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grouped<K, T> {
    /// The result of all rows.
    #[serde(flatten)]
    pub overall: T,
    /// One result per key; `None` when no keys were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Keyed<K, T>>>,
}

/// Row indices per key, ordered by key.
pub(super) fn split<K: Ord>(keys: &[K]) -> BTreeMap<&K, Vec<usize>> {
    let mut m: BTreeMap<&K, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        m.entry(k).or_default().push(i);
    }
    m
}
