//! The backtest and the calibrated churn risk (cx::signals::backtest) on
//! the CDNOW transactions and on the seeded demo shop, whose generator
//! follows the BG/NBD story with late deliveries raising the drop-out.

use cx::CxError;
use cx::retention::Transactions;
use cx::signals::{
    Backtest, BacktestOptions, RiskCalibration, RiskMethod, SignalInputs, SignalOptions, backtest, signals,
};
use cx::time::TimeUnit;

fn cdnow_backtest() -> Backtest {
    let c = cx_tests::cdnow::transactions();
    let inputs = SignalInputs {
        orders: Some(Transactions {
            customers: &c.customers,
            timestamps: &c.days,
            unit: TimeUnit::Days,
            amounts: Some(&c.amounts),
        }),
        feedback: None,
        contacts: None,
        deliveries: None,
        unit: TimeUnit::Days,
    };
    backtest(&inputs, &BacktestOptions::default()).unwrap()
}

#[test]
fn calibrated_risk_beats_the_rules_on_a_later_cutoff() {
    // CDNOW, orders only: 4 cut-offs 90 days apart; the last is scored by a
    // calibration of the three before it (no look-ahead in the fit).
    let b = cdnow_backtest();
    assert_eq!(b.cutoffs.len(), 4);
    let h = b.holdout.as_ref().expect("an out-of-time check");
    assert_eq!(h.fitted_on.len(), 3);
    assert!(h.brier_calibrated < h.brier_rules, "{h:?}");
    // The rules' risk is no probability: its Brier score is far worse
    // than the base rate's own (p(1 − p) ≤ 0.25).
    assert!(h.brier_rules > 0.25, "{h:?}");
    // Demo shop with all four tables.
    let shop = cx_tests::shop::demo(3000, 7);
    let b = backtest(&shop.inputs(true), &BacktestOptions::default()).unwrap();
    let h = b.holdout.as_ref().expect("an out-of-time check");
    assert!(h.brier_calibrated < h.brier_rules, "{h:?}");
    // Here the signals add to the model: late deliveries raise the drop-out
    // in the generator, and the calibration finds it.
    assert!(h.brier_calibrated < h.brier_model.unwrap(), "{h:?}");
    let cal = b.calibration.as_ref().unwrap();
    let late = cal
        .coefficients
        .iter()
        .find(|c| c.feature == "late_deliveries")
        .unwrap();
    assert!(late.coefficient > 2.0 * late.std_error, "{late:?}");
    // The last cut-off's calibrated AUC beats the rules'.
    let last = b.cutoffs.last().unwrap();
    let auc = |name: &str| last.scores.iter().find(|s| s.score == name).unwrap().auc.unwrap();
    assert!(auc("calibrated") > auc("risk_rules") + 0.03);
}

#[test]
fn calibration_holds_per_bin_on_the_seeded_demo() {
    // Out of time, each reliability bin with at least 100 customers: the
    // observed share lies within 3 binomial standard errors + 0.02 of the
    // mean prediction (stated tolerance; the bins are not independent of
    // the fit's own error, hence the 0.02).
    let shop = cx_tests::shop::demo(3000, 7);
    let b = backtest(&shop.inputs(true), &BacktestOptions::default()).unwrap();
    let h = b.holdout.unwrap();
    let mut checked = 0;
    for bin in h.reliability.iter().filter(|b| b.customers >= 100) {
        let (p, o) = (bin.predicted.unwrap(), bin.observed.unwrap());
        let se = (p * (1.0 - p) / bin.customers as f64).sqrt();
        assert!((o - p).abs() <= 3.0 * se + 0.02, "{bin:?}");
        checked += 1;
    }
    assert!(checked >= 3, "{:?}", h.reliability);
    // The rules' bins are far off somewhere (they are not probabilities).
    assert!(
        h.reliability_rules
            .iter()
            .filter(|b| b.customers >= 50)
            .any(|b| { (b.observed.unwrap() - b.predicted.unwrap()).abs() > 0.15 })
    );
}

/// The demo shop's tables with every row after `cut` removed, and contacts
/// resolved or deliveries made after it open or pending again.
fn truncated(shop: &cx_tests::shop::Shop, cut: i64) -> cx_tests::shop::Shop {
    let keep = |t: &[i64]| -> Vec<bool> { t.iter().map(|&v| v <= cut).collect() };
    let pick = |k: &[bool], v: &[String]| -> Vec<String> {
        v.iter().zip(k).filter(|x| *x.1).map(|x| x.0.clone()).collect()
    };
    let pick_t =
        |k: &[bool], v: &[i64]| -> Vec<i64> { v.iter().zip(k).filter(|x| *x.1).map(|x| *x.0).collect() };
    let later = |k: &[bool], v: &[Option<i64>]| -> Vec<Option<i64>> {
        v.iter()
            .zip(k)
            .filter(|x| *x.1)
            .map(|x| x.0.filter(|&t| t <= cut))
            .collect()
    };
    let (o, f, c, d) = (&shop.orders, &shop.feedback, &shop.contacts, &shop.deliveries);
    let ko = keep(&o.1);
    let kf = keep(&f.1);
    let kc = keep(&c.1);
    let kd = keep(&d.1);
    cx_tests::shop::Shop {
        orders: (
            pick(&ko, &o.0),
            pick_t(&ko, &o.1),
            o.2.iter().zip(&ko).filter(|x| *x.1).map(|x| *x.0).collect(),
        ),
        feedback: (
            pick(&kf, &f.0),
            pick_t(&kf, &f.1),
            f.2.iter().zip(&kf).filter(|x| *x.1).map(|x| *x.0).collect(),
        ),
        contacts: (
            pick(&kc, &c.0),
            pick_t(&kc, &c.1),
            later(&kc, &c.2),
            pick(&kc, &c.3),
            pick(&kc, &c.4),
        ),
        deliveries: (pick(&kd, &d.0), pick_t(&kd, &d.1), later(&kd, &d.2)),
    }
}

