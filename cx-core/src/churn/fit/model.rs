//! The models' side of a fit: the per-row likelihood each model supplies,
//! and its sum over the (weighted, distinct) rows.

use super::super::data::Rows;

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

    /// The Hessian of −ln L in the log-parameters φ = ln θ at `phi`, summed
    /// over the rows in one pass, for models with second derivatives in
    /// closed form; `None` (the default) has the standard errors take
    /// central differences of the gradient (2k passes).
    fn neg_hessian_phi(_rows: &Rows, _phi: &[f64]) -> Option<Vec<Vec<f64>>> {
        None
    }

    /// Parameters measured in units of time (the rate scales: α of BG/NBD,
    /// α and β of Pareto/NBD). The penalizer sees them in the time units of
    /// lifetimes, which rescales time so that the largest T is 1.
    const TIME_SCALES: &'static [usize] = &[];

    /// Whether lifetimes divides this model's log-likelihood by the mean
    /// weight rather than the total (Pareto/NBD): its penalty then weighs
    /// 1/N as much against the mean log-likelihood.
    const PENALTY_PER_CUSTOMER: bool = false;
}

/// Sums `f(i)` over rows, on all cores when there are at least
/// `parallel_from` rows and the `parallel` feature is on.
pub(crate) fn sum_rows<F>(n: usize, k: usize, parallel_from: usize, f: F) -> (f64, Vec<f64>)
where
    F: Fn(usize, &mut [f64]) -> f64 + Sync,
{
    let run = |range: std::ops::Range<usize>| match k {
        // The models' own sizes as arrays: the per-row clearing and adding
        // unrolled in registers rather than loops over heap vectors.
        3 => sum_range::<3>(range, &f),
        4 => sum_range::<4>(range, &f),
        _ => {
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
        }
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

/// [`sum_rows`] over `range` with `K` gradient entries.
fn sum_range<const K: usize>(
    range: std::ops::Range<usize>,
    f: &impl Fn(usize, &mut [f64]) -> f64,
) -> (f64, Vec<f64>) {
    let mut g = [0.0; K];
    let mut s = 0.0;
    for i in range {
        let mut tmp = [0.0; K];
        s += f(i, &mut tmp);
        for (a, b) in g.iter_mut().zip(&tmp) {
            *a += b;
        }
    }
    (s, g.to_vec())
}

/// `f` of every value, on all cores when there are at least `parallel_from`
/// values (continuous recency and T have about as many distinct values as
/// rows, and these logarithms were a serial fifth of a pass).
fn map_values(v: &[f64], parallel_from: usize, f: impl Fn(f64) -> f64 + Sync) -> Vec<f64> {
    #[cfg(feature = "parallel")]
    if v.len() >= parallel_from {
        use rayon::prelude::*;
        return v.par_iter().map(|&t| f(t)).collect();
    }
    #[cfg(not(feature = "parallel"))]
    let _ = parallel_from;
    v.iter().map(|&t| f(t)).collect()
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
    // A table of logarithms per distinct value; none where every row has
    // its own value (order timestamps): then the row takes its logarithm
    // itself, without a pass writing a table as long as the rows.
    let logs = M::log_shift(p).map(|shift| {
        let ln = |v: &[f64]| {
            (v.len() < rows.x.len()).then(|| map_values(v, M::PARALLEL_FROM, |t| (shift + t).ln()))
        };
        (shift, ln(&rows.txs), ln(&rows.ts))
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
            Some((shift, la, lt)) => {
                let at = |table: &Option<Vec<f64>>, index: &[u32], v: f64| match table {
                    Some(t) => t[index[i] as usize],
                    None => (shift + v).ln(),
                };
                let pair = (at(la, &rows.txi, rows.tx[i]), at(lt, &rows.ti, rows.t[i]));
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
