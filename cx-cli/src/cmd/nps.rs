//! `cx nps`: NPS with its interval from a column of answers, overall or per day, week or month.

use cx::survey::{NpsOptions, Scale, TimeBucket, TimeUnit, Timestamps, group_by, nps};

use crate::args::{NpsArgs, Period};
use crate::dialect::DialectArgs;
use crate::read::{Kind, Source, Spec, read_table};

pub fn run(a: NpsArgs) -> Result<(), String> {
    let mut specs = vec![Spec {
        role: "nps",
        header: a.column.clone(),
        kind: Kind::OptScore(0, 10),
        required: true,
        rename: "--column <your header>".into(),
    }];
    if a.by.is_some() {
        specs.push(Spec {
            role: "date",
            header: a.date_column.clone(),
            kind: Kind::Time,
            required: true,
            rename: "--date-column <your header>".into(),
        });
    }
    let t = read_table(
        Source::Path(&a.file),
        &specs,
        &[],
        Kind::OptNumber,
        a.skip_bad_rows,
        &DialectArgs::default(),
    )?;
    let col = t.numbers("nps").unwrap_or_default();
    let rows: Vec<usize> = (0..t.len()).filter(|&i| !col[i].is_nan()).collect();
    let scores: Vec<u8> = rows.iter().map(|&i| col[i] as u8).collect();
    let o = NpsOptions {
        level: a.level,
        ..NpsOptions::default()
    };
    let overall = nps(&scores, &o).map_err(|e| format!("{}: {e}", t.file))?;
    let mut groups = Vec::new();
    if let Some(by) = a.by {
        let dates = t.times_present("date").unwrap_or_default();
        let ts: Vec<i64> = rows.iter().map(|&i| dates[i]).collect();
        let bucket = match by {
            Period::Day => TimeBucket::Day,
            Period::Week => TimeBucket::Week,
            Period::Month => TimeBucket::Month,
        };
        let time = Timestamps {
            values: &ts,
            unit: TimeUnit::Milliseconds,
            bucket,
        };
        for g in group_by::<u8, u8>(Scale::NPS, &scores, None, None, Some(time)).map_err(|e| e.to_string())? {
            groups.push((g.period, g.distribution.nps(&o).map_err(|e| e.to_string())?));
        }
    }
    let used = rows.len();
    let (no_answer, skipped) = (t.len() - used, t.skipped);
    if a.json {
        let v = serde_json::json!({
            "nps": overall,
            "groups": groups.iter().map(|(p, n)| serde_json::json!({"period": p, "nps": n})).collect::<Vec<_>>(),
            "rows": t.rows, "used": used, "no_answer": no_answer, "skipped": skipped,
        });
        println!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
        return Ok(());
    }
    println!(
        "NPS {:.1}  [{:.1}, {:.1}] ({}%, {:?})  n = {}  promoters {:.1}%  detractors {:.1}%",
        overall.score,
        overall.ci_low,
        overall.ci_high,
        100.0 * a.level,
        overall.interval,
        overall.n,
        100.0 * overall.promoter_share,
        100.0 * overall.detractor_share
    );
    for (p, n) in &groups {
        println!(
            "  {}  {:6.1}  [{:6.1}, {:6.1}]  n = {}",
            p.map(|d| d.to_string()).unwrap_or_default(),
            n.score,
            n.ci_low,
            n.ci_high,
            n.n
        );
    }
    println!(
        "rows {}: used {used}, without an answer {no_answer}, skipped {skipped}",
        t.rows
    );
    Ok(())
}
