//! BG/NBD (Fader, Hardie & Lee 2005) and MBG/NBD (Batislam, Denizel &
//! Filiztekin 2007).

use serde::{Deserialize, Serialize};

use super::data::{CustomerData, Rows};
use super::fit::{FitOptions, FitReport, Model, fit, sum_rows};
use super::forecast::{self, nbd_tail};
use super::special::{digamma, hyp2f1_ln, hyp2f1_ln_many, ln_beta, ln_gamma, trigamma};
use super::{ChurnModel, check_params, logistic_of_neg, one_minus_exp};
use crate::error::Result;

/// The two variants differ in when a customer may drop out: BG/NBD after a
/// repeat purchase only, MBG/NBD also right after the first purchase.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Variant {
    Bg,
    Mbg,
}

impl Variant {
    /// Offset of b in the "still alive" beta term (0 for BG, 1 for MBG).
    fn k(self) -> f64 {
        match self {
            Variant::Bg => 0.0,
            Variant::Mbg => 1.0,
        }
    }
}

/// ln L of one customer and its gradient in (r, α, a, b).
///
/// L = B(a, b+x+k)/B(a,b) · Γ(r+x)αʳ/(Γ(r)(α+T)^{r+x}) +
/// [x > 0 or MBG] B(a+1, b+x+k−1)/B(a,b) · Γ(r+x)αʳ/(Γ(r)(α+tₓ)^{r+x}),
/// with k = 0 (BG/NBD, FHL 2005 eq. 6) or 1 (MBG/NBD, Batislam et al. 2007).
fn ll(v: Variant, p: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
    let mut pre = [0.0; 8];
    prepare(v, p, x, g.is_some(), &mut pre);
    ll_prepared(&pre, p, x, tx, t, g)
}

/// The x-only terms of [`ll`]: ln Γ(r+x)−ln Γ(r)+r ln α, the two ln B
/// ratios, and their derivatives (see [`ll_prepared`]).
fn prepare(v: Variant, p: &[f64], x: f64, with_grad: bool, out: &mut [f64]) {
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let k = v.k();
    let lb = ln_beta(a, b);
    out[0] = ln_gamma(r + x) - ln_gamma(r) + r * alpha.ln();
    out[1] = ln_beta(a, b + x + k) - lb;
    let second = v == Variant::Mbg || x > 0.0;
    out[2] = if second {
        ln_beta(a + 1.0, b + x + k - 1.0) - lb
    } else {
        f64::NEG_INFINITY
    };
    if with_grad {
        let (dab, db) = (digamma(a + b), digamma(b));
        let dabxk = digamma(a + b + x + k);
        out[3] = digamma(r + x) - digamma(r) + alpha.ln();
        out[4] = dab - dabxk;
        out[5] = digamma(b + x + k) - dabxk - db + dab;
        if second {
            out[6] = digamma(a + 1.0) - dabxk - digamma(a) + dab;
            out[7] = digamma(b + x + k - 1.0) - dabxk - db + dab;
        } else {
            out[6] = 0.0;
            out[7] = 0.0;
        }
    }
}

/// [`ll`] from the prepared x-only terms: per row only the logarithms of
/// α + T and α + tₓ remain.
fn ll_prepared(pre: &[f64], p: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
    let alpha = p[1];
    ll_logs(pre, p, x, ((alpha + tx).ln(), (alpha + t).ln()), tx, t, g)
}

