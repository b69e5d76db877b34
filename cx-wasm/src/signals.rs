//! Customer signals for JavaScript: one object of tables (columns as
//! arrays; dates as `Date`s, ISO strings or epoch milliseconds; `null` for
//! an open contact, a pending delivery or no answer) and `options`
//! (camelCase), through `cx::bind`, the layer Python uses too.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{error, json_to_js, rename_keys, result, snake, to_json, type_error};

/// Per-customer churn signals with reasons and a risk ranking:
/// `{orders?, feedback?, contacts?, deliveries?, options?}`. Result keys are
/// camelCase, except the keys of `counts`, which are the signal kinds as
/// in `signal.kind` (`"late_deliveries"`).
#[wasm_bindgen(unchecked_return_type = "SignalReport")]
pub fn signals(
    #[wasm_bindgen(unchecked_param_type = "SignalArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    if !args.is_object() {
        return Err(type_error(
            "arguments",
            "must be an object of tables (orders, feedback, contacts, deliveries) and options",
        ));
    }
    let v = rename_keys(to_json("arguments", &args)?, &snake);
    let mut r = cx::bind::call("signals", v).map_err(error)?;
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
