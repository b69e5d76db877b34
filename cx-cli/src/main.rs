//! `cx`: a shop's customer-experience scorecard, explainable churn signals
//! and an offline HTML report, from CSV exports of orders, survey answers,
//! support contacts and deliveries.

mod charts;
mod demo;
mod html;
mod read;
mod report;

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use cx::churn::{AnyModel, Columns, FitOptions, fit_model};
use cx::retention::{RfmOptions, SummaryOptions, Transactions, customer_summary, rfm};
use cx::signals::SignalOptions;
use cx::survey::{NpsOptions, Scale, TimeBucket, TimeUnit, Timestamps, group_by, nps};

use read::{Kind, Source, Spec, Table, read_table};
use report::{Inputs, Report, Settings};

/// Bundled demo shop (`cx demo-data --customers 1000 --seed 7`).
const DEMO: [(&str, &str); 4] = [
    ("orders.csv", include_str!("../data/demo/orders.csv")),
    ("feedback.csv", include_str!("../data/demo/feedback.csv")),
    ("contacts.csv", include_str!("../data/demo/contacts.csv")),
    ("deliveries.csv", include_str!("../data/demo/deliveries.csv")),
];

/// The CDNOW summary (Fader, Hardie & Lee 2005), weeks; see data/cdnow/README.md.
const CDNOW: &str = include_str!("../../data/cdnow/cdnow_customers_summary.csv");

/// (x, tₓ, T) columns of a buy-till-you-die summary.
type SummaryColumns = (Vec<f64>, Vec<f64>, Vec<f64>);

/// The bundled CDNOW summary as (x, tₓ, T) columns, in weeks.
pub(crate) fn cdnow_summary() -> Result<SummaryColumns, String> {
    let mut rdr = csv::Reader::from_reader(CDNOW.as_bytes());
    let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let f = |i: usize| {
            rec.get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or("bundled CDNOW file unreadable")
        };
        x.push(f(1)?);
        tx.push(f(2)?);
        t.push(f(3)?);
    }
    Ok((x, tx, t))
}

#[derive(Parser)]
#[command(
    name = "cx",
    version,
    about = "Customer-experience scores, retention, churn models and explainable churn signals from CSV files",
    long_about = "Customer-experience scores, retention, churn models and explainable churn signals from CSV files.\n\n\
        Start with `cx report` (no arguments: a bundled demo shop) and open report.html.\n\
        Dates are ISO (2024-03-05 or 2024-03-05T14:22:00, UTC). Exit status: 0 done, 1 bad data or file, 2 bad arguments.",
    after_help = "Examples:\n  \
        cx report                                   # the bundled demo shop, report.html\n  \
        cx report --orders o.csv --feedback f.csv --out shop.html\n  \
        cx report --orders o.csv --col orders.customer=client_id --skip-bad-rows\n  \
        cx signals --orders o.csv --deliveries d.csv --format csv > at_risk.csv\n  \
        cx nps answers.csv --by month\n  \
        cx demo-data --customers 5000 --seed 1 --out shop"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The whole scorecard: a terminal summary and one self-contained HTML report.
    Report(ReportArgs),
    /// Per-customer churn signals with reasons, highest risk first.
    Signals(SignalArgs),
    /// NPS with its confidence interval, overall or per period.
    Nps(NpsArgs),
    /// RFM scores and segments per customer (CSV on stdout).
    Rfm(RfmArgs),
    /// Fit a buy-till-you-die model to orders (or to the bundled CDNOW sample).
    Fit(FitArgs),
    /// Write a seeded, realistic demo shop as four CSV files.
    DemoData(DemoArgs),
}

