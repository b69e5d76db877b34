//! The scorecard behind [`run`](super::run) (name `"scorecard"`): the
//! shop's four tables as flat `table.column` arguments (or objects of
//! columns), as for the signals.

use std::borrow::Cow;

use serde_json::Value;

use super::signals::{Tables, flatten, need, one_code_space};
use super::{Args, Keys, relabel, to_json};
use crate::error::{CxError, Result};
use crate::retention::Transactions;
use crate::scorecard::{
    ContactRows, DeliveryRows, Scorecard, ScorecardOptions, ShopTables, SurveyRows, Touchpoint,
};

const TABLES: Tables = &[
    ("orders", &["customers", "timestamps", "amounts"]),
    (
        "feedback",
        &[
            "customers",
            "timestamps",
            "nps",
            "csat",
            "touchpoints",
            "expected",
            "perceived",
        ],
    ),
    (
        "contacts",
        &[
            "customers",
            "received",
            "answered",
            "resolved",
            "channels",
            "cases",
        ],
    ),
    ("deliveries", &["customers", "promised", "delivered", "carriers"]),
];

/// A respondent × touchpoint matrix as one column per touchpoint.
fn columns(a: &mut Args<'_>, name: &'static str, touchpoints: usize, rows: usize) -> Result<Vec<Vec<f64>>> {
    let (values, k) = Args::required(name, a.matrix(name)?)?;
    if k != touchpoints {
        return Err(CxError::LengthMismatch {
            argument: name,
            expected: touchpoints,
            actual: k,
            other: "feedback.touchpoints",
        });
    }
    CxError::check_len(name, values.len() / k.max(1), "feedback.customers", rows)?;
    Ok((0..k)
        .map(|j| values.iter().skip(j).step_by(k).copied().collect())
        .collect())
}

