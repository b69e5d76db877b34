//! # cx — customer-experience scores
//!
//! `cx` turns raw shop data into the numbers a retailer steers by. This crate
//! is the pure-Rust core; the Python (`cx-py`) and JavaScript (`cx-wasm`)
//! packages are thin bindings over it and give the same numbers.
//!
//! | module | what it answers |
//! |---|---|
//! | [`survey`] | NPS, CSAT, CES and smiley terminals with confidence intervals, weights, comparisons, grouping and mergeable accumulators |
//! | [`retention`] | the customer summary, repeat purchase, returning customers, cohorts, RFM and cadence from raw transactions |
//! | [`churn`] | BG/NBD, MBG/NBD, Pareto/NBD and gamma-gamma: probability alive, expected purchases, lifetime value |
//! | [`gaps`] | SERVQUAL, importance–performance, Kano, reliability and the promise gaps (delivery, answer times, first-contact resolution, repeat contacts) |
//! | [`signals`] | explainable per-customer churn signals and a risk ranking |
//! | `bind` (feature `bind`) | the one layer the Python, JavaScript and CLI bindings go through: named columns in, typed errors and JSON out |
//!
//! ## Example
//!
//! ```
//! use cx::survey::{nps, NpsOptions};
//!
//! let answers: [u8; 10] = [10, 9, 9, 8, 7, 6, 5, 3, 10, 0];
//! let r = nps(&answers, &NpsOptions::default())?;
//! assert_eq!(r.n, 10);
//! assert!((r.score - 0.0).abs() < 1e-12); // 4 promoters, 4 detractors
//! # Ok::<(), cx::CxError>(())
//! ```
//!
//! Errors are values of [`CxError`]: each names the argument, and where one
//! row is at fault, its index and value.

#[cfg(feature = "bind")]
pub mod bind;
pub mod churn;
mod error;
pub mod gaps;
pub mod options;
pub mod retention;
pub mod scorecard;
pub mod signals;
mod stats;
pub mod survey;
pub mod time;

pub use error::{CxError, Result};
