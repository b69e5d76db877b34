//! Reading the input tables from CSV: named columns (renamable), typed
//! cells, and bad rows reported with file, line, column and value — or,
//! when asked, skipped and counted.

use std::collections::HashMap;
use std::io::{self, Read};

use super::dialect::{self, Dialect, DialectArgs};
use super::file_error;
use crate::CxError;

/// A cell that could not be read, or a row a measure rejected.
pub use crate::report::BadRow;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Text (keys, channels); empty is an error.
    Key,
    /// Optional text; empty allowed.
    Text,
    /// An ISO date or date-time; empty is an error.
    Time,
    /// An ISO date or date-time; empty means "not yet".
    OptTime,
    /// A number; empty means no answer (NaN).
    OptNumber,
    /// A whole-number answer in `lo..=hi`; empty means no answer (NaN).
    OptScore(i32, i32),
}

/// One column to read: its role in the program, its header in the file,
/// its kind and whether the file must have it.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The column's role (`customer`, `date`, …).
    pub role: &'static str,
    /// Its header in the file.
    pub header: String,
    /// What it holds.
    pub kind: Kind,
    /// Whether the file must have it.
    pub required: bool,
    /// How the user renames this column on the command line
    /// (`--col orders.customer=<header>`, `--column <header>`).
    pub rename: String,
}

/// A read column.
#[derive(Debug, Clone)]
pub enum Column {
    /// Texts (keys, channels).
    Text(Vec<String>),
    /// Epoch milliseconds; `None` for an empty optional time.
    Time(Vec<Option<i64>>),
    /// Numbers; NaN for an empty optional number.
    Number(Vec<f64>),
}

/// A table read from CSV.
#[derive(Debug, Default)]
pub struct Table {
    /// File name as given (`demo:orders.csv` for bundled data).
    pub file: String,
    /// Data rows in the file.
    pub rows: usize,
    /// Rows skipped as unreadable (with `--skip-bad-rows`).
    pub skipped: usize,
    /// The first few skipped rows, for the data-quality section.
    pub examples: Vec<BadRow>,
    /// The file line of each kept row.
    pub lines: Vec<u64>,
    columns: HashMap<&'static str, Column>,
    /// Numeric columns found by header prefix: (prefix, suffix, values).
    pub prefixed: Vec<(String, String, Vec<f64>)>,
    /// The dialect the file was read in.
    pub dialect: Option<Dialect>,
}

impl Table {
    /// The text column of `role`.
    pub fn texts(&self, role: &str) -> Option<&[String]> {
        match self.columns.get(role) {
            Some(Column::Text(v)) => Some(v),
            _ => None,
        }
    }

    /// The time column of `role`.
    pub fn times(&self, role: &str) -> Option<&[Option<i64>]> {
        match self.columns.get(role) {
            Some(Column::Time(v)) => Some(v),
            _ => None,
        }
    }

    /// The number column of `role`.
    pub fn numbers(&self, role: &str) -> Option<&[f64]> {
        match self.columns.get(role) {
            Some(Column::Number(v)) => Some(v),
            _ => None,
        }
    }

    /// Required times as plain integers (the reader has rejected empties).
    pub fn times_present(&self, role: &str) -> Option<Vec<i64>> {
        self.times(role)
            .map(|v| v.iter().map(|t| t.unwrap_or(i64::MIN)).collect())
    }

    /// Kept rows.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// No kept rows.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The location of kept row `index`, for errors a measure reports.
    pub fn bad_row(&self, index: usize, column: &str, value: String, reason: String) -> BadRow {
        BadRow {
            file: self.file.clone(),
            line: self.lines.get(index).copied().unwrap_or(0),
            column: column.to_owned(),
            value,
            reason,
        }
    }
}

/// Where a table comes from.
pub enum Source<'a> {
    /// Bundled text with a display name.
    Text(&'static str, &'a str),
    /// Bytes in memory with a display name (an upload, a test, a fuzz
    /// input): read like a file, encoding recognised the same way.
    Bytes(&'a str, &'a [u8]),
    /// A reader with a display name (a file, standard input) and whether
    /// its text is known to be UTF-8 (`None`: recognised from its start).
    Reader(String, Box<dyn Read + 'a>, Option<bool>),
}

