//! One JSON-shaped entry point for every gap measure: what the Python and
//! JavaScript bindings (and the shared test vectors) call, so that inputs
//! are read, checked and reported the same way in every language.
//!
//! Matrices are arrays of respondent rows with `null` for no answer;
//! timestamps are ISO strings or integers in `unit` (default `ms`); keys
//! (groups, channels, cases, customers) are strings or numbers.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
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
    match name {
        "servqual" => run_servqual(parse(args)?),
        "ipa" => run_ipa(parse(args)?),
        "kano" => run_kano(parse(args)?),
        "cronbach_alpha" => run_alpha(parse(args)?),
        "delivery" => run_delivery(parse(args)?),
        "answer_times" => run_answer_times(parse(args)?),
        "first_contact_resolution" => run_fcr(parse(args)?),
        "repeat_contacts" => run_repeats(parse(args)?),
        other => Err(CxError::invalid("measure", other, CALLS.join(", "))),
    }
}

fn parse<T: DeserializeOwned>(mut args: Value) -> Result<T> {
    if let Value::Object(m) = &mut args {
        m.retain(|_, v| !v.is_null());
        if let Some(s) = m.get("scale") {
            let b = match s {
                Value::Array(a) if a.len() == 2 => (a[0].as_i64(), a[1].as_i64()),
                Value::Object(o) => (
                    o.get("min").and_then(Value::as_i64),
                    o.get("max").and_then(Value::as_i64),
                ),
                _ => (None, None),
            };
            let (Some(lo), Some(hi)) = b else {
                return Err(CxError::invalid("scale", s, "two integers (min, max)"));
            };
            let lo = i32::try_from(lo).map_err(|_| CxError::invalid("scale", lo, "a 32-bit integer"))?;
            let hi = i32::try_from(hi).map_err(|_| CxError::invalid("scale", hi, "a 32-bit integer"))?;
            let scale = Scale::new(lo, hi)?;
            m.insert(
                "scale".into(),
                serde_json::json!({"min": scale.min(), "max": scale.max()}),
            );
        }
    } else {
        return Err(CxError::invalid(
            "arguments",
            args,
            "an object of named arguments",
        ));
    }
    serde_json::from_value(args)
        .map_err(|e| CxError::invalid("arguments", e, "the arguments of this measure"))
}

fn to_json<T: Serialize>(v: &T) -> Value {
    // The result types serialize to JSON without fail (no maps with
    // non-string keys, no non-finite floats reach them).
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A respondent × item matrix: rows of numbers, `null` for no answer.
#[derive(Debug, Deserialize)]
struct Matrix(Vec<Vec<Option<f64>>>);

impl Matrix {
    fn flat(&self, argument: &'static str) -> Result<(Vec<f64>, usize)> {
        let items = self.0.first().map_or(0, Vec::len);
        let mut out = Vec::with_capacity(self.0.len() * items);
        for (r, row) in self.0.iter().enumerate() {
            if row.len() != items {
                return Err(CxError::OutOfRange {
                    argument,
                    index: r,
                    value: format!("a row of {} answers", row.len()),
                    allowed: format!("{items} answers per row (the first row's)"),
                });
            }
            out.extend(row.iter().map(|v| v.unwrap_or(f64::NAN)));
        }
        Ok((out, items))
    }
}

/// A key: text or a number (written as text).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Key {
    Text(String),
    Number(serde_json::Number),
}

fn keys(argument: &'static str, v: Option<Vec<Option<Key>>>) -> Result<Option<Vec<String>>> {
    v.map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(index, k)| match k {
                Some(Key::Text(s)) => Ok(s),
                Some(Key::Number(n)) => Ok(n.to_string()),
                None => Err(CxError::Missing { argument, index }),
            })
            .collect()
    })
    .transpose()
}

fn required<T>(argument: &'static str, v: Option<T>) -> Result<T> {
    v.ok_or_else(|| CxError::invalid(argument, "nothing", "a value (this argument is required)"))
}

