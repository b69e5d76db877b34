//! The JSON-shaped entry of [`signals`](super::signals), for the Python and
//! JavaScript bindings and the shared test vectors.

use serde_json::{Map, Value};

use super::{Contacts, Deliveries, Feedback, SignalInputs, SignalOptions, signals};
use crate::error::{CxError, Result};
use crate::gaps::api::{Args, to_json, wrong};
use crate::retention::Transactions;

/// The tables and their columns, in the names errors use.
const TABLES: &[(&str, &[&str])] = &[
    ("orders", &["customers", "timestamps", "amounts"]),
    ("feedback", &["customers", "timestamps", "scores"]),
    (
        "contacts",
        &["customers", "received", "resolved", "channels", "cases"],
    ),
    ("deliveries", &["customers", "promised", "delivered"]),
];

/// Runs [`signals`](super::signals) on a JSON object:
/// `{"orders": {"customers", "timestamps", "amounts"?}, "feedback":
/// {"customers", "timestamps", "scores"}, "contacts": {"customers",
/// "received", "resolved"?, "channels"?, "cases"?}, "deliveries": {"customers",
/// "promised", "delivered"?}, "unit"?: "ms", "options"?: {…}}`, any subset of
/// the tables. Times are ISO text or integers in `unit`; `null` is an open
/// contact, a pending delivery or (in `scores`) no answer. Customer keys
/// are strings or numbers (returned as strings). Errors name the column as
/// `table.column`, e.g. `feedback.scores`.
///
/// # Errors
/// As [`signals`](super::signals), plus [`CxError::InvalidParameter`] for
/// an unknown table, column or option.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::signals::call(json!({
///     "deliveries": {"customers": ["a", "a", "a"],
///                    "promised": ["2024-05-01", "2024-05-10", "2024-05-20"],
///                    "delivered": ["2024-05-03", "2024-05-10", null]},
///     "options": {"as_of": "2024-05-25"}
/// }))?;
/// assert_eq!(r["customers"][0]["signals"][0]["reason"],
///            "2 of the last 3 deliveries late (by 2 and 5 days), 1 still not delivered");
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn call(args: Value) -> Result<Value> {
    let Value::Object(top) = args else {
        return Err(wrong(
            "arguments",
            &args,
            "an object with orders, feedback, contacts and/or deliveries",
        ));
    };
    // Flatten {"orders": {"customers": …}} into {"orders.customers": …} so
    // that every reader (and every error) names the table and the column.
    let mut flat = Map::new();
    let mut options = Value::Null;
    for (k, v) in top {
        match (k.as_str(), v) {
            (_, Value::Null) => {}
            ("options", v) => options = v,
            ("unit", v) => {
                flat.insert(k, v);
            }
            (table, Value::Object(cols)) => {
                let Some((_, names)) = TABLES.iter().find(|(t, _)| *t == table) else {
                    return Err(CxError::invalid(
                        "arguments",
                        table,
                        "orders, feedback, contacts, deliveries, unit, options",
                    ));
                };
                for (c, v) in cols {
                    if !names.contains(&c.as_str()) {
                        return Err(CxError::invalid(
                            "arguments",
                            format!("{table}.{c}"),
                            names.join(", "),
                        ));
                    }
                    flat.insert(format!("{table}.{c}"), v);
                }
            }
            (table, other) => return Err(wrong(name_of(table), &other, "an object of columns")),
        }
    }
    let options: SignalOptions = crate::options::from_json(options)?;
    let mut a = Args::new(Value::Object(flat))?;
    let unit = a.unit()?;
    let per_present =
        |v: Vec<Option<i64>>| -> Vec<i64> { v.into_iter().map(|t| t.unwrap_or_default()).collect() };

    let oc = a.keys("orders.customers")?;
    let ot = a.times("orders.timestamps", unit, false)?.map(per_present);
    let oa = a.floats("orders.amounts")?;
    let fc = a.keys("feedback.customers")?;
    let ft = a.times("feedback.timestamps", unit, false)?.map(per_present);
    let fs = a.floats("feedback.scores")?;
    let cc = a.keys("contacts.customers")?;
    let cr = a.times("contacts.received", unit, false)?.map(per_present);
    let cd = a.times("contacts.resolved", unit, true)?;
    let ch = a.keys("contacts.channels")?;
    let cs = a.keys("contacts.cases")?;
    let dc = a.keys("deliveries.customers")?;
    let dp = a.times("deliveries.promised", unit, false)?.map(per_present);
    let dd = a.times("deliveries.delivered", unit, true)?;
    a.finish()?;

    let need = |present: bool, name: &'static str| {
        if present {
            Ok(())
        } else {
            Err(CxError::invalid(
                name,
                "nothing",
                "a column (required for this table)",
            ))
        }
    };
    let empty: Vec<Option<i64>> = Vec::new();
    let none_resolved = cc.as_ref().map(|c| vec![None; c.len()]);
    let none_delivered = dc.as_ref().map(|c| vec![None; c.len()]);
    let orders = match &oc {
        Some(c) => {
            need(ot.is_some(), "orders.timestamps")?;
            Some(Transactions {
                customers: c,
                timestamps: ot.as_deref().unwrap_or_default(),
                unit,
                amounts: oa.as_deref(),
            })
        }
        None => None,
    };
    let feedback = match &fc {
        Some(c) => {
            need(ft.is_some(), "feedback.timestamps")?;
            need(fs.is_some(), "feedback.scores")?;
            Some(Feedback {
                customers: c,
                timestamps: ft.as_deref().unwrap_or_default(),
                scores: fs.as_deref().unwrap_or_default(),
            })
        }
        None => None,
    };
    let contacts = match &cc {
        Some(c) => {
            need(cr.is_some(), "contacts.received")?;
            Some(Contacts {
                customers: c,
                received: cr.as_deref().unwrap_or_default(),
                resolved: cd.as_deref().or(none_resolved.as_deref()).unwrap_or(&empty),
                channels: ch.as_deref(),
                cases: cs.as_deref(),
            })
        }
        None => None,
    };
    let deliveries = match &dc {
        Some(c) => {
            need(dp.is_some(), "deliveries.promised")?;
            Some(Deliveries {
                customers: c,
                promised: dp.as_deref().unwrap_or_default(),
                delivered: dd.as_deref().or(none_delivered.as_deref()).unwrap_or(&empty),
            })
        }
        None => None,
    };
    let inputs = SignalInputs {
        orders,
        feedback,
        contacts,
        deliveries,
        unit,
    };
    Ok(to_json(&signals(&inputs, &options)?))
}

fn name_of(table: &str) -> &'static str {
    TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or("arguments", |(t, _)| t)
}
