//! The report's charts, drawn as SVG with plotters (no fonts, files or
//! network needed: text stays text in the SVG and the browser renders it).

use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::scorecard::TrendPoint;

type DrawResult = Result<(), Box<dyn std::error::Error>>;

const W: u32 = 640;
const H: u32 = 300;
const BLUE: RGBColor = RGBColor(37, 99, 235);
const RED: RGBColor = RGBColor(220, 38, 38);
const GREY: RGBColor = RGBColor(100, 116, 139);
const FONT: &str = "sans-serif";

/// Draws into an SVG string; a drawing error becomes a short note instead
/// of a chart (the report is still written).
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> DrawResult,
) -> String {
    let mut out = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut out, size).into_drawing_area();
        let r = root
            .fill(&WHITE)
            .map_err(|e| e.to_string().into())
            .and_then(|_| draw(&root));
        r.and_then(|_| root.present().map_err(|e| e.to_string().into()))
    };
    match result {
        Ok(()) => out,
        Err(e) => format!(
            "<p class=\"note\">chart not drawn: {}</p>",
            super::escape(&e.to_string())
        ),
    }
}

fn month_label(d: &NaiveDate) -> String {
    d.format("%b %y").to_string()
}

/// A monthly score with its confidence band.
pub fn trend(points: &[TrendPoint], y_label: &str, y_range: (f64, f64)) -> String {
    svg((W, H), |root| {
        let n = points.len();
        let lo = points
            .iter()
            .map(|p| p.ci_low)
            .fold(y_range.1, f64::min)
            .max(y_range.0);
        let hi = points
            .iter()
            .map(|p| p.ci_high)
            .fold(y_range.0, f64::max)
            .min(y_range.1);
        let pad = ((hi - lo) * 0.1).max(1.0);
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(48)
            .build_cartesian_2d(
                -0.5f64..(n as f64 - 0.5),
                (lo - pad).max(y_range.0)..(hi + pad).min(y_range.1),
            )?;
        let labels: Vec<String> = points.iter().map(|p| month_label(&p.period)).collect();
        chart
            .configure_mesh()
            .x_labels(n.min(12))
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && i >= 0.0 {
                    labels.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc(y_label)
            .label_style((FONT, 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let mut band: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f64, p.ci_high))
            .collect();
        band.extend(points.iter().enumerate().rev().map(|(i, p)| (i as f64, p.ci_low)));
        chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.18).filled())))?;
        chart
            .draw_series(LineSeries::new(
                points.iter().enumerate().map(|(i, p)| (i as f64, p.score)),
                BLUE.stroke_width(2),
            ))?
            .label("estimate");
        chart.draw_series(
            points
                .iter()
                .enumerate()
                .map(|(i, p)| Circle::new((i as f64, p.score), 3, BLUE.filled())),
        )?;
        Ok(())
    })
}

/// Horizontal bars of gaps (perception − expectation) with interval whiskers.
pub fn gap_bars(names: &[String], gaps: &[(f64, f64, f64)]) -> String {
    let h = 40 + 34 * names.len() as u32;
    svg((W, h.max(120)), |root| {
        let lo = gaps.iter().map(|g| g.1).fold(0.0, f64::min).min(-0.5) - 0.2;
        let hi = gaps.iter().map(|g| g.2).fold(0.0, f64::max).max(0.5) + 0.2;
        let n = names.len();
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(100)
            .build_cartesian_2d(lo..hi, -0.5f64..(n as f64 - 0.5))?;
        chart
            .configure_mesh()
            .y_labels(n)
            .y_label_formatter(&|y| {
                let i = y.round();
                if (y - i).abs() < 1e-9 && i >= 0.0 {
                    names.get(n - 1 - i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .x_desc("gap: perceived − expected (1–7 scale)")
            .label_style((FONT, 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        for (j, &(g, l, u)) in gaps.iter().enumerate() {
            let y = (n - 1 - j) as f64;
            let color = if g < 0.0 { RED } else { BLUE };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.3), (g, y + 0.3)],
                color.mix(0.75).filled(),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(l, y), (u, y)],
                BLACK.stroke_width(1),
            )))?;
            for x in [l, u] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, y - 0.12), (x, y + 0.12)],
                    BLACK,
                )))?;
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            GREY,
        )))?;
        Ok(())
    })
}

