//! The report: the core's scorecard (`cx::scorecard`) of the CSV tables,
//! with the rows behind each number accounted for per file (rows skipped as
//! unreadable, the first bad rows) and the CDNOW model check beside the
//! shop's fit.

use chrono::NaiveDate;
use cx::CxError;
use cx::retention::Transactions;
use cx::scorecard::{
    ContactRows, DeliveryRows, ScorecardOptions, ShopTables, SurveyRows, TableUse, Touchpoint, scorecard,
};
use cx::signals::SignalOptions;
use cx::time::TimeUnit;

pub use cx::scorecard::{GapSection, PromiseSection, RetentionSection, SurveySection, TrendPoint};

use crate::read::Table;

const MS: TimeUnit = TimeUnit::Milliseconds;

/// The four tables as read from CSV (any may be missing).
pub struct Inputs {
    pub orders: Option<Table>,
    pub feedback: Option<Table>,
    pub contacts: Option<Table>,
    pub deliveries: Option<Table>,
}

/// What the user chose on the command line.
pub struct Settings {
    pub as_of: Option<NaiveDate>,
    pub level: f64,
    pub service_level_hours: f64,
    pub top: usize,
    pub signals: SignalOptions,
    /// Calibrate the risk by a backtest on the shop's history.
    pub calibrate: bool,
}

pub use cx::report::{CdnowCheck, ModelSection, Quality};

/// Churn risk with customers as their ids.
pub type RiskSection = cx::scorecard::RiskSection<String>;

/// Everything the report shows, customers as their ids.
pub type Report = cx::report::Report<String>;

/// A core error, located in its table when it names a row.
pub fn locate(table: &Table, column: &str, e: &CxError) -> String {
    match e.index() {
        Some(i) => table.bad_row(i, column, String::new(), e.to_string()).to_string(),
        None => format!("{}: {e}", table.file),
    }
}

/// A scorecard error located in the file and line it names: the argument
/// is `table.column` (orders errors name only the column).
fn locate_any(inputs: &Inputs, e: &CxError) -> String {
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
        None => e.to_string(),
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

fn need<'a, T: ?Sized>(v: Option<&'a T>, what: &str) -> Result<&'a T, String> {
    v.ok_or_else(|| format!("{what} column missing"))
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
    pub fn tables<'a>(&'a self, inputs: &'a Inputs) -> Result<ShopTables<'a, String>, String> {
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
pub fn build(inputs: &Inputs, settings: &Settings) -> Result<Report, String> {
    let columns = Columns::new(inputs);
    let tables = columns.tables(inputs)?;
    let options = ScorecardOptions {
        as_of: settings.as_of,
        level: settings.level,
        service_level_hours: settings.service_level_hours,
        top: settings.top,
        signals: settings.signals.clone(),
        calibrate: settings.calibrate,
    };
    let card = scorecard(&tables, &options).map_err(|e| match e {
        CxError::Empty { argument: "tables" } => "no dated rows in the inputs".to_owned(),
        e => locate_any(inputs, &e),
    })?;
    let data = card.tables.iter().filter_map(|u| quality(inputs, u)).collect();
    let mut report = Report::new(card, "");
    report.data = data;
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
