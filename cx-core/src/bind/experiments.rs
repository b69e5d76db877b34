//! Survey analytics behind [`run`](super::run): planning (`sample_size`,
//! `detectable_change`), control charts (`ewma`, `cusum`, `laney_p`) and
//! experiments (`confidence_sequence`, `sequential_test`, `cuped`) and
//! segments (`segments`, `assign_segments`).
//!
//! Charts and tests take an optional `state` (the `state` of an earlier
//! result) to continue a stream, and optional `periods` (keys) that name
//! each reading's period in the points, the signals and the crossing.

use std::borrow::Cow;

use serde_json::{Value, json};

use super::{Args, Column, Keys, to_json, wrong};
use crate::error::{CxError, Result};
use crate::survey::{
    AnswerKind, CusumOptions, EwmaOptions, LaneyOptions, NpsMix, PlanOptions, RunningMean, SegmentOptions,
    Segmentation, SequenceOptions, TestState, confidence_sequence, cuped, cusum, ewma, laney_p,
    nps_detectable_change, nps_sample_size, proportion_detectable_change, proportion_sample_size, segments,
    sequential_test,
};
use crate::time::date_of_day;

/// The names [`run`] knows.
pub(super) const MEASURES: [&str; 10] = [
    "sample_size",
    "detectable_change",
    "ewma",
    "cusum",
    "laney_p",
    "confidence_sequence",
    "sequential_test",
    "cuped",
    "segments",
    "assign_segments",
];

/// Runs the measure `name`.
pub(super) fn run(name: &str, a: &mut Args<'_>) -> Result<Value> {
    match name {
        "sample_size" => run_sample_size(a),
        "detectable_change" => run_detectable(a),
        "ewma" | "cusum" => run_chart(name, a),
        "laney_p" => run_laney(a),
        "confidence_sequence" => run_sequence(a),
        "sequential_test" => run_test(a),
        "cuped" => run_cuped(a),
        "segments" => run_segments(a),
        "assign_segments" => run_assign(a),
        other => Err(CxError::invalid("measure", other, super::calls().join(", "))),
    }
}

/// `measure`: `nps` (default) or `share`.
fn is_nps(a: &mut Args<'_>) -> Result<bool> {
    match a.text("measure")?.as_deref() {
        None | Some("nps") => Ok(true),
        Some("share") => Ok(false),
        Some(other) => Err(CxError::invalid("measure", other, "`nps` or `share`")),
    }
}

fn mix(name: &'static str, v: Value) -> Result<NpsMix> {
    serde_json::from_value(v.clone()).map_err(|_| wrong(name, &v, "{promoters, detractors} shares"))
}

fn share(name: &'static str, v: Value) -> Result<f64> {
    v.as_f64()
        .ok_or_else(|| wrong(name, &v, "a share between 0 and 1"))
}

fn run_sample_size(a: &mut Args<'_>) -> Result<Value> {
    let nps = is_nps(a)?;
    let from = Args::required("from", a.json("from")?)?;
    let to = a.json("to")?;
    let change = a.f64("change")?;
    let o: PlanOptions = a.options("options")?;
    Ok(to_json(&if nps {
        nps_sample_size(
            mix("from", from)?,
            to.map(|t| mix("to", t)).transpose()?,
            change,
            &o,
        )?
    } else {
        let p2 = match (to, change) {
            (Some(t), _) => share("to", t)?,
            (None, Some(c)) => share("from", from.clone())? + c,
            (None, None) => {
                return Err(CxError::invalid(
                    "to",
                    "nothing",
                    "the share to detect, or a change",
                ));
            }
        };
        proportion_sample_size(share("from", from)?, p2, &o)?
    }))
}

fn run_detectable(a: &mut Args<'_>) -> Result<Value> {
    let nps = is_nps(a)?;
    let from = Args::required("from", a.json("from")?)?;
    let n = Args::required("per_group", a.json("per_group")?)?;
    let per_group = n
        .as_u64()
        .ok_or_else(|| wrong("per_group", &n, "a whole number of answers per group"))?;
    let o: PlanOptions = a.options("options")?;
    Ok(to_json(&if nps {
        nps_detectable_change(mix("from", from)?, per_group, &o)?
    } else {
        proportion_detectable_change(share("from", from)?, per_group, &o)?
    }))
}

