//! Survey measures for JavaScript.

use cx::survey::{
    self, Ces, CesOptions, Csat, CsatOptions, Nps, Proportion, Scale, Smiley, TimeBucket, TimeUnit,
    Timestamps, options_from_json,
};
use std::cell::RefCell;

use js_sys::{Array, Reflect, Uint8Array};
use serde::de::DeserializeOwned;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::convert::{self, answers, error, get, json_to_js, numbers, result, to_json, with_answers};

use cx::bind::{Args, Column};

type JsResult = Result<JsValue, JsValue>;

/// Options of a measure, read from a JS object by the core's reader.
fn opts<T: DeserializeOwned + Default, O: AsRef<JsValue>>(options: &Option<O>) -> Result<T, JsValue> {
    let json = convert::options(&js(options), &["weights", "keys", "timestamps", "bucket"])?;
    options_from_json(json).map_err(error)
}

/// The `weights` of an options object.
fn weights<O: AsRef<JsValue>>(options: &Option<O>) -> Result<Option<Vec<f64>>, JsValue> {
    get(&js(options), "weights")
        .map(|w| numbers("weights", &w))
        .transpose()
}

#[wasm_bindgen]
extern "C" {
    /// Options of `nps` (declared in the TypeScript section of lib.rs).
    #[wasm_bindgen(typescript_type = "NpsOptions")]
    pub type JsNpsOptions;
    /// Options of `csat`.
    #[wasm_bindgen(typescript_type = "CsatOptions")]
    pub type JsCsatOptions;
    /// Options of `ces`.
    #[wasm_bindgen(typescript_type = "CesOptions")]
    pub type JsCesOptions;
    /// Options of `smiley`.
    #[wasm_bindgen(typescript_type = "SmileyOptions")]
    pub type JsSmileyOptions;
    /// Options of `groupBy`.
    #[wasm_bindgen(typescript_type = "GroupOptions")]
    pub type JsGroupOptions;
    /// One survey weight per answer.
    #[wasm_bindgen(typescript_type = "Weights")]
    pub type JsWeights;
}

/// An optional options object as a plain value (`undefined` when absent).
fn js<T: AsRef<JsValue>>(options: &Option<T>) -> JsValue {
    options
        .as_ref()
        .map_or(JsValue::UNDEFINED, |o| o.as_ref().clone())
}

/// One survey measure through `cx::bind`: the answers in their type
/// (bytes, integers, numbers), the weights and the options, read by the
/// core's readers as in Python.
fn score<O: AsRef<JsValue>>(measure: &str, scores: &JsValue, options: &Option<O>) -> JsResult {
    let mut args = Args::new();
    args.insert(
        "scores",
        match answers("scores", scores)? {
            convert::Answers::Bytes(v) => Column::Bytes(v.into()),
            convert::Answers::Ints(v) => Column::Ints(v.into()),
            convert::Answers::Floats(v) => Column::Floats(v.into()),
        },
    );
    if let Some(w) = weights(options)? {
        args.insert("weights", Column::Floats(w.into()));
    }
    let json = convert::options(&js(options), &["weights", "keys", "timestamps", "bucket"])?;
    args.insert("options", Column::Json(json));
    result(&cx::bind::run_survey(measure, args).map_err(error)?)
}

/// Net Promoter Score of 0–10 answers (`Uint8Array`, any typed array, or
/// an array of numbers). Options: `weights`, `interval` (`"adjusted_wald"`
/// default, or `"wald"`), `level` (0.95).
#[wasm_bindgen(unchecked_return_type = "Nps")]
pub fn nps(
    #[wasm_bindgen(unchecked_param_type = "Scores")] scores: JsValue,
    options: Option<JsNpsOptions>,
) -> JsResult {
    score("nps", &scores, &options)
}

/// CSAT: share of answers ≥ `threshold` (top two boxes by default) with a
/// Wilson interval, and the mean. Options: `weights`, `scale` (`[1, 5]`),
/// `threshold`, `level`.
#[wasm_bindgen(unchecked_return_type = "Csat")]
pub fn csat(
    #[wasm_bindgen(unchecked_param_type = "Scores")] scores: JsValue,
    options: Option<JsCsatOptions>,
) -> JsResult {
    score("csat", &scores, &options)
}

