//! One JSON-shaped entry point for every gap measure: what the Python and
//! JavaScript bindings (and the shared test vectors) call, so that inputs
//! are read, checked and reported the same way in every language.
//!
//! Matrices are arrays of respondent rows with `null` for no answer;
//! timestamps are ISO strings or integers in `unit` (default `ms`); keys
//! (groups, channels, cases, customers) are strings or numbers.

use serde::Serialize;
use serde_json::{Map, Value};

use super::{
    Answers, Crosshair, Dimension, IpaOptions, KanoAnswer, RepeatOptions, ServqualOptions, answer_times,
    cronbach_alpha, delivery, first_contact_resolution, ipa, kano, repeat_contacts, servqual, servqual_by,
    servqual_dimensions,
};
use crate::error::{CxError, Result};
use crate::survey::Scale;
use crate::time::{TimeUnit, parse_timestamp_ms};

/// The measures [`call`] knows.
pub const CALLS: &[&str] = &[
    "servqual",
    "ipa",
    "kano",
    "cronbach_alpha",
    "delivery",
    "answer_times",
    "first_contact_resolution",
    "repeat_contacts",
];

/// Runs the gap measure `name` on `args` (a JSON object) and returns its
/// result as JSON. Grouped measures add a `groups` array (one object per
/// key, with `key`) when keys were given; `names` (item or attribute
/// names) are copied into the per-item results.
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown measure or argument, or an
/// argument of the wrong type; every error of the measure itself.
///
/// # Examples
/// ```
/// use cx::gaps::call;
/// use serde_json::json;
/// let r = call("kano", json!({"functional": ["like", "like", 3], "dysfunctional": ["neutral", "dislike", "dislike"]}))?;
/// assert_eq!(r["attributes"][0]["category"], "M"); // A, O and M once each: must-be wins ties
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn call(name: &str, args: Value) -> Result<Value> {
    // Arguments are read from the JSON by hand rather than through serde
    // derives: the derived (untagged) readers cost tens of kilobytes in the
    // WebAssembly module, and this way every error names its argument.
    let mut a = Args::new(args)?;
    let r = match name {
        "servqual" => run_servqual(&mut a)?,
        "ipa" => run_ipa(&mut a)?,
        "kano" => run_kano(&mut a)?,
        "cronbach_alpha" => run_alpha(&mut a)?,
        "delivery" => run_delivery(&mut a)?,
        "answer_times" => run_answer_times(&mut a)?,
        "first_contact_resolution" => run_fcr(&mut a)?,
        "repeat_contacts" => run_repeats(&mut a)?,
        other => return Err(CxError::invalid("measure", other, CALLS.join(", "))),
    };
    a.finish()?;
    Ok(r)
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Value {
    // The result types serialize to JSON without fail (no maps with
    // non-string keys, no non-finite floats reach them).
    serde_json::to_value(v).unwrap_or(Value::Null)
}

pub(crate) fn wrong(argument: &'static str, v: &Value, expected: &str) -> CxError {
    let mut text = v.to_string();
    if text.len() > 60 {
        text.truncate(57);
        text.push_str("...");
    }
    CxError::invalid(argument, text, expected)
}

/// The named arguments of a call; each reader removes what it reads, so
/// that [`Args::finish`] can report a misspelt argument.
pub(crate) struct Args(Map<String, Value>);

impl Args {
    pub(crate) fn new(v: Value) -> Result<Args> {
        match v {
            Value::Object(mut m) => {
                m.retain(|_, v| !v.is_null());
                Ok(Args(m))
            }
            Value::Null => Ok(Args(Map::new())),
            other => Err(wrong("arguments", &other, "an object of named arguments")),
        }
    }

    pub(crate) fn finish(self) -> Result<()> {
        match self.0.keys().next() {
            None => Ok(()),
            Some(k) => Err(CxError::invalid(
                "arguments",
                k,
                "only the arguments of this measure",
            )),
        }
    }

    pub(crate) fn list(&mut self, name: &'static str) -> Result<Option<Vec<Value>>> {
        match self.0.remove(name) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(other) => Err(wrong(name, &other, "an array")),
        }
    }

    pub(crate) fn required<T>(name: &'static str, v: Option<T>) -> Result<T> {
        v.ok_or_else(|| CxError::invalid(name, "nothing", "a value (this argument is required)"))
    }

    pub(crate) fn f64(&mut self, name: &'static str) -> Result<Option<f64>> {
        self.0
            .remove(name)
            .map(|v| v.as_f64().ok_or_else(|| wrong(name, &v, "a number")))
            .transpose()
    }

    pub(crate) fn bool(&mut self, name: &'static str) -> Result<Option<bool>> {
        self.0
            .remove(name)
            .map(|v| v.as_bool().ok_or_else(|| wrong(name, &v, "true or false")))
            .transpose()
    }

    pub(crate) fn text(&mut self, name: &'static str) -> Result<Option<String>> {
        match self.0.remove(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong(name, &other, "a string")),
        }
    }

    /// Numbers, `null` read as `NaN` (no answer).
    pub(crate) fn floats(&mut self, name: &'static str) -> Result<Option<Vec<f64>>> {
        self.list(name)?
            .map(|a| a.iter().map(|v| float(name, v)).collect())
            .transpose()
    }

    /// A respondent × item matrix, flattened row-major, and its item count.
    fn matrix(&mut self, name: &'static str) -> Result<Option<(Vec<f64>, usize)>> {
        let Some(rows) = self.list(name)? else {
            return Ok(None);
        };
        let items = rows.first().and_then(Value::as_array).map_or(0, Vec::len);
        let mut out = Vec::with_capacity(rows.len() * items);
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

    /// Keys: strings, or numbers written as text; `null` is missing.
    pub(crate) fn keys(&mut self, name: &'static str) -> Result<Option<Vec<String>>> {
        self.list(name)?
            .map(|a| {
                a.into_iter()
                    .enumerate()
                    .map(|(index, k)| match k {
                        Value::String(s) => Ok(s),
                        Value::Number(n) => Ok(n.to_string()),
                        Value::Bool(b) => Ok(b.to_string()),
                        Value::Null => Err(CxError::Missing {
                            argument: name,
                            index,
                        }),
                        other => Err(wrong(name, &other, "strings or numbers")),
                    })
                    .collect()
            })
            .transpose()
    }

    /// Timestamps in `unit`: integers as given, ISO text parsed; `null` is
    /// `None` when `optional`, else a missing-value error.
    pub(crate) fn times(
        &mut self,
        name: &'static str,
        unit: TimeUnit,
        optional: bool,
    ) -> Result<Option<Vec<Option<i64>>>> {
        let per_day = unit.per_day();
        self.list(name)?
            .map(|a| {
                a.iter()
                    .enumerate()
                    .map(|(index, v)| match v {
                        Value::Null if optional => Ok(None),
                        Value::Null => Err(CxError::Missing {
                            argument: name,
                            index,
                        }),
                        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
                            (Some(i), _) => Ok(Some(i)),
                            (None, Some(f)) if f.is_finite() => Ok(Some(f.floor() as i64)),
                            _ => Err(wrong(name, v, "timestamps")),
                        },
                        Value::String(s) => {
                            let ms = parse_timestamp_ms(s).ok_or_else(|| CxError::Parse {
                                argument: name,
                                index,
                                value: s.clone(),
                                expected: "an ISO date or date-time".into(),
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

    pub(crate) fn unit(&mut self) -> Result<TimeUnit> {
        self.text("unit")?
            .map_or(Ok(TimeUnit::Milliseconds), |u| u.parse())
    }

    fn scale(&mut self, default: Scale) -> Result<Scale> {
        let Some(s) = self.0.remove("scale") else {
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

    fn level(&mut self) -> Result<f64> {
        Ok(self.f64("level")?.unwrap_or(0.95))
    }
}

fn float(name: &'static str, v: &Value) -> Result<f64> {
    match v {
        Value::Null => Ok(f64::NAN),
        Value::Number(n) => n.as_f64().ok_or_else(|| wrong(name, v, "numbers")),
        other => Err(wrong(name, other, "numbers (null for no answer)")),
    }
}

fn all_present(v: Vec<Option<i64>>) -> Vec<i64> {
    v.into_iter().map(|t| t.unwrap_or_default()).collect()
}

/// Adds `groups` to a result object.
fn with_groups(mut overall: Value, groups: Option<Value>) -> Value {
    if let (Value::Object(m), Some(g)) = (&mut overall, groups) {
        m.insert("groups".into(), g);
    }
    overall
}

/// Copies `names[j]` into `list[j].name`.
fn name_items(result: &mut Value, list: &str, names: Option<&[String]>) {
    let (Some(names), Some(Value::Array(items))) = (names, result.get_mut(list)) else {
        return;
    };
    for (item, name) in items.iter_mut().zip(names) {
        if let Value::Object(m) = item {
            m.insert("name".into(), Value::String(name.clone()));
        }
    }
}

fn check_names(names: Option<&[String]>, items: usize) -> Result<()> {
    match names {
        Some(n) if n.len() != items => Err(CxError::LengthMismatch {
            argument: "names",
            expected: items,
            actual: n.len(),
            other: "items (columns)",
        }),
        _ => Ok(()),
    }
}

fn indices(name: &str, v: &Value) -> Result<Vec<usize>> {
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|i| i.as_u64().map(|i| i as usize))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| {
            CxError::invalid(
                "dimensions",
                format!("{name}: {v}"),
                "a list of item indices per dimension",
            )
        })
}

/// `"servqual22"`, `{name: [items]}` or `[{name, items}]`.
fn dimensions(a: &mut Args) -> Result<Vec<Dimension>> {
    match a.0.remove("dimensions") {
        None => Ok(Vec::new()),
        Some(Value::String(p)) if p == "servqual22" => Ok(servqual_dimensions()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(name, items)| {
                Ok(Dimension {
                    name: name.clone(),
                    items: indices(name, items)?,
                })
            })
            .collect(),
        Some(Value::Array(l)) => l
            .iter()
            .map(|d| {
                let name = d.get("name").and_then(Value::as_str).unwrap_or_default();
                Ok(Dimension {
                    name: name.to_owned(),
                    items: indices(name, d.get("items").unwrap_or(&Value::Null))?,
                })
            })
            .collect(),
        Some(other) => Err(wrong(
            "dimensions",
            &other,
            "\"servqual22\", {name: [items]} or [{name, items}]",
        )),
    }
}

fn run_servqual(a: &mut Args) -> Result<Value> {
    let (p, k) = Args::required("perceptions", a.matrix("perceptions")?)?;
    let e = a.matrix("expectations")?;
    let dims = dimensions(a)?;
    let names = a.keys("names")?;
    check_names(names.as_deref(), k)?;
    let groups = a.keys("groups")?;
    let o = ServqualOptions {
        scale: a.scale(ServqualOptions::default().scale)?,
        level: a.level()?,
        importance: a.floats("importance")?,
    };
    let ea = e.as_ref().map(|(v, items)| Answers::new(v, *items));
    let pa = Answers::new(&p, k);
    let mut overall = to_json(&servqual(ea, pa, &dims, &o)?);
    name_items(&mut overall, "items", names.as_deref());
    let groups = match groups {
        None => None,
        Some(g) => Some(Value::Array(
            servqual_by(&g, ea, pa, &dims, &o)?
                .into_iter()
                .map(|(key, r)| {
                    let mut v = to_json(&r);
                    name_items(&mut v, "items", names.as_deref());
                    if let Value::Object(m) = &mut v {
                        m.insert("key".into(), Value::String(key));
                    }
                    v
                })
                .collect(),
        )),
    };
    Ok(with_groups(overall, groups))
}

fn run_ipa(a: &mut Args) -> Result<Value> {
    let (p, k) = Args::required("performance", a.matrix("performance")?)?;
    let imp = a.matrix("importance")?;
    let overall = a.floats("overall")?;
    let names = a.keys("names")?;
    check_names(names.as_deref(), k)?;
    let o = IpaOptions {
        scale: a.scale(IpaOptions::default().scale)?,
        crosshair: a.text("crosshair")?.map_or(Ok(Crosshair::Data), |c| c.parse())?,
    };
    let r = ipa(
        Answers::new(&p, k),
        imp.as_ref().map(|(v, items)| Answers::new(v, *items)),
        overall.as_deref(),
        &o,
    )?;
    let mut v = to_json(&r);
    name_items(&mut v, "attributes", names.as_deref());
    Ok(v)
}

/// Columns of Kano answers: a 2-D array (respondents × attributes) or one
/// column.
fn kano_columns(argument: &'static str, rows: Vec<Value>) -> Result<Vec<Vec<Option<KanoAnswer>>>> {
    let two_d = rows.first().is_some_and(Value::is_array);
    let answer = |index: usize, v: &Value| -> Result<Option<KanoAnswer>> {
        let parsed = match v {
            Value::Null => return Ok(None),
            Value::String(s) => KanoAnswer::parse(s),
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .and_then(|f| KanoAnswer::from_code(f as i64)),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| CxError::Parse {
            argument,
            index,
            value: v.to_string(),
            expected: KanoAnswer::ACCEPTED.into(),
        })
    };
    if !two_d {
        return Ok(vec![
            rows.iter()
                .enumerate()
                .map(|(i, v)| answer(i, v))
                .collect::<Result<_>>()?,
        ]);
    }
    let k = rows[0].as_array().map_or(0, Vec::len);
    let mut cols = vec![Vec::with_capacity(rows.len()); k];
    for (i, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .filter(|r| r.len() == k)
            .ok_or_else(|| CxError::OutOfRange {
                argument,
                index: i,
                value: format!("{:.40}", row.to_string()),
                allowed: format!("a row of {k} answers"),
            })?;
        for (j, v) in row.iter().enumerate() {
            cols[j].push(answer(i, v)?);
        }
    }
    Ok(cols)
}

fn run_kano(a: &mut Args) -> Result<Value> {
    let f = kano_columns("functional", Args::required("functional", a.list("functional")?)?)?;
    let d = kano_columns(
        "dysfunctional",
        Args::required("dysfunctional", a.list("dysfunctional")?)?,
    )?;
    if f.len() != d.len() {
        return Err(CxError::Incompatible {
            argument: "dysfunctional",
            left: format!("{} attributes in `functional`", f.len()),
            right: format!("{} in `dysfunctional`", d.len()),
        });
    }
    let names = a.keys("names")?;
    check_names(names.as_deref(), f.len())?;
    let attributes = f
        .iter()
        .zip(&d)
        .map(|(f, d)| kano(f, d).map(|k| to_json(&k)))
        .collect::<Result<Vec<_>>>()?;
    let mut v = serde_json::json!({ "attributes": attributes });
    name_items(&mut v, "attributes", names.as_deref());
    Ok(v)
}

fn run_alpha(a: &mut Args) -> Result<Value> {
    let (v, k) = Args::required("answers", a.matrix("answers")?)?;
    Ok(to_json(&cronbach_alpha(Answers::new(&v, k), a.level()?)?))
}

fn keyed<T: Serialize>(overall: &T, groups: Vec<super::Keyed<String, T>>, had_keys: bool) -> Value {
    with_groups(to_json(overall), had_keys.then(|| to_json(&groups)))
}

fn run_delivery(a: &mut Args) -> Result<Value> {
    let u = a.unit()?;
    let promised = all_present(Args::required("promised", a.times("promised", u, false)?)?);
    let delivered = Args::required("delivered", a.times("delivered", u, true)?)?;
    let grace_days = a.f64("grace_days")?.unwrap_or(0.0);
    if !(grace_days.is_finite() && grace_days >= 0.0) {
        return Err(CxError::invalid("grace_days", grace_days, "days >= 0"));
    }
    let grace = (grace_days * u.per_day() as f64).round() as i64;
    let k = a.keys("keys")?;
    let (overall, groups) = delivery(&promised, &delivered, u, grace, k.as_deref(), a.level()?)?;
    Ok(keyed(&overall, groups, k.is_some()))
}

fn run_answer_times(a: &mut Args) -> Result<Value> {
    let u = a.unit()?;
    let received = all_present(Args::required("received", a.times("received", u, false)?)?);
    let answered = Args::required("answered", a.times("answered", u, true)?)?;
    let ch = a.keys("channels")?;
    let levels = a
        .list("channel_levels")?
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let channel = match l.get("channel") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            match (channel, l.get("seconds").and_then(Value::as_f64)) {
                (Some(c), Some(s)) => Ok((c, s)),
                _ => Err(wrong("channel_levels", l, "{channel, seconds} entries")),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let sl = Args::required("service_level_seconds", a.f64("service_level_seconds")?)?;
    let (overall, groups) = answer_times(&received, &answered, u, ch.as_deref(), sl, &levels, a.level()?)?;
    Ok(keyed(&overall, groups, ch.is_some()))
}

fn run_fcr(a: &mut Args) -> Result<Value> {
    let u = a.unit()?;
    let cases = Args::required("cases", a.keys("cases")?)?;
    let ts = all_present(Args::required("timestamps", a.times("timestamps", u, false)?)?);
    let resolved = Args::required("resolved", a.list("resolved")?)?
        .iter()
        .enumerate()
        .map(|(index, v)| match v {
            Value::Bool(b) => Ok(*b),
            Value::Null => Err(CxError::Missing {
                argument: "resolved",
                index,
            }),
            other => Err(wrong("resolved", other, "true or false per contact")),
        })
        .collect::<Result<Vec<_>>>()?;
    let ch = a.keys("channels")?;
    let (overall, groups) = first_contact_resolution(&cases, &ts, &resolved, ch.as_deref(), a.level()?)?;
    Ok(keyed(&overall, groups, ch.is_some()))
}

fn run_repeats(a: &mut Args) -> Result<Value> {
    let u = a.unit()?;
    let customers = Args::required("customers", a.keys("customers")?)?;
    let ts = all_present(Args::required("timestamps", a.times("timestamps", u, false)?)?);
    let channels = Args::required("channels", a.keys("channels")?)?;
    let cases = a.keys("cases")?;
    let d = RepeatOptions::default();
    let o = RepeatOptions {
        window_days: a.f64("window_days")?.unwrap_or(d.window_days),
        same_case: a.bool("same_case")?.unwrap_or(d.same_case),
        level: a.level()?,
    };
    Ok(to_json(&repeat_contacts(
        &customers,
        &ts,
        u,
        &channels,
        cases.as_deref(),
        &o,
    )?))
}
