//! Data bundled with the command: the demo shop and the CDNOW summary.

/// Bundled demo shop (`cx demo-data --customers 1000 --seed 7`).
pub const DEMO: [(&str, &str); 4] = [
    ("orders.csv", include_str!("../data/demo/orders.csv")),
    ("feedback.csv", include_str!("../data/demo/feedback.csv")),
    ("contacts.csv", include_str!("../data/demo/contacts.csv")),
    ("deliveries.csv", include_str!("../data/demo/deliveries.csv")),
];

/// The CDNOW summary (Fader, Hardie & Lee 2005), weeks; see data/cdnow/README.md.
pub const CDNOW: &str = include_str!("../../data/cdnow/cdnow_customers_summary.csv");

/// (x, tₓ, T) columns of a buy-till-you-die summary.
type SummaryColumns = (Vec<f64>, Vec<f64>, Vec<f64>);

/// The bundled CDNOW summary as (x, tₓ, T) columns, in weeks.
pub(crate) fn cdnow_summary() -> Result<SummaryColumns, String> {
    let mut rdr = csv::Reader::from_reader(CDNOW.as_bytes());
    let (mut x, mut tx, mut t) = (Vec::new(), Vec::new(), Vec::new());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        let f = |i: usize| {
            rec.get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .ok_or("bundled CDNOW file unreadable")
        };
        x.push(f(1)?);
        tx.push(f(2)?);
        t.push(f(3)?);
    }
    Ok((x, tx, t))
}
