//! Pareto/NBD (Schmittlein, Morrison & Colombo 1987).

use serde::{Deserialize, Serialize};

use super::data::{CustomerData, Rows};
use super::fit::{FitOptions, FitReport, Model, fit, numeric_grad};
use super::special::{digamma, hyp2f1_ln, hyp2f1_ln_grad, ln_gamma, ln_integral, log_add_exp, log_sub_exp};
use super::{ChurnModel, check_params, logistic_of_neg, one_minus_exp};
use crate::error::Result;

/// ln A₀ of Fader & Hardie (2005), "A note on deriving the Pareto/NBD model
/// and related expressions", eq. (19)–(20): the dropout-before-T part of the
/// likelihood, a difference of two ₂F₁ terms taken in log space.
fn ln_a0(r: f64, alpha: f64, s: f64, beta: f64, x: f64, tx: f64, t: f64) -> f64 {
    let c = r + s + x;
    // With α and β far apart the ₂F₁ argument approaches 1 and its series
    // crawls; then use the integral the note derives A₀ from:
    // s/(r+s+x)·A₀ = s∫_{tₓ}^{T} (α+τ)^{−(r+x)}(β+τ)^{−(s+1)} dτ,
    // integrated over v = ln(κ+τ), κ = min(α, β).
    let z = (alpha - beta).abs() / (alpha.max(beta) + tx);
    if z > 0.95 {
        let kappa = alpha.min(beta);
        // The integrand relative to its value at τ = tₓ, each logarithm as
        // ln_1p of a small ratio: with s and β in the thousands the absolute
        // terms reach 10⁴, and their rounding alone (1e-12 relative) would
        // keep the quadrature from ever meeting its 1e-13 tolerance.
        let va = (kappa + tx).ln();
        let ln_f = |v: f64| {
            let d = va.exp() * (v - va).exp_m1(); // τ − tₓ
            -(r + x) * (d / (alpha + tx)).ln_1p() - (s + 1.0) * (d / (beta + tx)).ln_1p() + (v - va)
        };
        let at_tx = -(r + x) * (alpha + tx).ln() - (s + 1.0) * (beta + tx).ln() + va;
        let ln_int = at_tx + ln_integral(&ln_f, va, (kappa + t).ln());
        // Undo the s/(r+s+x) factor that `parts` applies.
        return ln_int + (c).ln();
    }
    let term = |y: f64| -> f64 {
        if alpha >= beta {
            let z = (alpha - beta) / (alpha + y);
            hyp2f1_ln(c, s + 1.0, c + 1.0, z) - c * (alpha + y).ln()
        } else {
            let z = (beta - alpha) / (beta + y);
            hyp2f1_ln(c, r + x, c + 1.0, z) - c * (beta + y).ln()
        }
    };
    log_sub_exp(term(tx), term(t))
}

/// ln of the "still alive at T" likelihood term and of the dropped-out term.
fn parts(p: &[f64], x: f64, tx: f64, t: f64) -> (f64, f64, f64) {
    let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]);
    let head = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln() + s * beta.ln();
    let alive = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
    let dropped = (s / (r + s + x)).ln() + ln_a0(r, alpha, s, beta, x, tx, t);
    (head, alive, dropped)
}

/// ln L(r, α, s, β | x, tₓ, T) = ln[Γ(r+x)αʳβˢ/Γ(r)] +
/// ln[(α+T)^{−(r+x)}(β+T)^{−s} + s/(r+s+x)·A₀].
fn ll(p: &[f64], x: f64, tx: f64, t: f64) -> f64 {
    let (head, alive, dropped) = parts(p, x, tx, t);
    head + log_add_exp(alive, dropped)
}

