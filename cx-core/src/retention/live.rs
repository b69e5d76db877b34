//! Live per-order scoring: each customer's buy-till-you-die summary kept
//! current as orders happen, without keeping the orders.
//!
//! A customer's frequency, recency and T depend on their orders only
//! through the first and last purchase period and the number of distinct
//! purchase periods; the monetary value through the spend of the first
//! period and the spend of all later ones (Fader, Hardie & Lee 2005: the
//! sufficient statistics of BG/NBD and gamma-gamma). [`CustomerState`]
//! holds exactly these (56 bytes a customer); [`LiveSummary`] is a table of
//! them that takes order events one at a time or in batches, merges with
//! another table (a shard, yesterday's state), serializes to bytes, turns
//! into the same [`CustomerSummary`] that [`customer_summary`] gives for the
//! same orders, and scores a customer with a fitted model.
//!
//! One limit follows from keeping no orders: an order that arrives late,
//! strictly between a customer's first and last purchase periods, may or
//! may not open a new period, and the state cannot tell. Such an order is a
//! typed error ([`CxError::OutOfRange`] naming the customer); orders in the
//! first or last period, before the first or after the last are exact in
//! any order. Two tables merge exactly unless both hold several periods of
//! one customer that interleave.
//!
//! [`customer_summary`]: super::customer_summary

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDate;
use foldhash::fast::RandomState;
use serde::{Deserialize, Serialize};

use super::purchases::{PurchaseOptions, Purchases, RowReport, Transactions};
use super::summary::{CustomerSummary, check_multiplier};
use crate::churn::{AnyModel, ChurnModel};
use crate::error::{CxError, Result};
use crate::time::{TimeBucket, TimeUnit, bucket_id, bucket_start, day_of_date};

/// Options of a [`LiveSummary`]: the same period rules as
/// [`SummaryOptions`](super::SummaryOptions).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveOptions {
    /// Period unit: orders of a customer within one period are one purchase.
    pub period: TimeBucket,
    /// Recency and T are divided by this (7 with `period = day` gives weeks).
    pub multiplier: f64,
    /// Accept negative amounts (refunds); rejected by default.
    pub allow_negative_amounts: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            period: TimeBucket::Day,
            multiplier: 1.0,
            allow_negative_amounts: false,
        }
    }
}

impl LiveOptions {
    fn check(&self) -> Result<()> {
        check_multiplier(self.multiplier)
    }
}

/// One customer's sufficient statistics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerState {
    /// Period id of the first purchase (see [`Purchases::period_start`]).
    pub first: i64,
    /// Period id of the last purchase.
    pub last: i64,
    /// Distinct purchase periods (frequency + 1).
    pub periods: u32,
    /// Orders recorded (several orders in one period are one purchase).
    pub orders: u64,
    /// Spend in the first period.
    pub first_spend: f64,
    /// Spend in all later periods.
    pub repeat_spend: f64,
}

/// Why two states cannot be combined exactly.
enum Clash {
    /// A period strictly between the first and the last one.
    Inside(i64),
    /// Two multi-period states that overlap.
    Overlap,
}

impl CustomerState {
    /// A customer's first order.
    fn new(period: i64, amount: f64) -> Self {
        CustomerState {
            first: period,
            last: period,
            periods: 1,
            orders: 1,
            first_spend: amount,
            repeat_spend: 0.0,
        }
    }

    /// Adds `orders` orders in one period `p` with total `spend`.
    fn add_period(&self, p: i64, spend: f64, orders: u64) -> std::result::Result<Self, Clash> {
        let mut s = *self;
        s.orders = s.orders.saturating_add(orders);
        if p == s.first {
            s.first_spend += spend;
        } else if p == s.last {
            s.repeat_spend += spend;
        } else if p < s.first {
            s.periods += 1;
            s.repeat_spend += s.first_spend;
            s.first_spend = spend;
            s.first = p;
        } else if p > s.last {
            s.periods += 1;
            s.repeat_spend += spend;
            s.last = p;
        } else {
            return Err(Clash::Inside(p));
        }
        Ok(s)
    }

    /// `early` then `late`, where `early.last <= late.first` and neither is
    /// a single period.
    fn join(early: &Self, late: &Self) -> Self {
        CustomerState {
            first: early.first,
            last: late.last,
            periods: early.periods + late.periods - u32::from(early.last == late.first),
            orders: early.orders.saturating_add(late.orders),
            first_spend: early.first_spend,
            repeat_spend: early.repeat_spend + late.first_spend + late.repeat_spend,
        }
    }

