//! `cx demo-data`: a simulated shop (orders, feedback, contacts, deliveries) as CSV files.

use std::fs;

use crate::args::DemoArgs;
use crate::demo;

pub fn run(a: DemoArgs) -> Result<(), String> {
    if a.customers == 0 {
        return Err("--customers 0: at least one customer is needed".into());
    }
    let shop = demo::generate(a.customers, a.seed);
    fs::create_dir_all(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    for (name, text) in [
        ("orders.csv", &shop.orders),
        ("feedback.csv", &shop.feedback),
        ("contacts.csv", &shop.contacts),
        ("deliveries.csv", &shop.deliveries),
    ] {
        let p = a.out.join(name);
        fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        println!(
            "{} ({} rows)",
            p.display(),
            text.lines().count().saturating_sub(1)
        );
    }
    Ok(())
}
