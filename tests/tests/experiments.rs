//! Seeded simulations behind the survey-analytics guarantees
//! (`../shared/REFERENCES.md` §8(d), (f), (g)): confidence sequences keep
//! their error level under daily peeking where a fixed interval does not;
//! control charts reach the textbook in-control run lengths; a planned
//! sample size reaches its power.
//!
//! Bounds are the level plus three binomial standard errors of the
//! simulated share (or three standard errors of a mean run length).

use cx::survey::{
    AnswerKind, Cusum, Ewma, InControl, NpsMix, PlanOptions, RunningMean, SequenceOptions,
    confidence_sequence, nps_sample_size, sequential_test,
};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

fn bound(alpha: f64, paths: usize) -> f64 {
    alpha + 3.0 * (alpha * (1.0 - alpha) / paths as f64).sqrt()
}

#[test]
fn a_confidence_sequence_keeps_its_level_under_peeking() {
    // Bernoulli(0.8) answers, read after every answer up to 3,000.
    let (paths, n, p) = (600, 3000, 0.8);
    let o = SequenceOptions::default();
    let mut rng = StdRng::seed_from_u64(11);
    let (mut missed, mut missed_naive) = (0, 0);
    for _ in 0..paths {
        let mut r = RunningMean::default();
        let (mut out, mut out_naive) = (false, false);
        for i in 1..=n {
            r.push(if rng.random::<f64>() < p { 1.0 } else { 0.0 });
            // Check every answer for the first 100, then every 10th.
            if i > 100 && i % 10 != 0 {
                continue;
            }
            let cs = confidence_sequence(&r, AnswerKind::Share, &o).unwrap();
            out |= p < cs.low || p > cs.high;
            if i >= 30 {
                let m = r.mean();
                out_naive |= (m - p).abs() > 1.96 * (m * (1.0 - m) / i as f64).sqrt();
            }
        }
        missed += usize::from(out);
        missed_naive += usize::from(out_naive);
    }
    let (rate, naive) = (missed as f64 / paths as f64, missed_naive as f64 / paths as f64);
    eprintln!("missed on {rate} of paths (fixed interval: {naive})");
    assert!(
        rate <= bound(0.05, paths),
        "confidence sequence missed on {rate} of paths"
    );
    // The test can fail: a fixed 95 % interval read as often misses far more.
    assert!(naive > 0.3, "naive interval missed on only {naive} of paths");
}

#[test]
fn an_a_a_test_rarely_crosses_and_an_effect_is_found() {
    let o = SequenceOptions::default();
    let mut rng = StdRng::seed_from_u64(5);
    let paths = 300;
    let nps_answer = |rng: &mut StdRng, promoters: f64, detractors: f64| -> f64 {
        let u = rng.random::<f64>();
        if u < promoters {
            10.0
        } else if u < promoters + detractors {
            3.0
        } else {
            8.0
        }
    };
    let mut crossed = 0;
    for _ in 0..paths {
        let arms: Vec<bool> = (0..4000).map(|_| rng.random::<bool>()).collect();
        let values: Vec<f64> = arms.iter().map(|_| nps_answer(&mut rng, 0.5, 0.2)).collect();
        let t = sequential_test(&arms, &values, AnswerKind::Nps, &o, None).unwrap();
        crossed += usize::from(t.crossed_at.is_some());
        assert!(t.p_value > 0.0 && t.p_value <= 1.0);
    }
    let rate = crossed as f64 / paths as f64;
    eprintln!("A/A crossed on {rate} of paths");
    assert!(rate <= bound(0.05, paths), "A/A test crossed on {rate} of paths");
    // NPS 30 → 50 is found, and the decision row is reported.
    let arms: Vec<bool> = (0..6000).map(|_| rng.random::<bool>()).collect();
    let values: Vec<f64> = arms
        .iter()
        .map(|&b| {
            if b {
                nps_answer(&mut rng, 0.6, 0.1)
            } else {
                nps_answer(&mut rng, 0.5, 0.2)
            }
        })
        .collect();
    let t = sequential_test(&arms, &values, AnswerKind::Nps, &o, None).unwrap();
    let at = t.crossed_at.expect("a 20-point change is found");
    assert!(t.low > 0.0 && t.p_value <= 0.05 && at < 6000, "{t:?}");
    // Continuing from the state at the crossing gives the same end.
    let first = sequential_test(&arms[..3000], &values[..3000], AnswerKind::Nps, &o, None).unwrap();
    let rest = sequential_test(
        &arms[3000..],
        &values[3000..],
        AnswerKind::Nps,
        &o,
        Some(first.state),
    )
    .unwrap();
    assert_eq!((rest.crossed_at, rest.rows), (t.crossed_at, 6000));
    assert!((rest.difference - t.difference).abs() < 1e-9 && (rest.p_value - t.p_value).abs() < 1e-12);
}

