//! Customer signals (see `cx::signals::call`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pythonize::{depythonize, pythonize};

use crate::errors::IntoPy;

/// Runs `cx::signals::call` on `args` (tables of columns and options)
/// without the GIL and returns its result as a dict.
#[pyfunction]
pub fn signals<'py>(py: Python<'py>, args: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let v: serde_json::Value =
        depythonize(args.as_any()).map_err(|e| PyValueError::new_err(format!("invalid arguments: {e}")))?;
    let r = py.detach(|| cx::signals::call(v)).py()?;
    Ok(pythonize(py, &r)?)
}