/// Runs [`crate::scorecard::scorecard`] on `args`: tables `orders`
/// (`customers`, `timestamps`, `amounts`?), `feedback` (`customers`,
/// `timestamps`, `nps`?, `csat`?, `touchpoints`? with the matrices
/// `expected` and `perceived`, one row per response and one column per
/// touchpoint), `contacts` (`customers`, `received`, `answered`?,
/// `resolved`?, `channels`?, `cases`?), `deliveries` (`customers`,
/// `promised`, `delivered`?, `carriers`?); `unit`; `options`
/// ([`ScorecardOptions`]). Customers in the result are codes of one code
/// space across the tables, labelled by the returned labels.
///
/// # Errors
/// As [`crate::scorecard::scorecard`]; an unknown table, column or option.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::bind::call("scorecard", json!({
///     "feedback": {"customers": ["a", "b", "c"], "timestamps": ["2024-05-01", "2024-05-02", "2024-06-01"],
///                  "nps": [10, 9, 3]}}))?;
/// assert!((r["survey"]["nps"]["score"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
/// assert_eq!(r["survey"]["nps_trend"].as_array().unwrap().len(), 2);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn scorecard(mut args: Args<'_>) -> Result<(Scorecard<i64>, Option<Vec<Value>>)> {
    flatten(&mut args, TABLES)?;
    let a = &mut args;
    let options: ScorecardOptions = a.options("options")?;
    let unit = a.unit()?;

    let mut oc = a.keys("orders.customers")?;
    let ot = a.times("orders.timestamps", unit)?;
    let oa = a.floats("orders.amounts")?;
    let mut fc = a.keys("feedback.customers")?;
    let ft = a.times("feedback.timestamps", unit)?;
    let nps = a.floats("feedback.nps")?;
    let csat = a.floats("feedback.csat")?;
    let names = a.keys("feedback.touchpoints")?.map(|k| k.texts());
    let frows = fc.as_ref().map_or(0, |k| k.codes.len());
    let (expected, perceived) = match &names {
        Some(n) => (
            columns(a, "feedback.expected", n.len(), frows)?,
            columns(a, "feedback.perceived", n.len(), frows)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let mut cc = a.keys("contacts.customers")?;
    let cr = a.times("contacts.received", unit)?;
    let ca = a.times_with_missing("contacts.answered", unit)?;
    let cd = a.times_with_missing("contacts.resolved", unit)?;
    let ch = a.keys("contacts.channels")?.map(|k| k.texts());
    let cs = a.keys("contacts.cases")?.map(|k| k.texts());
    let mut dc = a.keys("deliveries.customers")?;
    let dp = a.times("deliveries.promised", unit)?;
    let dd = a.times_with_missing("deliveries.delivered", unit)?;
    let carriers = a.keys("deliveries.carriers")?.map(|k| k.texts());
    args.finish()?;

    let labels = one_code_space([&mut oc, &mut fc, &mut cc, &mut dc]);
    let none_delivered = dc.as_ref().map(|c| vec![None; c.codes.len()]);
    let mut t = ShopTables::new(unit);
    if let Some(c) = &oc {
        need(ot.is_some(), "orders.timestamps")?;
        t.orders = Some(Transactions {
            customers: &c.codes,
            timestamps: ot.as_deref().unwrap_or_default(),
            unit,
            amounts: oa.as_deref(),
        });
    }
    if let Some(c) = &fc {
        need(ft.is_some(), "feedback.timestamps")?;
        let touchpoints = names
            .unwrap_or_default()
            .into_iter()
            .zip(expected.iter().zip(&perceived))
            .map(|(name, (e, p))| Touchpoint {
                name,
                expected: e,
                perceived: p,
            })
            .collect();
        t.feedback = Some(SurveyRows {
            customers: &c.codes,
            timestamps: ft.as_deref().unwrap_or_default(),
            nps: nps.as_deref(),
            csat: csat.as_deref(),
            touchpoints,
        });
    }
    if let Some(c) = &cc {
        need(cr.is_some(), "contacts.received")?;
        t.contacts = Some(ContactRows {
            customers: &c.codes,
            received: cr.as_deref().unwrap_or_default(),
            answered: ca.as_deref(),
            resolved: cd.as_deref(),
            channels: ch.as_deref(),
            cases: cs.as_deref(),
        });
    }
    if let Some(c) = &dc {
        need(dp.is_some(), "deliveries.promised")?;
        t.deliveries = Some(DeliveryRows {
            customers: &c.codes,
            promised: dp.as_deref().unwrap_or_default(),
            delivered: dd.as_deref().or(none_delivered.as_deref()).unwrap_or_default(),
            carriers: carriers.as_deref(),
        });
    }
    Ok((crate::scorecard::scorecard(&t, &options)?, labels))
}

/// A scorecard as JSON, customers as their labels.
fn card_json(card: &Scorecard<i64>, keys: &Keys<'_>) -> Value {
    let mut v = to_json(card);
    if let Some(risk) = v.get_mut("risk") {
        relabel(risk.get_mut("top"), "customer", keys);
    }
    v
}

/// [`scorecard`] as JSON, customers as their labels.
pub(super) fn run(args: Args<'_>) -> Result<Value> {
    let (card, labels) = scorecard(args)?;
    let keys = Keys {
        codes: Cow::Borrowed(&[]),
        labels,
    };
    Ok(card_json(&card, &keys))
}

/// What the report page says of where the tables came from.
#[cfg(feature = "report")]
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ReportOptions {
    /// The data-quality table's `file` column (default `given`).
    source: Option<String>,
    /// Who made the page (default `cx <version>`).
    generated_by: Option<String>,
}

/// The report (name `"report"`): the arguments of [`scorecard`] and
/// `report` (`{source?, generated_by?}`); returns `{"scorecard": …,
/// "html": …}`, the scorecard as the `"scorecard"` call gives it and the
/// page of [`crate::report::render`] (with the CDNOW model check when the
/// crate is built with the `cdnow` feature).
#[cfg(feature = "report")]
pub(super) fn run_report(mut args: Args<'_>) -> Result<Value> {
    let o: ReportOptions = args.options("report")?;
    let (card, labels) = scorecard(args)?;
    let keys = Keys {
        codes: Cow::Borrowed(&[]),
        labels,
    };
    let json = card_json(&card, &keys);
    let mut report = crate::report::Report::new(card, o.source.as_deref().unwrap_or("given"));
    if let Some(g) = o.generated_by {
        report.generated_by = g;
    }
    #[cfg(feature = "cdnow")]
    if let Some(m) = &mut report.model {
        m.cdnow_check = crate::report::CdnowCheck::bundled();
    }
    let html = crate::report::render(&report, |&c| keys.label_text(c));
    Ok(serde_json::json!({ "scorecard": json, "html": html }))
}

/// The report of the shop's CSV exports, read as the `cx` command reads
/// them ([`crate::exports::report_of_files`]): arguments `orders`,
/// `feedback`, `contacts`, `deliveries` (each the file's bytes or text),
/// `names` (`{"orders": "orders.csv", …}`, the names errors and the page
/// show; `<table>.csv` by default) and `options`
/// ([`crate::exports::ExportOptions`]). Returns `{"report": …, "html": …}`:
/// the JSON of `cx report --json` and the page.
///
/// # Errors
/// [`CxError::File`] naming the file, line, column and text of the first
/// bad row (unless `skip_bad_rows`), a missing column, an unreadable file;
/// [`CxError::InvalidParameter`] for a bad option.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let orders = "customer;date;amount\na;01.03.2024;12,50\na;15.03.2024;8,00\nb;02.03.2024;5,00\n";
/// let r = cx::bind::call("report_from_files", json!({"orders": orders}))?;
/// assert_eq!(r["report"]["data"][0]["used"], 3);
/// let e = cx::bind::call("report_from_files", json!({"orders": "customer,date\na,2024-02-30\n"})).unwrap_err();
/// assert_eq!((e.code(), e.to_string().starts_with("orders.csv:2: column `date`")), ("file", true));
/// # Ok::<(), cx::CxError>(())
/// ```
#[cfg(feature = "exports")]
pub(super) fn run_report_from_files(mut args: Args<'_>) -> Result<Value> {
    use crate::exports::{ExportFiles, ExportOptions, report_of_files};
    const TABLES: [&str; 4] = ["orders", "feedback", "contacts", "deliveries"];
    let options: ExportOptions = args.options("options")?;
    let names = args.json("names")?.unwrap_or(Value::Null);
    if !(names.is_null()
        || names
            .as_object()
            .is_some_and(|o| o.values().all(Value::is_string)))
    {
        return Err(super::wrong("names", &names, "an object of file names by table"));
    }
    let mut files: Vec<Option<(String, Cow<'_, [u8]>)>> = Vec::new();
    for t in TABLES {
        let bytes = match args.take(t) {
            None => None,
            Some(super::Column::Bytes(b)) => Some(b),
            Some(super::Column::Json(Value::String(s))) => Some(Cow::Owned(s.into_bytes())),
            Some(super::Column::Json(Value::Null)) => None,
            Some(other) => {
                let shown = match other {
                    super::Column::Json(v) => v,
                    _ => Value::String("a column".into()),
                };
                return Err(super::wrong(t, &shown, "the file's bytes or text"));
            }
        };
        let name = names[t]
            .as_str()
            .map_or_else(|| format!("{t}.csv"), str::to_owned);
        files.push(bytes.map(|b| (name, b)));
    }
    args.finish()?;
    let at = |i: usize| files[i].as_ref().map(|(n, b)| (n.as_str(), &b[..]));
    let f = ExportFiles {
        orders: at(0),
        feedback: at(1),
        contacts: at(2),
        deliveries: at(3),
    };
    let report = report_of_files(&f, &options)?;
    let html = crate::report::render(&report, String::clone);
    Ok(serde_json::json!({ "report": to_json(&report), "html": html }))
}
