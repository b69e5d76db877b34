//! Time-invariant covariates in the purchase models: what moves a
//! customer's purchase rate and drop-out.
//!
//! Each covariate acts on a scale parameter of one process, customer by
//! customer (`../shared/REFERENCES.md` §7; Fader & Hardie 2007, "Incorporating
//! time-invariant covariates into the Pareto/NBD and BG/NBD models"):
//!
//! | model | purchase | drop-out |
//! |---|---|---|
//! | Pareto/NBD | αᵢ = α₀·e^{−γ_pᵀzᵢ} | βᵢ = β₀·e^{−γ_dᵀzᵢ} |
//! | BG/NBD, MBG/NBD | αᵢ = α₀·e^{−γ_pᵀzᵢ} | aᵢ = a₀·e^{γ_aᵀzᵢ}, bᵢ = b₀·e^{γ_bᵀzᵢ} |
//!
//! So E[λᵢ] = (r/α₀)·e^{γ_pᵀzᵢ}: a positive purchase coefficient raises the
//! purchase rate, a positive Pareto/NBD drop-out coefficient raises the
//! drop-out rate E[μᵢ] = (s/β₀)·e^{γ_dᵀzᵢ}. For the BG family cx follows
//! PyMC-Marketing's `BetaGeoModel` (separate γ_a and γ_b) rather than
//! CLVTools (one coefficient on both a and b): with one coefficient the mean
//! drop-out probability a/(a+b) cannot move, so a covariate could never
//! answer "does a late delivery make customers leave". The two
//! parameterizations give different estimates; do not compare them.
//!
//! A covariate may also have one coefficient on both processes of the
//! Pareto/NBD model (CLVTools' `names.cov.constr`). The likelihood and every
//! prediction are the model's own with the customer's αᵢ, βᵢ (aᵢ, bᵢ)
//! substituted; with all γ = 0 they are the model without covariates.
//!
//! Fitting standardizes each covariate (mean 0, standard deviation 1) for
//! the optimizer and its optional L2 penalty, starts from the fit without
//! covariates (its optimum is the γ = 0 point of the centred problem) and
//! reports coefficients, standard errors and covariances on the covariates'
//! own scale.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::api::{Columns, Prediction, predict};
use super::data::CustomerData;
use super::fit::{FitOptions, Model, Objective, fit, invert_spd, minimize, sum_rows};
use super::{AnyModel, BetaGeo, ModifiedBetaGeo, ParetoNbd, bgnbd, pareto};
use crate::error::{CxError, Result};
use crate::stats::{check_level, normal_two_sided_p, z_critical};

/// Covariate columns, one value per customer in the order of the customer
/// columns.
#[derive(Debug, Clone, Copy)]
pub struct Covariates<'a> {
    /// Column names.
    pub names: &'a [String],
    /// One column per name.
    pub columns: &'a [&'a [f64]],
}

/// Which process a coefficient acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Process {
    /// The purchase rate: α divided by e^{γz}.
    Purchase,
    /// Pareto/NBD's drop-out rate: β divided by e^{γz}.
    Dropout,
    /// Pareto/NBD, one coefficient on both processes (α and β divided by
    /// e^{γz}).
    Both,
    /// BG family, the first shape of the drop-out beta: a times e^{γz}.
    DropoutA,
    /// BG family, the second shape: b times e^{γz}.
    DropoutB,
}

impl Process {
    /// (parameter index, sign) pairs: the log of parameter j moves by
    /// sign·γ·z.
    fn links(self) -> &'static [(usize, f64)] {
        match self {
            Process::Purchase => &[(1, -1.0)],
            Process::Dropout => &[(3, -1.0)],
            Process::Both => &[(1, -1.0), (3, -1.0)],
            Process::DropoutA => &[(2, 1.0)],
            Process::DropoutB => &[(3, 1.0)],
        }
    }
}

/// Options of [`fit_covariates`]. In JSON all fields are optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CovariateOptions {
    /// Covariates on the purchase process; `None`: every covariate not in
    /// `shared`.
    pub purchase: Option<Vec<String>>,
    /// Covariates on the drop-out process; `None`: every covariate not in
    /// `shared`.
    pub dropout: Option<Vec<String>>,
    /// Covariates with one coefficient on both processes (Pareto/NBD only).
    pub shared: Vec<String>,
    /// L2 penalty λ·Σγ² on the purchase coefficients of the standardized
    /// covariates, added to the mean negative log-likelihood; 0 by default.
    pub penalty_purchase: f64,
    /// The same for the drop-out coefficients (a shared coefficient takes
    /// the mean of the two penalties).
    pub penalty_dropout: f64,
    /// Level of the Wald intervals; 0.95 by default.
    pub level: f64,
    /// Iteration limit of L-BFGS; 1,000 by default.
    pub max_iterations: u64,
    /// Return a fit that did not converge, flagged, instead of the
    /// `not_converged` error.
    pub accept_unconverged: bool,
}

impl Default for CovariateOptions {
    fn default() -> Self {
        CovariateOptions {
            purchase: None,
            dropout: None,
            shared: Vec::new(),
            penalty_purchase: 0.0,
            penalty_dropout: 0.0,
            level: 0.95,
            max_iterations: 1000,
            accept_unconverged: false,
        }
    }
}

/// One coefficient with its Wald test and interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coefficient {
    /// The covariate.
    pub covariate: String,
    /// The process it acts on.
    pub process: Process,
    /// γ, per unit of the covariate.
    pub estimate: f64,
    /// Standard error (inverse Hessian of −ln L); `None` when the Hessian is
    /// not positive definite.
    #[serde(default)]
    pub standard_error: Option<f64>,
    /// Wald statistic γ/se.
    #[serde(default)]
    pub z: Option<f64>,
    /// Two-sided p-value of the Wald test of γ = 0.
    #[serde(default)]
    pub p_value: Option<f64>,
    /// Lower end of the Wald interval.
    #[serde(default)]
    pub lower: Option<f64>,
    /// Upper end.
    #[serde(default)]
    pub upper: Option<f64>,
}

