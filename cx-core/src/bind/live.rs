//! The live summary ([`LiveSummary`]) for the bindings: orders in as the
//! transaction columns every retention measure reads, the summary and a
//! customer's score out. Python, JavaScript and the tests share these, so
//! a bad row is the same typed error in every language.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

use super::retention::TransactionColumns;
use super::{Args, Keys};
use crate::churn::AnyModel;
use crate::error::{CxError, Result};
use crate::retention::{CustomerId, CustomerSummary, LiveScore, LiveSummary, ScoreOptions};

/// A live table of customers keyed as the bindings receive them.
pub type Live = LiveSummary<CustomerId>;

/// An empty table with `options` ([`crate::retention::LiveOptions`] as JSON: `period`,
/// `multiplier`, `allow_negative_amounts`).
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown or invalid option.
pub fn live_new(options: Value) -> Result<Live> {
    LiveSummary::new(crate::options::from_json(options)?)
}

/// A customer id from JSON: an integer, or a text.
///
/// # Errors
/// [`CxError::InvalidParameter`] naming `customer` for anything else.
pub fn customer_id(v: &Value) -> Result<CustomerId> {
    match v {
        Value::String(s) => Ok(CustomerId::Text(s.clone())),
        Value::Number(n) if n.as_i64().is_some() => Ok(CustomerId::Int(n.as_i64().unwrap_or_default())),
        other => Err(CxError::invalid("customer", other, "an integer or a text id")),
    }
}

fn key_id(keys: &Keys<'_>, code: i64) -> CustomerId {
    match keys.label(code) {
        Value::Number(n) if keys.labels.is_none() || n.is_i64() => {
            CustomerId::Int(n.as_i64().unwrap_or(code))
        }
        Value::String(s) => CustomerId::Text(s),
        other => CustomerId::Text(other.to_string()),
    }
}

/// Records the orders in `args` (`customers`, `timestamps` in `unit`,
/// `amounts`) into `live`, all or nothing; returns the orders recorded.
///
/// # Errors
/// An unknown argument; the errors of [`LiveSummary::record_all`] naming
/// the row.
pub fn live_record(live: &mut Live, mut args: Args<'_>) -> Result<usize> {
    let t = TransactionColumns::read(&mut args)?;
    args.finish()?;
    live.record_mapped(&t.transactions(), |&code| key_id(&t.customers, code))?;
    Ok(t.customers.codes.len())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct AtEnd {
    observation_end: Option<NaiveDate>,
}

/// The summary of `live` with `options` (`observation_end`, an ISO date).
///
/// # Errors
/// An unknown option; the errors of [`LiveSummary::summary`].
pub fn live_summary(live: &Live, options: Value) -> Result<CustomerSummary<CustomerId>> {
    let o: AtEnd = crate::options::from_json(options)?;
    live.summary(o.observation_end)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ScoreAt {
    as_of: Option<NaiveDate>,
    horizon: Option<f64>,
    deadline_threshold: Option<f64>,
}

/// Scores `customer` with `model` (a model's JSON) and `options`
/// (`as_of`, `horizon`, `deadline_threshold`).
///
/// # Errors
/// A model that does not load; an unknown option; the errors of
/// [`LiveSummary::score`].
pub fn live_score(live: &Live, customer: &Value, model: &str, options: Value) -> Result<LiveScore> {
    let model = AnyModel::from_json(model)?;
    let o: ScoreAt = crate::options::from_json(options)?;
    let id = customer_id(customer)?;
    live.score(
        &id,
        &model,
        o.as_of,
        &ScoreOptions {
            horizon: o.horizon,
            deadline_threshold: o.deadline_threshold,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_orders_and_scores() {
        let mut live = live_new(json!({"multiplier": 7})).expect("options");
        let args = Args::from_json(json!({
            "customers": ["ann", "bob", "ann"],
            "timestamps": ["2024-01-01", "2024-01-03", "2024-01-15"],
            "amounts": [10.0, 5.0, 7.0]}))
        .expect("args");
        assert_eq!(live_record(&mut live, args).expect("record"), 3);
        let s = live_summary(&live, json!({"observation_end": "2024-01-29"})).expect("summary");
        assert_eq!(
            s.customers,
            [CustomerId::Text("ann".into()), CustomerId::Text("bob".into())]
        );
        assert_eq!(s.recency, [2.0, 0.0]);
        assert_eq!(s.t, [4.0, 26.0 / 7.0]);
        let model = r#"{"model": "bg_nbd", "r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}"#;
        let sc = live_score(&live, &json!("ann"), model, json!({"horizon": 4})).expect("score");
        assert!(sc.expected_purchases.is_some_and(|e| e > 0.0));
        // Integer keys stay integers; an order without an amount leaves the
        // table without monetary value.
        let args = Args::from_json(json!({"customers": [7], "timestamps": ["2024-01-02"]})).expect("args");
        live_record(&mut live, args).expect("record");
        let s = live_summary(&live, Value::Null).expect("summary");
        assert_eq!(s.customers[0], CustomerId::Int(7));
        assert_eq!((s.monetary_value, live.unpriced()), (None, 1));
        // Unknown arguments and options are typed errors.
        let args = Args::from_json(json!({"customers": [7], "timestamps": ["2024-01-02"], "amount": [1]}))
            .expect("args");
        let e = live_record(&mut live, args).expect_err("unknown");
        assert!(e.to_string().contains("amount"), "{e}");
        assert!(live_summary(&live, json!({"as_of": "2024-01-02"})).is_err());
        let e = live_score(&live, &json!(1.5), model, Value::Null).expect_err("not an id");
        assert_eq!(e.argument(), "customer");
    }
}