/// [`ll_prepared`] given ln(α + tₓ) and ln(α + T).
fn ll_logs(
    pre: &[f64],
    p: &[f64],
    x: f64,
    (ltx, lt): (f64, f64),
    tx: f64,
    t: f64,
    g: Option<&mut [f64]>,
) -> f64 {
    let (r, alpha) = (p[0], p[1]);
    let t1 = pre[1] - (r + x) * lt;
    let second = pre[2] > f64::NEG_INFINITY;
    let t2 = if second {
        pre[2] - (r + x) * ltx
    } else {
        f64::NEG_INFINITY
    };
    // ln(e^t1 + e^t2) = max + ln(1 + e^−|t1−t2|), and the share of the first
    // term from the same exponential: one exp and one ln per row. ln(1 + e)
    // rather than ln_1p(e) (a third of the row's time in glibc): with
    // 0 < e ≤ 1 the rounding of 1 + e is at most 1.1e-16 absolute, below an
    // ulp of the max it is added to whenever |max| ≥ 1.
    let (lse, w1) = if second {
        let e = (-(t1 - t2).abs()).exp();
        let y = 1.0 + e;
        let lse = t1.max(t2) + y.ln();
        (lse, if t1 >= t2 { 1.0 / y } else { e / y })
    } else {
        (t1, 1.0)
    };
    if let Some(g) = g {
        let w2 = 1.0 - w1;
        g[0] = pre[3] - w1 * lt - w2 * ltx;
        g[1] = r / alpha - (r + x) * (w1 / (alpha + t) + w2 / (alpha + tx));
        g[2] = w1 * pre[4] + w2 * pre[6];
        g[3] = w1 * pre[5] + w2 * pre[7];
    }
    pre[0] + lse
}

/// The Hessian of −ln L in φ = ln θ, summed over the rows in one pass
/// (the standard errors; central differences of the gradient took eight).
///
/// Per row ln L = P₀ + ln(e^{A₁} + e^{A₂}) with P₀ = ln Γ(r+x) − ln Γ(r) +
/// r ln α, A₁ = ln B(a, b+x+k) − ln B(a, b) − (r+x) ln(α+T) and A₂ the same
/// with B(a+1, b+x+k−1) and tₓ (absent for BG/NBD when x = 0). With
/// wⱼ = e^{Aⱼ}/(e^{A₁}+e^{A₂}), the Hessian is H(P₀) + w₁H(A₁) + w₂H(A₂) +
/// w₁w₂(∇A₁−∇A₂)(∇A₁−∇A₂)ᵀ, whose pieces are ψ′ (trigamma) of the beta and
/// gamma arguments and the derivatives of (r+x) ln(α+·). In φ:
/// ∂²/∂φᵢ∂φⱼ = θᵢθⱼ Hᵢⱼ + δᵢⱼ θᵢ ∂/∂θᵢ.
fn neg_hessian_phi(v: Variant, rows: &Rows, phi: &[f64]) -> Vec<Vec<f64>> {
    let p: Vec<f64> = phi.iter().map(|f| f.exp()).collect();
    let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
    let k = v.k();
    // Per distinct x: the 8 prepared terms, then ψ′(r+x) − ψ′(r) and the
    // (a, b) blocks (aa, ab, bb) of the two beta-function ratios.
    const W: usize = 15;
    let (t_ab, t_b, t_r) = (trigamma(a + b), trigamma(b), trigamma(r));
    let mut pre = vec![0.0; rows.xs.len() * W];
    for (j, &x) in rows.xs.iter().enumerate() {
        let o = &mut pre[j * W..(j + 1) * W];
        prepare(v, &p, x, true, &mut o[..8]);
        let t_abxk = trigamma(a + b + x + k);
        o[8] = trigamma(r + x) - t_r;
        o[9] = t_ab - t_abxk;
        o[10] = t_ab - t_abxk;
        o[11] = trigamma(b + x + k) - t_abxk - t_b + t_ab;
        if o[2] > f64::NEG_INFINITY {
            o[12] = trigamma(a + 1.0) - t_abxk - trigamma(a) + t_ab;
            o[13] = t_ab - t_abxk;
            o[14] = trigamma(b + x + k - 1.0) - t_abxk - t_b + t_ab;
        }
    }
    // Upper triangle of the 4×4 Hessian in θ, then the gradient.
    const IJ: [(usize, usize); 10] = [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 2),
        (2, 3),
        (3, 3),
    ];
    let (_, sums) = sum_rows(rows.x.len(), 14, 20_000, |i, out| {
        let (x, tx, t, wt) = (rows.x[i], rows.tx[i], rows.t[i], rows.w[i]);
        let q = &pre[rows.xi[i] as usize * W..][..W];
        let (lt, ltx) = ((alpha + t).ln(), (alpha + tx).ln());
        let a1 = q[1] - (r + x) * lt;
        let second = q[2] > f64::NEG_INFINITY;
        let (w1, w2) = if second {
            let a2 = q[2] - (r + x) * ltx;
            let e = (-(a1 - a2).abs()).exp();
            let y = 1.0 + e;
            if a1 >= a2 {
                (1.0 / y, e / y)
            } else {
                (e / y, 1.0 / y)
            }
        } else {
            (1.0, 0.0)
        };
        let g1 = [-lt, -(r + x) / (alpha + t), q[4], q[5]];
        let g2 = [-ltx, -(r + x) / (alpha + tx), q[6], q[7]];
        let mut h = [[0.0; 4]; 4];
        h[0][0] = q[8];
        h[0][1] = 1.0 / alpha - w1 / (alpha + t) - w2 / (alpha + tx);
        h[1][1] = -r / (alpha * alpha)
            + (r + x) * (w1 / ((alpha + t) * (alpha + t)) + w2 / ((alpha + tx) * (alpha + tx)));
        h[2][2] = w1 * q[9] + w2 * q[12];
        h[2][3] = w1 * q[10] + w2 * q[13];
        h[3][3] = w1 * q[11] + w2 * q[14];
        let ww = w1 * w2;
        for (n, &(u, c)) in IJ.iter().enumerate() {
            out[n] = wt * (h[u][c] + ww * (g1[u] - g2[u]) * (g1[c] - g2[c]));
        }
        let gp0 = [q[3], r / alpha, 0.0, 0.0];
        for j in 0..4 {
            out[10 + j] = wt * (gp0[j] + w1 * g1[j] + w2 * g2[j]);
        }
        0.0
    });
    let mut h = vec![vec![0.0; 4]; 4];
    for (n, &(u, c)) in IJ.iter().enumerate() {
        let v = -(p[u] * p[c] * sums[n]);
        h[u][c] = v;
        h[c][u] = v;
    }
    for j in 0..4 {
        h[j][j] -= p[j] * sums[10 + j];
    }
    h
}