#[derive(Args, Clone)]
struct TableArgs {
    /// Orders CSV: customer, date, amount (optional).
    #[arg(long, value_name = "FILE")]
    orders: Option<PathBuf>,
    /// Survey answers CSV: customer, date, nps (0–10), csat (1–5, optional),
    /// and expected_<touchpoint> / perceived_<touchpoint> ratings (1–7, optional).
    #[arg(long, value_name = "FILE")]
    feedback: Option<PathBuf>,
    /// Support contacts CSV: customer, received, answered, resolved (empty = open), channel, case.
    #[arg(long, value_name = "FILE")]
    contacts: Option<PathBuf>,
    /// Deliveries CSV: customer, promised, delivered (empty = pending), carrier.
    #[arg(long, value_name = "FILE")]
    deliveries: Option<PathBuf>,
    /// Use a header of your own: --col orders.customer=cust_id (repeatable).
    #[arg(long = "col", value_name = "TABLE.ROLE=HEADER")]
    columns: Vec<String>,
    /// Leave out unreadable or invalid rows and count them, instead of stopping at the first.
    #[arg(long)]
    skip_bad_rows: bool,
    /// The day to report for (default: the last day in the data); later rows are left out and counted.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<NaiveDate>,
    /// Signal thresholds as JSON (see cx::signals::SignalOptions), e.g. {"overdue_ratio": 3}.
    #[arg(long, value_name = "FILE")]
    signal_config: Option<PathBuf>,
}

#[derive(Args)]
struct ReportArgs {
    #[command(flatten)]
    tables: TableArgs,
    /// Where to write the HTML report [default: report.html, or none with --json].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Print the report as JSON on stdout (and write HTML only if --out is given too).
    #[arg(long)]
    json: bool,
    /// Customers listed in the at-risk table.
    #[arg(long, default_value_t = 25)]
    top: usize,
    /// Service level for answer times, in hours.
    #[arg(long, default_value_t = 24.0)]
    service_level_hours: f64,
}

