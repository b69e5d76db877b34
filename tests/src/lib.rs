//! Helpers shared by the integration tests: reading the JSON vectors in
//! `tests/vectors/` that the Python and JavaScript suites read too.

pub mod cdnow;
pub mod fuzz;
pub mod shop;
pub mod simulate;

use std::path::PathBuf;

use serde_json::Value;

/// Path of a file in `tests/vectors/`.
pub fn vector_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(name)
}

/// The `cases` of a vector file.
pub fn load_cases(name: &str) -> Vec<Value> {
    let path = vector_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
    doc["cases"].as_array().cloned().expect("a `cases` array")
}

/// A float column: numbers, or the string "NaN" for a missing value.
pub fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| match x {
            Value::String(s) if s == "NaN" => f64::NAN,
            other => other.as_f64().expect("a number or \"NaN\""),
        })
        .collect()
}

/// The scores of a case (or of its `a`/`b` side): `scores`, or `score_runs`
/// expanded from `[[value, count], ...]`.
pub fn scores(case: &Value) -> Vec<f64> {
    if let Some(runs) = case.get("score_runs") {
        runs.as_array()
            .expect("runs")
            .iter()
            .flat_map(|r| {
                let v = r[0].as_f64().expect("run value");
                let n = r[1].as_u64().expect("run count") as usize;
                std::iter::repeat_n(v, n)
            })
            .collect()
    } else {
        floats(&case["scores"])
    }
}

/// The value at a dotted `path` of a JSON result.
/// Numeric segments index arrays (`items.3.gap`).
pub fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(value, |v, key| match (v, key.parse::<usize>()) {
            (Value::Array(a), Ok(i)) => a.get(i).unwrap_or(&Value::Null),
            _ => &v[key],
        })
}

/// Checks every expected field of `case` against `actual`, within `tol`.
pub fn assert_fields(case_name: &str, actual: &Value, expected: &Value, tol: f64) {
    for (path, want) in expected.as_object().expect("expected is an object") {
        let got = at(actual, path);
        assert_close(&format!("{case_name}: {path}"), got, want, tol);
    }
}

/// Runs every case of a vector file whose cases carry `expected` (dotted
/// paths within `tol`) or `error` (`code`, `argument`, optional `index`)
/// through `call`.
pub fn check_cases(file: &str, at_least: usize, call: impl Fn(&Value) -> Result<Value, cx::CxError>) {
    let cases = load_cases(file);
    assert!(cases.len() >= at_least, "{file} lost cases");
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        match (&case.get("error"), call(case)) {
            (Some(want), Err(e)) => {
                assert_eq!(e.code(), want["code"], "{name}: {e}");
                assert_eq!(e.argument(), want["argument"], "{name}: {e}");
                if let Some(i) = want.get("index") {
                    assert_eq!(e.index().map(|i| i as u64), i.as_u64(), "{name}: {e}");
                }
            }
            (Some(_), Ok(v)) => panic!("{name}: expected an error, got {v}"),
            (None, Err(e)) => panic!("{name}: {e}"),
            (None, Ok(v)) => assert_fields(name, &v, &case["expected"], case["tol"].as_f64().expect("tol")),
        }
    }
}

/// Compares two JSON values: numbers within `tol`, everything else exactly.
pub fn assert_close(what: &str, got: &Value, want: &Value, tol: f64) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().expect("f64"), w.as_f64().expect("f64"));
            assert!((g - w).abs() <= tol, "{what}: got {g}, expected {w} ± {tol}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{what}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_close(&format!("{what}[{i}]"), g, w, tol);
            }
        }
        _ => assert_eq!(got, want, "{what}"),
    }
}

/// The README's Rust examples, compiled and run as doctests of this crate.
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;

/// Milliseconds of a timestamp text as chrono's format-string parsers read
/// it, tried in turn: what `cx::time::parse_timestamp_ms` did before it read
/// the documented forms itself, kept as the reference of its tests and
/// benchmark.
pub fn chrono_timestamp_ms(t: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let t = t.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.timestamp_millis());
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    .map(|dt| dt.and_utc().timestamp_millis())
}
