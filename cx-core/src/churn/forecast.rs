//! What happens next for one customer: the distribution of the number of
//! purchases in a coming period, P(alive) at a future time (two questions),
//! and the churn deadline.
//!
//! Given alive at T, the purchase models' latent rates are a posteriori
//! λ ~ Gamma(r+x, α+T) and, for BG/NBD, p ~ Beta(a, b+x) (MBG/NBD:
//! Beta(a, b+x+1), the extra drop-out chance at the first purchase); for
//! Pareto/NBD μ ~ Gamma(s, β+T), independent of λ. Every forecast is
//! P(alive) times the alive customer's forecast, plus the dead customer's
//! (no purchases). The formulas are in `../shared/REFERENCES.md` §6 and the
//! crate docs ("How the numbers are computed").

#[cfg(test)]
use super::special::ln_beta;
use super::special::{hyp2f1_ln, integrate_vec, ln_gamma};

#[cfg(test)]
/// ln NB(j): the chance of exactly `j` purchases in a window of length `t`
/// for a customer whose rate is Gamma(`r`, `alpha`).
fn nb_ln(r: f64, alpha: f64, t: f64, j: f64) -> f64 {
    ln_gamma(r + j) - ln_gamma(r) - ln_gamma(j + 1.0)
        + r * (alpha / (alpha + t)).ln()
        + j * (t / (alpha + t)).ln()
}

/// P(Y ≥ n) for Y ~ NBD with shape r and success odds p = e^{lp},
/// q = e^{lq}: the tail summed directly (not 1 − CDF) so that tiny tails
/// keep their precision.
pub(super) fn nbd_tail(r: f64, lp: f64, lq: f64, n: f64) -> f64 {
    if n == 0.0 {
        return 1.0;
    }
    let q = lq.exp();
    let mut ln_term = ln_gamma(r + n) - ln_gamma(r) - ln_gamma(n + 1.0) + r * lp + n * lq;
    let mut sum = 0.0;
    let mut j = n;
    for _ in 0..1_000_000 {
        let term = ln_term.exp();
        sum += term;
        let ratio = (r + j) / (j + 1.0) * q;
        // Stop once the geometric bound of the rest is negligible, or the
        // terms have underflowed past the peak.
        if ratio < 1.0 && (term * ratio / (1.0 - ratio) < 1e-17 * sum || term == 0.0) {
            break;
        }
        ln_term += ratio.ln();
        j += 1.0;
    }
    sum.min(1.0)
}

/// P(X(T, T+t) = n | x, T) for n = 0..=`n_max` of the BG family, given
/// P(alive) `pa`: `k` is 0 for BG/NBD and 1 for MBG/NBD.
///
/// Alive, the customer either survives all n purchases of the window
/// (B(a, b′+n)/B(a, b′)·NB(n)) or drops out right after the n-th with at
/// least n purchase events due (B(a+1, b′+n−1)/B(a, b′)·P(NB ≥ n)).
#[allow(clippy::too_many_arguments)]
pub(super) fn bg_pmf(p: [f64; 4], k: f64, pa: f64, horizon: f64, x: f64, t: f64, n_max: usize) -> Vec<f64> {
    let [r, alpha, a, b] = p;
    let mut out = vec![0.0; n_max + 1];
    if horizon == 0.0 {
        out[0] = 1.0;
        return out;
    }
    let (r1, al1, b1) = (r + x, alpha + t, b + x + k);
    let lp = (al1 / (al1 + horizon)).ln();
    let lq = (horizon / (al1 + horizon)).ln();
    // NB(n) by its recurrence NB(n+1) = NB(n)·(r′+n)/(n+1)·q, in log space
    // (r′ = r+x may be in the thousands and NB(0) underflow).
    let mut nb = Vec::with_capacity(n_max + 1);
    let mut l = r1 * lp;
    for n in 0..=n_max {
        nb.push(l.exp());
        let nf = n as f64;
        l += ((r1 + nf) / (nf + 1.0)).ln() + lq;
    }
    // P(NB ≥ n), from the far end down: one tail sum, then one addition per n.
    let mut tail = vec![0.0; n_max + 2];
    tail[n_max + 1] = nbd_tail(r1, lp, lq, (n_max + 1) as f64);
    for n in (0..=n_max).rev() {
        tail[n] = (tail[n + 1] + nb[n]).min(1.0);
    }
    // B(a, b′+n)/B(a, b′) by B(a, c+1) = B(a, c)·c/(a+c); dying right after
    // the n-th purchase has B(a+1, b′+n−1)/B(a, b′) = a/(a+b′+n−1)·B(a, b′+n−1)/B(a, b′).
    let mut ratio = 1.0;
    for (n, slot) in out.iter_mut().enumerate() {
        let nf = n as f64;
        let died = if n > 0 {
            let before = ratio;
            ratio *= (b1 + nf - 1.0) / (a + b1 + nf - 1.0);
            a / (a + b1 + nf - 1.0) * before * tail[n]
        } else {
            0.0
        };
        *slot = pa * (ratio * nb[n] + died);
    }
    out[0] += 1.0 - pa;
    out
}

