//! WebAssembly bindings of `cx` for browsers and Node.
//!
//! Thin by design: each export converts its arguments (typed arrays are
//! copied once into wasm memory), calls the core, and returns a plain object
//! with camelCase keys or throws an `Error` with `name = "CxError"`, a
//! stable `code` and the fields of the core error (`argument`, `index`,
//! `value`, …). Nothing here panics on user input.

// Feature `full` (default): every family. Without it (`survey` builds,
// `scripts/build-wasm`), the module holds the survey scores only: the
// small module of a feedback widget.
#[cfg(feature = "full")]
mod churn;
mod convert;
#[cfg(feature = "full")]
mod covariates;
#[cfg(feature = "full")]
mod discrete;
#[cfg(feature = "full")]
mod experiments;
#[cfg(feature = "full")]
mod gaps;
#[cfg(feature = "full")]
mod live;
#[cfg(feature = "report")]
mod report;
#[cfg(feature = "full")]
mod retention;
#[cfg(feature = "full")]
mod scorecard;
#[cfg(feature = "full")]
mod signals;
mod survey;

#[cfg(feature = "full")]
pub use churn::*;
#[cfg(feature = "full")]
pub use discrete::*;
#[cfg(feature = "full")]
pub use experiments::*;
#[cfg(feature = "full")]
pub use gaps::*;
#[cfg(feature = "full")]
pub use live::*;
#[cfg(feature = "report")]
pub use report::*;
#[cfg(feature = "full")]
pub use retention::*;
#[cfg(feature = "full")]
pub use scorecard::*;
#[cfg(feature = "full")]
pub use signals::*;
pub use survey::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Logs a panic's message to the console before the module traps, so that
/// a bug shows its cause (no input is meant to reach one: bad input is a
/// typed `CxError`).
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| console_error(&format!("cx panicked: {info}"))));
}

/// Bytes of the module's memory. WebAssembly memory only grows, so this is
/// the peak of everything computed so far (the report page shows it).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return (core::arch::wasm32::memory_size(0) * 65_536) as f64;
    #[cfg(not(target_arch = "wasm32"))]
    0.0
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[wasm_bindgen(typescript_custom_section)]
const SURVEY_TYPES: &'static str = r#"
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
  code: "empty" | "out_of_range" | "not_integer" | "not_finite" | "missing" | "parse" | "negative_weight" | "length_mismatch" | "invalid_parameter" | "incompatible" | "zero_weight" | "decode" | "not_converged" | "covariate" | "input_type" | "file";
  argument: string;
  index?: number;
  value?: unknown;
  /** A covariate error's column, or a file error's. */
  column?: string;
  /** A file error (code "file"): the file, its 1-based line (0: the whole file) and what was expected. */
  file?: string;
  line?: number;
  reason?: string;
}
"#;

