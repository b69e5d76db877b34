//! Reading the four CSV tables: column roles and renames, the bundled demo
//! shop, impossible contact times, the signal options.

use std::fs;
use std::path::Path;

use cx::exports::tables;
use cx::signals::SignalOptions;

use crate::args::TableArgs;
use crate::data::DEMO;
use crate::dialect::{self, DialectArgs};
use crate::memory;
use crate::read::{self, Source, Table};
use crate::report::Inputs;

pub use cx::exports::tables::{Headers, check_contact_times, orders_specs, specs};

/// Reads table `which` from `path`, from the bundled demo shop when `demo`
/// is set and no path is given, or not at all.
pub fn load(
    which: &str,
    path: Option<&Path>,
    h: &Headers,
    skip: bool,
    demo: bool,
    dialect: &DialectArgs,
) -> Result<Option<Table>, String> {
    let source = match (path, demo) {
        (Some(p), _) => Source::Path(p),
        (None, true) => {
            let name = format!("{which}.csv");
            let (file, text) = DEMO.iter().find(|d| d.0 == name).copied().unwrap_or(DEMO[0]);
            Source::Text(file, text)
        }
        (None, false) => return Ok(None),
    };
    load_source(which, source, h, skip, dialect).map(Some)
}

/// Reads table `which` from `source` ([`cx::exports::tables::load_source`]).
///
/// # Errors
/// As the core's reader; a file that cannot be opened.
pub fn load_source(
    which: &str,
    source: Source<'_>,
    h: &Headers,
    skip: bool,
    dialect: &DialectArgs,
) -> Result<Table, String> {
    tables::load_source(which, read::open(source, dialect)?, h, skip, dialect).map_err(|e| e.to_string())
}

pub fn load_inputs(a: &TableArgs) -> Result<(Inputs, bool), String> {
    let h = Headers::parse(&a.columns, true)?;
    let demo = a.orders.is_none() && a.feedback.is_none() && a.contacts.is_none() && a.deliveries.is_none();
    if demo {
        eprintln!("cx: no input files given: using the bundled demo shop (see `cx demo-data --help`)");
    }
    let s = a.skip_bad_rows;
    let d = dialect_args(a)?;
    if !a.ignore_memory_check {
        let files: Vec<&Path> = [&a.orders, &a.feedback, &a.contacts, &a.deliveries]
            .into_iter()
            .filter_map(|p| p.as_deref())
            .collect();
        memory::check(&files, memory::available(), !a.no_calibrate)?;
    }
    Ok((
        Inputs {
            orders: load("orders", a.orders.as_deref(), &h, s, demo, &d)?,
            feedback: load("feedback", a.feedback.as_deref(), &h, s, demo, &d)?,
            contacts: load("contacts", a.contacts.as_deref(), &h, s, demo, &d)?,
            deliveries: load("deliveries", a.deliveries.as_deref(), &h, s, demo, &d)?,
        },
        demo,
    ))
}

/// The dialect flags of the table arguments.
pub fn dialect_args(a: &TableArgs) -> Result<DialectArgs, String> {
    Ok(DialectArgs {
        delimiter: a.delimiter.as_deref().map(dialect::parse_delimiter).transpose()?,
        decimal: a.decimal.as_deref().map(dialect::parse_decimal).transpose()?,
        date_format: a.date_format.clone(),
        encoding: a.encoding.clone(),
    })
}

pub fn signal_options(a: &TableArgs) -> Result<SignalOptions, String> {
    let mut o: SignalOptions = match &a.signal_config {
        None => SignalOptions::default(),
        Some(p) => {
            let text = fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", p.display()))?;
            cx::options::from_json(v).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    if a.as_of.is_some() {
        o.as_of = a.as_of;
    }
    o.rank_by_value |= a.rank_by_value;
    if a.capacity.is_some() {
        o.at_risk_capacity = a.capacity;
    }
    if a.contact_cost.is_some() {
        o.contact_cost = a.contact_cost;
    }
    if let Some(p) = &a.calibration {
        let text = fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let c =
            cx::signals::RiskCalibration::from_json(&text).map_err(|e| format!("{}: {e}", p.display()))?;
        o.calibration = Some(Box::new(c));
    }
    Ok(o)
}

/// The line `cx report` and `cx signals` end with on stderr: rows read,
/// time taken and the peak memory of the process.
pub fn resources(inputs: &Inputs, started: std::time::Instant) -> String {
    let tables = [
        &inputs.orders,
        &inputs.feedback,
        &inputs.contacts,
        &inputs.deliveries,
    ];
    let rows: usize = tables.iter().filter_map(|t| t.as_ref()).map(|t| t.rows).sum();
    let files = tables.iter().filter(|t| t.is_some()).count();
    let peak = memory::peak().map_or(String::new(), |p| format!(", peak memory {}", memory::human(p)));
    format!(
        "cx: {rows} rows from {files} table{} in {:.1} s{peak}",
        if files == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    )
}
