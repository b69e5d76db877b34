//! The rules on orders: overdue against the customer's own cadence, a
//! long hiatus, low P(alive) from a purchase model, the RFM segment.

use std::hash::Hash;

use super::build::Builder;
use super::wording::{ramp, signal};
use super::{SignalKind, SignalOptions, TableRows};
use crate::churn::{
    AnyModel, BetaGeo, ChurnModel, ClvOptions, CustomerData, FitOptions, GammaGamma, customer_lifetime_value,
};
use crate::error::Result;
use crate::retention::{
    PurchaseOptions, Purchases, RfmOptions, SummaryOptions, Transactions, cadence, rfm,
    summary_from_purchases,
};
use crate::time::{TimeBucket, date_of_day};

impl<K: Hash + Eq + Ord + Clone> Builder<K> {
    pub(super) fn orders(&mut self, o: &Transactions<'_, K>, options: &SignalOptions) -> Result<()> {
        let end = date_of_day(self.as_of);
        let before = o
            .timestamps
            .iter()
            .filter(|&&t| t != i64::MIN && o.unit.day_of(t) <= self.as_of)
            .count();
        if before == 0 {
            // Every order lies after as_of: nothing to judge, but say so.
            self.tables.insert(
                "orders",
                TableRows {
                    rows: o.customers.len(),
                    used: 0,
                    after_as_of: o.customers.len(),
                    missing: 0,
                },
            );
            self.notes
                .push("no order on or before as_of: order signals are not computed".into());
            return Ok(());
        }
        let p = Purchases::from_transactions(
            o,
            &PurchaseOptions {
                bucket: Some(TimeBucket::Day),
                observation_end: end,
                allow_negative_amounts: true,
            },
        )?;
        self.tables.insert(
            "orders",
            TableRows {
                rows: p.report.rows,
                used: p.report.used,
                after_as_of: p.report.after_end,
                missing: 0,
            },
        );
        let c = cadence(&p, end)?;
        let r = rfm(
            &p,
            &RfmOptions {
                as_of: end,
                ..RfmOptions::default()
            },
        )?;
        // The purchases are not needed after this: the summary takes them over.
        let view = self.model_view(p, options);
        for i in 0..c.customers.len() {
            let k = &c.customers[i];
            let since = c.days_since[i] as f64;
            let orders = c.purchases[i];
            let e = self.entry(k);
            e.orders = orders;
            e.last_order = Some(c.last_purchase[i]);
            e.segment = Some(r.segment[i].clone());
            if let Some((v, _)) = &view {
                e.p_alive = Some(v.p_alive[i]);
                e.p_no_order = Some(v.p_no_order[i]);
                e.summary = Some(v.summary[i]);
                e.clv = v.clv.as_ref().map(|c| c[i]);
            }
            e.lost = options.lost_after_days.is_some_and(|d| since > d);
            if orders >= options.min_orders_for_cadence {
                if let (Some(ratio), Some(mean)) = (c.overdue_ratio[i], c.mean_interval[i])
                    && ratio >= options.overdue_ratio
                {
                    let s = ramp(ratio, options.overdue_ratio, 2.0 * options.overdue_ratio);
                    let reason = format!("no order for {since} days against a usual {}", mean.round());
                    self.push(
                        k,
                        signal(
                            SignalKind::Overdue,
                            s,
                            reason,
                            &[("days_since", since), ("mean_interval", mean), ("ratio", ratio)],
                        ),
                    );
                }
            } else if since >= options.hiatus_days {
                let s = ramp(since, options.hiatus_days, 2.0 * options.hiatus_days);
                let reason = if orders == 1 {
                    format!("one order only, {since} days ago")
                } else {
                    format!("{orders} orders, the last {since} days ago")
                };
                self.push(
                    k,
                    signal(
                        SignalKind::Hiatus,
                        s,
                        reason,
                        &[("days_since", since), ("orders", orders.into())],
                    ),
                );
            }
            if let Some((view, name)) = &view
                && view.p_alive[i] < options.p_alive_below
            {
                let v = &view.p_alive;
                let s = ramp(options.p_alive_below - v[i], 0.0, options.p_alive_below);
                let reason = format!("probability still active {:.0}% ({name})", 100.0 * v[i]);
                self.push(k, signal(SignalKind::LowPAlive, s, reason, &[("p_alive", v[i])]));
            }
            if options.rfm_segments.iter().any(|s| *s == r.segment[i]) {
                let reason = format!("RFM segment \"{}\" (R {}, F {})", r.segment[i], r.r[i], r.f[i]);
                self.push(
                    k,
                    signal(
                        SignalKind::RfmSegment,
                        options.rfm_strength,
                        reason,
                        &[("r", r.r[i].into()), ("f", r.f[i].into()), ("m", r.m[i].into())],
                    ),
                );
            }
        }
        Ok(())
    }

