//! The report as one self-contained HTML file: inline CSS, inline SVG
//! charts, no scripts, no network.

use std::fmt::Write as _;

use crate::churn::AnyModel;
use crate::scorecard::RiskSection;
use crate::signals::{CustomerRisk, SignalKind};

use super::charts;
use super::{Quality, Report};

/// Escapes text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;background:#f8fafc;color:#0f172a}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.sub{color:#64748b;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px}
.card .v{font-size:26px;font-weight:600} .card .l{color:#64748b;font-size:13px} .card .ci{color:#64748b;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;margin:6px 0}
th,td{border-bottom:1px solid #e2e8f0;padding:5px 8px;text-align:left;vertical-align:top} th{background:#f1f5f9}
td.n{text-align:right;font-variant-numeric:tabular-nums}
figure{background:#fff;border:1px solid #e2e8f0;border-radius:8px;margin:8px 0;padding:8px}
figure svg{width:100%;height:auto;max-width:900px}
figcaption{color:#64748b;font-size:12px;margin-top:4px}
.note{color:#64748b;font-size:13px} .risk{font-weight:600}
ul.reasons{margin:0;padding-left:18px}
";

/// Renders the report as one HTML page; `name` writes a customer id
/// (customers are the scorecard's keys, or codes with labels).
pub fn render<K>(r: &Report<K>, name: impl Fn(&K) -> String) -> String {
    let mut h = String::with_capacity(200_000);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Customer experience report — {}</title><style>{CSS}</style></head><body><main>\n",
        r.as_of
    );
    let _ = writeln!(
        h,
        "<h1>Customer experience report</h1><p class=\"sub\">As of {} · {} · intervals are 95% unless stated</p>",
        r.as_of,
        escape(&r.generated_by)
    );
    headline(&mut h, r);
    survey(&mut h, r);
    gaps(&mut h, r);
    retention(&mut h, r);
    promise(&mut h, r);
    model(&mut h, r);
    risk(&mut h, r, &name);
    quality(&mut h, r);
    h.push_str("</main></body></html>\n");
    h
}

fn card(h: &mut String, label: &str, value: &str, ci: &str) {
    let _ = write!(
        h,
        "<div class=\"card\"><div class=\"l\">{}</div><div class=\"v\">{}</div><div class=\"ci\">{}</div></div>",
        escape(label),
        escape(value),
        escape(ci)
    );
}

fn headline<K>(h: &mut String, r: &Report<K>) {
    h.push_str("<section id=\"headline\"><div class=\"cards\">");
    if let Some(s) = &r.survey {
        let n = &s.nps;
        card(
            h,
            "NPS",
            &format!("{:.0}", n.score),
            &format!("[{:.0}, {:.0}] · n = {}", n.ci_low, n.ci_high, n.n),
        );
        if let Some(c) = &s.csat {
            let p = &c.satisfied;
            card(
                h,
                "CSAT (4–5 of 5)",
                &pct(p.share),
                &format!("[{}, {}]", pct(p.ci_low), pct(p.ci_high)),
            );
        }
    }
    if let Some(t) = &r.retention {
        let p = &t.store.repeat_purchase_rate;
        card(
            h,
            "repeat-purchase rate",
            &pct(p.share),
            &format!("{} of {} customers", p.successes, p.n),
        );
    }
    if let Some(d) = r
        .promise
        .as_ref()
        .and_then(|p| p.delivery.as_ref())
        .and_then(|d| d.on_time.as_ref())
    {
        card(
            h,
            "deliveries on time",
            &pct(d.share),
            &format!("[{}, {}]", pct(d.ci_low), pct(d.ci_high)),
        );
    }
    if let Some(f) = r
        .promise
        .as_ref()
        .and_then(|p| p.first_contact_resolution.as_ref())
    {
        let p = &f.resolved_first;
        card(
            h,
            "first-contact resolution",
            &pct(p.share),
            &format!("{} cases", f.cases),
        );
    }
    if let Some(k) = &r.risk {
        card(
            h,
            "customers at risk",
            &k.at_risk.to_string(),
            &format!("risk ≥ {} of {} customers", k.threshold, k.customers),
        );
    }
    h.push_str("</div></section>\n");
}

fn figure(h: &mut String, id: &str, svg: &str, caption: &str) {
    let _ = writeln!(
        h,
        "<figure class=\"chart\" id=\"{id}\">{svg}<figcaption>{}</figcaption></figure>",
        escape(caption)
    );
}

fn survey<K>(h: &mut String, r: &Report<K>) {
    let Some(s) = &r.survey else { return };
    h.push_str("<section id=\"survey\"><h2>How customers rate the shop</h2>");
    let n = &s.nps;
    let _ = write!(
        h,
        "<p>NPS {:.1} (promoters {} − detractors {}) from {} answers; {}% interval [{:.1}, {:.1}] ({:?}).</p>",
        n.score,
        pct(n.promoter_share),
        pct(n.detractor_share),
        n.n,
        100.0 * n.level,
        n.ci_low,
        n.ci_high,
        n.interval
    );
    if !s.nps_trend.is_empty() {
        figure(
            h,
            "chart-nps-trend",
            &charts::trend(&s.nps_trend, "NPS", (-100.0, 100.0)),
            "NPS per month with its confidence band (shaded). Wide bands mean few answers that month.",
        );
    }
    if !s.csat_trend.is_empty() {
        figure(
            h,
            "chart-csat-trend",
            &charts::trend(&s.csat_trend, "CSAT %", (0.0, 100.0)),
            "Share of satisfied answers (4–5 of 5) per month, with its Wilson interval.",
        );
    }
    if let Some(w) = &s.watch {
        watch(h, w);
    }
    h.push_str("</section>\n");
}

/// The last month against the one before, and the control charts' alarms.
fn watch(h: &mut String, w: &crate::scorecard::Watch) {
    h.push_str("<h3 id=\"watch\">What changed lately</h3>");
    if let Some(c) = &w.nps_change {
        let d = &c.comparison;
        let verdict = if d.p_value < 1.0 - d.level {
            "a significant change"
        } else {
            "within the noise"
        };
        let _ = write!(
            h,
            "<p id=\"nps-change\">NPS {} {:.1} against {:.1} in {}: {:+.1} points [{:+.1}, {:+.1}], p = {:.3} — {verdict}.</p>",
            c.to.format("%Y-%m"),
            d.b,
            d.a,
            c.from.format("%Y-%m"),
            d.difference,
            d.ci_low,
            d.ci_high,
            d.p_value
        );
    }
    if !w.charts.is_empty() {
        if w.alarms.is_empty() {
            let _ = write!(
                h,
                "<p id=\"alarms\">No alarm in the last three months on the charts of {}.</p>",
                escape(&w.charts.join(", "))
            );
        } else {
            h.push_str("<table id=\"alarms\"><tr><th>chart</th><th>month</th><th>value</th><th>target</th><th>shift</th></tr>");
            for a in &w.alarms {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td class=n>{:.2}</td><td class=n>{:.2}</td><td class=n>{:+.2} ({})</td></tr>",
                    escape(&a.chart),
                    a.period.format("%Y-%m"),
                    a.value,
                    a.target,
                    a.shift,
                    escape(&a.direction)
                );
            }
            h.push_str("</table>");
        }
    }
    let _ = write!(h, "<p class=\"note\">{}</p>", escape(&w.method));
}

fn gaps<K>(h: &mut String, r: &Report<K>) {
    let Some(g) = &r.gaps else { return };
    h.push_str("<section id=\"gaps\"><h2>Expectations met per touchpoint</h2>");
    let sq = &g.servqual;
    let bars: Vec<(f64, f64, f64)> = sq
        .items
        .iter()
        .map(|i| {
            let gap = i.gap.unwrap_or(f64::NAN);
            (gap, i.ci_low.unwrap_or(gap), i.ci_high.unwrap_or(gap))
        })
        .collect();
    figure(
        h,
        "chart-gaps",
        &charts::gap_bars(&g.touchpoints, &bars),
        &format!(
            "Perceived minus expected quality per touchpoint (SERVQUAL gap) with paired-t intervals; below zero, \
             expectations are not met. {} respondents rated touchpoints.",
            sq.respondents
        ),
    );
    h.push_str("<table><tr><th>touchpoint</th><th>expected</th><th>perceived</th><th>gap</th><th>interval</th><th>n</th></tr>");
    for (name, i) in g.touchpoints.iter().zip(&sq.items) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=n>{:.2}</td><td class=n>{:.2}</td><td class=n>{:+.2}</td><td class=n>[{:+.2}, {:+.2}]</td><td class=n>{}</td></tr>",
            escape(name),
            i.expectation.unwrap_or(f64::NAN),
            i.perception,
            i.gap.unwrap_or(f64::NAN),
            i.ci_low.unwrap_or(f64::NAN),
            i.ci_high.unwrap_or(f64::NAN),
            i.n
        );
    }
    h.push_str("</table>");
    if let Some(ipa) = &g.ipa {
        // Importance: the key drivers' relative weights (% of R²) when
        // computed, else the correlation with the NPS answer.
        let (pts, line, caption): (Vec<(String, f64, f64)>, f64, &str) = match &g.drivers {
            Some(d) => (
                g.touchpoints
                    .iter()
                    .zip(d.drivers.iter().zip(&ipa.attributes))
                    .map(|(n, (k, a))| (n.clone(), k.relative_percent, a.performance))
                    .collect(),
                100.0 / g.touchpoints.len().max(1) as f64,
                "Importance–performance: importance is each touchpoint's relative weight in explaining the NPS \
                 answer (% of R², see the key drivers below; the line marks an equal share); touchpoints top left \
                 (red) matter most and perform worst.",
            ),
            None => (
                g.touchpoints
                    .iter()
                    .zip(&ipa.attributes)
                    .map(|(n, a)| (n.clone(), a.importance, a.performance))
                    .collect(),
                ipa.importance_line,
                "Importance–performance: importance is each touchpoint's correlation with the NPS answer; \
                 touchpoints top left (red) matter most and perform worst.",
            ),
        };
        figure(
            h,
            "chart-ipa",
            &charts::ipa_grid(&pts, (line, ipa.performance_line)),
            caption,
        );
    }
    if let Some(d) = &g.drivers {
        drivers(h, d);
    }
    h.push_str("</section>\n");
}

/// The key drivers of the NPS answer: relative weights and Shapley values
/// with their intervals.
fn drivers(h: &mut String, d: &crate::gaps::KeyDrivers) {
    let _ = write!(
        h,
        "<h3 id=\"drivers\">Key drivers of the NPS answer</h3><p>The touchpoints' ratings explain {} of the variation \
         in the NPS answer (R² {:.2}, {} respondents who rated every touchpoint). Each touchpoint's share:</p>\
         <table id=\"key-drivers\"><tr><th>touchpoint</th><th>relative weight</th><th>interval</th><th>Shapley value</th><th>correlation</th></tr>",
        pct(d.r2),
        d.r2,
        d.used
    );
    let mut order: Vec<&crate::gaps::Driver> = d.drivers.iter().collect();
    order.sort_by_key(|x| x.rank);
    for x in order {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=n>{:.1}%</td><td class=n>{}</td><td class=n>{}</td><td class=n>{:.2}</td></tr>",
            escape(x.name.as_deref().unwrap_or("")),
            x.relative_percent,
            x.relative_ci.map_or("–".into(), |c| format!(
                "[{:.1}%, {:.1}%]",
                100.0 * c[0] / d.r2,
                100.0 * c[1] / d.r2
            )),
            x.shapley_percent.map_or("–".into(), |v| format!("{v:.1}%")),
            x.correlation
        );
    }
    let _ = write!(
        h,
        "</table><p class=\"note\">Relative weights (Johnson 2000) and Shapley values (Lipovetsky &amp; Conklin 2001) split \
         R² among correlated ratings, where correlations and regression weights mislead; intervals are {:.0} % \
         percentile bootstrap intervals of {} resamples, as shares of the estimate's R².</p>",
        100.0 * d.level,
        d.bootstrap
    );
}

