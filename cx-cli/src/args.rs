//! The command line: subcommands and their arguments (clap).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

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
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// The whole scorecard: a terminal summary and one self-contained HTML report.
    Report(ReportArgs),
    /// Per-customer churn signals with reasons, highest risk first.
    Signals(SignalArgs),
    /// Backtest the churn signals on the shop's history and calibrate the risk.
    Backtest(BacktestArgs),
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
pub struct TableArgs {
    /// Orders CSV: customer, date, amount (optional).
    #[arg(long, value_name = "FILE")]
    pub orders: Option<PathBuf>,
    /// Survey answers CSV: customer, date, nps (0–10), csat (1–5, optional),
    /// and expected_<touchpoint> / perceived_<touchpoint> ratings (1–7, optional).
    #[arg(long, value_name = "FILE")]
    pub feedback: Option<PathBuf>,
    /// Support contacts CSV: customer, received, answered, resolved (empty = open), channel, case.
    #[arg(long, value_name = "FILE")]
    pub contacts: Option<PathBuf>,
    /// Deliveries CSV: customer, promised, delivered (empty = pending), carrier.
    #[arg(long, value_name = "FILE")]
    pub deliveries: Option<PathBuf>,
    /// Use a header of your own: --col orders.customer=cust_id (repeatable).
    #[arg(long = "col", value_name = "TABLE.ROLE=HEADER")]
    pub columns: Vec<String>,
    /// Leave out unreadable or invalid rows and count them, instead of stopping at the first.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// The day to report for (default: the last day in the data); later rows are left out and counted.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<NaiveDate>,
    /// Signal thresholds as JSON (see cx::signals::SignalOptions), e.g. {"overdue_ratio": 3}.
    #[arg(long, value_name = "FILE")]
    pub signal_config: Option<PathBuf>,
    /// Column separator of the CSV files (default: recognised from the header line: , ; tab |).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<String>,
    /// Decimal mark, . or , (default: , in files separated by ; or tab, else .).
    #[arg(long, value_name = "MARK")]
    pub decimal: Option<String>,
    /// Format of every date column, in chrono's notation, e.g. %d/%m/%Y or "%m/%d/%Y %H:%M"
    /// (default: ISO 8601 or dd.mm.yyyy).
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Text encoding: utf-8, windows-1252 or latin-1 (default: UTF-8 when the file is valid UTF-8, else Windows-1252).
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Read the files even when they look too large for the memory available.
    #[arg(long)]
    pub ignore_memory_check: bool,
    /// A risk calibration saved by `cx backtest --save`: risk becomes the
    /// probability of no order within its horizon.
    #[arg(long, value_name = "FILE")]
    pub calibration: Option<PathBuf>,
    /// Keep the uncalibrated rules (no backtest on the shop's own history).
    #[arg(long)]
    pub no_calibrate: bool,
    /// Rank the at-risk list by value at risk (risk × CLV) instead of risk.
    #[arg(long)]
    pub rank_by_value: bool,
    /// Flag at most N customers at risk, the highest ranked (the calls a team can make).
    #[arg(long, value_name = "N")]
    pub capacity: Option<usize>,
    /// Flag a customer when contacting pays: risk × CLV × 0.25 ≥ COST (needs order amounts).
    #[arg(long, value_name = "COST")]
    pub contact_cost: Option<f64>,
}

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub tables: TableArgs,
    /// Where to write the HTML report [default: report.html, or none with --json].
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the report as JSON on stdout (and write HTML only if --out is given too).
    #[arg(long)]
    pub json: bool,
    /// Customers listed in the at-risk table.
    #[arg(long, default_value_t = 25)]
    pub top: usize,
    /// Service level for answer times, in hours.
    #[arg(long, default_value_t = 24.0)]
    pub service_level_hours: f64,
}

#[derive(Args)]
pub struct SignalArgs {
    #[command(flatten)]
    pub tables: TableArgs,
    /// Customers to print (0: all).
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Args)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub tables: TableArgs,
    /// Days after each cut-off in which an order is looked for.
    #[arg(long, default_value_t = 90.0)]
    pub horizon_days: f64,
    /// Cut-off days, each `--horizon-days` before the next, the last one
    /// `--horizon-days` before the last order.
    #[arg(long, default_value_t = 4)]
    pub cutoffs: u32,
    /// Write the calibration (JSON) here, for `--calibration` of `cx report`
    /// and `cx signals`, Python's and JavaScript's `calibration` option.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Output format (text or json; csv is not offered).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Period {
    Day,
    Week,
    Month,
}

#[derive(Args)]
pub struct NpsArgs {
    /// CSV file with the answers (`-` for stdin).
    pub file: PathBuf,
    /// Column with the 0–10 answers.
    #[arg(long, default_value = "nps")]
    pub column: String,
    /// Group by this period of the date column.
    #[arg(long, value_enum)]
    pub by: Option<Period>,
    /// Date column (for --by).
    #[arg(long, default_value = "date")]
    pub date_column: String,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Leave out unreadable rows and count them.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct RfmArgs {
    /// Orders CSV (`-` for stdin): customer, date, amount.
    pub file: PathBuf,
    /// Rename a column: --col customer=cust_id.
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,
    /// Recency is measured to this day (default: the last order).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// Leave out unreadable rows and count them.
    #[arg(long)]
    pub skip_bad_rows: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Model {
    #[value(name = "bg_nbd")]
    Bg,
    #[value(name = "mbg_nbd")]
    Mbg,
    #[value(name = "pareto_nbd")]
    Pareto,
}

#[derive(Args)]
pub struct FitArgs {
    /// Orders CSV (`-` for stdin); without it, the bundled CDNOW sample (weeks).
    pub file: Option<PathBuf>,
    /// The model.
    #[arg(long, value_enum, default_value_t = Model::Bg)]
    pub model: Model,
    /// Time unit of the summary, in days (7 = weeks).
    #[arg(long, default_value_t = 7.0)]
    pub days_per_period: f64,
    /// Rename a column: --col customer=cust_id.
    #[arg(long = "col", value_name = "ROLE=HEADER")]
    pub columns: Vec<String>,
    /// Print the fitted model as JSON (loadable by cx in Rust, Python and JS).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Customers to simulate.
    #[arg(long, default_value_t = 2000)]
    pub customers: usize,
    /// Random seed: the same seed gives the same shop.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Directory to write orders.csv, feedback.csv, contacts.csv and deliveries.csv into.
    #[arg(long, default_value = "cx-demo")]
    pub out: PathBuf,
}
