//! The bundled CDNOW sample (data/cdnow), parsed for the tests.

use std::path::PathBuf;

fn data(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../data/cdnow")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The raw transactions, as columns.
pub struct Cdnow {
    /// Sample customer id (1..=2357).
    pub customers: Vec<u32>,
    /// Day of the transaction, counted from 1970-01-01.
    pub days: Vec<i64>,
    /// Dollar value.
    pub amounts: Vec<f64>,
}

/// Parses CDNOW_sample.txt (whitespace separated: master id, sample id,
/// YYYYMMDD, CDs, dollars).
pub fn transactions() -> Cdnow {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    let mut out = Cdnow {
        customers: Vec::new(),
        days: Vec::new(),
        amounts: Vec::new(),
    };
    for line in data("CDNOW_sample.txt").lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let date = chrono::NaiveDate::parse_from_str(f[2], "%Y%m%d").expect("YYYYMMDD");
        out.customers.push(f[1].parse().expect("sample id"));
        out.days.push((date - epoch).num_days());
        out.amounts.push(f[4].parse().expect("dollars"));
    }
    out
}

/// One row of the published summary.
pub struct SummaryRow {
    /// Sample customer id.
    pub id: u32,
    /// Repeat purchases.
    pub x: u32,
    /// Recency in weeks.
    pub t_x: f64,
    /// Age in weeks.
    pub t: f64,
    /// Mean repeat spend.
    pub zbar: f64,
}

/// cdnow_customers_summary_with_transactions.csv.
pub fn published_summary() -> Vec<SummaryRow> {
    data("cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.trim().split(',').collect();
            SummaryRow {
                id: f[0].parse().expect("id"),
                x: f[1].parse().expect("x"),
                t_x: f[2].parse().expect("t_x"),
                t: f[3].parse().expect("T"),
                zbar: f[4].parse().expect("zbar"),
            }
        })
        .collect()
}

/// The published calibration summary as model input columns (x, t_x, T, zbar).
pub struct ModelInput {
    /// Repeat purchases.
    pub x: Vec<f64>,
    /// Recency in weeks.
    pub t_x: Vec<f64>,
    /// Age in weeks.
    pub t: Vec<f64>,
    /// Mean repeat spend.
    pub zbar: Vec<f64>,
}

impl ModelInput {
    /// The purchase models' input.
    pub fn data(&self) -> cx::churn::CustomerData<'_> {
        cx::churn::CustomerData {
            frequency: &self.x,
            recency: &self.t_x,
            t: &self.t,
        }
    }

    /// The purchase-model columns (and the spend), as `cx::churn` takes them.
    pub fn columns(&self) -> cx::churn::Columns<'_> {
        cx::churn::Columns {
            frequency: Some(&self.x),
            recency: Some(&self.t_x),
            t: Some(&self.t),
            monetary_value: Some(&self.zbar),
        }
    }
}

/// cdnow_customers_summary_with_transactions.csv as model input.
pub fn model_input() -> ModelInput {
    let rows = published_summary();
    ModelInput {
        x: rows.iter().map(|r| f64::from(r.x)).collect(),
        t_x: rows.iter().map(|r| r.t_x).collect(),
        t: rows.iter().map(|r| r.t).collect(),
        zbar: rows.iter().map(|r| r.zbar).collect(),
    }
}
