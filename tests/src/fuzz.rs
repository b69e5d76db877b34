//! The bodies of the fuzz targets, shared by cargo-fuzz (`fuzz/`, nightly
//! libFuzzer) and by the stable replay test (`tests/tests/fuzz_replay.rs`),
//! which runs the saved corpus and seeded random inputs on every CI run.
//!
//! Each body feeds untrusted bytes to one decoder of cx and fails (panics)
//! only where cx would: a decoder must return a value or a typed error,
//! never panic, and what it accepts must round-trip.

use cx::churn::AnyModel;
use cx::signals::SignalOptions;
use cx::survey::Distribution;

/// The targets, by name (the names of `fuzz/fuzz_targets/*.rs`).
pub const TARGETS: [&str; 6] = [
    "accumulator_bytes",
    "model_json",
    "bind_call",
    "signal_options",
    "timestamps",
    "csv_tables",
];

/// Runs target `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "accumulator_bytes" => accumulator_bytes(data),
        "model_json" => model_json(data),
        "bind_call" => bind_call(data),
        "signal_options" => signal_options(data),
        "timestamps" => timestamps(data),
        "csv_tables" => csv_tables(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// Serialized accumulators: decode, and what decodes re-encodes to bytes
/// that decode to the same accumulator.
pub fn accumulator_bytes(data: &[u8]) {
    if let Ok(d) = Distribution::from_bytes(data) {
        let again = Distribution::from_bytes(&d.to_bytes()).expect("re-encoded bytes decode");
        assert_eq!(d.to_bytes(), again.to_bytes());
        // Measures of a decoded accumulator return a value or a typed error.
        let _ = d.nps(&Default::default());
        let _ = d.csat(&Default::default());
    }
    // The live summary's bytes: the same contract, and a decoded table
    // summarizes, scores and merges with itself or fails with a typed error.
    if let Ok(t) = cx::bind::live::Live::from_bytes(data) {
        let again = cx::bind::live::Live::from_bytes(&t.to_bytes()).expect("re-encoded bytes decode");
        assert_eq!(t.to_bytes(), again.to_bytes());
        let _ = t.summary(None);
        let mut both = t.clone();
        let _ = both.merge(&again);
    }
}

/// Model JSON: what loads predicts without panicking.
pub fn model_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = AnyModel::from_json(text) {
        let again = AnyModel::from_json(&m.to_json()).expect("a model's own JSON loads");
        assert_eq!(m, again);
        if let Some(p) = m.purchase_model() {
            for (x, tx, t) in [(0.0, 0.0, 0.0), (2.0, 5.0, 10.0), (50.0, 99.0, 100.0)] {
                let _ = p.probability_alive(x, tx, t);
                let _ = p.conditional_expected_purchases(13.0, x, tx, t);
            }
        }
        let _ = m.parameters(0.95);
    }
}

/// The binding layer: the first byte picks a call, the rest is its JSON
/// arguments.
pub fn bind_call(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let calls = cx::bind::calls();
    let name = calls[usize::from(pick) % calls.len()];
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(rest) {
        let _ = cx::bind::call(name, v);
    }
}

/// Signal options, as every binding reads them.
pub fn signal_options(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = cx::options::from_json::<SignalOptions>(v);
    }
}

/// Timestamp text, as every reader parses it.
pub fn timestamps(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cx::time::parse_timestamp_ms(text);
    }
}

/// The tables of `cx report` as a shop exports them: the first byte picks
/// the table (orders, feedback, contacts, deliveries), `--skip-bad-rows`
/// and the dialect flags; the rest is the file. What reads is then the
/// whole report. Every path ends in a table, a report or an error message,
/// and the rows add up.
pub fn csv_tables(data: &[u8]) {
    use cx_cli::dialect::DialectArgs;
    use cx_cli::load::{Headers, load_source};
    use cx_cli::read::Source;
    use cx_cli::report::{Inputs, Settings, build};

    let Some((&flags, file)) = data.split_first() else {
        return;
    };
    let which = ["orders", "feedback", "contacts", "deliveries"][usize::from(flags & 3)];
    let skip = flags & 4 != 0;
    let dialect = DialectArgs {
        delimiter: [None, Some(b';'), Some(b'\t'), Some(b',')][usize::from(flags >> 3 & 3)],
        decimal: (flags & 32 != 0).then_some(','),
        date_format: (flags & 64 != 0).then(|| "%d/%m/%Y".to_owned()),
        encoding: (flags & 128 != 0).then(|| "windows-1252".to_owned()),
    };
    let headers = Headers::parse(&[], true).expect("no renames");
    let Ok(table) = load_source(which, Source::Bytes("fuzz.csv", file), &headers, skip, &dialect) else {
        return;
    };
    assert!(
        table.len() + table.skipped <= table.rows,
        "{} kept + {} skipped > {} rows",
        table.len(),
        table.skipped,
        table.rows
    );
    if !skip {
        assert_eq!(table.skipped, 0);
    }
    let mut inputs = Inputs {
        orders: None,
        feedback: None,
        contacts: None,
        deliveries: None,
    };
    *match which {
        "orders" => &mut inputs.orders,
        "feedback" => &mut inputs.feedback,
        "contacts" => &mut inputs.contacts,
        _ => &mut inputs.deliveries,
    } = Some(table);
    let settings = Settings {
        as_of: None,
        level: 0.95,
        service_level_hours: 24.0,
        top: 5,
        signals: cx::signals::SignalOptions::default(),
        calibrate: true,
    };
    if let Ok(report) = build(&inputs, &settings) {
        for q in &report.data {
            assert!(q.used <= q.rows, "{q:?}");
        }
        // The report serializes (the HTML and --json start from it).
        serde_json::to_string(&report).expect("report serializes");
    }
}
