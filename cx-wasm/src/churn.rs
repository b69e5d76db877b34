//! Churn models for JavaScript: `ChurnModel` holds a fitted (or loaded)
//! model; columns come in as arrays or typed arrays, predictions go out as
//! `Float64Array`s. The JSON of `toJson()` is the one Python and Rust read.

use cx::bind::{Args, Column};
use cx::churn::{AnyModel, Prediction};
use js_sys::Float64Array;
use wasm_bindgen::prelude::*;

use crate::convert::{self, error, get, result, to_json};

#[wasm_bindgen]
extern "C" {
    /// Per-customer columns (declared in lib.rs).
    #[wasm_bindgen(typescript_type = "CustomerColumns")]
    pub type JsCustomers;
    /// Fit options.
    #[wasm_bindgen(typescript_type = "FitOptions")]
    pub type JsFitOptions;
    /// CLV options.
    #[wasm_bindgen(typescript_type = "ClvOptions")]
    pub type JsClvOptions;
}

/// The customer columns of a JS object (`frequency`, `recency`, `t` or
/// `T`, `monetaryValue`) as arguments of the binding layer.
fn customer_args(v: &JsValue) -> Result<Args<'static>, JsValue> {
    if !v.is_object() {
        return Err(convert::type_error(
            "customers",
            "must be an object of columns {frequency, recency, t, monetaryValue?}",
        ));
    }
    let mut args = Args::new();
    for (js, name) in [
        ("frequency", "frequency"),
        ("recency", "recency"),
        ("t", "t"),
        ("T", "T"),
        ("monetaryValue", "monetary_value"),
        ("monetary_value", "monetary_value"),
    ] {
        if let Some(c) = get(v, js) {
            args.insert(name, convert::column(js, &c, convert::Holds::Numbers)?);
        }
    }
    Ok(args)
}

/// What a transaction table's column holds.
pub(crate) fn transaction_column(name: &str) -> convert::Holds {
    match name {
        "customers" => convert::Holds::Keys,
        "timestamps" => convert::Holds::Times,
        _ => convert::Holds::Numbers,
    }
}

fn array(v: Vec<f64>) -> Float64Array {
    Float64Array::from(&v[..])
}

/// A churn model: BG/NBD, MBG/NBD, Pareto/NBD or gamma-gamma.
#[wasm_bindgen(js_name = ChurnModel)]
pub struct JsChurnModel {
    inner: AnyModel,
}

#[wasm_bindgen(js_class = ChurnModel)]
impl JsChurnModel {
    /// Fits `model` (`"bg_nbd"`, `"mbg_nbd"`, `"pareto_nbd"` or
    /// `"gamma_gamma"`) to customer columns, e.g. the result of
    /// `customerSummary`, optionally with `weights` (customers per row).
    /// Options: `penalizer`, `initial`, `maxIterations`, `acceptUnconverged`.
    pub fn fit(
        #[wasm_bindgen(unchecked_param_type = "string")] model: JsValue,
        customers: &JsCustomers,
        options: Option<JsFitOptions>,
    ) -> Result<JsChurnModel, JsValue> {
        let json = convert::options(&options.map_or(JsValue::UNDEFINED, Into::into), &[])?;
        let mut args = customer_args(customers.as_ref())?;
        // lifetimes' `weights`: customers per row of a compressed summary.
        if let Some(w) = get(customers.as_ref(), "weights") {
            args.insert("weights", Column::Json(to_json("weights", &w)?));
        }
        args.insert("model", Column::Json(text("model", &model)?.into()));
        args.insert("options", Column::Json(json));
        let inner = cx::bind::fit(&mut args).map_err(error)?;
        Ok(JsChurnModel { inner })
    }

