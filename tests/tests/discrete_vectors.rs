//! The shared vectors of the discrete-time models (tests/vectors/
//! discrete.json: sBG and BG/BB) through the binding layer every language
//! uses (`cx::bind::call`).

use cx_tests::{floats, vector_path};
use serde_json::{Value, json};

fn doc() -> Value {
    serde_json::from_str(&std::fs::read_to_string(vector_path("discrete.json")).expect("discrete.json"))
        .expect("json")
}

fn close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "{what}: {g} vs {w} (±{tol})");
    }
}

fn values(v: &Value) -> Vec<f64> {
    floats(v)
}

#[test]
fn sbg_fits_and_predictions_match_fader_hardie() {
    let doc = doc();
    for f in doc["sbg_fits"].as_array().expect("fits") {
        let name = f["name"].as_str().expect("name");
        let m = cx::bind::call("sbg_fit", json!({"survivors": f["survivors"]})).expect(name);
        let tol = f["param_tolerance"].as_f64().expect("tol");
        for k in ["alpha", "beta"] {
            close(
                &[m[k].as_f64().expect("param")],
                &[f["params"][k].as_f64().expect("want")],
                tol,
                name,
            );
        }
        let ll = m["fit"]["log_likelihood"].as_f64().expect("ll");
        close(
            &[ll],
            &[f["log_likelihood"].as_f64().expect("ll")],
            f["ll_tolerance"].as_f64().expect("tol"),
            name,
        );
        for p in f["predictions"].as_array().expect("predictions") {
            let mut args = json!({"model": m, "prediction": p["prediction"]});
            if let Some(t) = p.get("t") {
                args["t"] = t.clone();
            }
            let got = cx::bind::call("sbg_predict", args).expect(name);
            let what = format!("{name} {}", p["prediction"]);
            close(
                &values(&got),
                &values(&p["expected"]),
                p["tolerance"].as_f64().expect("tol"),
                &what,
            );
        }
    }
}

#[test]
fn bgbb_reproduces_the_donations_fit() {
    let doc = doc();
    let f = &doc["bgbb_fit"];
    let m = cx::bind::call(
        "bgbb_fit",
        json!({"frequency": f["frequency"], "recency": f["recency"], "periods": f["periods"], "weights": f["weights"]}),
    )
    .expect("fit");
    for k in ["alpha", "beta", "gamma", "delta"] {
        let (g, w) = (
            m[k].as_f64().expect("param"),
            f["params"][k].as_f64().expect("want"),
        );
        assert!(
            (g - w).abs() <= f["param_rel_tolerance"].as_f64().expect("tol") * w,
            "{k}: {g} vs {w}"
        );
    }
    close(
        &[m["fit"]["log_likelihood"].as_f64().expect("ll")],
        &[f["log_likelihood"].as_f64().expect("ll")],
        f["ll_tolerance"].as_f64().expect("tol"),
        "ll",
    );
    assert_eq!(m["fit"]["customers"], f["customers"].as_f64().expect("n"));
    for p in f["predictions"].as_array().expect("predictions") {
        let mut args = json!({"model": m, "prediction": p["prediction"]});
        for c in ["frequency", "recency", "periods"] {
            if let Some(v) = p.get(c) {
                args[c] = v.clone();
            }
        }
        let got = cx::bind::call("bgbb_predict", args).expect("predict");
        close(
            &values(&got),
            &values(&p["expected"]),
            p["tolerance"].as_f64().expect("tol"),
            &p["prediction"].to_string(),
        );
    }
}

#[test]
fn discrete_errors_are_typed() {
    for c in doc()["errors"].as_array().expect("errors") {
        let e = cx::bind::call(c["call"].as_str().expect("call"), c["args"].clone()).unwrap_err();
        let want = &c["error"];
        let name = c["name"].as_str().expect("name");
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
}
