//! `cx backtest`: how well the churn signals, the purchase model and the
//! hiatus rule foresaw who did not order again, at cut-off days inside the
//! shop's history, and a calibration of the risk to save.

use std::fs;
use std::io::{self, Write};

use cx::signals::{BacktestOptions, CutoffResult};

use crate::args::{BacktestArgs, Format};
use crate::load::{load_inputs, resources, signal_options};
use crate::report::Columns;

pub fn run(a: BacktestArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let (inputs, _) = load_inputs(&a.tables)?;
    let columns = Columns::new(&inputs);
    let tables = columns.tables(&inputs).map_err(|e| e.to_string())?;
    let mut signals = signal_options(&a.tables)?;
    let end = signals.as_of.take();
    signals.calibration = None;
    let options = BacktestOptions {
        horizon_days: a.horizon_days,
        n_cutoffs: a.cutoffs,
        end,
        signals,
        ..BacktestOptions::default()
    };
    let b = cx::scorecard::backtest(&tables, &options).map_err(|e| e.to_string())?;
    if let (Some(p), Some(c)) = (&a.save, &b.calibration) {
        fs::write(p, c.to_json()).map_err(|e| format!("{}: cannot write: {e}", p.display()))?;
    }
    let out = io::stdout();
    let mut out = out.lock();
    let w = |e: io::Error| e.to_string();
    match a.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&b).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(w)?;
        }
        Format::Csv => return Err("--format csv: cx backtest prints text or json".into()),
        Format::Text => {
            writeln!(
                out,
                "outcome: {} (horizon {} days), {} cut-offs",
                b.outcome.words(b.horizon_days),
                b.horizon_days,
                b.cutoffs.len()
            )
            .map_err(w)?;
            for c in &b.cutoffs {
                cutoff_lines(&mut out, c).map_err(w)?;
            }
            if let Some(h) = &b.holdout {
                writeln!(
                    out,
                    "\nout of time at {} (fitted on {} earlier cut-offs): Brier calibrated {:.4}, rules {:.4}, model {}",
                    h.cutoff,
                    h.fitted_on.len(),
                    h.brier_calibrated,
                    h.brier_rules,
                    h.brier_model.map_or("-".into(), |m| format!("{m:.4}"))
                )
                .map_err(w)?;
            }
            match &b.calibration {
                Some(c) => {
                    writeln!(
                        out,
                        "\ncalibration (log-odds per unit; intercept {:+.3}):",
                        c.intercept
                    )
                    .map_err(w)?;
                    for k in &c.coefficients {
                        writeln!(
                            out,
                            "  {:<16} {:+.3} ± {:.3}",
                            k.feature, k.coefficient, k.std_error
                        )
                        .map_err(w)?;
                    }
                    if let Some(p) = &a.save {
                        writeln!(out, "saved to {}", p.display()).map_err(w)?;
                    }
                }
                None => writeln!(out, "\nno calibration: see the notes").map_err(w)?,
            }
            for n in &b.notes {
                writeln!(out, "note: {n}").map_err(w)?;
            }
        }
    }
    eprintln!("{}", resources(&inputs, started));
    Ok(())
}

fn cutoff_lines(out: &mut impl Write, c: &CutoffResult) -> io::Result<()> {
    writeln!(
        out,
        "\n{}: {} customers, {:.1} % without an order",
        c.cutoff,
        c.customers,
        100.0 * c.base_rate
    )?;
    writeln!(
        out,
        "  {:<24} {:>6} {:>7} {:>13}",
        "score", "AUC", "Brier", "top 10 % lift"
    )?;
    for s in c.scores.iter().filter(|s| s.fired > 0) {
        let lift = s
            .top
            .iter()
            .find(|t| (t.share - 0.1).abs() < 1e-9)
            .map_or("-".into(), |t| format!("{:.2}", t.lift));
        writeln!(
            out,
            "  {:<24} {:>6} {:>7} {:>13}",
            s.score,
            s.auc.map_or("-".into(), |a| format!("{a:.3}")),
            s.brier.map_or("-".into(), |b| format!("{b:.4}")),
            lift
        )?;
    }
    Ok(())
}
