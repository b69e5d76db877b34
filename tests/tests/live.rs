//! The live summary (`cx::retention::LiveSummary`) against the batch
//! summary on CDNOW: orders recorded one at a time in time order, shards of
//! customers merged in any order, or stretches of time merged neighbour by
//! neighbour, give the batch `customer_summary` (the
//! published CDNOW table, to its 2 decimals), the same fit and the same
//! scores.

use chrono::NaiveDate;
use cx::churn::{AnyModel, BetaGeo, Columns, FitOptions, fit_model};
use cx::retention::{
    CustomerId, LiveOptions, LiveSummary, ScoreOptions, SummaryOptions, Transactions, customer_summary,
};
use cx::time::{TimeBucket, TimeUnit};
use cx_tests::cdnow;
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand_distr::{Distribution, Uniform};

const WEEKS: LiveOptions = LiveOptions {
    period: TimeBucket::Day,
    multiplier: 7.0,
    allow_negative_amounts: false,
};

fn calibration_end() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1997, 9, 30)
}

/// CDNOW rows up to `end`, in time order (ties in file order).
fn rows_until(end: NaiveDate) -> Vec<(u32, i64, f64)> {
    let tx = cdnow::transactions();
    let last = (end - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days();
    let mut rows: Vec<(u32, i64, f64)> = (0..tx.customers.len())
        .map(|i| (tx.customers[i], tx.days[i], tx.amounts[i]))
        .filter(|r| r.1 <= last)
        .collect();
    rows.sort_by_key(|r| r.1);
    rows
}

fn batch(rows: &[(u32, i64, f64)], end: Option<NaiveDate>) -> cx::retention::CustomerSummary<u32> {
    let customers: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let days: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let amounts: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let tx = Transactions {
        customers: &customers,
        timestamps: &days,
        unit: TimeUnit::Days,
        amounts: Some(&amounts),
    };
    let options = SummaryOptions {
        period: TimeBucket::Day,
        multiplier: 7.0,
        observation_end: end,
        ..Default::default()
    };
    customer_summary(&tx, &options).expect("batch summary")
}

fn same_summary(live: &cx::retention::CustomerSummary<u32>, batch: &cx::retention::CustomerSummary<u32>) {
    assert_eq!(live.customers, batch.customers);
    assert_eq!(live.frequency, batch.frequency);
    assert_eq!(live.recency, batch.recency);
    assert_eq!(live.t, batch.t);
    assert_eq!(live.first_purchase, batch.first_purchase);
    let (a, b) = (
        live.monetary_value.as_ref().expect("amounts"),
        batch.monetary_value.as_ref().expect("amounts"),
    );
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        // Sums in another order: equal to rounding.
        assert!(
            (x - y).abs() <= 1e-12 * y.abs().max(1.0),
            "monetary value of row {i}: {x} vs {y}"
        );
    }
    assert_eq!(live.report.used, batch.report.used);
    assert_eq!(live.report.merged, batch.report.merged);
    assert_eq!(live.report.customers, batch.report.customers);
}

/// Merges consecutive stretches of time the way a tree reduction does: any
/// two neighbours, either one into the other, until one is left.
fn reduce<K>(mut parts: Vec<LiveSummary<K>>, rng: &mut StdRng) -> LiveSummary<K>
where
    K: std::hash::Hash + Eq + Clone + Ord + std::fmt::Display,
{
    while parts.len() > 1 {
        let i = Uniform::new(0, parts.len() - 1).expect("two parts").sample(rng);
        let right = parts.remove(i + 1);
        let left = parts.remove(i);
        let merged = if Uniform::new(0, 2).expect("coin").sample(rng) == 0 {
            let mut l = left;
            l.merge(&right).expect("neighbouring stretches merge");
            l
        } else {
            let mut r = right;
            r.merge(&left)
                .expect("neighbouring stretches merge, either way round");
            r
        };
        parts.insert(i, merged);
    }
    parts.pop().expect("one part")
}

/// The rows recorded one order at a time, in their order.
fn one_at_a_time(rows: &[(u32, i64, f64)]) -> LiveSummary<u32> {
    let mut live = LiveSummary::new(WEEKS).expect("options");
    for &(c, d, a) in rows {
        live.record(c, d, TimeUnit::Days, Some(a)).expect("in time order");
    }
    live
}

#[test]
fn orders_one_at_a_time_give_the_published_cdnow_summary() {
    let end = calibration_end().expect("date");
    let rows = rows_until(end);
    let live = one_at_a_time(&rows);
    let s = live.summary(Some(end)).expect("summary");
    same_summary(&s, &batch(&rows, Some(end)));
    // The published table (to its 2 decimals), as the batch test checks.
    let published = cdnow::published_summary();
    assert_eq!(s.len(), published.len());
    let mv = s.monetary_value.as_ref().expect("amounts");
    for (i, r) in published.iter().enumerate() {
        assert_eq!((s.customers[i], s.frequency[i]), (r.id, r.x));
        assert!((s.recency[i] - r.t_x).abs() <= 0.005 + 1e-9);
        assert!((s.t[i] - r.t).abs() <= 0.005 + 1e-9);
        assert!((mv[i] - r.zbar).abs() <= 0.005 + 1e-9, "zbar of {}", r.id);
    }
}

