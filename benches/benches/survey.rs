//! Survey hot paths: building the answer distribution (the one pass every
//! measure needs) at 1e5, 1e6 and 1e7 answers, from bytes and from floats,
//! weighted and grouped; control charts and confidence sequences fed one
//! answer at a time at 1e3 and 1e6 answers. Throughput is reported per
//! answer, so linear cost (O(1) per answer) shows as a flat time per
//! element across sizes.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cx::survey::{
    AnswerKind, Cusum, Distribution, Ewma, InControl, NpsOptions, RunningMean, Scale, SegmentOptions,
    SequenceOptions, Timestamps, confidence_sequence, group_by, nps, segments,
};
use cx::time::{TimeBucket, TimeUnit};
use cx_benches::nps_answers;

fn nps_from_answers(c: &mut Criterion) {
    let mut g = c.benchmark_group("nps");
    g.sample_size(10);
    for n in [100_000usize, 1_000_000, 10_000_000] {
        let bytes = nps_answers(n, 42);
        let floats: Vec<f64> = bytes.iter().map(|&b| f64::from(b)).collect();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("u8", n), &bytes, |b, s| {
            b.iter(|| nps(black_box(s), &NpsOptions::default()).expect("valid"))
        });
        g.bench_with_input(BenchmarkId::new("f64", n), &floats, |b, s| {
            b.iter(|| nps(black_box(s), &NpsOptions::default()).expect("valid"))
        });
        // The simplest correct loop, as a baseline for the histogram path.
        g.bench_with_input(BenchmarkId::new("naive_u8_loop", n), &bytes, |b, s| {
            b.iter(|| {
                let (mut p, mut d) = (0u64, 0u64);
                for &x in black_box(s) {
                    assert!(x <= 10);
                    p += u64::from(x >= 9);
                    d += u64::from(x <= 6);
                }
                100.0 * (p as f64 - d as f64) / s.len() as f64
            })
        });
    }
    g.finish();
}

fn weighted_and_grouped(c: &mut Criterion) {
    let n = 1_000_000;
    let bytes = nps_answers(n, 7);
    let weights: Vec<f64> = bytes.iter().map(|&b| 0.5 + f64::from(b) / 10.0).collect();
    let keys: Vec<u32> = nps_answers(n, 99)
        .iter()
        .map(|&b| u32::from(b) * 3 % 20)
        .collect();
    let mut g = c.benchmark_group("survey_1e6");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("weighted", |b| {
        b.iter(|| Distribution::from_scores(Scale::NPS, black_box(&bytes), Some(&weights)).expect("valid"))
    });
    g.bench_function("grouped_20_keys", |b| {
        b.iter(|| group_by(Scale::NPS, black_box(&bytes), None, Some(&keys[..]), None).expect("valid"))
    });
    g.finish();
}

/// Grouped NPS over ten million answers: 20 touchpoints × ISO weeks.
fn grouped_10m(c: &mut Criterion) {
    let n = 10_000_000;
    let bytes = nps_answers(n, 11);
    let keys: Vec<u32> = nps_answers(n, 12)
        .iter()
        .map(|&b| u32::from(b) * 7 % 20)
        .collect();
    let days: Vec<i64> = (0..n as i64).map(|i| 19_000 + (i * 7919) % 365).collect();
    let time = Timestamps {
        values: &days,
        unit: TimeUnit::Days,
        bucket: TimeBucket::Week,
    };
    let mut g = c.benchmark_group("survey_1e7");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("grouped_20_keys_by_week", |b| {
        b.iter(|| group_by(Scale::NPS, black_box(&bytes), None, Some(&keys[..]), Some(time)).expect("valid"))
    });
    g.finish();
}

/// One answer at a time: a chart's update and a confidence sequence's
/// interval after every answer (what a terminal or a page does live).
fn streaming(c: &mut Criterion) {
    let mut g = c.benchmark_group("stream");
    g.sample_size(10);
    for n in [1_000usize, 1_000_000] {
        let answers = nps_answers(n, 9);
        let readings: Vec<f64> = answers.iter().map(|&a| 10.0 * f64::from(a) - 40.0).collect();
        // In control at the readings' own mean and spread: alarms are rare,
        // as on a healthy terminal.
        let mean = readings.iter().sum::<f64>() / n as f64;
        let sd = (readings.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        let level = InControl {
            target: mean,
            sigma: sd,
            baseline: 0,
        };
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("ewma_push", n), &readings, |b, x| {
            b.iter(|| {
                let mut e = Ewma::new(level, 0.2, 3.0).expect("ewma");
                x.iter().filter(|&&v| e.push(v).expect("push").signal).count()
            })
        });
        g.bench_with_input(BenchmarkId::new("cusum_push", n), &readings, |b, x| {
            b.iter(|| {
                let mut e = Cusum::new(level, 0.5, 4.0).expect("cusum");
                x.iter().filter(|&&v| e.push(v).expect("push").signal).count()
            })
        });
        let o = SequenceOptions::default();
        g.bench_with_input(
            BenchmarkId::new("confidence_sequence_each_answer", n),
            &answers,
            |b, a| {
                b.iter(|| {
                    let mut r = RunningMean::default();
                    let mut width = 0.0;
                    for (i, &x) in a.iter().enumerate() {
                        r.push(AnswerKind::Nps.score("values", i, f64::from(x)).expect("answer"));
                        let s = confidence_sequence(&r, AnswerKind::Nps, &o).expect("sequence");
                        width = s.high - s.low;
                    }
                    black_box(width)
                })
            },
        );
    }
    g.finish();
}

/// Segments of 100,000 customers × 6 features (two groups with noise),
/// k given and k chosen among 2–8 by silhouette.
fn segmentation(c: &mut Criterion) {
    let mut g = c.benchmark_group("segments");
    g.sample_size(10);
    let mut rng = cx_benches::Rng(17);
    let n = 100_000;
    let values: Vec<f64> = (0..n)
        .flat_map(|i| {
            let centre = if i % 2 == 0 { 0.0 } else { 3.0 };
            (0..6)
                .map(|_| centre + (rng.below(1000) as f64 / 1000.0 - 0.5) * 3.0)
                .collect::<Vec<_>>()
        })
        .collect();
    for (name, k) in [("k_given", Some(4)), ("k_chosen_2_to_8", None)] {
        let o = SegmentOptions {
            k,
            ..Default::default()
        };
        g.bench_function(format!("1e5_customers_6_features_{name}"), |b| {
            b.iter(|| segments(black_box(&values), 6, &o).expect("segments"))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    nps_from_answers,
    weighted_and_grouped,
    grouped_10m,
    streaming,
    segmentation
);
criterion_main!(benches);
