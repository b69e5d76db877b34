//! The scorecard: every measure cx has, computed from whichever of the four
//! tables were given, with the rows behind each number accounted for.

use chrono::NaiveDate;
use cx::CxError;
use cx::churn::AnyModel;
use cx::gaps::{
    AnswerTimeOptions, AnswerTimes, Answers, Delivery, DeliveryOptions, FcrResult, Ipa, IpaOptions, Keyed,
    RepeatContacts, RepeatOptions, Servqual, ServqualOptions, answer_times, delivery,
    first_contact_resolution, ipa, repeat_contacts, servqual,
};
use cx::retention::{
    Cohort, PurchaseOptions, Purchases, RfmOptions, StoreSummary, Transactions, cohort_retention, rfm,
    store_summary,
};
use cx::signals::{
    Contacts, CustomerRisk, Deliveries, Feedback, SignalInputs, SignalKind, SignalOptions, last_observed_day,
    signals,
};
use cx::survey::{
    Csat, CsatOptions, Nps, NpsOptions, Scale, TimeBucket, TimeUnit, Timestamps, csat, group_by, nps,
};
use serde::Serialize;

use crate::read::{BadRow, Table};

const MS: TimeUnit = TimeUnit::Milliseconds;

/// The input tables (any subset).
#[derive(Default)]
pub struct Inputs {
    pub orders: Option<Table>,
    pub feedback: Option<Table>,
    pub contacts: Option<Table>,
    pub deliveries: Option<Table>,
}

/// Settings of a report.
pub struct Settings {
    pub as_of: Option<NaiveDate>,
    pub level: f64,
    pub service_level_hours: f64,
    pub top: usize,
    pub signals: SignalOptions,
}

/// Where the rows of one input went.
#[derive(Debug, Serialize)]
pub struct Quality {
    pub table: &'static str,
    pub file: String,
    pub rows: usize,
    pub used: usize,
    pub skipped_unreadable: usize,
    pub after_as_of: usize,
    pub without_answer: usize,
    pub examples: Vec<BadRow>,
}

/// One point of a trend.
#[derive(Debug, Serialize)]
pub struct TrendPoint {
    pub period: NaiveDate,
    pub n: u64,
    pub score: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Debug, Serialize)]
pub struct SurveySection {
    pub nps: Nps,
    pub nps_trend: Vec<TrendPoint>,
    pub csat: Option<Csat>,
    pub csat_trend: Vec<TrendPoint>,
}

#[derive(Debug, Serialize)]
pub struct GapSection {
    pub touchpoints: Vec<String>,
    pub servqual: Servqual,
    pub ipa: Option<Ipa>,
}

#[derive(Debug, Serialize)]
pub struct RetentionSection {
    pub store: StoreSummary,
    pub cohorts: Vec<Cohort>,
    pub segments: Vec<(String, usize)>,
}

#[derive(Debug, Serialize)]
pub struct PromiseSection {
    pub delivery: Option<Delivery>,
    pub by_carrier: Vec<Keyed<String, Delivery>>,
    pub answer_times: Option<AnswerTimes>,
    pub by_channel: Vec<Keyed<String, AnswerTimes>>,
    pub first_contact_resolution: Option<FcrResult>,
    pub repeat_contacts: Option<RepeatContacts<String>>,
}

/// BG/NBD fitted by the same code to the bundled CDNOW sample, beside the
/// published values (Fader, Hardie & Lee 2005): a check anyone can read.
#[derive(Debug, Serialize)]
pub struct CdnowCheck {
    pub fitted: [f64; 4],
    pub published: [f64; 4],
    pub log_likelihood: f64,
}

#[derive(Debug, Serialize)]
pub struct ModelSection {
    pub model: AnyModel,
    pub cdnow_check: Option<CdnowCheck>,
    pub customers: usize,
    /// Customers per tenth of P(alive): [0, 0.1), …, [0.9, 1].
    pub p_alive_bins: Vec<usize>,
    pub expected_active: f64,
}

