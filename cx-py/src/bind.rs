//! The one entry of the Python bindings into `cx::bind`: a dict of named
//! arguments becomes the core's `Args`, numpy buffers borrowed in place.
//!
//! Values of the dict: a C-contiguous numpy array of `int64` (integers:
//! timestamps in the call's `unit`, NaT = `i64::MIN` is missing), `float64`
//! (numbers, NaN = no answer), `bool` (flags) or `uint8` (survey answers); a tuple `(codes, labels)`
//! of an `int64` array and a list (keys; -1 = missing); anything else is
//! read as JSON (lists, numbers, strings, dicts of options).

use std::borrow::Cow;

use cx::bind::{Args, Column, Keys};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use pythonize::{depythonize, pythonize};
use serde_json::Value;

use crate::arrays::slice;
use crate::errors::IntoPy;

enum Buffer<'py> {
    Ints(PyReadonlyArray1<'py, i64>),
    Floats(PyReadonlyArray1<'py, f64>),
    Bools(PyReadonlyArray1<'py, bool>),
    Bytes(PyReadonlyArray1<'py, u8>),
    Keys(PyReadonlyArray1<'py, i64>, Vec<Value>),
}

/// The arguments of one call: buffers (held, so that they can be borrowed
/// without the GIL) and JSON values.
pub struct Held<'py> {
    buffers: Vec<(String, Buffer<'py>)>,
    json: Vec<(String, Value)>,
}

fn json(v: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    depythonize(v).map_err(|e| PyValueError::new_err(format!("invalid argument `{name}`: {e}")))
}

/// Labels as JSON; strings (the common case) without a round trip.
fn labels(v: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Value>> {
    let list = v.cast::<PyList>()?;
    list.iter()
        .map(|l| match l.cast::<PyString>() {
            Ok(s) => Ok(Value::String(s.to_cow()?.into_owned())),
            Err(_) => json(&l, name),
        })
        .collect()
}

impl<'py> Held<'py> {
    /// Reads the dict; `None` values are left out (not given).
    pub fn read(args: &Bound<'py, PyDict>) -> PyResult<Held<'py>> {
        let mut held = Held {
            buffers: Vec::new(),
            json: Vec::new(),
        };
        // Tables that share one label list (one customer code space) send
        // the same list object: read it once.
        let mut seen: Vec<(*mut pyo3::ffi::PyObject, Vec<Value>)> = Vec::new();
        for (k, v) in args.iter() {
            let name: String = k.extract()?;
            if v.is_none() {
                continue;
            }
            let buffer = if let Ok(a) = v.extract::<PyReadonlyArray1<'py, i64>>() {
                Buffer::Ints(a)
            } else if let Ok(a) = v.extract::<PyReadonlyArray1<'py, f64>>() {
                Buffer::Floats(a)
            } else if let Ok(a) = v.extract::<PyReadonlyArray1<'py, bool>>() {
                Buffer::Bools(a)
            } else if let Ok(a) = v.extract::<PyReadonlyArray1<'py, u8>>() {
                Buffer::Bytes(a)
            } else if let Ok(t) = v.cast::<PyTuple>()
                && t.len() == 2
                && let Ok(codes) = t.get_item(0)?.extract::<PyReadonlyArray1<'py, i64>>()
            {
                let list = t.get_item(1)?;
                let labels = match seen.iter().find(|(p, _)| *p == list.as_ptr()) {
                    Some((_, l)) => l.clone(),
                    None => {
                        let l = labels(&list, &name)?;
                        seen.push((list.as_ptr(), l.clone()));
                        l
                    }
                };
                Buffer::Keys(codes, labels)
            } else {
                held.json.push((name.clone(), json(&v, &name)?));
                continue;
            };
            held.buffers.push((name, buffer));
        }
        Ok(held)
    }

    /// The core's arguments, borrowing the buffers.
    pub fn args(&mut self) -> PyResult<Args<'_>> {
        let mut a = Args::new();
        for (name, v) in self.json.drain(..) {
            a.insert(name, Column::Json(v));
        }
        for (name, b) in &self.buffers {
            let c = match b {
                Buffer::Ints(x) => Column::Ints(Cow::Borrowed(slice(x)?)),
                Buffer::Floats(x) => Column::Floats(Cow::Borrowed(slice(x)?)),
                Buffer::Bools(x) => Column::Bools(Cow::Borrowed(slice(x)?)),
                Buffer::Bytes(x) => Column::Bytes(Cow::Borrowed(slice(x)?)),
                Buffer::Keys(x, l) => Column::Keys(Keys::new(Cow::Borrowed(slice(x)?), l.clone())),
            };
            a.insert(name.clone(), c);
        }
        Ok(a)
    }
}

/// Runs `cx::bind::run(name, args)` without the GIL and returns its result
/// as Python objects.
#[pyfunction]
pub fn call<'py>(py: Python<'py>, name: &str, args: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
    let mut held = Held::read(args)?;
    let a = held.args()?;
    let r = py.detach(|| cx::bind::run(name, a)).py()?;
    Ok(pythonize(py, &r)?)
}
