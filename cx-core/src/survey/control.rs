//! Control charts on streams of scores and shares: is today's reading an
//! alarm or noise?
//!
//! - [`Ewma`] (Roberts 1959) and [`Cusum`] (Page 1954, tabular, two-sided)
//!   on a series of readings — a terminal's smiley index per day, a
//!   touchpoint's NPS per week. Each is a small state updated in O(1) per
//!   reading ([`Ewma::push`], [`Cusum::push`]), serializable, so that a
//!   terminal, a browser page or a Spark job can keep it and continue.
//!   A chart depends on the order of its readings, so partial charts do not
//!   merge: merge the period's answers first (the [`Distribution`]
//!   accumulators of each partition), then push the period's score.
//! - [`laney_p`] (Laney 2002): the p′ chart for shares of large subgroups
//!   (on-time deliveries, answers within the service level), whose plain p
//!   chart flags nearly every day once subgroups reach thousands.
//!
//! The in-control mean and σ are given, or estimated from a baseline: the
//! mean of the first readings and σ = mean moving range / 1.128 (the
//! individuals-chart estimate, robust to a slow drift). Formulas and vectors:
//! `../shared/REFERENCES.md` §8(f).

use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};
#[cfg(doc)]
use crate::survey::Distribution;

/// d₂ for moving ranges of two: E|X₁ − X₂| = 1.128σ for normal readings.
const D2: f64 = 1.128;

/// One reading on a chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChartPoint {
    /// Zero-based position in the whole stream (continuing across pushes).
    pub t: u64,
    /// The reading.
    pub value: f64,
    /// The chart statistic: the EWMA z, or for CUSUM the larger of C⁺ and
    /// C⁻ (in units of the readings).
    pub statistic: f64,
    /// Lower control limit (CUSUM: 0).
    pub lower: f64,
    /// Upper control limit (CUSUM: hσ).
    pub upper: f64,
    /// The point is out of control.
    pub signal: bool,
    /// `up` or `down` when the point signals.
    pub direction: Option<&'static str>,
    /// The estimated shift of the mean from the target, in units of the
    /// readings (EWMA: z − μ₀; CUSUM: ±(kσ + C/N), N the run of periods
    /// the sum has been positive, Montgomery 2009 §9.1.3).
    pub shift: f64,
}

/// The in-control level of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct InControl {
    /// Target mean μ₀.
    pub target: f64,
    /// σ of one reading.
    pub sigma: f64,
    /// Readings the target and σ were estimated from (0: given).
    pub baseline: usize,
}

impl InControl {
    /// Target and σ given, or estimated from the first `baseline` readings
    /// (all of them if `baseline` is `None`).
    fn resolve(
        target: Option<f64>,
        sigma: Option<f64>,
        baseline: Option<usize>,
        values: &[f64],
    ) -> Result<Self> {
        check_values(values)?;
        if let (Some(t), Some(s)) = (target, sigma) {
            return InControl::given(t, s);
        }
        let m = baseline.unwrap_or(values.len());
        if m < 2 || m > values.len() {
            return Err(CxError::invalid(
                "baseline",
                m,
                format!(
                    "2 to {} readings to estimate the target and σ from (or give both)",
                    values.len()
                ),
            ));
        }
        let base = &values[..m];
        let mean = base.iter().sum::<f64>() / m as f64;
        let mr = base.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (m - 1) as f64;
        let s = sigma.unwrap_or(mr / D2);
        InControl::given(target.unwrap_or(mean), s).map(|c| InControl { baseline: m, ..c })
    }

    fn given(target: f64, sigma: f64) -> Result<Self> {
        if !target.is_finite() {
            return Err(CxError::invalid("target", target, "a finite number"));
        }
        if !(sigma.is_finite() && sigma > 0.0) {
            return Err(CxError::invalid(
                "sigma",
                sigma,
                "a positive number (readings that never vary give no σ: give it)",
            ));
        }
        Ok(InControl {
            target,
            sigma,
            baseline: 0,
        })
    }
}

