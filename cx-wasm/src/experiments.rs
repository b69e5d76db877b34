//! Survey analytics for JavaScript: planning, control charts and
//! experiments watched every day. Each function takes one object of
//! arguments (camelCase) and returns a plain object; charts and tests
//! return a `state` to pass back with the next readings, so that a page or
//! a terminal keeps them current in O(1) per answer. Through `cx::bind`,
//! as Python and the CLI.

use wasm_bindgen::prelude::*;

use crate::convert::{result, tables_call};

/// Answers per group to detect a change: `{measure: "nps", from:
/// {promoters, detractors}, to?: {…} | change?: points, options?}` or
/// `{measure: "share", from: 0.75, to: 0.8, options?: {alpha, power,
/// twoSided, formula: "pooled" | "continuity_corrected" | "arcsine"}}`.
#[wasm_bindgen(js_name = sampleSize, unchecked_return_type = "SampleSize")]
pub fn sample_size(
    #[wasm_bindgen(unchecked_param_type = "PlanArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("sample_size", &args)?)
}

/// The smallest change `perGroup` answers per group detect:
/// `{measure, from, perGroup, options?}`.
#[wasm_bindgen(js_name = detectableChange, unchecked_return_type = "DetectableChange")]
pub fn detectable_change(
    #[wasm_bindgen(unchecked_param_type = "PlanArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("detectable_change", &args)?)
}

/// EWMA chart: `{values, periods?, options?: {lambda, l, target, sigma,
/// baseline}, state?}`.
#[wasm_bindgen(unchecked_return_type = "ControlChart")]
pub fn ewma(#[wasm_bindgen(unchecked_param_type = "ChartArgs")] args: JsValue) -> Result<JsValue, JsValue> {
    result(&tables_call("ewma", &args)?)
}

/// Tabular CUSUM chart: `{values, periods?, options?: {k, h, target,
/// sigma, baseline}, state?}`.
#[wasm_bindgen(unchecked_return_type = "ControlChart")]
pub fn cusum(#[wasm_bindgen(unchecked_param_type = "ChartArgs")] args: JsValue) -> Result<JsValue, JsValue> {
    result(&tables_call("cusum", &args)?)
}

/// Laney's p′ chart: `{successes, sizes, periods?, options?: {l}}`.
#[wasm_bindgen(js_name = laneyP, unchecked_return_type = "LaneyChart")]
pub fn laney_p(
    #[wasm_bindgen(unchecked_param_type = "LaneyArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("laney_p", &args)?)
}

/// An always-valid interval: `{values, answers: "nps" | "share" | {kind:
/// "bounded", min, max}, options?: {alpha, plannedN, sigma}, state?}`.
#[wasm_bindgen(js_name = confidenceSequence, unchecked_return_type = "SequenceInterval")]
pub fn confidence_sequence(
    #[wasm_bindgen(unchecked_param_type = "SequenceArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("confidence_sequence", &args)?)
}

/// A sequential A/B test over a stream of answers: `{values, arms,
/// answers, control?, periods?, options?, state?}`.
#[wasm_bindgen(js_name = sequentialTest, unchecked_return_type = "SequentialTest")]
pub fn sequential_test(
    #[wasm_bindgen(unchecked_param_type = "SequenceArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("sequential_test", &args)?)
}

/// CUPED-adjusted difference of two arms: `{outcome, covariate, arms,
/// control?, level?}`.
#[wasm_bindgen(unchecked_return_type = "Cuped")]
pub fn cuped(#[wasm_bindgen(unchecked_param_type = "CupedArgs")] args: JsValue) -> Result<JsValue, JsValue> {
    result(&tables_call("cuped", &args)?)
}

/// Segments by attitude and behaviour: `{features, names?, options?: {k,
/// kMin, kMax, seed, restarts, silhouetteSample, level}}` (feature rows:
/// survey answers beside RFM, cadence or CLV).
#[wasm_bindgen(unchecked_return_type = "Segmentation")]
pub fn segments(
    #[wasm_bindgen(unchecked_param_type = "SegmentArgs")] args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("segments", &args)?)
}

