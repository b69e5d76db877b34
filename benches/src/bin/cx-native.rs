//! Native timings for the peer comparison (`benches/peers/run`): reads the
//! inputs the Python harness wrote (raw little-endian columns), runs one cx
//! task several times and prints the median seconds and the result as JSON,
//! so that Python, native Rust and WebAssembly are timed on identical data.
//!
//! ```text
//! cx-native <task> <dir> [runs]
//! ```
//! Tasks: `nps` (answers.u8), `summary` (customers.i64, days.i64,
//! amounts.f64), `fit_bg_nbd`, `fit_pareto_nbd` (frequency.f64, recency.f64,
//! t.f64), `alive_bg_nbd`, `clv_bg_nbd` (the same plus monetary.f64 and
//! model.json / spend.json).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use cx::churn::{
    AnyModel, ClvOptions, Columns, FitOptions, Freq, Prediction, fit_model, lifetime_value, predict,
};
use cx::retention::{SummaryOptions, Transactions, customer_summary};
use cx::survey::{NpsOptions, nps};
use cx::time::TimeUnit;
use serde_json::{Value, json};

type Failure = Box<dyn std::error::Error>;

fn read<T: Copy, const N: usize>(dir: &Path, name: &str, from: fn([u8; N]) -> T) -> Result<Vec<T>, Failure> {
    let bytes = std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"))?;
    Ok(bytes
        .chunks_exact(N)
        .map(|c| from(c.try_into().expect("chunk of N bytes")))
        .collect())
}

fn f64s(dir: &Path, name: &str) -> Result<Vec<f64>, Failure> {
    read(dir, name, f64::from_le_bytes)
}

/// The customer columns (frequency, recency, T and, when present, spend).
struct Customers(Vec<f64>, Vec<f64>, Vec<f64>, Option<Vec<f64>>);

impl Customers {
    fn read(dir: &Path) -> Result<Customers, Failure> {
        let money = dir
            .join("monetary.f64")
            .exists()
            .then(|| f64s(dir, "monetary.f64"))
            .transpose()?;
        Ok(Customers(
            f64s(dir, "frequency.f64")?,
            f64s(dir, "recency.f64")?,
            f64s(dir, "t.f64")?,
            money,
        ))
    }

    fn columns(&self) -> Columns<'_> {
        Columns {
            frequency: Some(&self.0),
            recency: Some(&self.1),
            t: Some(&self.2),
            monetary_value: self.3.as_deref(),
        }
    }
}

fn model(dir: &Path, name: &str) -> Result<AnyModel, Failure> {
    Ok(AnyModel::from_json(&std::fs::read_to_string(dir.join(name))?)?)
}

/// Median seconds of `runs` calls, and the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> Result<T, Failure>) -> Result<(f64, T), Failure> {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f()?);
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], last.expect("runs >= 1")))
}

fn run(task: &str, dir: &Path, runs: usize) -> Result<Value, Failure> {
    let (seconds, result) = match task {
        "nps" => {
            let a = read::<u8, 1>(dir, "answers.u8", u8::from_le_bytes)?;
            let (s, r) = time(runs, || Ok(nps(&a, &NpsOptions::default())?))?;
            (s, json!({"score": r.score, "n": r.n}))
        }
        "summary" => {
            let c = read(dir, "customers.i64", i64::from_le_bytes)?;
            let d = read(dir, "days.i64", i64::from_le_bytes)?;
            let m = f64s(dir, "amounts.f64")?;
            let tx = Transactions {
                customers: &c,
                timestamps: &d,
                unit: TimeUnit::Days,
                amounts: Some(&m),
            };
            let (s, r) = time(runs, || Ok(customer_summary(&tx, &SummaryOptions::default())?))?;
            let f: u64 = r.frequency.iter().map(|&x| u64::from(x)).sum();
            (s, json!({"customers": r.customers.len(), "frequency_sum": f}))
        }
        "fit_bg_nbd" | "fit_pareto_nbd" => {
            let c = Customers::read(dir)?;
            let cols = Columns {
                monetary_value: None,
                ..c.columns()
            };
            let name = &task[4..];
            let (s, m) = time(runs, || Ok(fit_model(name, &cols, &FitOptions::default())?))?;
            let ll = m.fit_report().map(|r| r.log_likelihood);
            (s, json!({"log_likelihood": ll}))
        }
        "alive_bg_nbd" => {
            let c = Customers::read(dir)?;
            let cols = Columns {
                monetary_value: None,
                ..c.columns()
            };
            let m = model(dir, "model.json")?;
            let (s, p) = time(runs, || Ok(predict(&m, &Prediction::ProbabilityAlive, &cols)?))?;
            (s, json!({"sum": p.iter().sum::<f64>()}))
        }
        "clv_bg_nbd" => {
            let c = Customers::read(dir)?;
            let cols = c.columns();
            let (m, g) = (model(dir, "model.json")?, model(dir, "spend.json")?);
            let o = ClvOptions {
                months: 12,
                discount_rate: 0.01,
                freq: Some(Freq::W),
                ..ClvOptions::default()
            };
            let (s, v) = time(runs, || Ok(lifetime_value(&m, &g, &cols, &o)?))?;
            (s, json!({"sum": v.iter().sum::<f64>()}))
        }
        other => return Err(format!("unknown task {other}").into()),
    };
    Ok(json!({"task": task, "seconds": seconds, "result": result}))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: cx-native <task> <dir> [runs]");
        return ExitCode::from(2);
    }
    let runs = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(5);
    match run(&args[1], Path::new(&args[2]), runs) {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cx-native: {e}");
            ExitCode::FAILURE
        }
    }
}