/// What a one-unit increase of a covariate does, at the covariates' means:
/// the percent change of the mean purchase rate `E[λ]`, of the mean drop-out
/// rate `E[μ]` (Pareto/NBD) or of the mean drop-out probability per purchase
/// `E[p] = a/(a+b)` (BG family), with a delta-method interval on the log of
/// the ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    /// The covariate.
    pub covariate: String,
    /// `purchase_rate`, `dropout_rate` or `dropout_probability`.
    pub on: String,
    /// 100·(ratio − 1).
    pub percent: f64,
    /// Lower end of the interval, in percent.
    #[serde(default)]
    pub lower: Option<f64>,
    /// Upper end.
    #[serde(default)]
    pub upper: Option<f64>,
}

/// The likelihood-ratio test against the model without covariates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LikelihoodRatio {
    /// ln L of the model without covariates (fitted to the same customers).
    pub null_log_likelihood: f64,
    /// 2·(ln L − ln L₀).
    pub statistic: f64,
    /// Degrees of freedom: the number of coefficients.
    pub df: usize,
    /// P(χ²_df ≥ statistic).
    pub p_value: f64,
}

/// How a covariate fit went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CovariateFit {
    /// ln L at the estimate (without the penalty).
    pub log_likelihood: f64,
    /// Customers fitted.
    pub customers: usize,
    /// Parameters estimated (4 + coefficients).
    pub parameters: usize,
    /// 2k − 2 ln L.
    pub aic: f64,
    /// k ln n − 2 ln L.
    pub bic: f64,
    /// Against the model without covariates.
    pub likelihood_ratio: LikelihoodRatio,
    /// L-BFGS iterations.
    pub iterations: u64,
    /// Whether the gradient vanished (norm below 1e-4 on the mean
    /// log-likelihood).
    pub converged: bool,
    /// Norm of the gradient at the estimate (standardized coordinates).
    pub gradient_norm: f64,
    /// Why the optimizer stopped.
    pub termination: String,
    /// The penalties used.
    pub penalty_purchase: f64,
    /// The penalties used.
    pub penalty_dropout: f64,
}

/// A purchase model with time-invariant covariates; serializes to JSON with
/// its covariate names, coefficients and covariance, so a model fitted in
/// one language scores in another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CovariateModel {
    /// The model at z = 0 (r, α₀, s, β₀ or r, α₀, a₀, b₀).
    pub base: AnyModel,
    /// Covariate names, in the order of [`means`](Self::means).
    pub covariates: Vec<String>,
    /// The covariates' means in the fitted data (where effects are taken).
    pub means: Vec<f64>,
    /// The coefficients.
    pub coefficients: Vec<Coefficient>,
    /// Effects of a one-unit increase of each covariate.
    #[serde(default)]
    pub effects: Vec<Effect>,
    /// Covariance of (ln r, ln α₀, ln s or ln a₀, ln β₀ or ln b₀, γ…) on the
    /// covariates' own scale, when the Hessian could be inverted.
    #[serde(default)]
    pub covariance: Option<Vec<Vec<f64>>>,
    /// Level of the intervals.
    pub level: f64,
    /// Whether the coefficients were fitted to covariates that vary by
    /// period ([`super::fit_dynamic_covariates`], Pareto/NBD); the model
    /// then scores customers with [`super::predict_dynamic`], and
    /// [`predict_covariates`] treats a customer's covariates as constant.
    #[serde(default)]
    pub time_varying: bool,
    /// How the fit went, when the model was fitted.
    #[serde(default)]
    pub fit: Option<CovariateFit>,
}

/// The purchase-model family of a covariate model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Pareto,
    Bg,
    Mbg,
}

impl Family {
    fn of(name: &str) -> Result<Family> {
        match name {
            "pareto_nbd" => Ok(Family::Pareto),
            "bg_nbd" => Ok(Family::Bg),
            "mbg_nbd" => Ok(Family::Mbg),
            other => Err(CxError::invalid(
                "model",
                other,
                "a purchase model with covariates: pareto_nbd, bg_nbd or mbg_nbd",
            )),
        }
    }

    fn of_model(m: &AnyModel) -> Result<Family> {
        Family::of(super::model_name(m))
    }

    fn allows(self, process: Process) -> bool {
        match self {
            Family::Pareto => matches!(process, Process::Purchase | Process::Dropout | Process::Both),
            Family::Bg | Family::Mbg => {
                matches!(process, Process::Purchase | Process::DropoutA | Process::DropoutB)
            }
        }
    }

    fn model(self, p: &[f64]) -> Result<AnyModel> {
        Ok(match self {
            Family::Pareto => AnyModel::ParetoNbd(ParetoNbd::new(p[0], p[1], p[2], p[3])?),
            Family::Bg => AnyModel::BgNbd(BetaGeo::new(p[0], p[1], p[2], p[3])?),
            Family::Mbg => AnyModel::MbgNbd(ModifiedBetaGeo::new(p[0], p[1], p[2], p[3])?),
        })
    }
}

/// A coefficient of the design: which column, which process.
#[derive(Debug, Clone)]
struct Term {
    column: usize,
    process: Process,
}

/// Checks the covariate columns against `n` customers: names distinct and
/// non-empty, one value per customer, every value finite.
fn check_columns(cov: &Covariates<'_>, n: usize) -> Result<()> {
    if cov.names.len() != cov.columns.len() {
        return Err(CxError::LengthMismatch {
            argument: "covariates",
            expected: cov.names.len(),
            actual: cov.columns.len(),
            other: "covariate names",
        });
    }
    for (j, (name, col)) in cov.names.iter().zip(cov.columns).enumerate() {
        if cov.names[..j].contains(name) {
            return Err(covariate(name, None, "the name is given twice".into()));
        }
        if col.len() != n {
            return Err(covariate(
                name,
                None,
                format!("it has {} values but there are {n} customers", col.len()),
            ));
        }
        if let Some(i) = col.iter().position(|v| !v.is_finite()) {
            return Err(covariate(
                name,
                Some(i),
                format!(
                    "row {i} is {}; covariates must be finite numbers (impute or drop the row)",
                    col[i]
                ),
            ));
        }
    }
    Ok(())
}

/// The [`CxError::Covariate`] of column `name`.
pub fn covariate_error(name: &str, index: Option<usize>, problem: String) -> CxError {
    covariate(name, index, problem)
}