/// A timestamp: an ISO date/time or an integer in the request's unit.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Time {
    Int(i64),
    Float(f64),
    Text(String),
}

fn times(
    argument: &'static str,
    v: Vec<Option<Time>>,
    unit: TimeUnit,
    optional: bool,
) -> Result<Vec<Option<i64>>> {
    let per_day = unit.per_day();
    v.into_iter()
        .enumerate()
        .map(|(index, t)| match t {
            None if optional => Ok(None),
            None => Err(CxError::Missing { argument, index }),
            Some(Time::Int(i)) => Ok(Some(i)),
            Some(Time::Float(f)) if f.is_finite() => Ok(Some(f.floor() as i64)),
            Some(Time::Float(f)) => Err(CxError::NotFinite {
                argument,
                index,
                value: f,
            }),
            Some(Time::Text(s)) => {
                let ms = parse_timestamp_ms(&s).ok_or_else(|| CxError::Parse {
                    argument,
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
        })
        .collect()
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

#[derive(Deserialize)]
#[serde(untagged)]
enum Dims {
    Preset(String),
    List(Vec<Dimension>),
    /// Dimension name → item indices.
    Map(Map<String, Value>),
}

fn dimensions(d: Option<Dims>) -> Result<Vec<Dimension>> {
    match d {
        None => Ok(Vec::new()),
        Some(Dims::Preset(p)) if p == "servqual22" => Ok(servqual_dimensions()),
        Some(Dims::Preset(p)) => Err(CxError::invalid(
            "dimensions",
            p,
            "\"servqual22\", a list or a map",
        )),
        Some(Dims::List(l)) => Ok(l),
        Some(Dims::Map(m)) => m
            .into_iter()
            .map(|(name, items)| {
                let items: Vec<usize> = serde_json::from_value(items.clone()).map_err(|_| {
                    CxError::invalid("dimensions", items, "a list of item indices per dimension")
                })?;
                Ok(Dimension { name, items })
            })
            .collect(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ServqualArgs {
    perceptions: Option<Matrix>,
    expectations: Option<Matrix>,
    dimensions: Option<Dims>,
    importance: Option<Vec<f64>>,
    groups: Option<Vec<Option<Key>>>,
    names: Option<Vec<String>>,
    scale: Option<Scale>,
    level: Option<f64>,
}

fn run_servqual(a: ServqualArgs) -> Result<Value> {
    let (p, k) = required("perceptions", a.perceptions)?.flat("perceptions")?;
    let e = a.expectations.map(|m| m.flat("expectations")).transpose()?;
    let dims = dimensions(a.dimensions)?;
    check_names(a.names.as_deref(), k)?;
    let d = ServqualOptions::default();
    let o = ServqualOptions {
        scale: a.scale.unwrap_or(d.scale),
        level: a.level.unwrap_or(d.level),
        importance: a.importance,
    };
    let ea = e.as_ref().map(|(v, items)| Answers::new(v, *items));
    let pa = Answers::new(&p, k);
    let mut overall = to_json(&servqual(ea, pa, &dims, &o)?);
    name_items(&mut overall, "items", a.names.as_deref());
    let groups = match keys("groups", a.groups)? {
        None => None,
        Some(g) => {
            let per = servqual_by(&g, ea, pa, &dims, &o)?;
            Some(Value::Array(
                per.into_iter()
                    .map(|(key, r)| {
                        let mut v = to_json(&r);
                        name_items(&mut v, "items", a.names.as_deref());
                        if let Value::Object(m) = &mut v {
                            m.insert("key".into(), Value::String(key));
                        }
                        v
                    })
                    .collect(),
            ))
        }
    };
    Ok(with_groups(overall, groups))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IpaArgs {
    performance: Option<Matrix>,
    importance: Option<Matrix>,
    overall: Option<Vec<Option<f64>>>,
    names: Option<Vec<String>>,
    scale: Option<Scale>,
    crosshair: Option<String>,
}

fn run_ipa(a: IpaArgs) -> Result<Value> {
    let (p, k) = required("performance", a.performance)?.flat("performance")?;
    let imp = a.importance.map(|m| m.flat("importance")).transpose()?;
    check_names(a.names.as_deref(), k)?;
    let overall: Option<Vec<f64>> = a
        .overall
        .map(|o| o.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect());
    let d = IpaOptions::default();
    let o = IpaOptions {
        scale: a.scale.unwrap_or(d.scale),
        crosshair: a
            .crosshair
            .as_deref()
            .map(str::parse::<Crosshair>)
            .transpose()?
            .unwrap_or(d.crosshair),
    };
    let r = ipa(
        Answers::new(&p, k),
        imp.as_ref().map(|(v, items)| Answers::new(v, *items)),
        overall.as_deref(),
        &o,
    )?;
    let mut v = to_json(&r);
    name_items(&mut v, "attributes", a.names.as_deref());
    Ok(v)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KanoArgs {
    functional: Option<Vec<Value>>,
    dysfunctional: Option<Vec<Value>>,
    names: Option<Vec<String>>,
}

/// Columns of Kano answers: a 2-D array (respondents × attributes) or one
/// column.
fn kano_columns(argument: &'static str, rows: Vec<Value>) -> Result<Vec<Vec<Option<KanoAnswer>>>> {
    let two_d = rows.first().is_some_and(Value::is_array);
    let answer = |index: usize, v: &Value| -> Result<Option<KanoAnswer>> {
        let parsed = match v {
            Value::Null => return Ok(None),
            Value::String(s) => KanoAnswer::parse(s),
            Value::Number(n) => n.as_i64().and_then(KanoAnswer::from_code),
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
                value: row.to_string(),
                allowed: format!("a row of {k} answers"),
            })?;
        for (j, v) in row.iter().enumerate() {
            cols[j].push(answer(i, v)?);
        }
    }
    Ok(cols)
}

fn run_kano(a: KanoArgs) -> Result<Value> {
    let f = kano_columns("functional", required("functional", a.functional)?)?;
    let d = kano_columns("dysfunctional", required("dysfunctional", a.dysfunctional)?)?;
    if f.len() != d.len() {
        return Err(CxError::Incompatible {
            argument: "dysfunctional",
            left: format!("{} attributes in `functional`", f.len()),
            right: format!("{} in `dysfunctional`", d.len()),
        });
    }
    check_names(a.names.as_deref(), f.len())?;
    let attributes = f
        .iter()
        .zip(&d)
        .map(|(f, d)| kano(f, d).map(|k| to_json(&k)))
        .collect::<Result<Vec<_>>>()?;
    let mut v = serde_json::json!({ "attributes": attributes });
    name_items(&mut v, "attributes", a.names.as_deref());
    Ok(v)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlphaArgs {
    answers: Option<Matrix>,
    level: Option<f64>,
}

fn run_alpha(a: AlphaArgs) -> Result<Value> {
    let (v, k) = required("answers", a.answers)?.flat("answers")?;
    Ok(to_json(&cronbach_alpha(
        Answers::new(&v, k),
        a.level.unwrap_or(0.95),
    )?))
}

fn unit(u: Option<String>) -> Result<TimeUnit> {
    u.as_deref().map_or(Ok(TimeUnit::Milliseconds), str::parse)
}

fn keyed<T: Serialize>(overall: &T, groups: Vec<super::Keyed<String, T>>, had_keys: bool) -> Value {
    with_groups(to_json(overall), had_keys.then(|| to_json(&groups)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryArgs {
    promised: Option<Vec<Option<Time>>>,
    delivered: Option<Vec<Option<Time>>>,
    unit: Option<String>,
    grace_days: Option<f64>,
    keys: Option<Vec<Option<Key>>>,
    level: Option<f64>,
}

fn run_delivery(a: DeliveryArgs) -> Result<Value> {
    let u = unit(a.unit)?;
    let promised = all_present(times("promised", required("promised", a.promised)?, u, false)?);
    let delivered = times("delivered", required("delivered", a.delivered)?, u, true)?;
    let grace_days = a.grace_days.unwrap_or(0.0);
    if !(grace_days.is_finite() && grace_days >= 0.0) {
        return Err(CxError::invalid("grace_days", grace_days, "days >= 0"));
    }
    let grace = (grace_days * u.per_day() as f64).round() as i64;
    let k = keys("keys", a.keys)?;
    let (overall, groups) = delivery(
        &promised,
        &delivered,
        u,
        grace,
        k.as_deref(),
        a.level.unwrap_or(0.95),
    )?;
    Ok(keyed(&overall, groups, k.is_some()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelLevel {
    channel: Key,
    seconds: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerArgs {
    received: Option<Vec<Option<Time>>>,
    answered: Option<Vec<Option<Time>>>,
    unit: Option<String>,
    channels: Option<Vec<Option<Key>>>,
    service_level_seconds: Option<f64>,
    channel_levels: Option<Vec<ChannelLevel>>,
    level: Option<f64>,
}

fn run_answer_times(a: AnswerArgs) -> Result<Value> {
    let u = unit(a.unit)?;
    let received = all_present(times("received", required("received", a.received)?, u, false)?);
    let answered = times("answered", required("answered", a.answered)?, u, true)?;
    let ch = keys("channels", a.channels)?;
    let levels: Vec<(String, f64)> = a
        .channel_levels
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            let k = match l.channel {
                Key::Text(s) => s,
                Key::Number(n) => n.to_string(),
            };
            (k, l.seconds)
        })
        .collect();
    let sl = required("service_level_seconds", a.service_level_seconds)?;
    let (overall, groups) = answer_times(
        &received,
        &answered,
        u,
        ch.as_deref(),
        sl,
        &levels,
        a.level.unwrap_or(0.95),
    )?;
    Ok(keyed(&overall, groups, ch.is_some()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FcrArgs {
    cases: Option<Vec<Option<Key>>>,
    timestamps: Option<Vec<Option<Time>>>,
    resolved: Option<Vec<bool>>,
    channels: Option<Vec<Option<Key>>>,
    unit: Option<String>,
    level: Option<f64>,
}

fn run_fcr(a: FcrArgs) -> Result<Value> {
    let u = unit(a.unit)?;
    let cases = required("cases", keys("cases", a.cases)?)?;
    let ts = all_present(times(
        "timestamps",
        required("timestamps", a.timestamps)?,
        u,
        false,
    )?);
    let resolved = required("resolved", a.resolved)?;
    let ch = keys("channels", a.channels)?;
    let (overall, groups) =
        first_contact_resolution(&cases, &ts, &resolved, ch.as_deref(), a.level.unwrap_or(0.95))?;
    Ok(keyed(&overall, groups, ch.is_some()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RepeatArgs {
    customers: Option<Vec<Option<Key>>>,
    timestamps: Option<Vec<Option<Time>>>,
    channels: Option<Vec<Option<Key>>>,
    cases: Option<Vec<Option<Key>>>,
    unit: Option<String>,
    window_days: Option<f64>,
    same_case: Option<bool>,
    level: Option<f64>,
}

fn run_repeats(a: RepeatArgs) -> Result<Value> {
    let u = unit(a.unit)?;
    let customers = required("customers", keys("customers", a.customers)?)?;
    let ts = all_present(times(
        "timestamps",
        required("timestamps", a.timestamps)?,
        u,
        false,
    )?);
    let channels = required("channels", keys("channels", a.channels)?)?;
    let cases = keys("cases", a.cases)?;
    let d = RepeatOptions::default();
    let o = RepeatOptions {
        window_days: a.window_days.unwrap_or(d.window_days),
        same_case: a.same_case.unwrap_or(d.same_case),
        level: a.level.unwrap_or(d.level),
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
