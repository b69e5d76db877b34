//! Invariants of the survey measures, checked on random inputs.

use cx::survey::{
    CsatOptions, Distribution, NpsInterval, NpsOptions, Scale, SmileyOptions, csat, nps, nps_weighted, smiley,
};
use proptest::prelude::*;

fn answers() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(0u8..=10, 1..300)
}

fn weighted_answers() -> impl Strategy<Value = Vec<(u8, f64)>> {
    prop::collection::vec((0u8..=10, 0.0f64..5.0), 1..200)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

proptest! {
    #[test]
    fn merging_any_split_in_any_order_equals_one_batch(
        data in weighted_answers(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        reverse in any::<bool>(),
    ) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = data.iter().copied().unzip();
        let batch = Distribution::from_scores(Scale::NPS, &scores, Some(&weights)).unwrap();

        let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(scores.len() + 1)).collect();
        bounds.extend([0, scores.len()]);
        bounds.sort_unstable();
        let mut parts: Vec<Distribution> = bounds
            .windows(2)
            .map(|w| Distribution::from_scores(Scale::NPS, &scores[w[0]..w[1]], Some(&weights[w[0]..w[1]])).unwrap())
            .collect();
        if reverse {
            parts.reverse();
        }
        let mut merged = Distribution::new(Scale::NPS);
        for p in &parts {
            merged.merge(p).unwrap();
        }
        prop_assert_eq!(merged.counts(), batch.counts());
        for (a, b) in merged.weights().iter().zip(batch.weights()) {
            prop_assert!(close(*a, *b));
        }
        prop_assert!(close(merged.effective_n(), batch.effective_n()));
    }

    #[test]
    fn bytes_round_trip(data in weighted_answers()) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = data.iter().copied().unzip();
        let d = Distribution::from_scores(Scale::NPS, &scores, Some(&weights)).unwrap();
        prop_assert_eq!(Distribution::from_bytes(&d.to_bytes()).unwrap(), d.clone());
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<Distribution>(&json).unwrap(), d);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = Distribution::from_bytes(&bytes);
    }

    #[test]
    fn decoding_corrupted_valid_bytes_never_panics(data in answers(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut bytes = Distribution::from_scores(Scale::NPS, &data, None).unwrap().to_bytes();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        if let Ok(d) = Distribution::from_bytes(&bytes) {
            // Whatever decodes is a state measures can be computed from.
            if !d.is_empty() && d.total_weight() > 0.0 && d.scale() == Scale::NPS {
                let r = d.nps(&NpsOptions::default()).unwrap();
                prop_assert!(r.score.is_finite());
            }
        }
    }

    #[test]
    fn nps_and_its_interval_stay_in_range(data in answers(), wald in any::<bool>(), level in 0.5f64..0.999) {
        let interval = if wald { NpsInterval::Wald } else { NpsInterval::AdjustedWald };
        let r = nps(&data, &NpsOptions { interval, level }).unwrap();
        prop_assert!((-100.0..=100.0).contains(&r.score));
        prop_assert!(-100.0 <= r.ci_low && r.ci_low <= r.ci_center && r.ci_center <= r.ci_high && r.ci_high <= 100.0);
        if wald {
            prop_assert!(r.ci_low <= r.score + 1e-9 && r.score <= r.ci_high + 1e-9);
        }
        prop_assert_eq!(r.promoters + r.passives + r.detractors, data.len() as u64);
    }

    #[test]
    fn unit_weights_equal_unweighted(data in answers()) {
        let o = NpsOptions::default();
        let a = nps(&data, &o).unwrap();
        let b = nps_weighted(&data, &vec![1.0; data.len()], &o).unwrap();
        prop_assert!(close(a.score, b.score) && close(a.se, b.se) && close(a.ci_low, b.ci_low));
        prop_assert!(close(b.n_eff, data.len() as f64));
    }

    #[test]
    fn scaling_all_weights_changes_nothing(data in weighted_answers(), k in 0.01f64..100.0) {
        let (scores, weights): (Vec<u8>, Vec<f64>) = data.iter().copied().unzip();
        prop_assume!(weights.iter().sum::<f64>() > 0.0);
        let scaled: Vec<f64> = weights.iter().map(|w| w * k).collect();
        let o = NpsOptions::default();
        let a = nps_weighted(&scores, &weights, &o).unwrap();
        let b = nps_weighted(&scores, &scaled, &o).unwrap();
        prop_assert!((a.score - b.score).abs() < 1e-7 && (a.se - b.se).abs() < 1e-7);
    }

    #[test]
    fn wilson_and_t_intervals_contain_their_estimates(data in prop::collection::vec(1u8..=5, 1..200)) {
        let r = csat(&data, None, &CsatOptions::default()).unwrap();
        let s = &r.satisfied;
        prop_assert!(0.0 <= s.ci_low && s.ci_low <= s.share && s.share <= s.ci_high && s.ci_high <= 1.0);
        if let (Some(lo), Some(hi)) = (r.mean.ci_low, r.mean.ci_high) {
            prop_assert!(1.0 <= lo && lo <= r.mean.mean && r.mean.mean <= hi && hi <= 5.0);
        }
    }

    #[test]
    fn byte_fast_path_equals_generic_path(data in prop::collection::vec(any::<u8>(), 0..300)) {
        let wide: Vec<i64> = data.iter().map(|&b| i64::from(b)).collect();
        let mut a = Distribution::new(Scale::SMILEY);
        let mut b = Distribution::new(Scale::SMILEY);
        let ra = a.extend(&data);
        let rb = b.extend(&wide);
        prop_assert_eq!(ra.is_ok(), rb.is_ok());
        if let (Err(ea), Err(eb)) = (&ra, &rb) {
            prop_assert_eq!(ea.index(), eb.index());
        }
        prop_assert_eq!(a, b);
        if !data.is_empty() && ra.is_ok() {
            prop_assert!(smiley(&data, None, &SmileyOptions::default()).is_ok());
        }
    }

    #[test]
    fn float_answers_are_classified_like_their_meaning(
        data in prop::collection::vec(prop_oneof![
            (-3i32..14).prop_map(f64::from),
            (-30i32..140).prop_map(|x| f64::from(x) / 10.0),
            Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(1e300),
        ], 1..50)
    ) {
        let mut d = Distribution::new(Scale::NPS);
        let expected_bad = data.iter().position(|v| !(v.is_finite() && v.fract() == 0.0 && (0.0..=10.0).contains(v)));
        match d.extend(&data) {
            Ok(()) => {
                prop_assert_eq!(expected_bad, None);
                let ints: Vec<i64> = data.iter().map(|&v| v as i64).collect();
                let e = Distribution::from_scores(Scale::NPS, &ints, None).unwrap();
                prop_assert_eq!(d, e);
            }
            Err(e) => {
                prop_assert_eq!(e.index(), expected_bad);
                let v = data[expected_bad.unwrap()];
                let code = if !v.is_finite() { "not_finite" } else if v.fract() != 0.0 { "not_integer" } else { "out_of_range" };
                prop_assert_eq!(e.code(), code);
            }
        }
    }
}

