//! `cx rfm`: recency, frequency, monetary scores and segments per customer as CSV.

use std::io;

use cx::retention::{RfmOptions, Transactions, rfm};
use cx::survey::{TimeBucket, TimeUnit};

use crate::args::RfmArgs;
use crate::dialect::DialectArgs;
use crate::load::{Headers, orders_specs};
use crate::read::{Kind, Source, read_table};
use crate::report;

pub fn run(a: RfmArgs) -> Result<(), String> {
    let h = Headers::parse(&a.columns, false)?;
    let t = read_table(
        Source::Path(&a.file),
        &orders_specs(&h, ""),
        &[],
        Kind::OptNumber,
        a.skip_bad_rows,
        &DialectArgs::default(),
    )?;
    let ts = t.times_present("date").unwrap_or_default();
    let tx = Transactions {
        customers: t.texts("customer").unwrap_or_default(),
        timestamps: &ts,
        unit: TimeUnit::Milliseconds,
        amounts: t.numbers("amount"),
    };
    let p = cx::retention::Purchases::from_transactions(
        &tx,
        &cx::retention::PurchaseOptions {
            bucket: Some(TimeBucket::Day),
            observation_end: a.as_of,
            allow_negative_amounts: true,
        },
    )
    .map_err(|e| report::locate(&t, "date", &e).to_string())?;
    let r = rfm(
        &p,
        &RfmOptions {
            as_of: a.as_of,
            ..RfmOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut w = csv::Writer::from_writer(io::stdout().lock());
    let e = |e: csv::Error| e.to_string();
    w.write_record([
        "customer",
        "recency_days",
        "frequency",
        "monetary",
        "r",
        "f",
        "m",
        "segment",
    ])
    .map_err(e)?;
    for i in 0..r.customers.len() {
        w.write_record([
            r.customers[i].clone(),
            r.recency_days[i].to_string(),
            r.frequency[i].to_string(),
            format!("{:.2}", r.monetary[i]),
            r.r[i].to_string(),
            r.f[i].to_string(),
            r.m[i].to_string(),
            r.segment[i].clone(),
        ])
        .map_err(e)?;
    }
    w.flush().map_err(|e| e.to_string())?;
    eprintln!(
        "cx: {} customers as of {} from {} rows ({} after as-of, {} skipped)",
        r.customers.len(),
        r.as_of,
        t.rows,
        p.report.after_end,
        t.skipped
    );
    Ok(())
}