fn retention<K>(h: &mut String, r: &Report<K>) {
    let Some(t) = &r.retention else { return };
    let s = &t.store;
    h.push_str("<section id=\"retention\"><h2>How customers come back</h2>");
    let _ = write!(
        h,
        "<p>{} customers made {} purchases ({:.2} each); {} came back at least once ({}).{}</p>",
        s.customers,
        s.purchases,
        s.purchases_per_customer,
        s.repeat_customers,
        pct(s.repeat_purchase_rate.share),
        s.average_order_value
            .map(|v| format!(" Average order value {v:.2}."))
            .unwrap_or_default()
    );
    let rows: Vec<(String, u64, Vec<f64>)> = t
        .cohorts
        .iter()
        .map(|c| (c.start.format("%Y-%m").to_string(), c.size, c.share.clone()))
        .collect();
    if !rows.is_empty() {
        figure(
            h,
            "chart-cohorts",
            &charts::heatmap(&rows),
            "Cohort retention: customers by month of first purchase (size in brackets); each cell is the % of the \
             cohort buying that many months later.",
        );
    }
    h.push_str("<h3>RFM segments</h3><table><tr><th>segment</th><th>customers</th></tr>");
    for (seg, n) in &t.segments {
        let _ = write!(h, "<tr><td>{}</td><td class=n>{n}</td></tr>", escape(seg));
    }
    h.push_str("</table></section>\n");
}