fn covariate(name: &str, index: Option<usize>, problem: String) -> CxError {
    CxError::Covariate {
        column: name.to_owned(),
        index,
        problem,
    }
}

/// The coefficients `options` asks for, in order: purchase, drop-out
/// (BG family: on a, then on b), shared.
fn terms(family: Family, names: &[String], options: &CovariateOptions) -> Result<Vec<Term>> {
    let column = |name: &String| -> Result<usize> {
        names.iter().position(|n| n == name).ok_or_else(|| {
            covariate(
                name,
                None,
                format!("no such column among the covariates ({})", names.join(", ")),
            )
        })
    };
    let shared: Vec<usize> = options.shared.iter().map(column).collect::<Result<_>>()?;
    if !shared.is_empty() && family != Family::Pareto {
        return Err(covariate(
            &options.shared[0],
            None,
            "one coefficient on both processes is defined for pareto_nbd only: the BG family's \
             drop-out has two coefficients (on a and on b)"
                .into(),
        ));
    }
    let pick = |list: &Option<Vec<String>>| -> Result<Vec<usize>> {
        match list {
            Some(v) => v.iter().map(column).collect(),
            None => Ok((0..names.len()).filter(|j| !shared.contains(j)).collect()),
        }
    };
    let purchase = pick(&options.purchase)?;
    let dropout = pick(&options.dropout)?;
    for (list, what) in [(&purchase, "purchase"), (&dropout, "dropout")] {
        for (k, j) in list.iter().enumerate() {
            if list[..k].contains(j) {
                return Err(covariate(&names[*j], None, format!("listed twice in `{what}`")));
            }
            if shared.contains(j) {
                return Err(covariate(
                    &names[*j],
                    None,
                    format!(
                        "listed in `{what}` and in `shared`: a shared covariate has one coefficient on both processes"
                    ),
                ));
            }
        }
    }
    for (j, name) in names.iter().enumerate() {
        if !purchase.contains(&j) && !dropout.contains(&j) && !shared.contains(&j) {
            return Err(covariate(
                name,
                None,
                "given but in no process (list it in `purchase`, `dropout` or `shared`, or leave it out)"
                    .into(),
            ));
        }
    }
    let mut out: Vec<Term> = purchase
        .iter()
        .map(|&column| Term {
            column,
            process: Process::Purchase,
        })
        .collect();
    match family {
        Family::Pareto => out.extend(dropout.iter().map(|&column| Term {
            column,
            process: Process::Dropout,
        })),
        Family::Bg | Family::Mbg => {
            for process in [Process::DropoutA, Process::DropoutB] {
                out.extend(dropout.iter().map(|&column| Term { column, process }));
            }
        }
    }
    out.extend(shared.iter().map(|&column| Term {
        column,
        process: Process::Both,
    }));
    if out.is_empty() {
        return Err(CxError::Empty {
            argument: "covariates",
        });
    }
    Ok(out)
}

