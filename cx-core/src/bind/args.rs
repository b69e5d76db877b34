//! The named arguments of a call and their readers: the one place where a
//! binding's timestamps, keys, numbers, matrices, scales and options are
//! read.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Column, Keys, float, json_float, wrong};
use crate::error::{CxError, Result};
use crate::survey::Scale;
use crate::time::{TimeUnit, parse_timestamp_ms};

/// The named arguments of a call; each reader removes what it reads, so
/// that [`Args::finish`] can report a misspelt argument.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args<'a>(BTreeMap<String, Column<'a>>);

impl<'a> Args<'a> {
    /// No arguments yet.
    pub fn new() -> Self {
        Args(BTreeMap::new())
    }

    /// The entries of a JSON object (`null` entries are left out, as if
    /// not given).
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] when `v` is neither an object nor `null`.
    pub fn from_json(v: Value) -> Result<Args<'static>> {
        match v {
            Value::Object(m) => Ok(Args(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, Column::Json(v)))
                    .collect(),
            )),
            Value::Null => Ok(Args::new()),
            other => Err(wrong("arguments", &other, "an object of named arguments")),
        }
    }

    /// The names of the arguments given.
    pub fn names(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }

    /// Adds (or replaces) an argument.
    pub fn insert(&mut self, name: impl Into<String>, column: Column<'a>) {
        self.0.insert(name.into(), column);
    }

    pub(super) fn take(&mut self, name: &str) -> Option<Column<'a>> {
        self.0.remove(name)
    }

    /// Fails on an argument no reader took (a misspelt name), naming it.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] with argument `arguments`.
    pub fn finish(self) -> Result<()> {
        match self.0.keys().next() {
            None => Ok(()),
            Some(k) => Err(CxError::invalid(
                "arguments",
                k,
                "only the arguments of this measure",
            )),
        }
    }

    pub(super) fn list(&mut self, name: &'static str) -> Result<Option<Vec<Value>>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Json(Value::Array(a))) => Ok(Some(a)),
            Some(Column::Json(other)) => Err(wrong(name, &other, "an array")),
            Some(Column::Ints(v)) => Ok(Some(v.iter().map(|&i| Value::from(i)).collect())),
            Some(Column::Floats(v)) => Ok(Some(v.iter().map(|&f| json_float(f)).collect())),
            Some(Column::Bools(v)) => Ok(Some(v.iter().map(|&b| Value::Bool(b)).collect())),
            Some(Column::Bytes(v)) => Ok(Some(v.iter().map(|&b| Value::from(b)).collect())),
            Some(Column::Keys(k)) => {
                k.check(name)?;
                Ok(Some(k.codes.iter().map(|&c| k.label(c)).collect()))
            }
        }
    }

    pub(super) fn required<T>(name: &'static str, v: Option<T>) -> Result<T> {
        v.ok_or_else(|| CxError::invalid(name, "nothing", "a value (this argument is required)"))
    }

    pub(super) fn json(&mut self, name: &'static str) -> Result<Option<Value>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Json(v)) => Ok(Some(v)),
            Some(_) => Err(CxError::invalid(name, "a column", "a single value")),
        }
    }

    pub(super) fn f64(&mut self, name: &'static str) -> Result<Option<f64>> {
        self.json(name)?
            .map(|v| v.as_f64().ok_or_else(|| wrong(name, &v, "a number")))
            .transpose()
    }

    pub(super) fn bool(&mut self, name: &'static str) -> Result<Option<bool>> {
        self.json(name)?
            .map(|v| v.as_bool().ok_or_else(|| wrong(name, &v, "true or false")))
            .transpose()
    }

    pub(super) fn text(&mut self, name: &'static str) -> Result<Option<String>> {
        match self.json(name)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong(name, &other, "a string")),
        }
    }

    /// An options object read by [`crate::options::from_json`]: typed
    /// errors naming the option, defaults for what is not given.
    pub fn options<T: DeserializeOwned + Default>(&mut self, name: &'static str) -> Result<T> {
        crate::options::from_json(self.json(name)?.unwrap_or(Value::Null))
    }

    /// Numbers, `null` read as `NaN` (no answer).
    pub fn floats(&mut self, name: &'static str) -> Result<Option<Cow<'a, [f64]>>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Floats(v)) => Ok(Some(v)),
            Some(Column::Ints(v)) => Ok(Some(Cow::Owned(v.iter().map(|&i| i as f64).collect()))),
            Some(Column::Bytes(v)) => Ok(Some(Cow::Owned(v.iter().map(|&i| f64::from(i)).collect()))),
            Some(other) => {
                self.insert(name, other);
                self.list(name)?
                    .map(|a| {
                        a.iter()
                            .map(|v| float(name, v))
                            .collect::<Result<Vec<_>>>()
                            .map(Cow::Owned)
                    })
                    .transpose()
            }
        }
    }

    /// Flags, one per row; `null` is a missing-value error.
    pub(super) fn bools(&mut self, name: &'static str) -> Result<Option<Cow<'a, [bool]>>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Bools(v)) => Ok(Some(v)),
            Some(other) => {
                self.insert(name, other);
                self.list(name)?
                    .map(|a| {
                        a.iter()
                            .enumerate()
                            .map(|(index, v)| match v {
                                Value::Bool(b) => Ok(*b),
                                Value::Null => Err(CxError::Missing {
                                    argument: name,
                                    index,
                                }),
                                other => Err(wrong(name, other, "true or false per row")),
                            })
                            .collect::<Result<Vec<_>>>()
                            .map(Cow::Owned)
                    })
                    .transpose()
            }
        }
    }

    /// A respondent × item matrix, flattened row-major, and its item count:
    /// rows of numbers (`null` = no answer), or a flat float buffer with
    /// the item count in `<name>_columns` (numpy's row-major 2-D arrays,
    /// read without a list per row).
    pub(super) fn matrix(&mut self, name: &'static str) -> Result<Option<(Vec<f64>, usize)>> {
        let columns = format!("{name}_columns");
        if let Some(Column::Json(k)) = self.take(&columns) {
            let items =
                k.as_u64()
                    .filter(|&k| k > 0)
                    .ok_or_else(|| wrong(name, &k, "a positive number of columns"))? as usize;
            let values = Args::required(name, self.floats(name)?)?;
            if !values.len().is_multiple_of(items) {
                return Err(CxError::invalid(
                    name,
                    format!("{} values", values.len()),
                    format!("a whole number of rows of {items} items"),
                ));
            }
            return Ok(Some((values.into_owned(), items)));
        }
        let Some(rows) = self.list(name)? else {
            return Ok(None);
        };
        let items = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
        let mut out = Vec::with_capacity(rows.len().saturating_mul(items));
        for (r, row) in rows.iter().enumerate() {
            match row.as_array() {
                Some(a) if a.len() == items => {
                    for v in a {
                        out.push(float(name, v)?);
                    }
                }
                _ => {
                    return Err(CxError::OutOfRange {
                        argument: name,
                        index: r,
                        value: format!("{:.40}", row.to_string()),
                        allowed: format!("a row of {items} answers (the first row's length)"),
                    });
                }
            }
        }
        Ok(Some((out, items)))
    }

    /// Keys: integers (their own codes), strings or numbers (read as
    /// text), or codes with labels; a missing key is an error naming its
    /// row.
    pub fn keys(&mut self, name: &'static str) -> Result<Option<Keys<'a>>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Keys(k)) => {
                k.check(name)?;
                Ok(Some(k))
            }
            Some(Column::Ints(codes)) => Ok(Some(Keys::integers(codes))),
            Some(other) => {
                self.insert(name, other);
                self.list(name)?.map(|a| Keys::from_values(name, a)).transpose()
            }
        }
    }

    /// The one timestamp reader: integers in `unit` as given (`i64::MIN`
    /// is missing), ISO text parsed and converted to `unit`; each row
    /// `None` when missing.
    pub fn times_with_missing(
        &mut self,
        name: &'static str,
        unit: TimeUnit,
    ) -> Result<Option<Vec<Option<i64>>>> {
        const NAT: i64 = i64::MIN;
        if let Some(Column::Ints(v)) = self.0.get(name) {
            let v = v.iter().map(|&t| (t != NAT).then_some(t)).collect();
            self.take(name);
            return Ok(Some(v));
        }
        let per_day = unit.per_day();
        self.list(name)?
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(index, v)| match v {
                        Value::Null => Ok(None),
                        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                            (Some(NAT), _) => Ok(None),
                            (Some(i), _) => Ok(Some(i)),
                            // Beyond the range of i64 a cast would saturate silently.
                            (None, Some(f)) if f.is_finite() && f.abs() < 9.2e18 => {
                                Ok(Some(f.floor() as i64))
                            }
                            _ => Err(wrong(name, v, "timestamps")),
                        },
                        Value::String(s) => {
                            let ms = parse_timestamp_ms(s).ok_or_else(|| CxError::Parse {
                                argument: name,
                                index,
                                value: s.clone(),
                                expected: crate::time::ACCEPTED_FORMS.into(),
                            })?;
                            Ok(Some(if per_day >= 86_400_000 {
                                ms * (per_day / 86_400_000)
                            } else {
                                ms.div_euclid(86_400_000 / per_day)
                            }))
                        }
                        other => Err(wrong(name, other, "dates: ISO text or integers")),
                    })
                    .collect()
            })
            .transpose()
    }

    /// Timestamps that must all be present (a missing one is an error
    /// naming its row); a buffer is borrowed, not copied.
    pub fn times(&mut self, name: &'static str, unit: TimeUnit) -> Result<Option<Cow<'a, [i64]>>> {
        if let Some(Column::Ints(v)) = self.0.get(name) {
            if let Some(index) = v.iter().position(|&t| t == i64::MIN) {
                return Err(CxError::Missing {
                    argument: name,
                    index,
                });
            }
            let Some(Column::Ints(v)) = self.take(name) else {
                unreachable!("checked above")
            };
            return Ok(Some(v));
        }
        let Some(v) = self.times_with_missing(name, unit)? else {
            return Ok(None);
        };
        v.into_iter()
            .enumerate()
            .map(|(index, t)| {
                t.ok_or(CxError::Missing {
                    argument: name,
                    index,
                })
            })
            .collect::<Result<Vec<_>>>()
            .map(|v| Some(Cow::Owned(v)))
    }

    /// The unit of integer timestamps (`unit`, default milliseconds).
    pub fn unit(&mut self) -> Result<TimeUnit> {
        self.text("unit")?
            .map_or(Ok(TimeUnit::Milliseconds), |u| u.parse())
    }

    pub(super) fn scale(&mut self, default: Scale) -> Result<Scale> {
        let Some(s) = self.json("scale")? else {
            return Ok(default);
        };
        let bounds = match &s {
            Value::Array(a) if a.len() == 2 => (a[0].as_i64(), a[1].as_i64()),
            Value::Object(o) => (
                o.get("min").and_then(Value::as_i64),
                o.get("max").and_then(Value::as_i64),
            ),
            _ => (None, None),
        };
        match bounds {
            (Some(lo), Some(hi)) => match (i32::try_from(lo), i32::try_from(hi)) {
                (Ok(lo), Ok(hi)) => Scale::new(lo, hi),
                _ => Err(wrong("scale", &s, "two integers (min, max)")),
            },
            _ => Err(wrong("scale", &s, "two integers (min, max)")),
        }
    }

    /// The confidence level (`level`, default 0.95); checked by the measure.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for a value that is not a number.
    pub fn level(&mut self) -> Result<f64> {
        Ok(self.f64("level")?.unwrap_or(0.95))
    }
}
