//! The retention measures behind [`run`](super::run) (the names of
//! [`RETENTION_MEASURES`]), and [`retention`], the typed entry a binding
//! uses to shape the result itself (Python returns the customer summary as
//! numpy columns).

use std::borrow::Cow;

use serde_json::Value;

use super::{Args, Keys, to_json};
use crate::error::Result;
use crate::retention::{
    RETENTION_MEASURES, RetentionOptions, RetentionResult, Transactions, retention_measure,
};
use crate::time::TimeUnit;

/// Runs the retention measure `name` on the transaction columns
/// `customers` (keys), `timestamps` (in `unit`) and `amounts`, with
/// `options` ([`RetentionOptions`]). Customers in the result are codes of
/// the returned keys' code space (see [`Keys`]).
///
/// # Errors
/// [`crate::CxError::InvalidParameter`] for an unknown measure, argument
/// or option; the errors of the measure.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::bind::call("customer_summary", json!({
///     "customers": ["ann", "bob", "ann"],
///     "timestamps": ["2024-01-01", "2024-01-03", "2024-01-11"],
///     "options": {"observation_end": "2024-01-31"}}))?;
/// assert_eq!(r["customers"], json!(["ann", "bob"]));
/// assert_eq!(r["recency"], json!([10.0, 0.0]));
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn retention<'a>(name: &str, args: &mut Args<'a>) -> Result<(RetentionResult<i64>, Keys<'a>)> {
    let options: RetentionOptions = args.options("options")?;
    let t = TransactionColumns::read(args)?;
    let r = retention_measure(name, &t.transactions(), &options)?;
    Ok((r, t.customers))
}

/// The transaction columns `customers`, `timestamps` (in `unit`) and
/// `amounts`, read once for the retention measures and the live summary.
pub(super) struct TransactionColumns<'a> {
    pub(super) customers: Keys<'a>,
    timestamps: Cow<'a, [i64]>,
    unit: TimeUnit,
    amounts: Option<Cow<'a, [f64]>>,
}

impl<'a> TransactionColumns<'a> {
    pub(super) fn read(args: &mut Args<'a>) -> Result<Self> {
        let unit = args.unit()?;
        Ok(TransactionColumns {
            customers: Args::required("customers", args.keys("customers")?)?,
            timestamps: Args::required("timestamps", args.times("timestamps", unit)?)?,
            unit,
            amounts: args.floats("amounts")?,
        })
    }

    /// The columns as the retention module reads them, customers as codes.
    pub(super) fn transactions(&self) -> Transactions<'_, i64> {
        Transactions {
            customers: &self.customers.codes,
            timestamps: &self.timestamps,
            unit: self.unit,
            amounts: self.amounts.as_deref(),
        }
    }
}

/// Replaces the codes in the array at `field` by their labels.
fn relabel_codes(v: Option<&mut Value>, keys: &Keys<'_>) {
    if let Some(Value::Array(a)) = v {
        for c in a {
            if let Some(code) = c.as_i64() {
                *c = keys.label(code);
            }
        }
    }
}

pub(super) fn is_measure(name: &str) -> bool {
    RETENTION_MEASURES.contains(&name)
}

pub(super) fn run(name: &str, args: &mut Args<'_>) -> Result<Value> {
    let (r, keys) = retention(name, args)?;
    let mut v = to_json(&r);
    relabel_codes(v.get_mut("customers"), &keys);
    if let Some(cal) = v.get_mut("calibration") {
        relabel_codes(cal.get_mut("customers"), &keys);
    }
    Ok(v)
}
