//! Invariants of the retention measures on random transaction tables.

use cx::retention::{
    PurchaseOptions, Purchases, SummaryOptions, Transactions, cohort_retention, customer_summary,
    store_summary,
};
use cx::time::{TimeBucket, TimeUnit};
use proptest::prelude::*;

/// (customer, day, amount) rows: up to 30 customers over two years.
fn rows() -> impl Strategy<Value = Vec<(u16, i64, f64)>> {
    prop::collection::vec((0u16..30, 19_000i64..19_730, 0.0f64..500.0), 1..300)
}

fn columns(rows: &[(u16, i64, f64)]) -> (Vec<u16>, Vec<i64>, Vec<f64>) {
    let mut c = (Vec::new(), Vec::new(), Vec::new());
    for &(k, d, a) in rows {
        c.0.push(k);
        c.1.push(d);
        c.2.push(a);
    }
    c
}

fn tx<'a>(c: &'a (Vec<u16>, Vec<i64>, Vec<f64>)) -> Transactions<'a, u16> {
    Transactions {
        customers: &c.0,
        timestamps: &c.1,
        unit: TimeUnit::Days,
        amounts: Some(&c.2),
    }
}

proptest! {
    #[test]
    fn input_order_does_not_matter(rows in rows(), seed in any::<u64>(), period in prop_oneof![Just(TimeBucket::Day), Just(TimeBucket::Week), Just(TimeBucket::Month)]) {
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let o = SummaryOptions { period, ..Default::default() };
        let (a, b) = (columns(&rows), columns(&shuffled));
        let sa = customer_summary(&tx(&a), &o).unwrap();
        let sb = customer_summary(&tx(&b), &o).unwrap();
        prop_assert_eq!(&sa.customers, &sb.customers);
        prop_assert_eq!(&sa.frequency, &sb.frequency);
        prop_assert_eq!(&sa.recency, &sb.recency);
        prop_assert_eq!(&sa.t, &sb.t);
        let (ma, mb) = (sa.monetary_value.unwrap(), sb.monetary_value.unwrap());
        for (x, y) in ma.iter().zip(&mb) {
            prop_assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()));
        }
    }

    #[test]
    fn summary_ranges(rows in rows()) {
        let c = columns(&rows);
        let s = customer_summary(&tx(&c), &SummaryOptions::default()).unwrap();
        for i in 0..s.len() {
            // Distinct purchase days after the first fit between first and last day.
            prop_assert!(f64::from(s.frequency[i]) <= s.recency[i]);
            prop_assert!(0.0 <= s.recency[i] && s.recency[i] <= s.t[i]);
            prop_assert_eq!(s.frequency[i] == 0, s.recency[i] == 0.0);
        }
        let r = s.report;
        prop_assert_eq!(r.rows, rows.len());
        prop_assert_eq!(r.used + r.after_end, r.rows);
        let purchases: u32 = s.frequency.iter().map(|f| f + 1).sum();
        prop_assert_eq!(purchases as usize + r.merged, r.used);
    }

    #[test]
    fn customers_split_across_batches_combine(rows in rows(), cut in 1u16..29) {
        // Batches split by customer; the store end is fixed so that both
        // batches see the same observation window.
        let end = chrono::NaiveDate::from_ymd_opt(2024, 2, 1);
        let o = PurchaseOptions { bucket: None, observation_end: end, allow_negative_amounts: false };
        let all = columns(&rows);
        let left: Vec<_> = rows.iter().copied().filter(|r| r.0 < cut).collect();
        let right: Vec<_> = rows.iter().copied().filter(|r| r.0 >= cut).collect();
        prop_assume!(!left.is_empty() && !right.is_empty());
        let (l, r) = (columns(&left), columns(&right));
        let pa = Purchases::from_transactions(&tx(&all), &o).unwrap();
        let pl = Purchases::from_transactions(&tx(&l), &o).unwrap();
        let pr = Purchases::from_transactions(&tx(&r), &o).unwrap();
        let (sa, sl, sr) = (store_summary(&pa, 0.95).unwrap(), store_summary(&pl, 0.95).unwrap(), store_summary(&pr, 0.95).unwrap());
        prop_assert_eq!(sa.customers, sl.customers + sr.customers);
        prop_assert_eq!(sa.purchases, sl.purchases + sr.purchases);
        prop_assert_eq!(sa.repeat_customers, sl.repeat_customers + sr.repeat_customers);
        let rev = sl.revenue.unwrap() + sr.revenue.unwrap();
        prop_assert!((sa.revenue.unwrap() - rev).abs() <= 1e-9 * (1.0 + rev));
        // Cohort counts add up per cohort and offset.
        let mut combined = std::collections::BTreeMap::new();
        for c in cohort_retention(&pl, TimeBucket::Month).into_iter().chain(cohort_retention(&pr, TimeBucket::Month)) {
            let e = combined.entry(c.start).or_insert_with(|| vec![0u64; c.active.len()]);
            for (x, y) in e.iter_mut().zip(&c.active) { *x += y; }
        }
        let whole: std::collections::BTreeMap<_, _> = cohort_retention(&pa, TimeBucket::Month).into_iter().map(|c| (c.start, c.active)).collect();
        prop_assert_eq!(whole, combined);
    }
}

/// The summary of 600,000 rows (grouped, sorted and merged in groups of
/// customers on all cores) against a plain reference: a BTreeMap of each
/// customer's per-day sums. String keys, so that the table's owned keys are
/// not just integers.
#[test]
fn large_summary_matches_a_plain_reference() {
    use std::collections::BTreeMap;
    let n = 600_000u64;
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut customers, mut days, mut amounts) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..n {
        customers.push(format!("c{}", next() % 40_000));
        days.push(19_000 + (next() % 700) as i64);
        amounts.push((next() % 20_000) as f64 / 100.0);
    }
    let tx = Transactions {
        customers: &customers,
        timestamps: &days,
        unit: TimeUnit::Days,
        amounts: Some(&amounts),
    };
    let s = customer_summary(&tx, &SummaryOptions::default()).unwrap();
    let mut by: BTreeMap<&String, BTreeMap<i64, f64>> = BTreeMap::new();
    for i in 0..customers.len() {
        *by.entry(&customers[i]).or_default().entry(days[i]).or_insert(0.0) += amounts[i];
    }
    let end = *days.iter().max().unwrap();
    assert_eq!(s.customers.len(), by.len());
    assert_eq!(
        s.report.merged,
        n as usize - by.values().map(BTreeMap::len).sum::<usize>()
    );
    let money = s.monetary_value.as_ref().unwrap();
    for (i, (key, purchases)) in by.iter().enumerate() {
        let first = *purchases.keys().next().unwrap();
        let last = *purchases.keys().next_back().unwrap();
        let repeat: Vec<f64> = purchases.values().skip(1).copied().collect();
        assert_eq!(&&s.customers[i], key);
        assert_eq!(s.frequency[i] as usize, purchases.len() - 1);
        assert_eq!(s.recency[i], (last - first) as f64);
        assert_eq!(s.t[i], (end - first) as f64);
        let mean = if repeat.is_empty() {
            0.0
        } else {
            repeat.iter().sum::<f64>() / repeat.len() as f64
        };
        assert!(
            (money[i] - mean).abs() <= 1e-9 * mean.max(1.0),
            "{key}: {} vs {mean}",
            money[i]
        );
    }
}
