//! Time-varying covariates in the Pareto/NBD model (Bachmann, Meierer &
//! Näf 2021, "The role of time-varying contextual factors in latent
//! attrition models for customer base analysis", Marketing Science 40(4),
//! 783–809; `../shared/REFERENCES.md` §7): seasonality, campaigns and
//! customer-specific events move a customer's purchase and drop-out rates
//! period by period.
//!
//! Customer i's rates at calendar time t are λᵢ·e^{γ_pᵀzᵢ(t)} and
//! μᵢ·e^{γ_dᵀzᵢ(t)}, with zᵢ constant within each period of a calendar grid.
//! With E_p(ω) = ∫₀^ω e^{γ_pᵀz(u)}du and E_d(ω) likewise (customer time ω
//! from the first purchase), integrating λ ~ Gamma(r, α) and μ ~ Gamma(s, β)
//! out gives
//!
//! L = e^{γ_pᵀΣⱼz(tⱼ)} · Γ(r+x)αʳ/Γ(r) · [(α+E_p(T))^{−(r+x)}(β/(β+E_d(T)))ˢ
//!     + sβˢ∫_{tₓ}^{T}(α+E_p(ω))^{−(r+x)} e^{γ_dᵀz(ω)} (β+E_d(ω))^{−(s+1)} dω].
//!
//! The product over the repeat purchases needs only Σⱼz(tⱼ), i.e. the
//! repeat purchases per period. E_p and E_d are piecewise linear; the
//! integral is summed period by period with the 15-point Kronrod rule (its
//! integrand is smooth within a period; a period where it changes fast is
//! split). With all γ = 0 this is the Pareto/NBD likelihood; with z constant
//! in time it is the time-invariant model of [`super::fit_covariates`].

use serde::{Deserialize, Serialize};

use super::covariates::{
    Coefficient, CovariateModel, CovariateOptions, Process, coefficient, optimize, report,
};
use super::data::CustomerData;
use super::fit::{FitOptions, fit, invert_spd, sum_rows};
use super::special::{GK_WK, GK_X, digamma, ln_gamma};
use super::{AnyModel, ParetoNbd, pareto};
use crate::error::{CxError, Result};
use crate::stats::{check_level, z_critical};

/// Covariates per customer and calendar period, and the repeat purchases
/// per period (the sufficient statistic of the purchase-time product).
#[derive(Debug, Clone, Copy)]
pub struct PeriodCovariates<'a> {
    /// Covariate names.
    pub names: &'a [String],
    /// K + 1 ascending calendar times: period k is `[boundaries[k],
    /// boundaries[k+1])`, in the unit of the customer summary (weeks from any
    /// origin, days since the epoch …).
    pub boundaries: &'a [f64],
    /// Calendar time of each customer's first purchase.
    pub first: &'a [f64],
    /// One column per name, customer-major: customer i's value in period k
    /// at `columns[m][i·K + k]`.
    pub columns: &'a [&'a [f64]],
    /// Customer-major repeat purchases per period, `purchases[i·K + k]`
    /// (whole numbers summing to the customer's frequency).
    pub purchases: &'a [f64],
}

/// What [`predict_dynamic`] computes per customer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DynamicPrediction {
    /// ln L of the customer's history with its period covariates.
    LogLikelihood,
    /// P(alive at T) given the history and the covariates up to T.
    ProbabilityAlive,
    /// Expected purchases in (T, T + `horizon`] with the covariates of the
    /// periods ahead (the grid must reach T + horizon): CLVTools' DECT.
    ConditionalExpectedPurchases {
        /// Length of the future period, in the summary's unit.
        horizon: f64,
    },
}

/// A validated problem: the customers, the grid and the coefficients'
/// columns (purchase columns, then drop-out columns).
struct Design<'a> {
    x: &'a [f64],
    tx: &'a [f64],
    t: &'a [f64],
    p: &'a PeriodCovariates<'a>,
    k: usize,
    m: usize,
    purchase: Vec<usize>,
    dropout: Vec<usize>,
}