/// ∇ of one ₂F₁ term of A₀, ln ₂F₁(…; z(y)) − c·ln(m + y), in (r, α, s, β).
fn a0_term_grad(p: &[f64], x: f64, y: f64) -> Option<(f64, [f64; 4])> {
    let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]);
    let c = r + s + x;
    if alpha >= beta {
        // ₂F₁(c, s+1; c+1; (α−β)/(α+y)) / (α+y)^c
        let z = (alpha - beta) / (alpha + y);
        let (v, d) = hyp2f1_ln_grad(c, s + 1.0, c + 1.0, z)?;
        let l = (alpha + y).ln();
        let dz_da = (beta + y) / ((alpha + y) * (alpha + y));
        let dz_db = -1.0 / (alpha + y);
        Some((
            v - c * l,
            [
                d[0] + d[2] - l,
                d[3] * dz_da - c / (alpha + y),
                d[0] + d[1] + d[2] - l,
                d[3] * dz_db,
            ],
        ))
    } else {
        // ₂F₁(c, r+x; c+1; (β−α)/(β+y)) / (β+y)^c
        let z = (beta - alpha) / (beta + y);
        let (v, d) = hyp2f1_ln_grad(c, r + x, c + 1.0, z)?;
        let l = (beta + y).ln();
        let dz_db = (alpha + y) / ((beta + y) * (beta + y));
        let dz_da = -1.0 / (beta + y);
        Some((
            v - c * l,
            [
                d[0] + d[1] + d[2] - l,
                d[3] * dz_da,
                d[0] + d[2] - l,
                d[3] * dz_db - c / (beta + y),
            ],
        ))
    }
}

/// ln L and its gradient in (r, α, s, β), analytically: the ₂F₁ terms by
/// [`hyp2f1_ln_grad`]. `None` where A₀ needs the quadrature form.
fn ll_grad(p: &[f64], x: f64, tx: f64, t: f64) -> Option<(f64, [f64; 4])> {
    let r = p[0];
    let x_terms = [ln_gamma(r + x) - ln_gamma(r), digamma(r + x) - digamma(r)];
    ll_grad_prepared(p, &x_terms, x, tx, t)
}

/// [`ll_grad`] with ln Γ(r+x) − ln Γ(r) and ψ(r+x) − ψ(r) given.
fn ll_grad_prepared(p: &[f64], x_terms: &[f64], x: f64, tx: f64, t: f64) -> Option<(f64, [f64; 4])> {
    let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3]);
    if (alpha - beta).abs() / (alpha.max(beta) + tx) > 0.95 {
        return None;
    }
    let c = r + s + x;
    let head = x_terms[0] + r * alpha.ln() + s * beta.ln();
    let g_head = [x_terms[1] + alpha.ln(), r / alpha, beta.ln(), s / beta];
    let alive = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
    let g_alive = [
        -(alpha + t).ln(),
        -(r + x) / (alpha + t),
        -(beta + t).ln(),
        -s / (beta + t),
    ];
    // ln A₀ = ln(e^{u₁} − e^{u₂}), u₁ = term(tₓ) ≥ u₂ = term(T).
    let (u1, g1) = a0_term_grad(p, x, tx)?;
    let (u2, g2) = a0_term_grad(p, x, t)?;
    let ln_a0 = log_sub_exp(u1, u2);
    let dropped = (s / c).ln() + ln_a0;
    let total = log_add_exp(alive, dropped);
    let w_alive = (alive - total).exp();
    let w_dropped = (dropped - total).exp();
    let mut g = [0.0; 4];
    for j in 0..4 {
        g[j] = g_head[j] + w_alive * g_alive[j];
    }
    if w_dropped > 0.0 {
        // ∇ln A₀ = (∇u₁ − w∇u₂)/(1 − w), w = e^{u₂−u₁} < 1.
        let w = (u2 - u1).exp();
        let g_drop = [-1.0 / c, 0.0, 1.0 / s - 1.0 / c, 0.0];
        for j in 0..4 {
            g[j] += w_dropped * (g_drop[j] + (g1[j] - w * g2[j]) / (1.0 - w));
        }
    }
    Some((head + total, g))
}

pub(crate) struct PnbdModel;

impl Model for PnbdModel {
    const NAMES: &'static [&'static str] = &["r", "alpha", "s", "beta"];
    const TIME_SCALES: &'static [usize] = &[1, 3];
    const PENALTY_PER_CUSTOMER: bool = true;
    fn ll(p: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
        if let Some(g) = g {
            if let Some((v, grad)) = ll_grad(p, x, tx, t) {
                g.copy_from_slice(&grad);
                return v;
            }
            // Where the series derivatives do not apply (A₀ by quadrature),
            // central differences on the log scale.
            numeric_grad(p, g, |q| ll(q, x, tx, t));
        }
        ll(p, x, tx, t)
    }
    const PREPARED: usize = 2;
    // A row costs about a microsecond (two ₂F₁ series with derivatives).
    const PARALLEL_FROM: usize = 256;
    fn prepare(p: &[f64], x: f64, _with_grad: bool, out: &mut [f64]) {
        out[0] = ln_gamma(p[0] + x) - ln_gamma(p[0]);
        out[1] = digamma(p[0] + x) - digamma(p[0]);
    }
    fn ll_prepared(p: &[f64], pre: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
        if let Some((v, grad)) = ll_grad_prepared(p, pre, x, tx, t) {
            if let Some(g) = g {
                g.copy_from_slice(&grad);
            }
            return v;
        }
        Self::ll(p, x, tx, t, g)
    }
    fn initial(rows: &Rows) -> Vec<f64> {
        let (mut fx, mut ft) = (0.0, 0.0);
        for i in 0..rows.x.len() {
            fx += rows.w[i] * rows.x[i];
            ft += rows.w[i] * rows.t[i];
        }
        let rate = (fx / ft.max(1e-12)).max(1e-6);
        let mean_t = ft / rows.total;
        vec![1.0, 1.0 / rate, 1.0, mean_t.max(1.0)]
    }
}