fn promise<K>(h: &mut String, r: &Report<K>) {
    let Some(p) = &r.promise else { return };
    h.push_str("<section id=\"promises\"><h2>Promises kept</h2>");
    if let Some(d) = &p.delivery {
        h.push_str("<h3>Deliveries</h3><table><tr><th>carrier</th><th>orders</th><th>delivered</th><th>pending</th><th>on time</th><th>mean delay (days)</th></tr>");
        let mut row = |name: &str, d: &crate::gaps::Delivery| {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                escape(name),
                d.orders,
                d.delivered,
                d.pending,
                d.on_time.as_ref().map_or("–".into(), |p| format!(
                    "{} [{}, {}]",
                    pct(p.share),
                    pct(p.ci_low),
                    pct(p.ci_high)
                )),
                d.delay_days
                    .as_ref()
                    .map_or("–".into(), |x| format!("{:+.2}", x.mean))
            );
        };
        row("all", d);
        for k in &p.by_carrier {
            row(&k.key, &k.result);
        }
        h.push_str("</table>");
    }
    if let Some(a) = &p.answer_times {
        let _ = write!(
            h,
            "<h3>Answer times (service level {} h)</h3><table><tr><th>channel</th><th>contacts</th><th>answered</th><th>within level</th><th>median</th></tr>",
            a.service_level_seconds.map_or(0.0, |s| s / 3600.0)
        );
        let mut row = |name: &str, a: &crate::gaps::AnswerTimes| {
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
                escape(name),
                a.contacts,
                a.answered,
                a.within_level.as_ref().map_or("–".into(), |p| pct(p.share)),
                a.seconds.as_ref().map_or("–".into(), |s| duration(s.median))
            );
        };
        row("all", a);
        for k in &p.by_channel {
            row(&k.key, &k.result);
        }
        h.push_str("</table>");
    }
    if let Some(f) = &p.first_contact_resolution {
        let _ = write!(
            h,
            "<p>First-contact resolution: {} of {} cases ({} [{}, {}]).</p>",
            f.resolved_first.successes,
            f.cases,
            pct(f.resolved_first.share),
            pct(f.resolved_first.ci_low),
            pct(f.resolved_first.ci_high)
        );
    }
    if let Some(rc) = &p.repeat_contacts {
        let _ = write!(
            h,
            "<p>Customers repeating themselves: {} of {} contacts came within 7 days of the customer's previous one \
             ({}); {} of those switched channel.</p>",
            rc.repeat_rate.successes,
            rc.contacts,
            pct(rc.repeat_rate.share),
            rc.channel_switches
        );
    }
    h.push_str("</section>\n");
}

