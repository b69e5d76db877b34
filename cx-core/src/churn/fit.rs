//! Maximum-likelihood fitting shared by the models: L-BFGS (from `argmin`)
//! on the log-parameters, standard errors from the Hessian.

use argmin::core::{CostFunction, Error as ArgminError, Executor, Gradient, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use serde::{Deserialize, Serialize};

use super::data::Rows;
use crate::error::{CxError, Result};

/// A model whose parameters are all positive and whose likelihood factors
/// over customers.
pub(crate) trait Model {
    /// Parameter names, in order.
    const NAMES: &'static [&'static str];

    /// ln L of one row at natural parameters `p`; writes ∂ ln L/∂p into `g`
    /// when given.
    fn ll(p: &[f64], x: f64, a: f64, b: f64, g: Option<&mut [f64]>) -> f64;

    /// Rows from which a likelihood sum is split across cores: a row of a
    /// closed-form model costs tens of nanoseconds, so splitting pays only
    /// for large inputs; models with series per row lower it.
    const PARALLEL_FROM: usize = 20_000;

    /// Number of values [`prepare`](Self::prepare) stores per distinct x
    /// (0: no preparation, [`ll_prepared`](Self::ll_prepared) is `ll`).
    const PREPARED: usize = 0;

    /// Computes the terms of ln L (and of its gradient, when `with_grad`)
    /// that depend only on the parameters and x, into `out`.
    fn prepare(_p: &[f64], _x: f64, _with_grad: bool, _out: &mut [f64]) {}

    /// ln L of one row from the prepared terms of its x; as [`ll`](Self::ll).
    fn ll_prepared(p: &[f64], _prepared: &[f64], x: f64, a: f64, b: f64, g: Option<&mut [f64]>) -> f64 {
        Self::ll(p, x, a, b, g)
    }

    /// A shift s for which the likelihood needs ln(s + tₓ) and ln(s + T)
    /// (α for BG/NBD): [`total_ll`] then takes these logarithms once per
    /// distinct tₓ and T and hands them to
    /// [`ll_prepared_logs`](Self::ll_prepared_logs).
    fn log_shift(_p: &[f64]) -> Option<f64> {
        None
    }

    /// [`ll_prepared`](Self::ll_prepared) given `ln(s + a)` and `ln(s + b)`
    /// of [`log_shift`](Self::log_shift).
    #[allow(clippy::too_many_arguments)]
    fn ll_prepared_logs(
        p: &[f64],
        pre: &[f64],
        x: f64,
        a: f64,
        b: f64,
        _logs: (f64, f64),
        g: Option<&mut [f64]>,
    ) -> f64 {
        Self::ll_prepared(p, pre, x, a, b, g)
    }

    /// Starting point (natural parameters).
    fn initial(rows: &Rows) -> Vec<f64>;

    /// Parameters measured in units of time (the rate scales: α of BG/NBD,
    /// α and β of Pareto/NBD). The penalizer sees them in the time units of
    /// lifetimes, which rescales time so that the largest T is 1.
    const TIME_SCALES: &'static [usize] = &[];

    /// Whether lifetimes divides this model's log-likelihood by the mean
    /// weight rather than the total (Pareto/NBD): its penalty then weighs
    /// 1/N as much against the mean log-likelihood.
    const PENALTY_PER_CUSTOMER: bool = false;
}

/// The L2 penalty of lifetimes' `penalizer_coef`: c·Σ wⱼθⱼ² added to the
/// mean negative log-likelihood, with wⱼ = (1/max T)² for the parameters in
/// units of time and 1 otherwise, and c divided by the customers for the
/// models lifetimes normalizes per customer. On CDNOW at c = 0.1 this gives
/// lifetimes' BG/NBD estimate (r 0.231, α 4.22).
#[derive(Debug, Clone)]
struct Penalty {
    c: f64,
    weights: Vec<f64>,
}

