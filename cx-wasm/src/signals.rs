//! Customer signals for JavaScript: one object of tables (columns as
//! arrays; dates as `Date`s, ISO strings or epoch milliseconds; `null` for
//! an open contact, a pending delivery or no answer) and `options`
//! (camelCase), through `cx::bind`, the layer Python uses too.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{json_to_js, result, tables_call};

/// Per-customer churn signals with reasons and a risk ranking:
/// `{orders?, feedback?, contacts?, deliveries?, options?}`. Result keys are
/// camelCase, except the keys of `counts`, which are the signal kinds as
/// in `signal.kind` (`"late_deliveries"`).
#[wasm_bindgen(unchecked_return_type = "SignalReport")]
pub fn signals(
    #[wasm_bindgen(unchecked_param_type = "SignalArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result_keeping_keys(tables_call("signals", &args)?, "counts", "counts")
}

/// Backtests the churn signals at cut-off days inside the data and learns
/// a calibration of the risk: `{orders, feedback?, contacts?, deliveries?,
/// options?}` as for `signals`, options as `BacktestOptions`. The result's
/// `calibration` goes back into `signals` as `options.calibration`.
#[wasm_bindgen(unchecked_return_type = "Backtest")]
pub fn backtest(
    #[wasm_bindgen(unchecked_param_type = "BacktestArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    // The keys of `aucSpread` are score names (as in `score`), not fields.
    result_keeping_keys(tables_call("backtest", &args)?, "auc_spread", "aucSpread")
}

/// The result in camelCase, except the object under `field` (JSON name),
/// set as `js_field` with its keys as they are: keys that are names of
/// things (signal kinds, score names), not fields.
fn result_keeping_keys(mut r: Value, field: &str, js_field: &str) -> Result<JsValue, JsValue> {
    let kept = match &mut r {
        Value::Object(m) => m.remove(field),
        _ => None,
    };
    let out = result(&r)?;
    if let Some(k) = kept {
        js_sys::Reflect::set(&out, &JsValue::from_str(js_field), &json_to_js(&k)?)?;
    }
    Ok(out)
}