fn initial(rows: &Rows) -> Vec<f64> {
    // Purchase rate from the repeaters' mean frequency over T; heterogeneity
    // shape 1; a, b around the usual range of published fits.
    let (mut fx, mut ft) = (0.0, 0.0);
    for i in 0..rows.x.len() {
        fx += rows.w[i] * rows.x[i];
        ft += rows.w[i] * rows.t[i];
    }
    let rate = (fx / ft.max(1e-12)).max(1e-6);
    vec![1.0, 1.0 / rate, 1.0, 3.0]
}

pub(crate) struct BgModel;
pub(crate) struct MbgModel;

/// The likelihood of one variant as the fitter sees it.
macro_rules! bg_model {
    ($model:ident, $variant:expr) => {
        impl Model for $model {
            const NAMES: &'static [&'static str] = &["r", "alpha", "a", "b"];
            const TIME_SCALES: &'static [usize] = &[1];
            const PREPARED: usize = 8;
            fn ll(p: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
                ll($variant, p, x, tx, t, g)
            }
            fn prepare(p: &[f64], x: f64, with_grad: bool, out: &mut [f64]) {
                prepare($variant, p, x, with_grad, out);
            }
            fn ll_prepared(p: &[f64], pre: &[f64], x: f64, tx: f64, t: f64, g: Option<&mut [f64]>) -> f64 {
                ll_prepared(pre, p, x, tx, t, g)
            }
            fn log_shift(p: &[f64]) -> Option<f64> {
                Some(p[1])
            }
            fn ll_prepared_logs(
                p: &[f64],
                pre: &[f64],
                x: f64,
                tx: f64,
                t: f64,
                logs: (f64, f64),
                g: Option<&mut [f64]>,
            ) -> f64 {
                ll_logs(pre, p, x, logs, tx, t, g)
            }
            fn initial(rows: &Rows) -> Vec<f64> {
                initial(rows)
            }
            fn neg_hessian_phi(rows: &Rows, phi: &[f64]) -> Option<Vec<Vec<f64>>> {
                Some(neg_hessian_phi($variant, rows, phi))
            }
        }
    };
}