/// Each reading's period label, checked against the readings. With
/// `timestamps` (the readings' times, ISO text or integers in `unit`) the
/// stream must arrive in order — a time before the previous row's is an
/// error naming the row — and their days name the periods unless
/// `periods` is given.
fn periods(a: &mut Args<'_>, rows: usize) -> Result<Option<Keys<'static>>> {
    let unit = a.unit()?;
    let times = a.times("timestamps", unit)?;
    if let Some(t) = &times {
        CxError::check_len("timestamps", t.len(), "values", rows)?;
        if let Some(index) = (1..t.len()).find(|&i| t[i] < t[i - 1]) {
            let day = |v: i64| date_of_day(unit.day_of(v)).map_or(v.to_string(), |d| d.to_string());
            return Err(CxError::OutOfRange {
                argument: "timestamps",
                index,
                value: day(t[index]),
                allowed: format!(
                    "a time at or after the previous row's ({}): the stream must arrive in order",
                    day(t[index - 1])
                ),
            });
        }
    }
    match (a.keys("periods")?, times) {
        (Some(k), _) => {
            CxError::check_len("periods", k.codes.len(), "values", rows)?;
            Ok(Some(Keys {
                codes: Cow::Owned(k.codes.into_owned()),
                labels: k.labels,
            }))
        }
        (None, Some(t)) => {
            let days: Vec<Value> = t
                .iter()
                .map(|&v| Value::String(date_of_day(unit.day_of(v)).map_or(v.to_string(), |d| d.to_string())))
                .collect();
            Ok(Some(Keys::new(Cow::Owned((0..rows as i64).collect()), days)))
        }
        (None, None) => Ok(None),
    }
}

/// Adds `period` to each point (`t` counts from the start of the stream;
/// the labels are this batch's) and `signal_periods`.
fn label_points(v: &mut Value, keys: Option<&Keys<'_>>, first_t: u64, key: &str) {
    let Some(keys) = keys else { return };
    let label = |t: u64| {
        usize::try_from(t.saturating_sub(first_t))
            .ok()
            .and_then(|i| keys.codes.get(i))
            .map_or(Value::Null, |&c| keys.label(c))
    };
    if let Some(Value::Array(points)) = v.get_mut("points") {
        for p in points {
            if let Some(t) = p.get(key).and_then(Value::as_u64) {
                p["period"] = label(t);
            }
        }
    }
    let signals: Vec<Value> = v
        .get("signals")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_u64).map(label).collect())
        .unwrap_or_default();
    v["signal_periods"] = Value::Array(signals);
}

fn state<T: serde::de::DeserializeOwned>(a: &mut Args<'_>) -> Result<Option<T>> {
    a.json("state")?
        .filter(|v| !v.is_null())
        .map(|v| {
            serde_json::from_value(v.clone()).map_err(|e| CxError::Decode {
                argument: "state",
                reason: format!("not the state of this chart or test: {e}"),
            })
        })
        .transpose()
}

fn run_chart(name: &str, a: &mut Args<'_>) -> Result<Value> {
    let values = Args::required("values", a.floats("values")?)?;
    let keys = periods(a, values.len())?;
    let mut v = if name == "ewma" {
        let o: EwmaOptions = a.options("options")?;
        let s = state(a)?;
        to_json(&ewma(&values, &o, s)?)
    } else {
        let o: CusumOptions = a.options("options")?;
        let s = state(a)?;
        to_json(&cusum(&values, &o, s)?)
    };
    let first_t = v["points"][0]["t"].as_u64().unwrap_or(0);
    label_points(&mut v, keys.as_ref(), first_t, "t");
    Ok(v)
}

fn run_laney(a: &mut Args<'_>) -> Result<Value> {
    let d = Args::required("successes", a.floats("successes")?)?;
    let n = Args::required("sizes", a.floats("sizes")?)?;
    let keys = periods(a, d.len())?;
    let o: LaneyOptions = a.options("options")?;
    let mut v = to_json(&laney_p(&d, &n, &o)?);
    label_points(&mut v, keys.as_ref(), 0, "t");
    Ok(v)
}

/// `answers`: `"nps"`, `"share"` or `{"kind": "bounded", "min", "max"}`.
fn answer_kind(a: &mut Args<'_>) -> Result<AnswerKind> {
    let v = Args::required("answers", a.json("answers")?)?;
    let tagged = match &v {
        Value::String(s) => json!({ "kind": s }),
        other => other.clone(),
    };
    serde_json::from_value(tagged).map_err(|_| {
        wrong(
            "answers",
            &v,
            "\"nps\", \"share\" or {\"kind\": \"bounded\", \"min\": …, \"max\": …}",
        )
    })
}

/// Answers as numbers: booleans (a flag column, or `true`/`false` in a
/// JSON array) read as 1/0.
fn answer_values<'a>(a: &mut Args<'a>) -> Result<Cow<'a, [f64]>> {
    let flag = |b: bool| f64::from(u8::from(b));
    match a.take("values") {
        Some(Column::Bools(b)) => Ok(b.iter().map(|&x| flag(x)).collect()),
        Some(Column::Json(Value::Array(v))) if v.iter().any(Value::is_boolean) => v
            .iter()
            .enumerate()
            .map(|(index, x)| match x {
                Value::Bool(b) => Ok(flag(*b)),
                Value::Number(n) => n
                    .as_f64()
                    .ok_or_else(|| wrong("values", x, "a number or true/false")),
                Value::Null => Err(CxError::Missing {
                    argument: "values",
                    index,
                }),
                other => Err(wrong("values", other, "a number or true/false per row")),
            })
            .collect::<Result<Vec<f64>>>()
            .map(Cow::Owned),
        Some(other) => {
            a.insert("values", other);
            Args::required("values", a.floats("values")?)
        }
        None => Args::required("values", None),
    }
}

