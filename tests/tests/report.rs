//! The report page (`cx::report`) through the binding layer, as Python's
//! `cx.Scorecard` and the CLI draw it: every section of the scorecard is on
//! the page, customer and touchpoint names from the data are escaped, and
//! the page loads nothing.

use serde_json::{Value, json};

fn demo_report(customer: &str, touchpoint: &str) -> Value {
    // Two customers: one who orders monthly and fell silent, and a detractor
    // with a late delivery.
    let quiet = customer;
    let mut orders_c = Vec::new();
    let mut orders_t = Vec::new();
    for m in 1..=8 {
        orders_c.push(json!(quiet));
        orders_t.push(json!(format!("2024-{m:02}-05")));
        orders_c.push(json!("steady"));
        orders_t.push(json!(format!("2024-{m:02}-10")));
    }
    for m in 9..=12 {
        orders_c.push(json!("steady"));
        orders_t.push(json!(format!("2024-{m:02}-10")));
    }
    cx::bind::call(
        "report",
        json!({
            "orders": {"customers": orders_c, "timestamps": orders_t},
            "feedback": {
                "customers": [quiet, "steady", quiet],
                "timestamps": ["2024-03-01", "2024-06-01", "2024-08-01"],
                "nps": [9, 10, 2],
                "touchpoints": [touchpoint, "delivery"],
                "expected": [[6, 6], [5, 6], [7, 6]],
                "perceived": [[4, 6], [5, 7], [3, 5]]
            },
            "deliveries": {
                "customers": [quiet, "steady"],
                "promised": ["2024-08-01", "2024-09-01"],
                "delivered": ["2024-08-09", "2024-09-01"]
            },
            "report": {"source": "test tables"},
            "options": {"calibrate": false}
        }),
    )
    .expect("report")
}

#[test]
fn the_page_holds_every_section_of_the_scorecard() {
    let r = demo_report("ann", "checkout");
    let html = r["html"].as_str().expect("html");
    let card = &r["scorecard"];
    for section in [
        "headline",
        "survey",
        "gaps",
        "retention",
        "promises",
        "model",
        "risk",
        "data-quality",
    ] {
        assert!(html.contains(&format!("<section id=\"{section}\">")), "{section}");
    }
    // The scorecard beside the page is the "scorecard" call's.
    assert_eq!(card["risk"]["top"][0]["customer"], "ann");
    assert!(html.contains(&format!(
        "NPS {:.1}",
        card["survey"]["nps"]["score"].as_f64().unwrap()
    )));
    assert!(html.contains("<td>test tables</td>"));
    // The model check on the bundled CDNOW sample (feature `cdnow`).
    assert!(html.contains("id=\"cdnow-check\""));
    assert!(
        html.contains("<td>ann</td>"),
        "the at-risk table names the customer"
    );
}

#[test]
fn names_from_the_data_are_escaped_and_nothing_is_loaded() {
    let evil = "<img src=x onerror=alert(1)>";
    let r = demo_report(evil, "<script>alert(2)</script>");
    let html = r["html"].as_str().expect("html");
    assert!(!html.contains("<img"), "customer name written as markup");
    assert!(!html.contains("<script"), "touchpoint name written as markup");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Self-contained: no script, no external resource.
    for needle in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(needle), "{needle}");
    }
}

#[test]
fn report_options_are_checked() {
    let e = cx::bind::call(
        "report",
        json!({"feedback": {"customers": ["a"], "timestamps": ["2024-01-01"], "nps": [9]}, "report": {"sauce": 1}}),
    )
    .expect_err("unknown report option");
    assert!(e.to_string().contains("sauce"), "{e}");
}