    /// Both states' orders in one state, when that is exact.
    fn combine(&self, other: &Self) -> std::result::Result<Self, Clash> {
        if other.periods == 1 {
            self.add_period(other.first, other.first_spend, other.orders)
        } else if self.periods == 1 {
            other.add_period(self.first, self.first_spend, self.orders)
        } else if self.last <= other.first {
            Ok(Self::join(self, other))
        } else if other.last <= self.first {
            Ok(Self::join(other, self))
        } else {
            Err(Clash::Overlap)
        }
    }

    /// Frequency, recency and T at period `end`, in the table's units.
    fn row(&self, end: i64, multiplier: f64) -> (f64, f64, f64) {
        (
            f64::from(self.periods - 1),
            (self.last - self.first) as f64 / multiplier,
            (end - self.first) as f64 / multiplier,
        )
    }

    /// Mean spend per repeat purchase (0 without repeats), as in the summary.
    pub fn monetary_value(&self) -> f64 {
        if self.periods > 1 {
            self.repeat_spend / f64::from(self.periods - 1)
        } else {
            0.0
        }
    }

    /// The invariants of every state reachable from orders.
    fn validate(&self, allow_negative: bool) -> std::result::Result<(), String> {
        let span = self
            .last
            .checked_sub(self.first)
            .ok_or("first and last too far apart")?;
        if self.periods == 0
            || span < 0
            || (self.periods == 1) != (span == 0)
            || i64::from(self.periods) > span + 1
        {
            return Err(format!(
                "{} purchase periods cannot lie in periods {}..={}",
                self.periods, self.first, self.last
            ));
        }
        if self.orders < u64::from(self.periods) {
            return Err(format!(
                "{} orders cannot make {} purchases",
                self.orders, self.periods
            ));
        }
        if !(self.first_spend.is_finite() && self.repeat_spend.is_finite()) {
            return Err("a spend that is not finite".into());
        }
        if !allow_negative && (self.first_spend < 0.0 || self.repeat_spend < 0.0) {
            return Err("a negative spend in a table that rejects negative amounts".into());
        }
        if self.periods == 1 && self.repeat_spend != 0.0 {
            return Err("repeat spend without a repeat purchase".into());
        }
        Ok(())
    }
}

/// What [`LiveSummary::score`] computes besides the summary row.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScoreOptions {
    /// Expected purchases in the coming `horizon` (the table's time unit).
    pub horizon: Option<f64>,
    /// The churn deadline for this P(alive) threshold, in (0, 1).
    pub deadline_threshold: Option<f64>,
}

/// One customer's live score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveScore {
    /// Repeat purchases x.
    pub frequency: f64,
    /// Recency tₓ.
    pub recency: f64,
    /// Age T at the scoring day.
    pub t: f64,
    /// Mean spend per repeat purchase (0 without repeats); `None` when an
    /// order of the table came without an amount.
    pub monetary_value: Option<f64>,
    /// P(alive).
    pub probability_alive: f64,
    /// Expected purchases in the coming `horizon`, when asked.
    pub expected_purchases: Option<f64>,
    /// Time after the scoring day until P(alive) of a silent customer falls
    /// below the threshold, when asked; `None` also when it never does.
    pub churn_deadline: Option<f64>,
}

/// Every customer's [`CustomerState`], updated per order.
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use cx::churn::{AnyModel, BetaGeo};
/// use cx::retention::{LiveOptions, LiveSummary, ScoreOptions};
/// use cx::time::{parse_timestamp_ms, TimeUnit};
///
/// let mut live = LiveSummary::new(LiveOptions::default())?;
/// for (customer, day, amount) in [("a", "2024-01-01", 10.0), ("a", "2024-01-11", 5.0), ("b", "2024-01-05", 3.0), ("a", "2024-01-11", 7.0)] {
///     let ts = parse_timestamp_ms(day).expect("a date");
///     live.record(customer.to_owned(), ts, TimeUnit::Milliseconds, Some(amount))?;
/// }
/// let end = NaiveDate::from_ymd_opt(2024, 1, 11);
/// let s = live.summary(end)?;
/// assert_eq!(s.frequency, [1, 0]);
/// assert_eq!(s.recency, [10.0, 0.0]);
/// assert_eq!(s.t, [10.0, 6.0]);
/// assert_eq!(s.monetary_value, Some(vec![12.0, 0.0]));
/// assert_eq!(s.report.merged, 1);
///
/// let model = AnyModel::BgNbd(BetaGeo::new(0.24, 4.41, 0.79, 2.43)?);
/// let score = live.score(&"a".to_owned(), &model, end, &ScoreOptions { horizon: Some(30.0), deadline_threshold: Some(0.5) })?;
/// assert!(score.probability_alive > 0.0 && score.probability_alive <= 1.0);
/// assert!(score.expected_purchases.is_some());
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone)]
pub struct LiveSummary<K> {
    options: LiveOptions,
    states: HashMap<K, CustomerState, RandomState>,
    /// Orders recorded without an amount.
    unpriced: u64,
}

