//! Live per-order scoring for JavaScript: `LiveSummary` keeps each
//! customer's buy-till-you-die state current as orders happen, through
//! `cx::bind::live` (the same readers and typed errors as Python and Rust).

use std::cell::RefCell;

use cx::bind::Args;
use cx::bind::Column;
use cx::bind::live::{self, Live};
use js_sys::Uint8Array;
use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

use crate::convert::{self, error, get, result, to_json};
use crate::retention::JsTransactions;

#[wasm_bindgen]
extern "C" {
    /// Options of a live table (declared in lib.rs).
    #[wasm_bindgen(typescript_type = "LiveOptions")]
    pub type JsLiveOptions;
    /// Options of `LiveSummary.summary`.
    #[wasm_bindgen(typescript_type = "LiveSummaryOptions")]
    pub type JsLiveSummaryOptions;
    /// Options of `LiveSummary.score`.
    #[wasm_bindgen(typescript_type = "LiveScoreOptions")]
    pub type JsLiveScoreOptions;
}

fn js_options<T: Into<JsValue>>(options: Option<T>) -> Result<Value, JsValue> {
    convert::options(&options.map_or(JsValue::UNDEFINED, Into::into), &[])
}

/// Each customer's buy-till-you-die state (first and last purchase period,
/// purchases, spend), updated per order: the same summary as
/// `customerSummary` of the same orders, a customer's P(alive), expected
/// purchases and churn deadline with a fitted model, mergeable and
/// serializable (the bytes of Rust and Python).
#[wasm_bindgen]
pub struct LiveSummary {
    // A `RefCell` so that `merge` takes `&self` (see `Distribution`).
    inner: RefCell<Live>,
}