#[test]
fn stretches_of_time_merge_into_the_batch_summary() {
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).expect("date");
    let rows = rows_until(end);
    let want = batch(&rows, Some(end));
    let mut rng = StdRng::seed_from_u64(7);
    for _ in 0..5 {
        // Consecutive stretches of time (a day's export), each shuffled
        // and recorded as one batch, merged neighbour by neighbour in
        // random order.
        let pick = Uniform::new(0, rows.len()).expect("rows");
        let mut cuts: Vec<usize> = (0..6).map(|_| pick.sample(&mut rng)).collect();
        cuts.extend([0, rows.len()]);
        cuts.sort_unstable();
        let shards: Vec<LiveSummary<u32>> = cuts
            .windows(2)
            .filter(|w| w[0] < w[1])
            .map(|w| {
                let mut part = rows[w[0]..w[1]].to_vec();
                part.shuffle(&mut rng);
                let c: Vec<u32> = part.iter().map(|r| r.0).collect();
                let d: Vec<i64> = part.iter().map(|r| r.1).collect();
                let a: Vec<f64> = part.iter().map(|r| r.2).collect();
                let mut t = LiveSummary::new(WEEKS).expect("options");
                t.record_all(&Transactions {
                    customers: &c,
                    timestamps: &d,
                    unit: TimeUnit::Days,
                    amounts: Some(&a),
                })
                .expect("a batch in any order");
                t
            })
            .collect();
        let live = reduce(shards, &mut rng);
        same_summary(&live.summary(Some(end)).expect("summary"), &want);
    }
}

#[test]
fn shards_by_customer_merge_in_any_order() {
    let end = NaiveDate::from_ymd_opt(1998, 6, 30).expect("date");
    let rows = rows_until(end);
    let want = batch(&rows, Some(end));
    let mut rng = StdRng::seed_from_u64(11);
    let mut shards: Vec<LiveSummary<u32>> = (0..4)
        .map(|k| {
            let mut t = LiveSummary::new(WEEKS).expect("options");
            for &(c, d, a) in rows.iter().filter(|r| r.0 % 4 == k) {
                t.record(c, d, TimeUnit::Days, Some(a)).expect("in time order");
            }
            t
        })
        .collect();
    shards.shuffle(&mut rng);
    let mut live = LiveSummary::new(WEEKS).expect("options");
    for s in &shards {
        live.merge(s).expect("disjoint customers");
    }
    same_summary(&live.summary(Some(end)).expect("summary"), &want);
}