/// Reads `source` with the columns of `specs` plus every numeric column
/// whose header starts with one of `prefixes`. Unreadable cells fail with a
/// [`BadRow`] unless `skip_bad` is set, in which case the row is left out
/// and counted.
pub fn read_table(
    source: Source<'_>,
    specs: &[Spec],
    prefixes: &[&str],
    prefix_kind: Kind,
    skip_bad: bool,
    dialect: &DialectArgs,
) -> Result<Table, CxError> {
    // The file's dialect (separator, decimal mark, encoding), given or
    // recognised; see `dialect.rs`.
    let mut args = dialect.clone();
    let (file, reader, utf8): (String, Box<dyn Read + '_>, Option<bool>) = match source {
        Source::Text(name, text) => (
            format!("demo:{name}"),
            Box::new(io::Cursor::new(text.as_bytes())),
            Some(true),
        ),
        Source::Bytes(name, bytes) => (
            name.to_owned(),
            Box::new(io::Cursor::new(bytes)),
            Some(std::str::from_utf8(bytes).is_ok()),
        ),
        Source::Reader(name, reader, utf8) => (name, reader, utf8),
    };
    if args.encoding.is_none() && utf8 == Some(false) {
        args.encoding = Some("windows-1252".into());
    }
    let (reader, dialect) = dialect::open(reader, &args).map_err(|e| file_error(&file, e))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(dialect.delimiter as u8)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| file_error(&file, format!("cannot read the header line: {e}")))?
        .clone();
    let mut table = Table {
        file: file.clone(),
        dialect: Some(dialect.clone()),
        ..Table::default()
    };
    let mut found: Vec<(usize, &Spec)> = Vec::new();
    for s in specs {
        match headers.iter().position(|h| h.trim() == s.header) {
            Some(i) => found.push((i, s)),
            None if s.required => {
                return Err(file_error(
                    &file,
                    format!(
                        "no column `{}` (the {}); columns are: {}. Name yours with {}",
                        s.header,
                        s.role,
                        headers.iter().collect::<Vec<_>>().join(", "),
                        s.rename,
                    ),
                ));
            }
            None => {}
        }
    }
    let mut prefixed: Vec<(usize, String, String)> = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        for p in prefixes {
            if let Some(rest) = h.trim().strip_prefix(p) {
                prefixed.push((i, (*p).to_owned(), rest.to_owned()));
            }
        }
    }
    let mut cols: Vec<Column> = found
        .iter()
        .map(|(_, s)| match s.kind {
            Kind::Key | Kind::Text => Column::Text(Vec::new()),
            Kind::Time | Kind::OptTime => Column::Time(Vec::new()),
            Kind::OptNumber | Kind::OptScore(..) => Column::Number(Vec::new()),
        })
        .collect();
    let mut pvals: Vec<Vec<f64>> = vec![Vec::new(); prefixed.len()];
    let mut record = csv::StringRecord::new();
    let mut cells: Vec<Cell> = Vec::with_capacity(found.len());
    let mut pcells: Vec<f64> = Vec::with_capacity(prefixed.len());
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let bad = BadRow {
                    file: file.clone(),
                    line: e.position().map_or(line_hint, |p| p.line()),
                    column: String::new(),
                    value: String::new(),
                    reason: format!("unreadable row: {e}"),
                };
                table.rows += 1;
                if skip_bad {
                    table.skip(bad);
                    continue;
                }
                return Err(bad.into());
            }
        }
        table.rows += 1;
        let line = record.position().map_or(line_hint, |p| p.line());
        cells.clear();
        pcells.clear();
        let mut bad: Option<BadRow> = None;
        for (i, s) in &found {
            let text = record.get(*i).unwrap_or("").trim();
            match parse_cell(text, s.kind, &dialect) {
                Ok(c) => cells.push(c),
                Err(reason) => {
                    bad = Some(BadRow {
                        file: file.clone(),
                        line,
                        column: s.header.clone(),
                        value: text.to_owned(),
                        reason,
                    });
                    break;
                }
            }
        }
        if bad.is_none() {
            for (i, _, suffix) in &prefixed {
                let text = record.get(*i).unwrap_or("").trim();
                match parse_cell(text, prefix_kind, &dialect) {
                    Ok(Cell::Number(v)) => pcells.push(v),
                    Ok(_) => {}
                    Err(reason) => {
                        bad = Some(BadRow {
                            file: file.clone(),
                            line,
                            column: headers.get(*i).unwrap_or(suffix).to_owned(),
                            value: text.to_owned(),
                            reason,
                        });
                        break;
                    }
                }
            }
        }
        if let Some(b) = bad {
            if skip_bad {
                table.skip(b);
                continue;
            }
            return Err(b.into());
        }
        for (col, cell) in cols.iter_mut().zip(cells.drain(..)) {
            match (col, cell) {
                (Column::Text(v), Cell::Text(t)) => v.push(t),
                (Column::Time(v), Cell::Time(t)) => v.push(t),
                (Column::Number(v), Cell::Number(x)) => v.push(x),
                _ => unreachable!("cells are parsed by their column's kind"),
            }
        }
        for (v, x) in pvals.iter_mut().zip(&pcells) {
            v.push(*x);
        }
        table.lines.push(line);
    }
    for ((_, s), col) in found.iter().zip(cols) {
        table.columns.insert(s.role, col);
    }
    table.prefixed = prefixed
        .into_iter()
        .zip(pvals)
        .map(|((_, p, suffix), v)| (p, suffix, v))
        .collect();
    Ok(table)
}

