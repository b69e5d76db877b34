//! The one layer every binding goes through: Python, WebAssembly, the `cx`
//! command and the shared test vectors.
//!
//! A binding turns its native inputs into named [`Column`]s — JSON values,
//! or borrowed typed buffers (integers, floats, booleans, key codes with
//! their labels) — and calls [`run`] (or a family's typed entry such as
//! [`signals::signals`]). Everything that reads an argument lives here:
//! timestamps in every accepted form ([`Args::times`]), keys
//! ([`Args::keys`]), answer matrices, scales, levels and option objects
//! ([`crate::options::from_json`]). A binding reads no timestamp, scale or
//! option itself, so every language reports the same typed error for the
//! same bad input.
//!
//! | name | family | arguments |
//! |---|---|---|
//! | `nps`, `csat`, `ces`, `smiley` | [`crate::survey`] | `scores` (bytes, integers or numbers), `weights`, `options` |
//! | live summary: [`live::live_new`], [`live::live_record`], [`live::live_summary`], [`live::live_score`] | [`crate::retention::LiveSummary`] | a table of customers' states; `customers`, `timestamps`, `amounts`, `unit`; `options` (`observation_end`; `as_of`, `horizon`, `deadline_threshold`) |
//! | `customer_summary`, `calibration_holdout`, `store_summary`, `returning_customers`, `cohort_retention`, `time_to_second_purchase`, `rfm`, `cadence` | [`crate::retention`] | `customers`, `timestamps`, `amounts`, `unit`, `options` |
//! | `servqual`, `ipa`, `kano`, `cronbach_alpha`, `key_drivers`, `penalty_reward` | [`crate::gaps`] survey gaps | answer matrices (rows of numbers, `null` = no answer); `outcome` for the drivers |
//! | `delivery`, `answer_times`, `first_contact_resolution`, `repeat_contacts` | [`crate::gaps`] promise gaps | time and key columns, `unit` |
//! | `scorecard` | [`crate::scorecard`] | the same tables (with `feedback.nps`, `csat`, `touchpoints`, `expected`, `perceived`, `contacts.answered`, `deliveries.carriers`), `unit`, `options` |
//! | `report` | [`crate::report`] (feature `report`) | the arguments of `scorecard` and `report` (`source`, `generated_by`); returns the scorecard and the HTML page |
//! | `sample_size`, `detectable_change` | [`crate::survey`] planning | `measure` (`nps`, `share`), `from`, `to` / `change` / `per_group`, `options` |
//! | `ewma`, `cusum`, `laney_p` | [`crate::survey`] control charts | `values` (or `successes`, `sizes`), `periods`, `options`, `state` |
//! | `confidence_sequence`, `sequential_test`, `cuped` | [`crate::survey`] experiments | `values`, `answers`, `arms`, `control`, `periods`, `outcome`, `covariate`, `level`, `options`, `state` |
//! | `signals` | [`crate::signals`] | tables `orders`, `feedback`, `contacts`, `deliveries` of columns, `unit`, `options` |
//! | `promise_periods` | [`crate::signals::promise_periods`] | the tables of `signals`, `unit`, `options` (`boundaries`: ISO dates, `grace_days`, `detractor_max`) |
//! | `promise_covariates` | [`crate::signals::promise_covariates`] | the tables of `signals` (orders optional), `unit`, `options` ([`crate::signals::PromiseOptions`]) |
//! | `backtest` | [`crate::signals::backtest()`] | the tables of `signals`, `unit`, `options` ([`crate::signals::BacktestOptions`]) |
//! | `fit`, `predict`, `parameters`, `clv`, `holdout` | [`crate::churn`] | `model` (and `spend_model`), per-customer columns, `options` / `prediction` / `level` / `frequency_holdout`, `duration_holdout` |
//! | `fit_covariates`, `predict_covariates`, `covariate_model` (checks a model's JSON) | [`crate::churn::fit_covariates`] | `model`, per-customer columns, `covariates` (object of columns, or `covariate_names` + `covariate.<name>` buffers), `options` / `prediction` |
//! | `fit_dynamic_covariates`, `predict_dynamic` | [`crate::churn::fit_dynamic_covariates`] | per-customer columns, `first`, `boundaries`, `purchases` (customers × periods), `covariates` (columns customers × periods), `options` / `model`, `prediction` |
//!
//! Timestamps are ISO text or integers in `unit` (`"D"`, `"s"`, `"ms"`
//! (default), `"us"`, `"ns"`); in an integer buffer `i64::MIN` (numpy's
//! NaT) is missing. Keys (groups, channels, cases, customers) are strings
//! or numbers, or codes into a label list ([`Keys`]); results carry the
//! labels.
//!
//! # Examples
//! ```
//! use cx::bind::{Args, Column, Keys, run};
//! use serde_json::json;
//! use std::borrow::Cow;
//!
//! // JSON arguments, as JavaScript and the test vectors send them …
//! let a = run("delivery", Args::from_json(json!({
//!     "promised": ["2024-03-04", "2024-03-04"], "delivered": ["2024-03-04", "2024-03-06"],
//!     "keys": ["dhl", "ups"]}))?)?;
//! // … and the same deliveries as buffers, as Python sends them (days since the epoch).
//! let mut args = Args::new();
//! args.insert("promised", Column::Ints(Cow::Owned(vec![19_786, 19_786])));
//! args.insert("delivered", Column::Ints(Cow::Owned(vec![19_786, 19_788])));
//! args.insert("keys", Column::Keys(Keys::new(Cow::Owned(vec![0, 1]), vec![json!("dhl"), json!("ups")])));
//! args.insert("unit", Column::Json(json!("D")));
//! let b = run("delivery", args)?;
//! assert_eq!(a, b);
//! assert_eq!(a["groups"][1]["key"], "ups");
//! # Ok::<(), cx::CxError>(())
//! ```