#[cfg(feature = "full")]
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Columns of a transaction table: one entry per order (line). */
export interface TransactionTable {
  customers: ArrayLike<string | number>;
  /** ISO strings, Date objects or epoch milliseconds (UTC). */
  timestamps: ArrayLike<number | string | Date> | Float64Array;
  amounts?: ArrayLike<number> | Float64Array;
}
export interface RetentionOptions {
  period?: "day" | "week" | "month";
  multiplier?: number;
  observationEnd?: string;
  includeFirstTransaction?: boolean;
  allowNegativeAmounts?: boolean;
  calibrationEnd?: string;
  bucket?: "day" | "week" | "month";
  within?: number;
  asOf?: string;
  grid?: string[][];
  level?: number;
}
export interface RowReport { rows: number; used: number; merged: number; afterEnd: number; customers: number }
export interface CustomerSummary {
  customers: Array<string | number>; frequency: number[]; recency: number[]; t: number[];
  monetaryValue: number[] | null; firstPurchase: string[]; report: RowReport;
}
/** Options of a LiveSummary (fixed for its life). */
export interface LiveOptions { period?: "day" | "week" | "month"; multiplier?: number; allowNegativeAmounts?: boolean }
export interface LiveSummaryOptions { observationEnd?: string }
/** One customer's state in a LiveSummary: the first days of the first and last purchase periods, purchase periods, orders, spend of the first period and of the later ones. */
export interface LiveState { firstPeriod: string; lastPeriod: string; purchases: number; orders: number; firstSpend: number; repeatSpend: number }
export interface LiveScoreOptions { asOf?: string; horizon?: number; deadlineThreshold?: number }
/** One customer's live score; churnDeadline is null when P(alive) never falls below the threshold. */
export interface LiveScore {
  frequency: number; recency: number; t: number; monetaryValue: number | null; probabilityAlive: number;
  expectedPurchases: number | null; churnDeadline: number | null;
}
export interface CalibrationHoldout {
  calibration: CustomerSummary; frequencyHoldout: number[]; monetaryValueHoldout: number[] | null;
  durationHoldout: number; newInHoldout: number;
}
export interface StoreSummary {
  customers: number; purchases: number; repeatCustomers: number; repeatPurchaseRate: Proportion;
  purchasesPerCustomer: number; revenue: number | null; averageOrderValue: number | null; report: RowReport;
}
export interface ReturningPeriod { period: string; customers: number; returning: number; new: number; rate: Proportion }
export interface Cohort { start: string; size: number; active: number[]; share: number[] }
export interface SecondPurchase {
  customers: number; repeaters: number; mean: number | null; median: number | null; q1: number | null; q3: number | null;
  within: number; repeatedWithin: number; shareWithin: Proportion;
}
export interface Rfm {
  customers: Array<string | number>; recencyDays: number[]; frequency: number[]; monetary: number[];
  r: number[]; f: number[]; m: number[]; segment: string[]; asOf: string;
}
export interface Cadence {
  customers: Array<string | number>; purchases: number[]; meanInterval: Array<number | null>; sdInterval: Array<number | null>;
  lastPurchase: string[]; daysSince: number[]; expectedNext: Array<string | null>; overdueRatio: Array<number | null>;
  z: Array<number | null>; fallback: boolean[]; storeMeanInterval: number | null; asOf: string;
}

/** Per-customer columns of the churn models (the shape `customerSummary` returns; `T` is accepted for `t`). */
export interface CustomerColumns {
  /** Customers per row (fits only; lifetimes' weights). */
  weights?: ArrayLike<number> | Float64Array;
  frequency?: ArrayLike<number> | Float64Array;
  recency?: ArrayLike<number> | Float64Array;
  t?: ArrayLike<number> | Float64Array;
  T?: ArrayLike<number> | Float64Array;
  monetaryValue?: ArrayLike<number | null> | Float64Array | null;
}
/** `penalizer` as lifetimes' `penalizer_coef`; a fit that converges from no starting point throws `not_converged` unless `acceptUnconverged`. */
export interface FitOptions { penalizer?: number; initial?: number[]; maxIterations?: number; acceptUnconverged?: boolean }
export interface ClvOptions {
  months?: number; discountRate?: number; periodsPerMonth?: number;
  /** The summary's unit in lifetimes' letters; sets periodsPerMonth (30, 4.345, 1, 720). */
  freq?: "D" | "W" | "M" | "H";
}
/** A model parameter with its Wald interval (`ChurnModel.parameters`). */
export interface Parameter { name: string; value: number; se: number | null; low: number | null; high: number | null; level: number }
/** How a fit went; `converged` false means the parameters are the best found, not an optimum. */
export interface FitReport {
  logLikelihood: number; customers: number; distinctRows: number; aic: number; bic: number;
  standardErrors: number[] | null; iterations: number; converged: boolean; gradientNorm: number;
  termination: string; penalizer: number; starts: number;
}
export interface FrequencyBin { frequency: number; customers: number; actual: number; predicted: number }
export interface OpportunityTable { frequency: ArrayLike<number>; recency: ArrayLike<number>; periods: ArrayLike<number> }
export interface BootstrapOptions { method?: "parametric" | "customers"; replicates?: number; level?: number; seed?: number; periods?: ArrayLike<number> }
export interface BootstrapIntervals { method: string; replicates: number; failed: number; level: number; estimate: number[]; low: number[]; high: number[]; total: { estimate: number; low: number; high: number } }
export interface Tracking { time: number[]; actual: number[]; predicted: number[]; customers: number; rows: RowReport }
export interface TrackingOptions { period?: "day" | "week" | "month"; multiplier?: number; periods?: number }
export interface HoldoutCheck { bins: FrequencyBin[]; customers: number; actualTotal: number; predictedTotal: number; meanAbsoluteError: number }


