//! The report: a [`Scorecard`] as one self-contained HTML page (inline
//! CSS, inline SVG charts, no scripts, no network), with the rows behind
//! each number accounted for per table. One renderer for every binding:
//! the `cx report` command, Python's `cx.Scorecard` (shown inline in
//! Jupyter) and the WebAssembly package's `report` give the same page for
//! the same tables.
//!
//! ```
//! use cx::report::{Report, render};
//! use cx::scorecard::{ScorecardOptions, ShopTables, SurveyRows, scorecard};
//! use cx::time::TimeUnit;
//!
//! let day = 86_400;
//! let customers = ["a".to_string(), "b".into(), "c".into()];
//! let days = [19_800 * day, 19_801 * day, 19_830 * day];
//! let mut tables = ShopTables::new(TimeUnit::Seconds);
//! tables.feedback = Some(SurveyRows {
//!     customers: &customers,
//!     timestamps: &days,
//!     nps: Some(&[10.0, 9.0, 3.0]),
//!     csat: None,
//!     touchpoints: vec![],
//! });
//! let card = scorecard(&tables, &ScorecardOptions::default())?;
//! let page = render(&Report::new(card, "my shop"), |c: &String| c.clone());
//! assert!(page.starts_with("<!doctype html>") && page.contains("NPS 33.3"));
//! # Ok::<(), cx::CxError>(())
//! ```

pub mod charts;
mod html;

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

pub use html::{escape, reasons, render};

use crate::churn::{BetaGeo, CustomerData, FitOptions};
use crate::scorecard::{GapSection, PromiseSection, RetentionSection, RiskSection, Scorecard, SurveySection};

/// A row a reader could not use, named by where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BadRow {
    /// File name as given (or where the table came from).
    pub file: String,
    /// 1-based line in the file (the header is line 1).
    pub line: u64,
    /// Column name.
    pub column: String,
    /// The cell's text.
    pub value: String,
    /// What was expected.
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As its error (`CxError::File`) says it.
        let (file, column, value) = (&self.file, &self.column, &self.value);
        let m = crate::error::file_message(file, self.line, column, value, &self.reason);
        f.write_str(&m)
    }
}

impl From<BadRow> for crate::CxError {
    fn from(b: BadRow) -> Self {
        crate::CxError::File {
            file: b.file,
            line: b.line,
            column: b.column,
            value: b.value,
            reason: b.reason,
        }
    }
}

/// Where a table's rows went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quality {
    /// `orders`, `feedback`, `contacts` or `deliveries`.
    pub table: String,
    /// The file the table was read from, or where it came from
    /// (`DataFrame`, `columns`).
    pub file: String,
    /// Rows given (read from the file).
    pub rows: usize,
    /// Rows used.
    pub used: usize,
    /// Rows skipped by the reader as unreadable.
    pub skipped_unreadable: usize,
    /// Rows after the report day (or not yet due), left out.
    pub after_as_of: usize,
    /// Survey rows without an NPS answer.
    pub without_answer: usize,
    /// The first skipped rows.
    pub examples: Vec<BadRow>,
    /// How the file was read (CSV separator, decimal mark, dates,
    /// encoding), if it was a file.
    pub dialect: Option<String>,
}

/// The model check: the fitting code on the CDNOW sample beside the
/// published values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CdnowCheck {
    /// Fitted r, α, a, b.
    pub fitted: [f64; 4],
    /// Fader, Hardie & Lee (2005), table 1.
    pub published: [f64; 4],
    /// Log-likelihood at the fit.
    pub log_likelihood: f64,
}

