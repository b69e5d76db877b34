//! The shared covariate vectors (tests/vectors/covariates.json) through the
//! binding layer, as Python and JavaScript call it: per-customer
//! log-likelihoods against an independent numpy/scipy implementation, a
//! BG/NBD fit with covariates against scipy's optimum, typed errors, and
//! the promise-gap covariates of small tables.

use cx_tests::vector_path;
use serde_json::{Value, json};

fn doc() -> Value {
    let text = std::fs::read_to_string(vector_path("covariates.json")).expect("covariates.json");
    serde_json::from_str(&text).expect("json")
}

fn head(v: &Value, n: usize) -> Value {
    Value::Array(v.as_array().expect("array")[..n].to_vec())
}

fn close(what: &str, got: f64, want: f64, rtol: f64) {
    assert!(
        (got - want).abs() <= rtol * (1.0 + want.abs()),
        "{what}: {got} vs {want} (rtol {rtol})"
    );
}

#[test]
fn log_likelihoods_match_the_independent_implementation() {
    let d = doc();
    for case in d["log_likelihood"].as_array().expect("cases") {
        let n = case["rows"].as_u64().expect("rows") as usize;
        let c = &d["customers"];
        let cov = &d["covariates"];
        let args = json!({
            "model": case["model"],
            "prediction": {"kind": "log_likelihood"},
            "frequency": head(&c["frequency"], n), "recency": head(&c["recency"], n), "t": head(&c["T"], n),
            "covariates": {"late": head(&cov["late"], n), "days_late": head(&cov["days_late"], n)},
            "covariate_names": ["late", "days_late"],
        });
        let got = cx::bind::call("predict_covariates", args).expect("predict");
        let tol = case["tol"].as_f64().expect("tol");
        for (i, (g, w)) in got
            .as_array()
            .expect("a")
            .iter()
            .zip(case["expected"].as_array().expect("e"))
            .enumerate()
        {
            close(
                &format!("{} row {i}", case["name"]),
                g.as_f64().expect("f"),
                w.as_f64().expect("f"),
                tol,
            );
        }
    }
}

#[test]
fn the_fit_matches_scipy() {
    let d = doc();
    for case in d["fits"].as_array().expect("fits") {
        let c = &d["customers"];
        let args = json!({
            "model": case["model"], "options": case["options"],
            "frequency": c["frequency"], "recency": c["recency"], "t": c["T"],
            "covariates": d["covariates"], "covariate_names": case["covariate_names"],
        });
        let m = cx::bind::call("fit_covariates", args).expect("fit");
        let (e, tol) = (&case["expected"], &case["tol"]);
        let tp = tol["parameters"].as_f64().expect("t");
        for (k, v) in e["base"].as_object().expect("base") {
            close(k, m["base"][k].as_f64().expect(k), v.as_f64().expect("v"), tp);
        }
        for (got, want) in m["coefficients"]
            .as_array()
            .expect("c")
            .iter()
            .zip(e["coefficients"].as_array().expect("c"))
        {
            assert_eq!(
                (&got["covariate"], &got["process"]),
                (&want["covariate"], &want["process"])
            );
            close(
                "estimate",
                got["estimate"].as_f64().expect("e"),
                want["estimate"].as_f64().expect("e"),
                tp,
            );
            close(
                "standard error",
                got["standard_error"].as_f64().expect("se"),
                want["standard_error"].as_f64().expect("se"),
                tol["standard_errors"].as_f64().expect("t"),
            );
        }
        let tl = tol["log_likelihood"].as_f64().expect("t");
        let fit = &m["fit"];
        close(
            "ln L",
            fit["log_likelihood"].as_f64().expect("ll"),
            e["log_likelihood"].as_f64().expect("ll"),
            tl,
        );
        let null = e["null_log_likelihood"].as_f64().expect("null");
        let lr = &fit["likelihood_ratio"];
        close(
            "null ln L",
            lr["null_log_likelihood"].as_f64().expect("n"),
            null,
            tl,
        );
        close(
            "LR statistic",
            lr["statistic"].as_f64().expect("s"),
            2.0 * (e["log_likelihood"].as_f64().expect("ll") - null),
            1e-5,
        );
        assert_eq!(lr["df"], json!(e["coefficients"].as_array().expect("c").len()));
        // The model's JSON reads back and scores every customer.
        let again = cx::bind::call("covariate_model", json!({ "model": m.to_string() })).expect("load");
        assert_eq!(again, m);
    }
}

