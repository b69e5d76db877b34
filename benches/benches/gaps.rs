//! Expectation gaps at scale: SERVQUAL on 100,000 respondents × 22 items,
//! delivery and repeat contacts over a million rows, key drivers of 20
//! items × 100,000 respondents with 1,000 bootstrap replicates.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx::gaps::{
    Answers, DeliveryOptions, DriverOptions, RepeatOptions, ServqualOptions, delivery, key_drivers,
    repeat_contacts, servqual, servqual_dimensions,
};
use cx::time::TimeUnit;
use cx_benches::Rng;

fn survey_gaps(c: &mut Criterion) {
    let (n, k) = (100_000, 22);
    let mut rng = Rng(42);
    let answer = |rng: &mut Rng| {
        if rng.below(20) == 0 {
            f64::NAN
        } else {
            (1 + rng.below(7)) as f64
        }
    };
    let e: Vec<f64> = (0..n * k).map(|_| answer(&mut rng)).collect();
    let p: Vec<f64> = (0..n * k).map(|_| answer(&mut rng)).collect();
    let dims = servqual_dimensions();
    let mut g = c.benchmark_group("gaps");
    g.sample_size(10);
    g.throughput(Throughput::Elements((n * k) as u64));
    g.bench_function("servqual_1e5_respondents_22_items", |b| {
        b.iter(|| {
            servqual(
                Some(Answers::new(black_box(&e), k)),
                Answers::new(&p, k),
                &dims,
                &ServqualOptions::default(),
            )
            .expect("servqual")
        })
    });
    g.finish();
}

fn promise_gaps(c: &mut Criterion) {
    let n = 1_000_000;
    let mut rng = Rng(7);
    let promised: Vec<i64> = (0..n).map(|_| 19_000 + rng.below(365) as i64).collect();
    let delivered: Vec<Option<i64>> = promised
        .iter()
        .map(|p| (rng.below(50) != 0).then(|| p - 2 + rng.below(6) as i64))
        .collect();
    let carriers: Vec<u8> = (0..n).map(|_| rng.below(4) as u8).collect();
    let customers: Vec<u32> = (0..n).map(|_| rng.below(200_000) as u32).collect();
    let times: Vec<i64> = (0..n).map(|_| rng.below(365 * 86_400) as i64).collect();
    let channels: Vec<u32> = (0..n).map(|_| rng.below(3) as u32).collect();
    let mut g = c.benchmark_group("gaps");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("delivery_1e6_orders_by_carrier", |b| {
        b.iter(|| {
            delivery(
                black_box(&promised),
                &delivered,
                TimeUnit::Days,
                Some(&carriers),
                &DeliveryOptions::default(),
            )
            .expect("delivery")
        })
    });
    g.bench_function("repeat_contacts_1e6_contacts", |b| {
        b.iter(|| {
            repeat_contacts(
                black_box(&customers),
                &times,
                TimeUnit::Seconds,
                &channels,
                None,
                &RepeatOptions::default(),
            )
            .expect("repeat contacts")
        })
    });
    g.finish();
}

/// Ratings shaped like a survey's: 1–7, correlated through a latent
/// satisfaction and each item's own noise, rounded; the outcome an NPS
/// answer 0–10 driven by five of the items.
fn ratings(n: usize, k: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng(seed);
    let mut unit = || rng.below(1_000_000) as f64 / 1e6 - 0.5;
    let mut items = Vec::with_capacity(n * k);
    let mut outcome = Vec::with_capacity(n);
    for _ in 0..n {
        let latent = 2.0 * unit();
        let row: Vec<f64> = (0..k)
            .map(|_| (4.0 + 2.0 * latent + 3.0 * unit()).round().clamp(1.0, 7.0))
            .collect();
        let y = (row[..5].iter().sum::<f64>() / 3.5 - 1.0 + 4.0 * unit())
            .round()
            .clamp(0.0, 10.0);
        items.extend(row);
        outcome.push(y);
    }
    (items, outcome)
}

fn drivers(c: &mut Criterion) {
    let mut g = c.benchmark_group("gaps");
    g.sample_size(10);
    for (k, boot) in [(20, 0), (20, 1000), (10, 1000)] {
        let n = 100_000;
        let (items, y) = ratings(n, k, 5);
        let o = DriverOptions {
            bootstrap: boot,
            ..Default::default()
        };
        g.throughput(Throughput::Elements((n * k) as u64));
        g.bench_function(
            format!("key_drivers_1e5_respondents_{k}_items_{boot}_bootstrap"),
            |b| b.iter(|| key_drivers(black_box(&y), Answers::new(&items, k), &o).expect("drivers")),
        );
    }
    g.finish();
}

criterion_group!(benches, survey_gaps, promise_gaps, drivers);
criterion_main!(benches);