mod args;
mod churn;
pub mod discrete;
mod experiments;
mod gaps;
mod keys;
pub mod live;
mod retention;
pub mod scorecard;
pub mod signals;
mod survey;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::error::{CxError, Result};

pub use args::Args;
pub use churn::{
    Table, clv, clv_with, fit, holdout, holdout_with, predict, predict_kind, predict_with, tracking,
};
pub use keys::Keys;
pub use retention::retention;

/// The names [`run`] knows besides the retention measures
/// ([`crate::retention::RETENTION_MEASURES`]); [`calls`] lists them all.
pub const CALLS: &[&str] = &[
    "nps",
    "csat",
    "ces",
    "smiley",
    "servqual",
    "ipa",
    "kano",
    "cronbach_alpha",
    "delivery",
    "answer_times",
    "first_contact_resolution",
    "repeat_contacts",
    "key_drivers",
    "penalty_reward",
    "signals",
    "backtest",
    "promise_covariates",
    "promise_periods",
    "scorecard",
    "fit",
    "predict",
    "fit_covariates",
    "predict_covariates",
    "covariate_model",
    "fit_dynamic_covariates",
    "predict_dynamic",
    "parameters",
    "clv",
    "holdout",
    "expected_cumulative_transactions",
    "alive_path",
    "bootstrap",
    "sbg_fit",
    "sbg_predict",
    "bgbb_fit",
    "bgbb_predict",
];

/// Every name [`run`] knows.
pub fn calls() -> Vec<&'static str> {
    crate::retention::RETENTION_MEASURES
        .iter()
        .chain(CALLS)
        .chain(experiments::MEASURES.iter())
        .chain(cfg!(feature = "report").then_some(&"report"))
        .chain(cfg!(feature = "exports").then_some(&"report_from_files"))
        .copied()
        .collect()
}

/// Runs the measure `name` (one of [`CALLS`]) on `args` and returns its
/// result as JSON.
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown name or argument, or an
/// argument of the wrong type; every error of the measure itself.
pub fn run(name: &str, mut args: Args<'_>) -> Result<Value> {
    let r = match name {
        "signals" => return signals::run(args),
        "backtest" => return signals::run_backtest(args),
        "promise_covariates" => return signals::run_promise_covariates(args),
        "promise_periods" => return signals::run_promise_periods(args),
        "scorecard" => return scorecard::run(args),
        #[cfg(feature = "report")]
        "report" => return scorecard::run_report(args),
        #[cfg(feature = "exports")]
        "report_from_files" => return scorecard::run_report_from_files(args),
        "fit" => churn::run_fit(&mut args)?,
        "predict" => churn::run_predict(&mut args)?,
        "fit_covariates" => churn::run_fit_covariates(&mut args)?,
        "predict_covariates" => churn::run_predict_covariates(&mut args)?,
        "covariate_model" => churn::run_covariate_model(&mut args)?,
        "fit_dynamic_covariates" => churn::run_fit_dynamic_covariates(&mut args)?,
        "predict_dynamic" => churn::run_predict_dynamic(&mut args)?,
        "parameters" => churn::run_parameters(&mut args)?,
        "clv" => churn::run_clv(&mut args)?,
        "holdout" => churn::run_holdout(&mut args)?,
        "expected_cumulative_transactions" => churn::run_tracking(&mut args)?,
        "alive_path" => churn::run_alive_path(&mut args)?,
        "bootstrap" => churn::run_bootstrap(&mut args)?,
        "sbg_fit" => discrete::run_sbg_fit(&mut args)?,
        "sbg_predict" => discrete::run_sbg_predict(&mut args)?,
        "bgbb_fit" => discrete::run_bgbb_fit(&mut args)?,
        "bgbb_predict" => discrete::run_bgbb_predict(&mut args)?,
        r if retention::is_measure(r) => retention::run(r, &mut args)?,
        s if survey::MEASURES.contains(&s) => survey::run(s, &mut args)?,
        e if experiments::MEASURES.contains(&e) => experiments::run(e, &mut args)?,
        other => gaps::run(other, &mut args)?,
    };
    args.finish()?;
    Ok(r)
}

