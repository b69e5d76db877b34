//! The fuzz targets on the stable toolchain, in every CI run: the corpus
//! that `scripts/fuzz` (cargo-fuzz, nightly) saved under `fuzz/corpus/`,
//! the seeds below, and seeded random mutations of them. A finding of the
//! fuzzer is saved into the corpus and so becomes a regression test here.

use std::fs;
use std::path::Path;

use cx_tests::fuzz::{TARGETS, run};

/// Valid inputs of each target to start from (also the fuzzer's seeds).
fn seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "accumulator_bytes" => {
            let mut d = cx::survey::Distribution::new(cx::survey::Scale::NPS);
            d.extend(&[10u8, 9, 0, 7, 3]).expect("answers");
            vec![d.to_bytes(), Vec::new(), vec![0xff; 40]]
        }
        "model_json" => vec![
            br#"{"model":"bg_nbd","r":0.243,"alpha":4.414,"a":0.793,"b":2.426}"#.to_vec(),
            br#"{"model":"pareto_nbd","r":0.55,"alpha":10.58,"s":0.61,"beta":11.67}"#.to_vec(),
            br#"{"model":"gamma_gamma","p":6.25,"q":3.74,"v":15.44}"#.to_vec(),
            br#"{"model":"mbg_nbd","r":1e308,"alpha":1e-308,"a":1,"b":1}"#.to_vec(),
        ],
        "bind_call" => {
            let calls = cx::bind::calls();
            let at = |name: &str| calls.iter().position(|c| *c == name).expect("call") as u8;
            vec![
                [&[at("delivery")][..], br#"{"promised":["2024-01-01"],"delivered":[null],"keys":[1]}"#].concat(),
                [&[at("signals")][..], br#"{"feedback":{"customers":["a","a"],"timestamps":["2024-01-01","2024-02-01"],"scores":[9,3]}}"#].concat(),
                [&[at("nps")][..], br#"{"scores":[10,9,"NaN",0],"weights":[1,2,1,1]}"#].concat(),
                [&[at("customer_summary")][..], br#"{"customers":[1,1,2],"timestamps":[0,86400000,0]}"#].concat(),
                [&[at("fit")][..], br#"{"model":"bg_nbd","frequency":[0,2],"recency":[0,5],"t":[0,9],"options":{"max_iterations":3,"accept_unconverged":true}}"#].concat(),
                [&[at("servqual")][..], br#"{"perceptions":[[5,6],[7,null]],"expectations":[[6,6],[6,6]],"names":["a","b"]}"#].concat(),
                [&[at("sbg_fit")][..], br#"{"survivors":[1000,631,468,382]}"#].concat(),
                [&[at("bgbb_predict")][..], br#"{"model":{"model":"bg_bb","alpha":1.2,"beta":0.75,"gamma":0.66,"delta":2.78},"prediction":{"kind":"dert","discount_rate":0.1},"frequency":[1],"recency":[1],"periods":[6]}"#].concat(),
                [&[at("bootstrap")][..], br#"{"model":{"model":"bg_nbd","r":0.24,"alpha":4.4,"a":0.79,"b":2.4},"prediction":{"kind":"probability_alive"},"frequency":[0,2,1],"recency":[0,5,1],"t":[9,9,9],"options":{"replicates":3,"method":"customers"}}"#].concat(),
                [&[at("alive_path")][..], br#"{"model":{"model":"pareto_nbd","r":0.55,"alpha":10.6,"s":0.61,"beta":11.7},"purchases":[1,4],"at":[0,2,5,9]}"#].concat(),
                [&[at("expected_cumulative_transactions")][..], br#"{"model":{"model":"bg_nbd","r":0.24,"alpha":4.4,"a":0.79,"b":2.4},"customers":[1,1,2],"timestamps":[0,86400000,0],"options":{"multiplier":1}}"#].concat(),
                [&[at("predict")][..], br#"{"model":{"model":"pareto_nbd","r":0.55,"alpha":10.6,"s":0.61,"beta":11.7},"prediction":{"kind":"conditional_probability_of_purchases","horizon":39,"n":3},"frequency":[2],"recency":[30],"t":[38]}"#].concat(),
            ]
        }
        "signal_options" => vec![
            br#"{"as_of":"2024-05-01","late_min":2,"late_last":3,"rfm_segments":["champions"]}"#.to_vec(),
            br#"{"model":{"model":"bg_nbd","r":-1,"alpha":1,"a":1,"b":1}}"#.to_vec(),
        ],
        "csv_tables" => vec![
            // Orders in the default dialect; the same as a German Excel export
            // (flags: `;` given, decimal comma) in Windows-1252 with a quoted newline.
            b"\x00customer,date,amount\nc1,2024-01-05,10.5\nc1,2024-03-01,20\nc2,2024-02-02,\n".to_vec(),
            [&[0b0010_1000u8][..], b"customer;date;amount\n\"M\xfcller\nGmbH\";05.01.2024;1.234,50\nc2;02.02.24;3,5\n"].concat(),
            // Feedback with touchpoint items, skipping a bad score.
            b"\x05customer,date,nps,csat,expected_delivery,perceived_delivery\na,2024-01-01,9,4,6,5\nb,2024-01-02,11,,7,7\n".to_vec(),
            // Contacts answered before they were received; deliveries not yet delivered.
            b"\x06customer,received,answered,resolved,channel,case\na,2024-01-02 10:00,2024-01-01,,mail,1\n".to_vec(),
            b"\x03customer,promised,delivered,carrier\na,2024-01-02,,DHL\nb,2024-01-02,2024-01-09,<script>\n".to_vec(),
        ],
        _ => vec![
            b"2024-02-29".to_vec(),
            b"2024-02-29T23:59:59.999+14:00".to_vec(),
            b"+275760-09-13".to_vec(),
            b"99999-01-01T00:00:00Z".to_vec(),
        ],
    }
}

/// xorshift64*: reproducible mutations without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A mutation of `seed`: bytes flipped, cut, repeated or inserted.
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => v.truncate(rng.below(v.len())),
            2 => {
                let i = rng.below(v.len() + 1);
                v.insert(i, rng.next() as u8);
            }
            3 if !v.is_empty() => {
                let i = rng.below(v.len());
                let b = v[i];
                v.splice(i..i, std::iter::repeat_n(b, rng.below(64)));
            }
            _ => {
                let i = rng.below(v.len() + 1);
                let digits = b"0123456789-.e,:\"[]{}null";
                v.insert(i, digits[rng.below(digits.len())]);
            }
        }
    }
    v
}

#[test]
fn fuzz_targets_hold_on_the_corpus_and_random_inputs() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus");
    let mut rng = Rng(0x5eed_c0de_d00d_f00d);
    for target in TARGETS {
        let mut inputs = seeds(target);
        if let Ok(dir) = fs::read_dir(corpus.join(target)) {
            // (A file that vanished while a fuzzer runs beside is skipped.)
            inputs.extend(dir.flatten().filter_map(|e| fs::read(e.path()).ok()));
        }
        let base = inputs.clone();
        for _ in 0..3_000 {
            let seed = &base[rng.below(base.len())];
            inputs.push(mutate(seed, &mut rng));
        }
        for data in &inputs {
            run(target, data);
        }
    }
}

/// The fuzzer's findings, as readable regression tests (their inputs are in
/// the corpus too).
#[test]
fn fuzz_findings_are_typed_errors_or_values() {
    // bind_call: a timestamp of 8.7e81 ms saturated to i64::MAX and made the
    // cohort table of one customer 3.5 billion months long (out of memory).
    let e = cx::bind::call(
        "cohort_retention",
        serde_json::json!({"customers": [1, 1, 1], "timestamps": [0, 8.686e81, 0]}),
    )
    .unwrap_err();
    assert_eq!((e.code(), e.argument()), ("invalid_parameter", "timestamps"));
    let e = cx::bind::call(
        "cohort_retention",
        serde_json::json!({"customers": [1, 1], "timestamps": [0, i64::MAX / 2]}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.argument(), e.index()),
        ("out_of_range", "timestamps", Some(1))
    );
    // accumulator_bytes: a weighted accumulator with an effective size of
    // 1.7e9, whose t quantile did not return; CSAT now answers at once.
    let bytes = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/corpus/accumulator_bytes/regression-t-quantile-huge-df"),
    )
    .expect("the finding");
    let d = cx::survey::Distribution::from_bytes(&bytes).expect("decodes");
    let csat = d.csat(&Default::default()).expect("csat");
    assert!(csat.mean.ci_low.is_some_and(f64::is_finite));
}

/// The `csv_tables` seeds get past the reader (so the fuzzer starts from
/// inputs that reach the report), and the German one reads as its comma twin.
#[test]
fn csv_seeds_read() {
    use cx_cli::dialect::DialectArgs;
    use cx_cli::load::{Headers, load_source};
    use cx_cli::read::Source;
    let h = Headers::parse(&[], true).expect("no renames");
    let german = DialectArgs {
        delimiter: Some(b';'),
        decimal: Some(','),
        ..DialectArgs::default()
    };
    for (which, file, dialect) in [
        (
            "orders",
            &b"customer,date,amount\nc1,2024-01-05,1234.5\nc2,2024-02-02,3.5\n"[..],
            DialectArgs::default(),
        ),
        (
            "orders",
            &b"customer;date;amount\n\"M\xfcller\nGmbH\";05.01.2024;1.234,50\nc2;02.02.24;3,5\n"[..],
            german,
        ),
    ] {
        let t = load_source(which, Source::Bytes("seed.csv", file), &h, false, &dialect).expect("seed reads");
        assert_eq!((t.rows, t.len()), (2, 2));
        assert_eq!(t.numbers("amount"), Some(&[1234.5, 3.5][..]));
        assert_eq!(t.times("date").map(|d| d[1]), Some(Some(1_706_832_000_000)));
        let first = &t.texts("customer").expect("customers")[0];
        assert!(first == "c1" || first == "Müller\nGmbH", "{first:?}");
    }
}