fn check_values(values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(CxError::NotFinite {
            argument: "values",
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// Options of an EWMA chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EwmaOptions {
    /// Weight of the newest reading, in (0, 1]; default 0.2.
    pub lambda: f64,
    /// Width of the limits in σ of the statistic; default 3.
    pub l: f64,
    /// In-control mean (default: estimated from the baseline).
    pub target: Option<f64>,
    /// σ of one reading (default: estimated from the baseline).
    pub sigma: Option<f64>,
    /// Readings to estimate the target and σ from (default: all).
    pub baseline: Option<usize>,
}

impl Default for EwmaOptions {
    fn default() -> Self {
        EwmaOptions {
            lambda: 0.2,
            l: 3.0,
            target: None,
            sigma: None,
            baseline: None,
        }
    }
}

/// An EWMA chart's state: z_t = λx_t + (1 − λ)z_{t−1}, z₀ = μ₀; limits
/// μ₀ ± Lσ√(λ/(2 − λ)·(1 − (1 − λ)^{2t})) (exact, narrower at the start).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ewma {
    /// λ.
    pub lambda: f64,
    /// L.
    pub l: f64,
    /// The in-control level.
    pub in_control: InControl,
    /// Readings so far.
    pub t: u64,
    /// The current statistic.
    pub z: f64,
    /// (1 − λ)^{2t}, kept so that the limits update in O(1) (set to 0
    /// before it would underflow).
    #[serde(default)]
    pub decay: f64,
}

impl Ewma {
    /// A chart at its start.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for λ outside (0, 1], L not positive, a
    /// non-finite target or a σ that is not positive.
    pub fn new(in_control: InControl, lambda: f64, l: f64) -> Result<Self> {
        if !(lambda.is_finite() && lambda > 0.0 && lambda <= 1.0) {
            return Err(CxError::invalid("lambda", lambda, "a number in (0, 1]"));
        }
        if !(l.is_finite() && l > 0.0) {
            return Err(CxError::invalid("l", l, "a positive number"));
        }
        let c = InControl::given(in_control.target, in_control.sigma)?;
        Ok(Ewma {
            lambda,
            l,
            in_control: InControl {
                baseline: in_control.baseline,
                ..c
            },
            t: 0,
            z: c.target,
            decay: 1.0,
        })
    }

    /// The chart after `t` readings whose statistic is `z` (a saved state
    /// continued): the limits' decay recomputed from `t`.
    ///
    /// # Errors
    /// As [`Ewma::new`]; a non-finite `z`.
    pub fn resume(in_control: InControl, lambda: f64, l: f64, t: u64, z: f64) -> Result<Self> {
        if !z.is_finite() {
            return Err(CxError::invalid("state", z, "a finite statistic z"));
        }
        let fresh = Ewma::new(in_control, lambda, l)?;
        let log_decay = 2.0 * t as f64 * (1.0 - lambda).ln();
        Ok(Ewma {
            t,
            z,
            decay: if log_decay > -660.0 { log_decay.exp() } else { 0.0 },
            ..fresh
        })
    }

    /// Adds a reading.
    ///
    /// # Errors
    /// [`CxError::NotFinite`] for a NaN or infinite reading (the state is
    /// unchanged).
    pub fn push(&mut self, x: f64) -> Result<ChartPoint> {
        if !x.is_finite() {
            return Err(CxError::NotFinite {
                argument: "values",
                index: self.t as usize,
                value: x,
            });
        }
        let InControl { target, sigma, .. } = self.in_control;
        self.z = self.lambda * x + (1.0 - self.lambda) * self.z;
        self.t += 1;
        // (1 − λ)^{2t} by one multiplication, zero before it underflows
        // (subnormal numbers would slow every later update).
        let q = 1.0 - self.lambda;
        self.decay = if self.decay > 1e-280 {
            self.decay * q * q
        } else {
            0.0
        };
        let decay = self.decay;
        let half = self.l * sigma * (self.lambda / (2.0 - self.lambda) * (1.0 - decay)).sqrt();
        let (lower, upper) = (target - half, target + half);
        let direction = if self.z > upper {
            Some("up")
        } else if self.z < lower {
            Some("down")
        } else {
            None
        };
        Ok(ChartPoint {
            t: self.t - 1,
            value: x,
            statistic: self.z,
            lower,
            upper,
            signal: direction.is_some(),
            direction,
            shift: self.z - target,
        })
    }
}

/// Options of a CUSUM chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CusumOptions {
    /// Allowance k in σ (half the shift to detect); default 0.5.
    pub k: f64,
    /// Decision interval h in σ; default 4 (in-control ARL about 168).
    pub h: f64,
    /// In-control mean (default: estimated from the baseline).
    pub target: Option<f64>,
    /// σ of one reading (default: estimated from the baseline).
    pub sigma: Option<f64>,
    /// Readings to estimate the target and σ from (default: all).
    pub baseline: Option<usize>,
}