/// [`run`] for the survey scores only (`nps`, `csat`, `ces`, `smiley`):
/// the entry of a binding that carries no other family (the survey-only
/// WebAssembly module), so that the rest of the binding layer is not
/// linked into it.
///
/// # Errors
/// As [`run`].
pub fn run_survey(name: &str, mut args: Args<'_>) -> Result<Value> {
    let r = survey::run(name, &mut args)?;
    args.finish()?;
    Ok(r)
}

/// [`run`] on a JSON object of arguments.
///
/// # Errors
/// As [`run`]; arguments that are not an object.
///
/// # Examples
/// ```
/// use serde_json::json;
/// let r = cx::bind::call("kano", json!({"functional": ["like", "like", 3], "dysfunctional": ["neutral", "dislike", "dislike"]}))?;
/// assert_eq!(r["attributes"][0]["category"], "M"); // A, O and M once each: must-be wins ties
/// let e = cx::bind::call("servqual", json!({"perceptions": [[5]], "expectation": [[5]]})).unwrap_err();
/// assert_eq!(e.argument(), "arguments"); // names the misspelt argument
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn call(name: &str, args: Value) -> Result<Value> {
    run(name, Args::from_json(args)?)
}

/// One named argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Column<'a> {
    /// Any JSON value: a number, text, an array (`null` = missing), an
    /// object of options.
    Json(Value),
    /// Integers: timestamps in the call's `unit` (`i64::MIN` = missing).
    Ints(Cow<'a, [i64]>),
    /// Numbers; `NaN` is no answer.
    Floats(Cow<'a, [f64]>),
    /// Flags.
    Bools(Cow<'a, [bool]>),
    /// Bytes: survey answers in their compact storage.
    Bytes(Cow<'a, [u8]>),
    /// Keys as codes into a list of labels.
    Keys(Keys<'a>),
}

/// A result as JSON. The result types serialize without fail (no maps with
/// non-string keys; non-finite floats become `null`).
pub(crate) fn to_json<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn json_float(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// An invalid-argument error quoting (at most 60 characters of) the value.
fn wrong(argument: &'static str, v: &Value, expected: &str) -> CxError {
    let mut text = v.to_string();
    if text.len() > 60 {
        let mut end = 57;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("...");
    }
    CxError::invalid(argument, text, expected)
}

/// A number of a numeric column: `null` is no answer (NaN); the texts
/// `"NaN"`, `"Infinity"` and `"-Infinity"` stand for the values JSON cannot
/// hold, so that the measure reports them as it would from a buffer.
fn float(name: &'static str, v: &Value) -> Result<f64> {
    match v {
        Value::Null => Ok(f64::NAN),
        Value::Number(n) => n.as_f64().ok_or_else(|| wrong(name, v, "numbers")),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        other => Err(wrong(name, other, "numbers (null for no answer)")),
    }
}

/// Replaces the key code at `field` of every object in `list` by its label.
fn relabel(list: Option<&mut Value>, field: &str, keys: &Keys<'_>) {
    let Some(Value::Array(items)) = list else {
        return;
    };
    for item in items {
        if let Some(v) = item.get_mut(field)
            && let Some(code) = v.as_i64()
        {
            *v = keys.label(code);
        }
    }
}

/// Adds `groups` to a result object.
fn with_groups(mut overall: Value, groups: Option<Value>) -> Value {
    if let (Value::Object(m), Some(g)) = (&mut overall, groups) {
        m.insert("groups".into(), g);
    }
    overall
}
