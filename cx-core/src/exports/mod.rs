//! Reading a shop's CSV exports (feature `exports`): the dialects of real
//! exports (separator, decimal mark, day-first dates, Windows-1252), typed
//! cells with bad rows named by file, line and column, the four tables of
//! `cx report`, and the report built from them. One reader for the `cx`
//! command and the WebAssembly package, so the report in the browser is the
//! report of the command for the same files.
//!
//! # Examples
//! ```
//! use cx::exports::{ExportFiles, report_of_files};
//!
//! let orders = "customer;date;amount\na;01.03.2024;12,50\na;15.03.2024;8,00\nb;02.03.2024;5,00\n";
//! let files = ExportFiles { orders: Some(("orders.csv", orders.as_bytes())), ..ExportFiles::default() };
//! let report = report_of_files(&files, &Default::default())?;
//! let quality = &report.data[0];
//! assert_eq!((quality.rows, quality.used), (3, 3));
//! assert_eq!(quality.dialect.as_deref(), Some("separator ';', decimal ',', dates ISO or dd.mm.yyyy, UTF-8"));
//! assert!(cx::report::render(&report, String::clone).contains("<html"));
//! # Ok::<(), cx::CxError>(())
//! ```

pub mod dialect;
pub mod read;
pub mod tables;

use serde::Deserialize;

use crate::CxError;
use crate::signals::SignalOptions;
use dialect::DialectArgs;
use read::Source;
use tables::{Headers, Inputs, Report, Settings, build, load_source};

/// A problem of the whole file `file` (or, with `file` empty, of the
/// options): [`CxError::File`] without a line.
pub(crate) fn file_error(file: &str, reason: impl Into<String>) -> CxError {
    CxError::File {
        file: file.to_owned(),
        line: 0,
        column: String::new(),
        value: String::new(),
        reason: reason.into(),
    }
}

/// The four exports as bytes with their file names; any may be missing.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportFiles<'a> {
    /// Orders: `customer`, `date`, `amount`.
    pub orders: Option<(&'a str, &'a [u8])>,
    /// Survey answers: `customer`, `date`, `nps`, `csat`, `expected_*`, `perceived_*`.
    pub feedback: Option<(&'a str, &'a [u8])>,
    /// Support contacts: `customer`, `received`, `answered`, `resolved`, `channel`, `case`.
    pub contacts: Option<(&'a str, &'a [u8])>,
    /// Deliveries: `customer`, `promised`, `delivered`, `carrier`.
    pub deliveries: Option<(&'a str, &'a [u8])>,
}

/// The options of `cx report`, as JSON for the bindings (snake_case keys).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportOptions {
    /// The report's day (default: the last day in the data).
    pub as_of: Option<chrono::NaiveDate>,
    /// Hours within which a contact counts as answered in time (24).
    pub service_level_hours: f64,
    /// Customers at risk listed (25, as `cx report`).
    pub top: usize,
    /// Calibrate the churn risk by a backtest on the shop's history (true).
    pub calibrate: bool,
    /// Leave out and count unreadable rows instead of stopping at the first.
    pub skip_bad_rows: bool,
    /// The separator (`,`, `;`, `\t`, `|`); recognised when absent.
    pub delimiter: Option<String>,
    /// The decimal mark (`.` or `,`); recognised when absent.
    pub decimal: Option<String>,
    /// A chrono format for every date column.
    pub date_format: Option<String>,
    /// `utf-8`, `windows-1252` or `latin-1`; recognised when absent.
    pub encoding: Option<String>,
    /// Renamed columns, `table.role` to the file's header
    /// (`{"orders.customer": "Kundennummer"}`).
    pub columns: std::collections::BTreeMap<String, String>,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            as_of: None,
            service_level_hours: 24.0,
            top: 25,
            calibrate: true,
            skip_bad_rows: false,
            delimiter: None,
            decimal: None,
            date_format: None,
            encoding: None,
            columns: Default::default(),
        }
    }
}

impl ExportOptions {
    /// The dialect options.
    ///
    /// # Errors
    /// A separator or decimal mark that is not one of the accepted ones.
    pub fn dialect(&self) -> Result<DialectArgs, CxError> {
        let option = |e| file_error("", e);
        Ok(DialectArgs {
            delimiter: self
                .delimiter
                .as_deref()
                .map(dialect::parse_delimiter)
                .transpose()
                .map_err(option)?,
            decimal: self
                .decimal
                .as_deref()
                .map(dialect::parse_decimal)
                .transpose()
                .map_err(option)?,
            date_format: self.date_format.clone(),
            encoding: self.encoding.clone(),
        })
    }
}

/// Reads the files as `cx report` reads them.
///
/// # Errors
/// A message naming the file, line and column of the first bad row (unless
/// `skip_bad_rows`), a missing column and how to rename it, a bad option.
pub fn read_files(files: &ExportFiles<'_>, options: &ExportOptions) -> Result<Inputs, CxError> {
    let cols: Vec<String> = options.columns.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let h = Headers::parse(&cols, true).map_err(|e| file_error("", e))?;
    let d = options.dialect()?;
    let read = |which: &str, f: Option<(&str, &[u8])>| {
        f.map(|(name, bytes)| load_source(which, Source::Bytes(name, bytes), &h, options.skip_bad_rows, &d))
            .transpose()
    };
    Ok(Inputs {
        orders: read("orders", files.orders)?,
        feedback: read("feedback", files.feedback)?,
        contacts: read("contacts", files.contacts)?,
        deliveries: read("deliveries", files.deliveries)?,
    })
}

/// The report of `cx report` for the files: the scorecard, the data
/// quality of each file and (with the feature `cdnow`) the CDNOW check.
///
/// # Errors
/// As [`read_files`]; the scorecard's errors located in their file and line.
pub fn report_of_files(files: &ExportFiles<'_>, options: &ExportOptions) -> Result<Report, CxError> {
    if !(options.service_level_hours.is_finite() && options.service_level_hours > 0.0) {
        return Err(CxError::invalid(
            "service_level_hours",
            options.service_level_hours,
            "a positive number of hours",
        ));
    }
    let inputs = read_files(files, options)?;
    let settings = Settings {
        as_of: options.as_of,
        level: 0.95,
        service_level_hours: options.service_level_hours,
        top: options.top,
        signals: SignalOptions {
            as_of: options.as_of,
            ..SignalOptions::default()
        },
        calibrate: options.calibrate,
    };
    build(&inputs, &settings)
}