impl Default for CusumOptions {
    fn default() -> Self {
        CusumOptions {
            k: 0.5,
            h: 4.0,
            target: None,
            sigma: None,
            baseline: None,
        }
    }
}

/// A tabular CUSUM's state: C⁺_t = max(0, x_t − μ₀ − kσ + C⁺_{t−1}),
/// C⁻_t = max(0, μ₀ − kσ − x_t + C⁻_{t−1}); a signal above hσ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cusum {
    /// k.
    pub k: f64,
    /// h.
    pub h: f64,
    /// The in-control level.
    pub in_control: InControl,
    /// Readings so far.
    pub t: u64,
    /// Upper sum C⁺.
    pub upper_sum: f64,
    /// Lower sum C⁻.
    pub lower_sum: f64,
    /// Periods C⁺ has been positive.
    pub upper_run: u64,
    /// Periods C⁻ has been positive.
    pub lower_run: u64,
}

impl Cusum {
    /// A chart at its start.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] for k negative, h not positive, a
    /// non-finite target or a σ that is not positive.
    pub fn new(in_control: InControl, k: f64, h: f64) -> Result<Self> {
        if !(k.is_finite() && k >= 0.0) {
            return Err(CxError::invalid("k", k, "a number ≥ 0"));
        }
        if !(h.is_finite() && h > 0.0) {
            return Err(CxError::invalid("h", h, "a positive number"));
        }
        let c = InControl::given(in_control.target, in_control.sigma)?;
        Ok(Cusum {
            k,
            h,
            in_control: InControl {
                baseline: in_control.baseline,
                ..c
            },
            t: 0,
            upper_sum: 0.0,
            lower_sum: 0.0,
            upper_run: 0,
            lower_run: 0,
        })
    }

    /// Adds a reading.
    ///
    /// # Errors
    /// [`CxError::NotFinite`] for a NaN or infinite reading (the state is
    /// unchanged).
    pub fn push(&mut self, x: f64) -> Result<ChartPoint> {
        if !x.is_finite() {
            return Err(CxError::NotFinite {
                argument: "values",
                index: self.t as usize,
                value: x,
            });
        }
        let InControl { target, sigma, .. } = self.in_control;
        let ks = self.k * sigma;
        self.upper_sum = (x - target - ks + self.upper_sum).max(0.0);
        self.lower_sum = (target - ks - x + self.lower_sum).max(0.0);
        self.upper_run = if self.upper_sum > 0.0 {
            self.upper_run + 1
        } else {
            0
        };
        self.lower_run = if self.lower_sum > 0.0 {
            self.lower_run + 1
        } else {
            0
        };
        self.t += 1;
        let limit = self.h * sigma;
        let up = self.upper_sum >= self.lower_sum;
        let (sum, run) = if up {
            (self.upper_sum, self.upper_run)
        } else {
            (self.lower_sum, self.lower_run)
        };
        let shift = if run == 0 { 0.0 } else { ks + sum / run as f64 };
        let direction = if self.upper_sum > limit {
            Some("up")
        } else if self.lower_sum > limit {
            Some("down")
        } else {
            None
        };
        Ok(ChartPoint {
            t: self.t - 1,
            value: x,
            statistic: sum,
            lower: 0.0,
            upper: limit,
            signal: direction.is_some(),
            direction,
            shift: if up { shift } else { -shift },
        })
    }
}

/// A chart over a series: every point, the signals and the state to
/// continue from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ControlChart<S> {
    /// `ewma` or `cusum`.
    pub chart: &'static str,
    /// The in-control level used.
    pub in_control: InControl,
    /// One point per reading.
    pub points: Vec<ChartPoint>,
    /// Positions (`t`) of the points that signal.
    pub signals: Vec<u64>,
    /// The first signal.
    pub first_signal: Option<u64>,
    /// The state after the last reading: push further readings into it.
    pub state: S,
}

