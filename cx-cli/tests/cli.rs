//! The `cx` command end to end: exit codes, messages for bad rows, the
//! numbers of `--json` against hand computations from the same CSV files,
//! the subcommands, and the demo generator's determinism.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_cx");

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/demo")
}

fn cx(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run cx")
}

fn cx_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cx");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "cx failed: {}", text(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// Rows of a CSV file as header → cell maps.
fn rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let h = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            h.iter()
                .zip(rec.iter())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn report_on_the_bundled_demo_writes_one_offline_html_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("r.html");
    let o = cx(&["report", "--out", out.to_str().expect("path")]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("NPS") && stdout.contains("report written to"),
        "{stdout}"
    );
    assert!(text(&o.stderr).contains("bundled demo shop"));
    let html = fs::read_to_string(&out).expect("report");
    for id in [
        "headline",
        "survey",
        "gaps",
        "retention",
        "promises",
        "model",
        "risk",
        "data-quality",
        "chart-nps-trend",
        "chart-gaps",
        "chart-ipa",
        "chart-cohorts",
        "chart-p-alive",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id} missing");
    }
    assert!(html.matches("<svg").count() >= 6);
    // Nothing to fetch: no scripts, stylesheets or images from anywhere.
    for needle in ["<script", "<link", "<img", "src=", "url("] {
        assert!(!html.contains(needle), "report references {needle}");
    }
}

#[test]
fn json_numbers_match_hand_computations_from_the_same_files() {
    let d = demo_dir();
    let r = json(&cx(&["report", "--json"]));
    let as_of = r["as_of"].as_str().expect("as_of").to_owned();

    // NPS: promoters (9–10) minus detractors (0–6), in % of the answers.
    let fb = rows(&d.join("feedback.csv"));
    let scores: Vec<u8> = fb.iter().filter_map(|r| r["nps"].parse().ok()).collect();
    let n = scores.len() as f64;
    let promoters = scores.iter().filter(|&&s| s >= 9).count() as f64;
    let detractors = scores.iter().filter(|&&s| s <= 6).count() as f64;
    let nps = &r["survey"]["nps"];
    assert_eq!(nps["n"].as_u64(), Some(scores.len() as u64));
    assert!((nps["score"].as_f64().expect("score") - 100.0 * (promoters - detractors) / n).abs() < 1e-9);

    // Repeat-purchase rate: customers with two or more order days.
    let orders = rows(&d.join("orders.csv"));
    let mut days: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for o in &orders {
        days.entry(&o["customer"]).or_default().insert(&o["date"]);
    }
    let repeat = days.values().filter(|s| s.len() >= 2).count() as u64;
    let rate = &r["retention"]["store"]["repeat_purchase_rate"];
    assert_eq!(rate["successes"].as_u64(), Some(repeat));
    assert_eq!(rate["n"].as_u64(), Some(days.len() as u64));

    // On time: delivered on or before the promised day, among deliveries
    // due by the report day and delivered by then (ISO dates sort as text).
    let del = rows(&d.join("deliveries.csv"));
    let due: Vec<_> = del.iter().filter(|r| r["promised"] <= as_of).collect();
    let done: Vec<_> = due
        .iter()
        .filter(|r| !r["delivered"].is_empty() && r["delivered"] <= as_of)
        .collect();
    let on_time = done.iter().filter(|r| r["delivered"] <= r["promised"]).count() as u64;
    let dv = &r["promise"]["delivery"];
    assert_eq!(dv["orders"].as_u64(), Some(due.len() as u64));
    assert_eq!(dv["on_time"]["successes"].as_u64(), Some(on_time));
    assert_eq!(dv["on_time"]["n"].as_u64(), Some(done.len() as u64));

    // Every row is accounted for in the data-quality section.
    for q in r["data"].as_array().expect("data") {
        let get = |k: &str| q[k].as_u64().expect(k);
        assert_eq!(
            get("rows"),
            get("used") + get("after_as_of") + get("skipped_unreadable"),
            "{q}"
        );
    }
    // The model section carries the CDNOW check against the published fit.
    let check = &r["model"]["cdnow_check"];
    for k in 0..4 {
        let (got, want) = (
            check["fitted"][k].as_f64().expect("fitted"),
            check["published"][k].as_f64().expect("pub"),
        );
        assert!(
            (got - want).abs() / want < 2e-3,
            "CDNOW parameter {k}: {got} vs {want}"
        );
    }
    // The ranking is by risk, with reasons in words.
    let top = r["risk"]["top"].as_array().expect("top");
    assert!(top.len() >= 10);
    let risks: Vec<f64> = top.iter().map(|c| c["risk"].as_f64().expect("risk")).collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]));
    assert!(
        top.iter()
            .all(|c| !c["signals"][0]["reason"].as_str().expect("reason").is_empty())
    );
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, body).expect("write");
    p.to_str().expect("path").to_owned()
}

