//! Reading the input tables from CSV: the core's reader
//! (`cx::exports::read`: named columns, typed cells, bad rows with file,
//! line, column and value), here with files, standard input and a progress
//! bar for large files.

use std::fs::File;
use std::io;
use std::path::Path;

use cx::exports::read as core;
use indicatif::{ProgressBar, ProgressStyle};

use crate::dialect::{self, DialectArgs};

pub use cx::exports::read::{BadRow, Column, Kind, Spec, Table};

/// Where a table comes from.
pub enum Source<'a> {
    /// A file path (`-` is stdin).
    Path(&'a Path),
    /// Bundled text with a display name.
    Text(&'static str, &'a str),
    /// Bytes in memory with a display name (an upload, a test, a fuzz
    /// input): read like a file, encoding recognised the same way.
    Bytes(&'a str, &'a [u8]),
}

/// Files from this size on get a progress bar (when stderr is a terminal).
const PROGRESS_FROM_BYTES: u64 = 32 << 20;

/// The core's source of `source`: a file opened (with a progress bar when
/// large) and checked for UTF-8 in one pass unless an encoding is given.
///
/// # Errors
/// A file that cannot be opened or read.
pub fn open<'a>(source: Source<'a>, dialect: &DialectArgs) -> Result<core::Source<'a>, String> {
    Ok(match source {
        Source::Path(p) if p.as_os_str() == "-" => {
            core::Source::Reader("<stdin>".into(), Box::new(io::stdin()), None)
        }
        Source::Path(p) => {
            let name = p.display().to_string();
            let f = File::open(p).map_err(|e| format!("{name}: cannot open: {e}"))?;
            let utf8 = match dialect.encoding {
                Some(_) => None,
                None => Some(dialect::file_is_utf8(p).map_err(|e| format!("{name}: cannot read: {e}"))?),
            };
            let size = f.metadata().map(|m| m.len()).unwrap_or(0);
            if size >= PROGRESS_FROM_BYTES {
                let bar = ProgressBar::new(size).with_message(name.clone());
                bar.set_style(
                    ProgressStyle::with_template("{msg} {bar:30} {bytes}/{total_bytes} ({eta})")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                core::Source::Reader(name, Box::new(bar.wrap_read(f)), utf8)
            } else {
                core::Source::Reader(name, Box::new(f), utf8)
            }
        }
        Source::Text(name, text) => core::Source::Text(name, text),
        Source::Bytes(name, bytes) => core::Source::Bytes(name, bytes),
    })
}

/// Reads `source` with the columns of `specs` plus every numeric column
/// whose header starts with one of `prefixes` ([`core::read_table`]).
///
/// # Errors
/// As [`core::read_table`]; a file that cannot be opened.
pub fn read_table(
    source: Source<'_>,
    specs: &[Spec],
    prefixes: &[&str],
    prefix_kind: Kind,
    skip_bad: bool,
    dialect: &DialectArgs,
) -> Result<Table, String> {
    core::read_table(
        open(source, dialect)?,
        specs,
        prefixes,
        prefix_kind,
        skip_bad,
        dialect,
    )
    .map_err(|e| e.to_string())
}
