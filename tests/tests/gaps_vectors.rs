//! The shared expectation-gap vectors (tests/vectors/gaps.json) against
//! `cx::gaps::call`, the entry point the Python and JS bindings use.

use cx::gaps::call;
use cx_tests::{assert_fields, load_cases};
use serde_json::Value;

#[test]
fn gaps_vectors() {
    let cases = load_cases("gaps.json");
    assert!(cases.len() >= 20, "the vector file lost cases");
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        let result = call(case["call"].as_str().expect("call"), case["args"].clone());
        match (&case.get("error"), result) {
            (Some(want), Err(e)) => {
                assert_eq!(e.code(), want["code"], "{name}: {e}");
                assert_eq!(e.argument(), want["argument"], "{name}: {e}");
                if let Some(i) = want.get("index") {
                    assert_eq!(e.index().map(|i| i as u64), i.as_u64(), "{name}: {e}");
                }
            }
            (Some(_), Ok(v)) => panic!("{name}: expected an error, got {v}"),
            (None, Err(e)) => panic!("{name}: {e}"),
            (None, Ok(v)) => {
                let tol = case["tol"].as_f64().expect("tol");
                assert_fields(name, &v, &case["expected"], tol);
            }
        }
    }
}

/// Every measure is reachable and an unknown one is a typed error.
#[test]
fn unknown_measure_is_an_error() {
    let e = call("servqal", Value::Null).unwrap_err();
    assert_eq!((e.code(), e.argument()), ("invalid_parameter", "measure"));
}

/// A misspelt argument is reported, not ignored.
#[test]
fn unknown_argument_is_an_error() {
    let e = call(
        "servqual",
        serde_json::json!({"perceptions": [[5.0]], "expectation": [[5.0]]}),
    )
    .unwrap_err();
    assert_eq!((e.code(), e.argument()), ("invalid_parameter", "arguments"));
    assert!(e.to_string().contains("expectation"), "{e}");
}
