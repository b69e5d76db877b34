//! The shared retention vectors (tests/vectors/retention.json) against the
//! Rust API, through the same entry point the bindings use.

use cx::CxError;
use cx::options::from_json;
use cx::retention::{RetentionOptions, Transactions, retention_measure};
use cx::time::{TimeUnit, parse_timestamps_ms};
use cx_tests::{assert_close, assert_fields, floats, vector_path};
use serde_json::Value;

fn json<T: serde::Serialize>(r: T) -> Value {
    serde_json::to_value(r).expect("serialize")
}

fn run(doc: &Value, case: &Value) -> Result<Value, CxError> {
    let tx = case.get("transactions").unwrap_or(&doc["shop"]);
    let texts: Vec<Option<String>> = tx["timestamps"]
        .as_array()
        .expect("timestamps")
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect();
    // A null timestamp is numpy's NaT.
    let mut ts = Vec::new();
    for (i, t) in texts.iter().enumerate() {
        match t {
            None => ts.push(i64::MIN),
            Some(t) => ts.push(
                parse_timestamps_ms("timestamps", &[t]).map_err(|e| match e {
                    CxError::Parse {
                        argument,
                        value,
                        expected,
                        ..
                    } => CxError::Parse {
                        argument,
                        index: i,
                        value,
                        expected,
                    },
                    other => other,
                })?[0],
            ),
        }
    }
    let amounts = tx.get("amounts").map(floats);
    let options: RetentionOptions = from_json(case.get("options").cloned().unwrap_or(Value::Null))?;
    let call = case["call"].as_str().expect("call");
    let customers = tx["customers"].as_array().expect("customers");
    if customers.iter().all(Value::is_string) {
        let keys: Vec<String> = customers
            .iter()
            .map(|v| v.as_str().expect("str").to_owned())
            .collect();
        let t = Transactions {
            customers: &keys,
            timestamps: &ts,
            unit: TimeUnit::Milliseconds,
            amounts: amounts.as_deref(),
        };
        retention_measure(call, &t, &options).map(json)
    } else {
        let keys: Vec<i64> = customers
            .iter()
            .map(|v| v.as_i64().expect("integer customer"))
            .collect();
        let t = Transactions {
            customers: &keys,
            timestamps: &ts,
            unit: TimeUnit::Milliseconds,
            amounts: amounts.as_deref(),
        };
        retention_measure(call, &t, &options).map(json)
    }
}

#[test]
fn retention_vectors() {
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(vector_path("retention.json")).expect("read"))
            .expect("parse");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 25, "the vector file lost cases");
    let mut ran = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        // Missing customer ids are a concept of the bindings (null, NaN, None);
        // a Rust slice of keys has no missing entries.
        if case.get("transactions").is_some_and(|t| {
            t["customers"]
                .as_array()
                .is_some_and(|c| c.iter().any(Value::is_null))
        }) {
            continue;
        }
        ran += 1;
        let result = run(&doc, case);
        let tol = case.get("tol").and_then(Value::as_f64).unwrap_or(0.0);
        if let Some(err) = case.get("error") {
            let e = result.expect_err(name);
            assert_eq!(e.code(), err["code"], "{name}: {e}");
            assert_eq!(e.argument(), err["argument"], "{name}: {e}");
            if let Some(i) = err.get("index") {
                assert_eq!(e.index(), i.as_u64().map(|i| i as usize), "{name}: {e}");
            }
            continue;
        }
        let actual = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(expected) = case.get("expected") {
            assert_fields(name, &actual, expected, tol);
        } else {
            let rows = case.get("expected_rows").expect("expected or expected_rows");
            let got = actual.as_array().expect("rows");
            assert_eq!(got.len(), rows.as_array().expect("rows").len(), "{name}: rows");
            for (g, w) in got.iter().zip(rows.as_array().expect("rows")) {
                for (k, v) in w.as_object().expect("row") {
                    if let Value::Object(inner) = v {
                        for (k2, v2) in inner {
                            assert_close(&format!("{name}: {k}.{k2}"), &g[k][k2], v2, tol);
                        }
                    } else {
                        assert_close(&format!("{name}: {k}"), &g[k], v, tol);
                    }
                }
            }
        }
    }
    assert!(ran >= 24);
}