/// Assigns rows of features to the segments of a segmentation (the result
/// of `segments`, or its JSON parsed): `{segmentation, features}`.
#[wasm_bindgen(js_name = assignSegments, unchecked_return_type = "{ assignments: Array<number | null>; k: number }")]
pub fn assign_segments(
    #[wasm_bindgen(
        unchecked_param_type = "{ segmentation: Segmentation; features: Array<Array<number | null>> }"
    )]
    args: JsValue,
) -> Result<JsValue, JsValue> {
    result(&tables_call("assign_segments", &args)?)
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export interface NpsMix { promoters: number; detractors: number }
export interface PlanArgs {
  measure?: "nps" | "share"; from: NpsMix | number; to?: NpsMix | number; change?: number; perGroup?: number;
  options?: { alpha?: number; power?: number; twoSided?: boolean; formula?: "pooled" | "continuity_corrected" | "arcsine" };
}
export interface SampleSize { perGroup: number; total: number; exact: number; change: number; alpha: number; power: number; twoSided: boolean; formula: string }
export interface DetectableChange { perGroup: number; change: number; to: number; alpha: number; power: number; twoSided: boolean; formula: string }
export interface ChartArgs {
  values: ArrayLike<number>; periods?: KeyLike[];
  options?: { lambda?: number; l?: number; k?: number; h?: number; target?: number; sigma?: number; baseline?: number };
  state?: object | null;
}
export interface ChartPoint {
  t: number; value: number; statistic: number; lower: number; upper: number; signal: boolean;
  direction: "up" | "down" | null; shift: number; period?: KeyLike;
}
export interface ControlChart {
  chart: "ewma" | "cusum"; inControl: { target: number; sigma: number; baseline: number };
  points: ChartPoint[]; signals: number[]; firstSignal: number | null; state: object; signalPeriods?: KeyLike[];
}
export interface LaneyArgs { successes: ArrayLike<number>; sizes: ArrayLike<number>; periods?: KeyLike[]; options?: { l?: number } }
export interface LaneyChart {
  share: number; sigmaZ: number; signals: number[]; signalsP: number[]; signalPeriods?: KeyLike[];
  points: Array<{ t: number; n: number; share: number; z: number; lower: number; upper: number; signal: boolean; lowerP: number; upperP: number; signalP: boolean; period?: KeyLike }>;
}
export type AnswerKind = "nps" | "share" | { kind: "bounded"; min: number; max: number };
export interface SequenceArgs {
  values: ArrayLike<number> | boolean[]; answers: AnswerKind; arms?: KeyLike[]; control?: KeyLike; periods?: KeyLike[];
  options?: { alpha?: number; plannedN?: number; sigma?: number }; state?: object | null;
}
export interface SequenceInterval { n: number; estimate: number; low: number; high: number; alpha: number; rows?: number; state?: object }
export interface SequentialTest {
  a: SequenceInterval; b: SequenceInterval; arms: [KeyLike, KeyLike]; difference: number; low: number; high: number;
  pValue: number; crossedAt: number | null; crossedPeriod?: KeyLike; differenceAtCrossing: number | null;
  alpha: number; rows: number; state: object;
}
export interface SegmentArgs {
  features: Array<Array<number | null>>; names?: string[];
  options?: { k?: number; kMin?: number; kMax?: number; seed?: number; restarts?: number; silhouetteSample?: number; level?: number };
}
export interface Segmentation {
  kind: "segmentation"; k: number; features: string[]; means: number[]; sds: number[]; centres: number[][];
  segments: Array<{
    id: number; size: number; share: number; setsApart: string[];
    features: Array<{ name: string; mean: number; ci: [number, number]; overall: number; standardized: number; distinct: boolean }>;
  }>;
  choice: Array<{ k: number; silhouette: number; within: number }>; respondents: number; used: number;
  assignments: Array<number | null>; method: string;
}
export interface CupedArgs { outcome: ArrayLike<number>; covariate: ArrayLike<number>; arms: KeyLike[]; control?: KeyLike; level?: number }
export interface Cuped {
  theta: number; correlation: number; varianceRatio: number; covariateMean: number; rawMeans: [number, number];
  rawDifference: number; adjustedMeans: [number, number]; difference: number; ciLow: number; ciHigh: number;
  rawCi: [number, number]; level: number; n: [number, number]; arms: [KeyLike, KeyLike];
}
"#;