const ORDERS_BAD: &str =
    "customer,date,amount\na,2024-01-01,10\nb,2024-01-05,12\na,2024-13-01,9\nb,2024-02-10,11\n";

#[test]
fn a_bad_row_stops_with_file_line_column_and_value() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "orders.csv", ORDERS_BAD);
    let o = cx(&["report", "--orders", &f, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("orders.csv:4: column `date` = \"2024-13-01\""),
        "{err}"
    );
    assert!(err.contains("not a date"), "{err}");
}

#[test]
fn skip_bad_rows_leaves_them_out_and_counts_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "orders.csv", ORDERS_BAD);
    let r = json(&cx(&["report", "--orders", &f, "--json", "--skip-bad-rows"]));
    let q = &r["data"][0];
    assert_eq!(q["table"], "orders");
    assert_eq!(
        (
            q["rows"].as_u64(),
            q["used"].as_u64(),
            q["skipped_unreadable"].as_u64()
        ),
        (Some(4), Some(3), Some(1))
    );
    assert_eq!(q["examples"][0]["line"], 4);
    assert_eq!(q["examples"][0]["value"], "2024-13-01");
    assert_eq!(r["retention"]["store"]["purchases"], 3);
}

#[test]
fn answers_off_the_scale_and_impossible_contacts_are_located() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        dir.path(),
        "fb.csv",
        "customer,date,nps\na,2024-01-01,9\nb,2024-01-02,11\n",
    );
    let o = cx(&["report", "--feedback", &f]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("fb.csv:3: column `nps` = \"11\""), "{err}");
    assert!(err.contains("0..=10"), "{err}");

    let c = write(
        dir.path(),
        "contacts.csv",
        "customer,received,resolved\na,2024-01-01T10:00:00,2024-01-01T12:00:00\na,2024-01-03T10:00:00,2024-01-02T09:00:00\n",
    );
    let o = cx(&["signals", "--contacts", &c]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("contacts.csv:3: column `resolved`"), "{err}");
    assert!(err.contains("before the contact was received"), "{err}");
}

#[test]
fn a_missing_column_says_how_to_rename_and_col_renames() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        dir.path(),
        "o.csv",
        "cust,when\na,2024-01-01\na,2024-02-01\nb,2024-01-15\n",
    );
    let o = cx(&["report", "--orders", &f]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    // The hint is the form this command takes (it used to say `--col
    // customer=…`, which `cx report` rejects).
    assert!(
        err.contains("no column `customer`") && err.contains("--col orders.customer=<your header>"),
        "{err}"
    );
    let rfm = cx(&["rfm", &f]);
    assert!(
        text(&rfm.stderr).contains("--col customer=<your header>"),
        "{}",
        text(&rfm.stderr)
    );
    let r = json(&cx(&[
        "report",
        "--orders",
        &f,
        "--col",
        "orders.customer=cust",
        "--col",
        "orders.date=when",
        "--json",
    ]));
    assert_eq!(r["retention"]["store"]["customers"], 2);
    assert_eq!(r["retention"]["store"]["repeat_customers"], 1);
}

#[test]
fn nps_reads_stdin_and_groups_by_month() {
    let csv = "date,nps\n2024-01-03,10\n2024-01-20,3\n2024-02-01,9\n2024-02-11,\n2024-02-15,8\n";
    let r = json(&cx_stdin(&["nps", "-", "--by", "month", "--json"], csv));
    // Overall 2 promoters, 1 detractor of 4 answers; January 1 − 1 of 2; February 1 − 0 of 2.
    assert!((r["nps"]["score"].as_f64().expect("score") - 25.0).abs() < 1e-12);
    assert_eq!(r["no_answer"], 1);
    let g = r["groups"].as_array().expect("groups");
    assert_eq!(g.len(), 2);
    assert_eq!(g[0]["period"], "2024-01-01");
    assert!((g[0]["nps"]["score"].as_f64().expect("jan")).abs() < 1e-12);
    assert!((g[1]["nps"]["score"].as_f64().expect("feb") - 50.0).abs() < 1e-12);
}

