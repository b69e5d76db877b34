//! The shared churn vectors (tests/vectors/churn.json) against the Rust
//! API, through the entry points the bindings use (`fit_model`, `predict`,
//! `lifetime_value`).

use cx::CxError;
use cx::churn::{
    AnyModel, ClvOptions, Columns, FitOptions, Prediction, fit_model, fit_model_weighted, lifetime_value,
    predict,
};
use cx_tests::cdnow::model_input;
use cx_tests::{floats, vector_path};
use serde_json::Value;

fn doc() -> Value {
    let text = std::fs::read_to_string(vector_path("churn.json")).expect("churn.json");
    serde_json::from_str(&text).expect("json")
}

fn run(doc: &Value, case: &Value) -> Result<Vec<f64>, CxError> {
    let model = AnyModel::from_json(&case["model"].to_string())?;
    let table = case.get("customers").unwrap_or(&doc["customers"]);
    let col = |name: &str| table.get(name).map(floats);
    let (x, tx, t, m) = (col("frequency"), col("recency"), col("T"), col("monetary_value"));
    let periods = case.get("t").map(floats);
    let columns = Columns {
        frequency: x.as_deref(),
        recency: tx.as_deref(),
        t: periods.as_deref().or(t.as_deref()),
        monetary_value: m.as_deref(),
    };
    if let Some(spend) = case.get("spend_model") {
        let spend = AnyModel::from_json(&spend.to_string())?;
        let o: ClvOptions = serde_json::from_value(case["clv"].clone()).expect("clv options");
        return lifetime_value(&model, &spend, &columns, &o);
    }
    let p: Prediction = serde_json::from_value(case["prediction"].clone()).expect("prediction");
    predict(&model, &p, &columns)
}

#[test]
fn predictions_match_the_references() {
    let doc = doc();
    let mut checked = 0;
    for case in doc["cases"].as_array().expect("cases") {
        let name = case["name"].as_str().expect("name");
        match (run(&doc, case), case.get("error")) {
            (Ok(got), None) => {
                let want = floats(&case["expected"]);
                let tol = case["rel_tolerance"].as_f64().expect("tolerance");
                assert_eq!(got.len(), want.len(), "{name}");
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    // "NaN" expected: no number (a churn deadline never reached).
                    assert!(
                        (w.is_nan() && g.is_nan()) || (g - w).abs() <= tol * w.abs().max(1e-300),
                        "{name}[{i}]: {g} vs {w}"
                    );
                }
            }
            (Err(e), Some(want)) => {
                assert_eq!(e.code(), want["code"].as_str().expect("code"), "{name}: {e}");
                assert_eq!(
                    e.argument(),
                    want["argument"].as_str().expect("argument"),
                    "{name}: {e}"
                );
                assert_eq!(
                    e.index(),
                    want.get("index").and_then(Value::as_u64).map(|i| i as usize),
                    "{name}"
                );
            }
            (Ok(got), Some(want)) => panic!("{name}: expected error {want}, got {got:?}"),
            (Err(e), None) => panic!("{name}: {e}"),
        }
        checked += 1;
    }
    assert_eq!(checked, doc["cases"].as_array().expect("cases").len());
}

/// A fitted model against a `fits` or `weighted_fits` case: converged,
/// ln L, customer count and parameters within the case's tolerances.
fn check_fit(name: &str, m: &AnyModel, case: &Value) {
    let fitted: Value = serde_json::from_str(&m.to_json()).expect("json");
    let report = &fitted["fit"];
    let ll = report["log_likelihood"].as_f64().expect("ll");
    let want = case["log_likelihood"].as_f64().expect("ll");
    assert!(
        (ll - want).abs() <= case["ll_tolerance"].as_f64().expect("tol"),
        "{name}: ll {ll}"
    );
    assert!(report["converged"].as_bool().expect("converged"), "{name}");
    assert_eq!(report["customers"].as_f64(), case["customers"].as_f64(), "{name}");
    let tol = case["rel_tolerance"].as_f64().expect("tol");
    for (k, w) in case["params"].as_object().expect("params") {
        let (g, w) = (fitted[k].as_f64().expect("param"), w.as_f64().expect("param"));
        assert!((g - w).abs() <= tol * w, "{name}: {k} = {g}, expected {w}");
    }
}

#[test]
fn fits_match_the_references() {
    let doc = doc();
    let d = model_input();
    let columns = d.columns();
    for case in doc["fits"].as_array().expect("fits") {
        let name = case["name"].as_str().expect("name");
        let m = fit_model(
            case["model"].as_str().expect("model"),
            &columns,
            &FitOptions::default(),
        )
        .expect(name);
        check_fit(name, &m, case);
    }
}