/// Customer effort score: mean and share of easy answers. Options:
/// `weights`, `polarity` (`"ease"`, CES 2.0 on 1–7, or `"effort"`, 1–5),
/// `scale`, `easyThreshold`, `level`.
#[wasm_bindgen(unchecked_return_type = "Ces")]
pub fn ces(
    #[wasm_bindgen(unchecked_param_type = "Scores")] scores: JsValue,
    options: Option<JsCesOptions>,
) -> JsResult {
    score("ces", &scores, &options)
}

/// Smiley terminal (buttons 1 = very unhappy … 4 = very happy): positive
/// share and 0–100 index. Options: `weights`, `level`.
#[wasm_bindgen(unchecked_return_type = "Smiley")]
pub fn smiley(
    #[wasm_bindgen(unchecked_param_type = "Scores")] buttons: JsValue,
    options: Option<JsSmileyOptions>,
) -> JsResult {
    score("smiley", &buttons, &options)
}

/// A result object from JS (camelCase) back into the core type.
fn from_js<T: DeserializeOwned>(argument: &str, v: &JsValue) -> Result<T, JsValue> {
    let json = convert::options(v, &[])?;
    serde_json::from_value(json)
        .map_err(|e| convert::type_error(argument, &format!("is not a matching result: {e}")))
}

fn level(level: Option<f64>) -> f64 {
    level.unwrap_or(0.95)
}

/// Difference `b − a` of two NPS results from independent samples, in
/// points, with z test and interval.
#[wasm_bindgen(js_name = compareNps, unchecked_return_type = "Comparison")]
pub fn compare_nps(
    #[wasm_bindgen(unchecked_param_type = "Nps")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Nps")] b: JsValue,
    level: Option<f64>,
) -> JsResult {
    let (a, b): (Nps, Nps) = (from_js("a", &a)?, from_js("b", &b)?);
    result(&survey::compare_nps(&a, &b, self::level(level)).map_err(error)?)
}

/// Difference of the satisfied shares of two CSAT results.
#[wasm_bindgen(js_name = compareCsat, unchecked_return_type = "Comparison")]
pub fn compare_csat(
    #[wasm_bindgen(unchecked_param_type = "Csat")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Csat")] b: JsValue,
    level: Option<f64>,
) -> JsResult {
    let (a, b): (Csat, Csat) = (from_js("a", &a)?, from_js("b", &b)?);
    result(&survey::compare_csat(&a, &b, self::level(level)).map_err(error)?)
}

/// Difference of the easy shares of two CES results.
#[wasm_bindgen(js_name = compareCes, unchecked_return_type = "Comparison")]
pub fn compare_ces(
    #[wasm_bindgen(unchecked_param_type = "Ces")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Ces")] b: JsValue,
    level: Option<f64>,
) -> JsResult {
    let (a, b): (Ces, Ces) = (from_js("a", &a)?, from_js("b", &b)?);
    result(&survey::compare_ces(&a, &b, self::level(level)).map_err(error)?)
}

/// Difference of the positive shares of two smiley results.
#[wasm_bindgen(js_name = compareSmiley, unchecked_return_type = "Comparison")]
pub fn compare_smiley(
    #[wasm_bindgen(unchecked_param_type = "Smiley")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Smiley")] b: JsValue,
    level: Option<f64>,
) -> JsResult {
    let (a, b): (Smiley, Smiley) = (from_js("a", &a)?, from_js("b", &b)?);
    result(&survey::compare_smiley(&a, &b, self::level(level)).map_err(error)?)
}

/// Difference of two shares from independent samples.
#[wasm_bindgen(js_name = compareProportions, unchecked_return_type = "Comparison")]
pub fn compare_proportions(
    #[wasm_bindgen(unchecked_param_type = "Proportion")] a: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Proportion")] b: JsValue,
    level: Option<f64>,
) -> JsResult {
    let (a, b): (Proportion, Proportion) = (from_js("a", &a)?, from_js("b", &b)?);
    result(&survey::compare_proportions(&a, &b, self::level(level)).map_err(error)?)
}

