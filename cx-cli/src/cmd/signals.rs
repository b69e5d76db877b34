//! `cx signals`: the churn signals of every customer, ranked, as text, JSON or CSV.

use std::io::{self, Write};

use crate::args::{Format, SignalArgs};
use crate::load::{load_inputs, resources, signal_options};
use crate::report::{self, Settings};

pub fn run(a: SignalArgs) -> Result<(), String> {
    let started = std::time::Instant::now();
    let (inputs, _) = load_inputs(&a.tables)?;
    let settings = Settings {
        as_of: a.tables.as_of,
        level: 0.95,
        service_level_hours: 24.0,
        top: if a.top == 0 { usize::MAX } else { a.top },
        signals: signal_options(&a.tables)?,
        calibrate: !a.tables.no_calibrate,
    };
    let r = report::build(&inputs, &settings).map_err(|e| e.to_string())?;
    let risk = r.risk.ok_or("no customers")?;
    let out = io::stdout();
    let mut out = out.lock();
    let w = |e: io::Error| e.to_string();
    match a.format {
        Format::Json => {
            let text = serde_json::to_string_pretty(&risk).map_err(|e| e.to_string())?;
            writeln!(out, "{text}").map_err(w)?;
        }
        Format::Csv => {
            let mut c = csv::Writer::from_writer(out);
            c.write_record([
                "customer",
                "risk",
                "signals",
                "reasons",
                "orders",
                "last_order",
                "p_alive",
                "risk_rules",
                "p_no_order",
                "clv",
                "value_at_risk",
            ])
            .map_err(|e| e.to_string())?;
            for x in &risk.top {
                let kinds: Vec<&str> = x.signals.iter().map(|s| s.kind.as_str()).collect();
                let reasons = cx::report::reasons(x);
                c.write_record([
                    x.customer.clone(),
                    format!("{:.4}", x.risk),
                    kinds.join(";"),
                    reasons.join("; "),
                    x.orders.to_string(),
                    x.last_order.map(|d| d.to_string()).unwrap_or_default(),
                    x.p_alive.map(|p| format!("{p:.4}")).unwrap_or_default(),
                    format!("{:.4}", x.risk_rules),
                    x.p_no_order.map(|p| format!("{p:.4}")).unwrap_or_default(),
                    x.clv.map(|v| format!("{v:.2}")).unwrap_or_default(),
                    x.value_at_risk.map(|v| format!("{v:.2}")).unwrap_or_default(),
                ])
                .map_err(|e| e.to_string())?;
            }
            c.flush().map_err(w)?;
        }
        Format::Text => {
            writeln!(
                out,
                "{} of {} customers at risk ({}) as of {}\n{}",
                risk.at_risk, risk.customers, risk.rule, r.as_of, risk.meaning
            )
            .map_err(w)?;
            for x in &risk.top {
                let value = x
                    .value_at_risk
                    .map_or(String::new(), |v| format!("  value at risk {v:.2}"));
                let flag = if x.at_risk { "  AT RISK" } else { "" };
                writeln!(out, "{:<12} risk {:.3}{value}{flag}", x.customer, x.risk).map_err(w)?;
                for s in &x.signals {
                    writeln!(out, "    {:.2}  {}", s.strength, s.reason).map_err(w)?;
                }
            }
        }
    }
    eprintln!("{}", resources(&inputs, started));
    Ok(())
}