#[test]
fn rfm_writes_one_row_per_customer() {
    let o = cx(&["rfm", demo_dir().join("orders.csv").to_str().expect("path")]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("customer,recency_days,frequency,monetary,r,f,m,segment")
    );
    let customers: BTreeSet<String> = rows(&demo_dir().join("orders.csv"))
        .into_iter()
        .map(|r| r["customer"].clone())
        .collect();
    assert_eq!(lines.count(), customers.len());
}

#[test]
fn fit_on_the_bundled_cdnow_sample_gives_the_published_parameters() {
    let m = json(&cx(&["fit", "--json"]));
    assert_eq!(m["model"], "bg_nbd");
    // Fader, Hardie & Lee (2005): r 0.243, α 4.414, a 0.793, b 2.426.
    for (k, want) in [("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)] {
        let got = m[k].as_f64().expect(k);
        assert!((got - want).abs() / want < 2e-3, "{k}: {got} vs {want}");
    }
}

#[test]
fn signals_csv_is_ranked_and_explained() {
    let o = cx(&["signals", "--format", "csv", "--top", "0"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut r = csv::Reader::from_reader(o.stdout.as_slice());
    let recs: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
    assert!(recs.len() > 100);
    let risk: Vec<f64> = recs.iter().map(|x| x[1].parse().expect("risk")).collect();
    assert!(risk.windows(2).all(|w| w[0] >= w[1]));
    assert!(
        recs.iter().all(|x| !x[3].is_empty()),
        "every listed customer has a reason"
    );
}

#[test]
fn demo_data_is_deterministic_and_is_what_is_bundled() {
    let dir = tempfile::tempdir().expect("tmp");
    let make = |seed: &str, sub: &str| {
        let out = dir.path().join(sub);
        let o = cx(&[
            "demo-data",
            "--customers",
            "1000",
            "--seed",
            seed,
            "--out",
            out.to_str().expect("p"),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        out
    };
    let (a, b, c) = (make("7", "a"), make("7", "b"), make("8", "c"));
    for f in ["orders.csv", "feedback.csv", "contacts.csv", "deliveries.csv"] {
        let read = |d: &Path| fs::read(d.join(f)).expect("read");
        assert_eq!(read(&a), read(&b), "{f}: same seed, same shop");
        assert_ne!(read(&a), read(&c), "{f}: another seed, another shop");
        assert_eq!(
            read(&a),
            read(&demo_dir()),
            "{f}: the bundled demo is `--customers 1000 --seed 7`"
        );
    }
}

#[test]
fn json_and_out_together_write_both() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("both.html");
    let r = json(&cx(&["report", "--json", "--out", out.to_str().expect("path")]));
    assert!(r["risk"]["customers"].as_u64().expect("customers") > 0);
    assert!(fs::read_to_string(&out).expect("html").contains("id=\"risk\""));
}

#[test]
fn the_demo_generator_follows_its_bg_nbd_story() {
    // 5,000 simulated customers with purchase rates from Gamma(r = 0.9, α = 40 days):
    // BG/NBD fitted per day recovers r and α within 10 % (late deliveries raise
    // drop-out on top of the beta, so a and b are not the generator's).
    let dir = tempfile::tempdir().expect("tmp");
    let o = cx(&[
        "demo-data",
        "--customers",
        "5000",
        "--seed",
        "3",
        "--out",
        dir.path().to_str().expect("p"),
    ]);
    assert!(o.status.success());
    let orders = dir.path().join("orders.csv");
    let m = json(&cx(&[
        "fit",
        orders.to_str().expect("p"),
        "--days-per-period",
        "1",
        "--json",
    ]));
    let (r, alpha) = (m["r"].as_f64().expect("r"), m["alpha"].as_f64().expect("alpha"));
    assert!((r - 0.9).abs() / 0.9 < 0.1, "r = {r}");
    assert!((alpha - 40.0).abs() / 40.0 < 0.1, "alpha = {alpha}");
}

#[test]
fn usage_errors_exit_with_2_and_help_lists_the_commands() {
    assert_eq!(cx(&["report", "--no-such-flag"]).status.code(), Some(2));
    let help = text(&cx(&["--help"]).stdout);
    for c in ["report", "signals", "nps", "rfm", "fit", "demo-data"] {
        assert!(help.contains(c), "{c} missing from --help");
    }
}

/// `cx report` counts lateness as the bindings do: the shared vector
/// "delivery lateness in calendar days" (tests/vectors/gaps.json, checked
/// against `cx.delivery`, JS `delivery` and `cx::bind`) run as a CSV file.
#[test]
fn report_delivery_agrees_with_the_shared_vector() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/gaps.json");
    let vectors: Value = serde_json::from_str(&fs::read_to_string(path).expect("gaps.json")).expect("json");
    let case = vectors["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["name"] == "delivery lateness in calendar days")
        .expect("the case");
    let (promised, delivered) = (&case["args"]["promised"], &case["args"]["delivered"]);
    let mut csv = String::from("customer,promised,delivered\n");
    for (i, (p, d)) in promised
        .as_array()
        .expect("promised")
        .iter()
        .zip(delivered.as_array().expect("delivered"))
        .enumerate()
    {
        csv.push_str(&format!(
            "c{i},{},{}\n",
            p.as_str().expect("text"),
            d.as_str().expect("text")
        ));
    }
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(dir.path(), "deliveries.csv", &csv);
    let r = json(&cx(&["report", "--deliveries", &f, "--json"]));
    let got = &r["promise"]["delivery"];
    let tol = case["tol"].as_f64().expect("tol");
    for (path, want) in case["expected"].as_object().expect("expected") {
        let v = path.split('.').fold(got, |v, k| &v[k]);
        let (v, want) = (v.as_f64().expect(path), want.as_f64().expect(path));
        assert!((v - want).abs() <= tol, "{path}: report {v}, vector {want}");
    }
}

/// A `;`-separated export (Excel and shop systems in German locales) reads
/// as its comma equivalent; the separator is taken from the header line.
#[test]
fn a_semicolon_separated_export_gives_the_same_numbers() {
    let dir = tempfile::tempdir().expect("tmp");
    let comma =
        "customer,date,amount\na,2024-01-01,10.5\nb,2024-01-05,12\na,2024-02-10,9\n\"c,d\",2024-02-11,3\n";
    let semicolon = comma.replace(',', ";").replace("\"c;d\"", "\"c,d\"");
    let tab = comma.replace(',', "\t").replace("\"c\td\"", "\"c,d\"");
    let base = json(&cx(&[
        "report",
        "--orders",
        &write(dir.path(), "c.csv", comma),
        "--json",
    ]));
    for (name, text) in [("s.csv", semicolon), ("t.tsv", tab)] {
        let r = json(&cx(&[
            "report",
            "--orders",
            &write(dir.path(), name, &text),
            "--json",
        ]));
        assert_eq!(r["retention"], base["retention"], "{name}");
        assert_eq!(r["retention"]["store"]["customers"], 3, "{name}");
    }
}

/// The bundled demo shop written as a German Excel / Shopware export (`;`,
/// decimal comma, dd.mm.yyyy dates, Windows-1252 with umlauts in a customer
/// name) reads with the same numbers as its UTF-8, comma, ISO original, and
/// the data-quality table says how each file was read.
#[test]
fn a_german_export_gives_the_numbers_of_its_utf8_original() {
    let dir = tempfile::tempdir().expect("tmp");
    let german_date = |v: &str| -> String {
        // 2024-01-10 or 2024-01-10T18:12:34 → 10.01.2024 [18:12:34]
        let (d, t) = v.split_once('T').map_or((v, None), |(d, t)| (d, Some(t)));
        let p: Vec<&str> = d.split('-').collect();
        let day = format!("{}.{}.{}", p[2], p[1], p[0]);
        t.map_or(day.clone(), |t| format!("{day} {t}"))
    };
    let mut original = Vec::new();
    let mut german = Vec::new();
    for name in ["orders.csv", "feedback.csv", "contacts.csv", "deliveries.csv"] {
        let text = fs::read_to_string(demo_dir().join(name))
            .expect("demo")
            .replace("C00007", "Müller & Söhne");
        let mut out = String::new();
        for (i, line) in text.lines().enumerate() {
            let cells: Vec<String> = line
                .split(',')
                .map(|c| {
                    let is_date =
                        i > 0 && c.len() >= 10 && c.as_bytes()[4] == b'-' && c.as_bytes()[7] == b'-';
                    if is_date {
                        german_date(c)
                    } else if i > 0 && c.contains('.') && c.parse::<f64>().is_ok() {
                        c.replace('.', ",")
                    } else {
                        c.to_owned()
                    }
                })
                .collect();
            out.push_str(&cells.join(";"));
            out.push_str("\r\n");
        }
        let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&out);
        assert!(!lossy);
        let g = dir.path().join(format!("de-{name}"));
        fs::write(&g, &bytes).expect("write");
        let o = dir.path().join(name);
        fs::write(&o, &text).expect("write");
        original.push(o);
        german.push(g);
    }
    let run = |files: &[PathBuf]| {
        let f: Vec<&str> = files.iter().map(|p| p.to_str().expect("path")).collect();
        json(&cx(&[
            "report",
            "--orders",
            f[0],
            "--feedback",
            f[1],
            "--contacts",
            f[2],
            "--deliveries",
            f[3],
            "--json",
        ]))
    };
    let (a, b) = (run(&original), run(&german));
    for section in ["survey", "gaps", "retention", "promise", "risk"] {
        assert_eq!(a[section], b[section], "{section}");
    }
    for q in b["data"].as_array().expect("data") {
        let d = q["dialect"].as_str().expect("dialect");
        assert!(d.contains("separator ';'") && d.contains("decimal ','"), "{d}");
        // The contacts never name the renamed customer: plain ASCII, which
        // is UTF-8 as well; the other files hold the umlauts.
        let want = if q["table"] == "contacts" {
            "UTF-8"
        } else {
            "Windows-1252"
        };
        assert!(d.contains(want), "{}: {d}", q["table"]);
    }
    assert!(
        a["data"][0]["dialect"]
            .as_str()
            .expect("dialect")
            .contains("UTF-8")
    );
}

/// Slash dates could be day-first or month-first: a clear error that asks
/// for --date-format, never a guess; with the format they read.
#[test]
fn slash_dates_ask_for_a_format() {
    let dir = tempfile::tempdir().expect("tmp");
    let f = write(
        dir.path(),
        "o.csv",
        "customer,date,amount\na,01/02/2024,10\nb,03/04/2024,12\na,05/06/2024,9\n",
    );
    let o = cx(&["report", "--orders", &f, "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("o.csv:2: column `date`") && err.contains("--date-format"),
        "{err}"
    );
    let day_first = json(&cx(&[
        "report",
        "--orders",
        &f,
        "--date-format",
        "%d/%m/%Y",
        "--json",
    ]));
    let month_first = json(&cx(&[
        "report",
        "--orders",
        &f,
        "--date-format",
        "%m/%d/%Y",
        "--json",
    ]));
    assert_eq!(day_first["as_of"], "2024-06-05");
    assert_eq!(month_first["as_of"], "2024-05-06");
}

#[test]
fn a_file_larger_than_memory_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let orders = dir.path().join("orders.csv");
    // A sparse file: 1 TiB by its metadata, nothing on disk.
    let f = fs::File::create(&orders).expect("create");
    f.set_len(1 << 40).expect("sparse file");
    let o = cx(&["report", "--orders", orders.to_str().expect("path"), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("too large for this machine's memory")
            && err.contains("orders.csv (1024.0 GiB)")
            && err.contains("--ignore-memory-check"),
        "{err}"
    );
}

#[test]
fn report_and_signals_end_with_rows_time_and_peak_memory() {
    let dir = demo_dir();
    let orders = dir.join("orders.csv");
    for (cmd, json) in [("report", ["--json", ""]), ("signals", ["--format", "json"])] {
        let mut args = vec![cmd, "--orders", orders.to_str().expect("path")];
        args.extend(json.iter().filter(|a| !a.is_empty()));
        let o = cx(&args);
        let err = text(&o.stderr);
        assert!(o.status.success(), "{err}");
        let n = rows(&orders).len();
        let line = err.lines().last().expect("a last line");
        assert!(
            line.starts_with(&format!("cx: {n} rows from 1 table in ")),
            "{line}"
        );
        if cfg!(target_os = "linux") {
            assert!(line.contains(", peak memory ") && line.ends_with("MiB"), "{line}");
        }
    }
}