#[test]
fn failed_extend_leaves_the_accumulator_unchanged() {
    let mut d = Distribution::new(Scale::NPS);
    d.extend(&[10u8, 9]).unwrap();
    let before = d.clone();
    assert!(d.extend(&[1u8, 2, 11]).is_err());
    assert!(d.extend_weighted(&[1u8, 2], &[1.0, -1.0]).is_err());
    assert!(d.push(12u8, 1.0).is_err());
    assert_eq!(d, before);
}

#[test]
fn merging_different_scales_is_an_error() {
    let mut a = Distribution::new(Scale::NPS);
    let b = Distribution::new(Scale::CSAT);
    let e = a.merge(&b).unwrap_err();
    assert_eq!(e.code(), "incompatible");
}

#[test]
fn measure_on_the_wrong_scale_is_an_error() {
    let d = Distribution::from_scores(Scale::CSAT, &[5u8], None).unwrap();
    assert_eq!(d.nps(&NpsOptions::default()).unwrap_err().code(), "incompatible");
}

/// From a million answers the byte histogram is split across cores: the
/// counts must equal a plain count, and a bad answer near the end must
/// still be found with its row.
#[test]
fn large_byte_inputs_count_exactly_and_find_the_bad_row() {
    let n = 3_000_017;
    let scores: Vec<u8> = (0..n).map(|i| ((i * 7919) % 11) as u8).collect();
    let d = cx::survey::Distribution::from_scores(cx::survey::Scale::NPS, &scores, None).expect("valid");
    for (point, &count) in d.counts().iter().enumerate() {
        let want = scores.iter().filter(|&&s| usize::from(s) == point).count() as u64;
        assert_eq!(count, want, "point {point}");
    }
    let mut bad = scores.clone();
    bad[n - 3] = 11;
    let e = cx::survey::Distribution::from_scores(cx::survey::Scale::NPS, &bad, None).unwrap_err();
    assert_eq!((e.code(), e.index()), ("out_of_range", Some(n - 3)));
}

/// NPS of bytes (counted by class, 16 lanes at a time) against the same
/// answers as 32-bit integers (the general histogram): the same result to
/// the bit, the same error for a byte off the scale.
fn bytes_and_ints(bytes: &[u8]) {
    let wide: Vec<i32> = bytes.iter().map(|&b| i32::from(b)).collect();
    for interval in [NpsInterval::Wald, NpsInterval::AdjustedWald] {
        let o = NpsOptions { interval, level: 0.9 };
        match (nps(bytes, &o), nps(&wide, &o)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
    }
}

proptest! {
    #[test]
    fn nps_of_bytes_is_the_histogram_result(
        len in 0usize..9_000,
        seed in any::<u64>(),
        off_scale in prop::option::of(any::<prop::sample::Index>()),
        bad in 11u8..=255,
    ) {
        // Runs of one answer as well as mixed ones; lengths across the
        // 16-byte lanes and the 4,080-byte blocks.
        let mut state = seed | 1;
        let mut bytes: Vec<u8> = (0..len)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if (seed >> 3) % 3 == 0 { (i / 700 % 11) as u8 } else { (state % 11) as u8 }
            })
            .collect();
        if let (Some(at), false) = (off_scale, bytes.is_empty()) {
            let i = at.index(bytes.len());
            bytes[i] = bad;
        }
        bytes_and_ints(&bytes);
    }
}

#[test]
fn nps_of_many_bytes_splits_across_cores_and_never_wraps_a_lane() {
    // All promoters: every lane counts to 255 before it is emptied.
    bytes_and_ints(&vec![10u8; 3_000_000]);
    let mixed: Vec<u8> = (0..2_500_001u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8 % 11)
        .collect();
    bytes_and_ints(&mixed);
    let mut bad = mixed.clone();
    bad[2_000_000] = 200;
    bytes_and_ints(&bad);
}
