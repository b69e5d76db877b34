//! The shared survey vectors (tests/vectors/survey.json) against the Rust API.

use cx::CxError;
use cx::survey::{
    CesOptions, CsatOptions, Distribution, NpsOptions, Scale, SmileyOptions, TimeBucket, TimeUnit,
    Timestamps, ces, compare_csat, compare_nps, csat, group_by, nps, nps_weighted, options_from_json, smiley,
};
use cx_tests::{assert_close, assert_fields, floats, load_cases, scores};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Options of a case, read as the bindings read them.
fn options<T: DeserializeOwned + Default>(case: &Value, key: &str) -> Result<T, CxError> {
    options_from_json(case.get(key).cloned().unwrap_or(Value::Null))
}

fn to_json<T: serde::Serialize>(r: Result<T, CxError>) -> Result<Value, CxError> {
    r.map(|v| serde_json::to_value(v).expect("serialize"))
}

/// Runs one case through the API with answers of type `S`.
fn run<S: cx::survey::Score>(case: &Value, conv: &dyn Fn(&[f64]) -> Vec<S>) -> Result<Value, CxError> {
    let weights = case.get("weights").map(floats);
    let w = weights.as_deref();
    let call = case["call"].as_str().expect("call");
    match call {
        "nps" => {
            let s = conv(&scores(case));
            let o: NpsOptions = options(case, "options")?;
            to_json(match w {
                None => nps(&s, &o),
                Some(w) => nps_weighted(&s, w, &o),
            })
        }
        "csat" => to_json(csat(
            &conv(&scores(case)),
            w,
            &options::<CsatOptions>(case, "options")?,
        )),
        "ces" => to_json(ces(
            &conv(&scores(case)),
            w,
            &options::<CesOptions>(case, "options")?,
        )),
        "smiley" => to_json(smiley(
            &conv(&scores(case)),
            w,
            &options::<SmileyOptions>(case, "options")?,
        )),
        "compare_nps" => {
            let o: NpsOptions = options(case, "options")?;
            let a = nps(&conv(&scores(&case["a"])), &o)?;
            let b = nps(&conv(&scores(&case["b"])), &o)?;
            to_json(compare_nps(&a, &b, 0.95))
        }
        "compare_csat" => {
            let a = csat(
                &conv(&scores(&case["a"])),
                None,
                &options::<CsatOptions>(case, "a_options")?,
            )?;
            let b = csat(
                &conv(&scores(&case["b"])),
                None,
                &options::<CsatOptions>(case, "b_options")?,
            )?;
            to_json(compare_csat(&a, &b, 0.95))
        }
        "group_by" => {
            let s = conv(&scores(case));
            let keys: Option<Vec<String>> = case.get("keys").map(|k| {
                k.as_array()
                    .expect("keys")
                    .iter()
                    .map(|x| x.as_str().expect("str").to_owned())
                    .collect()
            });
            let ts: Option<Vec<i64>> = case.get("timestamps_ms").map(|t| {
                t.as_array()
                    .expect("ts")
                    .iter()
                    .map(|x| x.as_i64().expect("i64"))
                    .collect()
            });
            let bucket: Option<TimeBucket> = case
                .get("bucket")
                .map(|b| serde_json::from_value(b.clone()).expect("bucket"));
            let time = ts.as_deref().map(|values| Timestamps {
                values,
                unit: TimeUnit::Milliseconds,
                bucket: bucket.expect("bucket with timestamps"),
            });
            let groups = group_by(Scale::NPS, &s, w, keys.as_deref(), time)?;
            let mut out = Vec::new();
            for g in groups {
                let r = g.distribution.nps(&NpsOptions::default())?;
                out.push(json!({
                    "key": g.key,
                    "period": g.period.map(|p| p.to_string()),
                    "n": r.n,
                    "score": r.score,
                }));
            }
            Ok(Value::Array(out))
        }
        "distribution_bytes" => {
            let scale: Scale = serde_json::from_value(case["scale"].clone()).expect("scale");
            let d = Distribution::from_scores(scale, &conv(&scores(case)), w)?;
            let hex: String = d.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
            // The bytes decode back to the same state.
            assert_eq!(Distribution::from_bytes(&d.to_bytes())?, d);
            Ok(json!(hex))
        }
        "distribution_from_hex" => {
            let hex = case["hex"].as_str().expect("hex");
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
                .collect();
            to_json(Distribution::from_bytes(&bytes))
        }
        other => panic!("unknown call {other}"),
    }
}

fn check(case: &Value, result: Result<Value, CxError>, flavour: &str) {
    let name = format!("{} [{flavour}]", case["name"].as_str().expect("name"));
    let tol = case.get("tol").and_then(Value::as_f64).unwrap_or(0.0);
    if let Some(err) = case.get("error") {
        let e = result.expect_err(&format!("{name}: expected an error"));
        assert_eq!(e.code(), err["code"], "{name}: code of {e}");
        assert_eq!(e.argument(), err["argument"], "{name}: argument of {e}");
        if let Some(i) = err.get("index") {
            assert_eq!(e.index(), i.as_u64().map(|i| i as usize), "{name}: index of {e}");
        }
        // The message names the argument.
        assert!(e.to_string().contains(e.argument()), "{name}: message {e}");
        return;
    }
    let actual = result.unwrap_or_else(|e| panic!("{name}: unexpected error {e}"));
    if let Some(expected) = case.get("expected") {
        assert_fields(&name, &actual, expected, tol);
    } else if let Some(groups) = case.get("expected_groups") {
        assert_close(&name, &actual, groups, tol);
    } else if let Some(hex) = case.get("expected_hex") {
        assert_eq!(&actual, hex, "{name}");
    } else {
        panic!("{name}: case has nothing to check");
    }
}

#[test]
fn survey_vectors_with_float_answers() {
    let cases = load_cases("survey.json");
    assert!(cases.len() >= 40, "the vector file lost cases");
    for case in &cases {
        check(case, run::<f64>(case, &|s| s.to_vec()), "f64");
    }
}

#[test]
fn survey_vectors_with_byte_and_integer_answers() {
    // Every case whose answers are whole numbers also runs as u8 (the fast
    // histogram path) when they fit a byte and as i64 otherwise.
    let mut ran = 0;
    for case in &load_cases("survey.json") {
        let all: Vec<f64> = ["scores", "score_runs"]
            .iter()
            .filter(|k| case.get(**k).is_some())
            .flat_map(|_| scores(case))
            .chain(case.get("a").map(scores).unwrap_or_default())
            .chain(case.get("b").map(scores).unwrap_or_default())
            .collect();
        if all.iter().any(|v| v.fract() != 0.0 || !v.is_finite()) {
            continue;
        }
        if all.iter().all(|v| (0.0..=255.0).contains(v)) {
            check(
                case,
                run::<u8>(case, &|s| s.iter().map(|&v| v as u8).collect()),
                "u8",
            );
        }
        check(
            case,
            run::<i64>(case, &|s| s.iter().map(|&v| v as i64).collect()),
            "i64",
        );
        ran += 1;
    }
    assert!(ran >= 30, "only {ran} integer cases ran");
}
