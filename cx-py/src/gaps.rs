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