/// A year of survey answers whose NPS falls in the last three months: the
/// watch lists the EWMA alarm (month, direction, shift) and the page shows
/// it; a steady year raises none.
#[test]
fn the_watch_flags_a_falling_nps_and_stays_quiet_when_steady() {
    let run = |fall: bool| {
        let (mut customers, mut days, mut nps) = (Vec::new(), Vec::new(), Vec::new());
        for m in 1..=12u32 {
            for i in 0..150 {
                customers.push(format!("c{m}-{i}"));
                days.push(json!(format!("2024-{m:02}-{:02}", 1 + i % 28)));
                // 50 % promoters, 30 % passives, 20 % detractors; after
                // September 35 % detractors.
                let detractors = if fall && m > 9 { 35 } else { 20 };
                let u = (i * 37 + m as usize * 11) % 100;
                nps.push(if u < 50 {
                    10
                } else if u < 100 - detractors {
                    8
                } else {
                    3
                });
            }
        }
        cx::bind::call(
            "report",
            json!({"feedback": {"customers": customers, "timestamps": days, "nps": nps}, "options": {"calibrate": false}}),
        )
        .expect("report")
    };
    let r = run(true);
    let w = &r["scorecard"]["survey"]["watch"];
    assert_eq!(w["charts"], json!(["NPS"]));
    let alarms = w["alarms"].as_array().expect("alarms");
    assert!(!alarms.is_empty(), "{w}");
    assert!(
        alarms
            .iter()
            .all(|a| a["chart"] == "NPS" && a["direction"] == "down")
    );
    assert!(alarms.iter().any(|a| a["period"] == "2024-12-01"));
    // The EWMA estimate of the drop grows month by month: 15 points × (1 − 0.8³) by December.
    assert!(alarms.last().unwrap()["shift"].as_f64().unwrap() < -5.0, "{w}");
    let html = r["html"].as_str().unwrap();
    assert!(html.contains("<table id=\"alarms\">") && html.contains("(down)"));
    assert!(w["nps_change"]["from"] == "2024-11-01" && w["nps_change"]["to"] == "2024-12-01");
    let steady = run(false);
    let w = &steady["scorecard"]["survey"]["watch"];
    assert_eq!(w["alarms"], json!([]));
    assert!(
        steady["html"]
            .as_str()
            .unwrap()
            .contains("No alarm in the last three months")
    );
}

/// The demo shop's touchpoints: enough respondents for the key drivers,
/// which sum to R² and replace the correlation as the grid's importance.
#[test]
fn the_report_shows_the_key_drivers_of_the_demo_shop() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cx-cli/data/demo/feedback.csv");
    let text = std::fs::read_to_string(dir).expect("demo feedback");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let tps: Vec<String> = header
        .iter()
        .filter_map(|h| h.strip_prefix("perceived_"))
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let num = |v: &str| v.parse::<f64>().map_or(Value::Null, |x| json!(x));
    let matrix = |prefix: &str| -> Vec<Vec<Value>> {
        rows.iter()
            .map(|r| tps.iter().map(|t| num(r[col(&format!("{prefix}{t}"))])).collect())
            .collect()
    };
    let r = cx::bind::call(
        "report",
        json!({"feedback": {
            "customers": rows.iter().map(|r| r[col("customer")]).collect::<Vec<_>>(),
            "timestamps": rows.iter().map(|r| r[col("date")]).collect::<Vec<_>>(),
            "nps": rows.iter().map(|r| num(r[col("nps")])).collect::<Vec<_>>(),
            "touchpoints": tps, "expected": matrix("expected_"), "perceived": matrix("perceived_")},
            "options": {"calibrate": false}}),
    )
    .expect("report");
    let d = &r["scorecard"]["gaps"]["drivers"];
    let r2 = d["r2"].as_f64().unwrap();
    let sum: f64 = d["drivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["relative_weight"].as_f64().unwrap())
        .sum();
    assert!((sum - r2).abs() < 1e-9 && d["bootstrap"] == 500);
    let html = r["html"].as_str().unwrap();
    assert!(html.contains("id=\"key-drivers\"") && html.contains("relative weight in explaining the NPS"));
}