impl CdnowCheck {
    /// BG/NBD fitted to the CDNOW summary columns (x, tₓ, T in weeks);
    /// `None` when the fit fails.
    pub fn fit(x: &[f64], t_x: &[f64], t: &[f64]) -> Option<Self> {
        let data = CustomerData {
            frequency: x,
            recency: t_x,
            t,
        };
        let m = BetaGeo::fit(&data, &FitOptions::default()).ok()?;
        Some(CdnowCheck {
            fitted: [m.r(), m.alpha(), m.a(), m.b()],
            // Fader, Hardie & Lee 2005, Marketing Science 24(2), table 1.
            published: [0.243, 4.414, 0.793, 2.426],
            log_likelihood: m.fit_report().map_or(f64::NAN, |f| f.log_likelihood),
        })
    }

    /// The check on the bundled CDNOW summary.
    #[cfg(feature = "cdnow")]
    pub fn bundled() -> Option<Self> {
        let (x, tx, t) = cdnow_summary().ok()?;
        Self::fit(&x, &tx, &t)
    }
}

/// The CDNOW summary of Fader, Hardie & Lee (2005): 2,357 customers'
/// repeat purchases x, recency tₓ and age T in weeks (see
/// `data/cdnow/README.md` for its source and attribution).
#[cfg(feature = "cdnow")]
pub const CDNOW_SUMMARY: &str = include_str!("../../../data/cdnow/cdnow_customers_summary.csv");

/// (x, tₓ, T) columns of a buy-till-you-die summary.
#[cfg(feature = "cdnow")]
type SummaryColumns = (Vec<f64>, Vec<f64>, Vec<f64>);

/// The bundled [`CDNOW_SUMMARY`] as (x, tₓ, T) columns, in weeks.
///
/// # Errors
/// A message if the bundled file cannot be read (it can: a test reads it).
#[cfg(feature = "cdnow")]
pub fn cdnow_summary() -> Result<SummaryColumns, String> {
    let mut rdr = csv::Reader::from_reader(CDNOW_SUMMARY.as_bytes());
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

/// The shop's purchase model, and the same code on CDNOW beside the
/// published values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSection {
    /// The scorecard's model section.
    #[serde(flatten)]
    pub fit: crate::scorecard::ModelSection,
    /// The CDNOW check, if the caller ran it.
    pub cdnow_check: Option<CdnowCheck>,
}

/// Everything the report shows: the scorecard's sections, where each
/// table's rows went and who made the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<K> {
    /// The report day.
    pub as_of: NaiveDate,
    /// The program that made the report (`cx 0.1.0`, `cx 0.1.0 (Python)`).
    pub generated_by: String,
    /// Rows given, used and skipped per table.
    pub data: Vec<Quality>,
    /// Survey scores.
    pub survey: Option<SurveySection>,
    /// Expectation gaps.
    pub gaps: Option<GapSection>,
    /// Repeat purchase and retention.
    pub retention: Option<RetentionSection>,
    /// Promise gaps.
    pub promise: Option<PromiseSection>,
    /// The purchase model.
    pub model: Option<ModelSection>,
    /// Churn risk.
    pub risk: Option<RiskSection<K>>,
    /// What the reader should know.
    pub notes: Vec<String>,
}

impl<K> Report<K> {
    /// The report of `card` with the scorecard's own row counts as the data
    /// quality (each table's `file` is `source`) and no CDNOW check; set
    /// [`Report::data`] and the model's `cdnow_check` for more.
    pub fn new(card: Scorecard<K>, source: &str) -> Self {
        let data = card
            .tables
            .iter()
            .map(|u| Quality {
                table: u.table.clone(),
                file: source.to_owned(),
                rows: u.rows,
                used: u.used,
                skipped_unreadable: 0,
                after_as_of: u.after_as_of,
                without_answer: u.without_answer,
                examples: Vec::new(),
                dialect: None,
            })
            .collect();
        Report {
            as_of: card.as_of,
            generated_by: format!("cx {}", env!("CARGO_PKG_VERSION")),
            data,
            survey: card.survey,
            gaps: card.gaps,
            retention: card.retention,
            promise: card.promise,
            model: card.model.map(|fit| ModelSection {
                fit,
                cdnow_check: None,
            }),
            risk: card.risk,
            notes: card.notes,
        }
    }
}
