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
    let mut r = tables_call("signals", &args)?;
    let counts = match &mut r {
        Value::Object(m) => m.remove("counts"),
        _ => None,
    };
    let out = result(&r)?;
    if let Some(c) = counts {
        js_sys::Reflect::set(&out, &JsValue::from_str("counts"), &json_to_js(&c)?)?;
    }
    Ok(out)
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
    let mut r = tables_call("backtest", &args)?;
    let spread = match &mut r {
        Value::Object(m) => m.remove("auc_spread"),
        _ => None,
    };
    let out = result(&r)?;
    if let Some(s) = spread {
        js_sys::Reflect::set(&out, &JsValue::from_str("aucSpread"), &json_to_js(&s)?)?;
    }
    Ok(out)
}
