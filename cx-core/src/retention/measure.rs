//! One entry point for every retention measure, driven by one options
//! object: what the Python and JavaScript bindings call, so that each
//! measure is chosen and configured the same way in every language.

use std::hash::Hash;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    Cadence, CalibrationHoldout, Cohort, CustomerSummary, PurchaseOptions, Purchases, ReturningPeriod, Rfm,
    RfmGrid, RfmOptions, SecondPurchase, StoreSummary, SummaryOptions, Transactions,
};
use crate::error::{CxError, Result};
use crate::time::TimeBucket;

/// All options of the retention measures; each measure reads the ones it
/// uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionOptions {
    /// Period purchases are counted in (summary): `day` by default.
    pub period: TimeBucket,
    /// Divisor of recency and T (summary); 1 by default.
    pub multiplier: f64,
    /// Last day observed; default: the day of the last transaction.
    pub observation_end: Option<NaiveDate>,
    /// Count the first purchase in frequency and monetary value.
    pub include_first_transaction: bool,
    /// Accept negative amounts (refunds).
    pub allow_negative_amounts: bool,
    /// End of the calibration period (`calibration_holdout`).
    pub calibration_end: Option<NaiveDate>,
    /// Reporting bucket of `returning_customers` and `cohort_retention`:
    /// `month` by default.
    pub bucket: TimeBucket,
    /// Threshold of `time_to_second_purchase`, in days: 30 by default.
    pub within: i64,
    /// Day recency and cadence are measured to; default: the end of
    /// observation.
    pub as_of: Option<NaiveDate>,
    /// RFM segment names.
    pub grid: RfmGrid,
    /// Confidence level of the intervals; 0.95 by default.
    pub level: f64,
}

impl Default for RetentionOptions {
    fn default() -> Self {
        let s = SummaryOptions::default();
        RetentionOptions {
            period: s.period,
            multiplier: s.multiplier,
            observation_end: None,
            include_first_transaction: false,
            allow_negative_amounts: false,
            calibration_end: None,
            bucket: TimeBucket::Month,
            within: 30,
            as_of: None,
            grid: RfmGrid::default(),
            level: 0.95,
        }
    }
}

impl RetentionOptions {
    /// The summary options among these.
    pub fn summary(&self) -> SummaryOptions {
        SummaryOptions {
            period: self.period,
            multiplier: self.multiplier,
            observation_end: self.observation_end,
            include_first_transaction: self.include_first_transaction,
            allow_negative_amounts: self.allow_negative_amounts,
        }
    }

    fn purchases_per_day(&self) -> PurchaseOptions {
        PurchaseOptions {
            bucket: Some(TimeBucket::Day),
            observation_end: self.observation_end,
            allow_negative_amounts: self.allow_negative_amounts,
        }
    }
}

/// The result of [`retention_measure`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RetentionResult<K> {
    /// `customer_summary`.
    Summary(CustomerSummary<K>),
    /// `calibration_holdout`.
    CalibrationHoldout(CalibrationHoldout<K>),
    /// `store_summary`.
    Store(StoreSummary),
    /// `returning_customers`.
    Returning(Vec<ReturningPeriod>),
    /// `cohort_retention`.
    Cohorts(Vec<Cohort>),
    /// `time_to_second_purchase`.
    SecondPurchase(SecondPurchase),
    /// `rfm`.
    Rfm(Rfm<K>),
    /// `cadence`.
    Cadence(Cadence<K>),
}

/// The names [`retention_measure`] accepts.
pub const RETENTION_MEASURES: [&str; 8] = [
    "customer_summary",
    "calibration_holdout",
    "store_summary",
    "returning_customers",
    "cohort_retention",
    "time_to_second_purchase",
    "rfm",
    "cadence",
];

/// Computes the retention measure `name` (one of [`RETENTION_MEASURES`])
/// from transactions. Store-level measures, RFM and cadence work on
/// purchases per day; the summary on purchases per `options.period`.
///
/// # Errors
/// [`CxError::InvalidParameter`] for an unknown measure or a missing
/// `calibration_end`; otherwise those of the measure.
pub fn retention_measure<K: Hash + Eq + Ord + Clone>(
    name: &str,
    tx: &Transactions<'_, K>,
    options: &RetentionOptions,
) -> Result<RetentionResult<K>> {
    let o = options;
    let daily = || Purchases::from_transactions(tx, &o.purchases_per_day());
    Ok(match name {
        "customer_summary" => RetentionResult::Summary(super::customer_summary(tx, &o.summary())?),
        "calibration_holdout" => {
            let end = o.calibration_end.ok_or_else(|| {
                CxError::invalid(
                    "calibration_end",
                    "none",
                    "the last day of the calibration period",
                )
            })?;
            RetentionResult::CalibrationHoldout(super::calibration_holdout(tx, end, &o.summary())?)
        }
        "store_summary" => RetentionResult::Store(super::store_summary(&daily()?, o.level)?),
        "returning_customers" => {
            RetentionResult::Returning(super::returning_customers(&daily()?, o.bucket, o.level)?)
        }
        "cohort_retention" => RetentionResult::Cohorts(super::cohort_retention(&daily()?, o.bucket)),
        "time_to_second_purchase" => {
            RetentionResult::SecondPurchase(super::time_to_second_purchase(&daily()?, o.within, o.level)?)
        }
        "rfm" => RetentionResult::Rfm(super::rfm(
            &daily()?,
            &RfmOptions {
                as_of: o.as_of,
                grid: o.grid.clone(),
            },
        )?),
        "cadence" => RetentionResult::Cadence(super::cadence(&daily()?, o.as_of)?),
        other => {
            return Err(CxError::invalid("measure", other, RETENTION_MEASURES.join(", ")));
        }
    })
}