/// Each column's mean and standard deviation; an error for a column that
/// never varies or that is a linear combination of the columns before it
/// within one process (an incremental Cholesky of the correlation matrix).
fn standardize(cov: &Covariates<'_>, terms: &[Term]) -> Result<(Vec<f64>, Vec<f64>)> {
    let n = cov.columns.first().map_or(0, |c| c.len()) as f64;
    let mut means = Vec::with_capacity(cov.columns.len());
    let mut sds = Vec::with_capacity(cov.columns.len());
    for (name, col) in cov.names.iter().zip(cov.columns) {
        let m = col.iter().sum::<f64>() / n;
        let v = col.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
        if v.is_nan() || v <= 1e-24 * (1.0 + m * m) {
            return Err(covariate(
                name,
                None,
                format!(
                    "it never varies (every customer has {m}), so its effect cannot be told from the model's base rate"
                ),
            ));
        }
        means.push(m);
        sds.push(v.sqrt());
    }
    // Per process, the columns acting on one parameter must be linearly
    // independent (with the intercept, which centring takes care of).
    for param in 1..4 {
        let cols: Vec<usize> = terms
            .iter()
            .filter(|t| t.process.links().iter().any(|l| l.0 == param))
            .map(|t| t.column)
            .collect();
        let z = |j: usize, i: usize| (cov.columns[j][i] - means[j]) / sds[j];
        let corr = |a: usize, b: usize| (0..n as usize).map(|i| z(a, i) * z(b, i)).sum::<f64>() / n;
        let mut l: Vec<Vec<f64>> = Vec::new();
        for (k, &a) in cols.iter().enumerate() {
            let mut row = vec![0.0; k + 1];
            for (m, &b) in cols[..k].iter().enumerate() {
                let s: f64 = (0..m).map(|q| row[q] * l[m][q]).sum();
                row[m] = (corr(a, b) - s) / l[m][m];
            }
            let d = 1.0 - row[..k].iter().map(|v| v * v).sum::<f64>();
            if d < 1e-10 {
                return Err(covariate(
                    &cov.names[a],
                    None,
                    format!(
                        "it is a linear combination of {} on the same process; drop one of them",
                        cols[..k]
                            .iter()
                            .map(|&b| format!("`{}`", cov.names[b]))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            row[k] = d.sqrt();
            l.push(row);
        }
    }
    Ok((means, sds))
}

/// The centred, scaled design, row-major, and the rows of the summary.
struct Problem<'a> {
    x: &'a [f64],
    tx: &'a [f64],
    t: &'a [f64],
    /// n × columns, standardized.
    z: Vec<f64>,
    columns: usize,
    terms: Vec<Term>,
    penalties: Vec<f64>,
}

impl Problem<'_> {
    fn n(&self) -> usize {
        self.x.len()
    }

    /// Customer i's parameters at φ = (ln p₀, γ) in standardized
    /// coordinates.
    fn params(&self, phi: &[f64], i: usize) -> [f64; 4] {
        let mut lp = [phi[0], phi[1], phi[2], phi[3]];
        let zi = &self.z[i * self.columns..(i + 1) * self.columns];
        for (k, term) in self.terms.iter().enumerate() {
            for &(j, sign) in term.process.links() {
                lp[j] += sign * phi[4 + k] * zi[term.column];
            }
        }
        lp.map(f64::exp)
    }

    /// Total ln L and its gradient in φ.
    fn ll<M: Model>(&self, phi: &[f64], with_grad: bool) -> (f64, Vec<f64>) {
        let k = phi.len();
        sum_rows(self.n(), k, M::PARALLEL_FROM.min(2_000), |i, g| {
            let p = self.params(phi, i);
            if !with_grad {
                return M::ll(&p, self.x[i], self.tx[i], self.t[i], None);
            }
            let mut gp = [0.0; 4];
            let l = M::ll(&p, self.x[i], self.tx[i], self.t[i], Some(&mut gp));
            // ∂/∂ln pⱼ = pⱼ·∂/∂pⱼ; ∂/∂γ = Σ links sign·z·∂/∂ln pⱼ.
            let dl: [f64; 4] = std::array::from_fn(|j| gp[j] * p[j]);
            g[..4].copy_from_slice(&dl);
            let zi = &self.z[i * self.columns..(i + 1) * self.columns];
            for (c, term) in self.terms.iter().enumerate() {
                g[4 + c] = term
                    .process
                    .links()
                    .iter()
                    .map(|&(j, sign)| sign * zi[term.column] * dl[j])
                    .sum();
            }
            l
        })
    }

    /// The penalized mean negative ln L and its gradient.
    fn objective<M: Model>(&self, phi: &[f64], with_grad: bool) -> (f64, Vec<f64>) {
        let k = phi.len();
        if phi.iter().any(|v| !v.is_finite() || v.abs() > 40.0) {
            return (1e100, vec![0.0; k]);
        }
        let (ll, g) = self.ll::<M>(phi, with_grad);
        let n = self.n() as f64;
        let pen: f64 = self.penalties.iter().zip(&phi[4..]).map(|(l, g)| l * g * g).sum();
        let cost = -ll / n + pen;
        if !cost.is_finite() {
            return (1e100, vec![0.0; k]);
        }
        let mut grad: Vec<f64> = g.iter().map(|v| -v / n).collect();
        if with_grad {
            for (c, l) in self.penalties.iter().enumerate() {
                grad[4 + c] += 2.0 * l * phi[4 + c];
            }
        }
        (cost, grad)
    }

    /// The Hessian of the penalized −ln L in φ. Each customer's log-
    /// parameters are linear in φ (ln pᵢ = Jᵢφ), so the Hessian is
    /// Σᵢ Jᵢᵀ Hᵢ Jᵢ with Hᵢ the 4 × 4 Hessian of −ℓᵢ in ln pᵢ, taken by
    /// central differences of the model's analytic gradient: 8 gradient
    /// evaluations per customer whatever the number of coefficients (the
    /// plain differences in φ took 2·(4 + coefficients)).
    fn hessian<M: Model>(&self, phi: &[f64]) -> Vec<Vec<f64>> {
        let k = phi.len();
        let h = 1e-5;
        let (_, flat) = sum_rows(self.n(), k * k, M::PARALLEL_FROM.min(2_000), |i, out| {
            let p = self.params(phi, i);
            let grad_at = |j: usize, step: f64| -> [f64; 4] {
                let mut q = p;
                q[j] *= step.exp();
                let mut g = [0.0; 4];
                M::ll(&q, self.x[i], self.tx[i], self.t[i], Some(&mut g));
                std::array::from_fn(|m| -g[m] * q[m])
            };
            let mut hi = [[0.0; 4]; 4];
            for (j, row) in hi.iter_mut().enumerate() {
                let (u, d) = (grad_at(j, h), grad_at(j, -h));
                for m in 0..4 {
                    row[m] = (u[m] - d[m]) / (2.0 * h);
                }
            }
            // Jᵢ: column a of φ moves ln pⱼ by jac[j][a].
            let zi = &self.z[i * self.columns..(i + 1) * self.columns];
            let mut jac = vec![[0.0; 4]; k];
            for (j, col) in jac.iter_mut().enumerate().take(4) {
                col[j] = 1.0;
            }
            for (c, term) in self.terms.iter().enumerate() {
                for &(j, sign) in term.process.links() {
                    jac[4 + c][j] += sign * zi[term.column];
                }
            }
            for a in 0..k {
                for b in 0..k {
                    let mut v = 0.0;
                    for j in 0..4 {
                        if jac[a][j] == 0.0 {
                            continue;
                        }
                        for m in 0..4 {
                            v += jac[a][j] * hi[j][m] * jac[b][m];
                        }
                    }
                    out[a * k + b] = v;
                }
            }
            0.0
        });
        let n = self.n() as f64;
        let mut hess: Vec<Vec<f64>> = (0..k).map(|a| flat[a * k..(a + 1) * k].to_vec()).collect();
        for (c, l) in self.penalties.iter().enumerate() {
            hess[4 + c][4 + c] += 2.0 * n * l;
        }
        for a in 0..k {
            for b in 0..a {
                let m = 0.5 * (hess[a][b] + hess[b][a]);
                hess[a][b] = m;
                hess[b][a] = m;
            }
        }
        hess
    }
}

/// Fits the purchase model `model` (`pareto_nbd`, `bg_nbd` or `mbg_nbd`)
/// with time-invariant covariates to customer summaries.
///
/// # Errors
/// The summary's input errors; [`CxError::Covariate`] for a covariate that
/// is not finite (naming the row), constant, collinear with others on the
/// same process, unknown, listed twice or in no process;
/// [`CxError::InvalidParameter`] for a negative penalty, a level outside
/// (0, 1) or another model; [`CxError::NotConverged`] unless
/// `accept_unconverged`.
///
/// # Examples
/// ```
/// use cx::churn::{CovariateOptions, Covariates, CustomerData, fit_covariates};
/// // Customers who had a late delivery (z = 1) buy less often.
/// let frequency = [4.0, 0.0, 6.0, 1.0, 3.0, 0.0, 5.0, 2.0, 0.0, 1.0, 7.0, 0.0];
/// let recency = [30.0, 0.0, 35.0, 5.0, 20.0, 0.0, 33.0, 12.0, 0.0, 3.0, 36.0, 0.0];
/// let t = [38.0, 20.0, 39.0, 30.0, 37.0, 25.0, 39.0, 35.0, 31.0, 29.0, 38.0, 33.0];
/// let late = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0];
/// let data = CustomerData { frequency: &frequency, recency: &recency, t: &t };
/// let names = ["late".to_string()];
/// let cov = Covariates { names: &names, columns: &[&late] };
/// let opts = CovariateOptions { dropout: Some(vec![]), ..Default::default() };
/// let m = fit_covariates("bg_nbd", &data, &cov, &opts)?;
/// assert!(m.coefficients[0].estimate < 0.0); // late → lower purchase rate
/// let fit = m.fit.as_ref().unwrap();
/// assert!(fit.log_likelihood >= fit.likelihood_ratio.null_log_likelihood - 1e-9);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn fit_covariates(
    model: &str,
    data: &CustomerData<'_>,
    covariates: &Covariates<'_>,
    options: &CovariateOptions,
) -> Result<CovariateModel> {
    let family = Family::of(model)?;
    data.validate()?;
    let n = data.len();
    if n == 0 {
        return Err(CxError::Empty {
            argument: "customers",
        });
    }
    check_columns(covariates, n)?;
    let level = check_level(options.level)?;
    for (name, v) in [
        ("penalty_purchase", options.penalty_purchase),
        ("penalty_dropout", options.penalty_dropout),
    ] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(CxError::invalid(name, v, "a number >= 0"));
        }
    }
    if options.max_iterations == 0 {
        return Err(CxError::invalid("max_iterations", 0, "at least 1"));
    }
    let terms = terms(family, covariates.names, options)?;
    let (means, sds) = standardize(covariates, &terms)?;
    let columns = covariates.names.len();
    let mut z = vec![0.0; n * columns];
    for (j, col) in covariates.columns.iter().enumerate() {
        for (i, v) in col.iter().enumerate() {
            z[i * columns + j] = (v - means[j]) / sds[j];
        }
    }
    let penalties = terms
        .iter()
        .map(|t| match t.process {
            Process::Purchase => options.penalty_purchase,
            Process::Both => 0.5 * (options.penalty_purchase + options.penalty_dropout),
            _ => options.penalty_dropout,
        })
        .collect();
    let problem = Problem {
        x: data.frequency,
        tx: data.recency,
        t: data.t,
        z,
        columns,
        terms,
        penalties,
    };
    match family {
        Family::Pareto => {
            run::<pareto::PnbdModel>(family, data, &problem, covariates, &means, &sds, options, level)
        }
        Family::Bg => run::<bgnbd::BgModel>(family, data, &problem, covariates, &means, &sds, options, level),
        Family::Mbg => {
            run::<bgnbd::MbgModel>(family, data, &problem, covariates, &means, &sds, options, level)
        }
    }
}