impl Penalty {
    fn of<M: Model>(rows: &Rows, c: f64) -> Penalty {
        let mut weights = vec![1.0; M::NAMES.len()];
        let max_t = rows.t.iter().copied().fold(0.0_f64, f64::max);
        if max_t > 0.0 {
            for &j in M::TIME_SCALES {
                weights[j] = 1.0 / (max_t * max_t);
            }
        }
        let c = if M::PENALTY_PER_CUSTOMER && rows.total > 0.0 {
            c / rows.total
        } else {
            c
        };
        Penalty { c, weights }
    }
}

/// Options of a fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// L2 penalty with the semantics of lifetimes' `penalizer_coef`:
    /// c·Σθ² added to the mean negative log-likelihood, the parameters in
    /// units of time (α; Pareto/NBD's α and β) measured with time rescaled
    /// so that the largest T is 1, and for Pareto/NBD c divided by the
    /// number of customers (lifetimes divides that likelihood by the mean
    /// weight, not the total). The same c gives lifetimes' estimates; 0 by
    /// default.
    pub penalizer: f64,
    /// Starting parameters; default: a heuristic start from the data.
    pub initial: Option<Vec<f64>>,
    /// Iteration limit of L-BFGS; 500 by default.
    pub max_iterations: u64,
    /// Return the best estimate, flagged `converged: false`, when no
    /// starting point converges, instead of the `not_converged` error;
    /// `false` by default.
    pub accept_unconverged: bool,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            penalizer: 0.0,
            initial: None,
            max_iterations: 500,
            accept_unconverged: false,
        }
    }
}

fn one() -> u32 {
    1
}

/// How a fit went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// Log-likelihood at the estimate (without the penalty), summed over
    /// customers.
    pub log_likelihood: f64,
    /// Customers (total weight) fitted.
    pub customers: f64,
    /// Distinct rows the likelihood was summed over.
    pub distinct_rows: usize,
    /// Akaike information criterion, 2k − 2 ln L.
    pub aic: f64,
    /// Bayesian information criterion, k ln n − 2 ln L.
    pub bic: f64,
    /// Standard errors of the parameters (inverse Hessian of −ln L, delta
    /// method from the log scale); `None` when the Hessian is not positive
    /// definite.
    pub standard_errors: Option<Vec<f64>>,
    /// L-BFGS iterations.
    pub iterations: u64,
    /// Whether the gradient vanished (norm below 1e-4 on the mean
    /// log-likelihood per log-parameter).
    pub converged: bool,
    /// Norm of the gradient of the penalized mean negative log-likelihood
    /// with respect to the log-parameters at the estimate.
    pub gradient_norm: f64,
    /// Why the optimizer stopped.
    pub termination: String,
    /// The penalty coefficient used.
    pub penalizer: f64,
    /// Starting points tried: 1 when the first run converged; more when
    /// it did not and the fit restarted (from the unpenalized optimum and
    /// from other starts) before taking the best.
    #[serde(default = "one")]
    pub starts: u32,
}

/// Sums `f(i)` over rows, on all cores when there are at least
/// `parallel_from` rows and the `parallel` feature is on.
fn sum_rows<F>(n: usize, k: usize, parallel_from: usize, f: F) -> (f64, Vec<f64>)
where
    F: Fn(usize, &mut [f64]) -> f64 + Sync,
{
    let run = |range: std::ops::Range<usize>| {
        let mut g = vec![0.0; k];
        let mut tmp = vec![0.0; k];
        let mut s = 0.0;
        for i in range {
            tmp.iter_mut().for_each(|v| *v = 0.0);
            s += f(i, &mut tmp);
            for (a, b) in g.iter_mut().zip(&tmp) {
                *a += b;
            }
        }
        (s, g)
    };
    #[cfg(feature = "parallel")]
    if n >= parallel_from {
        use rayon::prelude::*;
        let chunk = n.div_ceil(rayon::current_num_threads() * 4).max(1);
        let starts: Vec<usize> = (0..n).step_by(chunk).collect();
        return starts.into_par_iter().map(|s| run(s..(s + chunk).min(n))).reduce(
            || (0.0, vec![0.0; k]),
            |(s1, mut g1), (s2, g2)| {
                for (a, b) in g1.iter_mut().zip(&g2) {
                    *a += b;
                }
                (s1 + s2, g1)
            },
        );
    }
    #[cfg(not(feature = "parallel"))]
    let _ = parallel_from;
    run(0..n)
}