fn run_chart<S>(
    chart: &'static str,
    mut state: S,
    values: &[f64],
    in_control: InControl,
    mut push: impl FnMut(&mut S, f64) -> Result<ChartPoint>,
) -> Result<ControlChart<S>> {
    let points = values
        .iter()
        .map(|&x| push(&mut state, x))
        .collect::<Result<Vec<_>>>()?;
    let signals: Vec<u64> = points.iter().filter(|p| p.signal).map(|p| p.t).collect();
    Ok(ControlChart {
        chart,
        in_control,
        first_signal: signals.first().copied(),
        signals,
        points,
        state,
    })
}

/// The EWMA chart of `values`, or its continuation from `state`.
///
/// # Errors
/// [`CxError::Empty`] without readings; [`CxError::NotFinite`] naming the
/// reading; [`CxError::InvalidParameter`] for bad options or a baseline
/// that gives no σ.
///
/// # Examples
/// ```
/// use cx::survey::{EwmaOptions, ewma};
/// let x = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0];
/// let o = EwmaOptions { target: Some(10.0), sigma: Some(1.0), ..Default::default() };
/// let c = ewma(&x, &o, None)?;
/// assert_eq!(c.first_signal, Some(6)); // the seventh reading, §8(f)
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn ewma(values: &[f64], o: &EwmaOptions, state: Option<Ewma>) -> Result<ControlChart<Ewma>> {
    if values.is_empty() {
        return Err(CxError::Empty { argument: "values" });
    }
    let state = match state {
        Some(s) => {
            let mut e = Ewma::resume(s.in_control, s.lambda, s.l, s.t, s.z)?;
            // The saved decay continues the same products bit for bit.
            if s.decay > 0.0 && s.decay <= 1.0 {
                e.decay = s.decay;
            }
            e
        }
        None => Ewma::new(
            InControl::resolve(o.target, o.sigma, o.baseline, values)?,
            o.lambda,
            o.l,
        )?,
    };
    check_values(values)?;
    let c = state.in_control;
    run_chart("ewma", state, values, c, Ewma::push)
}

/// The tabular CUSUM chart of `values`, or its continuation from `state`.
///
/// # Errors
/// As [`ewma`].
///
/// # Examples
/// ```
/// use cx::survey::{CusumOptions, cusum};
/// let x = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0];
/// let o = CusumOptions { target: Some(10.0), sigma: Some(1.0), ..Default::default() };
/// assert_eq!(cusum(&x, &o, None)?.first_signal, Some(5)); // the sixth reading
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn cusum(values: &[f64], o: &CusumOptions, state: Option<Cusum>) -> Result<ControlChart<Cusum>> {
    if values.is_empty() {
        return Err(CxError::Empty { argument: "values" });
    }
    let state = match state {
        Some(s) => Cusum::new(s.in_control, s.k, s.h).map(|fresh| Cusum {
            t: s.t,
            upper_sum: s.upper_sum.max(0.0),
            lower_sum: s.lower_sum.max(0.0),
            upper_run: s.upper_run,
            lower_run: s.lower_run,
            ..fresh
        })?,
        None => Cusum::new(
            InControl::resolve(o.target, o.sigma, o.baseline, values)?,
            o.k,
            o.h,
        )?,
    };
    check_values(values)?;
    let c = state.in_control;
    run_chart("cusum", state, values, c, Cusum::push)
}

/// Options of the p′ chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LaneyOptions {
    /// Width of the limits in σ; default 3.
    pub l: f64,
}

impl Default for LaneyOptions {
    fn default() -> Self {
        LaneyOptions { l: 3.0 }
    }
}

/// One subgroup of a p′ chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharePoint {
    /// Position.
    pub t: usize,
    /// Subgroup size.
    pub n: f64,
    /// The share p_i = d_i/n_i.
    pub share: f64,
    /// z_i = (p_i − p̄)/σ_i.
    pub z: f64,
    /// p′ limits p̄ ± Lσ_iσ_z (clamped to [0, 1]).
    pub lower: f64,
    /// Upper p′ limit.
    pub upper: f64,
    /// Outside the p′ limits.
    pub signal: bool,
    /// The plain p chart's limits p̄ ± Lσ_i, for comparison.
    pub lower_p: f64,
    /// Upper p-chart limit.
    pub upper_p: f64,
    /// Outside the p chart's limits.
    pub signal_p: bool,
}

/// Laney's p′ chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneyChart {
    /// p̄ = Σd/Σn.
    pub share: f64,
    /// σ_z = mean |z_i − z_{i−1}| / 1.128: the between-subgroup variation
    /// beyond binomial noise (1 for a pure binomial process).
    pub sigma_z: f64,
    /// One point per subgroup.
    pub points: Vec<SharePoint>,
    /// Subgroups outside the p′ limits.
    pub signals: Vec<usize>,
    /// Subgroups outside the plain p chart's limits.
    pub signals_p: Vec<usize>,
}

