//! Reading numpy arrays in place.
//!
//! The Python layer hands over one-dimensional, C-contiguous numpy arrays
//! (`np.ascontiguousarray` copies only when needed); here they are borrowed
//! as slices without a copy, whatever their numeric dtype.

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

/// A column of answers in any numeric dtype numpy can hold.
#[derive(FromPyObject)]
pub enum Scores<'py> {
    /// `uint8`: the compact storage of survey answers.
    U8(PyReadonlyArray1<'py, u8>),
    /// `int8`.
    I8(PyReadonlyArray1<'py, i8>),
    /// `int16`.
    I16(PyReadonlyArray1<'py, i16>),
    /// `uint16`.
    U16(PyReadonlyArray1<'py, u16>),
    /// `int32`.
    I32(PyReadonlyArray1<'py, i32>),
    /// `uint32`.
    U32(PyReadonlyArray1<'py, u32>),
    /// `int64`.
    I64(PyReadonlyArray1<'py, i64>),
    /// `uint64`.
    U64(PyReadonlyArray1<'py, u64>),
    /// `float32`.
    F32(PyReadonlyArray1<'py, f32>),
    /// `float64` (pandas and polars columns with missing values arrive so).
    F64(PyReadonlyArray1<'py, f64>),
}

/// Runs `$body` with `$s` bound to the scores as a typed slice.
macro_rules! with_scores {
    ($scores:expr, |$s:ident| $body:expr) => {
        match &$scores {
            $crate::arrays::Scores::U8(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::I8(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::I16(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::U16(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::I32(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::U32(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::I64(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::U64(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::F32(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
            $crate::arrays::Scores::F64(a) => {
                let $s = $crate::arrays::slice(a)?;
                $body
            }
        }
    };
}
pub(crate) use with_scores;

/// Borrows a contiguous array as a slice.
pub fn slice<'a, T: numpy::Element>(a: &'a PyReadonlyArray1<'_, T>) -> PyResult<&'a [T]> {
    a.as_slice()
        .map_err(|_| PyTypeError::new_err("array is not contiguous; pass np.ascontiguousarray(a)"))
}
