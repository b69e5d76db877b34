//! The four tables of a shop's exports (orders, feedback, contacts,
//! deliveries) as `cx report` reads them: column roles and renames, the
//! contact-time check, and the report built on the core's scorecard with
//! the rows behind each number accounted for per file.

use std::collections::HashMap;

use super::dialect::DialectArgs;
use super::read::{Kind, Source, Spec, Table, read_table};
use crate::CxError;
use crate::retention::Transactions;
use crate::scorecard::{
    ContactRows, DeliveryRows, ScorecardOptions, ShopTables, SurveyRows, TableUse, Touchpoint, scorecard,
};
use crate::time::TimeUnit;

pub use crate::scorecard::{GapSection, PromiseSection, RetentionSection, SurveySection, TrendPoint};

/// The default header of each column role, and renames from `--col`.
pub struct Headers(HashMap<String, String>);

impl Headers {
    /// Renames `ROLE=HEADER` (`table.role` when `tables`).
    ///
    /// # Errors
    /// A rename without `=`, or without its table.
    pub fn parse(cols: &[String], tables: bool) -> Result<Self, String> {
        let mut m = HashMap::new();
        for c in cols {
            let (role, header) = c
                .split_once('=')
                .ok_or_else(|| format!("--col {c:?}: expected ROLE=HEADER, e.g. orders.customer=cust_id"))?;
            if tables && !role.contains('.') {
                return Err(format!(
                    "--col {c:?}: name the table, e.g. orders.{role}={header}"
                ));
            }
            m.insert(role.trim().to_owned(), header.trim().to_owned());
        }
        Ok(Headers(m))
    }

    /// The column of `role` in `table` under its header.
    pub fn spec(&self, table: &str, role: &'static str, kind: Kind, required: bool) -> Spec {
        let key = if table.is_empty() {
            role.to_owned()
        } else {
            format!("{table}.{role}")
        };
        Spec {
            role,
            header: self.0.get(&key).cloned().unwrap_or_else(|| role.to_owned()),
            kind,
            required,
            rename: format!("--col {key}=<your header>"),
        }
    }
}

/// The columns of the orders table.
pub fn orders_specs(h: &Headers, table: &str) -> Vec<Spec> {
    vec![
        h.spec(table, "customer", Kind::Key, true),
        h.spec(table, "date", Kind::Time, true),
        h.spec(table, "amount", Kind::OptNumber, false),
    ]
}

/// The columns of table `which` (`orders`, `feedback`, `contacts`,
/// `deliveries`).
pub fn specs(which: &str, h: &Headers) -> Vec<Spec> {
    match which {
        "orders" => orders_specs(h, which),
        "feedback" => vec![
            h.spec(which, "customer", Kind::Key, true),
            h.spec(which, "date", Kind::Time, true),
            h.spec(which, "nps", Kind::OptScore(0, 10), false),
            h.spec(which, "csat", Kind::OptScore(1, 5), false),
        ],
        "contacts" => vec![
            h.spec(which, "customer", Kind::Key, true),
            h.spec(which, "received", Kind::Time, true),
            h.spec(which, "answered", Kind::OptTime, false),
            h.spec(which, "resolved", Kind::OptTime, false),
            h.spec(which, "channel", Kind::Text, false),
            h.spec(which, "case", Kind::Text, false),
        ],
        _ => vec![
            h.spec(which, "customer", Kind::Key, true),
            h.spec(which, "promised", Kind::Time, true),
            h.spec(which, "delivered", Kind::OptTime, true),
            h.spec(which, "carrier", Kind::Text, false),
        ],
    }
}

