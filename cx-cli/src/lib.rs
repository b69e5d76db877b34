//! The library behind the `cx` command: reading shop exports (CSV dialects,
//! typed cells, bad rows with file and line), the report built on the
//! core's scorecard, and its HTML. The binary (`main.rs`) parses the command
//! line and calls [`cmd`]; the fuzz targets and tests call the readers
//! directly. Not a stable API: use the `cx` crate (`cx-core`) in programs.

// The items are the command's internals, public only so that the binary,
// the tests and the fuzz targets reach them; the modules say what they do.
#![allow(missing_docs)]

pub mod args;
pub mod cmd;
pub mod data;
pub mod demo;
pub mod dialect;
pub mod load;
pub mod memory;
pub mod read;
pub mod report;
