//! The CLI's seeded demo shop (`cx demo-data`) as owned columns that the
//! signals and the backtest read, for tests that need all four tables.

use cx::retention::Transactions;
use cx::signals::{Contacts, Deliveries, Feedback, SignalInputs};
use cx::time::{TimeUnit, parse_timestamps_ms};

/// A key column.
pub type Keys = Vec<String>;
/// A time column (epoch milliseconds).
pub type Times = Vec<i64>;
/// A time column with gaps (open, pending).
pub type MaybeTimes = Vec<Option<i64>>;

/// The demo shop's tables, times in epoch milliseconds.
pub struct Shop {
    /// Orders: customer, time.
    pub orders: (Keys, Times, Vec<f64>),
    /// Deliveries: customer, promised, delivered.
    pub deliveries: (Keys, Times, MaybeTimes),
    /// Survey answers: customer, time, NPS.
    pub feedback: (Keys, Times, Vec<f64>),
    /// Contacts: customer, received, resolved, channel, case.
    pub contacts: (Keys, Times, MaybeTimes, Keys, Keys),
}

fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').collect())
}

fn time(s: &str) -> i64 {
    parse_timestamps_ms("t", &[s]).expect("a demo date")[0]
}

fn maybe(s: &str) -> Option<i64> {
    (!s.is_empty()).then(|| time(s))
}

/// The demo shop of `customers` customers from `seed`.
pub fn demo(customers: usize, seed: u64) -> Shop {
    let d = cx_cli::demo::generate(customers, seed);
    let mut s = Shop {
        orders: Default::default(),
        deliveries: Default::default(),
        feedback: Default::default(),
        contacts: Default::default(),
    };
    for r in rows(&d.orders) {
        s.orders.0.push(r[1].to_owned());
        s.orders.1.push(time(r[2]));
        s.orders.2.push(r[3].parse().expect("an amount"));
    }
    for r in rows(&d.deliveries) {
        s.deliveries.0.push(r[1].to_owned());
        s.deliveries.1.push(time(r[3]));
        s.deliveries.2.push(maybe(r[4]));
    }
    for r in rows(&d.feedback) {
        s.feedback.0.push(r[0].to_owned());
        s.feedback.1.push(time(r[1]));
        s.feedback.2.push(r[2].parse().expect("an NPS answer"));
    }
    for r in rows(&d.contacts) {
        s.contacts.0.push(r[1].to_owned());
        s.contacts.1.push(time(r[4]));
        s.contacts.2.push(maybe(r[6]));
        s.contacts.3.push(r[3].to_owned());
        s.contacts.4.push(r[2].to_owned());
    }
    s
}

impl Shop {
    /// The tables as the signals read them (`all`: also feedback, contacts
    /// and deliveries; else the orders only).
    pub fn inputs(&self, all: bool) -> SignalInputs<'_, String> {
        SignalInputs {
            orders: Some(Transactions {
                customers: &self.orders.0,
                timestamps: &self.orders.1,
                unit: TimeUnit::Milliseconds,
                amounts: Some(&self.orders.2),
            }),
            feedback: all.then(|| Feedback {
                customers: &self.feedback.0,
                timestamps: &self.feedback.1,
                scores: &self.feedback.2,
            }),
            contacts: all.then(|| Contacts {
                customers: &self.contacts.0,
                received: &self.contacts.1,
                resolved: &self.contacts.2,
                channels: Some(&self.contacts.3),
                cases: Some(&self.contacts.4),
            }),
            deliveries: all.then(|| Deliveries {
                customers: &self.deliveries.0,
                promised: &self.deliveries.1,
                delivered: &self.deliveries.2,
            }),
            unit: TimeUnit::Milliseconds,
        }
    }
}