/// The mergeable answer distribution: the accumulator for continuous
/// collection (see `cx::survey::Distribution`).
#[wasm_bindgen]
pub struct Distribution {
    // A `RefCell` so that `merge` takes `&self`: `d.merge(d)` reads `d`'s
    // bytes while `d` is borrowed, which a `&mut self` method cannot.
    inner: RefCell<cx::survey::Distribution>,
}

impl From<cx::survey::Distribution> for Distribution {
    fn from(d: cx::survey::Distribution) -> Self {
        Distribution {
            inner: RefCell::new(d),
        }
    }
}

#[wasm_bindgen]
impl Distribution {
    /// An empty distribution on `min..=max` (0–10 by default).
    #[wasm_bindgen(constructor)]
    pub fn new(min: Option<i32>, max: Option<i32>) -> Result<Distribution, JsValue> {
        let scale = Scale::new(min.unwrap_or(0), max.unwrap_or(10)).map_err(error)?;
        Ok(Distribution::from(cx::survey::Distribution::new(scale)))
    }

    /// Adds one answer with an optional survey weight (1 by default).
    pub fn push(&self, score: f64, weight: Option<f64>) -> Result<(), JsValue> {
        self.inner
            .borrow_mut()
            .push(score, weight.unwrap_or(1.0))
            .map_err(error)
    }

    /// Adds many answers (typed array or array), with optional weights.
    /// Nothing is added when a row is bad.
    pub fn extend(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Scores")] scores: JsValue,
        weights: Option<JsWeights>,
    ) -> Result<(), JsValue> {
        let a = answers("scores", &scores)?;
        let w = weights.map(|w| numbers("weights", &w)).transpose()?;
        let d = &mut *self.inner.borrow_mut();
        with_answers!(a, |s| match &w {
            None => d.extend(s),
            Some(w) => d.extend_weighted(s, w),
        })
        .map_err(error)
    }

    /// Adds everything in `other` (same scale). `other` is read through its
    /// `toBytes()`, so it stays usable, and anything else is the typed
    /// `input_type` error.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Distribution")] other: JsValue,
    ) -> Result<(), JsValue> {
        let bytes = convert::own_bytes("other", &other, "Distribution")?;
        let other = cx::survey::Distribution::from_bytes(&bytes).map_err(error)?;
        self.inner.borrow_mut().merge(&other).map_err(error)
    }

    /// The state in cx's versioned binary format (identical in Rust and Python).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        Uint8Array::from(&self.inner.borrow().to_bytes()[..])
    }

    /// Decodes `toBytes`; throws a `CxError` with code `decode` on bad bytes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<Distribution, JsValue> {
        let bytes = convert::byte_array(&bytes)?;
        Ok(Distribution {
            inner: RefCell::new(cx::survey::Distribution::from_bytes(&bytes).map_err(error)?),
        })
    }

    /// Answers added.
    #[wasm_bindgen(getter)]
    pub fn n(&self) -> f64 {
        self.inner.borrow().n() as f64
    }

    /// `[min, max]` of the scale.
    #[wasm_bindgen(getter)]
    pub fn scale(&self) -> Vec<i32> {
        vec![
            self.inner.borrow().scale().min(),
            self.inner.borrow().scale().max(),
        ]
    }

    /// Answers per scale point, from the lowest.
    #[wasm_bindgen(getter)]
    pub fn counts(&self) -> Vec<f64> {
        self.inner.borrow().counts().iter().map(|&c| c as f64).collect()
    }

    /// Weight sum per scale point, from the lowest.
    #[wasm_bindgen(getter)]
    pub fn weights(&self) -> Vec<f64> {
        self.inner.borrow().weights().to_vec()
    }

    /// Kish's effective sample size (equals `n` without weights).
    #[wasm_bindgen(getter, js_name = effectiveN)]
    pub fn effective_n(&self) -> f64 {
        self.inner.borrow().effective_n()
    }

    /// NPS of the answers so far (scale must be 0–10).
    #[wasm_bindgen(unchecked_return_type = "Nps")]
    pub fn nps(&self, options: Option<JsNpsOptions>) -> JsResult {
        // Options first: reading them may run the caller's getters.
        let o = opts(&options)?;
        let r = self.inner.borrow().nps(&o);
        result(&r.map_err(error)?)
    }

    /// CSAT of the answers so far, on this distribution's scale.
    #[wasm_bindgen(unchecked_return_type = "Csat")]
    pub fn csat(&self, options: Option<JsCsatOptions>) -> JsResult {
        let mut o: CsatOptions = opts(&options)?;
        o.scale = self.inner.borrow().scale();
        let r = self.inner.borrow().csat(&o);
        result(&r.map_err(error)?)
    }

    /// CES of the answers so far, on this distribution's scale.
    #[wasm_bindgen(unchecked_return_type = "Ces")]
    pub fn ces(&self, options: Option<JsCesOptions>) -> JsResult {
        let mut o: CesOptions = opts(&options)?;
        o.scale = Some(self.inner.borrow().scale());
        let r = self.inner.borrow().ces(&o);
        result(&r.map_err(error)?)
    }

    /// Smiley result of the presses so far (scale must be 1–4).
    #[wasm_bindgen(unchecked_return_type = "Smiley")]
    pub fn smiley(&self, options: Option<JsSmileyOptions>) -> JsResult {
        let o = opts(&options)?;
        let r = self.inner.borrow().smiley(&o);
        result(&r.map_err(error)?)
    }
}