impl<K: Hash + Eq> PartialEq for LiveSummary<K> {
    fn eq(&self, other: &Self) -> bool {
        self.options == other.options && self.unpriced == other.unpriced && self.states == other.states
    }
}

/// The period of a timestamp, with the batch summary's calendar checks.
fn period_of(bucket: TimeBucket, timestamp: i64, unit: TimeUnit, index: usize) -> Result<i64> {
    if timestamp == i64::MIN {
        return Err(CxError::Missing {
            argument: "timestamps",
            index,
        });
    }
    let day = unit.day_of(timestamp);
    // The batch summary's calendar: years 1 to 9999.
    let id = (-719_162..=2_932_896)
        .contains(&day)
        .then(|| bucket_id(bucket, day))
        .flatten();
    id.ok_or_else(|| CxError::OutOfRange {
        argument: "timestamps",
        index,
        value: timestamp.to_string(),
        allowed: "a time in the years 1 to 9999".into(),
    })
}

impl<K: Hash + Eq + Clone + Ord + std::fmt::Display> LiveSummary<K> {
    /// An empty table.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a multiplier that is not positive.
    pub fn new(options: LiveOptions) -> Result<Self> {
        options.check()?;
        Ok(LiveSummary {
            options,
            states: HashMap::default(),
            unpriced: 0,
        })
    }

    /// The table's options.
    pub fn options(&self) -> &LiveOptions {
        &self.options
    }

    /// Customers in the table.
    pub fn len(&self) -> usize {
        self.states.len()
    }

    /// Whether no order was recorded.
    pub fn is_empty(&self) -> bool {
        self.states.is_empty()
    }

    /// Orders recorded.
    pub fn orders(&self) -> u64 {
        self.states.values().fold(0, |n, s| n.saturating_add(s.orders))
    }

    /// Orders recorded without an amount (then there is no monetary value).
    pub fn unpriced(&self) -> u64 {
        self.unpriced
    }

    /// A customer's state.
    pub fn state(&self, customer: &K) -> Option<&CustomerState> {
        self.states.get(customer)
    }

    /// First day of period `id` in this table's period unit.
    pub fn period_start(&self, id: i64) -> Option<NaiveDate> {
        bucket_start(self.options.period, id)
    }

    fn check_amount(&self, amount: Option<f64>, index: usize) -> Result<f64> {
        let Some(v) = amount else { return Ok(0.0) };
        if !v.is_finite() {
            return Err(CxError::NotFinite {
                argument: "amounts",
                index,
                value: v,
            });
        }
        if v < 0.0 && !self.options.allow_negative_amounts {
            return Err(CxError::OutOfRange {
                argument: "amounts",
                index,
                value: v.to_string(),
                allowed: ">= 0 (allow negative amounts explicitly to include refunds)".into(),
            });
        }
        Ok(v)
    }

    fn clash(&self, customer: &K, state: &CustomerState, clash: Clash, index: usize) -> CxError {
        let day = |p: i64| {
            self.period_start(p)
                .map_or_else(|| p.to_string(), |d| d.to_string())
        };
        let (value, what) = match clash {
            Clash::Inside(p) => (day(p), "an order"),
            Clash::Overlap => (format!("{}..{}", day(state.first), day(state.last)), "purchases"),
        };
        CxError::OutOfRange {
            argument: "customers",
            index,
            value: format!("{customer}: {what} in {value}"),
            allowed: format!(
                "orders in, before or after the first ({}) and last ({}) purchase periods: the \
                 live state keeps no orders in between, so it cannot tell whether this is a new \
                 purchase period (record each customer's orders in time order, or rebuild the \
                 table from the transactions)",
                day(state.first),
                day(state.last)
            ),
        }
    }

