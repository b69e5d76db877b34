//! Unit tests of the readers (the shared vectors run in `tests/`).

use super::*;
use serde_json::json;

use crate::time::TimeUnit;

#[test]
fn keys_from_json_are_text_in_text_order() {
    let k = Keys::from_values(
        "keys",
        vec![json!("b"), json!(10), json!("a"), json!(9), json!("b")],
    )
    .unwrap();
    assert_eq!(
        k.labels,
        Some(vec![json!("10"), json!("9"), json!("a"), json!("b")])
    );
    assert_eq!(k.codes.as_ref(), &[3, 0, 2, 1, 3]);
    let k = Keys::from_values("keys", vec![json!(10), json!(9)]).unwrap();
    assert_eq!((k.labels, k.codes.as_ref()), (None, &[10i64, 9][..]));
    let e = Keys::from_values("keys", vec![json!("a"), Value::Null]).unwrap_err();
    assert_eq!((e.code(), e.index()), ("missing", Some(1)));
}

#[test]
fn bad_codes_name_their_row() {
    let mut a = Args::new();
    a.insert(
        "k",
        Column::Keys(Keys::new(Cow::Owned(vec![0, -1]), vec![json!("x")])),
    );
    let e = a.keys("k").unwrap_err();
    assert_eq!((e.code(), e.argument(), e.index()), ("missing", "k", Some(1)));
    a.insert(
        "k",
        Column::Keys(Keys::new(Cow::Owned(vec![0, 1]), vec![json!("x")])),
    );
    assert_eq!(a.keys("k").unwrap_err().code(), "out_of_range");
}

#[test]
fn unify_gives_one_code_space() {
    let mut a = Keys::new(Cow::Owned(vec![0, 1]), vec![json!("b"), json!("c")]);
    let mut b = Keys::new(Cow::Owned(vec![1, 0]), vec![json!("a"), json!("b")]);
    Keys::unify(&mut [&mut a, &mut b]);
    assert_eq!(a.labels, Some(vec![json!("a"), json!("b"), json!("c")]));
    assert_eq!(
        (a.codes.as_ref(), b.codes.as_ref()),
        (&[1i64, 2][..], &[1i64, 0][..])
    );
    // Integer ids beside text keys: one text code space.
    let mut c = Keys::integers(Cow::Owned(vec![7, 7]));
    Keys::unify(&mut [&mut a, &mut c]);
    assert_eq!(
        a.labels,
        Some(vec![json!("7"), json!("a"), json!("b"), json!("c")])
    );
    assert_eq!(c.codes.as_ref(), &[0, 0]);
}

#[test]
fn one_time_reader_for_buffers_and_json() {
    let mut a = Args::from_json(json!({"t": ["1970-01-02", null, 5]})).unwrap();
    assert_eq!(
        a.times_with_missing("t", TimeUnit::Days).unwrap().unwrap(),
        vec![Some(1), None, Some(5)]
    );
    a.insert("t", Column::Ints(Cow::Owned(vec![1, i64::MIN])));
    let e = a.times("t", TimeUnit::Days).unwrap_err();
    assert_eq!((e.code(), e.index()), ("missing", Some(1)));
    let mut a = Args::from_json(json!({"t": ["1970-01-02", "soon"]})).unwrap();
    let e = a.times("t", TimeUnit::Days).unwrap_err();
    assert_eq!((e.code(), e.index()), ("parse", Some(1)));
}

#[test]
fn a_misspelt_argument_is_named() {
    let e = call(
        "delivery",
        json!({"promised": ["2024-01-01"], "delivered": [null], "grace_day": 1}),
    )
    .unwrap_err();
    assert_eq!(e.argument(), "arguments", "{e}");
    assert!(e.to_string().contains("grace_day"), "{e}");
    assert_eq!(call("nope", json!({})).unwrap_err().argument(), "measure");
}
