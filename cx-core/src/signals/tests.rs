//! Unit tests of the signals (the shared vectors and property tests are in
//! `tests/`).

use super::*;
use crate::churn::AnyModel;
use crate::retention::Transactions;
use crate::time::{TimeUnit, parse_timestamps_ms};

fn ms(dates: &[&str]) -> Vec<i64> {
    parse_timestamps_ms("t", dates).unwrap()
}

fn only<'a>(
    orders: Option<Transactions<'a, &'a str>>,
    contacts: Option<Contacts<'a, &'a str>>,
) -> SignalInputs<'a, &'a str> {
    SignalInputs {
        orders,
        feedback: None,
        contacts,
        deliveries: None,
        unit: TimeUnit::Milliseconds,
    }
}

#[test]
fn a_case_resolved_on_a_later_contact_is_not_open() {
    let who = ["a", "a"];
    let received = ms(&["2024-03-01T09:00", "2024-03-03T09:00"]);
    let resolved = [None, Some(ms(&["2024-03-04T09:00"])[0])];
    let cases = ["k1".to_owned(), "k1".to_owned()];
    let o = SignalOptions {
        as_of: NaiveDate::from_ymd_opt(2024, 3, 31),
        ..SignalOptions::default()
    };
    let with_case = Contacts {
        customers: &who,
        received: &received,
        resolved: &resolved,
        channels: None,
        cases: Some(&cases),
    };
    let r = signals(&only(None, Some(with_case)), &o).unwrap();
    assert!(r.customers[0].signals.is_empty(), "{:?}", r.customers[0]);
    // Without cases the first contact has no resolution of its own: open for 30 days.
    let r = signals(
        &only(
            None,
            Some(Contacts {
                cases: None,
                ..with_case
            }),
        ),
        &o,
    )
    .unwrap();
    assert_eq!(r.customers[0].signals[0].kind, SignalKind::OpenContact);
    assert_eq!(r.customers[0].signals[0].reason, "contact open for 30 days");
}

#[test]
fn customers_gone_for_a_year_are_lost_not_at_risk() {
    let who = ["old", "old", "old", "new", "new", "new"];
    let t = ms(&[
        "2022-01-01",
        "2022-02-01",
        "2022-03-01",
        "2023-01-01",
        "2023-01-11",
        "2023-01-21",
    ]);
    let tx = Transactions {
        customers: &who[..],
        timestamps: &t,
        unit: TimeUnit::Milliseconds,
        amounts: None,
    };
    let o = SignalOptions {
        as_of: NaiveDate::from_ymd_opt(2023, 3, 5),
        fit_model: false,
        rfm_segments: vec![],
        ..SignalOptions::default()
    };
    let r = signals(&only(Some(tx), None), &o).unwrap();
    // "old": 369 days since the last order, overdue 12.5× its usual 29.5 days.
    let old = r.customers.iter().find(|c| c.customer == "old").unwrap();
    assert!(old.lost && old.risk > 0.8);
    // "new": 43 days against a usual 10: overdue too, but not lost, so it ranks first.
    assert_eq!(r.customers[0].customer, "new");
    assert_eq!(
        r.customers[0].signals[0].reason,
        "no order for 43 days against a usual 10"
    );
    assert_eq!(r.lost, 1);
    assert_eq!(r.at_risk(0.5).count(), 1);
    assert_eq!(r.counts.get(&SignalKind::Overdue), Some(&1));
    // Without a lost threshold both count.
    let r = signals(
        &only(Some(tx), None),
        &SignalOptions {
            lost_after_days: None,
            ..o
        },
    )
    .unwrap();
    assert_eq!((r.lost, r.at_risk(0.5).count()), (0, 2));
    // Both overdue at full strength (4.3× and 12.5×, past 4×): equal risk, key order.
    assert_eq!(r.customers[0].risk, r.customers[1].risk);
    assert_eq!(r.customers[0].customer, "new");
}

#[test]
fn rfm_signal_follows_the_segment() {
    let mut who = Vec::new();
    let mut dates = Vec::new();
    // Ten customers with 1..=10 orders, the last ones at different times.
    for c in 0..10u32 {
        for k in 0..=c {
            who.push(["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9"][c as usize]);
            dates.push(format!("2023-{:02}-{:02}", 1 + (c + k) % 12, 1 + 2 * k));
        }
    }
    let dates: Vec<&str> = dates.iter().map(String::as_str).collect();
    let t = ms(&dates);
    let tx = Transactions {
        customers: &who[..],
        timestamps: &t,
        unit: TimeUnit::Milliseconds,
        amounts: None,
    };
    let o = SignalOptions {
        fit_model: false,
        rfm_segments: vec!["at risk".into(), "hibernating".into()],
        ..SignalOptions::default()
    };
    let r = signals(&only(Some(tx), None), &o).unwrap();
    let mut fired = 0;
    for c in &r.customers {
        let seg = c.segment.as_deref().unwrap();
        let has = c
            .signals
            .iter()
            .any(|s| s.kind == SignalKind::RfmSegment && s.strength == 0.4);
        assert_eq!(has, o.rfm_segments.iter().any(|s| s == seg), "{c:?}");
        fired += usize::from(has);
    }
    assert!(
        fired > 0,
        "the shop has no at-risk segment: the test checks nothing"
    );
}

#[test]
fn a_model_that_cannot_be_used_is_a_note_not_a_silent_gap() {
    let who = ["a", "a", "b"];
    let t = ms(&["2024-01-01", "2024-02-01", "2024-01-15"]);
    let tx = Transactions {
        customers: &who[..],
        timestamps: &t,
        unit: TimeUnit::Milliseconds,
        amounts: None,
    };
    let o = SignalOptions {
        model: Some(AnyModel::GammaGamma(
            crate::churn::GammaGamma::new(6.0, 4.0, 15.0).unwrap(),
        )),
        ..SignalOptions::default()
    };
    let r = signals(&only(Some(tx), None), &o).unwrap();
    assert!(
        r.notes.iter().any(|n| n.contains("not a purchase model")),
        "{:?}",
        r.notes
    );
    assert!(r.customers.iter().all(|c| c.p_alive.is_none()));
}

#[test]
fn kind_names_are_the_json_names() {
    for k in SignalKind::ALL {
        assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
    }
}

#[test]
fn options_are_checked() {
    let bad = [
        SignalOptions {
            overdue_ratio: 0.0,
            ..SignalOptions::default()
        },
        SignalOptions {
            p_alive_below: 1.5,
            ..SignalOptions::default()
        },
        SignalOptions {
            lost_after_days: Some(-1.0),
            ..SignalOptions::default()
        },
        SignalOptions {
            min_orders_for_cadence: 1,
            ..SignalOptions::default()
        },
    ];
    let names = [
        "overdue_ratio",
        "p_alive_below",
        "lost_after_days",
        "min_orders_for_cadence",
    ];
    for (o, name) in bad.iter().zip(names) {
        assert_eq!(o.check().unwrap_err().argument(), name);
    }
}