/// Total weighted ln L and its gradient in natural parameters.
pub(crate) fn total_ll<M: Model>(rows: &Rows, p: &[f64], with_grad: bool) -> (f64, Vec<f64>) {
    let k = M::NAMES.len();
    let c = M::PREPARED;
    let mut prepared = vec![0.0; rows.xs.len() * c];
    if c > 0 {
        for (j, &x) in rows.xs.iter().enumerate() {
            M::prepare(p, x, with_grad, &mut prepared[j * c..(j + 1) * c]);
        }
    }
    let logs = M::log_shift(p).map(|shift| {
        let ln = |v: &[f64]| v.iter().map(|t| (shift + t).ln()).collect::<Vec<f64>>();
        (ln(&rows.txs), ln(&rows.ts))
    });
    sum_rows(rows.x.len(), k, M::PARALLEL_FROM, |i, g| {
        let w = rows.w[i];
        let pre = if c > 0 {
            let j = rows.xi[i] as usize;
            &prepared[j * c..(j + 1) * c]
        } else {
            &[]
        };
        let grad = if with_grad { Some(&mut *g) } else { None };
        let l = match &logs {
            Some((la, lt)) => {
                let pair = (la[rows.txi[i] as usize], lt[rows.ti[i] as usize]);
                M::ll_prepared_logs(p, pre, rows.x[i], rows.tx[i], rows.t[i], pair, grad)
            }
            None => M::ll_prepared(p, pre, rows.x[i], rows.tx[i], rows.t[i], grad),
        };
        if with_grad {
            g.iter_mut().for_each(|v| *v *= w);
        }
        w * l
    })
}

/// (cost, gradient) at the log-parameters, with or without the gradient.
type Objective<'a> = dyn Fn(&[f64], bool) -> (f64, Vec<f64>) + Sync + 'a;

/// A point with its cost and gradient.
type Evaluated = (Vec<f64>, f64, Vec<f64>);

/// The objective as argmin sees it: (cost, gradient) of the log-parameters.
/// Not generic over the model, so the optimizer is compiled once rather
/// than once per model (this keeps the WebAssembly module small).
struct Problem<'a> {
    eval: &'a Objective<'a>,
    /// The last point with its cost and gradient: the line search asks for
    /// the cost and then the gradient at the same point, and the analytic
    /// gradients come almost free with the cost.
    last: std::sync::Mutex<Option<Evaluated>>,
}

impl Problem<'_> {
    fn at(&self, phi: &[f64]) -> (f64, Vec<f64>) {
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((p, c, g)) = last.as_ref()
            && p.as_slice() == phi
        {
            return (*c, g.clone());
        }
        let (c, g) = (self.eval)(phi, true);
        *last = Some((phi.to_vec(), c, g.clone()));
        (c, g)
    }
}

/// Log-parameters beyond this make exp() meaningless; the objective is
/// made large there so the line search backs off.
const LOG_BOUND: f64 = 40.0;

/// The penalized mean negative log-likelihood of `M` and its gradient in
/// the log-parameters φ = ln θ.
fn objective<M: Model>(rows: &Rows, penalty: &Penalty, phi: &[f64], with_grad: bool) -> (f64, Vec<f64>) {
    let k = phi.len();
    if phi.iter().any(|v| !v.is_finite() || v.abs() > LOG_BOUND) {
        return (1e100, vec![0.0; k]);
    }
    let p: Vec<f64> = phi.iter().map(|v| v.exp()).collect();
    let (ll, g) = total_ll::<M>(rows, &p, with_grad);
    let n = rows.total;
    let w = &penalty.weights;
    let pen: f64 = penalty.c * p.iter().zip(w).map(|(v, w)| w * v * v).sum::<f64>();
    let cost = -ll / n + pen;
    if !cost.is_finite() {
        return (1e100, vec![0.0; k]);
    }
    let grad = (0..k)
        .map(|j| -g[j] * p[j] / n + 2.0 * penalty.c * w[j] * p[j] * p[j])
        .collect();
    (cost, grad)
}