/// A fitted (or given) Pareto/NBD model: purchases at rate λ ~ Gamma(r, α)
/// while alive; lifetimes exponential with rate μ ~ Gamma(s, β).
///
/// # Examples
/// ```
/// use cx::churn::{ChurnModel, ParetoNbd};
/// // The CDNOW fit (Fader, Hardie & Shang 2005, "A note on deriving the Pareto/NBD model").
/// let m = ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284)?;
/// assert!((m.probability_alive(26.0, 30.86, 31.0) - 0.997918).abs() < 1e-6);
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::raw::ParetoNbd")]
pub struct ParetoNbd {
    /// Shape of the purchase-rate gamma.
    pub(crate) r: f64,
    /// Scale (rate) of the purchase-rate gamma.
    pub(crate) alpha: f64,
    /// Shape of the dropout-rate gamma.
    pub(crate) s: f64,
    /// Scale (rate) of the dropout-rate gamma.
    pub(crate) beta: f64,
    /// How the fit went, when the model was fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fit: Option<FitReport>,
}

impl ParetoNbd {
    /// A model with given parameters.
    ///
    /// # Errors
    /// [`crate::CxError::InvalidParameter`] unless all are positive and finite.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        check_params(&[("r", r), ("alpha", alpha), ("s", s), ("beta", beta)])?;
        Ok(ParetoNbd {
            r,
            alpha,
            s,
            beta,
            fit: None,
        })
    }

    /// Maximum-likelihood fit to customer summaries.
    ///
    /// # Errors
    /// As [`super::BetaGeo::fit`].
    pub fn fit(data: &CustomerData<'_>, options: &FitOptions) -> Result<Self> {
        Self::fit_weighted(data, None, options)
    }

    /// [`fit`](Self::fit) where row i stands for `weights[i]` customers
    /// (lifetimes' `weights`).
    ///
    /// # Errors
    /// As [`fit`](Self::fit); bad weights, naming the row.
    pub fn fit_weighted(
        data: &CustomerData<'_>,
        weights: Option<&[f64]>,
        options: &FitOptions,
    ) -> Result<Self> {
        let rows = data.rows_weighted(weights)?;
        let (p, report) = fit::<PnbdModel>(&rows, options)?;
        Ok(ParetoNbd {
            r: p[0],
            alpha: p[1],
            s: p[2],
            beta: p[3],
            fit: Some(report),
        })
    }

    fn params(&self) -> [f64; 4] {
        [self.r, self.alpha, self.s, self.beta]
    }

    /// ln L of one customer at these parameters.
    pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        ll(&self.params(), x, tx, t)
    }
}

/// [1 − (u)^{s−1}]/(s − 1) for 0 < u ≤ 1, continuous at s = 1 (−ln u).
fn power_ratio(u: f64, s: f64) -> f64 {
    let lu = u.ln();
    let e = s - 1.0;
    if e.abs() < 1e-10 {
        -lu
    } else {
        one_minus_exp(e * lu) / e
    }
}