/** A respondent × item matrix: rows of answers, null/NaN for no answer. */
export type AnswerMatrix = Array<Array<number | null> | Float64Array>;
/** A timestamp: a Date, an ISO string or epoch milliseconds; null where the event has not happened. */
export type TimeLike = Date | string | number;
export type KeyLike = string | number;
export interface ServqualArgs {
  perceptions: AnswerMatrix; expectations?: AnswerMatrix;
  /** "servqual22" (the 22-item, five-dimension map) or {dimension: [item indices]}. */
  dimensions?: "servqual22" | Record<string, number[]> | Array<{ name: string; items: number[] }>;
  importance?: number[]; groups?: KeyLike[]; names?: string[]; scale?: [number, number]; level?: number;
}
export interface ItemGap {
  item: number; name?: string; dimension: string | null; n: number; missing: number; expectation: number | null;
  perception: number; gap: number | null; sd: number | null; ciLow: number | null; ciHigh: number | null;
}
export interface DimensionGap { name: string; items: number; expectation: number | null; perception: number; score: number; weight: number | null }
export interface Servqual {
  perceptionOnly: boolean; items: ItemGap[]; dimensions: DimensionGap[]; unweighted: number; weighted: number | null;
  respondents: number; used: number; missing: number; level: number; groups?: Array<Servqual & { key: string }>;
}
export interface IpaArgs {
  performance: AnswerMatrix; importance?: AnswerMatrix; overall?: ArrayLike<number> | Float64Array;
  names?: string[]; scale?: [number, number]; crosshair?: "data" | "scale";
}
export type Quadrant = "concentrate_here" | "keep_up_the_good_work" | "low_priority" | "possible_overkill";
export interface Ipa {
  attributes: Array<{ attribute: number; name?: string; importance: number; performance: number; gap: number | null; quadrant: Quadrant; n: number }>;
  importanceLine: number; performanceLine: number; derived: boolean; respondents: number;
}
export type KanoLabel = "like" | "must-be" | "neutral" | "live-with" | "dislike" | 1 | 2 | 3 | 4 | 5 | null;
export interface KanoArgs { functional: KanoLabel[] | KanoLabel[][]; dysfunctional: KanoLabel[] | KanoLabel[][]; names?: string[] }
export interface Kano {
  a: number; o: number; m: number; i: number; r: number; q: number; n: number; missing: number;
  category: "A" | "O" | "M" | "I" | "R" | "Q"; better: number | null; worse: number | null; name?: string;
}
export interface KanoResult { attributes: Kano[] }
export interface AlphaArgs { answers: AnswerMatrix; level?: number }
export interface Alpha {
  alpha: number; ciLow: number; ciHigh: number; level: number; items: number; n: number; missing: number;
  alphaIfDeleted: Array<number | null>; itemRestCorrelation: Array<number | null>;
}
export interface Spread { n: number; mean: number; median: number; p90: number; min: number; max: number }
export interface DeliveryArgs { promised: TimeLike[]; delivered: Array<TimeLike | null>; keys?: KeyLike[]; graceDays?: number; level?: number }
export interface Delivery {
  orders: number; delivered: number; pending: number; onTime: Proportion | null; early: Proportion | null;
  delayDays: Spread | null; latenessDays: Spread | null; groups?: Array<Delivery & { key: string }>;
}
export interface AnswerTimesArgs {
  received: TimeLike[]; answered: Array<TimeLike | null>; channels?: KeyLike[]; serviceLevelSeconds: number;
  channelLevels?: Record<string, number>; level?: number;
}
export interface AnswerTimes {
  contacts: number; answered: number; unanswered: number; serviceLevelSeconds: number | null;
  withinLevel: Proportion | null; seconds: Spread | null; groups?: Array<AnswerTimes & { key: string }>;
}
export interface FcrArgs { cases: KeyLike[]; timestamps: TimeLike[]; resolved: boolean[]; channels?: KeyLike[]; level?: number }
export interface Fcr { cases: number; contacts: number; resolvedFirst: Proportion; groups?: Array<Fcr & { key: string }> }
export interface RepeatContactsArgs {
  customers: KeyLike[]; timestamps: TimeLike[]; channels: KeyLike[]; cases?: KeyLike[];
  windowDays?: number; sameCase?: boolean; level?: number;
}
export interface RepeatContacts {
  contacts: number; customers: number; repeatRate: Proportion; customersRepeating: number; channelSwitches: number;
  switches: Array<{ from: string; to: string; count: number }>;
}

