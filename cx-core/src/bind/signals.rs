//! The customer signals behind [`run`](super::run) (name `"signals"`), and
//! [`signals`], the typed entry a binding uses to shape the report itself
//! (Python builds its columns from it).

use std::borrow::Cow;

use serde_json::Value;

use super::{Args, Column, Keys, relabel, to_json, wrong};
use crate::error::{CxError, Result};
use crate::retention::Transactions;
use serde::de::DeserializeOwned;

use crate::signals::{
    Backtest, BacktestOptions, Contacts, Deliveries, Feedback, SignalInputs, SignalOptions, SignalReport,
};

/// Tables and their columns, in the names errors use.
pub(super) type Tables = &'static [(&'static str, &'static [&'static str])];

/// The tables of the signals.
const TABLES: Tables = &[
    ("orders", &["customers", "timestamps", "amounts"]),
    ("feedback", &["customers", "timestamps", "scores"]),
    (
        "contacts",
        &["customers", "received", "resolved", "channels", "cases"],
    ),
    ("deliveries", &["customers", "promised", "delivered"]),
];

/// Moves the columns of table objects (`{"orders": {"customers": …}}`) to
/// flat names (`"orders.customers"`), so that every reader and every error
/// names the table and the column. Flat names may also be given directly.
/// Puts the customer keys of the tables into one code space and returns
/// its labels (`None`: integer ids, their own codes).
pub(super) fn one_code_space(tables: [&mut Option<Keys<'_>>; 4]) -> Option<Vec<Value>> {
    let mut keys: Vec<&mut Keys<'_>> = tables.into_iter().flatten().collect();
    Keys::unify(&mut keys);
    keys.first().and_then(|k| k.labels.clone())
}

/// Fails when a table is given without one of its required columns.
pub(super) fn need(present: bool, name: &'static str) -> Result<()> {
    if present {
        Ok(())
    } else {
        Err(CxError::invalid(
            name,
            "nothing",
            "a column (required for this table)",
        ))
    }
}

pub(super) fn flatten(args: &mut Args<'_>, tables: Tables) -> Result<()> {
    let names = args.names();
    for name in names {
        if let Some((table, column)) = name.split_once('.') {
            let known = tables.iter().find(|(t, _)| *t == table).map(|(_, c)| *c);
            if !known.is_some_and(|c| c.contains(&column)) {
                return Err(unknown(&name, known));
            }
            continue;
        }
        if matches!(name.as_str(), "options" | "unit") {
            continue;
        }
        let Some((table, columns)) = tables.iter().find(|(t, _)| *t == name) else {
            return Err(CxError::invalid(
                "arguments",
                name,
                "orders, feedback, contacts, deliveries, unit, options",
            ));
        };
        match args.take(table) {
            Some(Column::Json(Value::Object(cols))) => {
                for (c, v) in cols {
                    if !columns.contains(&c.as_str()) {
                        return Err(unknown(&format!("{table}.{c}"), Some(columns)));
                    }
                    if !v.is_null() {
                        args.insert(format!("{table}.{c}"), Column::Json(v));
                    }
                }
            }
            Some(Column::Json(other)) => return Err(wrong(table, &other, "an object of columns")),
            _ => return Err(CxError::invalid(table, "a column", "an object of columns")),
        }
    }
    Ok(())
}

fn unknown(name: &str, columns: Option<&[&str]>) -> CxError {
    CxError::invalid(
        "arguments",
        name,
        columns.map_or_else(
            || "orders, feedback, contacts, deliveries".into(),
            |c| c.join(", "),
        ),
    )
}

/// Runs [`crate::signals::signals`] on `args`: tables `orders`
/// (`customers`, `timestamps`, `amounts`?), `feedback` (`customers`,
/// `timestamps`, `scores`), `contacts` (`customers`, `received`,
/// `resolved`?, `channels`?, `cases`?), `deliveries` (`customers`,
/// `promised`, `delivered`?), any subset, as objects of columns or as flat
/// `table.column` arguments; `unit`; `options` ([`SignalOptions`]). `null`
/// is an open contact, a pending delivery or (in `scores`) no answer.
/// Customer keys of all tables share one code space; the report's
/// customers are codes into the returned labels (`None`: integer ids,
/// their own codes).
///
/// # Errors
/// As [`crate::signals::signals`], plus [`CxError::InvalidParameter`] for an
/// unknown table, column or option. Errors name the column as
/// `table.column`, e.g. `feedback.scores`.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::bind::call("signals", json!({
///     "deliveries": {"customers": ["a", "a", "a"],
///                    "promised": ["2024-05-01", "2024-05-10", "2024-05-20"],
///                    "delivered": ["2024-05-03", "2024-05-10", null]},
///     "options": {"as_of": "2024-05-25"}
/// }))?;
/// assert_eq!(r["customers"][0]["customer"], "a");
/// assert_eq!(r["customers"][0]["signals"][0]["reason"],
///            "2 of the last 3 deliveries late (by 2 and 5 days), 1 still not delivered");
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn signals(args: Args<'_>) -> Result<(SignalReport<i64>, Option<Vec<Value>>)> {
    with_tables(args, |inputs, options: SignalOptions| {
        crate::signals::signals(inputs, &options)
    })
}

/// Runs [`crate::signals::backtest`] on the tables of `args` (read as for
/// [`signals`]) with `options` ([`BacktestOptions`]).
///
/// # Errors
/// As [`crate::signals::backtest`] and [`signals`].
///
/// # Examples
/// ```
/// use serde_json::json;
/// // One customer ordering every week of 2024.
/// let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
/// let dates: Vec<String> = (0..52).map(|w| (start + chrono::Duration::weeks(w)).to_string()).collect();
/// let r = cx::bind::call("backtest", json!({
///     "orders": {"customers": vec!["steady"; 52], "timestamps": dates},
///     "options": {"n_cutoffs": 1, "horizon_days": 30, "compare_pareto_nbd": false}
/// }))?;
/// assert_eq!(r["cutoffs"][0]["customers"], 1);
/// assert_eq!(r["cutoffs"][0]["outcomes"], 0); // the steady customer ordered again
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn backtest(args: Args<'_>) -> Result<Backtest> {
    with_tables(args, |inputs, options: BacktestOptions| {
        crate::signals::backtest(inputs, &options)
    })
    .map(|(b, _)| b)
}

/// Reads the tables and `options` of `args` and runs `run` on them; the
/// customer labels come back beside its result.
fn with_tables<O: DeserializeOwned + Default, T>(
    mut args: Args<'_>,
    run: impl FnOnce(&SignalInputs<'_, i64>, O) -> Result<T>,
) -> Result<(T, Option<Vec<Value>>)> {
    flatten(&mut args, TABLES)?;
    let a = &mut args;
    let options = a.json("options")?.unwrap_or(Value::Null);
    // A model given in the options is checked as a load would, so that an
    // invalid parameter is the typed error naming it. (Here rather than in
    // `options::from_json`, which every module links: a survey-only
    // WebAssembly build would otherwise carry the model parser.)
    if let Some(model) = options.get("model").filter(|m| m.is_object()) {
        crate::churn::AnyModel::from_json(&model.to_string())?;
    }
    let options: O = crate::options::from_json(options)?;
    let unit = a.unit()?;

    let mut oc = a.keys("orders.customers")?;
    let ot = a.times("orders.timestamps", unit)?;
    let oa = a.floats("orders.amounts")?;
    let mut fc = a.keys("feedback.customers")?;
    let ft = a.times("feedback.timestamps", unit)?;
    let fs = a.floats("feedback.scores")?;
    let mut cc = a.keys("contacts.customers")?;
    let cr = a.times("contacts.received", unit)?;
    let cd = a.times_with_missing("contacts.resolved", unit)?;
    let ch = a.keys("contacts.channels")?.map(|k| k.texts());
    let cs = a.keys("contacts.cases")?.map(|k| k.texts());
    let mut dc = a.keys("deliveries.customers")?;
    let dp = a.times("deliveries.promised", unit)?;
    let dd = a.times_with_missing("deliveries.delivered", unit)?;
    args.finish()?;

    let labels = one_code_space([&mut oc, &mut fc, &mut cc, &mut dc]);
    let none = |k: &Option<Keys<'_>>| k.as_ref().map(|c| vec![None; c.codes.len()]);
    let (none_resolved, none_delivered) = (none(&cc), none(&dc));
    let orders = match &oc {
        Some(c) => {
            need(ot.is_some(), "orders.timestamps")?;
            Some(Transactions {
                customers: &c.codes,
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
                customers: &c.codes,
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
                customers: &c.codes,
                received: cr.as_deref().unwrap_or_default(),
                resolved: cd.as_deref().or(none_resolved.as_deref()).unwrap_or_default(),
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
                customers: &c.codes,
                promised: dp.as_deref().unwrap_or_default(),
                delivered: dd.as_deref().or(none_delivered.as_deref()).unwrap_or_default(),
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
    Ok((run(&inputs, options)?, labels))
}

/// Customer codes as their labels, and named columns as a JSON object.
fn labelled_columns(
    customers: &[i64],
    labels: Option<Vec<Value>>,
    names: &[&'static str],
    columns: &[Vec<f64>],
) -> (Vec<Value>, serde_json::Map<String, Value>) {
    let keys = Keys {
        codes: Cow::Borrowed(&[]),
        labels,
    };
    let customers = customers.iter().map(|&k| keys.label(k)).collect();
    let columns = names
        .iter()
        .zip(columns)
        .map(|(n, col)| {
            (
                (*n).to_owned(),
                Value::Array(col.iter().map(|&v| super::json_float(v)).collect()),
            )
        })
        .collect();
    (customers, columns)
}

/// `promise_covariates`: [`crate::signals::promise_covariates`] on the
/// tables of `args` (read as for [`signals`]) with `options`
/// ([`PromiseOptions`](crate::signals::PromiseOptions)). Returns
/// `customers` (labels), `columns` (an object of columns, in the order of
/// `names`), `names`, `until` and `tables`.
///
/// # Errors
/// As [`crate::signals::promise_covariates`] and [`signals`].
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::bind::call("promise_covariates", json!({
///     "deliveries": {"customers": ["a", "a", "b"],
///                    "promised": ["2024-05-01", "2024-05-10", "2024-05-20"],
///                    "delivered": ["2024-05-03", "2024-05-10", "2024-05-20"]},
/// }))?;
/// assert_eq!(r["customers"], json!(["a", "b"]));
/// assert_eq!(r["columns"]["late_share"], json!([0.5, 0.0]));
/// # Ok::<(), cx::CxError>(())
/// ```
pub(super) fn run_promise_covariates(args: Args<'_>) -> Result<Value> {
    let (c, labels) = with_tables(args, |inputs, options: crate::signals::PromiseOptions| {
        crate::signals::promise_covariates(inputs, &options)
    })?;
    let (customers, columns) = labelled_columns(&c.customers, labels, &c.names, &c.columns);
    Ok(serde_json::json!({
        "customers": customers,
        "names": c.names,
        "columns": columns,
        "until": c.until,
        "tables": c.tables,
    }))
}

/// `promise_periods`: [`crate::signals::promise_periods`] on the tables of
/// `args` (read as for [`signals`]) with `options`
/// ([`PromisePeriodOptions`](crate::signals::PromisePeriodOptions): the
/// period `boundaries` as ISO dates). Returns `customers` (labels), `names`,
/// `columns` (an object of customers × periods columns, customer-major),
/// `boundaries` and `outside`.
///
/// # Errors
/// As [`crate::signals::promise_periods`] and [`signals`].
pub(super) fn run_promise_periods(args: Args<'_>) -> Result<Value> {
    let (p, labels) = with_tables(args, |inputs, options: crate::signals::PromisePeriodOptions| {
        crate::signals::promise_periods(inputs, &options)
    })?;
    let (customers, columns) = labelled_columns(&p.customers, labels, &p.names, &p.columns);
    let outside: serde_json::Map<String, Value> = p
        .outside
        .iter()
        .map(|(t, n)| ((*t).to_owned(), Value::from(*n)))
        .collect();
    Ok(serde_json::json!({
        "customers": customers,
        "names": p.names,
        "columns": columns,
        "boundaries": p.boundaries,
        "outside": outside,
    }))
}

/// [`backtest`] as JSON.
pub(super) fn run_backtest(args: Args<'_>) -> Result<Value> {
    Ok(to_json(&backtest(args)?))
}

/// [`signals`] as JSON, customers as their labels.
pub(super) fn run(args: Args<'_>) -> Result<Value> {
    let (report, labels) = signals(args)?;
    let mut v = to_json(&report);
    let keys = Keys {
        codes: Cow::Borrowed(&[]),
        labels,
    };
    relabel(v.get_mut("customers"), "customer", &keys);
    Ok(v)
}