    /// What the purchase model says of every customer of `p` (from the
    /// given model or a BG/NBD fit on the daily summary), with the model's
    /// name; `None` without a model.
    fn model_view(&mut self, p: Purchases<K>, options: &SignalOptions) -> Option<(ModelView, &'static str)> {
        if options.model.is_none() && !options.fit_model {
            return None;
        }
        let s = summary_from_purchases(p, &SummaryOptions::default());
        let x: Vec<f64> = s.frequency.iter().map(|&f| f64::from(f)).collect();
        let data = CustomerData {
            frequency: &x,
            recency: &s.recency,
            t: &s.t,
        };
        let model = match &options.model {
            Some(m) => m.clone(),
            None if options.fit_model => match BetaGeo::fit(&data, &FitOptions::default()) {
                Ok(m) => AnyModel::BgNbd(m),
                Err(e) => {
                    self.notes.push(format!(
                        "BG/NBD could not be fitted to the orders ({e}): low_p_alive is not computed"
                    ));
                    return None;
                }
            },
            None => return None,
        };
        let Some(pm) = model.purchase_model() else {
            self.notes
                .push("the model given is not a purchase model: low_p_alive is not computed".into());
            return None;
        };
        let horizon = options
            .calibration
            .as_ref()
            .map_or(options.horizon_days, |c| c.horizon_days);
        let n = s.len();
        let p_alive: Vec<f64> = (0..n)
            .map(|i| pm.probability_alive(x[i], s.recency[i], s.t[i]))
            .collect();
        let p_no_order: Vec<f64> = (0..n)
            .map(|i| pm.conditional_pmf(horizon, 0, x[i], s.recency[i], s.t[i])[0].clamp(0.0, 1.0))
            .collect();
        let clv = match (&s.monetary_value, options.value) {
            (Some(m), true) => self.values(pm, &data, m),
            _ => None,
        };
        let summary = (0..n).map(|i| [x[i], s.recency[i], s.t[i]]).collect();
        let name = crate::churn::model_name(&model);
        self.model = Some(model);
        Some((
            ModelView {
                p_alive,
                p_no_order,
                clv,
                summary,
            },
            name,
        ))
    }

    /// CLV over the next 12 months (1 % a month) from the purchase model
    /// and a gamma-gamma fit on the repeat customers' spend; `None` (with
    /// a note) when the spend model cannot be fitted.
    fn values(
        &mut self,
        pm: &(dyn ChurnModel + Sync),
        data: &CustomerData<'_>,
        monetary: &[f64],
    ) -> Option<Vec<f64>> {
        let spend = match GammaGamma::fit(data.frequency, monetary, &FitOptions::default()) {
            Ok(g) => g,
            Err(e) => {
                self.notes.push(format!(
                    "the spend model could not be fitted to the order amounts ({e}): no values at risk"
                ));
                return None;
            }
        };
        match customer_lifetime_value(pm, &spend, data, monetary, &ClvOptions::default()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.notes
                    .push(format!("CLV could not be computed ({e}): no values at risk"));
                None
            }
        }
    }
}

/// What the purchase model says of each customer, in the summary's
/// (ascending key) order.
struct ModelView {
    p_alive: Vec<f64>,
    p_no_order: Vec<f64>,
    clv: Option<Vec<f64>>,
    summary: Vec<[f64; 3]>,
}
