//! The survey sections: NPS and CSAT with monthly trends, and the
//! expectation gaps of the touchpoints (SERVQUAL, importance–performance).

use chrono::NaiveDate;

use super::{
    Alarm, GapSection, MonthChange, ScorecardOptions, SurveyRows, SurveySection, TableUse, TrendPoint, Watch,
    table_use, trend_point,
};
use crate::error::{CxError, Result};
use crate::gaps::{Answers, DriverOptions, IpaOptions, ServqualOptions, ipa, key_drivers, servqual};
use crate::survey::{
    CsatOptions, EwmaOptions, Nps, NpsOptions, Scale, TimeBucket, Timestamps, compare_nps, csat, ewma,
    group_by, nps,
};
use crate::time::{TimeUnit, bucket_id, bucket_start};

/// Months at the end of a series whose alarms the report lists.
const RECENT: usize = 3;
/// The EWMA charts' baseline needs this many months before the recent ones.
const BASELINE_MONTHS: usize = 4;
/// Key drivers need this many respondents per touchpoint (and 30 at least).
const DRIVER_RESPONDENTS_PER_ITEM: usize = 10;

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
    let mut nps_months: Vec<(NaiveDate, Nps)> = Vec::new();
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
            let mut months: Vec<(NaiveDate, Nps)> = Vec::new();
            for g in group_by::<u8, u8>(Scale::NPS, &answers, None, None, Some(monthly(&ts, unit)))? {
                let r = g.distribution.nps(&o)?;
                nps_trend.extend(trend_point(g.period, r.n, r.score, r.ci_low, r.ci_high));
                if let Some(p) = g.period {
                    months.push((p, r));
                }
            }
            nps_months = months;
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
                watch: None,
            });
        }
    }
    let gaps = touchpoint_gaps(f, &keep, s, notes)?;
    if let Some(sv) = &mut survey {
        let series = touchpoint_months(f, &keep, unit);
        sv.watch = watch(&nps_months, &sv.csat_trend, &series, s.level, notes);
    }
    Ok((survey, gaps, used))
}

/// Each touchpoint's mean perceived rating per month (months with a rating).
fn touchpoint_months<K>(
    f: &SurveyRows<'_, K>,
    keep: &[usize],
    unit: TimeUnit,
) -> Vec<(String, Vec<(NaiveDate, f64)>)> {
    f.touchpoints
        .iter()
        .map(|t| {
            let mut by_month: std::collections::BTreeMap<i64, (f64, u32)> = std::collections::BTreeMap::new();
            for &i in keep {
                let v = t.perceived.get(i).copied().unwrap_or(f64::NAN);
                if v.is_nan() {
                    continue;
                }
                if let Some(m) = bucket_id(TimeBucket::Month, unit.day_of(f.timestamps[i])) {
                    let e = by_month.entry(m).or_insert((0.0, 0));
                    e.0 += v;
                    e.1 += 1;
                }
            }
            let points = by_month
                .into_iter()
                .filter_map(|(m, (sum, n))| Some((bucket_start(TimeBucket::Month, m)?, sum / f64::from(n))))
                .collect();
            (t.name.clone(), points)
        })
        .collect()
}

/// The last month's NPS against the month before, and the alarms of EWMA
/// charts (λ 0.2, L 3) on the monthly NPS, CSAT share and each
/// touchpoint's mean rating, target and σ from the months before the last
/// three (mean and moving range). `None` with fewer than two months.
fn watch(
    nps_months: &[(NaiveDate, Nps)],
    csat: &[TrendPoint],
    touchpoints: &[(String, Vec<(NaiveDate, f64)>)],
    level: f64,
    notes: &mut Vec<String>,
) -> Option<Watch> {
    if nps_months.len() < 2 {
        return None;
    }
    let [(from, a), (to, b)] = &nps_months[nps_months.len() - 2..] else {
        return None;
    };
    let nps_change = compare_nps(a, b, level).ok().map(|comparison| MonthChange {
        from: *from,
        to: *to,
        comparison,
    });
    let mut series: Vec<(String, Vec<(NaiveDate, f64)>)> = vec![
        (
            "NPS".into(),
            nps_months.iter().map(|(p, r)| (*p, r.score)).collect(),
        ),
        (
            "CSAT %".into(),
            csat.iter().map(|t| (t.period, t.score)).collect(),
        ),
    ];
    series.extend(
        touchpoints
            .iter()
            .map(|(name, v)| (format!("touchpoint {name}"), v.clone())),
    );
    let (mut alarms, mut charts) = (Vec::new(), Vec::new());
    for (chart, points) in series {
        if points.len() < BASELINE_MONTHS + RECENT {
            continue;
        }
        let values: Vec<f64> = points.iter().map(|p| p.1).collect();
        let o = EwmaOptions {
            baseline: Some(values.len() - RECENT),
            ..EwmaOptions::default()
        };
        let Ok(c) = ewma(&values, &o, None) else {
            continue; // a baseline without variation: nothing to chart
        };
        charts.push(chart.clone());
        for q in c.points.iter().skip(values.len() - RECENT).filter(|q| q.signal) {
            alarms.push(Alarm {
                chart: chart.clone(),
                period: points[q.t as usize].0,
                direction: q.direction.unwrap_or_default().to_owned(),
                value: q.value,
                target: c.in_control.target,
                shift: q.shift,
            });
        }
    }
    if charts.is_empty() {
        notes.push(format!(
            "survey: control charts need {} months of answers; alarms not checked",
            BASELINE_MONTHS + RECENT
        ));
    }
    Some(Watch {
        nps_change,
        alarms,
        charts,
        method: format!(
            "Change: the last month's NPS against the month before, difference with its {:.0} % interval and two-sided \
             p-value (adjusted-Wald variances). Alarms: EWMA charts (λ 0.2, L 3, exact limits) on the monthly values, \
             target and σ from the months before the last {RECENT} (mean, mean moving range / 1.128); an alarm in the \
             last {RECENT} months is listed with its estimated shift.",
            100.0 * level
        ),
    })
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
    // The key drivers of the NPS answer, when enough respondents rated
    // every touchpoint and answered the NPS question.
    let drivers = f.nps.and_then(|nps_col| {
        let rows: Vec<usize> = rated
            .iter()
            .copied()
            .filter(|&i| !nps_col[i].is_nan() && f.touchpoints.iter().all(|t| !t.perceived[i].is_nan()))
            .collect();
        let needed = (DRIVER_RESPONDENTS_PER_ITEM * k).max(30);
        if rows.len() < needed {
            notes.push(format!(
                "key drivers need {needed} respondents with an NPS answer and every touchpoint rated ({} here); \
                 importance stays the correlation",
                rows.len()
            ));
            return None;
        }
        let y: Vec<f64> = rows.iter().map(|&i| nps_col[i]).collect();
        let o = DriverOptions {
            bootstrap: 500,
            level: s.level,
            names: Some(names.clone()),
            ..DriverOptions::default()
        };
        key_drivers(&y, Answers::new(&flat(&rows, false), k), &o)
            .map_err(|e| notes.push(format!("key drivers not computed: {e}")))
            .ok()
    });
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
        drivers,
    }))
}