impl Table {
    /// Leaves out the rows of `bad` (a check across columns failed): an
    /// error naming the first unless `skip_bad`.
    pub fn reject(&mut self, bad: Vec<(usize, BadRow)>, skip_bad: bool) -> Result<(), CxError> {
        if bad.is_empty() {
            return Ok(());
        }
        if !skip_bad {
            return Err(bad[0].1.clone().into());
        }
        let mut keep = vec![true; self.len()];
        for (i, b) in bad {
            keep[i] = false;
            self.skip(b);
        }
        fn filter<T: Clone>(v: &mut Vec<T>, keep: &[bool]) {
            let mut k = keep.iter();
            v.retain(|_| *k.next().unwrap_or(&true));
        }
        filter(&mut self.lines, &keep);
        for c in self.columns.values_mut() {
            match c {
                Column::Text(v) => filter(v, &keep),
                Column::Time(v) => filter(v, &keep),
                Column::Number(v) => filter(v, &keep),
            }
        }
        for p in &mut self.prefixed {
            filter(&mut p.2, &keep);
        }
        Ok(())
    }

    fn skip(&mut self, bad: BadRow) {
        self.skipped += 1;
        if self.examples.len() < 10 {
            self.examples.push(bad);
        }
    }
}

enum Cell {
    Text(String),
    Time(Option<i64>),
    Number(f64),
}

fn parse_cell(text: &str, kind: Kind, d: &Dialect) -> Result<Cell, String> {
    match kind {
        Kind::Key if text.is_empty() => Err("a value is required".into()),
        Kind::Key | Kind::Text => Ok(Cell::Text(text.to_owned())),
        Kind::OptTime if text.is_empty() => Ok(Cell::Time(None)),
        Kind::Time | Kind::OptTime => dialect::time_ms(text, d).map(|t| Cell::Time(Some(t))),
        Kind::OptNumber | Kind::OptScore(..) if text.is_empty() => Ok(Cell::Number(f64::NAN)),
        Kind::OptScore(lo, hi) => match dialect::number(text, d) {
            Ok(v) if v.fract() == 0.0 && v >= f64::from(lo) && v <= f64::from(hi) => Ok(Cell::Number(v)),
            _ => Err(format!(
                "not an answer: expected a whole number {lo}..={hi} (empty for no answer)"
            )),
        },
        Kind::OptNumber => match dialect::number(text, d) {
            Ok(v) if v.is_finite() => Ok(Cell::Number(v)),
            Ok(_) => Err("not a number".into()),
            Err(e) => Err(e),
        },
    }
}
