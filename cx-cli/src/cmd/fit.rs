//! `cx fit`: BG/NBD, MBG/NBD or Pareto/NBD on an order file, or on the bundled CDNOW sample beside the published values.

use cx::churn::{AnyModel, Columns, FitOptions, fit_model};
use cx::retention::{SummaryOptions, Transactions, customer_summary};
use cx::survey::TimeUnit;

use crate::args::{FitArgs, Model};
use crate::data::cdnow_summary;
use crate::dialect::DialectArgs;
use crate::load::{Headers, orders_specs};
use crate::read::{Kind, Source, read_table};
use crate::report;

pub fn run(a: FitArgs) -> Result<(), String> {
    if !(a.days_per_period.is_finite() && a.days_per_period > 0.0) {
        return Err(format!(
            "--days-per-period {}: expected a positive number",
            a.days_per_period
        ));
    }
    let (x, tx, t, source) = match &a.file {
        None => {
            let (x, tx, t) = cdnow_summary()?;
            (
                x,
                tx,
                t,
                "bundled CDNOW sample (2,357 customers, weeks)".to_owned(),
            )
        }
        Some(path) => {
            let h = Headers::parse(&a.columns, false)?;
            let tab = read_table(
                Source::Path(path),
                &orders_specs(&h, ""),
                &[],
                Kind::OptNumber,
                false,
                &DialectArgs::default(),
            )?;
            let ts = tab.times_present("date").unwrap_or_default();
            let s = customer_summary(
                &Transactions {
                    customers: tab.texts("customer").unwrap_or_default(),
                    timestamps: &ts,
                    unit: TimeUnit::Milliseconds,
                    amounts: None,
                },
                &SummaryOptions {
                    multiplier: a.days_per_period,
                    ..SummaryOptions::default()
                },
            )
            .map_err(|e| report::locate(&tab, "date", &e).to_string())?;
            let x = s.frequency.iter().map(|&v| f64::from(v)).collect();
            (
                x,
                s.recency,
                s.t,
                format!("{} ({} customers)", tab.file, s.customers.len()),
            )
        }
    };
    let name = match a.model {
        Model::Bg => "bg_nbd",
        Model::Mbg => "mbg_nbd",
        Model::Pareto => "pareto_nbd",
    };
    let cols = Columns {
        frequency: Some(&x),
        recency: Some(&tx),
        t: Some(&t),
        monetary_value: None,
    };
    let m = fit_model(name, &cols, &FitOptions::default()).map_err(|e| e.to_string())?;
    if a.json {
        println!("{}", m.to_json());
        return Ok(());
    }
    println!("{name} fitted to {source}");
    match &m {
        AnyModel::BgNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}",
            p.r(),
            p.alpha(),
            p.a(),
            p.b()
        ),
        AnyModel::MbgNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  a = {:.4}  b = {:.4}",
            p.r(),
            p.alpha(),
            p.a(),
            p.b()
        ),
        AnyModel::ParetoNbd(p) => println!(
            "  r = {:.4}  alpha = {:.4}  s = {:.4}  beta = {:.4}",
            p.r(),
            p.alpha(),
            p.s(),
            p.beta()
        ),
        AnyModel::GammaGamma(_) => {}
    }
    if let Some(f) = m.fit_report() {
        println!(
            "  log-likelihood {:.2}  AIC {:.2}  converged {}",
            f.log_likelihood, f.aic, f.converged
        );
    }
    if a.file.is_none() {
        // Fader, Hardie & Lee 2005 (BG/NBD), and their Pareto/NBD note.
        match a.model {
            Model::Bg => {
                println!("  published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4")
            }
            Model::Pareto => {
                println!("  published: r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0")
            }
            Model::Mbg => {}
        }
    }
    Ok(())
}