    /// Records one order of `customer` at `timestamp` (in `unit`) with its
    /// amount, if known. Unchanged on error.
    ///
    /// # Errors
    /// [`CxError::Missing`] for a `NaT` timestamp, [`CxError::OutOfRange`]
    /// for a time outside the years 1 to 9999, a negative amount (unless
    /// allowed) or an order strictly between the customer's first and last
    /// purchase periods; [`CxError::NotFinite`] for a NaN amount.
    pub fn record(&mut self, customer: K, timestamp: i64, unit: TimeUnit, amount: Option<f64>) -> Result<()> {
        let period = period_of(self.options.period, timestamp, unit, 0)?;
        let spend = self.check_amount(amount, 0)?;
        match self.states.get_mut(&customer) {
            Some(s) => {
                let next = s.add_period(period, spend, 1);
                *s = match next {
                    Ok(n) => n,
                    Err(c) => {
                        let state = *s;
                        return Err(self.clash(&customer, &state, c, 0));
                    }
                };
            }
            None => {
                self.states.insert(customer, CustomerState::new(period, spend));
            }
        }
        self.unpriced = self.unpriced.saturating_add(u64::from(amount.is_none()));
        Ok(())
    }

    /// Records a batch of orders in any order (grouped per customer and
    /// period first, as the batch summary does). All or nothing: on error
    /// the table is unchanged.
    ///
    /// # Errors
    /// As [`Purchases::from_transactions`] (rows named by index); an order
    /// strictly between an already recorded customer's first and last
    /// purchase periods ([`CxError::OutOfRange`] naming the customer).
    pub fn record_all(&mut self, tx: &Transactions<'_, K>) -> Result<()> {
        self.record_mapped(tx, K::clone)
    }

    /// [`record_all`](Self::record_all) of rows keyed by `J` (key codes),
    /// each customer's key made once by `key`.
    pub(crate) fn record_mapped<J: Hash + Eq + Ord + Clone>(
        &mut self,
        tx: &Transactions<'_, J>,
        key: impl Fn(&J) -> K,
    ) -> Result<()> {
        let options = PurchaseOptions {
            bucket: Some(self.options.period),
            observation_end: None,
            allow_negative_amounts: self.options.allow_negative_amounts,
        };
        let p = Purchases::from_transactions(tx, &options)?;
        // Orders and first row per customer, for the merged-row count and
        // for naming the row of a customer that cannot be merged.
        let mut rows: HashMap<&J, (u64, usize), RandomState> = HashMap::default();
        for (r, k) in tx.customers.iter().enumerate() {
            rows.entry(k).or_insert((0, r)).0 += 1;
        }
        let mut batch = LiveSummary::new(self.options)?;
        let mut first_row: HashMap<K, usize, RandomState> = HashMap::default();
        for (i, c) in p.customers.iter().enumerate() {
            let (periods, amounts) = p.of(i);
            let (orders, row) = rows.get(c).copied().unwrap_or((1, 0));
            let state = CustomerState {
                first: periods[0],
                last: periods[periods.len() - 1],
                periods: periods.len() as u32,
                orders,
                first_spend: amounts[0],
                // fold from +0.0: `sum` of no floats is −0.0, which would change the bytes.
                repeat_spend: amounts[1..].iter().fold(0.0, |acc, a| acc + a),
            };
            let k = key(c);
            first_row.insert(k.clone(), row);
            batch.states.insert(k, state);
        }
        batch.unpriced = if tx.amounts.is_some() {
            0
        } else {
            tx.customers.len() as u64
        };
        self.merge_named(&batch, |k| first_row.get(k).copied().unwrap_or(0))
    }

    /// Adds every order of `other` (a shard, another day's table). All or
    /// nothing: on error `self` is unchanged. Exact whenever no customer's
    /// purchase periods in the two tables interleave: tables of disjoint
    /// customers merge in any order; tables of consecutive stretches of time
    /// merge neighbour by neighbour (a tree reduction over time-ordered
    /// partitions), either one into the other.
    ///
    /// # Errors
    /// [`CxError::Incompatible`] for different options;
    /// [`CxError::OutOfRange`] naming a customer whose purchase periods in
    /// the two tables interleave.
    pub fn merge(&mut self, other: &LiveSummary<K>) -> Result<()> {
        self.merge_named(other, |_| 0)
    }