#[derive(Args)]
struct SignalArgs {
    #[command(flatten)]
    tables: TableArgs,
    /// Customers to print (0: all).
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Period {
    Day,
    Week,
    Month,
}

#[derive(Args)]
struct NpsArgs {
    /// CSV file with the answers (`-` for stdin).
    file: PathBuf,
    /// Column with the 0–10 answers.
    #[arg(long, default_value = "nps")]
    column: String,
    /// Group by this period of the date column.
    #[arg(long, value_enum)]
    by: Option<Period>,
    /// Date column (for --by).
    #[arg(long, default_value = "date")]
    date_column: String,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
    /// Leave out unreadable rows and count them.
    #[arg(long)]
    skip_bad_rows: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct RfmArgs {
    /// Orders CSV (`-` for stdin): customer, date, amount.
    file: PathBuf,
    /// Rename a column: --col customer=cust_id.
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    columns: Vec<String>,
    /// Recency is measured to this day (default: the last order).
    #[arg(long)]
    as_of: Option<NaiveDate>,
    /// Leave out unreadable rows and count them.
    #[arg(long)]
    skip_bad_rows: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Model {
    #[value(name = "bg_nbd")]
    Bg,
    #[value(name = "mbg_nbd")]
    Mbg,
    #[value(name = "pareto_nbd")]
    Pareto,
}

#[derive(Args)]
struct FitArgs {
    /// Orders CSV (`-` for stdin); without it, the bundled CDNOW sample (weeks).
    file: Option<PathBuf>,
    /// The model.
    #[arg(long, value_enum, default_value_t = Model::Bg)]
    model: Model,
    /// Time unit of the summary, in days (7 = weeks).
    #[arg(long, default_value_t = 7.0)]
    days_per_period: f64,
    /// Rename a column: --col customer=cust_id.
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    columns: Vec<String>,
    /// Print the fitted model as JSON (loadable by cx in Rust, Python and JS).
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct DemoArgs {
    /// Customers to simulate.
    #[arg(long, default_value_t = 2000)]
    customers: usize,
    /// Random seed: the same seed gives the same shop.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Directory to write orders.csv, feedback.csv, contacts.csv and deliveries.csv into.
    #[arg(long, default_value = "cx-demo")]
    out: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Report(a) => run_report(a),
        Command::Signals(a) => run_signals(a),
        Command::Nps(a) => run_nps(a),
        Command::Rfm(a) => run_rfm(a),
        Command::Fit(a) => run_fit(a),
        Command::DemoData(a) => run_demo(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cx: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// The default header of each column role, and renames from `--col`.
struct Headers(HashMap<String, String>);

impl Headers {
    fn parse(cols: &[String], tables: bool) -> Result<Self, String> {
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

    fn spec(&self, table: &str, role: &'static str, kind: Kind, required: bool) -> Spec {
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
        }
    }
}

fn orders_specs(h: &Headers, table: &str) -> Vec<Spec> {
    vec![
        h.spec(table, "customer", Kind::Key, true),
        h.spec(table, "date", Kind::Time, true),
        h.spec(table, "amount", Kind::OptNumber, false),
    ]
}

fn load(
    which: &str,
    path: Option<&Path>,
    h: &Headers,
    skip: bool,
    demo: bool,
) -> Result<Option<Table>, String> {
    let specs = match which {
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
    };
    let prefixes: &[&str] = if which == "feedback" {
        &["expected_", "perceived_"]
    } else {
        &[]
    };
    let source = match (path, demo) {
        (Some(p), _) => Source::Path(p),
        (None, true) => {
            let name = format!("{which}.csv");
            let (file, text) = DEMO.iter().find(|d| d.0 == name).copied().unwrap_or(DEMO[0]);
            Source::Text(file, text)
        }
        (None, false) => return Ok(None),
    };
    let mut t = read_table(source, &specs, prefixes, Kind::OptScore(1, 7), skip)?;
    if which == "contacts" {
        check_contact_times(&mut t, skip)?;
    }
    Ok(Some(t))
}

/// A contact answered or resolved before it was received is a bad row.
fn check_contact_times(t: &mut Table, skip: bool) -> Result<(), String> {
    let received = t.times_present("received").unwrap_or_default();
    let mut bad = Vec::new();
    for col in ["answered", "resolved"] {
        if let Some(v) = t.times(col) {
            for (i, (&r, a)) in received.iter().zip(v).enumerate() {
                if let Some(a) = a
                    && *a < r
                    && !bad.iter().any(|(j, _)| *j == i)
                {
                    let when = chrono::DateTime::from_timestamp_millis(*a).map(|d| d.naive_utc().to_string());
                    bad.push((
                        i,
                        t.bad_row(
                            i,
                            col,
                            when.unwrap_or_default(),
                            format!("{col} before the contact was received"),
                        ),
                    ));
                }
            }
        }
    }
    t.reject(bad, skip)
}

fn load_inputs(a: &TableArgs) -> Result<(Inputs, bool), String> {
    let h = Headers::parse(&a.columns, true)?;
    let demo = a.orders.is_none() && a.feedback.is_none() && a.contacts.is_none() && a.deliveries.is_none();
    if demo {
        eprintln!("cx: no input files given: using the bundled demo shop (see `cx demo-data --help`)");
    }
    let s = a.skip_bad_rows;
    Ok((
        Inputs {
            orders: load("orders", a.orders.as_deref(), &h, s, demo)?,
            feedback: load("feedback", a.feedback.as_deref(), &h, s, demo)?,
            contacts: load("contacts", a.contacts.as_deref(), &h, s, demo)?,
            deliveries: load("deliveries", a.deliveries.as_deref(), &h, s, demo)?,
        },
        demo,
    ))
}

fn signal_options(a: &TableArgs) -> Result<SignalOptions, String> {
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
    Ok(o)
}

fn run_report(a: ReportArgs) -> Result<(), String> {
    if !(a.service_level_hours.is_finite() && a.service_level_hours > 0.0) {
        return Err(format!(
            "--service-level-hours {}: expected a positive number",
            a.service_level_hours
        ));
    }
    let (inputs, _) = load_inputs(&a.tables)?;
    let settings = Settings {
        as_of: a.tables.as_of,
        level: 0.95,
        service_level_hours: a.service_level_hours,
        top: a.top,
        signals: signal_options(&a.tables)?,
    };
    let r = report::build(&inputs, &settings)?;
    let out = match (&a.out, a.json) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(PathBuf::from("report.html")),
        (None, true) => None,
    };
    if let Some(p) = &out {
        fs::write(p, html::render(&r)).map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
    }
    if a.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    print_summary(&r);
    if let Some(p) = &out {
        println!("\nreport written to {}", p.display());
    }
    Ok(())
}

fn print_summary(r: &Report) {
    println!("cx report as of {}", r.as_of);
    if let Some(s) = &r.survey {
        let n = &s.nps;
        println!(
            "  NPS               {:6.1}  [{:.1}, {:.1}]  n = {}",
            n.score, n.ci_low, n.ci_high, n.n
        );
        if let Some(c) = &s.csat {
            println!(
                "  CSAT              {:5.1}%  n = {}",
                100.0 * c.satisfied.share,
                c.n
            );
        }
    }
    if let Some(g) = &r.gaps {
        let worst = g
            .touchpoints
            .iter()
            .zip(&g.servqual.items)
            .filter_map(|(n, i)| i.gap.map(|v| (n, v)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((name, gap)) = worst {
            println!("  largest gap       {name} ({gap:+.2} on 1–7)");
        }
    }
    if let Some(t) = &r.retention {
        let p = &t.store.repeat_purchase_rate;
        println!(
            "  repeat purchase   {:5.1}%  ({} of {} customers)",
            100.0 * p.share,
            p.successes,
            p.n
        );
    }
    if let Some(d) = r
        .promise
        .as_ref()
        .and_then(|p| p.delivery.as_ref())
        .and_then(|d| d.on_time.as_ref())
    {
        println!("  on-time delivery  {:5.1}%", 100.0 * d.share);
    }
    if let Some(f) = r
        .promise
        .as_ref()
        .and_then(|p| p.first_contact_resolution.as_ref())
    {
        println!("  first-contact res {:5.1}%", 100.0 * f.resolved_first.share);
    }
    if let Some(k) = &r.risk {
        println!(
            "  at risk           {} of {} customers (risk ≥ {})",
            k.at_risk, k.customers, k.threshold
        );
        for c in k.top.iter().take(5) {
            let why: Vec<&str> = c.signals.iter().take(2).map(|s| s.reason.as_str()).collect();
            println!("    {:<10} {:.3}  {}", c.customer, c.risk, why.join("; "));
        }
    }
    for q in &r.data {
        if q.skipped_unreadable > 0 {
            println!(
                "  skipped           {} bad rows in {}",
                q.skipped_unreadable, q.file
            );
        }
    }
}

fn run_signals(a: SignalArgs) -> Result<(), String> {
    let (inputs, _) = load_inputs(&a.tables)?;
    let settings = Settings {
        as_of: a.tables.as_of,
        level: 0.95,
        service_level_hours: 24.0,
        top: if a.top == 0 { usize::MAX } else { a.top },
        signals: signal_options(&a.tables)?,
    };
    let r = report::build(&inputs, &settings)?;
    let risk = r.risk.ok_or("no customers")?;
    let out = io::stdout();
    let mut out = out.lock();
    let w = |e: io::Error| e.to_string();
    match a.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&risk).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(w)?;
        }
        Format::Csv => {
            let mut c = csv::Writer::from_writer(out);
            c.write_record([
                "customer",
                "risk",
                "signals",
                "reasons",
                "orders",
                "last_order",
                "p_alive",
            ])
            .map_err(|e| e.to_string())?;
            for x in &risk.top {
                let kinds: Vec<&str> = x.signals.iter().map(|s| s.kind.as_str()).collect();
                let reasons: Vec<&str> = x.signals.iter().map(|s| s.reason.as_str()).collect();
                c.write_record([
                    x.customer.clone(),
                    format!("{:.4}", x.risk),
                    kinds.join(";"),
                    reasons.join("; "),
                    x.orders.to_string(),
                    x.last_order.map(|d| d.to_string()).unwrap_or_default(),
                    x.p_alive.map(|p| format!("{p:.4}")).unwrap_or_default(),
                ])
                .map_err(|e| e.to_string())?;
            }
            c.flush().map_err(w)?;
        }
        Format::Text => {
            writeln!(
                out,
                "{} of {} customers at risk (≥ {}) as of {}",
                risk.at_risk, risk.customers, risk.threshold, r.as_of
            )
            .map_err(w)?;
            for x in &risk.top {
                writeln!(out, "{:<12} risk {:.3}", x.customer, x.risk).map_err(w)?;
                for s in &x.signals {
                    writeln!(out, "    {:.2}  {}", s.strength, s.reason).map_err(w)?;
                }
            }
        }
    }
    Ok(())
}

fn run_nps(a: NpsArgs) -> Result<(), String> {
    let mut specs = vec![Spec {
        role: "nps",
        header: a.column.clone(),
        kind: Kind::OptScore(0, 10),
        required: true,
    }];
    if a.by.is_some() {
        specs.push(Spec {
            role: "date",
            header: a.date_column.clone(),
            kind: Kind::Time,
            required: true,
        });
    }
    let t = read_table(
        Source::Path(&a.file),
        &specs,
        &[],
        Kind::OptNumber,
        a.skip_bad_rows,
    )?;
    let col = t.numbers("nps").unwrap_or_default();
    let rows: Vec<usize> = (0..t.len()).filter(|&i| !col[i].is_nan()).collect();
    let scores: Vec<u8> = rows.iter().map(|&i| col[i] as u8).collect();
    let o = NpsOptions {
        level: a.level,
        ..NpsOptions::default()
    };
    let overall = nps(&scores, &o).map_err(|e| format!("{}: {e}", t.file))?;
    let mut groups = Vec::new();
    if let Some(by) = a.by {
        let dates = t.times_present("date").unwrap_or_default();
        let ts: Vec<i64> = rows.iter().map(|&i| dates[i]).collect();
        let bucket = match by {
            Period::Day => TimeBucket::Day,
            Period::Week => TimeBucket::Week,
            Period::Month => TimeBucket::Month,
        };
        let time = Timestamps {
            values: &ts,
            unit: TimeUnit::Milliseconds,
            bucket,
        };
        for g in group_by::<u8, u8>(Scale::NPS, &scores, None, None, Some(time)).map_err(|e| e.to_string())? {
            groups.push((g.period, g.distribution.nps(&o).map_err(|e| e.to_string())?));
        }
    }
    let used = rows.len();
    let (no_answer, skipped) = (t.len() - used, t.skipped);
    if a.json {
        let v = serde_json::json!({
            "nps": overall,
            "groups": groups.iter().map(|(p, n)| serde_json::json!({"period": p, "nps": n})).collect::<Vec<_>>(),
            "rows": t.rows, "used": used, "no_answer": no_answer, "skipped": skipped,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
        return Ok(());
    }
    println!(
        "NPS {:.1}  [{:.1}, {:.1}] ({}%, {:?})  n = {}  promoters {:.1}%  detractors {:.1}%",
        overall.score,
        overall.ci_low,
        overall.ci_high,
        100.0 * a.level,
        overall.interval,
        overall.n,
        100.0 * overall.promoter_share,
        100.0 * overall.detractor_share
    );
    for (p, n) in &groups {
        println!(
            "  {}  {:6.1}  [{:6.1}, {:6.1}]  n = {}",
            p.map(|d| d.to_string()).unwrap_or_default(),
            n.score,
            n.ci_low,
            n.ci_high,
            n.n
        );
    }
    println!(
        "rows {}: used {used}, without an answer {no_answer}, skipped {skipped}",
        t.rows
    );
    Ok(())
}

fn run_rfm(a: RfmArgs) -> Result<(), String> {
    let h = Headers::parse(&a.columns, false)?;
    let t = read_table(
        Source::Path(&a.file),
        &orders_specs(&h, ""),
        &[],
        Kind::OptNumber,
        a.skip_bad_rows,
    )?;
    let ts = t.times_present("date").unwrap_or_default();
    let tx = Transactions {
        customers: t.texts("customer").unwrap_or_default(),
        timestamps: &ts,
        unit: TimeUnit::Milliseconds,
        amounts: t.numbers("amount"),
    };
    let p = cx::retention::Purchases::from_transactions(
        &tx,
        &cx::retention::PurchaseOptions {
            bucket: Some(TimeBucket::Day),
            observation_end: a.as_of,
            allow_negative_amounts: true,
        },
    )
    .map_err(|e| report::locate(&t, "date", &e))?;
    let r = rfm(
        &p,
        &RfmOptions {
            as_of: a.as_of,
            ..RfmOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut w = csv::Writer::from_writer(io::stdout().lock());
    let e = |e: csv::Error| e.to_string();
    w.write_record([
        "customer",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    ])
    .map_err(e)?;
    for i in 0..r.customers.len() {
        w.write_record([
            r.customers[i].clone(),
            r.recency_days[i].to_string(),
            r.frequency[i].to_string(),
            format!("{:.2}", r.monetary[i]),
            r.r[i].to_string(),
            r.f[i].to_string(),
            r.m[i].to_string(),
            r.segment[i].clone(),
        ])
        .map_err(e)?;
    }
    w.flush().map_err(|e| e.to_string())?;
    eprintln!(
        "cx: {} customers as of {} from {} rows ({} after as-of, {} skipped)",
        r.customers.len(),
        r.as_of,
        t.rows,
        p.report.after_end,
        t.skipped
    );
    Ok(())
}

fn run_fit(a: FitArgs) -> Result<(), String> {
    if !(a.days_per_period.is_finite() && a.days_per_period > 0.0) {
        return Err(format!(
            "--days-per-period {}: expected a positive number",
            a.days_per_period
        ));
    }
    let (x, tx, t, source) = match &a.file {
        None => {
            let (x, tx, t) = cdnow_summary()?;
            (
                x,
                tx,
                t,
                "bundled CDNOW sample (2,357 customers, weeks)".to_owned(),
            )
        }
        Some(path) => {
            let h = Headers::parse(&a.columns, false)?;
            let tab = read_table(
                Source::Path(path),
                &orders_specs(&h, ""),
                &[],
                Kind::OptNumber,
                false,
            )?;
            let ts = tab.times_present("date").unwrap_or_default();
            let s = customer_summary(
                &Transactions {
                    customers: tab.texts("customer").unwrap_or_default(),
                    timestamps: &ts,
                    unit: TimeUnit::Milliseconds,
                    amounts: None,
                },
                &SummaryOptions {
                    multiplier: a.days_per_period,
                    ..SummaryOptions::default()
                },
            )
            .map_err(|e| report::locate(&tab, "date", &e))?;
            let x = s.frequency.iter().map(|&v| f64::from(v)).collect();
            (
                x,
                s.recency,
                s.t,
                format!("{} ({} customers)", tab.file, s.customers.len()),
            )
        }
    };
    let name = match a.model {
        Model::Bg => "bg_nbd",
        Model::Mbg => "mbg_nbd",
        Model::Pareto => "pareto_nbd",
    };
    let cols = Columns {
        frequency: Some(&x),
        recency: Some(&tx),
        t: Some(&t),
        monetary_value: None,
    };
    let m = fit_model(name, &cols, &FitOptions::default()).map_err(|e| e.to_string())?;
    if a.json {
        println!("{}", m.to_json());
        return Ok(());
    }
    println!("{name} fitted to {source}");
    match &m {
        AnyModel::BgNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}",
            p.r, p.alpha, p.a, p.b
        ),
        AnyModel::MbgNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}",
            p.r, p.alpha, p.a, p.b
        ),
        AnyModel::ParetoNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  s = {:.4}  beta = {:.4}",
            p.r, p.alpha, p.s, p.beta
        ),
        AnyModel::GammaGamma(_) => {}
    }
    if let Some(f) = m.fit_report() {
        println!(
            "  log-likelihood {:.2}  AIC {:.2}  converged {}",
            f.log_likelihood, f.aic, f.converged
        );
    }
    if a.file.is_none() {
        // REFERENCES.md §4 (Fader, Hardie & Lee 2005, and their Pareto/NBD note).
        match a.model {
            Model::Bg => {
                println!("  published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4")
            }
            Model::Pareto => {
                println!("  published: r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0")
            }
            Model::Mbg => {}
        }
    }
    Ok(())
}

fn run_demo(a: DemoArgs) -> Result<(), String> {
    if a.customers == 0 {
        return Err("--customers 0: at least one customer is needed".into());
    }
    let shop = demo::generate(a.customers, a.seed);
    fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    for (name, text) in [
        ("orders.csv", &shop.orders),
        ("feedback.csv", &shop.feedback),
        ("contacts.csv", &shop.contacts),
        ("deliveries.csv", &shop.deliveries),
    ] {
        let p = a.out.join(name);
        fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        println!(
            "{} ({} rows)",
            p.display(),
            text.lines().count().saturating_sub(1)
        );
    }
    Ok(())
}
