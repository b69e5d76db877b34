//! The rules on orders: overdue against the customer's own cadence, a
//! long hiatus, low P(alive) from a purchase model, the RFM segment.

use std::hash::Hash;

use super::build::Builder;
use super::wording::{ramp, signal};
use super::{SignalKind, SignalOptions, TableRows};
use crate::churn::{AnyModel, BetaGeo, CustomerData, FitOptions};
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
        let p_alive = self.p_alive(p, options);
        for i in 0..c.customers.len() {
            let k = &c.customers[i];
            let since = c.days_since[i] as f64;
            let orders = c.purchases[i];
            let e = self.entry(k);
            e.orders = orders;
            e.last_order = Some(c.last_purchase[i]);
            e.segment = Some(r.segment[i].clone());
            e.p_alive = p_alive.as_ref().map(|(v, _)| v[i]);
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
            if let Some((v, name)) = &p_alive
                && v[i] < options.p_alive_below
            {
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

    /// P(alive) of every customer of `p` from the given model or a BG/NBD
    /// fit on the daily summary, with the model's name.
    fn p_alive(&mut self, p: Purchases<K>, options: &SignalOptions) -> Option<(Vec<f64>, &'static str)> {
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
        let v: Vec<f64> = (0..s.len())
            .map(|i| pm.probability_alive(x[i], s.recency[i], s.t[i]))
            .collect();
        let name = crate::churn::model_name(&model);
        self.model = Some(model);
        Some((v, name))
    }
}