/// CDNOW compressed into distinct rows with counts (what cx.spark and
/// cx.dask send to the driver) gives the published fit on every customer,
/// for the purchase models and gamma-gamma alike.
#[test]
fn weighted_distinct_rows_give_the_fit_on_every_customer() {
    let doc = doc();
    let cases = doc["weighted_fits"].as_array().expect("weighted_fits");
    assert_eq!(cases.len(), 2);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let col = |k: &str| case["columns"].get(k).map(floats);
        let (x, tx, t, m) = (col("frequency"), col("recency"), col("T"), col("monetary_value"));
        let columns = Columns {
            frequency: x.as_deref(),
            recency: tx.as_deref(),
            t: t.as_deref(),
            monetary_value: m.as_deref(),
        };
        let w = floats(&case["weights"]);
        let model = fit_model_weighted(
            case["model"].as_str().expect("model"),
            &columns,
            Some(&w),
            &FitOptions::default(),
        )
        .expect(name);
        check_fit(name, &model, case);
    }
}

/// Bad weights: the typed error naming the row, through `cx::bind`.
#[test]
fn weighted_fit_errors_are_typed() {
    let doc = doc();
    for case in doc["weighted_fit_errors"]
        .as_array()
        .expect("weighted_fit_errors")
    {
        let name = case["name"].as_str().expect("name");
        let mut args = doc["weighted_fit_columns"].clone();
        args["model"] = case["model"].clone();
        args["weights"] = case["weights"].clone();
        let e = cx::bind::call("fit", args).expect_err(name);
        let want = &case["error"];
        assert_eq!(e.code(), want["code"], "{name}: {e}");
        assert_eq!(e.argument(), want["argument"], "{name}: {e}");
        assert_eq!(e.index().map(|i| i as u64), want["index"].as_u64(), "{name}: {e}");
    }
}

/// Fits that must fail: the same typed error as in Python and JS, through
/// `cx::bind` (the entry both bindings use).
#[test]
fn fit_errors_are_typed() {
    let doc = doc();
    let cases = doc["fit_errors"].as_array().expect("fit_errors");
    assert!(cases.len() >= 4);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let mut args = doc["fit_columns"].clone();
        args["model"] = case["model"].clone();
        args["options"] = case["options"].clone();
        let e = cx::bind::call("fit", args).expect_err(name);
        assert_eq!(e.code(), case["error"]["code"], "{name}: {e}");
        assert_eq!(e.argument(), case["error"]["argument"], "{name}: {e}");
    }
}

/// The penalizer is lifetimes' `penalizer_coef`: the same coefficient gives
/// lifetimes' estimates on CDNOW (tests/vectors/churn.json `penalized_fits`).
#[test]
fn penalized_fits_match_lifetimes() {
    let doc = doc();
    let d = model_input();
    let columns = d.columns();
    let cases = doc["penalized_fits"].as_array().expect("penalized_fits");
    assert_eq!(cases.len(), 6);
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let options = FitOptions {
            penalizer: case["penalizer"].as_f64().expect("penalizer"),
            ..FitOptions::default()
        };
        let m = fit_model(case["model"].as_str().expect("model"), &columns, &options).expect(name);
        assert!(m.fit_report().expect("report").converged, "{name}");
        let fitted: Value = serde_json::from_str(&m.to_json()).expect("json");
        let tol = case["rel_tolerance"].as_f64().expect("tol");
        for (k, w) in case["params"].as_object().expect("params") {
            let (g, w) = (fitted[k].as_f64().expect("param"), w.as_f64().expect("param"));
            assert!((g - w).abs() <= tol * w, "{name}: {k} = {g}, lifetimes {w}");
        }
    }
}

/// A start from which the line search fails (far from the optimum) is
/// rescued by a restart, and the fit reaches lifetimes' estimate; when no
/// start converges the fit is a `not_converged` error unless the caller
/// accepts the flagged estimate.
#[test]
fn a_fit_restarts_before_giving_up_and_says_so() {
    let doc = doc();
    let d = model_input();
    let columns = d.columns();
    let want = doc["penalized_fits"]
        .as_array()
        .expect("penalized_fits")
        .iter()
        .find(|c| c["model"] == "mbg_nbd" && c["penalizer"] == 0.1)
        .expect("the MBG/NBD case");
    let bad_start = FitOptions {
        penalizer: 0.1,
        initial: Some(vec![1e4, 1e-4, 1e-4, 1e4]),
        max_iterations: 60,
        ..FitOptions::default()
    };
    let m = fit_model("mbg_nbd", &columns, &bad_start).expect("a restart converges");
    let report = m.fit_report().expect("report");
    assert!(report.converged && report.starts > 1, "{report:?}");
    let fitted: Value = serde_json::from_str(&m.to_json()).expect("json");
    for (k, w) in want["params"].as_object().expect("params") {
        let (g, w) = (fitted[k].as_f64().expect("param"), w.as_f64().expect("param"));
        assert!((g - w).abs() <= 2e-3 * w, "{k} = {g}, lifetimes {w}");
    }

    let hopeless = FitOptions {
        max_iterations: 1,
        ..FitOptions::default()
    };
    let e = fit_model("bg_nbd", &columns, &hopeless).unwrap_err();
    assert_eq!((e.code(), e.argument()), ("not_converged", "fit"));
    let flagged = FitOptions {
        accept_unconverged: true,
        ..hopeless
    };
    let m = fit_model("bg_nbd", &columns, &flagged).expect("accepted");
    assert!(!m.fit_report().expect("report").converged);
}

