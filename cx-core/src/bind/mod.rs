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
//! | `customer_summary`, `calibration_holdout`, `store_summary`, `returning_customers`, `cohort_retention`, `time_to_second_purchase`, `rfm`, `cadence` | [`crate::retention`] | `customers`, `timestamps`, `amounts`, `unit`, `options` |
//! | `servqual`, `ipa`, `kano`, `cronbach_alpha` | [`crate::gaps`] survey gaps | answer matrices (rows of numbers, `null` = no answer) |
//! | `delivery`, `answer_times`, `first_contact_resolution`, `repeat_contacts` | [`crate::gaps`] promise gaps | time and key columns, `unit` |
//! | `signals` | [`crate::signals`] | tables `orders`, `feedback`, `contacts`, `deliveries` of columns, `unit`, `options` |
//! | `fit`, `predict`, `parameters` | [`crate::churn`] | `model`, per-customer columns, `options` / `prediction` / `level` |
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

mod churn;
mod gaps;
mod retention;
pub mod signals;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{CxError, Result};
use crate::survey::Scale;
use crate::time::{TimeUnit, parse_timestamp_ms};

pub use churn::{Table, fit, predict};
pub use retention::retention;

/// The names [`run`] knows besides the retention measures
/// ([`crate::retention::RETENTION_MEASURES`]); [`calls`] lists them all.
pub const CALLS: &[&str] = &[
    "servqual",
    "ipa",
    "kano",
    "cronbach_alpha",
    "delivery",
    "answer_times",
    "first_contact_resolution",
    "repeat_contacts",
    "signals",
    "fit",
    "predict",
    "parameters",
];

/// Every name [`run`] knows.
pub fn calls() -> Vec<&'static str> {
    crate::retention::RETENTION_MEASURES
        .iter()
        .chain(CALLS)
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
        "fit" => churn::run_fit(&mut args)?,
        "predict" => churn::run_predict(&mut args)?,
        "parameters" => churn::run_parameters(&mut args)?,
        r if retention::is_measure(r) => retention::run(r, &mut args)?,
        other => gaps::run(other, &mut args)?,
    };
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
    /// Keys as codes into a list of labels.
    Keys(Keys<'a>),
}

/// A key column as codes into `labels` (`-1` = missing), or integer keys
/// that are their own codes (`labels` is `None`): what a binding sends for
/// keys it has factorized or for integer ids, and what [`Args::keys`] makes
/// of JSON keys. Codes in label order give groups in label order.
#[derive(Debug, Clone, PartialEq)]
pub struct Keys<'a> {
    /// One code per row.
    pub codes: Cow<'a, [i64]>,
    /// The label of each code; `None`: each code is the key itself.
    pub labels: Option<Vec<Value>>,
}