/// Reads table `which` from `source`: its columns, the survey's
/// `expected_`/`perceived_` items, and the contact-time check.
pub fn load_source(
    which: &str,
    source: Source<'_>,
    h: &Headers,
    skip: bool,
    dialect: &DialectArgs,
) -> Result<Table, CxError> {
    let specs = specs(which, h);
    let prefixes: &[&str] = if which == "feedback" {
        &["expected_", "perceived_"]
    } else {
        &[]
    };
    // The bundled demo is in the default dialect, whatever the flags say.
    let default = DialectArgs::default();
    let dialect = if matches!(source, Source::Text(..)) {
        &default
    } else {
        dialect
    };
    let mut t = read_table(source, &specs, prefixes, Kind::OptScore(1, 7), skip, dialect)?;
    if which == "contacts" {
        check_contact_times(&mut t, skip)?;
    }
    Ok(t)
}

/// A contact answered or resolved before it was received is a bad row
/// (the core's rule, `cx::gaps::before_received`).
pub fn check_contact_times(t: &mut Table, skip: bool) -> Result<(), CxError> {
    let received = t.times_present("received").unwrap_or_default();
    let mut bad = Vec::new();
    for col in ["answered", "resolved"] {
        if let Some(v) = t.times(col) {
            for i in crate::gaps::before_received(&received, v) {
                if bad.iter().any(|(j, _)| *j == i) {
                    continue;
                }
                let when = v[i].and_then(chrono::DateTime::from_timestamp_millis);
                let when = when.map(|d| d.naive_utc().to_string()).unwrap_or_default();
                bad.push((
                    i,
                    t.bad_row(i, col, when, format!("{col} before the contact was received")),
                ));
            }
        }
    }
    t.reject(bad, skip)
}

const MS: TimeUnit = TimeUnit::Milliseconds;

/// The four tables as read from CSV (any may be missing).
pub struct Inputs {
    /// Orders.
    pub orders: Option<Table>,
    /// Survey answers.
    pub feedback: Option<Table>,
    /// Support contacts.
    pub contacts: Option<Table>,
    /// Deliveries.
    pub deliveries: Option<Table>,
}

/// What the user chose (on the command line, in the page): the
/// scorecard's options.
pub type Settings = ScorecardOptions;

pub use crate::report::{CdnowCheck, ModelSection, Quality};

/// Churn risk with customers as their ids.
pub type RiskSection = crate::scorecard::RiskSection<String>;

/// Everything the report shows, customers as their ids.
pub type Report = crate::report::Report<String>;

/// A core error, located in its table when it names a row.
pub fn locate(table: &Table, column: &str, e: &CxError) -> CxError {
    match e.index() {
        Some(i) => table.bad_row(i, column, String::new(), e.to_string()).into(),
        None => super::file_error(&table.file, e.to_string()),
    }
}

/// A scorecard error located in the file and line it names: the argument
/// is `table.column` (orders errors name only the column).
fn locate_any(inputs: &Inputs, e: &CxError) -> CxError {
    let (table, column) = e.argument().split_once('.').unwrap_or(("orders", e.argument()));
    let t = match table {
        "feedback" => inputs.feedback.as_ref(),
        "contacts" => inputs.contacts.as_ref(),
        "deliveries" => inputs.deliveries.as_ref(),
        _ => inputs.orders.as_ref(),
    };
    // The core's column names in the CSV roles of this command.
    let role = match column {
        "customers" => "customer",
        "timestamps" => "date",
        "amounts" => "amount",
        "scores" => "nps",
        other => other,
    };
    match t {
        Some(t) => locate(t, role, e),
        None => e.clone(),
    }
}

/// The owned columns the scorecard borrows: required times as plain
/// integers, the touchpoint ratings.
pub struct Columns {
    orders: Option<Vec<i64>>,
    feedback: Option<Vec<i64>>,
    contacts: Option<Vec<i64>>,
    deliveries: Option<Vec<i64>>,
}

fn need<'a, T: ?Sized>(v: Option<&'a T>, what: &str) -> Result<&'a T, CxError> {
    v.ok_or_else(|| super::file_error("", format!("{what} column missing")))
}

impl Columns {
    /// The owned time columns of `inputs`.
    pub fn new(inputs: &Inputs) -> Self {
        let times = |t: &Option<Table>, col: &str| t.as_ref().and_then(|t| t.times_present(col));
        Columns {
            orders: times(&inputs.orders, "date"),
            feedback: times(&inputs.feedback, "date"),
            contacts: times(&inputs.contacts, "received"),
            deliveries: times(&inputs.deliveries, "promised"),
        }
    }