/// Gradient norm below which a fit counts as converged (as the models'
/// own fits).
const CONVERGED: f64 = 1e-4;

/// Where the optimizer stopped.
pub(crate) struct Run {
    pub phi: Vec<f64>,
    pub iterations: u64,
    pub termination: String,
    pub gradient_norm: f64,
}

impl Run {
    pub(crate) fn converged(&self) -> bool {
        self.gradient_norm < CONVERGED
    }
}

/// L-BFGS from `phi0`, run again (up to three times) from where a stalled
/// line search stopped; the `not_converged` error (naming `argument`)
/// unless `accept_unconverged`.
pub(crate) fn optimize(
    argument: &'static str,
    eval: &Objective<'_>,
    phi0: Vec<f64>,
    options: &CovariateOptions,
) -> Result<Run> {
    let (mut phi, mut iterations, mut termination) = minimize(eval, phi0, options.max_iterations)?;
    let grad_norm = |phi: &[f64]| eval(phi, true).1.iter().map(|g| g * g).sum::<f64>().sqrt();
    let mut gradient_norm = grad_norm(&phi);
    for _ in 0..3 {
        if gradient_norm < CONVERGED {
            break;
        }
        let (p, it, term) = minimize(eval, phi.clone(), options.max_iterations)?;
        iterations += it;
        termination = term;
        let g = grad_norm(&p);
        if g < gradient_norm {
            phi = p;
            gradient_norm = g;
        }
    }
    let run = Run {
        phi,
        iterations,
        termination,
        gradient_norm,
    };
    if !run.converged() && !options.accept_unconverged {
        return Err(CxError::NotConverged {
            argument,
            reason: format!(
                "the gradient norm is {gradient_norm:.2e} where the optimizer stopped ({}); \
                 rescale or drop covariates, add a penalty, or pass accept_unconverged to get that estimate, flagged",
                run.termination
            ),
        });
    }
    Ok(run)
}

/// A coefficient with its Wald statistic, p-value and interval (`zc`: the
/// interval's normal quantile).
pub(crate) fn coefficient(
    covariate: &str,
    process: Process,
    estimate: f64,
    se: Option<f64>,
    zc: f64,
) -> Coefficient {
    let se = se.filter(|s| s.is_finite());
    Coefficient {
        covariate: covariate.to_owned(),
        process,
        estimate,
        standard_error: se,
        z: se.map(|s| estimate / s),
        p_value: se.map(|s| normal_two_sided_p(estimate / s)),
        lower: se.map(|s| estimate - zc * s),
        upper: se.map(|s| estimate + zc * s),
    }
}

/// The fit report: ln L, information criteria, the likelihood-ratio test
/// against `null_ll` with `df` coefficients, the optimizer's run.
pub(crate) fn report(
    ll: f64,
    null_ll: f64,
    customers: usize,
    parameters: usize,
    run: Run,
    options: &CovariateOptions,
) -> CovariateFit {
    let statistic = (2.0 * (ll - null_ll)).max(0.0);
    let df = parameters - 4;
    let p_value = ChiSquared::new(df as f64).map_or(f64::NAN, |c| c.sf(statistic));
    let converged = run.converged();
    CovariateFit {
        log_likelihood: ll,
        customers,
        parameters,
        aic: 2.0 * parameters as f64 - 2.0 * ll,
        bic: parameters as f64 * (customers as f64).ln() - 2.0 * ll,
        likelihood_ratio: LikelihoodRatio {
            null_log_likelihood: null_ll,
            statistic,
            df,
            p_value,
        },
        iterations: run.iterations,
        converged,
        gradient_norm: run.gradient_norm,
        termination: run.termination,
        penalty_purchase: options.penalty_purchase,
        penalty_dropout: options.penalty_dropout,
    }
}