fn duration(seconds: f64) -> String {
    if seconds < 3600.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

fn model<K>(h: &mut String, r: &Report<K>) {
    let Some(m) = &r.model else { return };
    h.push_str("<section id=\"model\"><h2>Who is still a customer</h2>");
    let mut params = match &m.fit.model {
        AnyModel::BgNbd(b) => format!(
            "BG/NBD fitted to the orders (per day): r = {}, α = {}, a = {}, b = {}",
            sig(b.r()),
            sig(b.alpha()),
            sig(b.a()),
            sig(b.b())
        ),
        AnyModel::MbgNbd(b) => format!(
            "MBG/NBD: r = {}, α = {}, a = {}, b = {}",
            sig(b.r()),
            sig(b.alpha()),
            sig(b.a()),
            sig(b.b())
        ),
        AnyModel::ParetoNbd(p) => format!(
            "Pareto/NBD: r = {}, α = {}, s = {}, β = {}",
            sig(p.r()),
            sig(p.alpha()),
            sig(p.s()),
            sig(p.beta())
        ),
        AnyModel::GammaGamma(_) => "gamma-gamma".into(),
    };
    if let AnyModel::BgNbd(b) = &m.fit.model
        && b.a() + b.b() > 1e4
    {
        params.push_str(&format!(
            " (a and b this large mean the drop-out probability hardly varies between customers: p ≈ a/(a+b) = {:.3} \
             after each repeat purchase)",
            b.a() / (b.a() + b.b())
        ));
    }
    let _ = write!(
        h,
        "<p>{}. Of {} customers, about {:.0} are expected to be still active.</p>",
        escape(&params),
        m.fit.customers,
        m.fit.expected_active
    );
    if let Some(c) = &m.cdnow_check {
        let f = |v: &[f64; 4]| {
            format!(
                "r = {:.3}, α = {:.3}, a = {:.3}, b = {:.3}",
                v[0], v[1], v[2], v[3]
            )
        };
        let _ = write!(
            h,
            "<p class=\"note\" id=\"cdnow-check\">Model check: the same fitting code on the bundled CDNOW sample \
             (2,357 customers, weeks) gives {} (log-likelihood {:.2}); Fader, Hardie &amp; Lee (2005) publish {}.</p>",
            f(&c.fitted),
            c.log_likelihood,
            f(&c.published)
        );
    }
    figure(
        h,
        "chart-p-alive",
        &charts::p_alive_histogram(&m.fit.p_alive_bins),
        "Customers by probability of still being active (red: below 0.3, where the low-P(alive) signal fires). \
         Under BG/NBD a customer without a repeat purchase counts as active (P = 1).",
    );
    h.push_str("</section>\n");
}

/// Four significant digits, in scientific notation when large.
fn sig(x: f64) -> String {
    if x.abs() >= 1e4 {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

fn kind_name(k: SignalKind) -> &'static str {
    match k {
        SignalKind::Overdue => "overdue against own rhythm",
        SignalKind::Hiatus => "long pause",
        SignalKind::LowPAlive => "low probability active",
        SignalKind::RfmSegment => "at-risk RFM segment",
        SignalKind::Detractor => "detractor",
        SignalKind::ScoreDrop => "score drop",
        SignalKind::OpenContact => "open contact",
        SignalKind::RepeatContacts => "repeated contacts",
        SignalKind::LateDeliveries => "late deliveries",
    }
}

fn risk<K>(h: &mut String, r: &Report<K>, name: &dyn Fn(&K) -> String) {
    let Some(k) = &r.risk else { return };
    h.push_str("<section id=\"risk\"><h2>Customers at risk, and why</h2>");
    let _ = write!(
        h,
        "<p>{} of {} customers are at risk ({}). Another {} have not ordered for over a year and count as lost, \
         not at risk.</p><p id=\"risk-meaning\">{}.</p>",
        k.at_risk,
        k.customers,
        escape(&k.rule),
        k.lost,
        escape(&capitalized(&k.meaning))
    );
    if let Some(v) = &k.value_at_risk {
        let _ = write!(
            h,
            "<p id=\"value-at-risk\">Expected value lost (risk × twelve-month CLV, customers not lost): \
             <b>{:.0}</b> (90 % interval {:.0}–{:.0}) of {:.0} in CLV over {} customers.</p>",
            v.total, v.low, v.high, v.clv, v.customers
        );
    }
    backtest(h, k);
    h.push_str("<table><tr><th>signal</th><th>customers</th></tr>");
    for (kind, n) in &k.counts {
        let _ = write!(h, "<tr><td>{}</td><td class=n>{n}</td></tr>", kind_name(*kind));
    }
    h.push_str("</table><h3>Highest risk</h3><table id=\"at-risk\"><tr><th>customer</th><th>risk</th><th>reasons (strongest first)</th><th>value at risk</th><th>orders</th><th>last order</th></tr>");
    for c in &k.top {
        let reasons: String = reasons(c)
            .iter()
            .map(|s| format!("<li>{}</li>", escape(s)))
            .collect();
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n risk\">{:.3}</td><td><ul class=reasons>{reasons}</ul></td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            escape(&name(&c.customer)),
            c.risk,
            c.value_at_risk.map(|v| format!("{v:.0}")).unwrap_or_default(),
            c.orders,
            c.last_order.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    h.push_str("</table></section>\n");
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A customer's reasons, strongest first: with a calibrated risk the
/// purchase model's forecast where it is among the terms, then the signals.
pub fn reasons<K>(c: &CustomerRisk<K>) -> Vec<String> {
    let mut out = Vec::new();
    for t in &c.contributions {
        if t.feature == crate::signals::PURCHASE_MODEL {
            if let Some(p) = c.p_no_order {
                out.push(format!(
                    "purchase model: {:.0} % chance of no order in the horizon",
                    100.0 * p
                ));
            }
        } else if let Some(s) = c.signals.iter().find(|s| s.kind.as_str() == t.feature) {
            out.push(s.reason.clone());
        }
    }
    for s in &c.signals {
        if !out.contains(&s.reason) {
            out.push(s.reason.clone());
        }
    }
    out
}

/// The backtest behind a calibrated risk: how each score ranked the
/// customers at the last cut-off, and the reliability diagram.
fn backtest<K>(h: &mut String, k: &RiskSection<K>) {
    let Some(b) = &k.backtest else { return };
    let _ = write!(
        h,
        "<h3>How well it foresaw the past</h3><p>Backtest at {} cut-off days ({}), each judged on the {} days after it. \
         At the last one, {} customers, {:.0} % of whom did not order.</p><table id=\"backtest\"><tr><th>score</th><th>AUC</th></tr>",
        b.cutoffs.len(),
        b.cutoffs
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        b.horizon_days,
        b.customers,
        100.0 * b.base_rate
    );
    for (name, auc) in &b.auc {
        let label = match name.as_str() {
            "calibrated" => "calibrated risk (out of time)",
            "risk_rules" => "rules (uncalibrated)",
            "p_no_order" => "purchase model alone",
            "days_since_last_order" => "days since the last order",
            other => other,
        };
        let _ = write!(h, "<tr><td>{label}</td><td class=n>{auc:.3}</td></tr>");
    }
    h.push_str("</table>");
    if let Some(o) = &b.holdout {
        let _ = write!(
            h,
            "<p>Brier score at {} (lower is better): calibrated {:.4}, rules {:.4}{}.</p>",
            o.cutoff,
            o.brier_calibrated,
            o.brier_rules,
            o.brier_model
                .map_or(String::new(), |m| format!(", purchase model alone {m:.4}"))
        );
        let points = |bins: &[crate::signals::Bin]| -> Vec<(f64, f64)> {
            bins.iter()
                .filter(|b| b.customers >= 10)
                .filter_map(|b| Some((b.predicted?, b.observed?)))
                .collect()
        };
        figure(
            h,
            "reliability",
            &charts::reliability(&points(&o.reliability), &points(&o.reliability_rules)),
            "Predicted risk against what customers did (bins of at least 10 customers): on the diagonal, a risk of 0.7 means 70 of 100 did not order.",
        );
    }
}

fn quality<K>(h: &mut String, r: &Report<K>) {
    h.push_str("<section id=\"data-quality\"><h2>Data quality</h2><table><tr><th>table</th><th>file</th><th>rows</th><th>used</th><th>unreadable, skipped</th><th>after the report day (or not yet due)</th><th>no answer</th><th>read as</th></tr>");
    for q in &r.data {
        quality_row(h, q);
    }
    h.push_str("</table>");
    let examples: Vec<_> = r.data.iter().flat_map(|q| &q.examples).collect();
    if !examples.is_empty() {
        h.push_str("<h3>Skipped rows (first ones)</h3><ul>");
        for e in examples {
            let _ = write!(h, "<li>{}</li>", escape(&e.to_string()));
        }
        h.push_str("</ul>");
    }
    if !r.notes.is_empty() {
        h.push_str("<h3>Notes</h3><ul>");
        for n in &r.notes {
            let _ = write!(h, "<li>{}</li>", escape(n));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}

fn quality_row(h: &mut String, q: &Quality) {
    let _ = write!(
        h,
        "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
        q.table,
        escape(&q.file),
        q.rows,
        q.used,
        q.skipped_unreadable,
        q.after_as_of,
        q.without_answer,
        escape(q.dialect.as_deref().unwrap_or(""))
    );
}
