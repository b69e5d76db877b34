//! The discrete-time models for JavaScript: `ShiftedBetaGeometric` (sBG,
//! contractual churn) and `BetaGeoBetaBinom` (BG/BB, fixed purchase
//! opportunities), through `cx::bind` like every export. A model is its
//! JSON, the same text Python and Rust read.

use cx::bind::{Args, Column};
use js_sys::Float64Array;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{self, error, get, result, to_json};

/// Runs a bind call with `model`, a `prediction` object and named columns.
fn call(
    name: &str,
    model: &Value,
    prediction: Value,
    columns: &[(&str, &JsValue)],
) -> Result<Value, JsValue> {
    let mut args = Args::new();
    args.insert("model", Column::Json(model.clone()));
    args.insert("prediction", Column::Json(prediction));
    for (k, v) in columns {
        args.insert(*k, Column::Json(to_json(k, v)?));
    }
    cx::bind::run(name, args).map_err(error)
}

fn floats(v: &Value) -> Float64Array {
    let xs: Vec<f64> = v
        .as_array()
        .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
        .unwrap_or_default();
    Float64Array::from(&xs[..])
}

/// A fit through `cx::bind`: the data object's named columns and options.
fn fit(name: &str, data: &JsValue, columns: &[&str], options: &JsValue) -> Result<Value, JsValue> {
    if !data.is_object() {
        return Err(convert::type_error(
            "data",
            &format!("must be an object of columns {{{}}}", columns.join(", ")),
        ));
    }
    let mut args = Args::new();
    args.insert("options", Column::Json(convert::options(options, &[])?));
    for c in columns {
        if let Some(v) = get(data, c) {
            args.insert(*c, Column::Json(to_json(c, &v)?));
        }
    }
    cx::bind::run(name, args).map_err(error)
}

fn params(model: &Value, names: &[&str]) -> Result<JsValue, JsValue> {
    let v: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| ((*n).to_owned(), model[*n].clone()))
        .collect();
    result(&v)
}

fn report(model: &Value) -> Result<JsValue, JsValue> {
    match model.get("fit") {
        Some(r) => result(r),
        None => Ok(JsValue::NULL),
    }
}

/// Reads a model's JSON text and checks it with a cheap prediction.
fn load(
    json: &JsValue,
    check: &str,
    prediction: Value,
    columns: &[(&str, &JsValue)],
) -> Result<Value, JsValue> {
    let text = json
        .as_string()
        .ok_or_else(|| convert::type_error("json", "must be a string"))?;
    let model: Value =
        serde_json::from_str(&text).map_err(|e| convert::type_error("json", &format!("is not JSON: {e}")))?;
    call(check, &model, prediction, columns)?;
    Ok(model)
}

/// The shifted-beta-geometric model of contractual churn (Fader & Hardie
/// 2007): each customer churns at the end of a period with probability
/// θ ~ Beta(α, β).
#[wasm_bindgen]
pub struct ShiftedBetaGeometric {
    model: Value,
}

#[wasm_bindgen]
impl ShiftedBetaGeometric {
    /// Fits to `{survivors}` (a cohort's counts S₀, S₁, …) or to customers'
    /// `{periods, churned, weights?}`. Options: `penalizer`, `maxIterations`,
    /// `acceptUnconverged`.
    pub fn fit(
        #[wasm_bindgen(
            unchecked_param_type = "{ survivors?: ArrayLike<number>; periods?: ArrayLike<number>; churned?: ArrayLike<boolean>; weights?: ArrayLike<number> }"
        )]
        data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    ) -> Result<ShiftedBetaGeometric, JsValue> {
        let model = fit(
            "sbg_fit",
            &data,
            &["survivors", "periods", "churned", "weights"],
            &options,
        )?;
        Ok(ShiftedBetaGeometric { model })
    }

    /// Reads a model's JSON (from `toJson()`, Python or Rust).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<ShiftedBetaGeometric, JsValue> {
        let model = load(
            &json,
            "sbg_predict",
            serde_json::json!({"kind": "expected_lifetime"}),
            &[],
        )?;
        Ok(ShiftedBetaGeometric { model })
    }

    /// The model as JSON.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.model.to_string()
    }

    /// `{alpha, beta}`.
    #[wasm_bindgen(getter, unchecked_return_type = "{ alpha: number; beta: number }")]
    pub fn params(&self) -> Result<JsValue, JsValue> {
        params(&self.model, &["alpha", "beta"])
    }

    /// How the fit went (null for given parameters).
    #[wasm_bindgen(getter, unchecked_return_type = "FitReport | null")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        report(&self.model)
    }

    fn per_period(&self, kind: Value, t: &JsValue) -> Result<Float64Array, JsValue> {
        Ok(floats(&call("sbg_predict", &self.model, kind, &[("t", t)])?))
    }

    /// S(t): the share of a cohort still a customer after each `t` periods.
    pub fn survival(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] t: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.per_period(serde_json::json!({"kind": "survival"}), &t)
    }

    /// P(churn in period t) of a new customer, for each `t` ≥ 1.
    #[wasm_bindgen(js_name = churnProbability)]
    pub fn churn_probability(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] t: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.per_period(serde_json::json!({"kind": "churn_probability"}), &t)
    }

    /// The retention rate of each period `t` ≥ 1.
    #[wasm_bindgen(js_name = retentionRate)]
    pub fn retention_rate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] t: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.per_period(serde_json::json!({"kind": "retention_rate"}), &t)
    }

    /// Expected lifetime in periods (Infinity when α ≤ 1).
    #[wasm_bindgen(js_name = expectedLifetime)]
    pub fn expected_lifetime(&self) -> Result<f64, JsValue> {
        let v = call(
            "sbg_predict",
            &self.model,
            serde_json::json!({"kind": "expected_lifetime"}),
            &[],
        )?;
        Ok(v[0].as_f64().unwrap_or(f64::INFINITY))
    }

    /// Discounted expected lifetime of a new customer.
    #[wasm_bindgen(js_name = discountedExpectedLifetime)]
    pub fn discounted_expected_lifetime(&self, discount_rate: f64) -> Result<f64, JsValue> {
        let p = serde_json::json!({"kind": "discounted_expected_lifetime", "discount_rate": discount_rate});
        let v = call("sbg_predict", &self.model, p, &[])?;
        Ok(v[0].as_f64().unwrap_or(f64::NAN))
    }

    /// Discounted expected residual lifetime just before each renewal `n` ≥ 1.
    #[wasm_bindgen(js_name = discountedExpectedResidualLifetime)]
    pub fn discounted_expected_residual_lifetime(
        &self,
        discount_rate: f64,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] renewal: JsValue,
    ) -> Result<Float64Array, JsValue> {
        let p = serde_json::json!({"kind": "discounted_expected_residual_lifetime", "discount_rate": discount_rate});
        self.per_period(p, &renewal)
    }
}