fn run_sequence(a: &mut Args<'_>) -> Result<Value> {
    let kind = answer_kind(a)?;
    let values = answer_values(a)?;
    periods(a, values.len())?; // the arrival order, when timestamps are given
    let o: SequenceOptions = a.options("options")?;
    let mut running: RunningMean = state(a)?.unwrap_or_default();
    kind.check()?;
    let before = running.n;
    for (i, &x) in values.iter().enumerate() {
        running.push(kind.score("values", i, x)?);
    }
    let mut v = to_json(&confidence_sequence(&running, kind, &o)?);
    v["rows"] = Value::from(running.n - before);
    v["state"] = to_json(&running);
    Ok(v)
}

/// Two arms as booleans (B = true): the `control` label is A, or else the
/// smaller of the two labels.
fn arms(a: &mut Args<'_>, rows: usize) -> Result<(Vec<bool>, [Value; 2])> {
    let keys = Args::required("arms", a.keys("arms")?)?;
    CxError::check_len("arms", keys.codes.len(), "values", rows)?;
    let control = a.json("control")?;
    let mut codes: Vec<i64> = keys.codes.to_vec();
    codes.sort_unstable();
    codes.dedup();
    if codes.len() != 2 {
        return Err(CxError::invalid(
            "arms",
            format!("{} distinct labels", codes.len()),
            "exactly two arms (A and B)",
        ));
    }
    let a_code = match control {
        None => codes[0],
        Some(c) => {
            let text = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match codes.iter().find(|&&k| text(&keys.label(k)) == text(&c)) {
                Some(&k) => k,
                None => return Err(wrong("control", &c, "one of the two arms' labels")),
            }
        }
    };
    let b_code = if a_code == codes[0] { codes[1] } else { codes[0] };
    let arms = keys.codes.iter().map(|&c| c == b_code).collect();
    Ok((arms, [keys.label(a_code), keys.label(b_code)]))
}

fn run_test(a: &mut Args<'_>) -> Result<Value> {
    let kind = answer_kind(a)?;
    let values = answer_values(a)?;
    let (is_b, names) = arms(a, values.len())?;
    let keys = periods(a, values.len())?;
    let o: SequenceOptions = a.options("options")?;
    let s: Option<TestState> = state(a)?;
    let first_row = s.as_ref().map_or(0, |s| s.rows);
    let t = sequential_test(&is_b, &values, kind, &o, s)?;
    let mut v = to_json(&t);
    v["arms"] = Value::Array(names.to_vec());
    if let (Some(k), Some(at)) = (&keys, t.crossed_at)
        && at >= first_row
    {
        v["crossed_period"] = k.label(k.codes[at - first_row]);
    }
    Ok(v)
}

fn run_cuped(a: &mut Args<'_>) -> Result<Value> {
    let y = Args::required("outcome", a.floats("outcome")?)?;
    let x = Args::required("covariate", a.floats("covariate")?)?;
    let (is_b, names) = arms(a, y.len())?;
    let level = a.level()?;
    let mut v = to_json(&cuped(&y, &x, &is_b, level)?);
    v["arms"] = Value::Array(names.to_vec());
    Ok(v)
}

/// Segments: `features` (respondent rows), `names`, `options`
/// ([`SegmentOptions`]).
fn run_segments(a: &mut Args<'_>) -> Result<Value> {
    let (x, k) = Args::required("features", a.matrix("features")?)?;
    let mut o: SegmentOptions = a.options("options")?;
    if let Some(n) = a.keys("names")?.map(|k| k.texts()) {
        o.names = Some(n);
    }
    Ok(to_json(&segments(&x, k, &o)?))
}

/// Assigns `features` rows to the segments of `segmentation` (a result of
/// `segments`, as JSON): one segment per row, `null` for a row with a
/// missing feature.
fn run_assign(a: &mut Args<'_>) -> Result<Value> {
    let s = Args::required("segmentation", a.json("segmentation")?)?;
    let seg: Segmentation = serde_json::from_value(s).map_err(|e| CxError::Decode {
        argument: "segmentation",
        reason: format!("not a segmentation: {e}"),
    })?;
    seg.check()?;
    let (x, k) = Args::required("features", a.matrix("features")?)?;
    CxError::check_len("features", k, "the segmentation's features", seg.features.len())?;
    // A row with a missing feature has no segment; an infinite one is an
    // error naming its row.
    let out: Vec<Value> = x
        .chunks_exact(k)
        .enumerate()
        .map(|(index, row)| match row.iter().find(|v| !v.is_finite()) {
            Some(v) if v.is_nan() => Ok(Value::Null),
            Some(&value) => Err(CxError::NotFinite {
                argument: "features",
                index,
                value,
            }),
            None => seg.assign(row).map(Value::from),
        })
        .collect::<Result<_>>()?;
    Ok(json!({ "assignments": out, "k": seg.k }))
}