    /// The tables as the scorecard reads them.
    pub fn tables<'a>(&'a self, inputs: &'a Inputs) -> Result<ShopTables<'a, String>, CxError> {
        let mut t = ShopTables::new(MS);
        if let (Some(o), Some(ts)) = (&inputs.orders, &self.orders) {
            t.orders = Some(Transactions {
                customers: need(o.texts("customer"), "orders: customer")?,
                timestamps: ts,
                unit: MS,
                amounts: o.numbers("amount"),
            });
        }
        if let (Some(f), Some(ts)) = (&inputs.feedback, &self.feedback) {
            // Touchpoint gaps from expected_<tp> / perceived_<tp> column pairs.
            let touchpoints = f
                .prefixed
                .iter()
                .filter(|p| p.0 == "perceived_")
                .filter_map(|p| {
                    let e = f.prefixed.iter().find(|e| e.0 == "expected_" && e.1 == p.1)?;
                    Some(Touchpoint {
                        name: p.1.clone(),
                        expected: &e.2,
                        perceived: &p.2,
                    })
                })
                .collect();
            t.feedback = Some(SurveyRows {
                customers: need(f.texts("customer"), "feedback: customer")?,
                timestamps: ts,
                nps: f.numbers("nps"),
                csat: f.numbers("csat"),
                touchpoints,
            });
        }
        if let (Some(c), Some(ts)) = (&inputs.contacts, &self.contacts) {
            t.contacts = Some(ContactRows {
                customers: need(c.texts("customer"), "contacts: customer")?,
                received: ts,
                answered: c.times("answered"),
                resolved: c.times("resolved"),
                channels: c.texts("channel"),
                cases: c.texts("case"),
            });
        }
        if let (Some(d), Some(ts)) = (&inputs.deliveries, &self.deliveries) {
            t.deliveries = Some(DeliveryRows {
                customers: need(d.texts("customer"), "deliveries: customer")?,
                promised: ts,
                delivered: need(d.times("delivered"), "deliveries: delivered")?,
                carriers: d.texts("carrier"),
            });
        }
        Ok(t)
    }
}

/// The report of the tables: the core's scorecard, the files' data quality
/// and the CDNOW check.
pub fn build(inputs: &Inputs, settings: &Settings) -> Result<Report, CxError> {
    let columns = Columns::new(inputs);
    let tables = columns.tables(inputs)?;
    let card = scorecard(&tables, settings).map_err(|e| match e {
        CxError::Empty { argument: "tables" } => super::file_error("", "no dated rows in the inputs"),
        e => locate_any(inputs, &e),
    })?;
    let data = card.tables.iter().filter_map(|u| quality(inputs, u)).collect();
    let mut report = Report::new(card, "");
    report.data = data;
    #[cfg(feature = "cdnow")]
    if let Some(m) = &mut report.model {
        m.cdnow_check = CdnowCheck::bundled();
    }
    Ok(report)
}

/// The data-quality row of a table: the core's counts and the file's.
fn quality(inputs: &Inputs, u: &TableUse) -> Option<Quality> {
    let (table, t) = match u.table.as_str() {
        "orders" => ("orders", inputs.orders.as_ref()),
        "feedback" => ("feedback", inputs.feedback.as_ref()),
        "contacts" => ("contacts", inputs.contacts.as_ref()),
        "deliveries" => ("deliveries", inputs.deliveries.as_ref()),
        _ => return None,
    };
    let t = t?;
    Some(Quality {
        table: table.to_owned(),
        file: t.file.clone(),
        rows: t.rows,
        used: u.used,
        skipped_unreadable: t.skipped,
        after_as_of: u.after_as_of,
        without_answer: u.without_answer,
        examples: t.examples.clone(),
        dialect: t.dialect.as_ref().map(|d| d.describe()),
    })
}
