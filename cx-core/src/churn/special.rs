//! Special functions for the buy-till-you-die models, in log space.
//!
//! `statrs` provides ln Γ and the digamma function. The Gauss hypergeometric
//! function ₂F₁ is written here: no maintained Rust crate offers a real-argument
//! ₂F₁ that stays finite for the parameter sizes these models reach (a
//! frequency of 10⁵ makes the plain series overflow f64 long before it
//! converges), so it is summed in log space and, where that converges faster,
//! after Euler's transformation.

pub(crate) use statrs::function::gamma::{digamma, ln_gamma};

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// ln(eᵃ + eᵇ) without overflow.
pub(crate) fn log_add_exp(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}

/// ln(eᵃ − eᵇ) for a ≥ b (−∞ when equal).
pub(crate) fn log_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    if b >= a {
        return f64::NEG_INFINITY;
    }
    a + (-(b - a).exp()).ln_1p()
}

/// Largest number of series terms before the geometric tail estimate is
/// used; reached only for z extremely close to 1.
const MAX_TERMS: usize = 1_000_000;

/// ln of the power series ₂F₁(a, b; c; z) = Σ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ for
/// 0 ≤ z < 1, summed in log space. Returns `None` when the sum is not
/// positive (cancellation of alternating terms).
fn series_ln(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if z == 0.0 {
        return Some(0.0);
    }
    let ln_z = z.ln();
    // Sum = exp(scale) · acc; terms carry their sign.
    let mut scale = 0.0f64;
    let mut acc = 1.0f64;
    let mut ln_term = 0.0f64;
    let mut sign = 1.0f64;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        let num = (a + kf) * (b + kf);
        if num == 0.0 {
            break; // a or b is a non-positive integer: the series ends.
        }
        let ratio = num / ((c + kf) * (kf + 1.0));
        sign *= ratio.signum();
        ln_term += ratio.abs().ln() + ln_z;
        if ln_term > scale {
            acc = acc * (scale - ln_term).exp() + sign;
            scale = ln_term;
        } else {
            acc += sign * (ln_term - scale).exp();
        }
        // Stop once terms shrink and are negligible against the sum.
        let shrinking = ratio.abs() * z < 1.0;
        if shrinking && ln_term - scale < acc.abs().ln() - 39.0 {
            break;
        }
        if k + 1 == MAX_TERMS && shrinking {
            // Geometric tail with the current ratio as the rate.
            let q = ratio.abs() * z;
            acc += sign * (ln_term - scale).exp() * q / (1.0 - q);
        }
    }
    (acc > 0.0).then(|| scale + acc.ln())
}

/// ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 and a positive value, choosing between
/// the series itself and Euler's transformation
/// ₂F₁(a, b; c; z) = (1 − z)^(c−a−b) ₂F₁(c − a, c − b; c; z)
/// (Abramowitz & Stegun 15.3.3), whichever has the smaller leading terms.
pub(crate) fn hyp2f1_ln(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let direct = (a * b / c).abs();
    let euler = ((c - a) * (c - b) / c).abs();
    let via_euler = || series_ln(c - a, c - b, c, z).map(|s| (c - a - b) * (-z).ln_1p() + s);
    let r = if euler < direct {
        via_euler().or_else(|| series_ln(a, b, c, z))
    } else {
        series_ln(a, b, c, z).or_else(via_euler)
    };
    r.unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * b.abs().max(1e-300)
    }

    #[test]
    fn elementary_closed_forms() {
        // 2F1(1, 1; 2; z) = −ln(1 − z)/z.
        for z in [0.1f64, 0.5, 0.9, 0.999] {
            let want = -(-z).ln_1p() / z;
            assert!(close(hyp2f1_ln(1.0, 1.0, 2.0, z).exp(), want, 1e-13), "z = {z}");
        }
        // 2F1(a, b; b; z) = (1 − z)^(−a).
        assert!(close(hyp2f1_ln(2.5, 3.0, 3.0, 0.3), -2.5 * (0.7f64).ln(), 1e-13));
    }

    #[test]
    fn large_parameters_stay_finite() {
        // 2F1(a, 1; a + 1; z) with a = 1e5: Euler turns it into a fast series.
        let v = hyp2f1_ln(1e5, 1.6, 1e5 + 1.0, 0.5);
        assert!(v.is_finite());
        // (1 − z)^(−b) bound from above for this case: c − a = 1 makes the
        // value lie between 1 and (1 − z)^(−b).
        assert!(v > 0.0 && v < -1.6 * (0.5f64).ln() + 1e-12);
        let w = hyp2f1_ln(1e5 + 0.24, 1e5 + 2.4, 1e5 + 2.2, 0.4);
        assert!(w.is_finite() && w > 0.0);
    }

    #[test]
    fn log_sums() {
        assert!(close(log_add_exp(1000.0, 1000.0), 1000.0 + 2f64.ln(), 1e-15));
        assert!(close(log_sub_exp(0.0, (0.5f64).ln()), (0.5f64).ln(), 1e-15));
        assert_eq!(log_sub_exp(1.0, 1.0), f64::NEG_INFINITY);
    }
}
