//! Retention hot path: the customer summary (hash customers, counting sort,
//! per-customer merge) at 1e5, 1e6 and 1e7 order rows, the store-level
//! measures from the grouped purchases, and the live summary kept per order
//! beside the batch summary of the same orders.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cx::retention::{
    LiveOptions, LiveSummary, PurchaseOptions, Purchases, RfmOptions, SummaryOptions, Transactions,
    cohort_retention, customer_summary, rfm, store_summary,
};
use cx::time::{TimeBucket, TimeUnit};
use cx_benches::orders;

fn summary(c: &mut Criterion) {
    let mut g = c.benchmark_group("customer_summary");
    g.sample_size(10);
    for n in [100_000usize, 1_000_000, 10_000_000] {
        let o = orders(n, 3);
        let tx = Transactions {
            customers: &o.customers,
            timestamps: &o.days,
            unit: TimeUnit::Days,
            amounts: Some(&o.amounts),
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), &tx, |b, tx| {
            b.iter(|| customer_summary(black_box(tx), &SummaryOptions::default()).expect("valid"))
        });
    }
    g.finish();
}

fn store_measures(c: &mut Criterion) {
    let o = orders(1_000_000, 5);
    let tx = Transactions {
        customers: &o.customers,
        timestamps: &o.days,
        unit: TimeUnit::Days,
        amounts: Some(&o.amounts),
    };
    let p = Purchases::from_transactions(&tx, &PurchaseOptions::default()).expect("valid");
    let mut g = c.benchmark_group("store_1e6_rows");
    g.sample_size(10);
    g.bench_function("store_summary", |b| {
        b.iter(|| store_summary(black_box(&p), 0.95).expect("valid"))
    });
    g.bench_function("cohort_retention_month", |b| {
        b.iter(|| cohort_retention(black_box(&p), TimeBucket::Month))
    });
    g.bench_function("rfm", |b| {
        b.iter(|| rfm(black_box(&p), &RfmOptions::default()).expect("valid"))
    });
    // The tracking plot's data (one pass over the purchases, a BG/NBD
    // expectation per lag), weeks of days as in the CDNOW tracking.
    let bg = cx::churn::BetaGeo::new(0.24, 4.4, 0.79, 2.4).expect("params");
    let o = cx::churn::TrackingOptions {
        multiplier: 7,
        ..cx::churn::TrackingOptions::default()
    };
    g.bench_function("expected_cumulative_transactions", |b| {
        b.iter(|| cx::churn::expected_cumulative_transactions(&bg, black_box(&tx), &o).expect("valid"))
    });
    g.finish();
}

/// 1e6 orders with millisecond timestamps (a time of day per order, so no
/// two orders share a timestamp by construction): recorded one at a time
/// in time order, as a live feed does; as one batch; and the batch summary
/// of the same orders, for the cost of keeping it live.
fn live(c: &mut Criterion) {
    let o = orders(1_000_000, 7);
    const DAY: i64 = 86_400_000;
    let ms: Vec<i64> = o
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| d * DAY + (i as i64).wrapping_mul(7_919_993).rem_euclid(DAY))
        .collect();
    let mut order: Vec<usize> = (0..ms.len()).collect();
    order.sort_by_key(|&i| ms[i]);
    let tx = Transactions {
        customers: &o.customers,
        timestamps: &ms,
        unit: TimeUnit::Milliseconds,
        amounts: Some(&o.amounts),
    };
    let mut g = c.benchmark_group("live_1e6_orders");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ms.len() as u64));
    g.bench_function("record_each_in_time_order", |b| {
        b.iter(|| {
            let mut t = LiveSummary::new(LiveOptions::default()).expect("options");
            for &i in &order {
                t.record(o.customers[i], ms[i], TimeUnit::Milliseconds, Some(o.amounts[i]))
                    .expect("in time order");
            }
            t
        })
    });
    g.bench_function("record_all", |b| {
        b.iter(|| {
            let mut t = LiveSummary::new(LiveOptions::default()).expect("options");
            t.record_all(black_box(&tx)).expect("valid");
            t
        })
    });
    g.bench_function("batch_customer_summary", |b| {
        b.iter(|| customer_summary(black_box(&tx), &SummaryOptions::default()).expect("valid"))
    });
    g.finish();
}

/// Text timestamps as exports hold them (one form per file), read by cx's
/// fixed-layout reader and, beside it, by chrono's format-string parsers
/// tried in turn (what `parse_timestamp_ms` did before).
fn timestamps(c: &mut Criterion) {
    use cx_tests::chrono_timestamp_ms as chrono_ms;
    let o = orders(1_000_000, 7);
    let day = |d: i64| chrono::NaiveDate::from_num_days_from_ce_opt(719_163 + d as i32).expect("in range");
    let forms: [(&str, Vec<String>); 3] = [
        ("date", o.days.iter().map(|&d| day(d).to_string()).collect()),
        (
            "date_time",
            o.days
                .iter()
                .enumerate()
                .map(|(i, &d)| format!("{} {:02}:{:02}:{:02}", day(d), i % 24, i % 60, (i * 7) % 60))
                .collect(),
        ),
        (
            "rfc3339_offset",
            o.days
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    format!(
                        "{}T{:02}:{:02}:{:02}.{:03}+01:00",
                        day(d),
                        i % 24,
                        i % 60,
                        (i * 7) % 60,
                        i % 1000
                    )
                })
                .collect(),
        ),
    ];
    let mut g = c.benchmark_group("timestamps_1e6_texts");
    g.sample_size(10);
    g.throughput(Throughput::Elements(o.days.len() as u64));
    for (form, texts) in &forms {
        // The two readers agree on every text before they are timed.
        for t in texts.iter().step_by(997) {
            assert_eq!(cx::time::parse_timestamp_ms(t), chrono_ms(t), "{t}");
        }
        g.bench_with_input(BenchmarkId::new("cx", form), texts, |b, t| {
            b.iter(|| cx::time::parse_timestamps_ms("timestamps", black_box(t)).expect("valid"))
        });
        g.bench_with_input(BenchmarkId::new("chrono_formats", form), texts, |b, t| {
            b.iter(|| {
                black_box(t)
                    .iter()
                    .map(|s| chrono_ms(s).expect("valid"))
                    .collect::<Vec<i64>>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, summary, store_measures, live, timestamps);
criterion_main!(benches);