/// A key's text.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> Keys<'a> {
    /// Codes into `labels`.
    pub fn new(codes: Cow<'a, [i64]>, labels: Vec<Value>) -> Self {
        Keys {
            codes,
            labels: Some(labels),
        }
    }

    /// Integer keys, each its own code.
    pub fn integers(codes: Cow<'a, [i64]>) -> Self {
        Keys { codes, labels: None }
    }

    /// Keys from JSON values: integers stay integers (their own codes);
    /// otherwise strings, numbers and booleans are read as text, labels in
    /// text order. `null` is a missing-value error.
    fn from_values(argument: &'static str, values: Vec<Value>) -> Result<Keys<'static>> {
        if let Some(index) = values.iter().position(Value::is_null) {
            return Err(CxError::Missing { argument, index });
        }
        if let Some(ints) = values.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>() {
            return Ok(Keys::integers(Cow::Owned(ints)));
        }
        let mut texts = Vec::with_capacity(values.len());
        for k in values {
            texts.push(match k {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(wrong(argument, &other, "strings or numbers")),
            });
        }
        let mut labels: Vec<&str> = texts.iter().map(String::as_str).collect();
        labels.sort_unstable();
        labels.dedup();
        let index: HashMap<&str, i64> = labels.iter().enumerate().map(|(i, l)| (*l, i as i64)).collect();
        let codes = texts.iter().map(|t| index[t.as_str()]).collect();
        Ok(Keys::new(
            Cow::Owned(codes),
            labels.into_iter().map(|l| Value::String(l.to_owned())).collect(),
        ))
    }

    /// Checks that every code names a label.
    fn check(&self, argument: &'static str) -> Result<()> {
        let Some(labels) = &self.labels else {
            return Ok(());
        };
        if let Some(index) = self.codes.iter().position(|&c| c < 0) {
            return Err(CxError::Missing { argument, index });
        }
        let n = labels.len() as i64;
        match self.codes.iter().position(|&c| c >= n) {
            None => Ok(()),
            Some(index) => Err(CxError::OutOfRange {
                argument,
                index,
                value: self.codes[index].to_string(),
                allowed: format!("a code below {n} (the number of labels)"),
            }),
        }
    }

    /// The label of `code` (`null` for a code without one).
    pub fn label(&self, code: i64) -> Value {
        match &self.labels {
            None => Value::from(code),
            Some(l) => usize::try_from(code)
                .ok()
                .and_then(|c| l.get(c))
                .cloned()
                .unwrap_or(Value::Null),
        }
    }

    /// Each row's key as text.
    fn texts(&self) -> Vec<String> {
        match &self.labels {
            None => self.codes.iter().map(i64::to_string).collect(),
            Some(labels) => {
                let t: Vec<String> = labels.iter().map(text).collect();
                self.codes.iter().map(|&c| t[c as usize].clone()).collect()
            }
        }
    }

    /// Puts several key columns into one code space, unless they share it
    /// already (all integers, or the same labels); mixed columns become
    /// text labels in text order.
    fn unify(columns: &mut [&mut Keys<'_>]) {
        if columns.windows(2).all(|w| w[0].labels == w[1].labels) {
            return;
        }
        let label_texts = |k: &Keys<'_>| -> Vec<String> {
            match &k.labels {
                Some(l) => l.iter().map(text).collect(),
                None => {
                    let mut v: Vec<i64> = k.codes.to_vec();
                    v.sort_unstable();
                    v.dedup();
                    v.iter().map(i64::to_string).collect()
                }
            }
        };
        let per: Vec<Vec<String>> = columns.iter().map(|k| label_texts(k)).collect();
        let mut all: Vec<String> = per.iter().flatten().cloned().collect();
        all.sort_unstable();
        all.dedup();
        let index: HashMap<&str, i64> = all
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as i64))
            .collect();
        for (k, texts) in columns.iter_mut().zip(&per) {
            let codes: Vec<i64> = match &k.labels {
                Some(_) => {
                    let map: Vec<i64> = texts.iter().map(|t| index[t.as_str()]).collect();
                    k.codes.iter().map(|&c| map[c as usize]).collect()
                }
                None => k.codes.iter().map(|c| index[c.to_string().as_str()]).collect(),
            };
            k.codes = Cow::Owned(codes);
        }
        let labels: Vec<Value> = all.into_iter().map(Value::String).collect();
        for k in columns.iter_mut() {
            k.labels = Some(labels.clone());
        }
    }
}

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

    /// Adds (or replaces) an argument.
    pub fn insert(&mut self, name: impl Into<String>, column: Column<'a>) {
        self.0.insert(name.into(), column);
    }

    fn take(&mut self, name: &str) -> Option<Column<'a>> {
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

    fn list(&mut self, name: &'static str) -> Result<Option<Vec<Value>>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Json(Value::Array(a))) => Ok(Some(a)),
            Some(Column::Json(other)) => Err(wrong(name, &other, "an array")),
            Some(Column::Ints(v)) => Ok(Some(v.iter().map(|&i| Value::from(i)).collect())),
            Some(Column::Floats(v)) => Ok(Some(v.iter().map(|&f| json_float(f)).collect())),
            Some(Column::Bools(v)) => Ok(Some(v.iter().map(|&b| Value::Bool(b)).collect())),
            Some(Column::Keys(k)) => {
                k.check(name)?;
                Ok(Some(k.codes.iter().map(|&c| k.label(c)).collect()))
            }
        }
    }

    fn required<T>(name: &'static str, v: Option<T>) -> Result<T> {
        v.ok_or_else(|| CxError::invalid(name, "nothing", "a value (this argument is required)"))
    }

    fn json(&mut self, name: &'static str) -> Result<Option<Value>> {
        match self.take(name) {
            None => Ok(None),
            Some(Column::Json(v)) => Ok(Some(v)),
            Some(_) => Err(CxError::invalid(name, "a column", "a single value")),
        }
    }

    fn f64(&mut self, name: &'static str) -> Result<Option<f64>> {
        self.json(name)?
            .map(|v| v.as_f64().ok_or_else(|| wrong(name, &v, "a number")))
            .transpose()
    }

    fn bool(&mut self, name: &'static str) -> Result<Option<bool>> {
        self.json(name)?
            .map(|v| v.as_bool().ok_or_else(|| wrong(name, &v, "true or false")))
            .transpose()
    }

    fn text(&mut self, name: &'static str) -> Result<Option<String>> {
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
    fn bools(&mut self, name: &'static str) -> Result<Option<Cow<'a, [bool]>>> {
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

    /// A respondent × item matrix, flattened row-major, and its item count.
    fn matrix(&mut self, name: &'static str) -> Result<Option<(Vec<f64>, usize)>> {
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
                            (None, Some(f)) if f.is_finite() => Ok(Some(f.floor() as i64)),
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

    fn scale(&mut self, default: Scale) -> Result<Scale> {
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

/// A result as JSON. The result types serialize without fail (no maps with
/// non-string keys; non-finite floats become `null`).
fn to_json<T: Serialize>(v: &T) -> Value {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_from_json_are_text_in_text_order() {
        let k = Keys::from_values(
            "keys",
            vec![json!("b"), json!(10), json!("a"), json!(9), json!("b")],
        )
        .unwrap();
        assert_eq!(
            k.labels,
            Some(vec![json!("10"), json!("9"), json!("a"), json!("b")])
        );
        assert_eq!(k.codes.as_ref(), &[3, 0, 2, 1, 3]);
        let k = Keys::from_values("keys", vec![json!(10), json!(9)]).unwrap();
        assert_eq!((k.labels, k.codes.as_ref()), (None, &[10i64, 9][..]));
        let e = Keys::from_values("keys", vec![json!("a"), Value::Null]).unwrap_err();
        assert_eq!((e.code(), e.index()), ("missing", Some(1)));
    }

    #[test]
    fn bad_codes_name_their_row() {
        let mut a = Args::new();
        a.insert(
            "k",
            Column::Keys(Keys::new(Cow::Owned(vec![0, -1]), vec![json!("x")])),
        );
        let e = a.keys("k").unwrap_err();
        assert_eq!((e.code(), e.argument(), e.index()), ("missing", "k", Some(1)));
        a.insert(
            "k",
            Column::Keys(Keys::new(Cow::Owned(vec![0, 1]), vec![json!("x")])),
        );
        assert_eq!(a.keys("k").unwrap_err().code(), "out_of_range");
    }

    #[test]
    fn unify_gives_one_code_space() {
        let mut a = Keys::new(Cow::Owned(vec![0, 1]), vec![json!("b"), json!("c")]);
        let mut b = Keys::new(Cow::Owned(vec![1, 0]), vec![json!("a"), json!("b")]);
        Keys::unify(&mut [&mut a, &mut b]);
        assert_eq!(a.labels, Some(vec![json!("a"), json!("b"), json!("c")]));
        assert_eq!(
            (a.codes.as_ref(), b.codes.as_ref()),
            (&[1i64, 2][..], &[1i64, 0][..])
        );
        // Integer ids beside text keys: one text code space.
        let mut c = Keys::integers(Cow::Owned(vec![7, 7]));
        Keys::unify(&mut [&mut a, &mut c]);
        assert_eq!(
            a.labels,
            Some(vec![json!("7"), json!("a"), json!("b"), json!("c")])
        );
        assert_eq!(c.codes.as_ref(), &[0, 0]);
    }

    #[test]
    fn one_time_reader_for_buffers_and_json() {
        let mut a = Args::from_json(json!({"t": ["1970-01-02", null, 5]})).unwrap();
        assert_eq!(
            a.times_with_missing("t", TimeUnit::Days).unwrap().unwrap(),
            vec![Some(1), None, Some(5)]
        );
        a.insert("t", Column::Ints(Cow::Owned(vec![1, i64::MIN])));
        let e = a.times("t", TimeUnit::Days).unwrap_err();
        assert_eq!((e.code(), e.index()), ("missing", Some(1)));
        let mut a = Args::from_json(json!({"t": ["1970-01-02", "soon"]})).unwrap();
        let e = a.times("t", TimeUnit::Days).unwrap_err();
        assert_eq!((e.code(), e.index()), ("parse", Some(1)));
    }

    #[test]
    fn a_misspelt_argument_is_named() {
        let e = call(
            "delivery",
            json!({"promised": ["2024-01-01"], "delivered": [null], "grace_day": 1}),
        )
        .unwrap_err();
        assert_eq!(e.argument(), "arguments", "{e}");
        assert!(e.to_string().contains("grace_day"), "{e}");
        assert_eq!(call("nope", json!({})).unwrap_err().argument(), "measure");
    }
}
