//! Repeat purchase and retention from raw transactions.
//!
//! Start from [`Transactions`] (customer, timestamp, optional amount, in any
//! order). [`Purchases::from_transactions`] groups them in one pass into each
//! customer's purchases per period; every measure here is computed from
//! that:
//!
//! | measure | function |
//! |---|---|
//! | buy-till-you-die summary (frequency, recency, T, monetary value) | [`customer_summary`], [`calibration_holdout`] |
//! | repeat-purchase rate, purchases per customer, average order value | [`store_summary`] |
//! | returning-customer rate per week or month | [`returning_customers`] |
//! | cohort retention matrix | [`cohort_retention`] |
//! | time to the second purchase | [`time_to_second_purchase`] |
//! | RFM scores and segments | [`rfm`] |
//! | each customer's cadence and how overdue they are | [`cadence`] |
//! | the summary kept current per order, scored live | [`LiveSummary`] |
//!
//! [`retention_measure`] runs any of them by name with one
//! [`RetentionOptions`]; the Python and JavaScript bindings go through it.
//!
//! Every result says how many rows were used, merged and left out
//! ([`RowReport`]).

mod cadence;
mod live;
mod measure;
mod purchases;
mod rfm;
mod store;
mod summary;

pub use cadence::{Cadence, cadence};
pub use live::{CustomerId, CustomerState, LiveKey, LiveOptions, LiveScore, LiveSummary, ScoreOptions};
pub use measure::{RETENTION_MEASURES, RetentionOptions, RetentionResult, retention_measure};
pub use purchases::{PurchaseOptions, Purchases, RowReport, Transactions};
pub use rfm::{Rfm, RfmGrid, RfmOptions, rfm};
pub use store::{
    Cohort, ReturningPeriod, SecondPurchase, StoreSummary, cohort_retention, returning_customers,
    store_summary, time_to_second_purchase,
};
pub use summary::{
    CalibrationHoldout, CustomerSummary, SummaryOptions, calibration_holdout, customer_summary,
    summary_from_purchases,
};