/// One customer's ln L, its gradient in (r, α, s, β, γ_p…, γ_d…) when
/// asked, and P(alive).
struct Terms {
    ll: f64,
    grad: Vec<f64>,
    p_alive: f64,
    /// E_p(T) and E_d(T), for the expectation ahead.
    e_p_t: f64,
    e_d_t: f64,
}

impl Design<'_> {
    fn z(&self, i: usize, period: usize, col: usize) -> f64 {
        self.p.columns[col][i * self.k + period]
    }

    /// γ_pᵀz and γ_dᵀz of customer i in period k.
    fn log_rates(&self, i: usize, k: usize, gp: &[f64], gd: &[f64]) -> (f64, f64) {
        let lp = self
            .purchase
            .iter()
            .zip(gp)
            .map(|(&c, g)| g * self.z(i, k, c))
            .sum();
        let ld = self
            .dropout
            .iter()
            .zip(gd)
            .map(|(&c, g)| g * self.z(i, k, c))
            .sum();
        (lp, ld)
    }

    /// The periods customer i's window [0, `until`] (customer time) passes
    /// through: (period, start, end) in customer time.
    fn segments(&self, i: usize, until: f64) -> impl Iterator<Item = (usize, f64, f64)> + '_ {
        let b = self.p.boundaries;
        let c0 = self.p.first[i];
        let start = b.partition_point(|&v| v <= c0).saturating_sub(1);
        (start..self.k).map_while(move |k| {
            let lo = (b[k] - c0).max(0.0);
            if lo >= until {
                return None;
            }
            Some((k, lo, (b[k + 1] - c0).min(until)))
        })
    }

    /// ln L of customer i at natural (r, α, s, β) and γ; the gradient when
    /// `grad`.
    fn terms(&self, theta: &[f64], i: usize, grad: bool) -> Terms {
        let (r, alpha, s, beta) = (theta[0], theta[1], theta[2], theta[3]);
        let (np, nd) = (self.purchase.len(), self.dropout.len());
        let gp = &theta[4..4 + np];
        let gd = &theta[4 + np..4 + np + nd];
        let (x, tx, t) = (self.x[i], self.tx[i], self.t[i]);
        let rx = r + x;
        let nk = 4 + np + nd;
        // Running E_p, E_d and their γ-derivatives F (∂E_p/∂γ_p) and G
        // (∂E_d/∂γ_d) at the start of each segment.
        let (mut ep, mut ed) = (0.0, 0.0);
        let mut f = vec![0.0; np];
        let mut g = vec![0.0; nd];
        // Σⱼ z(tⱼ) over the repeat purchases.
        let mut sum_z = vec![0.0; np];
        // The integral's terms, scaled by exp(−shift).
        let mut shift = f64::NAN;
        let mut int = 0.0;
        let mut dint = vec![0.0; nk];
        // The segment's covariates of each coefficient, read once per
        // segment rather than at every quadrature node.
        let mut zp = vec![0.0; np];
        let mut zd = vec![0.0; nd];
        for (k, lo, hi) in self.segments(i, t) {
            for (z, &c) in zp.iter_mut().zip(&self.purchase) {
                *z = self.z(i, k, c);
            }
            for (z, &c) in zd.iter_mut().zip(&self.dropout) {
                *z = self.z(i, k, c);
            }
            let n = self.p.purchases[i * self.k + k];
            if n > 0.0 {
                for (q, z) in zp.iter().enumerate() {
                    sum_z[q] += n * z;
                }
            }
            let (lp, ld) = self.log_rates(i, k, gp, gd);
            let (cp, cd) = (lp.exp(), ld.exp());
            let len = hi - lo;
            // The integral over the part of the segment after tₓ.
            let a_lo = lo.max(tx);
            if hi > a_lo {
                let (ep0, ed0) = (ep + cp * (a_lo - lo), ed + cd * (a_lo - lo));
                let (a0, b0) = (alpha + ep0, beta + ed0);
                let span = hi - a_lo;
                // Pieces so that (α+E_p) and (β+E_d) change by under ~5 %
                // relative to the powers within each.
                let change = (cp * span * rx / a0).max(cd * span * (s + 1.0) / b0);
                let pieces = ((change / 0.5).ceil() as usize).clamp(1, 256);
                let h = span / pieces as f64;
                for piece in 0..pieces {
                    let c = a_lo + (piece as f64 + 0.5) * h;
                    for node in 0..15 {
                        let (xn, w) = if node < 7 {
                            (-GK_X[node], GK_WK[node])
                        } else if node < 14 {
                            (GK_X[node - 7], GK_WK[node - 7])
                        } else {
                            (0.0, GK_WK[7])
                        };
                        let u = c + 0.5 * h * xn;
                        let (a, b) = (ep0 + cp * (u - a_lo) + alpha, ed0 + cd * (u - a_lo) + beta);
                        let ln_h = -rx * a.ln() + ld - (s + 1.0) * b.ln();
                        if shift.is_nan() {
                            shift = ln_h;
                        }
                        let v = 0.5 * h * w * (ln_h - shift).exp();
                        int += v;
                        if grad {
                            dint[0] -= a.ln() * v;
                            dint[1] -= rx / a * v;
                            dint[2] -= b.ln() * v;
                            dint[3] -= (s + 1.0) / b * v;
                            for (q, z) in zp.iter().enumerate() {
                                let fq = f[q] + z * cp * (u - lo);
                                dint[4 + q] -= rx / a * fq * v;
                            }
                            for (q, &zq) in zd.iter().enumerate() {
                                let gq = g[q] + zq * cd * (u - lo);
                                dint[4 + np + q] += (zq - (s + 1.0) / b * gq) * v;
                            }
                        }
                    }
                }
            }
            ep += cp * len;
            ed += cd * len;
            for (q, z) in zp.iter().enumerate() {
                f[q] += z * cp * len;
            }
            for (q, z) in zd.iter().enumerate() {
                g[q] += z * cd * len;
            }
        }
        let (at, bt) = (alpha + ep, beta + ed);
        let ln_p = -rx * at.ln() + s * beta.ln() - s * bt.ln();
        let ln_d = if int > 0.0 {
            s.ln() + s * beta.ln() + shift + int.ln()
        } else {
            f64::NEG_INFINITY
        };
        let mx = ln_p.max(ln_d);
        let (wp, wd) = ((ln_p - mx).exp(), (ln_d - mx).exp());
        let total = wp + wd;
        let head = ln_gamma(rx) - ln_gamma(r) + r * alpha.ln();
        let gamma_sum: f64 = gp.iter().zip(&sum_z).map(|(g, z)| g * z).sum();
        let ll = gamma_sum + head + mx + total.ln();
        let mut out = vec![0.0; if grad { nk } else { 0 }];
        if grad {
            // d ln(P + D) = (P·d ln P + D·d ln D)/(P + D); D's parts relative
            // to its integral.
            let (fp, fd) = (wp / total, wd / total);
            let di = |j: usize| if int > 0.0 { dint[j] / int } else { 0.0 };
            out[0] = digamma(rx) - digamma(r) + alpha.ln() + fp * (-at.ln()) + fd * di(0);
            out[1] = r / alpha + fp * (-rx / at) + fd * di(1);
            out[2] = fp * (beta.ln() - bt.ln()) + fd * (1.0 / s + beta.ln() + di(2));
            out[3] = fp * (s / beta - s / bt) + fd * (s / beta + di(3));
            for q in 0..np {
                out[4 + q] = sum_z[q] + fp * (-rx / at * f[q]) + fd * di(4 + q);
            }
            for q in 0..nd {
                out[4 + np + q] = fp * (-s / bt * g[q]) + fd * di(4 + np + q);
            }
        }
        Terms {
            ll,
            grad: out,
            p_alive: fp_alive(wp, total),
            e_p_t: ep,
            e_d_t: ed,
        }
    }

    /// Expected purchases in (T, T + h] of customer i: P(alive)·E[λ|alive]·
    /// ∫_T^{T+h} e^{γ_pᵀz(u)}((β+E_d(T))/(β+E_d(u)))ˢ du.
    fn expected(&self, theta: &[f64], i: usize, horizon: f64) -> f64 {
        let terms = self.terms(theta, i, false);
        let (r, alpha, s, beta) = (theta[0], theta[1], theta[2], theta[3]);
        let np = self.purchase.len();
        let gp = &theta[4..4 + np];
        let gd = &theta[4 + np..];
        let t = self.t[i];
        let rate = (r + self.x[i]) / (alpha + terms.e_p_t);
        let bt = beta + terms.e_d_t;
        let mut ed = terms.e_d_t;
        let mut total = 0.0;
        for (k, lo, hi) in self.segments(i, t + horizon) {
            if hi <= t {
                continue;
            }
            let lo = lo.max(t);
            let (lp, ld) = self.log_rates(i, k, gp, gd);
            let (cp, cd) = (lp.exp(), ld.exp());
            // ∫_lo^hi cp·(bt/(ed + cd(u−lo) + β))ˢ du in closed form.
            let b0 = beta + ed;
            let b1 = b0 + cd * (hi - lo);
            let part = if (s - 1.0).abs() < 1e-12 {
                cp * bt / cd * (b1 / b0).ln()
            } else {
                cp * bt.powf(s) / (cd * (1.0 - s)) * (b1.powf(1.0 - s) - b0.powf(1.0 - s))
            };
            total += part;
            ed += cd * (hi - lo);
        }
        terms.p_alive * rate * total
    }
}