    /// Reads a model's JSON (from `toJson()`, Python's `to_json()` or Rust).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
    ) -> Result<JsChurnModel, JsValue> {
        Ok(JsChurnModel {
            inner: AnyModel::from_json(&text("json", &json)?).map_err(error)?,
        })
    }

    /// The model as JSON (snake_case keys, as in every language).
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// `"bg_nbd"`, `"mbg_nbd"`, `"pareto_nbd"` or `"gamma_gamma"`.
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        cx::churn::model_name(&self.inner).to_owned()
    }

    /// The parameters by name.
    #[wasm_bindgen(getter, unchecked_return_type = "Record<string, number>")]
    pub fn params(&self) -> Result<JsValue, JsValue> {
        let mut v = serde_json::to_value(&self.inner).map_err(|e| JsValue::from(e.to_string()))?;
        if let Some(m) = v.as_object_mut() {
            m.remove("model");
            m.remove("fit");
        }
        result(&v)
    }

    /// Each parameter with its standard error and Wald interval at `level`
    /// (0.95 by default); `se`, `low`, `high` are null for a model from
    /// given parameters.
    #[wasm_bindgen(unchecked_return_type = "Parameter[]")]
    pub fn parameters(&self, level: Option<f64>) -> Result<JsValue, JsValue> {
        result(&self.inner.parameters(level.unwrap_or(0.95)).map_err(error)?)
    }

    /// How the fit went (camelCase keys), or null for a model from given
    /// parameters.
    #[wasm_bindgen(getter, unchecked_return_type = "FitReport | null")]
    pub fn report(&self) -> Result<JsValue, JsValue> {
        match self.inner.fit_report() {
            Some(r) => result(r),
            None => Ok(JsValue::NULL),
        }
    }

    /// A prediction through `cx::bind::predict_kind` (the layer's readers).
    fn predict(&self, p: Prediction, mut args: Args<'_>) -> Result<Float64Array, JsValue> {
        Ok(array(
            cx::bind::predict_kind(&self.inner, &p, &mut args).map_err(error)?,
        ))
    }

    fn run(&self, p: Prediction, customers: &JsValue) -> Result<Float64Array, JsValue> {
        self.predict(p, customer_args(customers)?)
    }

    /// Periods `t` of new customers as the layer's argument.
    fn periods(t: &JsValue) -> Result<Args<'static>, JsValue> {
        let mut args = Args::new();
        args.insert("t", Column::Json(to_json("t", t)?));
        Ok(args)
    }

    /// P(alive) of each customer.
    #[wasm_bindgen(js_name = probabilityAlive)]
    pub fn probability_alive(&self, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(Prediction::ProbabilityAlive, customers.as_ref())
    }

    /// Expected purchases of each customer in the next `horizon` time units.
    #[wasm_bindgen(js_name = predictPurchases)]
    pub fn predict_purchases(&self, horizon: f64, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(
            Prediction::ConditionalExpectedPurchases { horizon },
            customers.as_ref(),
        )
    }

    /// P(exactly `n` purchases in the next `horizon` | history) of each
    /// customer (the conditional PMF).
    #[wasm_bindgen(js_name = conditionalProbabilityOfPurchases)]
    pub fn conditional_probability_of_purchases(
        &self,
        n: u32,
        horizon: f64,
        customers: &JsCustomers,
    ) -> Result<Float64Array, JsValue> {
        self.run(
            Prediction::ConditionalProbabilityOfPurchases { horizon, n },
            customers.as_ref(),
        )
    }

    /// P(at least one purchase in the next `horizon`) of each customer.
    #[wasm_bindgen(js_name = probabilityOfAnyPurchase)]
    pub fn probability_of_any_purchase(
        &self,
        horizon: f64,
        customers: &JsCustomers,
    ) -> Result<Float64Array, JsValue> {
        self.run(
            Prediction::ProbabilityOfAnyPurchase { horizon },
            customers.as_ref(),
        )
    }

    /// The `q`-quantile of each customer's number of purchases in the next
    /// `horizon` (two of them make an interval).
    #[wasm_bindgen(js_name = purchasesQuantile)]
    pub fn purchases_quantile(
        &self,
        q: f64,
        horizon: f64,
        customers: &JsCustomers,
    ) -> Result<Float64Array, JsValue> {
        self.run(Prediction::PurchasesQuantile { horizon, q }, customers.as_ref())
    }

    /// P(alive `horizon` after T) whatever the customer does meanwhile.
    #[wasm_bindgen(js_name = probabilityAliveAt)]
    pub fn probability_alive_at(
        &self,
        horizon: f64,
        customers: &JsCustomers,
    ) -> Result<Float64Array, JsValue> {
        self.run(Prediction::ProbabilityAliveAt { horizon }, customers.as_ref())
    }

    /// P(alive `horizon` after T) of a customer who stays silent until then.
    #[wasm_bindgen(js_name = probabilityAliveIfSilent)]
    pub fn probability_alive_if_silent(
        &self,
        horizon: f64,
        customers: &JsCustomers,
    ) -> Result<Float64Array, JsValue> {
        self.run(
            Prediction::ProbabilityAliveIfSilent { horizon },
            customers.as_ref(),
        )
    }

    /// Intervals of `prediction` (e.g. `{kind: "conditional_expected_purchases",
    /// horizon: 13}`) per customer and for the total, from the uncertainty
    /// of this fitted model's parameters; `customers` are the columns it was
    /// fitted to (with `weights` if it was). Options: `method`
    /// (`"parametric"` or `"customers"`), `replicates` (200), `level` (0.9),
    /// `seed` (0), `periods` (a new customer's ages instead of the customers).
    #[wasm_bindgen(unchecked_return_type = "BootstrapIntervals")]
    pub fn bootstrap(
        &self,
        #[wasm_bindgen(unchecked_param_type = "{ kind: string; [key: string]: unknown }")]
        prediction: JsValue,
        customers: &JsCustomers,
        #[wasm_bindgen(unchecked_param_type = "BootstrapOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let mut args = customer_args(customers.as_ref())?;
        if let Some(w) = get(customers.as_ref(), "weights") {
            args.insert("weights", Column::Json(to_json("weights", &w)?));
        }
        if let Some(p) = get(&options, "periods") {
            args.insert("periods", Column::Json(to_json("periods", &p)?));
        }
        args.insert("model", Column::Json(self.inner.to_json().into()));
        args.insert("prediction", Column::Json(convert::options(&prediction, &[])?));
        args.insert("options", Column::Json(convert::options(&options, &["periods"])?));
        result(&cx::bind::run("bootstrap", args).map_err(error)?)
    }

    /// P(alive) along one customer's own history: at each time of `at`
    /// (since the first purchase), given the repeat `purchases` (times since
    /// the first purchase, ascending) up to then.
    #[wasm_bindgen(js_name = alivePath)]
    pub fn alive_path(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] purchases: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number>")] at: JsValue,
    ) -> Result<Float64Array, JsValue> {
        let mut args = Args::new();
        args.insert("model", Column::Json(self.inner.to_json().into()));
        args.insert("purchases", Column::Json(to_json("purchases", &purchases)?));
        args.insert("at", Column::Json(to_json("at", &at)?));
        let v = cx::bind::run("alive_path", args).map_err(error)?;
        let xs: Vec<f64> = v
            .as_array()
            .map(|a| a.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect())
            .unwrap_or_default();
        Ok(array(xs))
    }

    /// Discounted expected residual transactions of each customer; `delta`
    /// is the continuous discount rate per time unit.
    pub fn dert(&self, delta: f64, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(Prediction::Dert { delta }, customers.as_ref())
    }

    /// Time after T until P(alive) of a silent customer falls below
    /// `threshold` (the win-back date); NaN where it never does.
    #[wasm_bindgen(js_name = churnDeadline)]
    pub fn churn_deadline(&self, threshold: f64, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(Prediction::ChurnDeadline { threshold }, customers.as_ref())
    }

    /// Expected purchases of a new customer within each period length `t`.
    #[wasm_bindgen(js_name = expectedPurchases)]
    pub fn expected_purchases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number> | Float64Array")] t: JsValue,
    ) -> Result<Float64Array, JsValue> {
        self.predict(Prediction::ExpectedPurchases, Self::periods(&t)?)
    }

    /// P(X(t) = n) of a new customer for each `t` (BG/NBD and MBG/NBD).
    #[wasm_bindgen(js_name = probabilityOfPurchases)]
    pub fn probability_of_purchases(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number> | Float64Array")] t: JsValue,
        n: u32,
    ) -> Result<Float64Array, JsValue> {
        self.predict(Prediction::ProbabilityOfPurchases { n }, Self::periods(&t)?)
    }

    /// Expected spend per purchase of each customer (gamma-gamma).
    #[wasm_bindgen(js_name = expectedSpend)]
    pub fn expected_spend(&self, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(Prediction::ExpectedSpend, customers.as_ref())
    }

    /// Each customer's log-likelihood at these parameters.
    #[wasm_bindgen(js_name = logLikelihood)]
    pub fn log_likelihood(&self, customers: &JsCustomers) -> Result<Float64Array, JsValue> {
        self.run(Prediction::LogLikelihood, customers.as_ref())
    }

    /// Customer lifetime value, called on the gamma-gamma model with the
    /// purchase model. Options: `months` (12), `discountRate` (0.01 per
    /// month), `periodsPerMonth` (30 for days, 4.345 for weeks). The purchase
    /// model is read through its `toJson()` and stays usable.
    pub fn clv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChurnModel")] purchases: JsValue,
        customers: &JsCustomers,
        options: Option<JsClvOptions>,
    ) -> Result<Float64Array, JsValue> {
        let purchases = convert::call_own("purchases", &purchases, "toJson", "ChurnModel")?
            .as_string()
            .ok_or_else(|| convert::type_error("purchases", "must be a ChurnModel"))?;
        let purchases = AnyModel::from_json(&purchases).map_err(error)?;
        let mut args = customer_args(customers.as_ref())?;
        let json = convert::options(&options.map_or(JsValue::UNDEFINED, Into::into), &[])?;
        args.insert("options", Column::Json(json));
        Ok(array(
            cx::bind::clv_with(&purchases, &self.inner, &mut args).map_err(error)?,
        ))
    }

    /// The tracking plot's data on a transaction table `{customers,
    /// timestamps}`: actual and expected cumulative repeat purchases per
    /// model time unit (lifetimes' `expected_cumulative_transactions`).
    /// Options: `period` (base period, `"day"`), `multiplier` (base periods
    /// per model unit, lifetimes' `freq_multiplier`), `periods` (how many
    /// base periods; default through the last purchase).
    #[wasm_bindgen(js_name = expectedCumulativeTransactions, unchecked_return_type = "Tracking")]
    pub fn expected_cumulative_transactions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TransactionTable")] transactions: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TrackingOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !transactions.is_object() {
            return Err(convert::type_error(
                "transactions",
                "must be an object of columns {customers, timestamps}",
            ));
        }
        let mut args = Args::new();
        args.insert("model", Column::Json(self.inner.to_json().into()));
        args.insert("options", Column::Json(convert::options(&options, &[])?));
        for name in ["customers", "timestamps"] {
            if let Some(c) = get(&transactions, name) {
                args.insert(name, convert::column(name, &c, transaction_column(name))?);
            }
        }
        result(&cx::bind::run("expected_cumulative_transactions", args).map_err(error)?)
    }

    /// Predicted vs actual purchases in a holdout period of length
    /// `durationHoldout`, in aggregate and by calibration frequency.
    #[wasm_bindgen(js_name = calibrationVsHoldout, unchecked_return_type = "HoldoutCheck")]
    pub fn calibration_vs_holdout(
        &self,
        customers: &JsCustomers,
        #[wasm_bindgen(unchecked_param_type = "ArrayLike<number> | Float64Array")] frequency_holdout: JsValue,
        duration_holdout: f64,
        last_bin: Option<u32>,
    ) -> Result<JsValue, JsValue> {
        let mut args = customer_args(customers.as_ref())?;
        args.insert(
            "frequency_holdout",
            Column::Json(to_json("frequencyHoldout", &frequency_holdout)?),
        );
        args.insert("duration_holdout", Column::Json(duration_holdout.into()));
        args.insert("last_bin", Column::Json(last_bin.unwrap_or(7).into()));
        let r = cx::bind::holdout_with(&self.inner, &mut args).map_err(error)?;
        result(&r)
    }
}

/// Reads a model's JSON: the same as `ChurnModel.fromJson`.
#[wasm_bindgen(js_name = loadModel)]
pub fn load_model(
    #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
) -> Result<JsChurnModel, JsValue> {
    JsChurnModel::from_json(json)
}

/// A string argument, or the typed `input_type` error: a number or an
/// object where text belongs is a `CxError`, never a WebAssembly trap.
fn text(argument: &str, v: &JsValue) -> Result<String, JsValue> {
    v.as_string()
        .ok_or_else(|| convert::type_error(argument, "must be a string"))
}
