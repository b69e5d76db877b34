//! Reading the four CSV tables: column roles and renames, the bundled demo
//! shop, impossible contact times, the signal options.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use cx::signals::SignalOptions;

use crate::args::TableArgs;
use crate::data::DEMO;
use crate::dialect::{self, DialectArgs};
use crate::memory;
use crate::read::{Kind, Source, Spec, Table, read_table};
use crate::report::Inputs;

/// The default header of each column role, and renames from `--col`.
pub struct Headers(HashMap<String, String>);

impl Headers {
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

/// Reads table `which` from `source`: its columns, the survey's
/// `expected_`/`perceived_` items, and the contact-time check.
pub fn load_source(
    which: &str,
    source: Source<'_>,
    h: &Headers,
    skip: bool,
    dialect: &DialectArgs,
) -> Result<Table, String> {
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
pub fn check_contact_times(t: &mut Table, skip: bool) -> Result<(), String> {
    let received = t.times_present("received").unwrap_or_default();
    let mut bad = Vec::new();
    for col in ["answered", "resolved"] {
        if let Some(v) = t.times(col) {
            for i in cx::gaps::before_received(&received, v) {
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
        memory::check(&files, memory::available())?;
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