/// Splits answers by `keys` and/or the `bucket` (`"day"`, `"week"` from
/// Monday, `"month"`, in UTC) of `timestamps` in one pass. Returns
/// `{key, period, distribution}` objects ordered by key, then period
/// (`period` as `YYYY-MM-DD`).
#[wasm_bindgen(js_name = groupBy, unchecked_return_type = "Group[]")]
pub fn group_by(
    #[wasm_bindgen(unchecked_param_type = "Scores")] scores: JsValue,
    options: Option<JsGroupOptions>,
) -> JsResult {
    let w = weights(&options)?;
    let options = js(&options);
    let scale = match get(&options, "scale") {
        None => Scale::NPS,
        Some(s) => {
            let json: Value = serde_json::json!({ "scale": to_json("scale", &s)? });
            options_from_json::<CsatOptions>(json).map_err(error)?.scale
        }
    };
    let a = answers("scores", &scores)?;
    // Keys and timestamps through the binding layer's readers, as in every
    // call (Dates and epoch milliseconds as numbers in ms, ISO text parsed).
    let mut args = Args::new();
    for name in ["keys", "timestamps"] {
        if let Some(v) = get(&options, name) {
            args.insert(name, Column::Json(to_json(name, &v)?));
        }
    }
    let unit = TimeUnit::Milliseconds;
    let k = args.keys("keys").map_err(error)?;
    let ts = args.times("timestamps", unit).map_err(error)?;
    let bucket: TimeBucket = get(&options, "bucket")
        .and_then(|b| b.as_string())
        .unwrap_or_else(|| "week".into())
        .parse()
        .map_err(error)?;
    let time = ts.as_deref().map(|values| Timestamps { values, unit, bucket });
    let codes = k.as_ref().map(|k| &k.codes[..]);
    let groups =
        with_answers!(a, |s| survey::group_by(scale, s, w.as_deref(), codes, time)).map_err(error)?;
    let out = Array::new();
    for g in groups {
        let o = js_sys::Object::new();
        let key: JsValue = match (&k, g.key) {
            (Some(k), Some(code)) => json_to_js(&k.label(code))?,
            _ => JsValue::NULL,
        };
        let period: JsValue = g
            .period
            .map(|p| JsValue::from(p.to_string()))
            .unwrap_or(JsValue::NULL);
        let _ = Reflect::set(&o, &"key".into(), &key);
        let _ = Reflect::set(&o, &"period".into(), &period);
        let _ = Reflect::set(
            &o,
            &"distribution".into(),
            &Distribution::from(g.distribution).into(),
        );
        out.push(&o);
    }
    Ok(out.into())
}
