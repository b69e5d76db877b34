//! The shared retention vectors (tests/vectors/retention.json) against the
//! Rust API, through the same entry point the bindings use.

use cx::CxError;
use cx_tests::{assert_close, assert_fields, vector_path};
use serde_json::{Value, json};

/// The case through `cx::bind`: the same readers (keys, timestamps, options)
/// as Python and JS.
fn run(doc: &Value, case: &Value) -> Result<Value, CxError> {
    let tx = case.get("transactions").unwrap_or(&doc["shop"]);
    let call = case["call"].as_str().expect("call");
    cx::bind::call(
        call,
        json!({
            "customers": tx["customers"],
            "timestamps": tx["timestamps"],
            "amounts": tx.get("amounts"),
            "options": case.get("options"),
        }),
    )
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
    assert_eq!(ran, cases.len());
}
