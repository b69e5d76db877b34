//! tests/vectors/live.json through `cx::bind::live` (the path Python and
//! JavaScript take): batches recorded in turn, the summary and a BG/NBD
//! score against values computed without cx, the typed errors, and the
//! bytes of a table written out by hand.

use cx::bind::Args;
use cx::bind::live::{Live, live_new, live_record, live_score, live_summary};
use cx_tests::{assert_close, vector_path};
use serde_json::{Value, json};

fn vectors() -> Value {
    let text = std::fs::read_to_string(vector_path("live.json")).expect("live.json");
    serde_json::from_str(&text).expect("JSON")
}

fn record_all(options: &Value, batches: &Value) -> Result<Live, cx::CxError> {
    let mut live = live_new(options.clone())?;
    for b in batches.as_array().expect("batches") {
        let mut b = b.clone();
        if b["amounts"].is_null() {
            b.as_object_mut().expect("object").remove("amounts");
        }
        live_record(&mut live, Args::from_json(b)?)?;
    }
    Ok(live)
}

#[test]
fn live_summaries_and_scores_match_the_vectors() {
    let v = vectors();
    let tol = v["tolerance"].as_f64().expect("tolerance");
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.len() >= 4);
    for c in cases {
        let name = c["name"].as_str().expect("name");
        let live = record_all(&c["options"], &c["batches"]).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = live_summary(&live, json!({"observation_end": c["observation_end"]})).expect("summary");
        let want = &c["expected"];
        let got = serde_json::to_value(&s).expect("JSON");
        assert_eq!(got["customers"], want["customers"], "{name}");
        assert_eq!(got["frequency"], want["frequency"], "{name}");
        assert_eq!(got["first_purchase"], want["first_purchase"], "{name}");
        for col in ["recency", "t", "monetary_value"] {
            assert_close(&format!("{name}.{col}"), &got[col], &want[col], tol);
        }
        assert_eq!(
            s.report.used as u64,
            want["orders"].as_u64().expect("orders"),
            "{name}"
        );
        assert_eq!(
            s.report.merged as u64,
            want["merged"].as_u64().expect("merged"),
            "{name}"
        );
        let sc = &c["score"];
        let got = live_score(
            &live,
            &sc["customer"],
            &sc["model"].to_string(),
            sc["options"].clone(),
        )
        .expect("score");
        let got = serde_json::to_value(&got).expect("JSON");
        for (k, w) in sc["expected"].as_object().expect("expected") {
            assert_close(&format!("{name}.score.{k}"), &got[k], w, tol);
        }
    }
}

#[test]
fn live_errors_are_the_typed_errors_of_the_vectors() {
    let v = vectors();
    for c in v["errors"].as_array().expect("errors") {
        let name = c["name"].as_str().expect("name");
        let e = record_all(&c["options"], &c["batches"]).expect_err(name);
        assert_eq!(e.code(), c["code"], "{name}: {e}");
        assert_eq!(e.argument(), c["argument"], "{name}: {e}");
        assert_eq!(
            e.index().map(Value::from).unwrap_or(Value::Null),
            c["index"],
            "{name}: {e}"
        );
    }
}

#[test]
fn live_bytes_are_the_bytes_written_by_hand() {
    let v = vectors();
    let b = &v["bytes"];
    let live = record_all(&b["options"], &b["batches"]).expect("table");
    let hex: String = live.to_bytes().iter().map(|x| format!("{x:02x}")).collect();
    assert_eq!(hex, b["hex"].as_str().expect("hex"));
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect();
    assert_eq!(Live::from_bytes(&bytes).expect("decode"), live);
}