/** Customer signals (see `signals`). Every table is optional; columns are arrays of one value per row. */
/** A customer-summary column. */
export type NumberColumn = ArrayLike<number> | Float64Array;
export interface CovariateOptions {
  /** Covariates on the purchase process (default: all not shared). */
  purchase?: string[];
  /** Covariates on the drop-out process (default: all not shared). */
  dropout?: string[];
  /** One coefficient on both processes (pareto_nbd only). */
  shared?: string[];
  penaltyPurchase?: number;
  penaltyDropout?: number;
  level?: number;
  maxIterations?: number;
  acceptUnconverged?: boolean;
}
export interface CovariateFitArgs {
  model: "pareto_nbd" | "bg_nbd" | "mbg_nbd";
  frequency: NumberColumn; recency: NumberColumn; t: NumberColumn;
  /** One column per covariate, one value per customer; names kept as given. */
  covariates: Record<string, NumberColumn>;
  /** The order of the covariates (default: the object's). */
  covariateNames?: string[];
  options?: CovariateOptions;
}
export interface CovariateCoefficient {
  covariate: string; process: "purchase" | "dropout" | "both" | "dropout_a" | "dropout_b";
  estimate: number; standardError: number | null; z: number | null; pValue: number | null; lower: number | null; upper: number | null;
}
export interface CovariateEffect { covariate: string; on: "purchase_rate" | "dropout_rate" | "dropout_probability"; percent: number; lower: number | null; upper: number | null }
export interface CovariateModel {
  base: { model: "pareto_nbd" | "bg_nbd" | "mbg_nbd"; [parameter: string]: number | string };
  covariates: string[]; means: number[];
  coefficients: CovariateCoefficient[]; effects: CovariateEffect[];
  covariance: number[][] | null; level: number;
  /** Fitted to covariates that vary by period (fitDynamicCovariates). */
  timeVarying: boolean;
  fit?: {
    logLikelihood: number; customers: number; parameters: number; aic: number; bic: number;
    likelihoodRatio: { nullLogLikelihood: number; statistic: number; df: number; pValue: number };
    iterations: number; converged: boolean; gradientNorm: number; termination: string;
    penaltyPurchase: number; penaltyDropout: number;
  };
  /** The model as JSON text, as Python and Rust read it. */
  json: string;
}
export interface CovariatePredictArgs {
  /** A model from fitCovariates, or its json text. */
  model: CovariateModel | string;
  prediction: { kind: string; [option: string]: unknown };
  frequency: NumberColumn; recency: NumberColumn; t: NumberColumn; monetaryValue?: NumberColumn;
  covariates: Record<string, NumberColumn>;
}
export interface DynamicFitArgs {
  frequency: NumberColumn; recency: NumberColumn; t: NumberColumn;
  /** Each customer's first purchase on the calendar of `boundaries`. */
  first: NumberColumn;
  /** The K + 1 period boundaries, ascending, in the summary's unit. */
  boundaries: NumberColumn;
  /** Repeat purchases per customer and period, customer-major (n × K). */
  purchases: NumberColumn;
  /** Per covariate n × K values, customer-major; names kept as given. */
  covariates: Record<string, NumberColumn>;
  covariateNames?: string[];
  options?: CovariateOptions;
}
export interface DynamicPredictArgs extends DynamicFitArgs {
  model: CovariateModel | string;
  prediction: { kind: "log_likelihood" | "probability_alive" } | { kind: "conditional_expected_purchases"; horizon: number };
}
export interface PromisePeriodArgs extends SignalArgs {
  options: { boundaries: string[]; graceDays?: number; detractorMax?: number; lag?: number };
}
export interface PromisePeriods {
  customers: Array<string | number>;
  names: string[];
  /** deliveries, late_deliveries, contacts, open_contacts, detractor: customers × periods, customer-major. */
  columns: Record<string, number[]>;
  boundaries: string[];
  outside: Record<string, number>;
}
export interface PromiseCovariates {
  customers: Array<string | number>;
  names: string[];
  /** deliveries, late_deliveries, late_share, mean_days_late, contacts, open_contacts, repeat_contacts, failed_first_contacts (with cases), answered, detractor, promoter (those of the tables given). */
  columns: Record<string, number[]>;
  until: string | null;
  tables: Record<string, { rows: number; used: number; afterAsOf: number; missing: number }>;
}