bg_model!(BgModel, Variant::Bg);
bg_model!(MbgModel, Variant::Mbg);

/// A fitted (or given) BG/NBD model.
///
/// Purchases follow a Poisson process with rate λ ~ Gamma(r, α); after each
/// purchase the customer drops out with probability p ~ Beta(a, b) (Fader,
/// Hardie & Lee 2005, "Counting your customers the easy way", Marketing
/// Science 24(2)).
///
/// # Examples
/// ```
/// use cx::churn::{BetaGeo, ChurnModel};
/// // The published CDNOW estimates.
/// let m = BetaGeo::new(0.243, 4.414, 0.793, 2.426)?;
/// assert!((m.probability_of_purchases(39.0, 0) - 0.573786).abs() < 1e-6);
/// let alive = m.probability_alive(2.0, 30.43, 38.86);
/// assert!(alive > 0.0 && alive < 1.0);
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::raw::BetaGeo")]
pub struct BetaGeo {
    /// Shape of the purchase-rate gamma.
    pub(crate) r: f64,
    /// Scale (rate) of the purchase-rate gamma.
    pub(crate) alpha: f64,
    /// First shape of the dropout beta.
    pub(crate) a: f64,
    /// Second shape of the dropout beta.
    pub(crate) b: f64,
    /// How the fit went, when the model was fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fit: Option<FitReport>,
}

/// A fitted (or given) MBG/NBD model: BG/NBD where a customer may also
/// drop out right after the first purchase, so customers without repeat
/// purchases are not all "alive" (Batislam, Denizel & Filiztekin 2007,
/// IJRM 24(3)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "super::raw::ModifiedBetaGeo")]
pub struct ModifiedBetaGeo {
    /// Shape of the purchase-rate gamma.
    pub(crate) r: f64,
    /// Scale (rate) of the purchase-rate gamma.
    pub(crate) alpha: f64,
    /// First shape of the dropout beta.
    pub(crate) a: f64,
    /// Second shape of the dropout beta.
    pub(crate) b: f64,
    /// How the fit went, when the model was fitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) fit: Option<FitReport>,
}