fn fp_alive(wp: f64, total: f64) -> f64 {
    wp / total
}

/// Validates the summary, the grid and the period covariates; the design
/// of `options` (purchase and drop-out covariates; no shared ones).
fn design<'a>(
    data: &CustomerData<'a>,
    periods: &'a PeriodCovariates<'a>,
    options: &CovariateOptions,
    horizon: f64,
) -> Result<Design<'a>> {
    data.validate()?;
    let n = data.len();
    if n == 0 {
        return Err(CxError::Empty {
            argument: "customers",
        });
    }
    let b = periods.boundaries;
    if b.len() < 2 {
        return Err(CxError::invalid(
            "boundaries",
            b.len(),
            "at least two calendar times (one period)",
        ));
    }
    for (j, w) in b.windows(2).enumerate() {
        if !(w[0].is_finite() && w[1].is_finite() && w[1] > w[0]) {
            return Err(CxError::OutOfRange {
                argument: "boundaries",
                index: j + 1,
                value: w[1].to_string(),
                allowed: format!("finite and above the previous boundary ({})", w[0]),
            });
        }
    }
    let k = b.len() - 1;
    let m = periods.names.len();
    CxError::check_len("first", periods.first.len(), "frequency", n)?;
    CxError::check_len("columns", periods.columns.len(), "names", m)?;
    for (name, col) in periods.names.iter().zip(periods.columns) {
        if col.len() != n * k {
            return Err(super::covariate_error(
                name,
                None,
                format!(
                    "it has {} values; customers × periods is {n} × {k} = {}",
                    col.len(),
                    n * k
                ),
            ));
        }
    }
    CxError::check_len("purchases", periods.purchases.len(), "customers × periods", n * k)?;
    for (j, name) in periods.names.iter().enumerate() {
        if periods.names[..j].contains(name) {
            return Err(super::covariate_error(
                name,
                None,
                "the name is given twice".into(),
            ));
        }
    }
    let span = |i: usize| (periods.first[i], periods.first[i] + data.t[i] + horizon);
    for i in 0..n {
        let (c0, c1) = span(i);
        if !c0.is_finite() {
            return Err(CxError::NotFinite {
                argument: "first",
                index: i,
                value: c0,
            });
        }
        if c0 < b[0] || c1 > b[k] {
            return Err(CxError::OutOfRange {
                argument: "first",
                index: i,
                value: format!("{c0} (observed until {c1})"),
                allowed: format!(
                    "a window inside the periods' span [{}, {}]: the period covariates must cover every customer's observation{}",
                    b[0],
                    b[k],
                    if horizon > 0.0 { " and the horizon" } else { "" }
                ),
            });
        }
        let mut repeats = 0.0;
        for p in 0..k {
            let v = periods.purchases[i * k + p];
            if !(v >= 0.0 && v.fract() == 0.0) {
                return Err(CxError::OutOfRange {
                    argument: "purchases",
                    index: i * k + p,
                    value: v.to_string(),
                    allowed: format!("a whole number >= 0 (customer row {i}, period {p})"),
                });
            }
            if v > 0.0 && (b[p + 1] <= c0 || b[p] > c0 + data.t[i]) {
                return Err(CxError::OutOfRange {
                    argument: "purchases",
                    index: i * k + p,
                    value: v.to_string(),
                    allowed: format!("0: period {p} lies outside customer row {i}'s observation"),
                });
            }
            repeats += v;
        }
        if repeats != data.frequency[i] {
            return Err(CxError::Incompatible {
                argument: "purchases",
                left: format!("customer row {i}: {repeats} repeat purchases over the periods"),
                right: format!("frequency {}", data.frequency[i]),
            });
        }
        for p in 0..k {
            if b[p + 1] <= c0 || b[p] >= c1 {
                continue;
            }
            for (j, name) in periods.names.iter().enumerate() {
                let v = periods.columns[j][i * k + p];
                if !v.is_finite() {
                    return Err(super::covariate_error(
                        name,
                        Some(i),
                        format!(
                            "customer row {i}, period {p} is {v}; covariates must be finite in every period a customer is observed"
                        ),
                    ));
                }
            }
        }
    }
    if !options.shared.is_empty() {
        return Err(super::covariate_error(
            &options.shared[0],
            None,
            "shared coefficients are not available with time-varying covariates".into(),
        ));
    }
    let column = |name: &String| -> Result<usize> {
        periods.names.iter().position(|n| n == name).ok_or_else(|| {
            super::covariate_error(
                name,
                None,
                format!(
                    "no such column among the covariates ({})",
                    periods.names.join(", ")
                ),
            )
        })
    };
    let pick = |list: &Option<Vec<String>>| -> Result<Vec<usize>> {
        match list {
            Some(v) => v.iter().map(column).collect(),
            None => Ok((0..m).collect()),
        }
    };
    let purchase = pick(&options.purchase)?;
    let dropout = pick(&options.dropout)?;
    if purchase.is_empty() && dropout.is_empty() {
        return Err(CxError::Empty {
            argument: "covariates",
        });
    }
    Ok(Design {
        x: data.frequency,
        tx: data.recency,
        t: data.t,
        p: periods,
        k,
        m,
        purchase,
        dropout,
    })
}

