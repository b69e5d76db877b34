//! The tables the signals read.

use crate::retention::Transactions;
use crate::time::TimeUnit;

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

/// The tables [`signals`](super::signals()) reads; give any non-empty subset. All
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