#[allow(clippy::too_many_arguments)]
fn run<M: Model>(
    family: Family,
    data: &CustomerData<'_>,
    problem: &Problem<'_>,
    covariates: &Covariates<'_>,
    means: &[f64],
    sds: &[f64],
    options: &CovariateOptions,
    level: f64,
) -> Result<CovariateModel> {
    // The model without covariates: the start (γ = 0 of the centred
    // problem is its optimum) and the null of the likelihood-ratio test.
    let rows = data.rows_weighted(None)?;
    let free = FitOptions {
        accept_unconverged: true,
        ..FitOptions::default()
    };
    let (p0, null_report) = fit::<M>(&rows, &free)?;
    let k = 4 + problem.terms.len();
    let mut phi0: Vec<f64> = p0.iter().map(|v| v.ln()).collect();
    phi0.resize(k, 0.0);
    let eval = |phi: &[f64], with_grad: bool| problem.objective::<M>(phi, with_grad);
    let run = optimize("fit_covariates", &eval, phi0, options)?;
    let phi = run.phi.clone();
    let (ll, _) = problem.ll::<M>(&phi, false);
    if !ll.is_finite() {
        return Err(CxError::invalid(
            "fit_covariates",
            "the log-likelihood is not finite at the estimate",
            "covariates on a scale the model can use (rescale large values)",
        ));
    }
    // From standardized to the covariates' own coordinates: γ = γ̃/sd and
    // ln p₀ⱼ = ln p̃₀ⱼ − Σ sign·γ̃·mean/sd over the terms acting on j; a
    // linear map J, so the covariance is J Σ̃ Jᵀ.
    let mut jac = vec![vec![0.0; k]; k];
    for (j, row) in jac.iter_mut().enumerate().take(4) {
        row[j] = 1.0;
    }
    for (c, term) in problem.terms.iter().enumerate() {
        let (m, s) = (means[term.column], sds[term.column]);
        jac[4 + c][4 + c] = 1.0 / s;
        for &(j, sign) in term.process.links() {
            jac[j][4 + c] -= sign * m / s;
        }
    }
    let raw: Vec<f64> = (0..k).map(|a| (0..k).map(|b| jac[a][b] * phi[b]).sum()).collect();
    let covariance = invert_spd(&problem.hessian::<M>(&phi)).map(|inv| {
        let ji: Vec<Vec<f64>> = (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| (0..k).map(|c| jac[a][c] * inv[c][b]).sum())
                    .collect()
            })
            .collect();
        (0..k)
            .map(|a| {
                (0..k)
                    .map(|b| (0..k).map(|c| ji[a][c] * jac[b][c]).sum())
                    .collect()
            })
            .collect::<Vec<Vec<f64>>>()
    });
    let zc = z_critical(level);
    let coefficients: Vec<Coefficient> = problem
        .terms
        .iter()
        .enumerate()
        .map(|(c, term)| {
            let se = covariance.as_ref().map(|v| v[4 + c][4 + c].sqrt());
            coefficient(&covariates.names[term.column], term.process, raw[4 + c], se, zc)
        })
        .collect();
    let base = family.model(&raw[..4].iter().map(|v| v.exp()).collect::<Vec<f64>>())?;
    let fit = report(ll, null_report.log_likelihood, problem.n(), k, run, options);
    let mut model = CovariateModel {
        base,
        covariates: covariates.names.to_vec(),
        means: means.to_vec(),
        coefficients,
        effects: Vec::new(),
        covariance,
        level,
        time_varying: false,
        fit: Some(fit),
    };
    model.effects = model.compute_effects()?;
    Ok(model)
}

impl CovariateModel {
    /// Reads a covariate model from JSON, checking it.
    ///
    /// # Errors
    /// [`CxError::Decode`] for malformed JSON; the checks of
    /// [`check`](Self::check).
    pub fn from_json(text: &str) -> Result<Self> {
        let m: CovariateModel = serde_json::from_str(text).map_err(|e| CxError::Decode {
            argument: "model",
            reason: e.to_string(),
        })?;
        m.check()?;
        Ok(m)
    }