/// Fits the Pareto/NBD model with time-varying covariates. The result is a
/// [`CovariateModel`] with `time_varying: true`: its coefficients act on the
/// rates period by period; [`predict_dynamic`] scores customers with their
/// period covariates.
///
/// # Errors
/// The summary's input errors; [`CxError::OutOfRange`] for boundaries that
/// do not increase, a customer whose observation window the periods do not
/// cover (naming the customer row), repeat purchases per period that are
/// not whole numbers or lie outside the window; [`CxError::Incompatible`]
/// when they do not add up to the frequency; [`CxError::Covariate`] for a
/// non-finite value (customer and period), an unknown name, a shared
/// coefficient; [`CxError::NotConverged`] unless `accept_unconverged`.
pub fn fit_dynamic_covariates(
    data: &CustomerData<'_>,
    periods: &PeriodCovariates<'_>,
    options: &CovariateOptions,
) -> Result<CovariateModel> {
    let level = check_level(options.level)?;
    for (name, v) in [
        ("penalty_purchase", options.penalty_purchase),
        ("penalty_dropout", options.penalty_dropout),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(CxError::invalid(name, v, "a number >= 0"));
        }
    }
    let d = design(data, periods, options, 0.0)?;
    let (np, nd) = (d.purchase.len(), d.dropout.len());
    let nk = 4 + np + nd;
    let n = data.len() as f64;
    // The model without covariates: the start and the null.
    let rows = data.rows_weighted(None)?;
    let free = FitOptions {
        accept_unconverged: true,
        ..FitOptions::default()
    };
    let (p0, null_report) = fit::<pareto::PnbdModel>(&rows, &free)?;
    let penalties: Vec<f64> = (0..np)
        .map(|_| options.penalty_purchase)
        .chain((0..nd).map(|_| options.penalty_dropout))
        .collect();
    let total = |phi: &[f64], with_grad: bool| -> (f64, Vec<f64>) {
        let theta: Vec<f64> = phi[..4]
            .iter()
            .map(|v| v.exp())
            .chain(phi[4..].iter().copied())
            .collect();
        let (ll, g) = sum_rows(d.x.len(), nk, 64, |i, g| {
            let t = d.terms(&theta, i, with_grad);
            if with_grad {
                g.copy_from_slice(&t.grad);
            }
            t.ll
        });
        // In φ: ∂/∂ln θⱼ = θⱼ·∂/∂θⱼ for the four rate parameters.
        let g = g
            .iter()
            .enumerate()
            .map(|(j, v)| if j < 4 { v * theta[j] } else { *v })
            .collect();
        (ll, g)
    };
    let objective = |phi: &[f64], with_grad: bool| -> (f64, Vec<f64>) {
        if phi.iter().any(|v| !v.is_finite() || v.abs() > 40.0) {
            return (1e100, vec![0.0; nk]);
        }
        let (ll, g) = total(phi, with_grad);
        let pen: f64 = penalties.iter().zip(&phi[4..]).map(|(l, g)| l * g * g).sum();
        let cost = -ll / n + pen;
        if !cost.is_finite() {
            return (1e100, vec![0.0; nk]);
        }
        let mut grad: Vec<f64> = g.iter().map(|v| -v / n).collect();
        if with_grad {
            for (c, l) in penalties.iter().enumerate() {
                grad[4 + c] += 2.0 * l * phi[4 + c];
            }
        }
        (cost, grad)
    };
    let mut phi0: Vec<f64> = p0.iter().map(|v| v.ln()).collect();
    phi0.resize(nk, 0.0);
    let run = optimize("fit_dynamic_covariates", &objective, phi0, options)?;
    let phi = run.phi.clone();
    let (ll, _) = total(&phi, false);
    // Covariance from the Hessian of the penalized −ln L (central
    // differences of the analytic gradient) in φ.
    let h = 1e-5;
    let mut hess = vec![vec![0.0; nk]; nk];
    for a in 0..nk {
        let (mut up, mut down) = (phi.clone(), phi.clone());
        up[a] += h;
        down[a] -= h;
        let (gu, gd) = (objective(&up, true).1, objective(&down, true).1);
        for b in 0..nk {
            hess[a][b] = n * (gu[b] - gd[b]) / (2.0 * h);
        }
    }
    for a in 0..nk {
        for b in 0..a {
            let v = 0.5 * (hess[a][b] + hess[b][a]);
            hess[a][b] = v;
            hess[b][a] = v;
        }
    }
    let covariance = invert_spd(&hess);
    let zc = z_critical(level);
    let processes = (0..np)
        .map(|q| (d.purchase[q], Process::Purchase))
        .chain((0..nd).map(|q| (d.dropout[q], Process::Dropout)));
    let coefficients: Vec<Coefficient> = processes
        .enumerate()
        .map(|(c, (col, process))| {
            let se = covariance.as_ref().map(|v| v[4 + c][4 + c].sqrt());
            coefficient(&periods.names[col], process, phi[4 + c], se, zc)
        })
        .collect();
    let base = AnyModel::ParetoNbd(ParetoNbd::new(
        phi[0].exp(),
        phi[1].exp(),
        phi[2].exp(),
        phi[3].exp(),
    )?);
    // Means over the observed customer-periods, where effects are taken.
    let mut means = vec![0.0; d.m];
    let mut cells = 0.0_f64;
    for i in 0..data.len() {
        for (p, _, _) in d.segments(i, data.t[i]) {
            cells += 1.0;
            for (j, mean) in means.iter_mut().enumerate() {
                *mean += d.z(i, p, j);
            }
        }
    }
    means.iter_mut().for_each(|v| *v /= cells.max(1.0));
    let fit = report(ll, null_report.log_likelihood, data.len(), nk, run, options);
    let mut model = CovariateModel {
        base,
        covariates: periods.names.to_vec(),
        means,
        coefficients,
        effects: Vec::new(),
        covariance,
        level,
        time_varying: true,
        fit: Some(fit),
    };
    model.effects = model.effects_at_means()?;
    Ok(model)
}