impl CostFunction for Problem<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, phi: &Self::Param) -> std::result::Result<f64, ArgminError> {
        Ok(self.at(phi).0)
    }
}

impl Gradient for Problem<'_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, phi: &Self::Param) -> std::result::Result<Vec<f64>, ArgminError> {
        Ok(self.at(phi).1)
    }
}

/// Runs L-BFGS from `phi0`; returns the best point, the iterations and why
/// the optimizer stopped.
fn minimize(eval: &Objective<'_>, phi0: Vec<f64>, max_iterations: u64) -> Result<(Vec<f64>, u64, String)> {
    let linesearch = MoreThuenteLineSearch::new();
    // Stop when a step changes the mean negative log-likelihood by less than
    // 1e-12 (about 1e-13 relative): past that the line search only chases
    // rounding noise. On a million customers this took the BG/NBD fit from
    // 182 likelihood evaluations to 25, with ln L equal to 14 digits.
    let solver = LBFGS::new(linesearch, 10)
        .with_tolerance_grad(1e-9)
        .map_err(optimizer_error)?
        .with_tolerance_cost(1e-12)
        .map_err(optimizer_error)?;
    let res = Executor::new(
        Problem {
            eval,
            last: std::sync::Mutex::new(None),
        },
        solver,
    )
    .configure(|s| s.param(phi0).max_iters(max_iterations))
    .run()
    .map_err(optimizer_error)?;
    let state = res.state();
    let phi = state
        .get_best_param()
        .cloned()
        .ok_or_else(|| optimizer_error("no parameters were evaluated"))?;
    let termination = match state.get_termination_reason() {
        Some(TerminationReason::SolverConverged) => "converged".to_owned(),
        Some(TerminationReason::MaxItersReached) => "iteration limit reached".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "stopped".to_owned(),
    };
    Ok((phi, state.get_iter(), termination))
}

fn optimizer_error(e: impl std::fmt::Display) -> CxError {
    CxError::invalid(
        "fit",
        e,
        "a fit the optimizer can run (check the data and the starting values)",
    )
}

