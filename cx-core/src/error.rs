//! The one error type of the crate.
//!
//! Every variant names the argument it is about and, where a single row is at
//! fault, that row's index and value, so that a caller (or a Python or
//! JavaScript user several layers away) can find and fix the bad input.

use serde::Serialize;
use thiserror::Error;

/// Result alias used throughout the crate.
pub type Result<T, E = CxError> = std::result::Result<T, E>;

/// Everything that can go wrong in `cx`.
///
/// Each variant has a stable machine-readable [`code`](CxError::code); the
/// Python and JavaScript bindings expose the same code and the same fields.
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CxError {
    /// An input that needs at least one row had none.
    ///
    /// Fix: pass at least one value, or check for empty segments before calling.
    #[error("`{argument}` is empty: at least one value is needed")]
    Empty {
        /// The argument that was empty.
        argument: &'static str,
    },

    /// A value lies outside what the argument allows (a score off the scale).
    ///
    /// Fix: check the declared scale, or clean the row.
    #[error("`{argument}`[{index}] = {value} is outside the allowed range {allowed}")]
    OutOfRange {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
        /// The offending value as text.
        value: String,
        /// What would have been accepted, e.g. `0..=10`.
        allowed: String,
    },

    /// A score given as a float is not a whole number.
    ///
    /// Fix: scores are answers on an integer scale; round or clean the row.
    #[error("`{argument}`[{index}] = {value} is not a whole number")]
    NotInteger {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A value is NaN or infinite (a missing answer arrives as NaN from
    /// pandas, polars and JavaScript).
    ///
    /// Fix: drop or impute missing rows explicitly before calling.
    #[error("`{argument}`[{index}] = {value} is not a finite number (missing value?)")]
    NotFinite {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A text value (a date, a timestamp) could not be parsed.
    #[error("`{argument}`[{index}] = {value:?} cannot be parsed: expected {expected}")]
    Parse {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
        /// The offending text.
        value: String,
        /// The accepted forms.
        expected: String,
    },

    /// A required value is missing (a null key, a `NaT` timestamp).
    #[error("`{argument}`[{index}] is missing")]
    Missing {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
    },

    /// A survey weight is negative.
    ///
    /// Fix: weights must be zero or positive.
    #[error("`{argument}`[{index}] = {value} is negative; weights must be >= 0")]
    NegativeWeight {
        /// The argument holding the bad row.
        argument: &'static str,
        /// Zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// Two columns that must have one entry per row differ in length.
    #[error("`{argument}` has {actual} rows but `{other}` has {expected}")]
    LengthMismatch {
        /// The argument whose length is wrong.
        argument: &'static str,
        /// The length it should have had (that of `other`).
        expected: usize,
        /// Its actual length.
        actual: usize,
        /// The argument it was compared against.
        other: &'static str,
    },

    /// An option or parameter has a value outside what it allows
    /// (a confidence level of 1.5, a scale whose maximum is below its minimum).
    #[error("`{argument}` = {value} is invalid: expected {allowed}")]
    InvalidParameter {
        /// The parameter's name.
        argument: &'static str,
        /// The offending value as text.
        value: String,
        /// What would have been accepted.
        allowed: String,
    },

    /// Two things that must share a scale (or definition) to be merged or
    /// compared do not.
    #[error("cannot combine `{argument}`: {left} differs from {right}")]
    Incompatible {
        /// What was being combined (e.g. `scale`, `threshold`).
        argument: &'static str,
        /// The left-hand side's value.
        left: String,
        /// The right-hand side's value.
        right: String,
    },

    /// The weights leave nothing to estimate from (all zero).
    #[error("`{argument}` sum to zero: no response carries weight")]
    ZeroWeight {
        /// The weight argument.
        argument: &'static str,
    },

    /// Serialized state could not be decoded.
    ///
    /// Fix: the bytes were truncated, corrupted, or written by an
    /// incompatible version; re-create the accumulator from raw data.
    #[error("cannot decode `{argument}`: {reason}")]
    Decode {
        /// The argument holding the bytes.
        argument: &'static str,
        /// What was wrong with them.
        reason: String,
    },

    /// A covariate column cannot be used: a value that is not finite, a
    /// column that never varies or that is a linear combination of others,
    /// a name that is missing, unknown or given twice.
    ///
    /// Fix: clean or impute the named column, drop a constant or redundant
    /// covariate, or regularize the fit.
    #[error("covariate `{column}`: {problem}")]
    Covariate {
        /// The covariate (column) at fault.
        column: String,
        /// The zero-based row (customer) at fault, when one is.
        index: Option<usize>,
        /// What is wrong with it.
        problem: String,
    },

    /// A model fit did not reach the optimum from any starting point.
    ///
    /// Fix: look at the data (a handful of customers, or every customer
    /// alike, does not identify the model), lower the penalizer, give
    /// `initial` values, or pass `accept_unconverged` to get the flagged
    /// estimate.
    #[error("`{argument}` did not converge: {reason}")]
    NotConverged {
        /// The model fitted.
        argument: &'static str,
        /// Where the optimizer stopped and what was tried.
        reason: String,
    },

    /// A shop export cannot be read (`cx::exports`: the `cx` command, the
    /// report page, Python's `report_from_files`): a bad cell, named by
    /// file, line, column and text, or a problem of the whole file (`line`
    /// 0: no header line, a missing column, an unknown encoding).
    ///
    /// Fix: correct the row, tell the reader the file's format (separator,
    /// decimal mark, date format, encoding, renamed columns), or skip bad
    /// rows (they are then counted in the report's data-quality table).
    #[error("{}", file_message(.file, *.line, .column, .value, .reason))]
    File {
        /// The file's name (empty for an option that applies to every file).
        file: String,
        /// 1-based line of the bad row (the header is line 1); 0 when no
        /// one row is at fault.
        line: u64,
        /// The column of the bad cell (empty when no one cell is at fault).
        column: String,
        /// The cell's text.
        value: String,
        /// What was expected, or what is wrong with the file.
        reason: String,
    },
}

/// `orders.csv:4: column `date` = "31.02.2024": expected …` for a bad cell,
/// `orders.csv: no column …` for a file, the reason alone for an option.
pub(crate) fn file_message(file: &str, line: u64, column: &str, value: &str, reason: &str) -> String {
    if file.is_empty() {
        reason.to_owned()
    } else if line == 0 {
        format!("{file}: {reason}")
    } else if column.is_empty() {
        format!("{file}:{line}: {reason}")
    } else {
        format!("{file}:{line}: column `{column}` = {value:?}: {reason}")
    }
}

impl CxError {
    /// A short, stable, machine-readable code for the variant, shared with the
    /// Python (`err.code`) and JavaScript (`err.code`) bindings.
    pub fn code(&self) -> &'static str {
        match self {
            CxError::Empty { .. } => "empty",
            CxError::OutOfRange { .. } => "out_of_range",
            CxError::NotInteger { .. } => "not_integer",
            CxError::NotFinite { .. } => "not_finite",
            CxError::Missing { .. } => "missing",
            CxError::Parse { .. } => "parse",
            CxError::NegativeWeight { .. } => "negative_weight",
            CxError::LengthMismatch { .. } => "length_mismatch",
            CxError::InvalidParameter { .. } => "invalid_parameter",
            CxError::Incompatible { .. } => "incompatible",
            CxError::ZeroWeight { .. } => "zero_weight",
            CxError::Decode { .. } => "decode",
            CxError::NotConverged { .. } => "not_converged",
            CxError::Covariate { .. } => "covariate",
            CxError::File { .. } => "file",
        }
    }

    /// The argument the error is about.
    pub fn argument(&self) -> &'static str {
        match self {
            CxError::Empty { argument }
            | CxError::OutOfRange { argument, .. }
            | CxError::NotInteger { argument, .. }
            | CxError::NotFinite { argument, .. }
            | CxError::Missing { argument, .. }
            | CxError::Parse { argument, .. }
            | CxError::NegativeWeight { argument, .. }
            | CxError::LengthMismatch { argument, .. }
            | CxError::InvalidParameter { argument, .. }
            | CxError::Incompatible { argument, .. }
            | CxError::ZeroWeight { argument }
            | CxError::Decode { argument, .. }
            | CxError::NotConverged { argument, .. } => argument,
            CxError::Covariate { .. } => "covariates",
            CxError::File { .. } => "files",
        }
    }

    /// The zero-based row the error is about, when one row is at fault.
    pub fn index(&self) -> Option<usize> {
        match self {
            CxError::OutOfRange { index, .. }
            | CxError::NotInteger { index, .. }
            | CxError::NotFinite { index, .. }
            | CxError::Missing { index, .. }
            | CxError::Parse { index, .. }
            | CxError::NegativeWeight { index, .. } => Some(*index),
            CxError::Covariate { index, .. } => *index,
            _ => None,
        }
    }

    /// The error with its row index set to `index` (for an error raised on
    /// a one-row slice of row `index`); errors without a row are unchanged.
    pub(crate) fn at_row(mut self, row: usize) -> Self {
        match &mut self {
            CxError::OutOfRange { index, .. }
            | CxError::NotInteger { index, .. }
            | CxError::NotFinite { index, .. }
            | CxError::Missing { index, .. }
            | CxError::Parse { index, .. }
            | CxError::NegativeWeight { index, .. } => *index = row,
            CxError::Covariate { index, .. } => *index = Some(row),
            _ => {}
        }
        self
    }

    /// `Ok` when `argument` has `actual` rows, as many as `other`
    /// (`expected`); else [`CxError::LengthMismatch`].
    pub(crate) fn check_len(
        argument: &'static str,
        actual: usize,
        other: &'static str,
        expected: usize,
    ) -> Result<()> {
        if actual == expected {
            Ok(())
        } else {
            Err(CxError::LengthMismatch {
                argument,
                expected,
                actual,
                other,
            })
        }
    }

    pub(crate) fn invalid(argument: &'static str, value: impl ToString, allowed: impl ToString) -> Self {
        CxError::InvalidParameter {
            argument,
            value: value.to_string(),
            allowed: allowed.to_string(),
        }
    }
}
