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

/// A fitted covariate model: camelCase keys for JS, and `json`, the text
/// Python and Rust read.
fn fitted(name: &str, args: &JsValue) -> Result<JsValue, JsValue> {
    let m = covariate_call(name, args)?;
    let out = result(&m)?;
    js_sys::Reflect::set(
        &out,
        &JsValue::from_str("json"),
        &JsValue::from_str(&m.to_string()),
    )?;
    Ok(out)
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
    fitted("fit_covariates", &args)
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
    let v = covariate_call("predict_covariates", &with_model_json(&args)?)?;
    Ok(floats(&v))
}

/// `args` with the model's `json` text in place of the model object, when
/// the object carries it (the model of `fitCovariates`).
fn with_model_json(args: &JsValue) -> Result<JsValue, JsValue> {
    if args.is_object()
        && let Ok(model) = js_sys::Reflect::get(args, &JsValue::from_str("model"))
        && model.is_object()
        && let Ok(text) = js_sys::Reflect::get(&model, &JsValue::from_str("json"))
        && text.is_string()
    {
        let copy = js_sys::Object::assign(&js_sys::Object::new(), args.unchecked_ref());
        js_sys::Reflect::set(&copy, &JsValue::from_str("model"), &text)?;
        return Ok(copy.into());
    }
    Ok(args.clone())
}

/// A JSON array of numbers as a `Float64Array`.
fn floats(v: &Value) -> Float64Array {
    let values: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default();
    Float64Array::from(values.as_slice())
}

/// Pareto/NBD with time-varying covariates (Bachmann, Meierer & Näf 2021):
/// `{frequency, recency, t, first, boundaries, purchases, covariates:
/// {name: values}, covariateNames?, options?}` — `first`: each customer's
/// first purchase on the calendar of `boundaries` (the K + 1 period
/// boundaries, in the summary's unit); `purchases` and each covariate:
/// customers × periods values, customer-major. Returns the model as
/// `fitCovariates` does (`timeVarying: true`).
#[wasm_bindgen(js_name = fitDynamicCovariates, unchecked_return_type = "CovariateModel")]
pub fn fit_dynamic_covariates(
    #[wasm_bindgen(unchecked_param_type = "DynamicFitArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    fitted("fit_dynamic_covariates", &args)
}

/// `{kind: "log_likelihood" | "probability_alive"}` or `{kind:
/// "conditional_expected_purchases", horizon}` of a Pareto/NBD covariate
/// model for each customer with its period covariates (the arguments of
/// `fitDynamicCovariates` plus `model` and `prediction`).
#[wasm_bindgen(js_name = predictDynamic)]
pub fn predict_dynamic(
    #[wasm_bindgen(unchecked_param_type = "DynamicPredictArgs")] args: JsValue,
) -> Result<Float64Array, JsValue> {
    let v = covariate_call("predict_dynamic", &with_model_json(&args)?)?;
    Ok(floats(&v))
}

/// The shop's promise gaps per customer and period, the time-varying
/// covariates of `fitDynamicCovariates`: the tables of `signals`, `unit`,
/// `options: {boundaries: ISO dates, graceDays?, detractorMax?, lag?}`.
/// Returns `{customers, names, columns: {late_deliveries: […], …}
/// (customers × periods, customer-major), boundaries, outside}`.
#[wasm_bindgen(js_name = promisePeriods, unchecked_return_type = "PromisePeriods")]
pub fn promise_periods(
    #[wasm_bindgen(unchecked_param_type = "PromisePeriodArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    keeping_columns(tables_call("promise_periods", &args)?)
}

/// A result with `columns` keyed by the core's names (not camelCased).
fn keeping_columns(mut r: Value) -> Result<JsValue, JsValue> {
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

/// The shop's promise gaps per customer as covariates: the tables of
/// `signals` (orders optional), `unit`, `options?: {until, graceDays,
/// repeatDays, detractorMax, promoterMin}`. Returns `{customers, names,
/// columns: {late_share: […], …}, until, tables}` (column names as in
/// Python and Rust).
#[wasm_bindgen(js_name = promiseCovariates, unchecked_return_type = "PromiseCovariates")]
pub fn promise_covariates(
    #[wasm_bindgen(unchecked_param_type = "SignalArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    keeping_columns(tables_call("promise_covariates", &args)?)
}