    /// The model as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks that the parts agree: a purchase model as base, coefficients
    /// on known covariates and processes of that model, finite numbers, a
    /// covariance of the right size.
    ///
    /// # Errors
    /// [`CxError::Decode`] naming what disagrees.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| CxError::Decode {
            argument: "model",
            reason,
        };
        let family = Family::of_model(&self.base).map_err(|e| bad(e.to_string()))?;
        if self.time_varying && family != Family::Pareto {
            return Err(bad(
                "time-varying covariates are defined for pareto_nbd only".into()
            ));
        }
        if self.means.len() != self.covariates.len() {
            return Err(bad(format!(
                "{} means for {} covariates",
                self.means.len(),
                self.covariates.len()
            )));
        }
        for c in &self.coefficients {
            if !self.covariates.contains(&c.covariate) {
                return Err(bad(format!("coefficient on unknown covariate `{}`", c.covariate)));
            }
            if !family.allows(c.process) {
                return Err(bad(format!(
                    "a {:?} coefficient does not belong to {}",
                    c.process,
                    super::model_name(&self.base)
                )));
            }
            if !c.estimate.is_finite() {
                return Err(bad(format!("coefficient on `{}` is not finite", c.covariate)));
            }
        }
        if let Some(v) = &self.covariance {
            let k = 4 + self.coefficients.len();
            if v.len() != k || v.iter().any(|r| r.len() != k) {
                return Err(bad(format!("the covariance must be {k} × {k}")));
            }
        }
        Ok(())
    }

    /// Log-parameters (ln r, ln α₀, …, γ…) in the covariates' own scale.
    fn theta(&self) -> Vec<f64> {
        let mut t: Vec<f64> = self.base.params().iter().map(|(_, v)| v.ln()).collect();
        t.extend(self.coefficients.iter().map(|c| c.estimate));
        t
    }

    /// Each coefficient's position among [`covariates`](Self::covariates)
    /// (checked by [`check`](Self::check)).
    fn coefficient_columns(&self) -> Vec<usize> {
        self.coefficients
            .iter()
            .map(|c| {
                self.covariates
                    .iter()
                    .position(|n| *n == c.covariate)
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Parameters of a customer with covariates `z` (in the order of
    /// [`covariates`](Self::covariates)) at `theta`; `columns` from
    /// [`coefficient_columns`](Self::coefficient_columns), resolved once
    /// rather than per customer.
    fn params_at(&self, theta: &[f64], columns: &[usize], z: &[f64]) -> [f64; 4] {
        let mut lp = [theta[0], theta[1], theta[2], theta[3]];
        for (k, (c, &j)) in self.coefficients.iter().zip(columns).enumerate() {
            for &(p, sign) in c.process.links() {
                lp[p] += sign * theta[4 + k] * z[j];
            }
        }
        lp.map(f64::exp)
    }

    /// The purchase model of a customer with covariate values `z` (in the
    /// order of [`covariates`](Self::covariates)).
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] for the wrong number of values;
    /// [`CxError::InvalidParameter`] when a parameter leaves the positive
    /// finite numbers (covariates far outside the fitted range).
    pub fn customer_model(&self, z: &[f64]) -> Result<AnyModel> {
        CxError::check_len("covariates", z.len(), "covariate names", self.covariates.len())?;
        let family = Family::of_model(&self.base)?;
        family.model(&self.params_at(&self.theta(), &self.coefficient_columns(), z))
    }

    /// Effects of a one-unit increase of each covariate at the means, with
    /// delta-method intervals.
    pub(crate) fn effects_at_means(&self) -> Result<Vec<Effect>> {
        self.compute_effects()
    }

    fn compute_effects(&self) -> Result<Vec<Effect>> {
        let family = Family::of_model(&self.base)?;
        let theta = self.theta();
        let columns = self.coefficient_columns();
        let zc = z_critical(self.level);
        let mut out = Vec::new();
        // ln of each process's mean at z: E[λ] = r/α, E[μ] = s/β,
        // E[p] = a/(a+b).
        let purchase = |p: &[f64; 4]| p[0].ln() - p[1].ln();
        let dropout = |p: &[f64; 4]| match family {
            Family::Pareto => p[2].ln() - p[3].ln(),
            _ => p[2].ln() - (p[2] + p[3]).ln(),
        };
        let dropout_name = if family == Family::Pareto {
            "dropout_rate"
        } else {
            "dropout_probability"
        };
        for (j, name) in self.covariates.iter().enumerate() {
            let mut up = self.means.clone();
            up[j] += 1.0;
            for (on, f) in [
                ("purchase_rate", &purchase as &dyn Fn(&[f64; 4]) -> f64),
                (dropout_name, &dropout),
            ] {
                let touches = self.coefficients.iter().any(|c| {
                    c.covariate == *name
                        && match on {
                            "purchase_rate" => matches!(c.process, Process::Purchase | Process::Both),
                            _ => !matches!(c.process, Process::Purchase),
                        }
                });
                if !touches {
                    continue;
                }
                let log_ratio = |th: &[f64]| {
                    f(&self.params_at(th, &columns, &up)) - f(&self.params_at(th, &columns, &self.means))
                };
                let l = log_ratio(&theta);
                // The ratio is linear in γ for every process but E[p];
                // central differences give its gradient in all cases.
                let se = self.covariance.as_ref().and_then(|v| {
                    let h = 1e-6;
                    let g: Vec<f64> = (0..theta.len())
                        .map(|a| {
                            let mut u = theta.clone();
                            let mut d = theta.clone();
                            u[a] += h;
                            d[a] -= h;
                            (log_ratio(&u) - log_ratio(&d)) / (2.0 * h)
                        })
                        .collect();
                    let var: f64 = (0..g.len())
                        .map(|a| (0..g.len()).map(|b| g[a] * v[a][b] * g[b]).sum::<f64>())
                        .sum();
                    (var >= 0.0 && var.is_finite()).then(|| var.sqrt())
                });
                out.push(Effect {
                    covariate: name.clone(),
                    on: on.to_owned(),
                    percent: 100.0 * l.exp_m1(),
                    lower: se.map(|s| 100.0 * (l - zc * s).exp_m1()),
                    upper: se.map(|s| 100.0 * (l + zc * s).exp_m1()),
                });
            }
        }
        Ok(out)
    }

    /// ln L of each customer with its covariates.
    ///
    /// # Errors
    /// As [`predict_covariates`].
    pub fn log_likelihood(&self, data: &CustomerData<'_>, covariates: &Covariates<'_>) -> Result<Vec<f64>> {
        predict_covariates(
            self,
            &Prediction::LogLikelihood,
            &Columns {
                frequency: Some(data.frequency),
                recency: Some(data.recency),
                t: Some(data.t),
                monetary_value: None,
            },
            covariates,
        )
    }
}

/// Computes `prediction` for every customer of `columns`, each with the
/// purchase model of its covariates ([`CovariateModel::customer_model`]).
/// `covariates` must hold every covariate of the model (by name; other
/// columns are ignored), one value per customer.
///
/// # Errors
/// [`CxError::Covariate`] for a missing or non-finite covariate; the errors
/// of [`predict`] for the prediction and the columns.
pub fn predict_covariates(
    model: &CovariateModel,
    prediction: &Prediction,
    columns: &Columns<'_>,
    covariates: &Covariates<'_>,
) -> Result<Vec<f64>> {
    model.check()?;
    let n = [
        columns.frequency,
        columns.recency,
        columns.t,
        columns.monetary_value,
    ]
    .iter()
    .flatten()
    .map(|c| c.len())
    .next()
    .unwrap_or(0);
    check_columns(covariates, n)?;
    if n == 0 {
        // Nothing to score: the base model checks the prediction.
        return predict(&model.base, prediction, columns);
    }
    let cols: Vec<&[f64]> = model
        .covariates
        .iter()
        .map(|name| {
            covariates
                .names
                .iter()
                .position(|n| n == name)
                .map(|j| covariates.columns[j])
                .ok_or_else(|| {
                    covariate(
                        name,
                        None,
                        "the model uses this covariate but the input has no such column".into(),
                    )
                })
        })
        .collect::<Result<_>>()?;
    let theta = model.theta();
    let coefficient_columns = model.coefficient_columns();
    let family = Family::of_model(&model.base)?;
    fn one(c: Option<&[f64]>, i: usize) -> Option<&[f64]> {
        c.map(|v| std::slice::from_ref(&v[i]))
    }
    super::per_row(n, |i| {
        let z: Vec<f64> = cols.iter().map(|c| c[i]).collect();
        let m = family
            .model(&model.params_at(&theta, &coefficient_columns, &z))
            .map_err(|_| {
                covariate(
                    &model.covariates[0],
                    Some(i),
                    format!(
                        "row {i}: the covariates {z:?} take a parameter out of the positive finite numbers"
                    ),
                )
            })?;
        let row = Columns {
            frequency: one(columns.frequency, i),
            recency: one(columns.recency, i),
            t: one(columns.t, i),
            monetary_value: one(columns.monetary_value, i),
        };
        // Each row is checked on its own; its errors name the row.
        Ok(predict(&m, prediction, &row).map_err(|e| e.at_row(i))?[0])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small design: 40 customers, two covariates, every process.
    /// (x, tₓ, T, z row-major, terms).
    type Design = (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>, Vec<Term>);

    fn problem(family: Family) -> Design {
        let n = 40;
        let x: Vec<f64> = (0..n).map(|i| (i % 6) as f64).collect();
        let t: Vec<f64> = (0..n).map(|i| 20.0 + (i % 9) as f64 * 2.0).collect();
        let tx: Vec<f64> = (0..n)
            .map(|i| {
                if x[i] > 0.0 {
                    t[i] * (0.3 + 0.07 * (i % 10) as f64)
                } else {
                    0.0
                }
            })
            .collect();
        // Row-major standardized-like values.
        let z: Vec<f64> = (0..n)
            .flat_map(|i| [((i * 7) % 5) as f64 / 2.0 - 1.0, ((i * 3) % 4) as f64 / 1.5 - 1.0])
            .collect();
        let terms = match family {
            Family::Pareto => vec![
                Term {
                    column: 0,
                    process: Process::Purchase,
                },
                Term {
                    column: 1,
                    process: Process::Dropout,
                },
                Term {
                    column: 1,
                    process: Process::Both,
                },
            ],
            _ => vec![
                Term {
                    column: 0,
                    process: Process::Purchase,
                },
                Term {
                    column: 0,
                    process: Process::DropoutA,
                },
                Term {
                    column: 1,
                    process: Process::DropoutB,
                },
            ],
        };
        (x, tx, t, z, terms)
    }

    /// The analytic gradient of ln L in (ln p₀, γ) against central
    /// differences of ln L, for the three families.
    #[test]
    fn gradient_matches_finite_differences() {
        fn check<M: Model>(family: Family) {
            let (x, tx, t, z, terms) = problem(family);
            let p = Problem {
                x: &x,
                tx: &tx,
                t: &t,
                z,
                columns: 2,
                terms,
                penalties: vec![0.0; 3],
            };
            let phi = [
                0.4_f64.ln(),
                5.0_f64.ln(),
                0.8_f64.ln(),
                3.0_f64.ln(),
                0.3,
                -0.2,
                0.15,
            ];
            let (_, g) = p.ll::<M>(&phi, true);
            for k in 0..phi.len() {
                let h = 1e-6;
                let mut up = phi;
                let mut down = phi;
                up[k] += h;
                down[k] -= h;
                let fd = (p.ll::<M>(&up, false).0 - p.ll::<M>(&down, false).0) / (2.0 * h);
                assert!(
                    (g[k] - fd).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{family:?} {k}: {} vs {fd}",
                    g[k]
                );
            }
        }
        check::<pareto::PnbdModel>(Family::Pareto);
        check::<bgnbd::BgModel>(Family::Bg);
        check::<bgnbd::MbgModel>(Family::Mbg);
    }

    /// The per-customer Hessian assembled through Jᵢ equals central
    /// differences of the whole gradient in φ.
    #[test]
    fn hessian_matches_differences_of_the_gradient() {
        fn check<M: Model>(family: Family) {
            let (x, tx, t, z, terms) = problem(family);
            let p = Problem {
                x: &x,
                tx: &tx,
                t: &t,
                z,
                columns: 2,
                terms,
                penalties: vec![0.0, 0.1, 0.0],
            };
            let phi = [
                0.4_f64.ln(),
                5.0_f64.ln(),
                0.8_f64.ln(),
                3.0_f64.ln(),
                0.3,
                -0.2,
                0.15,
            ];
            let hess = p.hessian::<M>(&phi);
            let n = x.len() as f64;
            let h = 1e-5;
            for a in 0..phi.len() {
                let (mut up, mut down) = (phi, phi);
                up[a] += h;
                down[a] -= h;
                let (gu, gd) = (p.objective::<M>(&up, true).1, p.objective::<M>(&down, true).1);
                for b in 0..phi.len() {
                    let fd = n * (gu[b] - gd[b]) / (2.0 * h);
                    let tol = 1e-5 * (1.0 + fd.abs());
                    assert!(
                        (hess[a][b] - fd).abs() < tol,
                        "{family:?} [{a}][{b}]: {} vs {fd}",
                        hess[a][b]
                    );
                }
            }
        }
        check::<pareto::PnbdModel>(Family::Pareto);
        check::<bgnbd::BgModel>(Family::Bg);
        check::<bgnbd::MbgModel>(Family::Mbg);
    }

    /// With γ = 0, ln L is the model's own sum over customers, bit for bit.
    #[test]
    fn zero_gamma_is_the_model_without_covariates() {
        let (x, tx, t, z, terms) = problem(Family::Bg);
        let p = Problem {
            x: &x,
            tx: &tx,
            t: &t,
            z,
            columns: 2,
            terms,
            penalties: vec![0.0; 3],
        };
        let base = [0.4_f64, 5.0, 0.8, 3.0];
        let mut phi: Vec<f64> = base.iter().map(|v| v.ln()).collect();
        phi.extend([0.0; 3]);
        let with = p.ll::<bgnbd::BgModel>(&phi, false).0;
        let q = base.map(|v| v.ln().exp());
        let without: f64 = (0..x.len())
            .map(|i| bgnbd::BgModel::ll(&q, x[i], tx[i], t[i], None))
            .sum();
        assert_eq!(with, without);
    }
}