    fn merge_named(&mut self, other: &LiveSummary<K>, row: impl Fn(&K) -> usize) -> Result<()> {
        if other.options != self.options {
            return Err(CxError::Incompatible {
                argument: "options",
                left: format!("{:?}", self.options),
                right: format!("{:?}", other.options),
            });
        }
        let mut combined = Vec::new();
        for (k, o) in &other.states {
            if let Some(s) = self.states.get(k) {
                match s.combine(o) {
                    Ok(c) => combined.push((k, c)),
                    Err(c) => return Err(self.clash(k, s, c, row(k))),
                }
            }
        }
        self.states.reserve(other.states.len() - combined.len());
        for (k, c) in combined {
            if let Some(s) = self.states.get_mut(k) {
                *s = c;
            }
        }
        for (k, o) in &other.states {
            if !self.states.contains_key(k) {
                self.states.insert(k.clone(), *o);
            }
        }
        self.unpriced = self.unpriced.saturating_add(other.unpriced);
        Ok(())
    }

    fn end_period(&self, observation_end: Option<NaiveDate>) -> Result<i64> {
        match observation_end {
            Some(date) => bucket_id(self.options.period, day_of_date(date))
                .ok_or_else(|| CxError::invalid("observation_end", date, "a representable date")),
            None => self.states.values().map(|s| s.last).max().ok_or(CxError::Empty {
                argument: "customers",
            }),
        }
    }

    fn after_end(&self, customer: &K, s: &CustomerState, end: i64) -> CxError {
        let day = |p: i64| {
            self.period_start(p)
                .map_or_else(|| p.to_string(), |d| d.to_string())
        };
        CxError::invalid(
            "observation_end",
            day(end),
            format!(
                "a day on or after customer {customer}'s last purchase ({})",
                day(s.last)
            ),
        )
    }

    /// The buy-till-you-die summary at `observation_end` (default: the last
    /// recorded purchase period): the same numbers as
    /// [`customer_summary`](super::customer_summary) of the same orders,
    /// customers ascending, `first_purchase` the first day of each first
    /// period. The row report counts the recorded orders (`rows`, `used`),
    /// the orders merged into a period, and no rows after the end.
    ///
    /// # Errors
    /// [`CxError::Empty`] for an empty table;
    /// [`CxError::InvalidParameter`] when a customer bought after
    /// `observation_end` (a live table keeps no orders to leave out).
    pub fn summary(&self, observation_end: Option<NaiveDate>) -> Result<CustomerSummary<K>> {
        if self.states.is_empty() {
            return Err(CxError::Empty {
                argument: "customers",
            });
        }
        let end = self.end_period(observation_end)?;
        let mut rows: Vec<(&K, &CustomerState)> = self.states.iter().collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let m = rows.len();
        let priced = self.unpriced == 0;
        let mut s = CustomerSummary {
            customers: Vec::with_capacity(m),
            frequency: Vec::with_capacity(m),
            recency: Vec::with_capacity(m),
            t: Vec::with_capacity(m),
            monetary_value: priced.then(|| Vec::with_capacity(m)),
            first_purchase: Vec::with_capacity(m),
            report: RowReport::default(),
        };
        let mut orders: usize = 0;
        let mut purchases = 0;
        for (k, st) in rows {
            if st.last > end {
                return Err(self.after_end(k, st, end));
            }
            let (x, tx, t) = st.row(end, self.options.multiplier);
            s.customers.push(k.clone());
            s.frequency.push(st.periods - 1);
            s.recency.push(tx);
            s.t.push(t);
            debug_assert_eq!(f64::from(st.periods - 1), x);
            if let Some(mv) = s.monetary_value.as_mut() {
                mv.push(st.monetary_value());
            }
            s.first_purchase
                .push(self.period_start(st.first).unwrap_or_default());
            orders = orders.saturating_add(st.orders as usize);
            purchases += st.periods as usize;
        }
        s.report = RowReport {
            rows: orders,
            used: orders,
            merged: orders.saturating_sub(purchases),
            after_end: 0,
            customers: m,
        };
        Ok(s)
    }