/// P(X(T, T+t) = n | x, T) for n = 0..=`n_max` of the Pareto/NBD, given
/// P(alive) `pa`.
///
/// Alive at T, the customer is either still alive at T+t with n purchases,
/// NB(n; t)·((β+T)/(β+T+t))^s, or dies at τ < t after n purchases,
/// ∫₀ᵗ NB(n; τ)·f(τ)dτ with f(τ) = s(β+T)^s/(β+T+τ)^{s+1} the density of
/// the death time. The integral runs over w = ln(1 + τ/(β+T)), where
/// f(τ)dτ = s·e^{−sw}dw, for every n at once ([`integrate_vec`]).
/// Fader & Hardie's note 028 ("Deriving the conditional PMF of the
/// Pareto/NBD model") gives the same integral in closed form, a sum of n+1
/// ₂F₁ terms per n; the tests hold the two against each other, and against
/// REFERENCES.md §6(a).
pub(super) fn pareto_pmf(p: [f64; 4], pa: f64, horizon: f64, x: f64, t: f64, n_max: usize) -> Vec<f64> {
    let [r, alpha, s, beta] = p;
    let mut out = vec![0.0; n_max + 1];
    if horizon == 0.0 {
        out[0] = 1.0;
        return out;
    }
    let (r1, a1, b1) = (r + x, alpha + t, beta + t);
    // NB(n; τ) for n = 0..=n_max, in log space (r+x can be in the thousands).
    let nb = |tau: f64, out: &mut [f64], weight_ln: f64| {
        let lq = (tau / (a1 + tau)).ln();
        let mut l = r1 * (a1 / (a1 + tau)).ln() + weight_ln;
        for (n, slot) in out.iter_mut().enumerate() {
            *slot = l.exp();
            let nf = n as f64;
            l += ((r1 + nf) / (nf + 1.0)).ln() + lq;
        }
    };
    let died = integrate_vec(
        &|w: f64, out: &mut [f64]| {
            let tau = b1 * w.exp_m1();
            if tau <= 0.0 {
                // τ = 0: no time to buy before dying.
                out.iter_mut().for_each(|v| *v = 0.0);
                out[0] = s;
                return;
            }
            nb(tau, out, s.ln() - s * w);
        },
        n_max + 1,
        0.0,
        (horizon / b1).ln_1p(),
    );
    nb(horizon, &mut out, s * (b1 / (b1 + horizon)).ln());
    for (slot, d) in out.iter_mut().zip(died) {
        *slot = (pa * (*slot + d)).min(1.0);
    }
    out[0] += 1.0 - pa;
    out
}

/// The closed form of note 028 for the dying part, kept as the tests'
/// independent reference: I(0, 0) − Σ_{j≤n} tʲ/j!·I(j, t) with
/// I(j, t) = E[λⁿμ(λ+μ)^{j−n−1}e^{−(λ+μ)t}] (REFERENCES.md §6(a)).
#[cfg(test)]
pub(super) fn pareto_pmf_closed(
    p: [f64; 4],
    pa: f64,
    horizon: f64,
    x: f64,
    t: f64,
    n_max: usize,
) -> Vec<f64> {
    let [r, alpha, s, beta] = p;
    let (r1, a1, b1) = (r + x, alpha + t, beta + t);
    let survive_ln = s * (b1 / (b1 + horizon)).ln();
    let common = r1 * a1.ln() + s * b1.ln() - ln_gamma(r1) - ln_gamma(s);
    let ln_i = |n: f64, j: f64, w: f64| {
        let c = common + ln_gamma(r1 + s + j) + ln_beta(r1 + n, s + 1.0);
        if a1 >= b1 {
            c - (r1 + s + j) * (a1 + w).ln()
                + hyp2f1_ln(r1 + s + j, s + 1.0, r1 + s + n + 1.0, (a1 - b1) / (a1 + w))
        } else {
            c - (r1 + s + j) * (b1 + w).ln()
                + hyp2f1_ln(r1 + s + j, r1 + n, r1 + s + n + 1.0, (b1 - a1) / (b1 + w))
        }
    };
    let lt = horizon.ln();
    let mut out: Vec<f64> = (0..=n_max)
        .map(|n| {
            let nf = n as f64;
            let alive = (nb_ln(r1, a1, horizon, nf) + survive_ln).exp();
            let later: f64 = (0..=n)
                .map(|j| {
                    let jf = j as f64;
                    (jf * lt - ln_gamma(jf + 1.0) + ln_i(nf, jf, horizon)).exp()
                })
                .sum();
            pa * (alive + (ln_i(nf, 0.0, 0.0).exp() - later).max(0.0))
        })
        .collect();
    out[0] += 1.0 - pa;
    out
}