/// BG/BB (Fader, Hardie & Shang 2010): buy-till-you-die over fixed purchase
/// opportunities. Customers are `{frequency, recency, periods}` columns.
#[wasm_bindgen]
pub struct BetaGeoBetaBinom {
    model: Value,
}

const OPPORTUNITIES: [&str; 3] = ["frequency", "recency", "periods"];

#[wasm_bindgen]
impl BetaGeoBetaBinom {
    /// Fits to `{frequency, recency, periods, weights?}`.
    pub fn fit(
        #[wasm_bindgen(
            unchecked_param_type = "{ frequency: ArrayLike<number>; recency: ArrayLike<number>; periods: ArrayLike<number>; weights?: ArrayLike<number> }"
        )]
        data: JsValue,
        #[wasm_bindgen(unchecked_param_type = "FitOptions | undefined")] options: JsValue,
    ) -> Result<BetaGeoBetaBinom, JsValue> {
        let model = fit(
            "bgbb_fit",
            &data,
            &["frequency", "recency", "periods", "weights"],
            &options,
        )?;
        Ok(BetaGeoBetaBinom { model })
    }

    /// Reads a model's JSON (from `toJson()`, Python or Rust).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<BetaGeoBetaBinom, JsValue> {
        let one = JsValue::from(js_sys::Array::of1(&1.0.into()));
        let model = load(
            &json,
            "bgbb_predict",
            serde_json::json!({"kind": "expected_purchases"}),
            &[("periods", &one)],
        )?;
        Ok(BetaGeoBetaBinom { model })
    }

    /// The model as JSON.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.model.to_string()
    }

    /// `{alpha, beta, gamma, delta}`.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ alpha: number; beta: number; gamma: number; delta: number }"
    )]
    pub fn params(&self) -> Result<JsValue, JsValue> {
        params(&self.model, &["alpha", "beta", "gamma", "delta"])
    }

    /// How the fit went (null for given parameters).
    #[wasm_bindgen(getter, unchecked_return_type = "FitReport | null")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        report(&self.model)
    }

    fn predict(&self, kind: Value, customers: &JsValue) -> Result<Float64Array, JsValue> {
        if !customers.is_object() {
            return Err(convert::type_error(
                "customers",
                "must be an object of columns {frequency, recency, periods}",
            ));
        }
        let cols: Vec<(&str, JsValue)> = OPPORTUNITIES
            .iter()
            .filter_map(|c| get(customers, c).map(|v| (*c, v)))
            .collect();
        let refs: Vec<(&str, &JsValue)> = cols.iter().map(|(k, v)| (*k, v)).collect();
        Ok(floats(&call("bgbb_predict", &self.model, kind, &refs)?))
    }

    /// P(alive at the next opportunity) of each customer.
    #[wasm_bindgen(js_name = probabilityAlive)]
    pub fn probability_alive(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OpportunityTable")] customers: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.predict(serde_json::json!({"kind": "probability_alive"}), &customers)
    }

    /// Expected purchases of each customer at the next `future` opportunities.
    #[wasm_bindgen(js_name = predictPurchases)]
    pub fn predict_purchases(
        &self,
        future: f64,
        #[wasm_bindgen(unchecked_param_type = "OpportunityTable")] customers: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.predict(
            serde_json::json!({"kind": "conditional_expected_purchases", "future": future}),
            &customers,
        )
    }

    /// Discounted expected residual transactions (opportunity n+k discounted
    /// by (1 + discountRate)^−k).
    pub fn dert(
        &self,
        discount_rate: f64,
        #[wasm_bindgen(unchecked_param_type = "OpportunityTable")] customers: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.predict(
            serde_json::json!({"kind": "dert", "discount_rate": discount_rate}),
            &customers,
        )
    }

    /// Each customer's log-likelihood.
    #[wasm_bindgen(js_name = logLikelihood)]
    pub fn log_likelihood(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OpportunityTable")] customers: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.predict(serde_json::json!({"kind": "log_likelihood"}), &customers)
    }

    /// Expected purchases of a new customer at the first `n` opportunities.
    #[wasm_bindgen(js_name = expectedPurchases)]
    pub fn expected_purchases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] n: JsValue,
    ) -> Result<Float64Array, JsValue> {
        Ok(floats(&call(
            "bgbb_predict",
            &self.model,
            serde_json::json!({"kind": "expected_purchases"}),
            &[("periods", &n)],
        )?))
    }
}
