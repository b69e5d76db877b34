//! WebAssembly bindings of `cx` for browsers and Node.
//!
//! Thin by design: each export converts its arguments (typed arrays are
//! copied once into wasm memory), calls the core, and returns a plain object
//! with camelCase keys or throws an `Error` with `name = "CxError"`, a
//! stable `code` and the fields of the core error (`argument`, `index`,
//! `value`, …). Nothing here panics on user input.

mod convert;
mod survey;

pub use survey::*;

use wasm_bindgen::prelude::*;

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Answers: a typed array, or an array of numbers (null/undefined = missing). */
export type Scores = ArrayLike<number | null | undefined> | Uint8Array | Int8Array | Int16Array | Int32Array | Uint16Array | Uint32Array | Float32Array | Float64Array;
/** One survey weight per answer. */
export type Weights = ArrayLike<number> | Float64Array;
/** An inclusive answer scale: [min, max] or {min, max}. */
export type Scale = [number, number] | { min: number; max: number };

export interface NpsOptions { weights?: Weights; interval?: "adjusted_wald" | "wald"; level?: number }
export interface CsatOptions { weights?: Weights; scale?: Scale; threshold?: number; level?: number }
export interface CesOptions { weights?: Weights; polarity?: "ease" | "effort"; scale?: Scale; easyThreshold?: number; level?: number }
export interface SmileyOptions { weights?: Weights; level?: number }
export interface GroupOptions {
  weights?: Weights;
  scale?: Scale;
  /** One key per answer: all strings or all integers. */
  keys?: ArrayLike<string | number>;
  /** Epoch milliseconds, Date objects or ISO strings (UTC). */
  timestamps?: ArrayLike<number | string | Date> | Float64Array;
  bucket?: "day" | "week" | "month";
}

/** A share with a Wilson interval. */
export interface Proportion { successes: number; n: number; nEff: number; share: number; ciLow: number; ciHigh: number; level: number }
/** A mean with a t interval; spread fields are null when nEff <= 1. */
export interface Mean { n: number; nEff: number; mean: number; sd: number | null; se: number | null; ciLow: number | null; ciHigh: number | null; level: number }
/** Net Promoter Score, in points (-100..100). */
export interface Nps {
  n: number; nEff: number; promoters: number; passives: number; detractors: number;
  promoterShare: number; passiveShare: number; detractorShare: number;
  score: number; se: number; ciCenter: number; ciLow: number; ciHigh: number; level: number;
  interval: "adjusted_wald" | "wald";
}
export interface Csat { scale: { min: number; max: number }; threshold: number; n: number; satisfied: Proportion; mean: Mean }
export interface Ces { polarity: "ease" | "effort"; scale: { min: number; max: number }; easyThreshold: number; n: number; mean: Mean; easy: Proportion }
export interface Smiley { n: number; counts: [number, number, number, number]; positive: Proportion; index: Mean }
/** Difference b - a of two independent samples. */
export interface Comparison { a: number; b: number; difference: number; se: number; z: number | null; pValue: number; ciLow: number; ciHigh: number; level: number }
export interface Group { key: string | number | null; period: string | null; distribution: Distribution }

/** Errors thrown by cx: an Error with name "CxError" and the core's fields. */
export interface CxError extends Error {
  name: "CxError";
  code: "empty" | "out_of_range" | "not_integer" | "not_finite" | "missing" | "parse" | "negative_weight" | "length_mismatch" | "invalid_parameter" | "incompatible" | "zero_weight" | "decode" | "input_type";
  argument: string;
  index?: number;
  value?: unknown;
}
"#;