export interface SignalArgs {
  orders?: { customers: KeyLike[]; timestamps: TimeLike[]; amounts?: ArrayLike<number> | Array<number | null> };
  feedback?: { customers: KeyLike[]; timestamps: TimeLike[]; scores: ArrayLike<number> | Array<number | null> };
  contacts?: { customers: KeyLike[]; received: TimeLike[]; resolved?: Array<TimeLike | null>; channels?: KeyLike[]; cases?: KeyLike[] };
  deliveries?: { customers: KeyLike[]; promised: TimeLike[]; delivered?: Array<TimeLike | null> };
  /** Unit of integer timestamps: "ms" (default, as Date.getTime()), "s", "D", "us", "ns". */
  unit?: "D" | "s" | "ms" | "us" | "ns";
  options?: SignalOptions;
}
export interface SignalOptions {
  asOf?: string; lostAfterDays?: number | null; atRisk?: number; overdueRatio?: number; minOrdersForCadence?: number;
  hiatusDays?: number; pAliveBelow?: number; fitModel?: boolean; model?: object; rfmSegments?: string[];
  rfmStrength?: number; detractorMax?: number; scoreDrop?: number; openContactDays?: number;
  repeatContacts?: number; contactWindowDays?: number; lateLast?: number; lateMin?: number; lateGraceDays?: number;
  /** Horizon of `pNoOrder` in days (90). */
  horizonDays?: number;
  /** CLV and value at risk when the orders have amounts (true). */
  value?: boolean;
  /** Rank by value at risk (risk × CLV) instead of risk. */
  rankByValue?: boolean;
  /** Flag at most this many customers at risk, the highest ranked. */
  atRiskCapacity?: number | null;
  /** Flag where risk × CLV × saveRate ≥ contactCost (instead of risk ≥ atRisk). */
  contactCost?: number | null; saveRate?: number;
  /** A calibration from `backtest` (or a notebook's `RiskCalibration.to_json()` parsed): risk becomes a probability. */
  calibration?: RiskCalibration;
}
/** The options of `backtest`; every field optional. */
export interface BacktestOptions {
  cutoffs?: string[]; nCutoffs?: number; stepDays?: number; horizonDays?: number; end?: string;
  outcome?: "no_order" | "fewer_than_expected"; topShares?: number[]; bins?: number; penalty?: number;
  minFired?: number; minOutcomes?: number; includeLost?: boolean; compareParetoNbd?: boolean; signals?: SignalOptions;
}
export interface BacktestArgs extends Omit<SignalArgs, "options"> { options?: BacktestOptions }
/** A fitted calibration of the churn risk; pass it back as `options.calibration`. */
export interface RiskCalibration {
  kind: "risk_calibration"; outcome: "no_order" | "fewer_than_expected"; horizonDays: number; intercept: number;
  coefficients: Array<{ feature: string; coefficient: number; stdError: number }>; modelDefault: number; penalty: number;
  trainedOn: { cutoffs: string[]; rows: number; outcomes: number }; thresholds: SignalOptions;
}
export interface ScoreMetrics {
  score: string; auc: number | null; brier: number | null; fired: number;
  top: Array<{ share: number; customers: number; precision: number; lift: number }>;
}
export interface ReliabilityBin { low: number; high: number; customers: number; predicted: number | null; observed: number | null }
/** The result of `backtest`. */
export interface Backtest {
  horizonDays: number; outcome: string;
  cutoffs: Array<{ cutoff: string; customers: number; outcomes: number; baseRate: number; scores: ScoreMetrics[] }>;
  aucSpread: Record<string, [number, number, number]>;
  holdout: {
    cutoff: string; fittedOn: string[]; brierCalibrated: number; brierRules: number; brierModel: number | null;
    reliability: ReliabilityBin[]; reliabilityRules: ReliabilityBin[];
  } | null;
  calibration: RiskCalibration | null; notes: string[];
}
export interface ScorecardArgs {
  orders?: { customers: KeyLike[]; timestamps: TimeLike[]; amounts?: ArrayLike<number> | Array<number | null> };
  /** Survey answers; `touchpoints` names the columns of the `expected` and `perceived` rating rows (1-7). */
  feedback?: {
    customers: KeyLike[]; timestamps: TimeLike[]; nps?: Array<number | null>; csat?: Array<number | null>;
    touchpoints?: string[]; expected?: Array<Array<number | null>>; perceived?: Array<Array<number | null>>;
  };
  contacts?: {
    customers: KeyLike[]; received: TimeLike[]; answered?: Array<TimeLike | null>; resolved?: Array<TimeLike | null>;
    channels?: KeyLike[]; cases?: KeyLike[];
  };
  deliveries?: { customers: KeyLike[]; promised: TimeLike[]; delivered?: Array<TimeLike | null>; carriers?: KeyLike[] };
  unit?: "D" | "s" | "ms" | "us" | "ns";
  options?: { asOf?: string; level?: number; serviceLevelHours?: number; top?: number; signals?: SignalOptions; calibrate?: boolean };
}
/** The scorecard: the sections of `cx report` (null when their table is missing). */
export interface Scorecard {
  asOf: string;
  tables: Array<{ table: string; rows: number; used: number; afterAsOf: number; withoutAnswer: number }>;
  survey: {
    nps: Nps; npsTrend: TrendPoint[]; csat: Csat | null; csatTrend: TrendPoint[];
    /** The last month against the one before, and the EWMA charts' alarms of the last three months. */
    watch: {
      npsChange: { from: string; to: string; comparison: Comparison } | null;
      alarms: Array<{ chart: string; period: string; direction: "up" | "down"; value: number; target: number; shift: number }>;
      charts: string[]; method: string;
    } | null;
  } | null;
  /** `drivers`: the key drivers of the NPS answer (with enough respondents). */
  gaps: { touchpoints: string[]; servqual: object; ipa: object | null; drivers: KeyDrivers | null } | null;
  retention: { store: StoreSummary; cohorts: Cohort[]; segments: Array<[string, number]> } | null;
  promise: object | null;
  model: { model: object; customers: number; pAliveBins: number[]; expectedActive: number } | null;
  risk: {
    customers: number; atRisk: number; lost: number; threshold: number; counts: Array<[SignalKind, number]>; top: CustomerRisk[];
    rule: string; method: "rules" | "calibrated"; meaning: string; backtest: object | null; valueAtRisk: ValueAtRisk | null;
  } | null;
  notes: string[];
}
export interface TrendPoint { period: string; n: number; score: number; ciLow: number; ciHigh: number }
export type SignalKind = "overdue" | "hiatus" | "low_p_alive" | "rfm_segment" | "detractor" | "score_drop" | "open_contact" | "repeat_contacts" | "late_deliveries";
export interface Signal { kind: SignalKind; strength: number; reason: string; evidence: Record<string, number> }
export interface CustomerRisk {
  customer: string; risk: number; signals: Signal[]; orders: number; lastOrder: string | null;
  pAlive: number | null; segment: string | null; lost: boolean;
  /** The uncalibrated rules' risk; `risk` equals it without a calibration. */
  riskRules: number;
  /** The terms of a calibrated risk (log-odds), largest first. */
  contributions: Array<{ feature: string; logOdds: number }>;
  pNoOrder: number | null; clv: number | null; valueAtRisk: number | null;
  /** Flagged at risk by the report's rule (`atRiskRule`). */
  atRisk: boolean;
}
export interface ValueAtRisk { customers: number; total: number; low: number; high: number; clv: number; bySegment: Record<string, number> }
export interface SignalReport {
  customers: CustomerRisk[]; asOf: string;
  tables: Record<string, { rows: number; used: number; afterAsOf: number; missing: number }>;
  counts: Partial<Record<SignalKind, number>>; lost: number; model: object | null; notes: string[];
  /** The at-risk threshold applied (option `atRisk`, 0.7 by default) and how many customers not lost reach it. */
  atRiskThreshold: number; atRiskCount: number;
  atRiskRule: string; riskMethod: "rules" | "calibrated"; riskMeaning: string; valueAtRisk: ValueAtRisk | null;
}
"#;
