//! The CDNOW sample reproduces the published customer summary exactly.
//!
//! Reference: data/cdnow/cdnow_customers_summary_with_transactions.csv (the
//! summary behind Fader, Hardie & Lee 2005, as shipped with lifetimes 0.11.3),
//! given to 2 decimals; tolerance 0.005 + 1e-9 for recency, T and zbar,
//! exact for the frequency.

use chrono::NaiveDate;
use cx::retention::{SummaryOptions, Transactions, calibration_holdout, customer_summary};
use cx::time::{TimeBucket, TimeUnit};
use cx_tests::cdnow;

#[test]
fn cdnow_summary_matches_the_published_table() {
    let tx = cdnow::transactions();
    let options = SummaryOptions {
        period: TimeBucket::Day,
        multiplier: 7.0,
        observation_end: NaiveDate::from_ymd_opt(1997, 9, 30),
        ..Default::default()
    };
    let t = Transactions {
        customers: &tx.customers,
        timestamps: &tx.days,
        unit: TimeUnit::Days,
        amounts: Some(&tx.amounts),
    };
    let s = customer_summary(&t, &options).expect("valid data");
    let reference = cdnow::published_summary();
    assert_eq!(s.len(), 2357);
    assert_eq!(reference.len(), 2357);
    let mv = s.monetary_value.as_ref().expect("amounts given");
    for (i, r) in reference.iter().enumerate() {
        assert_eq!(s.customers[i], r.id, "row {i}");
        assert_eq!(s.frequency[i], r.x, "frequency of customer {}", r.id);
        for (what, ours, theirs) in [
            ("t_x", s.recency[i], r.t_x),
            ("T", s.t[i], r.t),
            ("zbar", mv[i], r.zbar),
        ] {
            assert!(
                (ours - theirs).abs() <= 0.005 + 1e-9,
                "{what} of customer {}: {ours} vs {theirs}",
                r.id
            );
        }
    }
    // Every row is accounted for: 6,919 rows, later ones left out.
    let rep = s.report;
    assert_eq!(rep.rows, 6919);
    assert_eq!(rep.used + rep.after_end, rep.rows);
    assert_eq!(rep.customers, 2357);
}

#[test]
fn cdnow_holdout_of_customers_without_repeats() {
    // Fader, Hardie & Lee 2005: the 1,411 customers without a repeat purchase in the
    // 39-week calibration made 334 purchases in weeks 40-78.
    let tx = cdnow::transactions();
    let t = Transactions {
        customers: &tx.customers,
        timestamps: &tx.days,
        unit: TimeUnit::Days,
        amounts: None,
    };
    let options = SummaryOptions {
        multiplier: 7.0,
        observation_end: NaiveDate::from_ymd_opt(1998, 6, 30),
        ..Default::default()
    };
    let ch = calibration_holdout(&t, NaiveDate::from_ymd_opt(1997, 9, 30).expect("date"), &options)
        .expect("valid");
    let zero: Vec<usize> = (0..ch.calibration.len())
        .filter(|&i| ch.calibration.frequency[i] == 0)
        .collect();
    assert_eq!(zero.len(), 1411);
    let holdout: u32 = zero.iter().map(|&i| ch.frequency_holdout[i]).sum();
    assert_eq!(holdout, 334);
    assert_eq!(ch.new_in_holdout, 0);
    assert!((ch.duration_holdout - 273.0 / 7.0).abs() < 1e-12);
}