#[test]
fn tracking_matches_lifetimes_on_cdnow() {
    use cx::churn::{TrackingOptions, expected_cumulative_transactions};
    use cx::retention::Transactions;
    use cx::time::TimeUnit;
    let doc = doc();
    let case = &doc["tracking"];
    let model = AnyModel::from_json(&case["model"].to_string()).expect("model");
    let o: TrackingOptions = serde_json::from_value(case["options"].clone()).expect("options");
    let c = cx_tests::cdnow::transactions();
    let tx = Transactions {
        customers: &c.customers,
        timestamps: &c.days,
        unit: TimeUnit::Days,
        amounts: None,
    };
    let m = model.purchase_model().expect("purchase model");
    let r = expected_cumulative_transactions(m, &tx, &o).expect("tracking");
    let tol = case["rel_tolerance"].as_f64().expect("tol");
    for (what, got, want) in [
        ("actual", &r.actual, floats(&case["actual"])),
        ("predicted", &r.predicted, floats(&case["predicted"])),
    ] {
        assert_eq!(got.len(), want.len(), "{what}");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() <= tol * w.abs().max(1.0), "{what}[{i}]: {g} vs {w}");
        }
    }
    // Week 39's actual is the calibration summary's Σx (REFERENCES.md §6(c)).
    let sum_x: u32 = cx_tests::cdnow::published_summary().iter().map(|r| r.x).sum();
    assert_eq!(r.actual[38], f64::from(sum_x));
    assert_eq!(r.customers, 2357);
}

/// lifetimes' `weights`: a summary compressed into distinct (x, tₓ, T) rows
/// with counts fits to the estimate of the uncompressed summary.
#[test]
fn weighted_fit_equals_the_fit_of_the_expanded_rows() {
    use std::collections::BTreeMap;
    let input = model_input();
    let mut counts: BTreeMap<(u64, u64, u64), f64> = BTreeMap::new();
    for i in 0..input.x.len() {
        *counts
            .entry((input.x[i].to_bits(), input.t_x[i].to_bits(), input.t[i].to_bits()))
            .or_default() += 1.0;
    }
    let col = |k: usize| {
        counts
            .keys()
            .map(|key| f64::from_bits([key.0, key.1, key.2][k]))
            .collect::<Vec<f64>>()
    };
    let w: Vec<f64> = counts.values().copied().collect();
    assert_eq!(w.len(), 1016); // REFERENCES.md §4: 2,357 customers, 1,016 distinct rows
    for model in ["bg_nbd", "pareto_nbd"] {
        let full = fit_model(model, &input.columns(), &FitOptions::default()).expect("fit");
        let weighted = cx::bind::call(
            "fit",
            serde_json::json!({"model": model, "frequency": col(0), "recency": col(1), "t": col(2), "weights": w}),
        )
        .expect("weighted fit");
        for (name, v) in full.params() {
            let got = weighted[name].as_f64().expect("param");
            assert!((got - v).abs() <= 1e-6 * v, "{model} {name}: {got} vs {v}");
        }
        assert_eq!(weighted["fit"]["customers"], 2357.0);
    }
    let e = cx::bind::call(
        "fit",
        serde_json::json!({"model": "bg_nbd", "frequency": [1, 2], "recency": [1, 2], "t": [3, 4], "weights": [1, -1]}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("negative_weight", "weights", Some(1))
    );
    let e = cx::bind::call(
        "fit",
        serde_json::json!({"model": "bg_nbd", "frequency": [1, 2], "recency": [1, 2], "t": [3, 4], "weights": [1]}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "length_mismatch");
}

#[test]
fn alive_path_matches_lifetimes() {
    let doc = doc();
    let c = &doc["alive_path"];
    let r = cx::bind::call(
        "alive_path",
        serde_json::json!({"model": c["model"], "purchases": c["purchases"], "at": c["at"]}),
    )
    .expect("alive path");
    let (got, want) = (floats(&r), floats(&c["expected"]));
    assert_eq!(got.len(), 547);
    let tol = c["rel_tolerance"].as_f64().expect("tol");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert!((g - w).abs() <= tol * w, "day {i}: {g} vs {w}");
    }
    let e = cx::bind::call(
        "alive_path",
        serde_json::json!({"model": c["model"], "purchases": [5, 3], "at": [1]}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "purchases", Some(1))
    );
}
