//! Delivery against the promise, in calendar days.

use serde::{Deserialize, Serialize};

use super::{Distribution, Grouped, Keyed, split};
use crate::error::{CxError, Result};
use crate::stats;
use crate::survey::Proportion;
use crate::time::TimeUnit;

/// Days late of a delivery: the calendar day (UTC) of `delivered` minus
/// that of `promised`, both in `unit`. A parcel promised for a day is on
/// time all that day, whatever time of day the promise carries; negative
/// is early. The one lateness rule of cx: [`delivery`], the
/// `late_deliveries` signal and `cx report` all use it.
///
/// # Examples
/// ```
/// use cx::gaps::days_late;
/// use cx::time::TimeUnit;
/// let h = 3_600;
/// assert_eq!(days_late(TimeUnit::Seconds, 10 * h, 23 * h), 0); // same day
/// assert_eq!(days_late(TimeUnit::Seconds, 23 * h, 25 * h), 1); // the next day
/// ```
pub fn days_late(unit: TimeUnit, promised: i64, delivered: i64) -> i64 {
    unit.day_of(delivered) - unit.day_of(promised)
}

/// Options of [`delivery`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliveryOptions {
    /// Days after the promised day a delivery still counts as on time; 0
    /// by default.
    pub grace_days: f64,
    /// Confidence level of the shares' intervals; 0.95 by default.
    pub level: f64,
}

impl Default for DeliveryOptions {
    fn default() -> Self {
        DeliveryOptions {
            grace_days: 0.0,
            level: 0.95,
        }
    }
}

/// Delivery against the promise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Orders in the input.
    pub orders: u64,
    /// Orders delivered (used for the shares and delays).
    pub delivered: u64,
    /// Orders not delivered yet: reported, not dropped, not in the shares.
    pub pending: u64,
    /// Share of delivered orders that arrived by the promised day (+
    /// grace), with a Wilson interval; `None` when nothing was delivered.
    pub on_time: Option<Proportion>,
    /// Share of delivered orders that arrived before the promised day.
    pub early: Option<Proportion>,
    /// Delay in whole days of the delivered orders ([`days_late`];
    /// negative is early).
    pub delay_days: Option<Distribution>,
    /// Lateness in days of the late orders only.
    pub lateness_days: Option<Distribution>,
}

/// On-time delivery: `promised` and `delivered` timestamps per order in
/// `unit` (`None` = not delivered yet). Lateness is counted in calendar
/// days ([`days_late`]): an order is on time when it arrives at most
/// `grace_days` days after the promised day. Returns the overall result
/// and, with `keys` (carrier, shipping option, week), one per key in key
/// order.
///
/// # Errors
/// [`CxError::Empty`] for no orders; [`CxError::LengthMismatch`];
/// [`CxError::InvalidParameter`] for a negative or non-finite grace or a
/// level outside (0, 1).
///
/// # Examples
/// ```
/// use cx::gaps::{delivery, DeliveryOptions};
/// use cx::time::TimeUnit;
/// // Days: promised day 10 for all; delivered on 9, 10, 13 and not yet.
/// let r = delivery::<&str>(&[10, 10, 10, 10], &[Some(9), Some(10), Some(13), None], TimeUnit::Days, None, &DeliveryOptions::default())?;
/// assert_eq!((r.overall.delivered, r.overall.pending), (3, 1));
/// assert_eq!(r.overall.on_time.unwrap().successes, 2);
/// assert_eq!(r.overall.lateness_days.unwrap().max, 3.0);
/// assert!(r.groups.is_none());
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn delivery<K: Ord + Clone>(
    promised: &[i64],
    delivered: &[Option<i64>],
    unit: TimeUnit,
    keys: Option<&[K]>,
    options: &DeliveryOptions,
) -> Result<Grouped<K, Delivery>> {
    let level = stats::check_level(options.level)?;
    let n = promised.len();
    if n == 0 {
        return Err(CxError::Empty { argument: "promised" });
    }
    CxError::check_len("delivered", delivered.len(), "promised", n)?;
    let grace = options.grace_days;
    if !(grace.is_finite() && grace >= 0.0) {
        return Err(CxError::invalid("grace_days", grace, "days >= 0"));
    }
    let one = |rows: &mut dyn Iterator<Item = usize>| -> Delivery {
        let (mut orders, mut pending, mut on_time, mut early) = (0u64, 0u64, 0u64, 0u64);
        let (mut delays, mut late) = (Vec::new(), Vec::new());
        for i in rows {
            orders += 1;
            let Some(d) = delivered[i] else {
                pending += 1;
                continue;
            };
            let delay = days_late(unit, promised[i], d) as f64;
            delays.push(delay);
            if delay <= grace {
                on_time += 1;
            } else {
                late.push(delay);
            }
            if delay < 0.0 {
                early += 1;
            }
        }
        let done = orders - pending;
        let share = |s| (done > 0).then(|| Proportion::from_counts(s, done, level));
        Delivery {
            orders,
            delivered: done,
            pending,
            on_time: share(on_time),
            early: share(early),
            delay_days: Distribution::of(delays),
            lateness_days: Distribution::of(late),
        }
    };
    let overall = one(&mut (0..n));
    let groups = match keys {
        None => None,
        Some(k) => {
            CxError::check_len("keys", k.len(), "promised", n)?;
            Some(
                split(k)
                    .into_iter()
                    .map(|(key, rows)| Keyed {
                        key: key.clone(),
                        result: one(&mut rows.into_iter()),
                    })
                    .collect(),
            )
        }
    };
    Ok(Grouped { overall, groups })
}
