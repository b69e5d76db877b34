//! The shared survey-analytics vectors (tests/vectors/experiments.json:
//! planning, control charts, confidence sequences, sequential tests, CUPED)
//! against `cx::bind::call`, the entry point the Python and JS bindings use;
//! and a chart or test continued from its state is the same as one run.

use cx::bind::call;
use serde_json::json;

#[test]
fn experiment_vectors() {
    cx_tests::check_cases("experiments.json", 28, |case| {
        call(case["call"].as_str().expect("call"), case["args"].clone())
    });
}

#[test]
fn a_chart_continued_from_its_state_is_one_chart() {
    let x = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0];
    for chart in ["ewma", "cusum"] {
        let whole = call(chart, json!({"values": x, "options": {"target": 10, "sigma": 1}})).unwrap();
        let first = call(
            chart,
            json!({"values": x[..3], "options": {"target": 10, "sigma": 1}}),
        )
        .unwrap();
        let rest = call(chart, json!({"values": x[3..], "state": first["state"]})).unwrap();
        assert_eq!(
            rest["points"].as_array().unwrap()[..],
            whole["points"].as_array().unwrap()[3..],
            "{chart}"
        );
        assert_eq!(rest["state"], whole["state"], "{chart}");
    }
}

#[test]
fn a_sequence_continued_from_its_state_is_one_sequence() {
    let answers: Vec<u8> = (0..300).map(|i| (i * 7 % 11) as u8).collect();
    let whole = call(
        "confidence_sequence",
        json!({"values": answers, "answers": "nps"}),
    )
    .unwrap();
    let first = call(
        "confidence_sequence",
        json!({"values": answers[..100], "answers": "nps"}),
    )
    .unwrap();
    let rest = call(
        "confidence_sequence",
        json!({"values": answers[100..], "answers": "nps", "state": first["state"]}),
    )
    .unwrap();
    assert_eq!(
        (rest["n"].clone(), rest["rows"].clone()),
        (json!(300), json!(200))
    );
    assert_eq!(rest["low"], whole["low"]);
    assert_eq!(rest["high"], whole["high"]);
}