/// Fits `M` to `rows`; returns natural parameters and the report.
pub(crate) fn fit<M: Model>(rows: &Rows, options: &FitOptions) -> Result<(Vec<f64>, FitReport)> {
    let k = M::NAMES.len();
    if !(options.penalizer.is_finite() && options.penalizer >= 0.0) {
        return Err(CxError::invalid("penalizer", options.penalizer, "a number >= 0"));
    }
    let start = match &options.initial {
        Some(v) => {
            if v.len() != k || v.iter().any(|p| !(p.is_finite() && *p > 0.0)) {
                return Err(CxError::invalid(
                    "initial",
                    format!("{v:?}"),
                    format!("{k} positive parameters ({})", M::NAMES.join(", ")),
                ));
            }
            v.clone()
        }
        None => M::initial(rows),
    };
    let penalty = Penalty::of::<M>(rows, options.penalizer);
    let eval = |phi: &[f64], with_grad: bool| objective::<M>(rows, &penalty, phi, with_grad);
    let run = |start: &[f64]| -> Result<Attempt> {
        let phi0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let (phi, iterations, termination) = minimize(&eval, phi0, options.max_iterations)?;
        let (cost, grad) = eval(&phi, true);
        let gradient_norm = grad.iter().map(|g| g * g).sum::<f64>().sqrt();
        Ok(Attempt {
            phi,
            iterations,
            termination,
            cost,
            gradient_norm,
        })
    };
    // The first start; when it does not converge (a line search that fails
    // far from the optimum, as MBG/NBD with a penalizer can), restart from
    // the unpenalized optimum and from lifetimes' start (all log-parameters
    // 0.1) and the heuristic start moved both ways, and keep the best.
    let mut best = run(&start)?;
    let mut starts = 1;
    if !best.converged() {
        let mut others: Vec<Vec<f64>> = Vec::new();
        if options.penalizer > 0.0 {
            let free = FitOptions {
                penalizer: 0.0,
                accept_unconverged: true,
                ..options.clone()
            };
            if let Ok((p, _)) = fit::<M>(rows, &free) {
                others.push(p);
            }
        }
        others.push(vec![0.1_f64.exp(); k]);
        others.push(start.iter().map(|v| v * 0.25).collect());
        others.push(start.iter().map(|v| v * 4.0).collect());
        for s in others {
            starts += 1;
            if let Ok(a) = run(&s)
                && a.better_than(&best)
            {
                best = a;
            }
            if best.converged() {
                break;
            }
        }
    }
    if !best.converged() && !options.accept_unconverged {
        return Err(CxError::NotConverged {
            argument: "fit",
            reason: format!(
                "the gradient norm is {:.2e} where the best of {starts} starting points stopped ({}); \
                 pass accept_unconverged to get that estimate, flagged",
                best.gradient_norm, best.termination
            ),
        });
    }
    let Attempt {
        phi,
        iterations,
        termination,
        gradient_norm,
        ..
    } = best;
    let p: Vec<f64> = phi.iter().map(|v| v.exp()).collect();
    let (ll, _) = total_ll::<M>(rows, &p, false);
    if !ll.is_finite() {
        return Err(optimizer_error(
            "the log-likelihood is not finite at the estimate",
        ));
    }
    let n = rows.total;
    let standard_errors = standard_errors::<M>(rows, &phi);
    Ok((
        p,
        FitReport {
            log_likelihood: ll,
            customers: n,
            distinct_rows: rows.x.len(),
            aic: 2.0 * k as f64 - 2.0 * ll,
            bic: k as f64 * n.ln() - 2.0 * ll,
            standard_errors,
            iterations,
            converged: gradient_norm < CONVERGED,
            gradient_norm,
            termination,
            penalizer: options.penalizer,
            starts,
        },
    ))
}

/// One run of the optimizer from one starting point.
struct Attempt {
    phi: Vec<f64>,
    iterations: u64,
    termination: String,
    cost: f64,
    gradient_norm: f64,
}

impl Attempt {
    fn converged(&self) -> bool {
        self.gradient_norm < CONVERGED
    }

    /// Converged beats not converged; then the lower penalized cost.
    fn better_than(&self, other: &Attempt) -> bool {
        match (self.converged(), other.converged()) {
            (true, false) => true,
            (false, true) => false,
            _ => self.cost < other.cost,
        }
    }
}

/// The gradient norm (of the mean penalized negative log-likelihood in the
/// log-parameters) below which a fit counts as converged.
const CONVERGED: f64 = 1e-4;

/// Standard errors from the Hessian of −ln L in the log-parameters
/// (central differences of the gradient), mapped back with the delta
/// method: se(θ) = θ·se(ln θ).
fn standard_errors<M: Model>(rows: &Rows, phi: &[f64]) -> Option<Vec<f64>> {
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
    let inv = invert_spd(&hess)?;
    Some((0..k).map(|i| phi[i].exp() * inv[i][i].sqrt()).collect())
}

/// Inverse of a small symmetric positive-definite matrix by Cholesky
/// factorization (written out: the matrices here are at most 4×4, too
/// small to justify a linear-algebra dependency). `None` if not positive
/// definite.
pub(crate) fn invert_spd(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spd_inverse() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let inv = invert_spd(&a).expect("spd");
        // [[3, -2], [-2, 4]] / 8
        assert!((inv[0][0] - 0.375).abs() < 1e-12);
        assert!((inv[0][1] + 0.25).abs() < 1e-12);
        assert!((inv[1][1] - 0.5).abs() < 1e-12);
        assert!(invert_spd(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }
}