#[test]
fn errors_are_the_same_typed_errors() {
    let d = doc();
    let c = &d["customers"];
    for case in d["errors"].as_array().expect("errors") {
        let mut args = json!({
            "model": case["model"], "frequency": c["frequency"], "recency": c["recency"], "t": c["T"],
            "covariates": case["covariates"],
        });
        for k in ["options", "covariate_names"] {
            if let Some(v) = case.get(k) {
                args[k] = v.clone();
            }
        }
        let e = cx::bind::call("fit_covariates", args).expect_err(case["name"].as_str().expect("name"));
        let want = &case["error"];
        assert_eq!(e.code(), want["code"], "{}: {e}", case["name"]);
        let fields = serde_json::to_value(&e).expect("fields");
        for (k, v) in want.as_object().expect("o") {
            if k == "argument" {
                assert_eq!(e.argument(), v.as_str().expect("s"));
            } else if k != "code" {
                assert_eq!(&fields[k], v, "{}: {k} of {e}", case["name"]);
            }
        }
    }
}

/// Runs `call` on a case's arguments and compares its customers and
/// columns with the case's hand counts; returns the result and the
/// expected value for the call's own checks.
fn counted_as_by_hand<'a>(call: &str, case: &'a Value, tol: f64) -> (Value, &'a Value) {
    let r = cx::bind::call(call, case["args"].clone()).expect(call);
    let e = &case["expected"];
    assert_eq!(r["customers"], e["customers"]);
    for (name, want) in e["columns"].as_object().expect("columns") {
        for (g, w) in r["columns"][name]
            .as_array()
            .expect(name)
            .iter()
            .zip(want.as_array().expect("w"))
        {
            close(name, g.as_f64().expect("g"), w.as_f64().expect("w"), tol);
        }
    }
    (r, e)
}

#[test]
fn promise_covariates_are_counted_as_by_hand() {
    let d = doc();
    for case in d["promise"].as_array().expect("promise") {
        let (r, e) = counted_as_by_hand("promise_covariates", case, 1e-12);
        assert_eq!(r["tables"], e["tables"]);
        assert_eq!(r["until"], json!("2024-03-31"));
    }
}

/// Time-varying covariates: ln L, P(alive) and the expected purchases in
/// the next two weeks against scipy's quadrature of the likelihood.
#[test]
fn time_varying_predictions_match_quadrature() {
    let d = doc();
    let v = &d["dynamic"];
    let tol = v["tol"].as_f64().expect("tol");
    for (kind, prediction) in [
        ("log_likelihood", json!({"kind": "log_likelihood"})),
        ("probability_alive", json!({"kind": "probability_alive"})),
        (
            "conditional_expected_purchases",
            json!({"kind": "conditional_expected_purchases", "horizon": v["horizon"]}),
        ),
    ] {
        let args = json!({
            "model": v["model"], "prediction": prediction,
            "frequency": v["customers"]["frequency"], "recency": v["customers"]["recency"], "t": v["customers"]["T"],
            "first": v["first"], "boundaries": v["boundaries"], "purchases": v["purchases"],
            "covariates": v["covariates"], "covariate_names": ["campaign", "mood"],
        });
        let got = cx::bind::call("predict_dynamic", args).expect(kind);
        for (i, (g, w)) in got
            .as_array()
            .expect("a")
            .iter()
            .zip(v["expected"][kind].as_array().expect("e"))
            .enumerate()
        {
            close(
                &format!("{kind} row {i}"),
                g.as_f64().expect("g"),
                w.as_f64().expect("w"),
                tol,
            );
        }
    }
    // The grid must reach the horizon: 28 + 5 weeks is past its 30.
    let args = json!({
        "model": v["model"], "prediction": {"kind": "conditional_expected_purchases", "horizon": 5.0},
        "frequency": v["customers"]["frequency"], "recency": v["customers"]["recency"], "t": v["customers"]["T"],
        "first": v["first"], "boundaries": v["boundaries"], "purchases": v["purchases"],
        "covariates": v["covariates"],
    });
    let e = cx::bind::call("predict_dynamic", args).expect_err("horizon past the grid");
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "first", Some(0))
    );
}

#[test]
fn promise_periods_are_counted_as_by_hand() {
    let d = doc();
    for case in d["promise_periods"].as_array().expect("cases") {
        let (r, e) = counted_as_by_hand("promise_periods", case, 0.0);
        assert_eq!(r["outside"], e["outside"]);
    }
}

/// Flags are 0/1 covariates in JSON too (JavaScript sends booleans).
#[test]
fn boolean_covariates_are_zero_one() {
    let d = doc();
    let c = &d["customers"];
    let late = &d["covariates"]["late"];
    let flags: Vec<bool> = late
        .as_array()
        .expect("late")
        .iter()
        .map(|v| v.as_f64() == Some(1.0))
        .collect();
    let fit = |covariates: Value| {
        cx::bind::call(
            "fit_covariates",
            json!({"model": "bg_nbd", "frequency": c["frequency"], "recency": c["recency"], "t": c["T"],
                   "covariates": covariates, "options": {"dropout": []}}),
        )
        .expect("fit")
    };
    assert_eq!(fit(json!({"late": flags})), fit(json!({"late": late})));
}
