//! Prints the retention picture of an order table: repeat purchase, monthly
//! cohorts, time to the second purchase, RFM segments and the customers most
//! overdue against their own rhythm.
//!
//! ```text
//! cargo run -p cx-core --example retention -- data/cdnow/CDNOW_sample.txt
//! ```
//!
//! Reads the CDNOW format (whitespace separated: id, customer, YYYYMMDD,
//! quantity, amount) or a CSV with the columns `customer_id,date,amount`.

use std::collections::BTreeMap;
use std::error::Error;
use std::process::ExitCode;

use chrono::NaiveDate;
use cx::retention::{
    PurchaseOptions, Purchases, RfmOptions, Transactions, cadence, cohort_retention, rfm, store_summary,
    time_to_second_purchase,
};
use cx::time::{TimeBucket, TimeUnit};

fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data/cdnow/CDNOW_sample.txt".into());
    match run(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("retention: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Customer, day and amount columns.
type Columns = (Vec<String>, Vec<i64>, Vec<f64>);

fn read(path: &str) -> Result<Columns, Box<dyn Error>> {
    let text = std::fs::read_to_string(path)?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).ok_or("epoch")?;
    let (mut c, mut d, mut a) = (Vec::new(), Vec::new(), Vec::new());
    let csv = path.ends_with(".csv");
    for (i, line) in text.lines().enumerate().skip(usize::from(csv)) {
        let f: Vec<&str> = if csv {
            line.split(',').collect()
        } else {
            line.split_whitespace().collect()
        };
        if f.is_empty() || f[0].is_empty() {
            continue;
        }
        let (cust, date, amount) = if csv {
            (f[0], f[1], f[2])
        } else {
            (f[1], f[2], f[4])
        };
        let day = NaiveDate::parse_from_str(date, if csv { "%Y-%m-%d" } else { "%Y%m%d" })
            .map_err(|e| format!("line {}: date {date:?}: {e}", i + 1))?;
        c.push(cust.to_owned());
        d.push((day - epoch).num_days());
        a.push(
            amount
                .trim()
                .parse()
                .map_err(|e| format!("line {}: amount {amount:?}: {e}", i + 1))?,
        );
    }
    Ok((c, d, a))
}

fn run(path: &str) -> Result<(), Box<dyn Error>> {
    let (customers, days, amounts) = read(path)?;
    let tx = Transactions {
        customers: &customers,
        timestamps: &days,
        unit: TimeUnit::Days,
        amounts: Some(&amounts),
    };
    let p = Purchases::from_transactions(&tx, &PurchaseOptions::default())?;
    let s = store_summary(&p, 0.95)?;
    let rr = &s.repeat_purchase_rate;
    println!(
        "{path}: {} rows, {} customers, {} purchases ({} same-day rows merged)\n",
        s.report.rows, s.customers, s.purchases, s.report.merged
    );
    println!(
        "repeat-purchase rate   {:.1}% (95% CI {:.1} .. {:.1})",
        100.0 * rr.share,
        100.0 * rr.ci_low,
        100.0 * rr.ci_high
    );
    println!("purchases per customer {:.2}", s.purchases_per_customer);
    if let Some(aov) = s.average_order_value {
        println!("average order value    {aov:.2}");
    }
    let t2 = time_to_second_purchase(&p, 90, 0.95)?;
    if let (Some(q1), Some(med), Some(q3)) = (t2.q1, t2.median, t2.q3) {
        println!(
            "days to 2nd purchase   median {med:.0} (quartiles {q1:.0} .. {q3:.0}); {:.1}% of customers back within 90 days",
            100.0 * t2.share_within.share
        );
    }
    println!("\ncohort retention by first-purchase month (share buying k months later)");
    for c in cohort_retention(&p, TimeBucket::Month) {
        let cells: Vec<String> = c
            .share
            .iter()
            .take(7)
            .map(|s| format!("{:>5.1}", 100.0 * s))
            .collect();
        println!(
            "  {} n={:<5} {}",
            c.start.format("%Y-%m"),
            c.size,
            cells.join(" ")
        );
    }
    let r = rfm(&p, &RfmOptions::default())?;
    let mut segments: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &r.segment {
        *segments.entry(s.as_str()).or_default() += 1;
    }
    println!("\nRFM segments as of {}", r.as_of);
    for (name, n) in segments {
        println!("  {name:<20} {n:>6}");
    }
    let c = cadence(&p, None)?;
    let mut overdue: Vec<usize> = (0..c.customers.len())
        .filter(|&i| !c.fallback[i] && c.purchases[i] >= 3)
        .collect();
    overdue.sort_by(|&a, &b| {
        c.overdue_ratio[b]
            .unwrap_or(0.0)
            .total_cmp(&c.overdue_ratio[a].unwrap_or(0.0))
    });
    println!("\nmost overdue against their own rhythm (3+ purchases)");
    for &i in overdue.iter().take(5) {
        println!(
            "  customer {:<6} no purchase for {} days against a usual {:.0} ({:.1}x)",
            c.customers[i],
            c.days_since[i],
            c.mean_interval[i].unwrap_or(f64::NAN),
            c.overdue_ratio[i].unwrap_or(f64::NAN)
        );
    }
    Ok(())
}