/// Mean run length (and its standard error) until the first signal of a
/// chart fed N(0, 1) readings one at a time: `push` adds a reading to a
/// fresh chart made by `start` and says whether it signals.
fn run_length<C>(
    runs: usize,
    seed: u64,
    start: impl Fn() -> C,
    push: impl Fn(&mut C, f64) -> bool,
) -> (f64, f64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let lengths: Vec<f64> = (0..runs)
        .map(|_| {
            let mut chart = start();
            let mut t = 0u32;
            loop {
                t += 1;
                if push(&mut chart, StandardNormal.sample(&mut rng)) {
                    break f64::from(t);
                }
                assert!(t < 100_000, "no signal in 100,000 readings");
            }
        })
        .collect();
    let mean = lengths.iter().sum::<f64>() / runs as f64;
    let sd = (lengths.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (runs - 1) as f64).sqrt();
    (mean, sd / (runs as f64).sqrt())
}

#[test]
fn control_charts_reach_their_in_control_run_lengths() {
    let level = InControl {
        target: 0.0,
        sigma: 1.0,
        baseline: 0,
    };
    let (arl, se) = run_length(
        1500,
        3,
        || Cusum::new(level, 0.5, 4.0).unwrap(),
        |c, x| c.push(x).unwrap().signal,
    );
    eprintln!("CUSUM ARL {arl} ± {se}");
    // Montgomery's table: 168 (our 20,000-run simulation: 169 ± 1).
    assert!((arl - 168.0).abs() < 4.0 * se, "CUSUM ARL {arl} ± {se}");
    let (arl, se) = run_length(
        800,
        4,
        || Ewma::new(level, 0.2, 3.0).unwrap(),
        |c, x| c.push(x).unwrap().signal,
    );
    eprintln!("EWMA ARL {arl} ± {se}");
    // λ 0.2, L 3 with the exact limits: 556 ± 4 (REFERENCES §8(f)).
    assert!((arl - 556.0).abs() < 4.0 * se, "EWMA ARL {arl} ± {se}");
}

#[test]
fn a_planned_size_reaches_its_power() {
    let from = NpsMix {
        promoters: 0.5,
        detractors: 0.2,
    };
    let to = NpsMix {
        promoters: 0.55,
        detractors: 0.15,
    };
    let n = nps_sample_size(from, Some(to), None, &PlanOptions::default())
        .unwrap()
        .per_group as usize;
    assert_eq!(n, 903);
    let mut rng = StdRng::seed_from_u64(9);
    let sample = |rng: &mut StdRng, m: NpsMix| -> (f64, f64) {
        let scores: Vec<f64> = (0..n)
            .map(|_| {
                let u = rng.random::<f64>();
                if u < m.promoters {
                    1.0
                } else if u < m.promoters + m.detractors {
                    -1.0
                } else {
                    0.0
                }
            })
            .collect();
        let mean = scores.iter().sum::<f64>() / n as f64;
        let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var / n as f64)
    };
    let sims = 2000;
    let mut rejected = 0;
    for _ in 0..sims {
        let (a, va) = sample(&mut rng, from);
        let (b, vb) = sample(&mut rng, to);
        rejected += usize::from(((b - a) / (va + vb).sqrt()).abs() > 1.959964);
    }
    let power = rejected as f64 / sims as f64;
    eprintln!("power at {n}: {power}");
    // Simulated power at 903: 0.794 ± 0.003 (REFERENCES §8(g)).
    let se = (0.8f64 * 0.2 / sims as f64).sqrt();
    assert!((power - 0.794).abs() < 4.0 * se, "power {power}");
}