impl ChurnModel for ParetoNbd {
    fn customer_log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
        self.log_likelihood(x, tx, t)
    }

    /// P(alive) = 1/(1 + s/(r+s+x)·(α+T)^{r+x}(β+T)^s·A₀) (Fader & Hardie
    /// 2005 note, eq. 18).
    fn probability_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
        let (_, alive, dropped) = parts(&self.params(), x, tx, t);
        logistic_of_neg(dropped - alive)
    }

    /// E[X(t) | x, tₓ, T] = P(alive)·(r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^{s−1}]
    /// (Fader & Hardie 2005 note, eq. 22; continuous at s = 1).
    fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let lead = (r + x) * (beta + t) / (alpha + t);
        self.probability_alive(x, tx, t) * lead * power_ratio((beta + t) / (beta + t + horizon), s)
    }

    fn conditional_pmf(&self, horizon: f64, n_max: usize, x: f64, tx: f64, t: f64) -> Vec<f64> {
        let pa = self.probability_alive(x, tx, t);
        super::forecast::pareto_pmf(self.params(), pa, horizon, x, t, n_max)
    }

    fn dert(&self, delta: f64, x: f64, tx: f64, t: f64) -> f64 {
        super::forecast::pareto_dert(self.params(), self.probability_alive(x, tx, t), delta, x, t)
    }

    /// P(alive) now times the chance of no death in the horizon,
    /// ((β+T)/(β+T+t))^s (Fader & Hardie note 015).
    fn probability_alive_at(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
        let (s, beta) = (self.s, self.beta);
        self.probability_alive(x, tx, t) * ((beta + t) / (beta + t + horizon)).powf(s)
    }

    /// E[X(t)] = rβ/(α(s−1))·[1 − (β/(β+t))^{s−1}].
    fn expected_purchases(&self, t: f64) -> f64 {
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        r * beta / alpha * power_ratio(beta / (beta + t), s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_gradient_matches_differences() {
        let params: [[f64; 4]; 3] = [
            [0.55, 10.58, 0.61, 11.67],
            [0.9, 20.0, 1.3, 8.0],
            [2.0, 3.0, 0.4, 30.0],
        ];
        for p in params {
            for &(x, tx, t) in &[
                (0.0, 0.0, 38.86),
                (2.0, 30.43, 38.86),
                (26.0, 30.86, 31.0),
                (7.0, 5.0, 52.0),
            ] {
                let (v, g) = ll_grad(&p, x, tx, t).expect("series form");
                assert!((v - ll(&p, x, tx, t)).abs() < 1e-12 * v.abs().max(1.0));
                let mut num = [0.0; 4];
                numeric_grad(&p, &mut num, |q| ll(q, x, tx, t));
                for j in 0..4 {
                    assert!(
                        (g[j] - num[j]).abs() <= 1e-6 * num[j].abs().max(1e-3),
                        "{p:?} {x} {tx} {t} d{j}: {} vs {}",
                        g[j],
                        num[j]
                    );
                }
            }
        }
    }

    #[test]
    fn a0_by_quadrature_is_exact_where_s_and_beta_run_to_thousands() {
        // Where a fit without drop-out evidence drifts (s, β → ∞), the
        // integrand's logarithms reach 10⁴; A₀ must still be exact (mpmath
        // reference at 40 digits: ln[(r+s+x)·∫(α+τ)^−(r+x)(β+τ)^−(s+1)dτ]).
        let (r, alpha, s, beta) = (2.06, 14.3, 1750.0, 49653.0);
        for (x, tx, t, want) in [
            (0.0, 0.0, 20.0, -18929.38226320943),
            (3.0, 12.5, 30.0, -18941.274214777743),
        ] {
            let got = ln_a0(r, alpha, s, beta, x, tx, t);
            assert!((got - want).abs() <= 1e-12 * want.abs(), "{got} vs {want}");
        }
    }

    #[test]
    fn series_and_integral_forms_of_a0_agree() {
        // Both ₂F₁ branches (α ≥ β and α < β), with z below the switch.
        for &(r, alpha, s, beta, x, tx, t) in &[
            (0.55, 10.58, 0.61, 11.67, 2.0, 30.43, 38.86),
            (0.9, 20.0, 1.3, 8.0, 5.0, 3.0, 40.0),
            (2.0, 3.0, 0.4, 30.0, 40.0, 25.0, 52.0),
        ] {
            let series = ln_a0(r, alpha, s, beta, x, tx, t);
            let kappa = f64::min(alpha, beta);
            let ln_f = |v: f64| {
                let tau = v.exp() - kappa;
                -(r + x) * (alpha + tau).ln() - (s + 1.0) * (beta + tau).ln() + v
            };
            let integral = ln_integral(&ln_f, (kappa + tx).ln(), (kappa + t).ln()) + (r + s + x).ln();
            assert!((series - integral).abs() < 1e-10, "{series} vs {integral}");
        }
    }
}
