//! The operations sections: repeat purchase and retention from the orders,
//! promise gaps from deliveries and contacts.

use std::hash::Hash;

use chrono::NaiveDate;

use super::{PromiseSection, RetentionSection, ScorecardOptions, ShopTables, TableUse, table_use};
use crate::error::{CxError, Result};
use crate::gaps::{
    AnswerTimeOptions, DeliveryOptions, RepeatOptions, answer_times, delivery, first_contact_resolution,
    repeat_contacts,
};
use crate::retention::{
    PurchaseOptions, Purchases, RfmOptions, Transactions, cohort_retention, rfm, store_summary,
};
use crate::survey::TimeBucket;

pub(super) fn orders<K: Hash + Eq + Ord + Clone>(
    o: &Transactions<'_, K>,
    as_of: NaiveDate,
    s: &ScorecardOptions,
) -> Result<(Option<RetentionSection>, TableUse)> {
    let rows = o.customers.len();
    let options = PurchaseOptions {
        bucket: Some(TimeBucket::Day),
        observation_end: Some(as_of),
        allow_negative_amounts: true,
    };
    let p = match Purchases::from_transactions(o, &options) {
        Ok(p) => p,
        // Every order after the report day: nothing to report yet.
        Err(CxError::InvalidParameter {
            argument: "observation_end",
            ..
        }) => return Ok((None, table_use("orders", rows, 0))),
        Err(e) => return Err(e),
    };
    let mut used = table_use("orders", rows, p.report.used);
    used.after_as_of = p.report.after_end;
    let store = store_summary(&p, s.level)?;
    let mut cohorts = cohort_retention(&p, TimeBucket::Month);
    // The last twelve cohorts fit a readable heatmap.
    if cohorts.len() > 12 {
        cohorts.drain(..cohorts.len() - 12);
    }
    let r = rfm(
        &p,
        &RfmOptions {
            as_of: Some(as_of),
            ..RfmOptions::default()
        },
    )?;
    let mut segments: Vec<(String, usize)> = Vec::new();
    for seg in &r.segment {
        match segments.iter_mut().find(|x| &x.0 == seg) {
            Some(x) => x.1 += 1,
            None => segments.push((seg.clone(), 1)),
        }
    }
    segments.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok((
        Some(RetentionSection {
            store,
            cohorts,
            segments,
        }),
        used,
    ))
}

/// Picks `rows` of a column.
fn pick<T: Clone>(v: &[T], rows: &[usize]) -> Vec<T> {
    rows.iter().map(|&i| v[i].clone()).collect()
}

/// Delivery, answer times, first-contact resolution and repeat contacts,
/// from the rows up to the report day (deliveries by promised day, contacts
/// by the day they were received; later deliveries, answers and
/// resolutions count as not yet happened).
pub(super) fn promise<K: Hash + Eq + Ord + Clone>(
    t: &ShopTables<'_, K>,
    cutoff: i64,
    s: &ScorecardOptions,
    used: &mut Vec<TableUse>,
) -> Result<Option<PromiseSection>> {
    let unit = t.unit;
    let by_day = |v: Option<i64>| v.filter(|&x| unit.day_of(x) <= cutoff);
    let mut sec = PromiseSection {
        delivery: None,
        by_carrier: Vec::new(),
        answer_times: None,
        by_channel: Vec::new(),
        first_contact_resolution: None,
        repeat_contacts: None,
    };
    let mut any = false;
    if let Some(d) = &t.deliveries {
        let n = d.customers.len();
        CxError::check_len("deliveries.promised", d.promised.len(), "deliveries.customers", n)?;
        CxError::check_len(
            "deliveries.delivered",
            d.delivered.len(),
            "deliveries.customers",
            n,
        )?;
        let rows: Vec<usize> = (0..n).filter(|&i| unit.day_of(d.promised[i]) <= cutoff).collect();
        used.push(table_use("deliveries", n, rows.len()));
        if !rows.is_empty() {
            let carriers = d.carriers.map(|c| pick(c, &rows));
            let delivered: Vec<Option<i64>> = rows.iter().map(|&i| by_day(d.delivered[i])).collect();
            let o = DeliveryOptions {
                level: s.level,
                ..DeliveryOptions::default()
            };
            let r = delivery(
                &pick(d.promised, &rows),
                &delivered,
                unit,
                carriers.as_deref(),
                &o,
            )?;
            sec.delivery = Some(r.overall);
            sec.by_carrier = r.groups.unwrap_or_default();
            any = true;
        }
    }
    if let Some(c) = &t.contacts {
        let n = c.customers.len();
        CxError::check_len("contacts.received", c.received.len(), "contacts.customers", n)?;
        let rows: Vec<usize> = (0..n).filter(|&i| unit.day_of(c.received[i]) <= cutoff).collect();
        used.push(table_use("contacts", n, rows.len()));
        if !rows.is_empty() {
            let received = pick(c.received, &rows);
            let channels = c.channels.map(|ch| pick(ch, &rows));
            if let Some(ans) = c.answered {
                let answered: Vec<Option<i64>> = rows.iter().map(|&i| by_day(ans[i])).collect();
                let o = AnswerTimeOptions {
                    service_level_seconds: s.service_level_hours * 3600.0,
                    channel_levels: Vec::new(),
                    level: s.level,
                };
                let r = answer_times(&received, &answered, unit, channels.as_deref(), &o)
                    .map_err(|e| in_table(e, "contacts.answered", &rows))?;
                sec.answer_times = Some(r.overall);
                sec.by_channel = r.groups.unwrap_or_default();
            }
            if let (Some(cases), Some(res)) = (c.cases, c.resolved) {
                let resolved: Vec<bool> = rows.iter().map(|&i| by_day(res[i]).is_some()).collect();
                let r = first_contact_resolution(
                    &pick(cases, &rows),
                    &received,
                    &resolved,
                    channels.as_deref(),
                    s.level,
                )?;
                sec.first_contact_resolution = Some(r.overall);
            }
            if let Some(ch) = channels.as_deref() {
                let cases = c.cases.map(|cs| pick(cs, &rows));
                let o = RepeatOptions {
                    level: s.level,
                    ..RepeatOptions::default()
                };
                let r = repeat_contacts(
                    &pick(c.customers, &rows),
                    &received,
                    unit,
                    ch,
                    cases.as_deref(),
                    &o,
                )?;
                sec.repeat_contacts = Some(r);
            }
            any = true;
        }
    }
    Ok(any.then_some(sec))
}

/// An error about a subset of rows, renamed to the table's column and its
/// row in the table.
fn in_table(e: CxError, argument: &'static str, rows: &[usize]) -> CxError {
    match e {
        CxError::OutOfRange {
            index,
            value,
            allowed,
            ..
        } => CxError::OutOfRange {
            argument,
            index: rows.get(index).copied().unwrap_or(index),
            value,
            allowed,
        },
        other => other,
    }
}
