//! Covariates in the churn models for JavaScript: fit a purchase model
//! with per-customer covariates, score customers with theirs, and turn the
//! shop's promise tables into covariates. Through `cx::bind`, as Python and
//! Rust. Covariate names are kept as given (not camelCased).

use js_sys::Float64Array;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{error, json_to_js, rename_keys, result, snake, tables_call, to_json, type_error};

/// Runs `name` with camelCase keys turned to snake_case everywhere but in
/// `covariates` (the shop's own column names).
fn covariate_call(name: &str, args: &JsValue) -> Result<Value, JsValue> {
    if !args.is_object() {
        return Err(type_error(
            "arguments",
            "must be an object {model, frequency, recency, t, covariates, …}",
        ));
    }
    let Value::Object(mut m) = to_json("arguments", args)? else {
        return Err(type_error("arguments", "must be an object"));
    };
    let covariates = m.remove("covariates");
    let mut v = rename_keys(Value::Object(m), &snake);
    if let (Value::Object(out), Some(c)) = (&mut v, covariates) {
        out.insert("covariates".into(), c);
    }
    cx::bind::call(name, v).map_err(error)
}

/// Fits `model` ("pareto_nbd", "bg_nbd", "mbg_nbd") with time-invariant
/// covariates: `{model, frequency, recency, t, covariates: {name:
/// values}, covariateNames?, options?: {purchase, dropout, shared,
/// penaltyPurchase, penaltyDropout, level, maxIterations,
/// acceptUnconverged}}`. Returns the model (coefficients with standard
/// errors, Wald intervals and p-values, effects, the likelihood-ratio
/// test) with `json`: the text Python and Rust read.
#[wasm_bindgen(js_name = fitCovariates, unchecked_return_type = "CovariateModel")]
pub fn fit_covariates(
    #[wasm_bindgen(unchecked_param_type = "CovariateFitArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    let m = covariate_call("fit_covariates", &args)?;
    let out = result(&m)?;
    js_sys::Reflect::set(
        &out,
        &JsValue::from_str("json"),
        &JsValue::from_str(&m.to_string()),
    )?;
    Ok(out)
}

/// A prediction (`{kind: "probability_alive"}`, `{kind:
/// "conditional_expected_purchases", horizon}`, …) of a covariate model
/// (the object of `fitCovariates` or its `json`) for each customer with
/// its covariates: `{model, prediction, frequency, recency, t,
/// monetaryValue?, covariates}`.
#[wasm_bindgen(js_name = predictCovariates)]
pub fn predict_covariates(
    #[wasm_bindgen(unchecked_param_type = "CovariatePredictArgs")] args: JsValue,
) -> Result<Float64Array, JsValue> {
    let mut a = args.clone();
    // The model's `json` text travels instead of the object, when given.
    if args.is_object()
        && let Ok(model) = js_sys::Reflect::get(&args, &JsValue::from_str("model"))
        && model.is_object()
        && let Ok(text) = js_sys::Reflect::get(&model, &JsValue::from_str("json"))
        && text.is_string()
    {
        let copy = js_sys::Object::assign(&js_sys::Object::new(), args.unchecked_ref());
        js_sys::Reflect::set(&copy, &JsValue::from_str("model"), &text)?;
        a = copy.into();
    }
    let v = covariate_call("predict_covariates", &a)?;
    let values: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default();
    Ok(Float64Array::from(values.as_slice()))
}

/// The shop's promise gaps per customer as covariates: the tables of
/// `signals` (orders optional), `unit`, `options?: {until, graceDays,
/// repeatDays, detractorMax, promoterMin}`. Returns `{customers, names,
/// columns: {late_share: […], …}, until, tables}` (column names as in
/// Python and Rust).
#[wasm_bindgen(js_name = promiseCovariates, unchecked_return_type = "PromiseCovariates")]
pub fn promise_covariates(
    #[wasm_bindgen(unchecked_param_type = "SignalArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    let mut r = tables_call("promise_covariates", &args)?;
    let columns = match &mut r {
        Value::Object(m) => m.remove("columns"),
        _ => None,
    };
    let out = result(&r)?;
    if let Some(c) = columns {
        js_sys::Reflect::set(&out, &JsValue::from_str("columns"), &json_to_js(&c)?)?;
    }
    Ok(out)
}
