//! The survey sections: NPS and CSAT with monthly trends, and the
//! expectation gaps of the touchpoints (SERVQUAL, importance–performance).

use super::{GapSection, ScorecardOptions, SurveyRows, SurveySection, TableUse, table_use, trend_point};
use crate::error::{CxError, Result};
use crate::gaps::{Answers, IpaOptions, ServqualOptions, ipa, servqual};
use crate::survey::{CsatOptions, NpsOptions, Scale, TimeBucket, Timestamps, csat, group_by, nps};
use crate::time::TimeUnit;

fn monthly(values: &[i64], unit: TimeUnit) -> Timestamps<'_> {
    Timestamps {
        values,
        unit,
        bucket: TimeBucket::Month,
    }
}

type Sections = (Option<SurveySection>, Option<GapSection>, TableUse);

/// Survey answers as whole-number scores of a column, checked against the
/// scale (the error names `feedback.<column>` and the row).
fn scores(argument: &'static str, col: &[f64], rows: &[usize], scale: Scale) -> Result<Vec<u8>> {
    rows.iter()
        .map(|&i| {
            let v = col[i];
            if v.fract() != 0.0 || v < f64::from(scale.min()) || v > f64::from(scale.max()) {
                return Err(CxError::OutOfRange {
                    argument,
                    index: i,
                    value: v.to_string(),
                    allowed: format!("a whole number {}..={}", scale.min(), scale.max()),
                });
            }
            Ok(v as u8)
        })
        .collect()
}

pub(super) fn sections<K>(
    f: &SurveyRows<'_, K>,
    unit: TimeUnit,
    cutoff: i64,
    s: &ScorecardOptions,
    notes: &mut Vec<String>,
) -> Result<Sections> {
    let n = f.customers.len();
    CxError::check_len("feedback.timestamps", f.timestamps.len(), "feedback.customers", n)?;
    let keep: Vec<usize> = (0..n)
        .filter(|&i| unit.day_of(f.timestamps[i]) <= cutoff)
        .collect();
    let mut used = table_use("feedback", n, keep.len());

    let mut survey = None;
    if let Some(nps_col) = f.nps {
        CxError::check_len("feedback.nps", nps_col.len(), "feedback.customers", n)?;
        let rows: Vec<usize> = keep.iter().copied().filter(|&i| !nps_col[i].is_nan()).collect();
        used.without_answer = keep.len() - rows.len();
        if rows.is_empty() {
            notes.push("feedback: no NPS answer up to the report day".into());
        } else {
            let answers = scores("feedback.nps", nps_col, &rows, Scale::NPS)?;
            let ts: Vec<i64> = rows.iter().map(|&i| f.timestamps[i]).collect();
            let o = NpsOptions {
                level: s.level,
                ..NpsOptions::default()
            };
            let overall = nps(&answers, &o)?;
            let mut nps_trend = Vec::new();
            for g in group_by::<u8, u8>(Scale::NPS, &answers, None, None, Some(monthly(&ts, unit)))? {
                let r = g.distribution.nps(&o)?;
                nps_trend.extend(trend_point(g.period, r.n, r.score, r.ci_low, r.ci_high));
            }
            let (mut csat_r, mut csat_trend) = (None, Vec::new());
            if let Some(c) = f.csat {
                CxError::check_len("feedback.csat", c.len(), "feedback.customers", n)?;
                let rows: Vec<usize> = keep.iter().copied().filter(|&i| !c[i].is_nan()).collect();
                if !rows.is_empty() {
                    let v = scores("feedback.csat", c, &rows, Scale::CSAT)?;
                    let ts: Vec<i64> = rows.iter().map(|&i| f.timestamps[i]).collect();
                    let co = CsatOptions {
                        level: s.level,
                        ..CsatOptions::default()
                    };
                    csat_r = Some(csat(&v, None, &co)?);
                    for g in group_by::<u8, u8>(Scale::CSAT, &v, None, None, Some(monthly(&ts, unit)))? {
                        let r = g.distribution.csat(&co)?;
                        let p = &r.satisfied;
                        csat_trend.extend(trend_point(
                            g.period,
                            r.n,
                            100.0 * p.share,
                            100.0 * p.ci_low,
                            100.0 * p.ci_high,
                        ));
                    }
                }
            }
            survey = Some(SurveySection {
                nps: overall,
                nps_trend,
                csat: csat_r,
                csat_trend,
            });
        }
    }
    let gaps = touchpoint_gaps(f, &keep, s, notes)?;
    Ok((survey, gaps, used))
}

/// SERVQUAL of the touchpoints' expected and perceived ratings (1–7), and
/// importance–performance with importance from the NPS answer.
fn touchpoint_gaps<K>(
    f: &SurveyRows<'_, K>,
    keep: &[usize],
    s: &ScorecardOptions,
    notes: &mut Vec<String>,
) -> Result<Option<GapSection>> {
    if f.touchpoints.is_empty() {
        return Ok(None);
    }
    let n = f.customers.len();
    for t in &f.touchpoints {
        CxError::check_len("feedback.expected", t.expected.len(), "feedback.customers", n)?;
        CxError::check_len("feedback.perceived", t.perceived.len(), "feedback.customers", n)?;
    }
    let k = f.touchpoints.len();
    let rated: Vec<usize> = keep
        .iter()
        .copied()
        .filter(|&i| f.touchpoints.iter().any(|t| !t.perceived[i].is_nan()))
        .collect();
    if rated.is_empty() {
        notes.push("feedback: touchpoint columns found but no ratings up to the report day".into());
        return Ok(None);
    }
    let flat = |rows: &[usize], expected: bool| -> Vec<f64> {
        rows.iter()
            .flat_map(|&i| {
                f.touchpoints
                    .iter()
                    .map(move |t| if expected { t.expected[i] } else { t.perceived[i] })
            })
            .collect()
    };
    let (pm, em) = (flat(&rated, false), flat(&rated, true));
    let scale = Scale::new(1, 7)?;
    let names: Vec<String> = f.touchpoints.iter().map(|t| t.name.clone()).collect();
    let sq = servqual(
        Some(Answers::new(&em, k)),
        Answers::new(&pm, k),
        &[],
        &ServqualOptions {
            scale,
            level: s.level,
            importance: None,
            names: Some(names.clone()),
        },
    )?;
    // Importance derived from the NPS answer of the same respondent.
    let ipa_r = f.nps.and_then(|nps_col| {
        let rows: Vec<usize> = rated.iter().copied().filter(|&i| !nps_col[i].is_nan()).collect();
        let overall: Vec<f64> = rows.iter().map(|&i| nps_col[i]).collect();
        let perf = flat(&rows, false);
        let o = IpaOptions {
            scale,
            names: Some(names.clone()),
            ..IpaOptions::default()
        };
        ipa(Answers::new(&perf, k), None, Some(&overall), &o)
            .map_err(|e| notes.push(format!("importance-performance not computed: {e}")))
            .ok()
    });
    Ok(Some(GapSection {
        touchpoints: names,
        servqual: sq,
        ipa: ipa_r,
    }))
}