/// δ∫₀^∞ e^{−δτ}E(τ)dτ = ∫₀^∞ e^{−u}E(u/δ)du for a conditional
/// expectation E (integration by parts of ∫e^{−δτ}dE, E(0) = 0), on
/// u ∈ [0, 60] (the rest weighs e^{−60} times a bounded-growth E).
pub(super) fn dert_by_parts(delta: f64, expected: impl Fn(f64) -> f64) -> f64 {
    integrate_vec(
        &|u: f64, out: &mut [f64]| out[0] = (-u).exp() * expected(u / delta),
        1,
        0.0,
        60.0,
    )[0]
}

/// Pareto/NBD DERT (Fader, Hardie & Lee 2005, "RFM and CLV: using
/// iso-value curves for customer base analysis"): PA·(r+x)/(α+T)·
/// ∫₀^∞ e^{−δτ}((β+T)/(β+T+τ))^s dτ — the paper's (β+T)^s δ^{s−1}U(s, s;
/// δ(β+T)) with Tricomi's U in its integral form, integrated on u = δτ.
pub(super) fn pareto_dert(p: [f64; 4], pa: f64, delta: f64, x: f64, t: f64) -> f64 {
    let [r, alpha, s, beta] = p;
    let z = delta * (beta + t);
    let laplace = integrate_vec(
        &|u: f64, out: &mut [f64]| out[0] = (-u - s * (u / z).ln_1p()).exp(),
        1,
        0.0,
        60.0,
    )[0];
    pa * (r + x) / (alpha + t) * laplace / delta
}

/// The smallest n with P(X ≤ n) ≥ `q`, from a PMF computed by `pmf(n_max)`
/// with n_max grown (from `start`) until the quantile is inside it.
pub(super) fn quantile(q: f64, start: usize, pmf: impl Fn(usize) -> Vec<f64>) -> f64 {
    let mut n_max = start.max(8);
    loop {
        let p = pmf(n_max);
        let mut cdf = 0.0;
        for (n, v) in p.iter().enumerate() {
            cdf += v;
            if cdf >= q {
                return n as f64;
            }
        }
        // Rounding can leave the last 1e-15 of mass unreached.
        if 1.0 - cdf < 1e-12 || n_max >= 1 << 20 {
            return n_max as f64;
        }
        n_max *= 4;
    }
}

/// P(alive at T+t) whatever happens meanwhile, BG family: drop-outs come as
/// a Poisson stream of rate λp, so the alive customer survives with
/// E[e^{−λpt}] = ₂F₁(r+x, a; a+b′; −t/(α+T)), evaluated through Pfaff's
/// transformation as (1+u)^{−(r+x)}₂F₁(r+x, b′; a+b′; u/(1+u)), u = t/(α+T)
/// (all parameters positive, argument in [0, 1)).
pub(super) fn bg_alive_at(p: [f64; 4], k: f64, pa: f64, horizon: f64, x: f64, t: f64) -> f64 {
    let [r, alpha, a, b] = p;
    let (r1, b1) = (r + x, b + x + k);
    let u = horizon / (alpha + t);
    pa * (-(r1) * u.ln_1p() + hyp2f1_ln(r1, b1, a + b1, u / (1.0 + u))).exp()
}

