//! The report: the core's scorecard of the CSV tables with the rows behind
//! each number accounted for per file, and the CDNOW model check
//! (`cx::exports::tables`, shared with the WebAssembly report page).

pub use cx::exports::tables::{
    CdnowCheck, Columns, GapSection, Inputs, ModelSection, PromiseSection, Quality, Report, RetentionSection,
    RiskSection, Settings, SurveySection, TrendPoint, build, locate,
};
