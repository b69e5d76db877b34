//! Invariants of the customer signals on random shops: the order of rows
//! does not matter, risk is the documented combination of the strengths,
//! the ranking is by risk, and later rows never change a report for an
//! earlier day.

use cx::retention::Transactions;
use cx::signals::{
    Contacts, CustomerRisk, Deliveries, Feedback, SignalInputs, SignalKind, SignalOptions, SignalReport,
    signals,
};
use cx::time::TimeUnit;
use proptest::prelude::*;

const DAY: i64 = 86_400_000;

/// A random shop: (customer, day) orders, (customer, day, score) answers,
/// (customer, day, open?) contacts, (customer, promised day, delay) deliveries.
#[derive(Debug, Clone)]
struct Shop {
    orders: Vec<(u8, i64)>,
    answers: Vec<(u8, i64, u8)>,
    contacts: Vec<(u8, i64, bool)>,
    deliveries: Vec<(u8, i64, Option<i64>)>,
}

fn shop() -> impl Strategy<Value = Shop> {
    let c = 0u8..12;
    let d = 0i64..400;
    (
        prop::collection::vec((c.clone(), d.clone()), 1..60),
        prop::collection::vec((c.clone(), d.clone(), 0u8..=10), 0..30),
        prop::collection::vec((c.clone(), d.clone(), any::<bool>()), 0..20),
        prop::collection::vec((c, d, prop::option::of(-2i64..8)), 0..40),
    )
        .prop_map(|(orders, answers, contacts, deliveries)| Shop {
            orders,
            answers,
            contacts,
            deliveries,
        })
}

fn run(s: &Shop, options: &SignalOptions) -> SignalReport<u8> {
    let oc: Vec<u8> = s.orders.iter().map(|o| o.0).collect();
    let ot: Vec<i64> = s.orders.iter().map(|o| o.1 * DAY).collect();
    let fc: Vec<u8> = s.answers.iter().map(|a| a.0).collect();
    let ft: Vec<i64> = s.answers.iter().map(|a| a.1 * DAY).collect();
    let fs: Vec<f64> = s.answers.iter().map(|a| f64::from(a.2)).collect();
    let cc: Vec<u8> = s.contacts.iter().map(|c| c.0).collect();
    let cr: Vec<i64> = s.contacts.iter().map(|c| c.1 * DAY).collect();
    let cd: Vec<Option<i64>> = s
        .contacts
        .iter()
        .map(|c| (!c.2).then_some(c.1 * DAY + DAY / 2))
        .collect();
    let dc: Vec<u8> = s.deliveries.iter().map(|d| d.0).collect();
    let dp: Vec<i64> = s.deliveries.iter().map(|d| d.1 * DAY).collect();
    let dd: Vec<Option<i64>> = s
        .deliveries
        .iter()
        .map(|d| d.2.map(|x| (d.1 + x) * DAY))
        .collect();
    let inputs = SignalInputs {
        orders: Some(Transactions {
            customers: &oc,
            timestamps: &ot,
            unit: TimeUnit::Milliseconds,
            amounts: None,
        }),
        feedback: Some(Feedback {
            customers: &fc,
            timestamps: &ft,
            scores: &fs,
        }),
        contacts: Some(Contacts {
            customers: &cc,
            received: &cr,
            resolved: &cd,
            channels: None,
            cases: None,
        }),
        deliveries: Some(Deliveries {
            customers: &dc,
            promised: &dp,
            delivered: &dd,
        }),
        unit: TimeUnit::Milliseconds,
    };
    signals(&inputs, options).expect("signals")
}

fn options(as_of_day: Option<i64>) -> SignalOptions {
    SignalOptions {
        // A fitted model depends on the optimizer's path, not only on the
        // data; the invariants are about the rules.
        fit_model: false,
        as_of: as_of_day
            .map(|d| chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(d as u64)),
        ..SignalOptions::default()
    }
}

fn key(c: &CustomerRisk<u8>) -> (u8, u64, Vec<(SignalKind, u64, String)>) {
    (
        c.customer,
        c.risk.to_bits(),
        c.signals
            .iter()
            .map(|s| (s.kind, s.strength.to_bits(), s.reason.clone()))
            .collect(),
    )
}

proptest! {
    #[test]
    fn the_order_of_rows_changes_nothing(s in shop(), seed in any::<u64>()) {
        let a = run(&s, &options(None));
        let mut t = s.clone();
        let k = seed as usize;
        let n = t.orders.len();
        t.orders.rotate_left(k % n);
        t.orders.reverse();
        let n = t.answers.len();
        if n > 0 { t.answers.rotate_left(k % n); }
        t.deliveries.reverse();
        t.contacts.reverse();
        let b = run(&t, &options(None));
        prop_assert_eq!(a.as_of, b.as_of);
        let ka: Vec<_> = a.customers.iter().map(key).collect();
        let kb: Vec<_> = b.customers.iter().map(key).collect();
        prop_assert_eq!(ka, kb);
    }

    #[test]
    fn risk_combines_the_strengths_and_orders_the_customers(s in shop()) {
        let r = run(&s, &options(None));
        for c in &r.customers {
            let p: f64 = c.signals.iter().map(|s| 1.0 - s.strength).product();
            prop_assert!((c.risk - (1.0 - p)).abs() < 1e-15);
            prop_assert!((0.0..1.0).contains(&c.risk));
            for s in &c.signals {
                prop_assert!((0.0..=0.9).contains(&s.strength) && s.strength > 0.0, "{:?}", s);
                prop_assert!(!s.reason.is_empty());
            }
            prop_assert!(c.signals.windows(2).all(|w| w[0].strength >= w[1].strength));
        }
        // Not lost first, then by risk.
        prop_assert!(r.customers.windows(2).all(|w| (w[0].lost, -w[0].risk) <= (w[1].lost, -w[1].risk)));
    }

    #[test]
    fn rows_after_as_of_do_not_change_the_report(s in shop(), cut in 100i64..400) {
        let before = Shop {
            orders: s.orders.iter().copied().filter(|o| o.1 <= cut).collect(),
            answers: s.answers.iter().copied().filter(|a| a.1 <= cut).collect(),
            // A contact resolved after the cut is still open on the cut day.
            contacts: s.contacts.iter().copied().filter(|c| c.1 <= cut).collect(),
            deliveries: s.deliveries.iter().copied().filter(|d| d.1 <= cut).collect(),
        };
        prop_assume!(!before.orders.is_empty());
        // Deliveries made after the cut are pending on the cut day.
        let before = Shop {
            deliveries: before.deliveries.iter().map(|&(c, p, d)| (c, p, d.filter(|x| p + x <= cut))).collect(),
            ..before
        };
        let a = run(&s, &options(Some(cut)));
        let b = run(&before, &options(Some(cut)));
        let ka: Vec<_> = a.customers.iter().filter(|c| c.orders > 0 || !c.signals.is_empty()).map(key).collect();
        let kb: Vec<_> = b.customers.iter().filter(|c| c.orders > 0 || !c.signals.is_empty()).map(key).collect();
        prop_assert_eq!(ka, kb);
    }
}