macro_rules! bg_common {
    ($ty:ident, $model:ident, $variant:expr) => {
        impl $ty {
            /// A model with given parameters.
            ///
            /// # Errors
            /// [`crate::CxError::InvalidParameter`] unless all are positive and finite.
            pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
                check_params(&[("r", r), ("alpha", alpha), ("a", a), ("b", b)])?;
                Ok($ty {
                    r,
                    alpha,
                    a,
                    b,
                    fit: None,
                })
            }

            /// Maximum-likelihood fit to customer summaries (identical rows
            /// are compressed into weights first).
            ///
            /// # Errors
            /// Input errors of [`CustomerData::validate`]; option errors; an
            /// optimizer failure. Non-convergence is not an error: it is
            /// flagged in [`FitReport::converged`].
            pub fn fit(data: &CustomerData<'_>, options: &FitOptions) -> Result<Self> {
                Self::fit_weighted(data, None, options)
            }

            /// [`fit`](Self::fit) where row i stands for `weights[i]`
            /// customers (lifetimes' `weights`).
            ///
            /// # Errors
            /// As [`fit`](Self::fit); bad weights, naming the row.
            pub fn fit_weighted(
                data: &CustomerData<'_>,
                weights: Option<&[f64]>,
                options: &FitOptions,
            ) -> Result<Self> {
                let rows = data.rows_weighted(weights)?;
                let (p, report) = fit::<$model>(&rows, options)?;
                Ok($ty {
                    r: p[0],
                    alpha: p[1],
                    a: p[2],
                    b: p[3],
                    fit: Some(report),
                })
            }

            fn params(&self) -> [f64; 4] {
                [self.r, self.alpha, self.a, self.b]
            }

            /// ln L of one customer at these parameters.
            pub fn log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
                ll($variant, &self.params(), x, tx, t, None)
            }

            /// P(X(t) = n): the chance that a new customer makes exactly `n`
            /// purchases in a period of length `t` (FHL 2005 eq. 8; for
            /// MBG/NBD, Batislam et al. 2007).
            pub fn probability_of_purchases(&self, t: f64, n: u32) -> f64 {
                let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
                let k = $variant.k();
                let n = f64::from(n);
                let lb = ln_beta(a, b);
                let lp = (alpha / (alpha + t)).ln();
                let lq = (t / (alpha + t)).ln();
                let pmf = ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0) + r * lp + n * lq;
                let first = (ln_beta(a, b + n + k) - lb + pmf).exp();
                let second = if $variant == Variant::Mbg || n > 0.0 {
                    (ln_beta(a + 1.0, b + n + k - 1.0) - lb).exp() * nbd_tail(r, lp, lq, n)
                } else {
                    0.0
                };
                first + second
            }
        }

        impl ChurnModel for $ty {
            fn customer_log_likelihood(&self, x: f64, tx: f64, t: f64) -> f64 {
                ll($variant, &self.params(), x, tx, t, None)
            }

            fn probability_alive(&self, x: f64, tx: f64, t: f64) -> f64 {
                alive(self.params(), self.a.ln(), $variant, x, tx, t)
            }

            fn probability_alive_many(&self, x: &[f64], tx: &[f64], t: &[f64], out: &mut [f64]) {
                let (p, ln_a) = (self.params(), self.a.ln());
                for (i, o) in out.iter_mut().enumerate() {
                    *o = alive(p, ln_a, $variant, x[i], tx[i], t[i]);
                }
            }

            fn conditional_expected_purchases(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
                let (r, alpha, b) = (self.r, self.alpha, self.b);
                let a = nudge_from_one(self.a);
                let k = $variant.k();
                let z = horizon / (alpha + t + horizon);
                // [(a+b+x+k−1)/(a−1)]·[1 − ((α+T)/(α+T+t))^{r+x}·₂F₁(r+x, b+x+k; a+b+x+k−1; z)]·P(alive)
                let l = (r + x) * ((alpha + t) / (alpha + t + horizon)).ln()
                    + hyp2f1_ln(r + x, b + x + k, a + b + x + k - 1.0, z);
                let lead = (a + b + x + k - 1.0) / (a - 1.0);
                (lead * one_minus_exp(l) * self.probability_alive(x, tx, t)).max(0.0)
            }

            /// One P(alive) for all horizons and one pass of the ₂F₁ series
            /// for all z (`hyp2f1_ln_many`); each value as computed alone.
            fn conditional_expected_purchases_many(
                &self,
                horizons: &[f64],
                x: f64,
                tx: f64,
                t: f64,
                out: &mut [f64],
            ) {
                let (r, alpha, b) = (self.r, self.alpha, self.b);
                let a = nudge_from_one(self.a);
                let k = $variant.k();
                for (o, &h) in out.iter_mut().zip(horizons) {
                    *o = h / (alpha + t + h);
                }
                let mut zs = [0.0; 16];
                let pa = self.probability_alive(x, tx, t);
                let lead = (a + b + x + k - 1.0) / (a - 1.0);
                for (hs, out) in horizons.chunks(16).zip(out.chunks_mut(16)) {
                    let zs = &mut zs[..hs.len()];
                    zs.copy_from_slice(out);
                    hyp2f1_ln_many(r + x, b + x + k, a + b + x + k - 1.0, zs, out);
                    for (o, &h) in out.iter_mut().zip(hs) {
                        let l = (r + x) * ((alpha + t) / (alpha + t + h)).ln() + *o;
                        *o = (lead * one_minus_exp(l) * pa).max(0.0);
                    }
                }
            }

            fn conditional_pmf(&self, horizon: f64, n_max: usize, x: f64, tx: f64, t: f64) -> Vec<f64> {
                let pa = self.probability_alive(x, tx, t);
                forecast::bg_pmf(self.params(), $variant.k(), pa, horizon, x, t, n_max)
            }

            fn probability_alive_at(&self, horizon: f64, x: f64, tx: f64, t: f64) -> f64 {
                let pa = self.probability_alive(x, tx, t);
                forecast::bg_alive_at(self.params(), $variant.k(), pa, horizon, x, t)
            }

            fn expected_purchases(&self, t: f64) -> f64 {
                let (r, alpha, b) = (self.r, self.alpha, self.b);
                let a = nudge_from_one(self.a);
                let k = $variant.k();
                let z = t / (alpha + t);
                let l = r * (alpha / (alpha + t)).ln() + hyp2f1_ln(r, b + k, a + b + k - 1.0, z);
                let lead = if $variant == Variant::Mbg {
                    b / (a - 1.0)
                } else {
                    (a + b - 1.0) / (a - 1.0)
                };
                (lead * one_minus_exp(l)).max(0.0)
            }
        }
    };
}