/// Importance–performance grid: one labelled point per touchpoint, with the
/// cross-hair lines.
pub fn ipa_grid(points: &[(String, f64, f64)], lines: (f64, f64)) -> String {
    svg((W, 360), |root| {
        let (il, pl) = lines;
        let imp: Vec<f64> = points.iter().map(|p| p.1).chain([il]).collect();
        let perf: Vec<f64> = points.iter().map(|p| p.2).chain([pl]).collect();
        let span = |v: &[f64]| {
            let (a, b) = v
                .iter()
                .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
            let pad = ((b - a) * 0.2).max(0.05);
            (a - pad)..(b + pad)
        };
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(48)
            .build_cartesian_2d(span(&perf), span(&imp))?;
        chart
            .configure_mesh()
            .x_desc("performance (mean perceived)")
            .y_desc("importance (correlation with NPS)")
            .label_style((FONT, 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        let (x0, x1) = (chart.x_range().start, chart.x_range().end);
        let (y0, y1) = (chart.y_range().start, chart.y_range().end);
        chart.draw_series(std::iter::once(PathElement::new(vec![(pl, y0), (pl, y1)], GREY)))?;
        chart.draw_series(std::iter::once(PathElement::new(vec![(x0, il), (x1, il)], GREY)))?;
        let corner = |x: f64, y: f64, text: &'static str, h: HPos| {
            Text::new(
                text,
                (x, y),
                (FONT, 12).into_font().color(&GREY).pos(Pos::new(h, VPos::Top)),
            )
        };
        chart.draw_series([
            corner(x0, y1, "concentrate here", HPos::Left),
            corner(x1, y1, "keep up the good work", HPos::Right),
        ])?;
        for (name, i, p) in points {
            let color = if *p < pl && *i >= il { RED } else { BLUE };
            chart.draw_series(std::iter::once(Circle::new((*p, *i), 5, color.filled())))?;
            chart.draw_series(std::iter::once(Text::new(
                name.clone(),
                (*p, *i),
                (FONT, 13)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))?;
        }
        Ok(())
    })
}

/// Cohort retention heatmap: rows are first-purchase months, columns months
/// since; cells the share of the cohort that bought.
pub fn heatmap(rows: &[(String, u64, Vec<f64>)]) -> String {
    let cols = rows.iter().map(|r| r.2.len()).max().unwrap_or(0).max(1);
    let (cell_w, cell_h, left, top) = (40i32, 24i32, 120i32, 28i32);
    let size = (
        (left + cell_w * cols as i32 + 10) as u32,
        (top + cell_h * rows.len() as i32 + 10) as u32,
    );
    svg(size, |root| {
        let style = |c: &RGBColor| {
            (FONT, 11)
                .into_font()
                .color(c)
                .pos(Pos::new(HPos::Center, VPos::Center))
        };
        for k in 0..cols {
            root.draw(&Text::new(
                format!("+{k}"),
                (left + cell_w * k as i32 + cell_w / 2, top / 2),
                style(&GREY),
            ))?;
        }
        for (j, (label, size, shares)) in rows.iter().enumerate() {
            let y = top + cell_h * j as i32;
            root.draw(&Text::new(
                format!("{label} ({size})"),
                (4, y + cell_h / 2),
                (FONT, 11)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            for (k, &s) in shares.iter().enumerate() {
                let x = left + cell_w * k as i32;
                let shade = BLUE.mix(0.08 + 0.92 * s.clamp(0.0, 1.0));
                root.draw(&Rectangle::new(
                    [(x, y), (x + cell_w - 2, y + cell_h - 2)],
                    shade.filled(),
                ))?;
                let ink = if s > 0.5 { WHITE } else { BLACK };
                root.draw(&Text::new(
                    format!("{:.0}", 100.0 * s),
                    (x + cell_w / 2 - 1, y + cell_h / 2 - 1),
                    style(&ink),
                ))?;
            }
        }
        Ok(())
    })
}

/// Histogram of P(alive) in tenths.
pub fn p_alive_histogram(bins: &[usize]) -> String {
    svg((W, H), |root| {
        let top = bins.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(34)
            .y_label_area_size(52)
            .build_cartesian_2d(0f64..1f64, 0f64..top)?;
        chart
            .configure_mesh()
            .x_desc("probability still active")
            .y_desc("customers")
            .label_style((FONT, 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        chart.draw_series(bins.iter().enumerate().map(|(i, &c)| {
            let x = i as f64 / 10.0;
            let color = if x < 0.3 { RED } else { BLUE };
            Rectangle::new([(x + 0.005, 0.0), (x + 0.095, c as f64)], color.mix(0.8).filled())
        }))?;
        Ok(())
    })
}

/// Reliability diagram: mean predicted risk against the observed share per
/// bin, for the calibrated risk (blue) and the rules (red), with the
/// diagonal of perfect calibration. Points are (predicted, observed).
pub fn reliability(calibrated: &[(f64, f64)], rules: &[(f64, f64)]) -> String {
    svg((W, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)?;
        chart
            .configure_mesh()
            .x_desc("predicted risk")
            .y_desc("observed share without an order")
            .label_style((FONT, 12))
            .light_line_style(WHITE.mix(0.0))
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            GREY,
        )))?;
        for (points, color, name) in [(rules, RED, "rules"), (calibrated, BLUE, "calibrated")] {
            chart
                .draw_series(LineSeries::new(points.iter().copied(), color))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
            chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font((FONT, 12))
            .border_style(GREY)
            .draw()?;
        Ok(())
    })
}
