//! Survey scores: NPS, CSAT, CES and four-button smiley terminals.
//!
//! Every measure is computed from a [`Distribution`], the weighted count of
//! answers per scale point. One pass over the raw answers builds it; the
//! measures then cost nothing that grows with the data. Distributions merge,
//! so they double as accumulators for continuous collection, and they
//! serialize to a small validated byte string.
//!
//! | measure | function | headline | interval |
//! |---|---|---|---|
//! | NPS | [`nps`], [`nps_weighted`] | promoters − detractors, points | adjusted Wald (default) or Wald |
//! | CSAT | [`csat()`] | share ≥ threshold | Wilson; mean with t |
//! | CES | [`ces()`] | share of easy answers | Wilson; mean with t |
//! | smiley | [`smiley()`] | share of happy buttons, 0–100 index | Wilson; t |
//!
//! Differences between periods or segments: [`compare_nps`],
//! [`compare_csat`], [`compare_ces`], [`compare_smiley`],
//! [`compare_proportions`]. Per segment, touchpoint or week: [`group_by`].
//!
//! Each function documents its formula and its source; the shared vectors in
//! `tests/vectors/survey.json` hold the reference values, computed independently.

mod ces;
mod compare;
mod control;
mod csat;
mod distribution;
mod estimate;
mod grouped;
mod nps;
mod planning;
mod scale;
mod segments;
mod sequential;
mod smiley;

pub use crate::options::from_json as options_from_json;
pub use crate::time::{TimeBucket, TimeUnit};
pub use ces::{Ces, CesOptions, CesPolarity, ces};
pub use compare::{Comparison, compare_ces, compare_csat, compare_nps, compare_proportions, compare_smiley};
pub use control::{
    ChartPoint, ControlChart, Cusum, CusumOptions, Ewma, EwmaOptions, InControl, LaneyChart, LaneyOptions,
    SharePoint, cusum, ewma, laney_p,
};
pub use csat::{Csat, CsatOptions, csat};
pub use distribution::Distribution;
pub use estimate::{Mean, Proportion};
pub use grouped::{Group, Timestamps, group_by};
pub use nps::{Nps, NpsInterval, NpsOptions, nps, nps_weighted};
pub use planning::{
    DetectableChange, NpsMix, PlanOptions, ProportionFormula, SampleSize, nps_detectable_change,
    nps_sample_size, proportion_detectable_change, proportion_sample_size,
};
pub use scale::{MAX_SCALE_POINTS, Scale, Score};
pub use segments::{FeatureProfile, KChoice, Segment, SegmentOptions, Segmentation, segments};
pub use sequential::{
    AnswerKind, Cuped, RunningMean, SequenceInterval, SequenceOptions, SequentialTest, TestState,
    confidence_sequence, cuped, sequential_test,
};
pub use smiley::{Smiley, SmileyOptions, smiley};