bg_common!(BetaGeo, BgModel, Variant::Bg);
bg_common!(ModifiedBetaGeo, MbgModel, Variant::Mbg);

/// P(alive) given ln a: 1 / (1 + a/(b+x+k−1) · ((α+T)/(α+tₓ))^{r+x}).
#[inline]
fn alive(p: [f64; 4], ln_a: f64, v: Variant, x: f64, tx: f64, t: f64) -> f64 {
    let [r, alpha, _, b] = p;
    if v == Variant::Bg && x == 0.0 {
        return 1.0;
    }
    let d = ln_a - (b + x + v.k() - 1.0).ln() + (r + x) * ((alpha + t) / (alpha + tx)).ln();
    logistic_of_neg(d)
}

/// The expressions divide by a − 1; exactly 1 is a removable singularity,
/// stepped around by a relative 1e-9.
fn nudge_from_one(a: f64) -> f64 {
    if (a - 1.0).abs() < 1e-9 { 1.0 + 1e-9 } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FHL 2005 eq. 6 (and its MBG form) in plain arithmetic with statrs'
    /// gamma function: an independent check of the log-space likelihood
    /// and of the prepared (per distinct x) evaluation, plus the analytic
    /// gradient against central differences.
    /// The closed-form Hessian against central differences of the
    /// analytic gradient, for both variants: CDNOW-like rows with and
    /// without repeat purchases, weights, and two parameter points.
    #[test]
    fn closed_form_hessian_matches_gradient_differences() {
        use super::super::data::compress;
        use super::super::fit::numeric_neg_hessian_phi;
        let data: Vec<(f64, f64, f64)> = (0..400)
            .map(|i| {
                let x = f64::from(i % 9) * f64::from(i % 3);
                let t = 20.0 + f64::from(i % 37);
                let tx = if x > 0.0 {
                    t * f64::from(i % 11 + 1) / 12.0
                } else {
                    0.0
                };
                (x, tx, t)
            })
            .collect();
        let rows = compress(data.len(), "frequency", None, |i| Ok(data[i]))
            .expect("rows")
            .index_frequencies();
        for phi in [[0.243f64, 4.414, 0.793, 2.426], [1.8, 0.6, 3.0, 0.4]].map(|p| p.map(f64::ln)) {
            for (name, got, want) in [
                (
                    "bg",
                    BgModel::neg_hessian_phi(&rows, &phi),
                    numeric_neg_hessian_phi::<BgModel>(&rows, &phi),
                ),
                (
                    "mbg",
                    MbgModel::neg_hessian_phi(&rows, &phi),
                    numeric_neg_hessian_phi::<MbgModel>(&rows, &phi),
                ),
            ] {
                let got = got.expect("closed form");
                let scale = want.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
                for i in 0..4 {
                    for j in 0..4 {
                        assert!(
                            (got[i][j] - want[i][j]).abs() <= 1e-6 * scale,
                            "{name} {phi:?} [{i}][{j}]: {} vs {}",
                            got[i][j],
                            want[i][j]
                        );
                    }
                }
            }
        }
    }

    /// The many-horizon expectation (CLV's path) is the one-horizon one,
    /// bit for bit, for both variants, a below and above 1, and customers
    /// with and without repeat purchases.
    #[test]
    fn many_horizons_are_the_single_horizon_values() {
        let horizons: Vec<f64> = (1..=20).map(|m| f64::from(m) * 4.345).collect();
        for p in [
            [0.243, 4.414, 0.793, 2.426],
            [0.8, 6.0, 1.7, 3.0],
            [2.5, 0.5, 0.3, 40.0],
        ] {
            let bg = BetaGeo::new(p[0], p[1], p[2], p[3]).expect("params");
            let mbg = ModifiedBetaGeo::new(p[0], p[1], p[2], p[3]).expect("params");
            let models: [&dyn ChurnModel; 2] = [&bg, &mbg];
            for m in models {
                for &(x, tx, t) in &[
                    (0.0, 0.0, 38.86),
                    (2.0, 30.43, 38.86),
                    (14.0, 1.0, 11.0),
                    (150.0, 70.0, 70.5),
                ] {
                    let mut out = vec![0.0; horizons.len()];
                    m.conditional_expected_purchases_many(&horizons, x, tx, t, &mut out);
                    for (h, got) in horizons.iter().zip(&out) {
                        let want = m.conditional_expected_purchases(*h, x, tx, t);
                        assert_eq!(
                            got.to_bits(),
                            want.to_bits(),
                            "{p:?} ({x}, {tx}, {t}) at {h}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn likelihood_matches_plain_formula_and_gradient_matches_differences() {
        use statrs::function::gamma::gamma;
        let beta = |a: f64, b: f64| gamma(a) * gamma(b) / gamma(a + b);
        let p = [0.243, 4.414, 0.793, 2.426];
        let (r, al, a, b) = (p[0], p[1], p[2], p[3]);
        for v in [Variant::Bg, Variant::Mbg] {
            let k = v.k();
            for &(x, tx, t) in &[(0.0, 0.0, 38.86), (2.0, 30.43, 38.86), (7.0, 1.0, 11.0)] {
                let nb = gamma(r + x) * al.powf(r) / gamma(r);
                let mut l = beta(a, b + x + k) / beta(a, b) * nb / (al + t).powf(r + x);
                if v == Variant::Mbg || x > 0.0 {
                    l += beta(a + 1.0, b + x + k - 1.0) / beta(a, b) * nb / (al + tx).powf(r + x);
                }
                let mut g = [0.0; 4];
                let got = ll(v, &p, x, tx, t, Some(&mut g));
                assert!(
                    (got - l.ln()).abs() <= 1e-10 * l.ln().abs().max(1.0),
                    "{got} vs {}",
                    l.ln()
                );
                for j in 0..4 {
                    let h = 1e-6 * p[j];
                    let (mut up, mut dn) = (p, p);
                    up[j] += h;
                    dn[j] -= h;
                    let fd = (ll(v, &up, x, tx, t, None) - ll(v, &dn, x, tx, t, None)) / (2.0 * h);
                    assert!(
                        (g[j] - fd).abs() <= 1e-6 * fd.abs().max(1.0),
                        "{v:?} {j}: {} vs {fd}",
                        g[j]
                    );
                }
            }
        }
    }
}