#[wasm_bindgen]
impl LiveSummary {
    /// An empty table. Options: `period` (`"day"`, `"week"`, `"month"`),
    /// `multiplier`, `allowNegativeAmounts`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<JsLiveOptions>) -> Result<LiveSummary, JsValue> {
        Ok(LiveSummary {
            inner: RefCell::new(live::live_new(js_options(options)?).map_err(error)?),
        })
    }

    /// Records one order: the customer (a string or an integer), its time
    /// (a `Date`, epoch milliseconds or ISO text) and its amount, if known.
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number")] customer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Date | number | string")] timestamp: JsValue,
        amount: Option<f64>,
    ) -> Result<(), JsValue> {
        let mut args = Args::new();
        args.insert(
            "customers",
            Column::Json(json!([to_json("customer", &customer)?])),
        );
        args.insert(
            "timestamps",
            Column::Json(json!([to_json("timestamp", &timestamp)?])),
        );
        if let Some(a) = amount {
            // NaN travels as null, which the core reports as not finite.
            args.insert("amounts", Column::Json(json!([serde_json::Number::from_f64(a)])));
        }
        live::live_record(&mut self.inner.borrow_mut(), args)
            .map(drop)
            .map_err(error)
    }

    /// Records a batch of orders in any order (`{customers, timestamps,
    /// amounts?}`), all or nothing; returns the number of orders.
    #[wasm_bindgen(js_name = recordMany)]
    pub fn record_many(&self, transactions: &JsTransactions) -> Result<f64, JsValue> {
        let tx: &JsValue = transactions.as_ref();
        if !tx.is_object() {
            return Err(convert::type_error(
                "transactions",
                "must be an object of columns {customers, timestamps, amounts?}",
            ));
        }
        let mut args = Args::new();
        for name in ["customers", "timestamps", "amounts"] {
            if let Some(c) = get(tx, name) {
                args.insert(
                    name,
                    convert::column(name, &c, crate::churn::transaction_column(name))?,
                );
            }
        }
        let n = live::live_record(&mut self.inner.borrow_mut(), args).map_err(error)?;
        Ok(n as f64)
    }

    /// Adds every order of `other` (same options), all or nothing. `other`
    /// is read through its `toBytes()` and stays usable.
    pub fn merge(
        &self,
        #[wasm_bindgen(unchecked_param_type = "LiveSummary")] other: JsValue,
    ) -> Result<(), JsValue> {
        let bytes = convert::own_bytes("other", &other, "LiveSummary")?;
        let other = Live::from_bytes(&bytes).map_err(error)?;
        self.inner.borrow_mut().merge(&other).map_err(error)
    }

    /// The table in cx's versioned binary format (identical in Rust and Python).
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Uint8Array {
        Uint8Array::from(&self.inner.borrow().to_bytes()[..])
    }

    /// Decodes `toBytes`; throws a `CxError` with code `decode` on bad bytes.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: JsValue,
    ) -> Result<LiveSummary, JsValue> {
        let bytes = convert::byte_array(&bytes)?;
        Ok(LiveSummary {
            inner: RefCell::new(Live::from_bytes(&bytes).map_err(error)?),
        })
    }

    /// Customers in the table.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.inner.borrow().len() as f64
    }

    /// Orders recorded.
    #[wasm_bindgen(getter)]
    pub fn orders(&self) -> f64 {
        self.inner.borrow().orders() as f64
    }

    /// Orders recorded without an amount (then there is no monetary value).
    #[wasm_bindgen(getter)]
    pub fn unpriced(&self) -> f64 {
        self.inner.borrow().unpriced() as f64
    }

    /// A customer's state: `firstPeriod`, `lastPeriod` (first days of the
    /// periods), `purchases`, `orders`, `firstSpend`, `repeatSpend`; `null`
    /// for a customer without an order.
    #[wasm_bindgen(unchecked_return_type = "LiveState | null")]
    pub fn state(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number")] customer: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = live::customer_id(&to_json("customer", &customer)?).map_err(error)?;
        let table = self.inner.borrow();
        let Some(s) = table.state(&id) else {
            return Ok(JsValue::NULL);
        };
        let day = |p: i64| table.period_start(p).map(|d| d.to_string());
        result(&json!({
            "first_period": day(s.first),
            "last_period": day(s.last),
            "purchases": s.periods,
            "orders": s.orders,
            "first_spend": s.first_spend,
            "repeat_spend": s.repeat_spend,
        }))
    }

    /// The summary at `observationEnd` (default: the last recorded purchase
    /// period): `customers`, `frequency`, `recency`, `t`, `monetaryValue`,
    /// `firstPurchase` (columns, customers ascending) and a `report`.
    #[wasm_bindgen(unchecked_return_type = "CustomerSummary")]
    pub fn summary(&self, options: Option<JsLiveSummaryOptions>) -> Result<JsValue, JsValue> {
        let o = js_options(options)?;
        result(&live::live_summary(&self.inner.borrow(), o).map_err(error)?)
    }

    /// Scores `customer` with a purchase model (a `ChurnModel` or its
    /// JSON): `frequency`, `recency`, `t`, `monetaryValue`,
    /// `probabilityAlive`, and with the options `horizon` and
    /// `deadlineThreshold` the `expectedPurchases` and `churnDeadline`;
    /// `asOf` is the scoring day (default: the last recorded purchase
    /// period).
    #[wasm_bindgen(unchecked_return_type = "LiveScore")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number")] customer: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ChurnModel | string")] model: JsValue,
        options: Option<JsLiveScoreOptions>,
    ) -> Result<JsValue, JsValue> {
        let text = match model.as_string() {
            Some(s) => s,
            None => convert::call_own("model", &model, "toJson", "ChurnModel or a model's JSON")?
                .as_string()
                .ok_or_else(|| convert::type_error("model", "must be a ChurnModel or a model's JSON"))?,
        };
        let id = to_json("customer", &customer)?;
        let o = js_options(options)?;
        result(&live::live_score(&self.inner.borrow(), &id, &text, o).map_err(error)?)
    }
}
