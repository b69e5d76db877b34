//! Fuzz target `csv_tables`: the body is `cx_tests::fuzz::csv_tables`, which the stable
//! replay test (tests/tests/fuzz_replay.rs) runs too.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cx_tests::fuzz::csv_tables(data));
