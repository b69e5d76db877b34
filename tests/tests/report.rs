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