/// The least Δ ≥ 0 at which P(alive | x, tₓ, T+Δ) (no purchase until then)
/// falls below `threshold`, by bisection: P(alive) of a silent customer
/// never rises (REFERENCES.md §6(h)). `None` when it never falls that low
/// within 10¹² time units (a BG/NBD customer without repeat purchases has
/// P(alive) 1 for ever).
pub(super) fn deadline(threshold: f64, t: f64, alive: impl Fn(f64) -> f64) -> Option<f64> {
    if alive(t) < threshold {
        return Some(0.0);
    }
    let mut hi = t.max(1.0);
    while alive(t + hi) >= threshold {
        hi *= 2.0;
        if hi > 1e12 {
            return None;
        }
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if alive(t + mid) < threshold {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

#[cfg(test)]
mod tests {
    use crate::churn::{BetaGeo, ChurnModel, ModifiedBetaGeo, ParetoNbd};

    /// The §4 point-check parameters of REFERENCES.md.
    fn bg() -> BetaGeo {
        BetaGeo::new(0.2425945, 4.4136027, 0.7929218, 2.4259057).expect("params")
    }

    fn pnbd() -> ParetoNbd {
        ParetoNbd::new(0.5532622, 10.5775399, 0.6062388, 11.6686284).expect("params")
    }

    fn mbg() -> ModifiedBetaGeo {
        ModifiedBetaGeo::new(0.5248, 6.1831, 0.8914, 1.6140).expect("params")
    }

    const A: (f64, f64, f64) = (2.0, 30.43, 38.86);
    const Z: (f64, f64, f64) = (0.0, 0.0, 38.86);

    /// `got` against a value printed to `digits` decimals (half a unit of
    /// the last place, plus 1e-6 relative as REFERENCES.md states).
    fn close(got: f64, want: f64, digits: i32, what: &str) {
        let tol = 0.5 * 10f64.powi(-digits) + 1e-6 * want.abs();
        assert!((got - want).abs() <= tol, "{what}: {got} vs {want}");
    }

    #[test]
    fn conditional_pmf_matches_references_section_6a() {
        type Row<'a> = (&'a dyn ChurnModel, (f64, f64, f64), f64, [f64; 4], f64, i32);
        let rows: [Row<'_>; 5] = [
            (
                &bg(),
                A,
                39.0,
                [0.445393, 0.239330, 0.144178, 0.080842],
                1.225907,
                6,
            ),
            (
                &bg(),
                Z,
                39.0,
                [0.855671, 0.109713, 0.024242, 0.006906],
                0.194782,
                6,
            ),
            (
                &pnbd(),
                A,
                39.0,
                [0.408096, 0.219266, 0.151745, 0.095651],
                1.455095,
                6,
            ),
            (
                &pnbd(),
                Z,
                39.0,
                [0.930735, 0.045882, 0.014674, 0.005314],
                0.107057,
                6,
            ),
            (
                &pnbd(),
                (26.0, 30.86, 31.0),
                52.0,
                [0.0238192, 0.0205251, 0.0194192, 0.0184070],
                25.45639,
                7,
            ),
        ];
        for (m, (x, tx, t), h, want, mean, digits) in rows {
            let p = m.conditional_pmf(h, 3, x, tx, t);
            for n in 0..4 {
                close(p[n], want[n], digits, &format!("P({n}) at {x}, {tx}, {t}"));
            }
            close(m.conditional_expected_purchases(h, x, tx, t), mean, 5, "mean");
        }
    }

    #[test]
    fn pmf_sums_to_one_and_its_mean_is_the_conditional_expectation() {
        let models: [&dyn ChurnModel; 3] = [&bg(), &mbg(), &pnbd()];
        for m in models {
            for (x, tx, t) in [A, Z, (7.0, 29.43, 38.86), (0.0, 0.0, 0.0), (26.0, 30.86, 31.0)] {
                for h in [1.0, 13.0, 39.0, 104.0] {
                    let p = m.conditional_pmf(h, 400, x, tx, t);
                    let total: f64 = p.iter().sum();
                    let mean: f64 = p.iter().enumerate().map(|(n, v)| n as f64 * v).sum();
                    let want = m.conditional_expected_purchases(h, x, tx, t);
                    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{x} {tx} {t} {h}");
                    assert!((total - 1.0).abs() < 1e-9, "{x} {tx} {t} {h}: sum {total}");
                    assert!(
                        (mean - want).abs() < 1e-7 * want.max(1.0),
                        "{x} {tx} {t} {h}: mean {mean} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn pareto_pmf_by_quadrature_matches_note_028_closed_form() {
        let m = pnbd();
        let p = [m.r(), m.alpha(), m.s(), m.beta()];
        for (x, tx, t) in [A, Z, (26.0, 30.86, 31.0), (7.0, 29.43, 38.86), (1.0, 1.71, 38.86)] {
            let pa = m.probability_alive(x, tx, t);
            for h in [0.5, 13.0, 52.0, 200.0] {
                let quad = super::pareto_pmf(p, pa, h, x, t, 12);
                let closed = super::pareto_pmf_closed(p, pa, h, x, t, 12);
                for n in 0..=12 {
                    assert!(
                        (quad[n] - closed[n]).abs() <= 1e-10 + 1e-8 * closed[n],
                        "{x} {tx} {t} h {h} n {n}: {} vs {}",
                        quad[n],
                        closed[n]
                    );
                }
            }
        }
    }

    #[test]
    fn pmf_over_no_time_is_no_purchase() {
        let models: [&dyn ChurnModel; 3] = [&bg(), &mbg(), &pnbd()];
        for m in models {
            assert_eq!(m.conditional_pmf(0.0, 2, A.0, A.1, A.2), vec![1.0, 0.0, 0.0]);
            assert_eq!(m.purchases_quantile(0.95, 0.0, A.0, A.1, A.2), 0.0);
        }
    }

    #[test]
    fn quantiles_bracket_the_distribution() {
        let m = pnbd();
        let (x, tx, t) = (26.0, 30.86, 31.0);
        let p = m.conditional_pmf(52.0, 400, x, tx, t);
        for q in [0.05, 0.5, 0.95] {
            let n = m.purchases_quantile(q, 52.0, x, tx, t) as usize;
            let cdf: f64 = p[..=n].iter().sum();
            let below: f64 = p[..n].iter().sum();
            assert!(cdf >= q && below < q, "q {q}: n {n}, cdf {cdf}, below {below}");
        }
        // P(X = 0) is 0.445 for A: the median is 1, the 40 % quantile 0.
        assert_eq!(bg().purchases_quantile(0.4, 39.0, A.0, A.1, A.2), 0.0);
        assert_eq!(bg().purchases_quantile(0.5, 39.0, A.0, A.1, A.2), 1.0);
    }

    #[test]
    fn future_alive_matches_references_section_6b() {
        let (x, tx, t) = A;
        close(bg().probability_alive(x, tx, t), 0.726609, 6, "BG now");
        close(pnbd().probability_alive(x, tx, t), 0.869116, 6, "Pareto now");
        let silent = [
            (13.0, 0.595896, 0.658350),
            (26.0, 0.480584, 0.477126),
            (52.0, 0.311655, 0.245090),
        ];
        for (h, b, p) in silent {
            close(bg().probability_alive_if_silent(h, x, tx, t), b, 6, "BG silent");
            close(
                pnbd().probability_alive_if_silent(h, x, tx, t),
                p,
                6,
                "Pareto silent",
            );
        }
        let any = [
            (13.0, 0.661222, 0.756481),
            (26.0, 0.609507, 0.675742),
            (52.0, 0.531705, 0.565947),
        ];
        for (h, b, p) in any {
            close(bg().probability_alive_at(h, x, tx, t), b, 6, "BG at");
            close(pnbd().probability_alive_at(h, x, tx, t), p, 6, "Pareto at");
        }
        // No time: P(alive) now, in both forms and every model.
        let models: [&dyn ChurnModel; 3] = [&bg(), &mbg(), &pnbd()];
        for m in models {
            let now = m.probability_alive(x, tx, t);
            assert!((m.probability_alive_at(0.0, x, tx, t) - now).abs() < 1e-12);
            assert_eq!(m.probability_alive_if_silent(0.0, x, tx, t), now);
            // A purchase meanwhile can only help: at ≥ silent.
            assert!(m.probability_alive_at(26.0, x, tx, t) >= m.probability_alive_if_silent(26.0, x, tx, t));
        }
    }

    #[test]
    fn churn_deadline_matches_references_section_6h() {
        let (x, tx, t) = A;
        for (theta, b, p) in [
            (0.5, 23.64090, 24.16676),
            (0.3, 54.36141, 43.99298),
            (0.1, 134.97599, 91.31846),
        ] {
            close(
                bg().churn_deadline(theta, x, tx, t).expect("BG"),
                b,
                5,
                "BG deadline",
            );
            close(
                pnbd().churn_deadline(theta, x, tx, t).expect("Pareto"),
                p,
                5,
                "Pareto deadline",
            );
            // BG/NBD's closed form (x > 0).
            let m = bg();
            let (r, al, a, bb) = (m.r(), m.alpha(), m.a(), m.b());
            let closed =
                ((al + tx) * ((1.0 - theta) / theta * (bb + x - 1.0) / a).powf(1.0 / (r + x)) - al - t)
                    .max(0.0);
            assert!((bg().churn_deadline(theta, x, tx, t).expect("BG") - closed).abs() < 1e-6);
        }
        let (x, tx, t) = Z;
        close(pnbd().probability_alive(x, tx, t), 0.295097, 6, "Pareto Z now");
        assert_eq!(pnbd().churn_deadline(0.5, x, tx, t), Some(0.0));
        close(
            pnbd().churn_deadline(0.25, x, tx, t).expect("Z"),
            8.94789,
            5,
            "Z 0.25",
        );
        close(
            pnbd().churn_deadline(0.1, x, tx, t).expect("Z"),
            89.05103,
            5,
            "Z 0.1",
        );
        // A BG/NBD customer without repeat purchases is never given up.
        assert_eq!(bg().churn_deadline(0.5, x, tx, t), None);
        // MBG/NBD gives such a customer a deadline.
        assert!(mbg().churn_deadline(0.3, x, tx, t).is_some());
    }

    #[test]
    fn dert_matches_references_section_6d() {
        let m = pnbd();
        let rows = [
            (A, 6.499968, 6.482020),
            (Z, 0.4782272, 0.4769066),
            ((1.0, 1.71, 38.86), 0.7637654, 0.7616564),
            ((26.0, 30.86, 31.0), 86.26178, 86.02851),
        ];
        let delta = 1.15f64.ln() / 52.0;
        for ((x, tx, t), at_15, at_0027) in rows {
            let closed = m.dert(delta, x, tx, t);
            assert!(
                (closed - at_15).abs() <= 1e-6 * at_15 + 5e-7,
                "{x}: {closed} vs {at_15}"
            );
            let rounded = m.dert(0.0027, x, tx, t);
            assert!(
                (rounded - at_0027).abs() <= 1e-6 * at_0027 + 5e-7,
                "{x}: {rounded} vs {at_0027}"
            );
            // The generic form (integration by parts of the conditional expectation) agrees.
            let by_parts = super::dert_by_parts(delta, |tau| m.conditional_expected_purchases(tau, x, tx, t));
            assert!(
                (by_parts - closed).abs() <= 1e-9 * closed,
                "{x}: {by_parts} vs {closed}"
            );
        }
        // BG/NBD by parts: positive, below the undiscounted 100-year expectation, rising with x.
        let b = bg();
        let d = |x: f64, tx: f64| b.dert(delta, x, tx, 38.86);
        assert!(d(0.0, 0.0) > 0.0 && d(2.0, 30.43) > d(0.0, 0.0) && d(7.0, 38.0) > d(2.0, 30.43));
        assert!(d(2.0, 30.43) < b.conditional_expected_purchases(5200.0, 2.0, 30.43, 38.86));
    }

    #[test]
    fn forecasts_stay_finite_at_the_extremes() {
        let models: [&dyn ChurnModel; 3] = [&bg(), &mbg(), &pnbd()];
        for m in models {
            for (x, tx, t) in [
                (1000.0, 100.0, 104.0),
                (301.0, 38.0, 39.0),
                (200.0, 50.0, 52.0),
                (0.0, 0.0, 0.5),
                (0.0, 0.0, 0.0),
            ] {
                for h in [0.5, 52.0, 1e4] {
                    let p = m.conditional_pmf(h, 20, x, tx, t);
                    assert!(
                        p.iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)),
                        "{x} {tx} {t} {h}: {p:?}"
                    );
                    for v in [
                        m.probability_alive_at(h, x, tx, t),
                        m.probability_alive_if_silent(h, x, tx, t),
                    ] {
                        assert!(v.is_finite() && (0.0..=1.0).contains(&v), "{x} {tx} {t} {h}: {v}");
                    }
                    assert!(m.purchases_quantile(0.9, h, x, tx, t).is_finite());
                }
            }
        }
    }
}
