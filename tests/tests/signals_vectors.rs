//! The shared customer-signal vectors (tests/vectors/signals.json) against
//! `cx::bind::call("signals", …)`, the entry point the Python and JS bindings use.

#[test]
fn signals_vectors() {
    cx_tests::check_cases("signals.json", 15, |case| {
        cx::bind::call("signals", case["args"].clone())
    });
}
