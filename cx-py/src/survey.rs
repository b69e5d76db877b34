//! Survey measures for Python: argument conversion, a call into `cx`, and
//! the result as a dict (the Python layer turns it into frozen dataclasses).

use cx::CxError;
use cx::survey::{self, Distribution, Nps, Scale, TimeBucket, Timestamps};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use pythonize::{depythonize, pythonize};
use serde::Serialize;
use serde::de::DeserializeOwned;

use cx::bind::Args;

use crate::arrays::{Scores, slice, with_scores};
use crate::bind::Held;
use crate::errors::IntoPy;

/// Reads an options dict into a core options struct through the core's
/// JSON reader, so option errors are the same typed errors as in JS.
fn options<T: DeserializeOwned + Default>(opts: Option<&Bound<'_, PyDict>>) -> PyResult<T> {
    let value: serde_json::Value = match opts {
        None => serde_json::Value::Null,
        Some(d) => {
            depythonize(d.as_any()).map_err(|e| PyValueError::new_err(format!("invalid options: {e}")))?
        }
    };
    survey::options_from_json(value).py()
}

fn to_py<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize(py, value)?)
}

fn weights_slice<'a>(w: &'a Option<PyReadonlyArray1<'_, f64>>) -> PyResult<Option<&'a [f64]>> {
    w.as_ref().map(slice).transpose()
}

/// Builds the distribution of `scores` off the GIL.
fn distribution(
    py: Python<'_>,
    scale: Scale,
    scores: &Scores<'_>,
    weights: &Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<Distribution> {
    let w = weights_slice(weights)?;
    with_scores!(scores, |s| py
        .detach(|| Distribution::from_scores(scale, s, w))
        .py())
}

fn from_dict<T: DeserializeOwned>(what: &str, d: &Bound<'_, PyAny>) -> PyResult<T> {
    depythonize(d).map_err(|e| PyValueError::new_err(format!("not a {what} result: {e}")))
}

/// Compares two results of the measure `kind` given as dicts.
#[pyfunction]
#[pyo3(signature = (kind, a, b, level=0.95))]
pub fn compare<'py>(
    py: Python<'py>,
    kind: &str,
    a: &Bound<'py, PyAny>,
    b: &Bound<'py, PyAny>,
    level: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let c = match kind {
        "nps" => survey::compare_nps(&from_dict::<Nps>(kind, a)?, &from_dict(kind, b)?, level),
        "csat" => survey::compare_csat(&from_dict(kind, a)?, &from_dict(kind, b)?, level),
        "ces" => survey::compare_ces(&from_dict(kind, a)?, &from_dict(kind, b)?, level),
        "smiley" => survey::compare_smiley(&from_dict(kind, a)?, &from_dict(kind, b)?, level),
        "proportion" => survey::compare_proportions(&from_dict(kind, a)?, &from_dict(kind, b)?, level),
        other => Err(CxError::InvalidParameter {
            argument: "kind",
            value: other.to_owned(),
            allowed: "nps, csat, ces, smiley or proportion".into(),
        }),
    };
    to_py(py, &c.py()?)
}

/// The mergeable answer distribution (wrapped by `cx.Distribution`).
#[pyclass(name = "_Distribution", module = "cx._cx")]
#[derive(Clone)]
pub struct PyDistribution {
    pub inner: Distribution,
}

#[pymethods]
impl PyDistribution {
    #[new]
    fn new(min: i32, max: i32) -> PyResult<Self> {
        Ok(PyDistribution {
            inner: Distribution::new(Scale::new(min, max).py()?),
        })
    }

