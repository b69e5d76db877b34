//! `cx report`: the scorecard of the CSV files as one offline HTML file, a terminal summary, or JSON.

use std::fs;
use std::path::PathBuf;

use crate::args::ReportArgs;
use crate::load::{load_inputs, resources, signal_options};
use crate::report::{self, Report, Settings};
use cx::report::{self as html};

pub fn run(a: ReportArgs) -> Result<(), String> {
    if !(a.service_level_hours.is_finite() && a.service_level_hours > 0.0) {
        return Err(format!(
            "--service-level-hours {}: expected a positive number",
            a.service_level_hours
        ));
    }
    let started = std::time::Instant::now();
    let (inputs, _) = load_inputs(&a.tables)?;
    let settings = Settings {
        as_of: a.tables.as_of,
        level: 0.95,
        service_level_hours: a.service_level_hours,
        top: a.top,
        signals: signal_options(&a.tables)?,
        calibrate: !a.tables.no_calibrate,
    };
    let r = report::build(&inputs, &settings).map_err(|e| e.to_string())?;
    let out = match (&a.out, a.json) {
        (Some(p), _) => Some(p.clone()),
        (None, false) => Some(PathBuf::from("report.html")),
        (None, true) => None,
    };
    if let Some(p) = &out {
        fs::write(p, html::render(&r, String::clone))
            .map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
    }
    if a.json {
        let text = serde_json::to_string_pretty(&r).map_err(|e| e.to_string())?;
        println!("{text}");
        eprintln!("{}", resources(&inputs, started));
        return Ok(());
    }
    print_summary(&r);
    if let Some(p) = &out {
        println!("\nreport written to {}", p.display());
    }
    eprintln!("{}", resources(&inputs, started));
    Ok(())
}

fn print_summary(r: &Report) {
    println!("cx report as of {}", r.as_of);
    if let Some(s) = &r.survey {
        let n = &s.nps;
        println!(
            "  NPS               {:6.1}  [{:.1}, {:.1}]  n = {}",
            n.score, n.ci_low, n.ci_high, n.n
        );
        if let Some(c) = &s.csat {
            println!(
                "  CSAT              {:5.1}%  n = {}",
                100.0 * c.satisfied.share,
                c.n
            );
        }
    }
    if let Some(g) = &r.gaps {
        let worst = g
            .touchpoints
            .iter()
            .zip(&g.servqual.items)
            .filter_map(|(n, i)| i.gap.map(|v| (n, v)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((name, gap)) = worst {
            println!("  largest gap       {name} ({gap:+.2} on 1–7)");
        }
    }
    if let Some(t) = &r.retention {
        let p = &t.store.repeat_purchase_rate;
        println!(
            "  repeat purchase   {:5.1}%  ({} of {} customers)",
            100.0 * p.share,
            p.successes,
            p.n
        );
    }
    if let Some(d) = r
        .promise
        .as_ref()
        .and_then(|p| p.delivery.as_ref())
        .and_then(|d| d.on_time.as_ref())
    {
        println!("  on-time delivery  {:5.1}%", 100.0 * d.share);
    }
    if let Some(f) = r
        .promise
        .as_ref()
        .and_then(|p| p.first_contact_resolution.as_ref())
    {
        println!("  first-contact res {:5.1}%", 100.0 * f.resolved_first.share);
    }
    if let Some(k) = &r.risk {
        println!(
            "  at risk           {} of {} customers (risk ≥ {}, {})",
            k.at_risk,
            k.customers,
            k.threshold,
            match k.method {
                cx::signals::RiskMethod::Calibrated => "calibrated",
                _ => "uncalibrated rules",
            }
        );
        for c in k.top.iter().take(5) {
            let why: Vec<String> = html::reasons(c).into_iter().take(2).collect();
            println!("    {:<10} {:.3}  {}", c.customer, c.risk, why.join("; "));
        }
    }
    for q in &r.data {
        if q.skipped_unreadable > 0 {
            println!(
                "  skipped           {} bad rows in {}",
                q.skipped_unreadable, q.file
            );
        }
    }
}
