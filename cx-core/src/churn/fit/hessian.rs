//! Standard errors from the Hessian of the log-likelihood, and the small
//! linear algebra they need.

use super::super::data::Rows;
use super::{Model, total_ll};

/// Standard errors from the Hessian of −ln L in the log-parameters
/// (central differences of the gradient), mapped back with the delta
/// method: se(θ) = θ·se(ln θ).
pub(super) fn standard_errors<M: Model>(rows: &Rows, phi: &[f64]) -> Option<Vec<f64>> {
    let inv = covariance::<M>(rows, phi)?;
    Some((0..phi.len()).map(|i| phi[i].exp() * inv[i][i].sqrt()).collect())
}

/// The covariance of the log-parameters at `phi`: the inverse of the
/// Hessian of −ln L (the model's closed form, else central differences of
/// the analytic gradient).
pub(crate) fn covariance<M: Model>(rows: &Rows, phi: &[f64]) -> Option<Vec<Vec<f64>>> {
    let h = M::neg_hessian_phi(rows, phi).unwrap_or_else(|| numeric_neg_hessian_phi::<M>(rows, phi));
    invert_spd(&h)
}

/// The Hessian of −ln L in the log-parameters by central differences of
/// the analytic gradient, symmetrized.
pub(crate) fn numeric_neg_hessian_phi<M: Model>(rows: &Rows, phi: &[f64]) -> Vec<Vec<f64>> {
    let k = phi.len();
    let grad = |phi: &[f64]| -> Vec<f64> {
        let p: Vec<f64> = phi.iter().map(|v| v.exp()).collect();
        let (_, g) = total_ll::<M>(rows, &p, true);
        g.iter().zip(&p).map(|(g, p)| -g * p).collect()
    };
    let h = 1e-5;
    let mut hess = vec![vec![0.0; k]; k];
    for i in 0..k {
        let mut up = phi.to_vec();
        let mut down = phi.to_vec();
        up[i] += h;
        down[i] -= h;
        let (gu, gd) = (grad(&up), grad(&down));
        for j in 0..k {
            hess[i][j] = (gu[j] - gd[j]) / (2.0 * h);
        }
    }
    for i in 0..k {
        for j in 0..i {
            let m = 0.5 * (hess[i][j] + hess[j][i]);
            hess[i][j] = m;
            hess[j][i] = m;
        }
    }
    hess
}

/// Inverse of a small symmetric positive-definite matrix by Cholesky
/// factorization (written out: the matrices here are at most 4×4, too
/// small to justify a linear-algebra dependency). `None` if not positive
/// definite.
pub(crate) fn invert_spd(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let l = cholesky(a)?;
    // Invert L, then A⁻¹ = L⁻ᵀ L⁻¹.
    let mut li = vec![vec![0.0; n]; n];
    for i in 0..n {
        li[i][i] = 1.0 / l[i][i];
        for j in 0..i {
            let s: f64 = (j..i).map(|k| l[i][k] * li[k][j]).sum();
            li[i][j] = -s / l[i][i];
        }
    }
    let mut inv = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..n {
            inv[i][j] = (i.max(j)..n).map(|k| li[k][i] * li[k][j]).sum();
        }
    }
    Some(inv)
}

/// The lower Cholesky factor L of a symmetric positive-definite matrix
/// (A = LLᵀ), or `None` when A is not positive definite. Written by hand:
/// the matrices are 2×2 to 4×4 (one row per model parameter).
pub(crate) fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if !(d > 0.0 && d.is_finite()) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Numerical gradient of `ll` in natural parameters by central
/// differences on the log scale, for models without analytic derivatives.
pub(crate) fn numeric_grad(p: &[f64], g: &mut [f64], ll: impl Fn(&[f64]) -> f64) {
    let h: f64 = 1e-6;
    let mut q = p.to_vec();
    for j in 0..p.len() {
        q[j] = p[j] * h.exp();
        let up = ll(&q);
        q[j] = p[j] * (-h).exp();
        let down = ll(&q);
        q[j] = p[j];
        // d/dθ = (d/dφ)/θ
        g[j] = (up - down) / (2.0 * h) / p[j];
    }
}
