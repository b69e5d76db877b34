//! The shared customer-signal vectors (tests/vectors/signals.json) against
//! `cx::signals::call`, the entry point the Python and JS bindings use.

use cx::signals::call;
use cx_tests::{assert_fields, load_cases};

#[test]
fn signals_vectors() {
    let cases = load_cases("signals.json");
    assert!(cases.len() >= 15, "the vector file lost cases");
    for case in &cases {
        let name = case["name"].as_str().expect("name");
        match (&case.get("error"), call(case["args"].clone())) {
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
