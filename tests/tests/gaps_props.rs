//! Invariants of the expectation-gap measures on random answer matrices.

use cx::gaps::{Answers, Dimension, ServqualOptions, cronbach_alpha, servqual};
use proptest::prelude::*;

const ITEMS: usize = 4;

/// One respondent's expectations and perceptions.
type Row = ([f64; ITEMS], [f64; ITEMS]);

/// Respondent rows of 1–7 answers (about one in ten missing), paired E and P.
fn matrices() -> impl Strategy<Value = Vec<Row>> {
    let answer = prop_oneof![9 => (1u8..=7).prop_map(f64::from), 1 => Just(f64::NAN)];
    let row = prop::array::uniform4(answer.clone());
    prop::collection::vec((row.clone(), row), 3..40)
}

fn flat(rows: &[Row], pick: fn(&Row) -> [f64; ITEMS]) -> Vec<f64> {
    rows.iter().flat_map(pick).collect()
}

fn dims() -> Vec<Dimension> {
    vec![
        Dimension {
            name: "a".into(),
            items: vec![0, 1],
        },
        Dimension {
            name: "b".into(),
            items: vec![2, 3],
        },
    ]
}

fn answered_everywhere(rows: &[Row]) -> bool {
    (0..ITEMS).all(|j| rows.iter().any(|(e, p)| !e[j].is_nan() && !p[j].is_nan()))
}

proptest! {
    #[test]
    fn permuting_respondents_changes_nothing(rows in matrices(), seed in any::<u64>()) {
        prop_assume!(answered_everywhere(&rows));
        let o = ServqualOptions { importance: Some(vec![40.0, 60.0]), ..ServqualOptions::default() };
        let (e, p) = (flat(&rows, |r| r.0), flat(&rows, |r| r.1));
        let a = servqual(Some(Answers::new(&e, ITEMS)), Answers::new(&p, ITEMS), &dims(), &o).unwrap();
        // A seeded rotation and reversal of the rows.
        let mut shuffled = rows.clone();
        shuffled.rotate_left((seed % rows.len() as u64) as usize);
        if seed % 2 == 1 { shuffled.reverse(); }
        let (e2, p2) = (flat(&shuffled, |r| r.0), flat(&shuffled, |r| r.1));
        let b = servqual(Some(Answers::new(&e2, ITEMS)), Answers::new(&p2, ITEMS), &dims(), &o).unwrap();
        prop_assert!((a.unweighted - b.unweighted).abs() < 1e-12);
        prop_assert!((a.weighted.unwrap() - b.weighted.unwrap()).abs() < 1e-12);
        for (x, y) in a.items.iter().zip(&b.items) {
            prop_assert_eq!(x.n, y.n);
            prop_assert!((x.gap.unwrap() - y.gap.unwrap()).abs() < 1e-12);
        }
    }

    #[test]
    fn identical_expectations_and_perceptions_have_no_gap(rows in matrices()) {
        let p = flat(&rows, |r| r.1);
        prop_assume!((0..ITEMS).all(|j| rows.iter().any(|r| !r.1[j].is_nan())));
        let r = servqual(Some(Answers::new(&p, ITEMS)), Answers::new(&p, ITEMS), &dims(), &ServqualOptions::default()).unwrap();
        prop_assert_eq!(r.unweighted, 0.0);
        for i in &r.items {
            prop_assert_eq!(i.gap, Some(0.0));
            prop_assert_eq!(i.expectation, Some(i.perception));
        }
        prop_assert_eq!(r.used + r.missing, (rows.len() * ITEMS) as u64);
    }

    #[test]
    fn alpha_is_at_most_one_and_inside_its_interval(rows in matrices()) {
        let p = flat(&rows, |r| r.1);
        if let Ok(a) = cronbach_alpha(Answers::new(&p, ITEMS), 0.95) {
            prop_assert!(a.alpha <= 1.0 + 1e-12);
            prop_assert!(a.ci_low <= a.alpha && a.alpha <= a.ci_high);
            prop_assert!(a.ci_high <= 1.0 + 1e-12);
            prop_assert_eq!(a.n + a.missing, rows.len() as u64);
        }
    }
}
