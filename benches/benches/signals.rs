//! Customer signals and the whole scorecard at scale: 100,000 customers
//! with a million orders, 300,000 survey answers, 100,000 contacts and a
//! million deliveries (times of day included, so that no two orders share a
//! timestamp by construction), with and without the BG/NBD fit behind
//! `low_p_alive`; the backtest of the calibrated risk (5 cut-offs) and the
//! scorecard with and without that calibration.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx::retention::Transactions;
use cx::scorecard::{ContactRows, DeliveryRows, ScorecardOptions, ShopTables, SurveyRows, scorecard};
use cx::signals::{
    BacktestOptions, Contacts, Deliveries, Feedback, SignalInputs, SignalOptions, backtest, signals,
};
use cx::time::TimeUnit;
use cx_benches::Rng;

const DAY: i64 = 86_400_000;

struct Shop {
    oc: Vec<u32>,
    ot: Vec<i64>,
    fc: Vec<u32>,
    ft: Vec<i64>,
    fs: Vec<f64>,
    cc: Vec<u32>,
    cr: Vec<i64>,
    cd: Vec<Option<i64>>,
    ch: Vec<String>,
    dc: Vec<u32>,
    dp: Vec<i64>,
    dd: Vec<Option<i64>>,
}

fn shop(customers: u64, orders: usize) -> Shop {
    let mut r = Rng(7);
    let mut s = Shop {
        oc: Vec::new(),
        ot: Vec::new(),
        fc: Vec::new(),
        ft: Vec::new(),
        fs: Vec::new(),
        cc: Vec::new(),
        cr: Vec::new(),
        cd: Vec::new(),
        ch: Vec::new(),
        dc: Vec::new(),
        dp: Vec::new(),
        dd: Vec::new(),
    };
    // Customers skewed towards low ids, so that frequencies vary.
    for _ in 0..orders {
        let c = (r.below(customers) * r.below(customers) / customers) as u32;
        let day = r.below(730) as i64;
        s.oc.push(c);
        s.ot.push(day * DAY + r.below(DAY as u64) as i64);
        s.dc.push(c);
        s.dp.push((day + 3) * DAY);
        s.dd.push(
            (r.below(50) != 0).then(|| (day + 1 + r.below(6) as i64) * DAY + r.below(DAY as u64) as i64),
        );
        if r.below(10) < 3 {
            s.fc.push(c);
            s.ft.push((day + 5) * DAY);
            s.fs.push(r.below(11) as f64);
        }
        if r.below(10) == 0 {
            s.cc.push(c);
            s.cr.push((day + 4) * DAY + r.below(DAY as u64) as i64);
            s.cd.push((r.below(8) != 0).then(|| (day + 5) * DAY));
            s.ch.push(["chat", "email", "phone"][r.below(3) as usize].to_owned());
        }
    }
    s
}

fn bench(c: &mut Criterion) {
    let s = shop(100_000, 1_000_000);
    let inputs = SignalInputs {
        orders: Some(Transactions {
            customers: &s.oc,
            timestamps: &s.ot,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        }),
        feedback: Some(Feedback {
            customers: &s.fc,
            timestamps: &s.ft,
            scores: &s.fs,
        }),
        contacts: Some(Contacts {
            customers: &s.cc,
            received: &s.cr,
            resolved: &s.cd,
            channels: Some(&s.ch),
            cases: None,
        }),
        deliveries: Some(Deliveries {
            customers: &s.dc,
            promised: &s.dp,
            delivered: &s.dd,
        }),
        unit: TimeUnit::Milliseconds,
    };
    let rows = (s.oc.len() + s.fc.len() + s.cc.len() + s.dc.len()) as u64;
    let mut g = c.benchmark_group("signals");
    g.sample_size(10);
    g.throughput(Throughput::Elements(rows));
    let rules = SignalOptions {
        fit_model: false,
        ..SignalOptions::default()
    };
    g.bench_function("rules, 100k customers, 2.4M rows", |b| {
        b.iter(|| signals(black_box(&inputs), &rules).unwrap())
    });
    g.bench_function("rules + BG/NBD fit, 100k customers, 2.4M rows", |b| {
        b.iter(|| signals(black_box(&inputs), &SignalOptions::default()).unwrap())
    });
    // The whole scorecard of the same shop (survey, retention, promise gaps,
    // model and risk): what `cx report`, `cx.scorecard` and JS `scorecard` run.
    let tables = ShopTables {
        orders: inputs.orders,
        feedback: Some(SurveyRows {
            customers: &s.fc,
            timestamps: &s.ft,
            nps: Some(&s.fs),
            csat: None,
            touchpoints: Vec::new(),
        }),
        contacts: Some(ContactRows {
            customers: &s.cc,
            received: &s.cr,
            answered: Some(&s.cd),
            resolved: Some(&s.cd),
            channels: Some(&s.ch),
            cases: None,
        }),
        deliveries: Some(DeliveryRows {
            customers: &s.dc,
            promised: &s.dp,
            delivered: &s.dd,
            carriers: None,
        }),
        unit: TimeUnit::Milliseconds,
    };
    // The backtest behind the calibrated risk: 5 cut-offs, each the signals
    // and a BG/NBD fit on what was known then, plus the logistic fits.
    let five = BacktestOptions {
        n_cutoffs: 5,
        ..BacktestOptions::default()
    };
    g.bench_function("backtest, 5 cut-offs, 100k customers, 2.4M rows", |b| {
        b.iter(|| backtest(black_box(&inputs), &five).unwrap())
    });
    g.bench_function("scorecard, 100k customers, 2.4M rows", |b| {
        b.iter(|| scorecard(black_box(&tables), &ScorecardOptions::default()).unwrap())
    });
    let rules_only = ScorecardOptions {
        calibrate: false,
        ..ScorecardOptions::default()
    };
    g.bench_function("scorecard without calibration, 100k customers, 2.4M rows", |b| {
        b.iter(|| scorecard(black_box(&tables), &rules_only).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
