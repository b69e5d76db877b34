//! Expectation gaps for Python: arguments arrive as a dict shaped like the
//! core's JSON entry point (`cx::gaps::call`), results leave as dicts; the
//! `cx.gaps` module turns DataFrames into those arguments and the results
//! into frames.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::{depythonize, pythonize};

use crate::errors::IntoPy;

/// Runs the gap measure `measure` on `args` (see `cx::gaps::call`) without
/// the GIL and returns its result as a dict.
#[pyfunction]
pub fn gaps<'py>(py: Python<'py>, measure: &str, args: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let v: serde_json::Value =
        depythonize(args.as_any()).map_err(|e| PyValueError::new_err(format!("invalid arguments: {e}")))?;
    let r = py.detach(|| cx::gaps::call(measure, v)).py()?;
    Ok(pythonize(py, &r)?)
}

// Promise gaps straight from numpy buffers (borrowed, no copy of the
// columns): timestamps are int64 epoch values in `unit` with NaT
// (`i64::MIN`) for "not yet"; keys are int64 codes (−1 = missing) that the
// Python side maps back to its labels.

use cx::CxError;
use cx::gaps::{RepeatOptions, answer_times, delivery, first_contact_resolution, repeat_contacts};
use cx::time::TimeUnit;
use numpy::PyReadonlyArray1;
use serde::Serialize;
use serde_json::Value;

use crate::arrays::slice;

const NAT: i64 = i64::MIN;

type Ints<'py> = PyReadonlyArray1<'py, i64>;

pub(crate) fn present(argument: &'static str, t: &[i64]) -> Result<(), CxError> {
    match t.iter().position(|&v| v == NAT) {
        Some(index) => Err(CxError::Missing { argument, index }),
        None => Ok(()),
    }
}

pub(crate) fn optional(t: &[i64]) -> Vec<Option<i64>> {
    t.iter().map(|&v| (v != NAT).then_some(v)).collect()
}

fn codes<'a>(argument: &'static str, k: &'a Option<Ints<'_>>) -> PyResult<Option<&'a [i64]>> {
    let Some(k) = k else { return Ok(None) };
    let s = slice(k)?;
    if let Some(index) = s.iter().position(|&c| c < 0) {
        return Err(crate::errors::to_py(CxError::Missing { argument, index }));
    }
    Ok(Some(s))
}

fn grouped<'py, T: Serialize, G: Serialize>(
    py: Python<'py>,
    overall: &T,
    groups: Option<&G>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut v = serde_json::to_value(overall).map_err(|e| PyValueError::new_err(e.to_string()))?;
    if let (Value::Object(m), Some(g)) = (&mut v, groups) {
        m.insert(
            "groups".into(),
            serde_json::to_value(g).map_err(|e| PyValueError::new_err(e.to_string()))?,
        );
    }
    Ok(pythonize(py, &v)?)
}

/// Delivery against the promise from int64 timestamp arrays.
#[pyfunction]
#[pyo3(signature = (promised, delivered, unit, grace_days, keys=None, level=0.95))]
pub fn gaps_delivery<'py>(
    py: Python<'py>,
    promised: Ints<'py>,
    delivered: Ints<'py>,
    unit: &str,
    grace_days: f64,
    keys: Option<Ints<'py>>,
    level: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let unit: TimeUnit = unit.parse().py()?;
    if !(grace_days.is_finite() && grace_days >= 0.0) {
        return Err(crate::errors::to_py(CxError::InvalidParameter {
            argument: "grace_days",
            value: grace_days.to_string(),
            allowed: "days >= 0".into(),
        }));
    }
    let (p, d) = (slice(&promised)?, slice(&delivered)?);
    let k = codes("keys", &keys)?;
    let (overall, groups) = py
        .detach(|| {
            present("promised", p)?;
            let grace = (grace_days * unit.per_day() as f64).round() as i64;
            delivery(p, &optional(d), unit, grace, k, level)
        })
        .py()?;
    grouped(py, &overall, k.map(|_| &groups))
}

/// Answer times from int64 timestamp arrays; `channel_levels` pairs a
/// channel code with its level in seconds.
#[pyfunction]
#[pyo3(signature = (received, answered, unit, service_level_seconds, channels=None, channel_levels=Vec::new(), level=0.95))]
#[allow(clippy::too_many_arguments)]
pub fn gaps_answer_times<'py>(
    py: Python<'py>,
    received: Ints<'py>,
    answered: Ints<'py>,
    unit: &str,
    service_level_seconds: f64,
    channels: Option<Ints<'py>>,
    channel_levels: Vec<(i64, f64)>,
    level: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let unit: TimeUnit = unit.parse().py()?;
    let (r, a) = (slice(&received)?, slice(&answered)?);
    let c = codes("channels", &channels)?;
    let (overall, groups) = py
        .detach(|| {
            present("received", r)?;
            answer_times(
                r,
                &optional(a),
                unit,
                c,
                service_level_seconds,
                &channel_levels,
                level,
            )
        })
        .py()?;
    grouped(py, &overall, c.map(|_| &groups))
}

/// First-contact resolution from case codes, int64 timestamps and a bool
/// array.
#[pyfunction]
#[pyo3(signature = (cases, timestamps, resolved, channels=None, level=0.95))]
pub fn gaps_fcr<'py>(
    py: Python<'py>,
    cases: Ints<'py>,
    timestamps: Ints<'py>,
    resolved: PyReadonlyArray1<'py, bool>,
    channels: Option<Ints<'py>>,
    level: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let k = Some(cases);
    let cs = codes("cases", &k)?.unwrap_or_default();
    let (t, res) = (slice(&timestamps)?, slice(&resolved)?);
    let c = codes("channels", &channels)?;
    let (overall, groups) = py
        .detach(|| {
            present("timestamps", t)?;
            first_contact_resolution(cs, t, res, c, level)
        })
        .py()?;
    grouped(py, &overall, c.map(|_| &groups))
}

/// Repeat contacts from customer, channel and case codes and int64
/// timestamps.
#[pyfunction]
#[pyo3(signature = (customers, timestamps, unit, channels, cases=None, window_days=7.0, same_case=false, level=0.95))]
#[allow(clippy::too_many_arguments)]
pub fn gaps_repeat_contacts<'py>(
    py: Python<'py>,
    customers: Ints<'py>,
    timestamps: Ints<'py>,
    unit: &str,
    channels: Ints<'py>,
    cases: Option<Ints<'py>>,
    window_days: f64,
    same_case: bool,
    level: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let unit: TimeUnit = unit.parse().py()?;
    let (cu, ch) = (Some(customers), Some(channels));
    let cu = codes("customers", &cu)?.unwrap_or_default();
    let ch = codes("channels", &ch)?.unwrap_or_default();
    let t = slice(&timestamps)?;
    let k = codes("cases", &cases)?;
    let o = RepeatOptions {
        window_days,
        same_case,
        level,
    };
    let r = py
        .detach(|| {
            present("timestamps", t)?;
            repeat_contacts(cu, t, unit, ch, k, &o)
        })
        .py()?;
    Ok(pythonize(py, &r)?)
}
