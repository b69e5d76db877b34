//! Expectation gaps for JavaScript: each function takes one object of
//! arguments (camelCase names; matrices as arrays of respondent rows with
//! `null` for no answer; timestamps as `Date`s, ISO strings or epoch
//! milliseconds) and returns a plain object with camelCase keys. Arguments
//! go through `cx::bind`, the layer Python and the CLI use too.

use js_sys::{Array, Object};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::convert::{error, result, snake, tables_call, to_json, type_error};

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
    let r = cx::bind::call(measure, Value::Object(m)).map_err(error)?;
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

/// Key drivers of an outcome: `{outcome, items, names?, options?:
/// {missing: "listwise" | "pairwise", bootstrap, seed, level,
/// shapleyMaxItems}}`: relative weights and Shapley values of R² with
/// bootstrap intervals.
#[wasm_bindgen(js_name = keyDrivers, unchecked_return_type = "KeyDrivers")]
pub fn key_drivers(
    #[wasm_bindgen(unchecked_param_type = "KeyDriverArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("key_drivers", &args)?)
}

/// Penalty–reward analysis: `{outcome, items, names?, options?: {low, high,
/// level}}`.
#[wasm_bindgen(js_name = penaltyReward, unchecked_return_type = "PenaltyReward")]
pub fn penalty_reward(
    #[wasm_bindgen(unchecked_param_type = "KeyDriverArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("penalty_reward", &args)?)
}

#[wasm_bindgen(typescript_custom_section)]
const DRIVER_TYPES: &'static str = r#"
export interface KeyDriverArgs {
  outcome: Array<number | null> | ArrayLike<number>; items: Array<Array<number | null>>; names?: string[];
  options?: { missing?: "listwise" | "pairwise"; bootstrap?: number; seed?: number; level?: number; shapleyMaxItems?: number; low?: number; high?: number };
}
export interface KeyDrivers {
  r2: number; r2Ci: [number, number] | null; respondents: number; used: number; missing: "listwise" | "pairwise";
  drivers: Array<{
    item: number; name: string | null; correlation: number; beta: number; relativeWeight: number; relativePercent: number;
    relativeCi: [number, number] | null; shapley: number | null; shapleyPercent: number | null; shapleyCi: [number, number] | null; rank: number;
  }>;
  bootstrap: number; level: number; notes: string[];
}
export interface PenaltyReward {
  low: number; high: number; r2: number; respondents: number; used: number; baseline: number; level: number;
  items: Array<{
    item: number; name: string | null; penalty: number; penaltySe: number; penaltyCi: [number, number];
    reward: number; rewardSe: number; rewardCi: [number, number]; counts: [number, number, number];
    kind: "basic" | "exciter" | "performance" | "neither";
  }>;
}
"#;
