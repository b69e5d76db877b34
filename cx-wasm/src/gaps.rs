//! Expectation gaps for JavaScript: each function takes one object of
//! arguments (camelCase names; matrices as arrays of respondent rows with
//! `null` for no answer; timestamps as `Date`s, ISO strings or epoch
//! milliseconds) and returns a plain object with camelCase keys. Arguments
//! go through `cx::gaps::call`, the entry point Python uses too.

use js_sys::{Array, Date, Object};
use serde_json::{Map, Number, Value};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::convert::{error, numbers, result, snake, type_error};

/// A JS value as JSON, keys unchanged: `Date` → epoch ms, typed arrays →
/// numbers, `NaN`/`undefined` → null (no answer). Infinite numbers are an
/// error naming `argument`.
pub(crate) fn to_json(argument: &str, v: &JsValue) -> Result<Value, JsValue> {
    if v.is_null() || v.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(f) = v.as_f64() {
        return number(argument, f);
    }
    if let Some(s) = v.as_string() {
        return Ok(Value::String(s));
    }
    if let Some(d) = v.dyn_ref::<Date>() {
        return number(argument, d.get_time());
    }
    if js_sys::ArrayBuffer::is_view(v) {
        return numbers(argument, v)?
            .into_iter()
            .map(|f| number(argument, f))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if let Some(a) = v.dyn_ref::<Array>() {
        return a
            .iter()
            .map(|x| to_json(argument, &x))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if v.is_object() {
        let mut m = Map::new();
        for entry in Object::entries(&Object::from(v.clone())).iter() {
            let pair = Array::from(&entry);
            m.insert(
                pair.get(0).as_string().unwrap_or_default(),
                to_json(argument, &pair.get(1))?,
            );
        }
        return Ok(Value::Object(m));
    }
    Err(type_error(
        argument,
        "holds a value that is not a number, string, date, array or object",
    ))
}

fn number(argument: &str, f: f64) -> Result<Value, JsValue> {
    if f.is_nan() {
        return Ok(Value::Null);
    }
    // Whole numbers as integers: item indices and answer codes are read as such.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Ok(Value::Number(Number::from(f as i64)));
    }
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| type_error(argument, "holds an infinite number"))
}

fn run(measure: &str, args: &JsValue) -> Result<JsValue, JsValue> {
    if !args.is_object() {
        return Err(type_error("arguments", "must be an object of named arguments"));
    }
    let mut m = Map::new();
    for entry in Object::entries(&Object::from(args.clone())).iter() {
        let pair = Array::from(&entry);
        let key = pair.get(0).as_string().unwrap_or_default();
        let name = snake(&key);
        // Channel levels come as an object {channel: seconds} in JS.
        let mut value = to_json(&key, &pair.get(1))?;
        if name == "channel_levels"
            && let Value::Object(levels) = value
        {
            value = Value::Array(
                levels
                    .into_iter()
                    .map(|(channel, seconds)| serde_json::json!({"channel": channel, "seconds": seconds}))
                    .collect(),
            );
        }
        m.insert(name, value);
    }
    let r = cx::gaps::call(measure, Value::Object(m)).map_err(error)?;
    result(&r)
}

/// SERVQUAL gaps: `{perceptions, expectations?, dimensions?, importance?,
/// groups?, names?, scale?, level?}`. `dimensions`: `"servqual22"` or
/// `{name: [item indices]}`.
#[wasm_bindgen(unchecked_return_type = "Servqual")]
pub fn servqual(
    #[wasm_bindgen(unchecked_param_type = "ServqualArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("servqual", &args)
}

/// Importance–performance grid: `{performance, importance? | overall?,
/// names?, scale?, crosshair?}`.
#[wasm_bindgen(unchecked_return_type = "Ipa")]
pub fn ipa(#[wasm_bindgen(unchecked_param_type = "IpaArgs")] args: JsValue) -> Result<JsValue, JsValue> {
    run("ipa", &args)
}

/// Kano categories: `{functional, dysfunctional, names?}` (labels or codes
/// 1–5; one column, or respondent rows × attributes).
#[wasm_bindgen(unchecked_return_type = "KanoResult")]
pub fn kano(#[wasm_bindgen(unchecked_param_type = "KanoArgs")] args: JsValue) -> Result<JsValue, JsValue> {
    run("kano", &args)
}

/// Cronbach's alpha with the Feldt interval: `{answers, level?}`.
#[wasm_bindgen(js_name = cronbachAlpha, unchecked_return_type = "Alpha")]
pub fn cronbach_alpha(
    #[wasm_bindgen(unchecked_param_type = "AlphaArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("cronbach_alpha", &args)
}

/// Delivery against the promise: `{promised, delivered, keys?, graceDays?,
/// level?}`.
#[wasm_bindgen(unchecked_return_type = "Delivery")]
pub fn delivery(
    #[wasm_bindgen(unchecked_param_type = "DeliveryArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("delivery", &args)
}

/// Answer times against service levels: `{received, answered, channels?,
/// serviceLevelSeconds, channelLevels?: {channel: seconds}, level?}`.
#[wasm_bindgen(js_name = answerTimes, unchecked_return_type = "AnswerTimes")]
pub fn answer_times(
    #[wasm_bindgen(unchecked_param_type = "AnswerTimesArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("answer_times", &args)
}

/// First-contact resolution: `{cases, timestamps, resolved, channels?,
/// level?}`.
#[wasm_bindgen(js_name = firstContactResolution, unchecked_return_type = "Fcr")]
pub fn first_contact_resolution(
    #[wasm_bindgen(unchecked_param_type = "FcrArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("first_contact_resolution", &args)
}

/// Repeat contacts across channels: `{customers, timestamps, channels,
/// cases?, windowDays?, sameCase?, level?}`.
#[wasm_bindgen(js_name = repeatContacts, unchecked_return_type = "RepeatContacts")]
pub fn repeat_contacts(
    #[wasm_bindgen(unchecked_param_type = "RepeatContactsArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    run("repeat_contacts", &args)
}
