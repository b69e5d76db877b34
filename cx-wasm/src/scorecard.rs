//! The scorecard for JavaScript: the shop's tables in one object (columns
//! as arrays; dates as `Date`s, ISO strings or epoch milliseconds) through
//! `cx::bind`, the computation `cx report` and Python's `cx.scorecard` run.

use wasm_bindgen::prelude::*;

use crate::convert::{result, tables_call};

/// Every measure of cx from a shop's tables:
/// `{orders?, feedback?, contacts?, deliveries?, unit?, options?}` with the
/// columns of `ScorecardArgs`; returns the sections `survey`, `gaps`,
/// `retention`, `promise`, `model`, `risk`, the rows used per table
/// (`tables`) and `notes`, with camelCase keys.
#[wasm_bindgen(unchecked_return_type = "Scorecard")]
pub fn scorecard(
    #[wasm_bindgen(unchecked_param_type = "ScorecardArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("scorecard", &args)?)
}
