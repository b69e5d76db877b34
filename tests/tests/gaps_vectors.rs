//! The shared expectation-gap vectors (tests/vectors/gaps.json) against
//! `cx::bind::call`, the entry point the Python and JS bindings use.

use cx::bind::call;
use serde_json::Value;

#[test]
fn gaps_vectors() {
    cx_tests::check_cases("gaps.json", 20, |case| {
        call(case["call"].as_str().expect("call"), case["args"].clone())
    });
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