    /// Scores `customer` at `as_of` with a purchase model: the summary row,
    /// P(alive), and, when asked, the expected purchases in the coming
    /// horizon and the churn deadline.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a customer not in the table, a
    /// gamma-gamma model, a horizon that is not positive, a threshold
    /// outside (0, 1), or an `as_of` before the customer's last purchase.
    pub fn score(
        &self,
        customer: &K,
        model: &AnyModel,
        as_of: Option<NaiveDate>,
        options: &ScoreOptions,
    ) -> Result<LiveScore> {
        let st = self
            .states
            .get(customer)
            .ok_or_else(|| CxError::invalid("customer", customer, "a customer with a recorded order"))?;
        let m: &dyn ChurnModel = model.purchase_model().ok_or_else(|| {
            CxError::invalid(
                "model",
                "gamma_gamma",
                "a purchase model (bg_nbd, mbg_nbd or pareto_nbd)",
            )
        })?;
        if let Some(h) = options.horizon
            && !(h.is_finite() && h > 0.0)
        {
            return Err(CxError::invalid("horizon", h, "a positive number"));
        }
        if let Some(q) = options.deadline_threshold
            && !(q > 0.0 && q < 1.0)
        {
            return Err(CxError::invalid(
                "deadline_threshold",
                q,
                "a probability strictly between 0 and 1",
            ));
        }
        let end = self.end_period(as_of)?;
        if st.last > end {
            return Err(self.after_end(customer, st, end));
        }
        let (x, tx, t) = st.row(end, self.options.multiplier);
        Ok(LiveScore {
            frequency: x,
            recency: tx,
            t,
            monetary_value: (self.unpriced == 0).then(|| st.monetary_value()),
            probability_alive: m.probability_alive(x, tx, t),
            expected_purchases: options
                .horizon
                .map(|h| m.conditional_expected_purchases(h, x, tx, t)),
            churn_deadline: options
                .deadline_threshold
                .and_then(|q| m.churn_deadline(q, x, tx, t)),
        })
    }
}

/// Keys a [`LiveSummary`] can write to bytes.
pub trait LiveKey: Sized {
    /// Appends the key.
    fn write(&self, out: &mut Vec<u8>);
    /// Reads a key at `pos`, advancing it.
    ///
    /// # Errors
    /// A description of what is wrong.
    fn read(bytes: &[u8], pos: &mut usize) -> std::result::Result<Self, String>;
}

fn take<'a>(bytes: &'a [u8], pos: &mut usize, n: usize) -> std::result::Result<&'a [u8], String> {
    let end = pos.checked_add(n).filter(|&e| e <= bytes.len()).ok_or_else(|| {
        format!(
            "truncated: {n} more bytes needed at offset {pos} of {}",
            bytes.len()
        )
    })?;
    let s = &bytes[*pos..end];
    *pos = end;
    Ok(s)
}

fn word<const N: usize>(bytes: &[u8], pos: &mut usize) -> std::result::Result<[u8; N], String> {
    let mut b = [0u8; N];
    b.copy_from_slice(take(bytes, pos, N)?);
    Ok(b)
}

impl LiveKey for String {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        out.extend_from_slice(self.as_bytes());
    }
    fn read(bytes: &[u8], pos: &mut usize) -> std::result::Result<Self, String> {
        let n = u32::from_le_bytes(word(bytes, pos)?) as usize;
        let b = take(bytes, pos, n)?;
        String::from_utf8(b.to_vec()).map_err(|_| format!("a customer key at offset {pos} is not UTF-8"))
    }
}

impl LiveKey for i64 {
    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn read(bytes: &[u8], pos: &mut usize) -> std::result::Result<Self, String> {
        Ok(i64::from_le_bytes(word(bytes, pos)?))
    }
}

/// A customer id as the bindings receive it: an integer or a text.
/// Integers sort before texts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CustomerId {
    /// An integer id.
    Int(i64),
    /// A text id.
    Text(String),
}

impl std::fmt::Display for CustomerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CustomerId::Int(i) => write!(f, "{i}"),
            CustomerId::Text(s) => write!(f, "{s:?}"),
        }
    }
}

impl LiveKey for CustomerId {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            CustomerId::Int(i) => {
                out.push(0);
                i.write(out);
            }
            CustomerId::Text(s) => {
                out.push(1);
                s.write(out);
            }
        }
    }
    fn read(bytes: &[u8], pos: &mut usize) -> std::result::Result<Self, String> {
        match word::<1>(bytes, pos)?[0] {
            0 => Ok(CustomerId::Int(i64::read(bytes, pos)?)),
            1 => Ok(CustomerId::Text(String::read(bytes, pos)?)),
            t => Err(format!("unknown key tag {t} at offset {}", *pos - 1)),
        }
    }
}

const MAGIC: &[u8; 4] = b"CXLV";
const VERSION: u8 = 1;
/// Bytes of one customer's state after its key.
const STATE_LEN: usize = 8 + 8 + 4 + 8 + 8 + 8;

