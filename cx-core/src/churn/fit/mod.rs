//! Maximum-likelihood fitting shared by the models: L-BFGS (from `argmin`)
//! on the log-parameters with lifetimes' penalty, restarts before giving up,
//! standard errors from the Hessian.

mod hessian;
mod model;
mod optimizer;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use std::sync::Mutex;

use super::data::Rows;
use crate::error::{CxError, Result};

#[cfg(test)]
pub(crate) use hessian::numeric_neg_hessian_phi;
pub(crate) use hessian::{cholesky, covariance, invert_spd, numeric_grad};
pub(crate) use model::{Model, sum_rows, total_ll};
pub(crate) use optimizer::{Objective, minimize};

use hessian::standard_errors;
use optimizer::{Penalty, objective_ll, optimizer_error};

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
    // The last evaluations with their log-likelihood: the optimizer's best
    // point was one of them, so the report needs no further pass.
    let seen: Mutex<Vec<Seen>> = Mutex::new(Vec::new());
    let eval = |phi: &[f64], with_grad: bool| {
        let (cost, grad, ll) = objective_ll::<M>(rows, &penalty, phi, with_grad);
        if with_grad {
            let mut seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if seen.len() == 4 {
                seen.remove(0);
            }
            seen.push((phi.to_vec(), cost, grad.clone(), ll));
        }
        (cost, grad)
    };
    let recall = |phi: &[f64]| -> Option<Seen> {
        let seen = seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.iter().rev().find(|s| s.0 == phi).cloned()
    };
    let run = |start: &[f64]| -> Result<Attempt> {
        let phi0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        let (phi, iterations, termination) = minimize(&eval, phi0, options.max_iterations)?;
        let (cost, grad) = match recall(&phi) {
            Some((_, cost, grad, _)) => (cost, grad),
            None => eval(&phi, true),
        };
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
    let ll = match recall(&phi) {
        Some((.., ll)) => ll,
        None => total_ll::<M>(rows, &p, false).0,
    };
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

/// An evaluated point: log-parameters, cost, gradient, log-likelihood.
type Seen = (Vec<f64>, f64, Vec<f64>, f64);

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