/// Laney's p′ chart of `successes` (d_i) out of `sizes` (n_i) per subgroup.
///
/// # Errors
/// [`CxError::LengthMismatch`]; fewer than two subgroups
/// ([`CxError::InvalidParameter`] on `sizes`); a size not positive or a
/// count outside [0, n_i] ([`CxError::OutOfRange`] naming the row);
/// [`CxError::NotFinite`]; a share p̄ of 0 or 1 (no variation to chart).
///
/// # Examples
/// ```
/// use cx::survey::{LaneyOptions, laney_p};
/// let n = [12000., 15000., 11000., 18000., 13000., 16000., 14000., 17000.];
/// let d = [960., 1050., 1100., 1260., 780., 1440., 840., 1530.];
/// let c = laney_p(&d, &n, &LaneyOptions::default())?;
/// assert_eq!((c.signals.len(), c.signals_p.len()), (0, 7)); // §8(f)
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn laney_p(successes: &[f64], sizes: &[f64], o: &LaneyOptions) -> Result<LaneyChart> {
    CxError::check_len("successes", successes.len(), "sizes", sizes.len())?;
    if sizes.len() < 2 {
        return Err(CxError::invalid(
            "sizes",
            sizes.len(),
            "at least 2 subgroups (the chart's spread comes from consecutive ones)",
        ));
    }
    if !(o.l.is_finite() && o.l > 0.0) {
        return Err(CxError::invalid("l", o.l, "a positive number"));
    }
    for (argument, v) in [("successes", successes), ("sizes", sizes)] {
        if let Some(index) = v.iter().position(|x| !x.is_finite()) {
            return Err(CxError::NotFinite {
                argument,
                index,
                value: v[index],
            });
        }
    }
    if let Some(index) = sizes.iter().position(|&n| n <= 0.0) {
        return Err(CxError::OutOfRange {
            argument: "sizes",
            index,
            value: sizes[index].to_string(),
            allowed: "a positive subgroup size".into(),
        });
    }
    if let Some(index) = successes.iter().zip(sizes).position(|(&d, &n)| d < 0.0 || d > n) {
        return Err(CxError::OutOfRange {
            argument: "successes",
            index,
            value: successes[index].to_string(),
            allowed: format!("0 to the subgroup's size {}", sizes[index]),
        });
    }
    let p = successes.iter().sum::<f64>() / sizes.iter().sum::<f64>();
    if !(p > 0.0 && p < 1.0) {
        return Err(CxError::invalid(
            "successes",
            p,
            "an overall share strictly between 0 and 1 (all or none gives nothing to chart)",
        ));
    }
    let sd = |n: f64| (p * (1.0 - p) / n).sqrt();
    let z: Vec<f64> = successes
        .iter()
        .zip(sizes)
        .map(|(&d, &n)| (d / n - p) / sd(n))
        .collect();
    let sigma_z = z.windows(2).map(|w| (w[1] - w[0]).abs()).sum::<f64>() / (z.len() - 1) as f64 / D2;
    let points: Vec<SharePoint> = (0..z.len())
        .map(|t| {
            let (n, share) = (sizes[t], successes[t] / sizes[t]);
            let s = sd(n);
            let (lower, upper) = ((p - o.l * s * sigma_z).max(0.0), (p + o.l * s * sigma_z).min(1.0));
            let (lower_p, upper_p) = ((p - o.l * s).max(0.0), (p + o.l * s).min(1.0));
            SharePoint {
                t,
                n,
                share,
                z: z[t],
                lower,
                upper,
                signal: share < lower || share > upper,
                lower_p,
                upper_p,
                signal_p: share < lower_p || share > upper_p,
            }
        })
        .collect();
    Ok(LaneyChart {
        share: p,
        sigma_z,
        signals: points.iter().filter(|q| q.signal).map(|q| q.t).collect(),
        signals_p: points.iter().filter(|q| q.signal_p).map(|q| q.t).collect(),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: [f64; 8] = [10.5, 9.2, 11.3, 10.9, 12.1, 11.8, 12.4, 12.0];

    #[test]
    fn ewma_reference() {
        let o = EwmaOptions {
            target: Some(10.0),
            sigma: Some(1.0),
            ..Default::default()
        };
        let c = ewma(&X, &o, None).unwrap();
        let z = [
            10.1, 9.92, 10.196, 10.3368, 10.68944, 10.911552, 11.209242, 11.367393,
        ];
        let ucl = [
            10.6, 10.768375, 10.858985, 10.912265, 10.944789, 10.965029, 10.977763, 10.985826,
        ];
        for (p, (z, u)) in c.points.iter().zip(z.iter().zip(ucl)) {
            assert!(
                (p.statistic - z).abs() < 1e-6 && (p.upper - u).abs() < 1e-6,
                "{p:?}"
            );
        }
        assert_eq!(c.signals, vec![6, 7]);
        // Continuing from the state is the same as one run.
        let first = ewma(&X[..5], &o, None).unwrap();
        let rest = ewma(&X[5..], &o, Some(first.state)).unwrap();
        assert_eq!(rest.points, c.points[5..]);
    }

    #[test]
    fn cusum_reference() {
        let o = CusumOptions {
            target: Some(10.0),
            sigma: Some(1.0),
            ..Default::default()
        };
        let c = cusum(&X, &o, None).unwrap();
        let cp = [0.0, 0.0, 0.8, 1.2, 2.8, 4.1, 6.0, 7.5];
        let mut s = Cusum::new(c.in_control, 0.5, 4.0).unwrap();
        for (x, want) in X.iter().zip(cp) {
            s.push(*x).unwrap();
            assert!((s.upper_sum - want).abs() < 1e-9, "{} vs {want}", s.upper_sum);
        }
        assert_eq!(c.first_signal, Some(5));
        // Shift estimate at the signal: k + C⁺/N⁺ = 0.5 + 4.1/4.
        assert!((c.points[5].shift - (0.5 + 4.1 / 4.0)).abs() < 1e-9);
    }

    #[test]
    fn laney_reference() {
        let n = [12000., 15000., 11000., 18000., 13000., 16000., 14000., 17000.];
        let d = [960., 1050., 1100., 1260., 780., 1440., 840., 1530.];
        let c = laney_p(&d, &n, &LaneyOptions::default()).unwrap();
        assert!((c.share - 0.0772414).abs() < 1e-7);
        assert!((c.sigma_z - 9.370262).abs() < 1e-5);
        let z = [1.1319, -3.3220, 8.9407, -3.6391, -7.3633, 6.0450, -7.6413, 6.2310];
        for (p, z) in c.points.iter().zip(z) {
            assert!((p.z - z).abs() < 1e-4);
        }
        let p0 = &c.points[0];
        assert!((p0.lower - 0.00873).abs() < 1e-5 && (p0.upper - 0.14575).abs() < 1e-5);
        assert!((p0.lower_p - 0.06993).abs() < 1e-5 && (p0.upper_p - 0.08455).abs() < 1e-5);
    }

    #[test]
    fn estimated_level_and_errors() {
        // Baseline of the first four readings: mean and moving range.
        let o = EwmaOptions {
            baseline: Some(4),
            ..Default::default()
        };
        let c = ewma(&X, &o, None).unwrap();
        let mean = (10.5 + 9.2 + 11.3 + 10.9) / 4.0;
        let mr = (1.3 + 2.1 + 0.4) / 3.0;
        assert!((c.in_control.target - mean).abs() < 1e-12);
        assert!((c.in_control.sigma - mr / 1.128).abs() < 1e-12);
        assert_eq!(c.in_control.baseline, 4);
        let flat = [5.0; 6];
        assert_eq!(
            ewma(&flat, &EwmaOptions::default(), None).unwrap_err().argument(),
            "sigma"
        );
        let e = cusum(&[1.0, f64::NAN], &CusumOptions::default(), None).unwrap_err();
        assert_eq!((e.argument(), e.index()), ("values", Some(1)));
        let bad = EwmaOptions {
            lambda: 0.0,
            target: Some(0.0),
            sigma: Some(1.0),
            ..Default::default()
        };
        assert_eq!(ewma(&X, &bad, None).unwrap_err().argument(), "lambda");
        assert_eq!(
            laney_p(&[5.0, 11.0], &[10.0, 10.0], &LaneyOptions::default())
                .unwrap_err()
                .index(),
            Some(1)
        );
    }
}
