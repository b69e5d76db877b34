//! Core errors as Python exceptions.
//!
//! The exception classes live in `cx/_errors.py` (so that each can subclass
//! both `cx.CxError` and the builtin it resembles); this file only hands the
//! error's code, message and fields to `cx._errors._from_core`.

use cx::CxError;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pythonize::pythonize;

/// Converts a core error into the matching `cx` exception.
pub fn to_py(err: CxError) -> PyErr {
    Python::attach(|py| match build(py, &err) {
        Ok(e) => e,
        // Building the exception failed (cx._errors missing?): still raise,
        // with the message, rather than lose the error.
        Err(inner) => PyTypeError::new_err(format!("{err} (while raising: {inner})")),
    })
}

fn build(py: Python<'_>, err: &CxError) -> PyResult<PyErr> {
    let fields = pythonize(py, err)?;
    let factory = py.import("cx._errors")?.getattr("_from_core")?;
    let exc = factory.call1((err.to_string(), fields))?;
    Ok(PyErr::from_value(exc))
}

/// Extension trait: `.py()?` on core results.
pub trait IntoPy<T> {
    /// Maps the core error to its Python exception.
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, CxError> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}
