//! Prints the survey scorecard of a CSV file of answers: overall NPS and
//! CSAT with intervals, per touchpoint and month, and whether the latest
//! month differs from the one before.
//!
//! ```text
//! cargo run -p cx-core --example scorecard -- data/survey_sample.csv
//! ```
//!
//! The file needs the columns `answered_at` (ISO date or timestamp), `nps`
//! (0–10) and optionally `touchpoint` and `csat` (1–5).

use std::error::Error;
use std::process::ExitCode;

use cx::survey::{
    CsatOptions, Distribution, NpsOptions, Scale, TimeBucket, TimeUnit, Timestamps, compare_nps, group_by,
};
use cx::time::parse_timestamp_ms;

#[derive(serde::Deserialize)]
struct Row {
    answered_at: String,
    #[serde(default)]
    touchpoint: Option<String>,
    nps: f64,
    #[serde(default)]
    csat: Option<f64>,
}

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/survey_sample.csv".into());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scorecard: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str) -> Result<(), Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let (mut at, mut touchpoints, mut nps, mut csat) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let row = row?;
        let line = i + 2; // header is line 1
        at.push(
            parse_timestamp_ms(&row.answered_at)
                .ok_or_else(|| format!("line {line}: bad date {:?}", row.answered_at))?,
        );
        touchpoints.push(row.touchpoint.unwrap_or_else(|| "all".into()));
        nps.push(row.nps);
        if let Some(c) = row.csat {
            csat.push(c);
        }
    }
    let o = NpsOptions::default();
    let all = Distribution::from_scores(Scale::NPS, &nps, None)?.nps(&o)?;
    println!("{path}: {} answers\n", all.n);
    println!("{:<22} {:>6} {:>8} {:>18}", "", "n", "NPS", "95% CI");
    let line = |label: &str, r: &cx::survey::Nps| {
        println!(
            "{label:<22} {:>6} {:>8.1} {:>8.1} .. {:>6.1}",
            r.n, r.score, r.ci_low, r.ci_high
        );
    };
    line("all", &all);
    for g in group_by(Scale::NPS, &nps, None, Some(&touchpoints[..]), None)? {
        line(
            &format!("  {}", g.key.unwrap_or_default()),
            &g.distribution.nps(&o)?,
        );
    }
    let time = Timestamps {
        values: &at,
        unit: TimeUnit::Milliseconds,
        bucket: TimeBucket::Month,
    };
    let months = group_by::<f64, String>(Scale::NPS, &nps, None, None, Some(time))?;
    for g in &months {
        line(
            &format!(
                "  {}",
                g.period
                    .map(|p| p.format("%Y-%m").to_string())
                    .unwrap_or_default()
            ),
            &g.distribution.nps(&o)?,
        );
    }
    if let [.., prev, last] = &months[..] {
        let c = compare_nps(&prev.distribution.nps(&o)?, &last.distribution.nps(&o)?, 0.95)?;
        println!(
            "\nlatest month vs the one before: {:+.1} points (95% CI {:+.1} .. {:+.1}, p = {:.3}){}",
            c.difference,
            c.ci_low,
            c.ci_high,
            c.p_value,
            if c.p_value < 0.05 {
                ": a real change"
            } else {
                ": within noise"
            }
        );
    }
    if !csat.is_empty() {
        let r = cx::survey::csat(&csat, None, &CsatOptions::default())?;
        println!(
            "CSAT (4-5 of 5): {:.1}% (95% CI {:.1} .. {:.1}), mean {:.2}, n = {}",
            100.0 * r.satisfied.share,
            100.0 * r.satisfied.ci_low,
            100.0 * r.satisfied.ci_high,
            r.mean.mean,
            r.n
        );
    }
    Ok(())
}