#[derive(Debug, Serialize)]
pub struct RiskSection {
    pub customers: usize,
    pub at_risk: usize,
    pub lost: usize,
    pub threshold: f64,
    pub counts: Vec<(SignalKind, usize)>,
    pub top: Vec<CustomerRisk<String>>,
}

/// Everything the report shows (and `--json` prints).
#[derive(Debug, Serialize)]
pub struct Report {
    pub as_of: NaiveDate,
    pub generated_by: String,
    pub data: Vec<Quality>,
    pub survey: Option<SurveySection>,
    pub gaps: Option<GapSection>,
    pub retention: Option<RetentionSection>,
    pub promise: Option<PromiseSection>,
    pub model: Option<ModelSection>,
    pub risk: Option<RiskSection>,
    pub notes: Vec<String>,
}

/// A core error, located in its table when it names a row.
pub fn locate(table: &Table, column: &str, e: &CxError) -> String {
    match e.index() {
        Some(i) => table.bad_row(i, column, String::new(), e.to_string()).to_string(),
        None => format!("{}: {e}", table.file),
    }
}

fn day_of(ms: i64) -> i64 {
    MS.day_of(ms)
}

fn trend_point(period: Option<NaiveDate>, n: u64, score: f64, lo: f64, hi: f64) -> Option<TrendPoint> {
    Some(TrendPoint {
        period: period?,
        n,
        score,
        ci_low: lo,
        ci_high: hi,
    })
}

/// Builds the report.
pub fn build(inputs: &Inputs, settings: &Settings) -> Result<Report, String> {
    let columns = SignalColumns::new(inputs);
    let si = columns.inputs(inputs)?;
    let as_of = match settings.as_of {
        Some(d) => d,
        None => last_observed_day(&si).ok_or("no dated rows in the inputs")?,
    };
    // The report day as days since the epoch: rows of later days are left out.
    let cutoff = as_of
        .signed_duration_since(chrono::DateTime::UNIX_EPOCH.date_naive())
        .num_days();
    let mut notes = Vec::new();
    let mut data = Vec::new();
    let mut report = Report {
        as_of,
        generated_by: format!("cx {}", env!("CARGO_PKG_VERSION")),
        data: Vec::new(),
        survey: None,
        gaps: None,
        retention: None,
        promise: None,
        model: None,
        risk: None,
        notes: Vec::new(),
    };

    if let Some(f) = &inputs.feedback {
        let (survey, gaps, q) = feedback_sections(f, cutoff, settings, &mut notes)?;
        report.survey = survey;
        report.gaps = gaps;
        data.push(q);
    }
    if let Some(o) = &inputs.orders {
        let ts = columns.orders.as_deref().ok_or("orders: no date column")?;
        let (section, q) = orders_section(o, ts, as_of, settings)?;
        report.retention = section;
        data.push(q);
    }
    report.promise = promise_section(inputs, &columns, cutoff, settings, &mut data)?;

    let (model, risk) = risk_sections(&si, inputs, as_of, settings, &mut notes)?;
    report.model = model;
    report.risk = risk;
    report.data = data;
    report.notes = notes;
    Ok(report)
}

fn quality(table: &'static str, t: &Table) -> Quality {
    Quality {
        table,
        file: t.file.clone(),
        rows: t.rows,
        used: t.len(),
        skipped_unreadable: t.skipped,
        after_as_of: 0,
        without_answer: 0,
        examples: t.examples.clone(),
    }
}

type FeedbackSections = (Option<SurveySection>, Option<GapSection>, Quality);

