//! Python bindings of `cx`, imported by the `cx` package as `cx._cx`.
//!
//! Thin by design: each function converts its arguments (numpy arrays are
//! borrowed in place), calls the core with the GIL released for work that
//! grows with the input, and converts the result or error.

mod arrays;
mod bind;
mod churn;
mod errors;
mod retention;
mod signals;
mod survey;

use pyo3::prelude::*;

#[pymodule]
fn _cx(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(survey::compare, m)?)?;
    m.add_function(wrap_pyfunction!(survey::group_by, m)?)?;
    m.add_class::<survey::PyDistribution>()?;
    m.add_function(wrap_pyfunction!(retention::retention, m)?)?;
    m.add_class::<retention::PyLiveSummary>()?;
    m.add_function(wrap_pyfunction!(bind::call, m)?)?;
    m.add_function(wrap_pyfunction!(signals::signals_columns, m)?)?;
    m.add_function(wrap_pyfunction!(churn::churn_fit, m)?)?;
    m.add_function(wrap_pyfunction!(churn::churn_model, m)?)?;
    m.add_function(wrap_pyfunction!(churn::churn_predict, m)?)?;
    m.add_function(wrap_pyfunction!(churn::churn_clv, m)?)?;
    m.add_function(wrap_pyfunction!(churn::churn_holdout, m)?)?;
    Ok(())
}