    #[staticmethod]
    #[pyo3(signature = (scale, scores, weights=None))]
    fn from_scores(
        py: Python<'_>,
        scale: (i32, i32),
        scores: Scores<'_>,
        weights: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<Self> {
        let scale = Scale::new(scale.0, scale.1).py()?;
        Ok(PyDistribution {
            inner: distribution(py, scale, &scores, &weights)?,
        })
    }

    fn push(&mut self, score: f64, weight: f64) -> PyResult<()> {
        self.inner.push(score, weight).py()
    }

    #[pyo3(signature = (scores, weights=None))]
    fn extend(
        &mut self,
        py: Python<'_>,
        scores: Scores<'_>,
        weights: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyResult<()> {
        let w = weights_slice(&weights)?;
        let d = &mut self.inner;
        with_scores!(scores, |s| py
            .detach(|| match w {
                None => d.extend(s),
                Some(w) => d.extend_weighted(s, w),
            })
            .py())
    }

    fn merge(&mut self, other: PyRef<'_, PyDistribution>) -> PyResult<()> {
        self.inner.merge(&other.inner).py()
    }

    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    #[staticmethod]
    fn from_bytes(data: &[u8]) -> PyResult<Self> {
        Ok(PyDistribution {
            inner: Distribution::from_bytes(data).py()?,
        })
    }

    #[getter]
    fn scale(&self) -> (i32, i32) {
        (self.inner.scale().min(), self.inner.scale().max())
    }

    #[getter]
    fn n(&self) -> u64 {
        self.inner.n()
    }

    #[getter]
    fn counts(&self) -> Vec<u64> {
        self.inner.counts().to_vec()
    }

    #[getter]
    fn weights(&self) -> Vec<f64> {
        self.inner.weights().to_vec()
    }

    #[getter]
    fn total_weight(&self) -> f64 {
        self.inner.total_weight()
    }

    #[getter]
    fn effective_n(&self) -> f64 {
        self.inner.effective_n()
    }

    fn __eq__(&self, other: PyRef<'_, PyDistribution>) -> bool {
        self.inner == other.inner
    }

    #[pyo3(signature = (kind, options=None))]
    fn measure<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = &self.inner;
        match kind {
            "nps" => to_py(py, &d.nps(&self::options(options)?).py()?),
            "csat" => to_py(py, &d.csat(&self::options(options)?).py()?),
            "ces" => to_py(py, &d.ces(&self::options(options)?).py()?),
            "smiley" => to_py(py, &d.smiley(&self::options(options)?).py()?),
            other => Err(crate::errors::to_py(CxError::InvalidParameter {
                argument: "kind",
                value: other.to_owned(),
                allowed: "nps, csat, ces or smiley".into(),
            })),
        }
    }
}

/// Group keys: integer codes (from the Python layer's factorization, with
/// −1 for a missing key) or plain integers.
type GroupRow<'py> = (Option<Bound<'py, PyAny>>, Option<i32>, PyDistribution);

/// One-pass grouping; returns `(key, period as days since 1970-01-01,
/// distribution)` triples ordered by key, then period.
#[pyfunction]
#[pyo3(signature = (scale, scores, weights=None, args=None, bucket="week"))]
pub fn group_by<'py>(
    py: Python<'py>,
    scale: (i32, i32),
    scores: Scores<'py>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    args: Option<&Bound<'py, PyDict>>,
    bucket: &str,
) -> PyResult<Vec<GroupRow<'py>>> {
    let scale = Scale::new(scale.0, scale.1).py()?;
    let w = weights_slice(&weights)?;
    // Keys and timestamps through the binding layer's readers (`keys`,
    // `timestamps`, `unit`), as in every call.
    let mut held = args.map(Held::read).transpose()?;
    let mut a = match &mut held {
        Some(h) => h.args()?,
        None => Args::new(),
    };
    let unit = a.unit().py()?;
    let keys = a.keys("keys").py()?;
    let t = a.times("timestamps", unit).py()?;
    a.finish().py()?;
    let bucket: TimeBucket = bucket.parse().py()?;
    let time = t.as_deref().map(|values| Timestamps { values, unit, bucket });
    let k = keys.as_ref().map(|k| &k.codes[..]);
    let groups = with_scores!(scores, |s| py
        .detach(|| survey::group_by(scale, s, w, k, time))
        .py())?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    groups
        .into_iter()
        .map(|g| {
            let period = g.period.map(|p| (p - epoch).num_days() as i32);
            let key = match (&keys, g.key) {
                (Some(k), Some(code)) => Some(pythonize(py, &k.label(code))?),
                _ => None,
            };
            Ok((
                key,
                period,
                PyDistribution {
                    inner: g.distribution,
                },
            ))
        })
        .collect()
}