fn feedback_sections(
    f: &Table,
    cutoff: i64,
    s: &Settings,
    notes: &mut Vec<String>,
) -> Result<FeedbackSections, String> {
    let mut q = quality("feedback", f);
    let dates = f.times("date").ok_or("feedback: no date column")?;
    let nps_col = f.numbers("nps");
    let csat_col = f.numbers("csat");
    let keep: Vec<usize> = (0..f.len())
        .filter(|&i| dates[i].is_some_and(|t| day_of(t) <= cutoff))
        .collect();
    q.after_as_of = f.len() - keep.len();
    q.used = keep.len();

    let mut survey = None;
    if let Some(nps_col) = nps_col {
        let rows: Vec<usize> = keep.iter().copied().filter(|&i| !nps_col[i].is_nan()).collect();
        q.without_answer = keep.len() - rows.len();
        if rows.is_empty() {
            notes.push("feedback: no NPS answer up to the report day".into());
        } else {
            let scores: Vec<u8> = rows.iter().map(|&i| nps_col[i] as u8).collect();
            let ts: Vec<i64> = rows.iter().map(|&i| dates[i].unwrap_or_default()).collect();
            let o = NpsOptions {
                level: s.level,
                ..NpsOptions::default()
            };
            let overall = nps(&scores, &o).map_err(|e| locate(f, "nps", &e))?;
            let groups = group_by::<u8, u8>(Scale::NPS, &scores, None, None, Some(month(&ts)))
                .map_err(|e| locate(f, "nps", &e))?;
            let mut nps_trend = Vec::new();
            for g in &groups {
                let r = g.distribution.nps(&o).map_err(|e| e.to_string())?;
                nps_trend.extend(trend_point(g.period, r.n, r.score, r.ci_low, r.ci_high));
            }
            let (mut csat_r, mut csat_trend) = (None, Vec::new());
            if let Some(c) = csat_col {
                let rows: Vec<usize> = keep.iter().copied().filter(|&i| !c[i].is_nan()).collect();
                if !rows.is_empty() {
                    let v: Vec<u8> = rows.iter().map(|&i| c[i] as u8).collect();
                    let ts: Vec<i64> = rows.iter().map(|&i| dates[i].unwrap_or_default()).collect();
                    let co = CsatOptions {
                        level: s.level,
                        ..CsatOptions::default()
                    };
                    csat_r = Some(csat(&v, None, &co).map_err(|e| locate(f, "csat", &e))?);
                    for g in group_by::<u8, u8>(Scale::CSAT, &v, None, None, Some(month(&ts)))
                        .map_err(|e| locate(f, "csat", &e))?
                    {
                        let r = g.distribution.csat(&co).map_err(|e| e.to_string())?;
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

    // Touchpoint gaps from expected_<tp> / perceived_<tp> column pairs.
    let perceived: Vec<&(String, String, Vec<f64>)> =
        f.prefixed.iter().filter(|p| p.0 == "perceived_").collect();
    let mut touchpoints = Vec::new();
    let mut pcols = Vec::new();
    let mut ecols = Vec::new();
    for p in &perceived {
        if let Some(e) = f.prefixed.iter().find(|e| e.0 == "expected_" && e.1 == p.1) {
            touchpoints.push(p.1.clone());
            pcols.push(&p.2);
            ecols.push(&e.2);
        }
    }
    let mut gaps = None;
    if !touchpoints.is_empty() {
        let k = touchpoints.len();
        let rated: Vec<usize> = keep
            .iter()
            .copied()
            .filter(|&i| pcols.iter().any(|c| !c[i].is_nan()))
            .collect();
        if rated.is_empty() {
            notes.push("feedback: touchpoint columns found but no ratings up to the report day".into());
        } else {
            let flat = |cols: &[&Vec<f64>], rows: &[usize]| -> Vec<f64> {
                rows.iter()
                    .flat_map(|&i| cols.iter().map(move |c| c[i]))
                    .collect()
            };
            let (pm, em) = (flat(&pcols, &rated), flat(&ecols, &rated));
            let scale = Scale::new(1, 7).map_err(|e| e.to_string())?;
            let sq = servqual(
                Some(Answers::new(&em, k)),
                Answers::new(&pm, k),
                &[],
                &ServqualOptions {
                    scale,
                    level: s.level,
                    importance: None,
                },
            )
            .map_err(|e| format!("{}: touchpoint ratings: {e}", f.file))?;
            // Importance derived from the NPS answer of the same respondent.
            let ipa_r = nps_col.and_then(|n| {
                let rows: Vec<usize> = rated.iter().copied().filter(|&i| !n[i].is_nan()).collect();
                let overall: Vec<f64> = rows.iter().map(|&i| n[i]).collect();
                let perf = flat(&pcols, &rows);
                ipa(
                    Answers::new(&perf, k),
                    None,
                    Some(&overall),
                    &IpaOptions {
                        scale,
                        ..IpaOptions::default()
                    },
                )
                .map_err(|e| notes.push(format!("importance-performance not computed: {e}")))
                .ok()
            });
            gaps = Some(GapSection {
                touchpoints,
                servqual: sq,
                ipa: ipa_r,
            });
        }
    }
    Ok((survey, gaps, q))
}

fn month(ts: &[i64]) -> Timestamps<'_> {
    Timestamps {
        values: ts,
        unit: MS,
        bucket: TimeBucket::Month,
    }
}

fn orders_section(
    o: &Table,
    ts: &[i64],
    as_of: NaiveDate,
    s: &Settings,
) -> Result<(Option<RetentionSection>, Quality), String> {
    let mut q = quality("orders", o);
    let customers = o.texts("customer").ok_or("orders: no customer column")?;
    let amounts = o.numbers("amount");
    let tx = Transactions {
        customers,
        timestamps: ts,
        unit: MS,
        amounts,
    };
    let p = match Purchases::from_transactions(
        &tx,
        &PurchaseOptions {
            bucket: Some(TimeBucket::Day),
            observation_end: Some(as_of),
            allow_negative_amounts: true,
        },
    ) {
        Ok(p) => p,
        Err(CxError::InvalidParameter {
            argument: "observation_end",
            ..
        }) => {
            q.after_as_of = q.used;
            q.used = 0;
            return Ok((None, q));
        }
        Err(e) => return Err(locate(o, "amount", &e)),
    };
    q.after_as_of = p.report.after_end;
    q.used = p.report.used;
    let store = store_summary(&p, s.level).map_err(|e| e.to_string())?;
    let mut cohorts = cohort_retention(&p, TimeBucket::Month);
    // The last twelve cohorts fit a readable heatmap.
    if cohorts.len() > 12 {
        cohorts.drain(..cohorts.len() - 12);
    }
    let r = rfm(
        &p,
        &RfmOptions {
            as_of: Some(as_of),
            ..RfmOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut segments: Vec<(String, usize)> = Vec::new();
    for seg in &r.segment {
        match segments.iter_mut().find(|x| &x.0 == seg) {
            Some(x) => x.1 += 1,
            None => segments.push((seg.clone(), 1)),
        }
    }
    segments.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok((
        Some(RetentionSection {
            store,
            cohorts,
            segments,
        }),
        q,
    ))
}

fn promise_section(
    inputs: &Inputs,
    columns: &SignalColumns,
    cutoff: i64,
    s: &Settings,
    data: &mut Vec<Quality>,
) -> Result<Option<PromiseSection>, String> {
    let mut sec = PromiseSection {
        delivery: None,
        by_carrier: Vec::new(),
        answer_times: None,
        by_channel: Vec::new(),
        first_contact_resolution: None,
        repeat_contacts: None,
    };
    let mut any = false;
    if let Some(d) = &inputs.deliveries {
        let mut q = quality("deliveries", d);
        let promised = columns
            .deliveries
            .as_deref()
            .ok_or("deliveries: no promised column")?;
        let delivered = d.times("delivered").ok_or("deliveries: no delivered column")?;
        let rows: Vec<usize> = (0..d.len()).filter(|&i| day_of(promised[i]) <= cutoff).collect();
        q.after_as_of = d.len() - rows.len();
        q.used = rows.len();
        if !rows.is_empty() {
            let carriers: Option<Vec<String>> = d
                .texts("carrier")
                .map(|c| rows.iter().map(|&i| c[i].clone()).collect());
            // Lateness in calendar days (cx::gaps::days_late), as in Python, JS and the signals.
            let pd: Vec<i64> = rows.iter().map(|&i| promised[i]).collect();
            let dd: Vec<Option<i64>> = rows
                .iter()
                .map(|&i| delivered[i].filter(|&t| day_of(t) <= cutoff))
                .collect();
            let o = DeliveryOptions {
                level: s.level,
                ..DeliveryOptions::default()
            };
            let r =
                delivery(&pd, &dd, MS, carriers.as_deref(), &o).map_err(|e| locate(d, "delivered", &e))?;
            sec.delivery = Some(r.overall);
            sec.by_carrier = r.groups.unwrap_or_default();
            any = true;
        }
        data.push(q);
    }
    if let Some(c) = &inputs.contacts {
        let mut q = quality("contacts", c);
        let received = columns
            .contacts
            .as_deref()
            .ok_or("contacts: no received column")?;
        let rows: Vec<usize> = (0..c.len()).filter(|&i| day_of(received[i]) <= cutoff).collect();
        q.after_as_of = c.len() - rows.len();
        q.used = rows.len();
        let pick_t = |v: &[i64]| -> Vec<i64> { rows.iter().map(|&i| v[i]).collect() };
        let pick_s = |v: &[String]| -> Vec<String> { rows.iter().map(|&i| v[i].clone()).collect() };
        let ts = pick_t(received);
        let channels = c.texts("channel").map(pick_s);
        if !rows.is_empty() {
            if let Some(ans) = c.times("answered") {
                let a: Vec<Option<i64>> = rows
                    .iter()
                    .map(|&i| ans[i].filter(|&t| day_of(t) <= cutoff))
                    .collect();
                let o = AnswerTimeOptions {
                    service_level_seconds: s.service_level_hours * 3600.0,
                    channel_levels: Vec::new(),
                    level: s.level,
                };
                let r = answer_times(&ts, &a, MS, channels.as_deref(), &o)
                    .map_err(|e| locate(c, "answered", &e))?;
                sec.answer_times = Some(r.overall);
                sec.by_channel = r.groups.unwrap_or_default();
            }
            if let (Some(cases), Some(res)) = (c.texts("case"), c.times("resolved")) {
                let cases = pick_s(cases);
                let resolved: Vec<bool> = rows
                    .iter()
                    .map(|&i| res[i].is_some_and(|t| day_of(t) <= cutoff))
                    .collect();
                let r = first_contact_resolution(&cases, &ts, &resolved, channels.as_deref(), s.level)
                    .map_err(|e| locate(c, "resolved", &e))?;
                sec.first_contact_resolution = Some(r.overall);
            }
            if let (Some(customers), Some(ch)) = (c.texts("customer"), channels.as_deref()) {
                let cust = pick_s(customers);
                let cases = c.texts("case").map(pick_s);
                let r = repeat_contacts(
                    &cust,
                    &ts,
                    MS,
                    ch,
                    cases.as_deref(),
                    &RepeatOptions {
                        level: s.level,
                        ..RepeatOptions::default()
                    },
                )
                .map_err(|e| locate(c, "received", &e))?;
                sec.repeat_contacts = Some(r);
            }
            any = true;
        }
        data.push(q);
    }
    Ok(any.then_some(sec))
}

/// The owned columns the signal inputs borrow: required times as plain
/// integers, and stand-ins for optional columns a table lacks.
struct SignalColumns {
    orders: Option<Vec<i64>>,
    feedback: Option<Vec<i64>>,
    contacts: Option<Vec<i64>>,
    deliveries: Option<Vec<i64>>,
    no_scores: Vec<f64>,
    no_resolved: Vec<Option<i64>>,
}

impl SignalColumns {
    fn new(inputs: &Inputs) -> Self {
        let times = |t: &Option<Table>, col: &str| t.as_ref().and_then(|t| t.times_present(col));
        let feedback = times(&inputs.feedback, "date");
        let contacts = times(&inputs.contacts, "received");
        SignalColumns {
            no_scores: vec![f64::NAN; feedback.as_ref().map_or(0, Vec::len)],
            no_resolved: vec![None; contacts.as_ref().map_or(0, Vec::len)],
            orders: times(&inputs.orders, "date"),
            feedback,
            contacts,
            deliveries: times(&inputs.deliveries, "promised"),
        }
    }

    /// The tables as the signals read them.
    fn inputs<'a>(&'a self, inputs: &'a Inputs) -> Result<SignalInputs<'a, String>, String> {
        let orders = match (&inputs.orders, &self.orders) {
            (Some(t), Some(ts)) => Some(Transactions {
                customers: t.texts("customer").ok_or("orders: no customer column")?,
                timestamps: ts,
                unit: MS,
                amounts: t.numbers("amount"),
            }),
            _ => None,
        };
        let feedback = match (&inputs.feedback, &self.feedback) {
            (Some(t), Some(ts)) => Some(Feedback {
                customers: t.texts("customer").ok_or("feedback: no customer column")?,
                timestamps: ts,
                scores: t.numbers("nps").unwrap_or(&self.no_scores),
            }),
            _ => None,
        };
        let contacts = match (&inputs.contacts, &self.contacts) {
            (Some(t), Some(ts)) => Some(Contacts {
                customers: t.texts("customer").ok_or("contacts: no customer column")?,
                received: ts,
                resolved: t.times("resolved").unwrap_or(&self.no_resolved),
                channels: t.texts("channel"),
                cases: t.texts("case"),
            }),
            _ => None,
        };
        let deliveries = match (&inputs.deliveries, &self.deliveries) {
            (Some(t), Some(ts)) => Some(Deliveries {
                customers: t.texts("customer").ok_or("deliveries: no customer column")?,
                promised: ts,
                delivered: t.times("delivered").ok_or("deliveries: no delivered column")?,
            }),
            _ => None,
        };
        Ok(SignalInputs {
            orders,
            feedback,
            contacts,
            deliveries,
            unit: MS,
        })
    }
}

fn risk_sections(
    si: &SignalInputs<'_, String>,
    inputs: &Inputs,
    as_of: NaiveDate,
    s: &Settings,
    notes: &mut Vec<String>,
) -> Result<(Option<ModelSection>, Option<RiskSection>), String> {
    let options = SignalOptions {
        as_of: Some(as_of),
        ..s.signals.clone()
    };
    let r = match signals(si, &options) {
        Ok(r) => r,
        Err(e) => {
            let table = match e.argument().split('.').next() {
                Some("feedback") => inputs.feedback.as_ref(),
                Some("contacts") => inputs.contacts.as_ref(),
                Some("deliveries") => inputs.deliveries.as_ref(),
                _ => inputs.orders.as_ref(),
            };
            return Err(match table {
                Some(t) => locate(t, e.argument(), &e),
                None => e.to_string(),
            });
        }
    };
    notes.extend(r.notes.iter().cloned());
    let model = r.model.clone().map(|model| {
        let p: Vec<f64> = r.customers.iter().filter_map(|c| c.p_alive).collect();
        let mut bins = vec![0usize; 10];
        for v in &p {
            bins[((v * 10.0).floor() as usize).min(9)] += 1;
        }
        ModelSection {
            model,
            cdnow_check: cdnow_check(),
            customers: p.len(),
            p_alive_bins: bins,
            expected_active: p.iter().sum(),
        }
    });
    let risk = RiskSection {
        customers: r.customers.len(),
        at_risk: r.at_risk_count,
        lost: r.lost,
        threshold: r.at_risk_threshold,
        counts: r.counts.iter().map(|(k, v)| (*k, *v)).collect(),
        top: r
            .customers
            .iter()
            .filter(|c| !c.lost && c.risk > 0.0)
            .take(s.top)
            .cloned()
            .collect(),
    };
    Ok((model, Some(risk)))
}

/// BG/NBD on the bundled CDNOW summary (weeks).
fn cdnow_check() -> Option<CdnowCheck> {
    let (x, tx, t) = crate::cdnow_summary().ok()?;
    let data = cx::churn::CustomerData {
        frequency: &x,
        recency: &tx,
        t: &t,
    };
    let m = cx::churn::BetaGeo::fit(&data, &cx::churn::FitOptions::default()).ok()?;
    Some(CdnowCheck {
        fitted: [m.r, m.alpha, m.a, m.b],
        // REFERENCES.md §4.
        published: [0.243, 4.414, 0.793, 2.426],
        log_likelihood: m.fit.as_ref().map_or(f64::NAN, |f| f.log_likelihood),
    })
}