#[test]
fn rows_after_the_cutoff_cannot_change_the_signals() {
    let shop = cx_tests::shop::demo(800, 11);
    let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
    // The end of the cut-off day in epoch milliseconds.
    let cut = (day.and_hms_opt(23, 59, 59).unwrap().and_utc().timestamp_millis()) + 999;
    let short = truncated(&shop, cut);
    let o = SignalOptions {
        as_of: Some(day),
        ..SignalOptions::default()
    };
    let full = signals(&shop.inputs(true), &o).unwrap();
    let known = signals(&short.inputs(true), &o).unwrap();
    assert!(short.orders.0.len() < shop.orders.0.len());
    assert_eq!(full.customers.len(), known.customers.len());
    for (a, b) in full.customers.iter().zip(&known.customers) {
        assert_eq!(a.customer, b.customer);
        assert_eq!(a.signals, b.signals, "{}", a.customer);
        assert_eq!(a.risk, b.risk);
        assert_eq!(a.p_no_order, b.p_no_order);
        assert_eq!(a.clv, b.clv);
    }
    assert_eq!(full.model, known.model);
}

#[test]
fn a_calibration_travels_as_json_and_explains_each_risk() {
    let shop = cx_tests::shop::demo(3000, 7);
    let b = backtest(&shop.inputs(true), &BacktestOptions::default()).unwrap();
    let cal = b.calibration.unwrap();
    let again = RiskCalibration::from_json(&cal.to_json()).unwrap();
    assert_eq!(again, cal);
    let o = SignalOptions {
        calibration: Some(Box::new(again)),
        ..SignalOptions::default()
    };
    let r = signals(&shop.inputs(true), &o).unwrap();
    assert_eq!(r.risk_method, RiskMethod::Calibrated);
    assert!(
        r.risk_meaning.contains("no order within 90 days"),
        "{}",
        r.risk_meaning
    );
    for c in &r.customers {
        // logit(risk) = intercept + Σ contributions, the contributions largest first.
        // (Terms under 0.001 are left out: at most one per coefficient.)
        let z = cal.intercept + c.contributions.iter().map(|t| t.log_odds).sum::<f64>();
        let slack = 1e-3 * cal.coefficients.len() as f64;
        assert!(
            (1.0 / (1.0 + (-z).exp()) - c.risk).abs() <= slack / 4.0 + 1e-12,
            "{c:?}"
        );
        assert!(c.contributions.windows(2).all(|w| w[0].log_odds >= w[1].log_odds));
        assert!((0.0..=1.0).contains(&c.risk_rules));
        if let (Some(v), Some(clv)) = (c.value_at_risk, c.clv) {
            assert!((v - c.risk * clv).abs() < 1e-9);
        }
    }
    // Σ risk × CLV over the customers not lost, inside its interval.
    let v = r.value_at_risk.as_ref().unwrap();
    let total: f64 = r
        .customers
        .iter()
        .filter(|c| !c.lost)
        .filter_map(|c| c.value_at_risk)
        .sum();
    assert!((v.total - total).abs() < 1e-6 * total.max(1.0));
    assert!(v.low < v.total && v.total < v.high);
    assert!((v.by_segment.values().sum::<f64>() - v.total).abs() < 1e-6 * total);
    // Ranked by value at risk on request.
    let by_value = signals(
        &shop.inputs(true),
        &SignalOptions {
            rank_by_value: true,
            ..o.clone()
        },
    )
    .unwrap();
    let top: Vec<f64> = by_value
        .customers
        .iter()
        .take(50)
        .map(|c| c.value_at_risk.unwrap_or(0.0))
        .collect();
    assert!(top.windows(2).all(|w| w[0] >= w[1]));
    // Other thresholds than the calibration's are refused, naming the option.
    let e = signals(
        &shop.inputs(true),
        &SignalOptions {
            hiatus_days: 120.0,
            ..o
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("hiatus_days"), "{e}");
}

#[test]
fn malformed_calibrations_are_typed_errors() {
    for (text, argument) in [("{", "calibration"), (r#"{"kind": "bg_nbd"}"#, "calibration")] {
        let e = RiskCalibration::from_json(text).unwrap_err();
        assert!(
            matches!(e, CxError::InvalidParameter { argument: a, .. } if a == argument),
            "{e}"
        );
    }
    let shop = cx_tests::shop::demo(300, 1);
    let o = BacktestOptions {
        min_outcomes: 1,
        ..BacktestOptions::default()
    };
    let mut cal = backtest(&shop.inputs(false), &o).unwrap().calibration.unwrap();
    cal.coefficients[0].feature = "weather".into();
    let e = RiskCalibration::from_json(&cal.to_json()).unwrap_err();
    assert!(e.to_string().contains("weather"), "{e}");
}

#[test]
fn bad_cutoffs_and_short_histories_are_typed_errors() {
    let shop = cx_tests::shop::demo(200, 3);
    let inputs = shop.inputs(false);
    let date = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let bad = |o: BacktestOptions| match backtest(&inputs, &o).unwrap_err() {
        CxError::InvalidParameter { argument, .. } => argument,
        e => panic!("{e}"),
    };
    let with = |cutoff: &str| BacktestOptions {
        cutoffs: vec![date(cutoff)],
        ..BacktestOptions::default()
    };
    // Before the first order; too close to the last order for the horizon;
    // a horizon longer than the history.
    assert_eq!(bad(with("2020-01-01")), "cutoffs");
    assert_eq!(bad(with("2024-12-01")), "cutoffs");
    let long = BacktestOptions {
        horizon_days: 2000.0,
        ..BacktestOptions::default()
    };
    assert_eq!(bad(long), "horizon_days");
    // An order without a time is an error naming the row, not a dropped row.
    let mut times = shop.orders.1.clone();
    times[5] = i64::MIN;
    let holed = SignalInputs {
        orders: Some(Transactions {
            customers: &shop.orders.0,
            timestamps: &times,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        }),
        ..shop.inputs(false)
    };
    assert!(matches!(
        backtest(&holed, &BacktestOptions::default()).unwrap_err(),
        CxError::Missing {
            argument: "timestamps",
            index: 5
        }
    ));
    // No orders at all.
    let none = SignalInputs::<String> {
        orders: None,
        ..shop.inputs(true)
    };
    assert!(matches!(
        backtest(&none, &BacktestOptions::default()).unwrap_err(),
        CxError::Empty { argument: "orders" }
    ));
    // Too few outcomes to calibrate: the rules stay, and the result says why.
    let b = backtest(
        &inputs,
        &BacktestOptions {
            min_outcomes: 100_000,
            ..BacktestOptions::default()
        },
    )
    .unwrap();
    assert!(b.calibration.is_none());
    assert!(
        b.notes.iter().any(|n| n.contains("too few outcomes")),
        "{:?}",
        b.notes
    );
}

#[test]
fn the_scorecard_calibrates_on_the_shops_own_history() {
    let shop = cx_tests::shop::demo(3000, 7);
    let si = shop.inputs(true);
    let mut t = cx::scorecard::ShopTables::new(TimeUnit::Milliseconds);
    t.orders = si.orders;
    let card = cx::scorecard::scorecard(&t, &cx::scorecard::ScorecardOptions::default()).unwrap();
    let risk = card.risk.unwrap();
    assert_eq!(risk.method, RiskMethod::Calibrated);
    let bt = risk.backtest.unwrap();
    assert_eq!(bt.cutoffs.len(), 4);
    assert!(bt.cutoffs.iter().all(|&c| c < card.as_of));
}

#[test]
fn at_risk_by_capacity_and_by_contact_cost() {
    let shop = cx_tests::shop::demo(3000, 7);
    let cal = backtest(&shop.inputs(true), &BacktestOptions::default())
        .unwrap()
        .calibration
        .unwrap();
    let base = SignalOptions {
        calibration: Some(Box::new(cal)),
        ..SignalOptions::default()
    };
    // Capacity: the 100 highest ranked of those at risk ≥ 0.7.
    let r = signals(
        &shop.inputs(true),
        &SignalOptions {
            at_risk_capacity: Some(100),
            ..base.clone()
        },
    )
    .unwrap();
    assert_eq!(r.at_risk_count, 100);
    let flagged: Vec<_> = r.flagged().collect();
    let first: Vec<_> = r.customers.iter().filter(|c| !c.lost).take(100).collect();
    assert_eq!(flagged, first);
    assert!(r.at_risk_rule.contains("at most 100"), "{}", r.at_risk_rule);
    // Cost: contact when risk × CLV × 0.25 ≥ 10; exactly those customers.
    let r = signals(
        &shop.inputs(true),
        &SignalOptions {
            contact_cost: Some(10.0),
            ..base
        },
    )
    .unwrap();
    let pays =
        |c: &cx::signals::CustomerRisk<String>| !c.lost && c.clv.is_some_and(|v| c.risk * v * 0.25 >= 10.0);
    assert!(r.at_risk_count > 0);
    assert!(r.customers.iter().all(|c| c.at_risk == pays(c)));
}