#[test]
fn the_live_summary_fits_and_scores_like_the_batch_one() {
    let end = calibration_end().expect("date");
    let rows = rows_until(end);
    let live = one_at_a_time(&rows);
    let s = live.summary(Some(end)).expect("summary");
    let x: Vec<f64> = s.frequency.iter().map(|&f| f64::from(f)).collect();
    let cols = Columns {
        frequency: Some(&x),
        recency: Some(&s.recency),
        t: Some(&s.t),
        monetary_value: None,
    };
    // The summary straight into a fit: Fader, Hardie & Lee (2005), Table 1
    // (r 0.243, α 4.414, a 0.793, b 2.426), to the published 3 decimals.
    let fitted = fit_model("bg_nbd", &cols, &FitOptions::default()).expect("fit");
    for ((_, got), want) in fitted.params().into_iter().zip([0.243, 4.414, 0.793, 2.426]) {
        assert!((got - want).abs() < 5e-4, "{got} vs {want}");
    }
    // Scores per customer equal the model's predictions on the summary row.
    let model = AnyModel::BgNbd(BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("model"));
    let options = ScoreOptions {
        horizon: Some(39.0),
        deadline_threshold: Some(0.5),
    };
    let bg = model.purchase_model().expect("purchase model");
    for (i, c) in s.customers.iter().enumerate().step_by(7) {
        let sc = live.score(c, &model, Some(end), &options).expect("score");
        assert_eq!(
            sc.probability_alive,
            bg.probability_alive(x[i], s.recency[i], s.t[i])
        );
        assert_eq!(
            sc.expected_purchases,
            Some(bg.conditional_expected_purchases(39.0, x[i], s.recency[i], s.t[i]))
        );
        assert_eq!(
            sc.churn_deadline,
            bg.churn_deadline(0.5, x[i], s.recency[i], s.t[i])
        );
    }
    // Typed errors: a customer not in the table, a day before the last
    // order, a spend model, a bad horizon.
    assert_eq!(
        live.score(&999_999, &model, Some(end), &options)
            .unwrap_err()
            .code(),
        "invalid_parameter"
    );
    let early = NaiveDate::from_ymd_opt(1997, 1, 2);
    assert_eq!(
        live.score(&1, &model, early, &options).unwrap_err().argument(),
        "observation_end"
    );
    let gg =
        AnyModel::from_json(r#"{"model": "gamma_gamma", "p": 6.25, "q": 3.74, "v": 15.44}"#).expect("gg");
    assert_eq!(
        live.score(&1, &gg, Some(end), &options).unwrap_err().argument(),
        "model"
    );
    let bad = ScoreOptions {
        horizon: Some(-1.0),
        deadline_threshold: None,
    };
    assert_eq!(
        live.score(&1, &model, Some(end), &bad).unwrap_err().argument(),
        "horizon"
    );
    assert_eq!(live.summary(early).unwrap_err().argument(), "observation_end");
}

#[test]
fn bytes_of_cdnow_round_trip() {
    let rows = rows_until(calibration_end().expect("date"));
    let mut live: LiveSummary<CustomerId> = LiveSummary::new(WEEKS).expect("options");
    for &(c, d, a) in &rows {
        let id = if c % 2 == 0 {
            CustomerId::Int(i64::from(c))
        } else {
            CustomerId::Text(format!("c{c}"))
        };
        live.record(id, d, TimeUnit::Days, Some(a)).expect("record");
    }
    let bytes = live.to_bytes();
    let back = LiveSummary::<CustomerId>::from_bytes(&bytes).expect("decode");
    assert_eq!(back, live);
    assert_eq!(back.to_bytes(), bytes);
    // 2,357 customers in about 56 bytes each plus their keys.
    assert!(bytes.len() < 2357 * 70, "{} bytes", bytes.len());
}

proptest! {
    /// Any orders, cut into consecutive stretches of time, each recorded in
    /// any order, merged neighbour by neighbour in any order: the same bytes as all orders at once
    /// (whole-cent amounts, so that sums in any order are exact).
    #[test]
    fn stretches_merge_into_the_whole(
        orders in prop::collection::vec((0u8..6, 0i64..60, 0u32..5000), 1..80),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        seed in any::<u64>(),
    ) {
        let mut orders = orders;
        orders.sort_by_key(|o| o.1);
        let record = |part: &[(u8, i64, u32)]| {
            let c: Vec<u8> = part.iter().map(|o| o.0).collect();
            let d: Vec<i64> = part.iter().map(|o| o.1).collect();
            let a: Vec<f64> = part.iter().map(|o| f64::from(o.2)).collect();
            let mut t = LiveSummary::new(LiveOptions::default()).expect("options");
            if !part.is_empty() {
                t.record_all(&Transactions { customers: &c, timestamps: &d, unit: TimeUnit::Days, amounts: Some(&a) })
                    .expect("record");
            }
            t
        };
        let whole = record(&orders);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(orders.len() + 1)).collect();
        at.extend([0, orders.len()]);
        at.sort_unstable();
        let mut rng = StdRng::seed_from_u64(seed);
        let parts: Vec<LiveSummary<u8>> = at.windows(2).map(|w| {
            let mut p = orders[w[0]..w[1]].to_vec();
            p.shuffle(&mut rng);
            record(&p)
        }).collect();
        let merged = reduce(parts, &mut rng);
        prop_assert_eq!(merged.summary(None).expect("summary"), whole.summary(None).expect("summary"));
        // One at a time in time order: the same.
        let mut one = LiveSummary::new(LiveOptions::default()).expect("options");
        for o in &orders {
            one.record(o.0, o.1, TimeUnit::Days, Some(f64::from(o.2))).expect("in order");
        }
        prop_assert_eq!(one.summary(None).expect("summary"), whole.summary(None).expect("summary"));
    }
}

#[test]
fn a_first_order_on_the_last_day_and_a_single_customer() {
    // T = 0: the batch summary's row, and alive for sure (FHL 2005: x = 0).
    let rows = [(1, 100, 5.0), (2, 90, 3.0), (2, 100, 4.0)];
    let live = one_at_a_time(&rows);
    let s = live.summary(None).expect("summary");
    same_summary(&s, &batch(&rows, None));
    assert_eq!((s.frequency[0], s.t[0]), (0, 0.0));
    let model = AnyModel::BgNbd(BetaGeo::new(0.243, 4.414, 0.793, 2.426).expect("model"));
    let sc = live
        .score(&1, &model, None, &ScoreOptions::default())
        .expect("score");
    assert_eq!(sc.probability_alive, 1.0);
    // A table of one customer with one order summarizes and scores.
    let one = one_at_a_time(&rows[..1]);
    assert_eq!(one.summary(None).expect("summary").len(), 1);
    assert_eq!(
        one.score(&1, &model, None, &ScoreOptions::default())
            .expect("score")
            .t,
        0.0
    );
}
