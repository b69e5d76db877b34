//! The shared backtest vectors (tests/vectors/backtest.json) against
//! `cx::bind::call("backtest", …)`, the entry point Python and JS use.

#[test]
fn backtest_vectors() {
    cx_tests::check_cases("backtest.json", 7, |case| {
        cx::bind::call("backtest", case["args"].clone())
    });
}