/// `prediction` for every customer of `data` with its period covariates,
/// under the (time-varying or time-invariant) Pareto/NBD covariate model
/// `model`. Every covariate of the model must be among `periods.names`.
///
/// # Errors
/// As [`fit_dynamic_covariates`]'s input checks (the grid must also cover
/// T + horizon); [`CxError::InvalidParameter`] for a model that is not
/// Pareto/NBD or an invalid horizon.
pub fn predict_dynamic(
    model: &CovariateModel,
    prediction: &DynamicPrediction,
    data: &CustomerData<'_>,
    periods: &PeriodCovariates<'_>,
) -> Result<Vec<f64>> {
    model.check()?;
    let AnyModel::ParetoNbd(base) = &model.base else {
        return Err(CxError::invalid(
            "model",
            super::model_name(&model.base),
            "a pareto_nbd covariate model (time-varying covariates are defined for Pareto/NBD)",
        ));
    };
    let horizon = match prediction {
        DynamicPrediction::ConditionalExpectedPurchases { horizon } => {
            super::check_horizon(*horizon)?;
            *horizon
        }
        _ => 0.0,
    };
    let names = |p: Process| -> Vec<String> {
        model
            .coefficients
            .iter()
            .filter(|c| c.process == p)
            .map(|c| c.covariate.clone())
            .collect()
    };
    if model.coefficients.iter().any(|c| c.process == Process::Both) {
        return Err(CxError::invalid(
            "model",
            "shared coefficients",
            "a model with purchase and dropout coefficients only",
        ));
    }
    let options = CovariateOptions {
        purchase: Some(names(Process::Purchase)),
        dropout: Some(names(Process::Dropout)),
        ..CovariateOptions::default()
    };
    let d = design(data, periods, &options, horizon)?;
    let _ = base;
    let theta: Vec<f64> = model
        .base
        .params()
        .iter()
        .map(|(_, v)| *v)
        .chain(
            model
                .coefficients
                .iter()
                .filter(|c| c.process == Process::Purchase)
                .map(|c| c.estimate),
        )
        .chain(
            model
                .coefficients
                .iter()
                .filter(|c| c.process == Process::Dropout)
                .map(|c| c.estimate),
        )
        .collect();
    super::per_row(data.len(), |i| {
        Ok(match prediction {
            DynamicPrediction::LogLikelihood => d.terms(&theta, i, false).ll,
            DynamicPrediction::ProbabilityAlive => d.terms(&theta, i, false).p_alive,
            DynamicPrediction::ConditionalExpectedPurchases { horizon } => d.expected(&theta, i, *horizon),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Customers on a weekly grid with two covariates that change by week.
    struct Fixture {
        x: Vec<f64>,
        tx: Vec<f64>,
        t: Vec<f64>,
        names: Vec<String>,
        boundaries: Vec<f64>,
        first: Vec<f64>,
        values: Vec<Vec<f64>>,
        purchases: Vec<f64>,
    }

    fn fixture() -> Fixture {
        let n = 30;
        let k = 20;
        let x: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
        let first: Vec<f64> = (0..n).map(|i| (i % 7) as f64 * 0.9 + 0.3).collect();
        let t: Vec<f64> = first.iter().map(|f| 19.5 - f).collect();
        let tx: Vec<f64> = (0..n)
            .map(|i| {
                if x[i] > 0.0 {
                    t[i] * (0.2 + 0.07 * (i % 11) as f64)
                } else {
                    0.0
                }
            })
            .collect();
        let boundaries: Vec<f64> = (0..=k).map(|w| w as f64).collect();
        let mut values = vec![vec![0.0; n * k]; 2];
        let mut purchases = vec![0.0; n * k];
        for i in 0..n {
            for p in 0..k {
                values[0][i * k + p] = if (5..9).contains(&p) { 1.0 } else { 0.0 };
                values[1][i * k + p] = ((i * 3 + p * 7) % 5) as f64 / 4.0 - 0.5;
            }
            if x[i] > 0.0 {
                // The last repeat purchase in the period of tₓ, the others spread before it.
                let last = (first[i] + tx[i]).floor() as usize;
                purchases[i * k + last] += 1.0;
                for j in 1..x[i] as usize {
                    let at = first[i] + tx[i] * j as f64 / x[i];
                    purchases[i * k + at.floor() as usize] += 1.0;
                }
            }
        }
        Fixture {
            x,
            tx,
            t,
            names: vec!["campaign".into(), "mood".into()],
            boundaries,
            first,
            values,
            purchases,
        }
    }

    impl Fixture {
        fn periods<'a>(&'a self, cols: &'a [&'a [f64]]) -> PeriodCovariates<'a> {
            PeriodCovariates {
                names: &self.names,
                boundaries: &self.boundaries,
                first: &self.first,
                columns: cols,
                purchases: &self.purchases,
            }
        }
        fn data(&self) -> CustomerData<'_> {
            CustomerData {
                frequency: &self.x,
                recency: &self.tx,
                t: &self.t,
            }
        }
    }

    /// The analytic gradient against central differences of ln L.
    #[test]
    fn gradient_matches_finite_differences() {
        let f = fixture();
        let cols: Vec<&[f64]> = f.values.iter().map(Vec::as_slice).collect();
        let periods = f.periods(&cols);
        let d = design(&f.data(), &periods, &CovariateOptions::default(), 0.0).expect("design");
        let theta = [0.6, 4.0, 0.9, 6.0, 0.4, -0.3, -0.5, 0.7];
        for i in [0, 3, 7, 12, 29] {
            let g = d.terms(&theta, i, true).grad;
            for j in 0..theta.len() {
                let h = 1e-6 * theta[j].abs().max(1.0);
                let (mut up, mut down) = (theta, theta);
                up[j] += h;
                down[j] -= h;
                let fd = (d.terms(&up, i, false).ll - d.terms(&down, i, false).ll) / (2.0 * h);
                assert!(
                    (g[j] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                    "customer {i}, parameter {j}: {} vs {fd}",
                    g[j]
                );
            }
        }
    }

    /// With γ = 0 the likelihood is Pareto/NBD's, whatever the covariates.
    #[test]
    fn zero_coefficients_are_pareto_nbd() {
        let f = fixture();
        let cols: Vec<&[f64]> = f.values.iter().map(Vec::as_slice).collect();
        let periods = f.periods(&cols);
        let d = design(&f.data(), &periods, &CovariateOptions::default(), 0.0).expect("design");
        let theta = [0.6, 4.0, 0.9, 6.0, 0.0, 0.0, 0.0, 0.0];
        let m = ParetoNbd::new(0.6, 4.0, 0.9, 6.0).expect("model");
        for i in 0..f.x.len() {
            let want = m.log_likelihood(f.x[i], f.tx[i], f.t[i]);
            let got = d.terms(&theta, i, false).ll;
            assert!(
                (got - want).abs() < 1e-11 * want.abs(),
                "customer {i}: {got} vs {want}"
            );
        }
    }
}
