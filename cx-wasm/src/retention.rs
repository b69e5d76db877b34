//! Retention measures for JavaScript: a transactions object of columns in,
//! plain objects out.

use cx::bind::{Args, Column};
use wasm_bindgen::prelude::*;

use crate::convert::{self, error, get, result};

#[wasm_bindgen]
extern "C" {
    /// Columns of a transaction table (declared in lib.rs).
    #[wasm_bindgen(typescript_type = "TransactionTable")]
    pub type JsTransactions;
    /// Options of the retention measures.
    #[wasm_bindgen(typescript_type = "RetentionOptions")]
    pub type JsRetentionOptions;
}

/// The measure through `cx::bind`: the same key, timestamp and option
/// readers as Python and Rust (`Date`s and epoch milliseconds are numbers
/// in ms, ISO text is parsed there).
fn run(measure: &str, tx: &JsTransactions, options: Option<JsRetentionOptions>) -> Result<JsValue, JsValue> {
    let tx: &JsValue = tx.as_ref();
    if !tx.is_object() {
        return Err(convert::type_error(
            "transactions",
            "must be an object of columns {customers, timestamps, amounts?}",
        ));
    }
    let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
    let mut args = Args::new();
    args.insert("options", Column::Json(convert::options(&options, &[])?));
    for name in ["customers", "timestamps", "amounts"] {
        if let Some(c) = get(tx, name) {
            args.insert(
                name,
                convert::column(name, &c, crate::churn::transaction_column(name))?,
            );
        }
    }
    result(&cx::bind::run(measure, args).map_err(error)?)
}

/// The buy-till-you-die summary per customer: `frequency`, `recency`, `t`,
/// `monetaryValue`, `firstPurchase` (columns, customers ascending) and a
/// `report` of the rows used, merged and left out. Options: `period`
/// (`"day"`, `"week"`, `"month"`), `multiplier`, `observationEnd`,
/// `includeFirstTransaction`, `allowNegativeAmounts`.
#[wasm_bindgen(js_name = customerSummary, unchecked_return_type = "CustomerSummary")]
pub fn customer_summary(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("customer_summary", transactions, options)
}

/// Calibration summary up to `calibrationEnd` plus each customer's holdout
/// purchases up to `observationEnd`.
#[wasm_bindgen(js_name = calibrationHoldout, unchecked_return_type = "CalibrationHoldout")]
pub fn calibration_holdout(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("calibration_holdout", transactions, options)
}

/// Repeat-purchase rate (Wilson), purchases per customer, average order value.
#[wasm_bindgen(js_name = storeSummary, unchecked_return_type = "StoreSummary")]
pub fn store_summary(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("store_summary", transactions, options)
}

/// Returning-customer rate per `bucket` (`"month"` by default, or `"week"`).
#[wasm_bindgen(js_name = returningCustomers, unchecked_return_type = "ReturningPeriod[]")]
pub fn returning_customers(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("returning_customers", transactions, options)
}

/// Cohort retention matrix by the `bucket` of the first purchase.
#[wasm_bindgen(js_name = cohortRetention, unchecked_return_type = "Cohort[]")]
pub fn cohort_retention(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("cohort_retention", transactions, options)
}

/// Days from the first to the second purchase; share within `within` days.
#[wasm_bindgen(js_name = timeToSecondPurchase, unchecked_return_type = "SecondPurchase")]
pub fn time_to_second_purchase(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("time_to_second_purchase", transactions, options)
}

/// RFM values, 1–5 quintile scores and segments (`grid` replaces the names).
#[wasm_bindgen(unchecked_return_type = "Rfm")]
pub fn rfm(transactions: &JsTransactions, options: Option<JsRetentionOptions>) -> Result<JsValue, JsValue> {
    run("rfm", transactions, options)
}

/// Each customer's purchase cadence and how overdue they are (`asOf`).
#[wasm_bindgen(unchecked_return_type = "Cadence")]
pub fn cadence(
    transactions: &JsTransactions,
    options: Option<JsRetentionOptions>,
) -> Result<JsValue, JsValue> {
    run("cadence", transactions, options)
}