impl<K: LiveKey + Hash + Eq + Clone + Ord + std::fmt::Display> LiveSummary<K> {
    /// Encodes the table in cx's versioned binary format (little endian):
    /// magic `CXLV`, version byte, period (0 day, 1 week, 2 month),
    /// multiplier (f64), negative amounts allowed (u8), unpriced orders
    /// (u64), customers (u64), then per customer, ascending, its key and
    /// first, last (i64), periods (u32), orders (u64), first and repeat
    /// spend (f64). Equal tables give equal bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(31 + self.states.len() * (STATE_LEN + 12));
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(match self.options.period {
            TimeBucket::Day => 0,
            TimeBucket::Week => 1,
            TimeBucket::Month => 2,
        });
        out.extend_from_slice(&self.options.multiplier.to_le_bytes());
        out.push(u8::from(self.options.allow_negative_amounts));
        out.extend_from_slice(&self.unpriced.to_le_bytes());
        out.extend_from_slice(&(self.states.len() as u64).to_le_bytes());
        let mut rows: Vec<(&K, &CustomerState)> = self.states.iter().collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (k, s) in rows {
            k.write(&mut out);
            out.extend_from_slice(&s.first.to_le_bytes());
            out.extend_from_slice(&s.last.to_le_bytes());
            out.extend_from_slice(&s.periods.to_le_bytes());
            out.extend_from_slice(&s.orders.to_le_bytes());
            out.extend_from_slice(&s.first_spend.to_le_bytes());
            out.extend_from_slice(&s.repeat_spend.to_le_bytes());
        }
        out
    }

    /// Decodes bytes written by [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`CxError::Decode`] naming `bytes` for a wrong magic or version,
    /// truncated or trailing bytes, a customer listed twice or a state no
    /// sequence of orders could have produced.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::decode(bytes).map_err(|reason| CxError::Decode {
            argument: "bytes",
            reason,
        })
    }

    fn decode(bytes: &[u8]) -> std::result::Result<Self, String> {
        let pos = &mut 0;
        if take(bytes, pos, 4)? != MAGIC {
            return Err("wrong magic: not a cx live summary".into());
        }
        let version = word::<1>(bytes, pos)?[0];
        if version != VERSION {
            return Err(format!(
                "format version {version} is not supported (this build reads {VERSION})"
            ));
        }
        let period = match word::<1>(bytes, pos)?[0] {
            0 => TimeBucket::Day,
            1 => TimeBucket::Week,
            2 => TimeBucket::Month,
            p => return Err(format!("unknown period code {p}")),
        };
        let multiplier = f64::from_le_bytes(word(bytes, pos)?);
        let allow_negative_amounts = match word::<1>(bytes, pos)?[0] {
            0 => false,
            1 => true,
            b => return Err(format!("flag byte {b} is neither 0 nor 1")),
        };
        let options = LiveOptions {
            period,
            multiplier,
            allow_negative_amounts,
        };
        options.check().map_err(|e| e.to_string())?;
        let unpriced = u64::from_le_bytes(word(bytes, pos)?);
        let n = u64::from_le_bytes(word(bytes, pos)?);
        // Checked before allocating: every customer needs STATE_LEN bytes.
        let room = (bytes.len() - *pos) / STATE_LEN;
        if n > room as u64 {
            return Err(format!("{n} customers cannot fit in {} bytes", bytes.len()));
        }
        let mut states = HashMap::with_capacity_and_hasher(n as usize, RandomState::default());
        let mut orders = 0u64;
        for _ in 0..n {
            let k = K::read(bytes, pos)?;
            let s = CustomerState {
                first: i64::from_le_bytes(word(bytes, pos)?),
                last: i64::from_le_bytes(word(bytes, pos)?),
                periods: u32::from_le_bytes(word(bytes, pos)?),
                orders: u64::from_le_bytes(word(bytes, pos)?),
                first_spend: f64::from_le_bytes(word(bytes, pos)?),
                repeat_spend: f64::from_le_bytes(word(bytes, pos)?),
            };
            s.validate(allow_negative_amounts)
                .map_err(|e| format!("customer {k}: {e}"))?;
            if bucket_start(period, s.first).is_none() || bucket_start(period, s.last).is_none() {
                return Err(format!("customer {k}: a period outside the calendar"));
            }
            orders = orders.saturating_add(s.orders);
            if states.insert(k.clone(), s).is_some() {
                return Err(format!("customer {k} is listed twice"));
            }
        }
        if *pos != bytes.len() {
            return Err(format!("{} trailing bytes", bytes.len() - *pos));
        }
        if unpriced > orders {
            return Err(format!("{unpriced} unpriced orders of {orders}"));
        }
        Ok(LiveSummary {
            options,
            states,
            unpriced,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(d: &str) -> i64 {
        crate::time::parse_timestamp_ms(d).expect("a date")
    }

    fn table(rows: &[(&str, &str, f64)]) -> LiveSummary<String> {
        let mut t = LiveSummary::new(LiveOptions::default()).expect("options");
        for (c, d, a) in rows {
            t.record((*c).to_owned(), ts(d), TimeUnit::Milliseconds, Some(*a))
                .expect("record");
        }
        t
    }

    #[test]
    fn late_orders_at_the_ends_are_exact_and_inside_are_errors() {
        let mut t = table(&[("a", "2024-01-05", 1.0), ("a", "2024-01-09", 2.0)]);
        // Before the first period: the old first becomes a repeat purchase.
        t.record("a".into(), ts("2024-01-01"), TimeUnit::Milliseconds, Some(4.0))
            .expect("before");
        let s = *t.state(&"a".to_owned()).expect("a");
        assert_eq!((s.periods, s.first_spend, s.repeat_spend), (3, 4.0, 3.0));
        let before = t.clone();
        let e = t
            .record("a".into(), ts("2024-01-07"), TimeUnit::Milliseconds, Some(1.0))
            .expect_err("inside");
        assert_eq!(e.code(), "out_of_range");
        assert!(e.to_string().contains("2024-01-07"), "{e}");
        assert_eq!(t, before, "unchanged on error");
        // In the first and the last period: merged.
        t.record(
            "a".into(),
            ts("2024-01-01T20:00:00"),
            TimeUnit::Milliseconds,
            Some(1.0),
        )
        .expect("first");
        t.record("a".into(), ts("2024-01-09"), TimeUnit::Milliseconds, Some(1.0))
            .expect("last");
        let s = *t.state(&"a".to_owned()).expect("a");
        assert_eq!(
            (s.periods, s.orders, s.first_spend, s.repeat_spend),
            (3, 5, 5.0, 4.0)
        );
    }

    #[test]
    fn merging_is_the_table_of_all_orders() {
        let rows = [
            ("a", "2024-01-01", 1.0),
            ("a", "2024-01-03", 2.0),
            ("b", "2024-01-02", 4.0),
            ("a", "2024-01-03", 8.0),
            ("a", "2024-01-07", 16.0),
            ("b", "2024-01-09", 32.0),
        ];
        let all = table(&rows);
        for cut in 0..=rows.len() {
            let mut left = table(&rows[..cut]);
            left.merge(&table(&rows[cut..]))
                .expect("time-ordered shards merge");
            assert_eq!(left.to_bytes(), all.to_bytes(), "cut {cut}");
            let mut right = table(&rows[cut..]);
            right.merge(&table(&rows[..cut])).expect("either way round");
            assert_eq!(right.to_bytes(), all.to_bytes(), "cut {cut}, reversed");
        }
        let mut a = table(&[("a", "2024-01-01", 1.0), ("a", "2024-01-05", 1.0)]);
        let b = table(&[("a", "2024-01-03", 1.0), ("a", "2024-01-07", 1.0)]);
        let e = a.merge(&b).expect_err("interleaved");
        assert!(
            e.to_string().contains("\"a\"") || e.to_string().contains("a:"),
            "{e}"
        );
    }

    #[test]
    fn bytes_round_trip_and_reject_damage() {
        let t = table(&[
            ("a", "2024-01-01", 1.5),
            ("b", "2024-02-01", 2.0),
            ("a", "2024-03-01", 3.0),
        ]);
        let bytes = t.to_bytes();
        assert_eq!(LiveSummary::<String>::from_bytes(&bytes).expect("decode"), t);
        for cut in 0..bytes.len() {
            assert_eq!(
                LiveSummary::<String>::from_bytes(&bytes[..cut])
                    .expect_err("truncated")
                    .code(),
                "decode"
            );
        }
        let mut bad = bytes.clone();
        bad[4] = 9;
        assert!(LiveSummary::<String>::from_bytes(&bad).is_err());
        // periods = 1 with first != last is unreachable.
        let mut bad = bytes.clone();
        let periods_at = 31 + 4 + 1 + 16;
        bad[periods_at] = 1;
        let e = LiveSummary::<String>::from_bytes(&bad).expect_err("invalid state");
        assert!(e.to_string().contains("customer"), "{e}");
        let huge = {
            let mut b = bytes[..31].to_vec();
            b[23..31].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        };
        assert!(LiveSummary::<String>::from_bytes(&huge).is_err());
    }
}
