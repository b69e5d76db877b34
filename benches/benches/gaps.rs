//! Expectation gaps at scale: SERVQUAL on 100,000 respondents × 22 items,
//! delivery and repeat contacts over a million rows.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cx::gaps::{
    Answers, DeliveryOptions, RepeatOptions, ServqualOptions, delivery, repeat_contacts, servqual,
    servqual_dimensions,
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

criterion_group!(benches, survey_gaps, promise_gaps);
criterion_main!(benches);
