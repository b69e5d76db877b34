//! Key drivers: which items or touchpoints move an outcome (the NPS
//! answer, overall satisfaction, a repeat purchase), when the items are
//! correlated with each other — as ratings always are, so that regression
//! weights and plain correlations mislead.
//!
//! - [`key_drivers`]: Johnson's relative weights and the Shapley value
//!   (general dominance) decomposition of R², each summing to R², with
//!   percentile bootstrap intervals.
//! - [`penalty_reward`]: what annoys when bad and what delights when good,
//!   measured from ratings (the Kano idea without the Kano questionnaire).
//!
//! # Formulas (`../shared/REFERENCES.md` §8(a)–(c))
//! From the item correlation matrix R and the item–outcome correlations r:
//! standardized β = R⁻¹r, R² = rᵀβ.
//! **Relative weights** (Johnson 2000): R = QΛQᵀ, R^{1/2} = QΛ^{1/2}Qᵀ,
//! β* = R^{−1/2}r, ε_j = Σ_k (R^{1/2})²_{jk} β*²_k; Σε_j = R².
//! **Shapley value** (Lipovetsky & Conklin 2001; Budescu 1993):
//! φ_j = Σ_{S ⊆ others} |S|!(p − |S| − 1)!/p! · [R²(S ∪ {j}) − R²(S)],
//! over all 2^p subsets (exact; up to `shapley_max_items` items).
//! **Penalty–reward** (Brandt 1987; Conklin, Powaga & Lipovetsky 2004): per
//! item a low and a high dummy, the middle the reference; the outcome
//! regressed on all dummies. Penalty = the low coefficient, reward = the
//! high one.
//!
//! Missing answers are left out listwise (a respondent with any missing
//! item or outcome is dropped; the default) or pairwise (each correlation
//! from the respondents who answered both), stated and counted in the
//! result.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::{Answers, check_names};
use crate::churn::fit::{cholesky, invert_spd};
use crate::error::{CxError, Result};
use crate::stats;

/// How missing answers are left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingRule {
    /// Respondents with any missing item or outcome are dropped.
    #[default]
    Listwise,
    /// Each correlation from the respondents who answered both.
    Pairwise,
}

/// Options of [`key_drivers`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DriverOptions {
    /// Listwise (default) or pairwise deletion of missing answers.
    pub missing: MissingRule,
    /// Bootstrap replicates for the intervals (0: none); default 1,000.
    pub bootstrap: usize,
    /// Seed of the bootstrap (results are reproducible); default 1.
    pub seed: u64,
    /// Level of the intervals; default 0.95.
    pub level: f64,
    /// The largest number of items for the Shapley values (2^p subsets);
    /// default 15, at most 20. Their bootstrap intervals need p ≤ 12.
    pub shapley_max_items: usize,
    /// Item names.
    pub names: Option<Vec<String>>,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions {
            missing: MissingRule::Listwise,
            bootstrap: 1000,
            seed: 1,
            level: 0.95,
            shapley_max_items: 15,
            names: None,
        }
    }
}

/// The largest `shapley_max_items` accepted.
const SHAPLEY_MAX: usize = 20;

/// The largest number of items whose Shapley values are bootstrapped.
const SHAPLEY_BOOTSTRAP_MAX: usize = 12;

/// One item's importance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    /// Column index.
    pub item: usize,
    /// Name, if given.
    pub name: Option<String>,
    /// Correlation with the outcome.
    pub correlation: f64,
    /// Standardized regression weight (misleading when items correlate;
    /// shown for comparison).
    pub beta: f64,
    /// Johnson's relative weight ε_j (a share of R²).
    pub relative_weight: f64,
    /// 100·ε_j/R².
    pub relative_percent: f64,
    /// Bootstrap interval of the relative weight.
    pub relative_ci: Option<[f64; 2]>,
    /// Shapley value φ_j (with at most `shapley_max_items` items).
    pub shapley: Option<f64>,
    /// 100·φ_j/R².
    pub shapley_percent: Option<f64>,
    /// Bootstrap interval of the Shapley value.
    pub shapley_ci: Option<[f64; 2]>,
    /// Rank by relative weight (1 = strongest).
    pub rank: usize,
}

/// The key drivers of an outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyDrivers {
    /// R² of the outcome on all items.
    pub r2: f64,
    /// Bootstrap interval of R².
    pub r2_ci: Option<[f64; 2]>,
    /// Respondents given.
    pub respondents: usize,
    /// Respondents used: listwise, those with every answer; pairwise, the
    /// fewest behind any correlation.
    pub used: usize,
    /// How missing answers were left out.
    pub missing: MissingRule,
    /// One entry per item, in column order.
    pub drivers: Vec<Driver>,
    /// Bootstrap replicates that gave a result (a replicate whose items
    /// became collinear or constant is skipped and counted in `notes`).
    pub bootstrap: usize,
    /// Level of the intervals.
    pub level: f64,
    /// What the reader should know.
    pub notes: Vec<String>,
}

/// Item columns followed by the outcome, as f64 columns; for listwise
/// deletion also the complete rows, row-major and centred at their means
/// (correlations do not depend on the centre, and a fixed one keeps the
/// bootstrap's cross-products one contiguous pass per row).
struct Data {
    cols: Vec<Vec<f64>>,
    rows: usize,
    complete: Vec<f64>,
}

impl Data {
    fn new(outcome: &[f64], items: &Answers<'_>) -> Self {
        let rows = items.respondents();
        let mut cols: Vec<Vec<f64>> = (0..items.items)
            .map(|j| (0..rows).map(|r| items.get(r, j)).collect())
            .collect();
        cols.push(outcome.to_vec());
        Data {
            cols,
            rows,
            complete: Vec::new(),
        }
    }

    fn vars(&self) -> usize {
        self.cols.len()
    }

    /// Keeps `rows` (the complete ones) row-major and centred.
    fn centre(&mut self, rows: &[usize]) {
        let v = self.vars();
        let n = rows.len().max(1) as f64;
        let means: Vec<f64> = self
            .cols
            .iter()
            .map(|c| rows.iter().map(|&i| c[i]).sum::<f64>() / n)
            .collect();
        self.complete = Vec::with_capacity(rows.len() * v);
        for &i in rows {
            self.complete
                .extend(self.cols.iter().zip(&means).map(|(c, m)| c[i] - m));
        }
    }
}

/// The correlation matrix of all variables from rows `rows` with counts
/// `w` (1 for the estimate, bootstrap counts for a replicate); pairwise, each
/// pair from the rows where both are present. Also the fewest rows behind
/// a pair, and a variable without variance if there is one.
fn correlations(
    d: &Data,
    rows: &[usize],
    w: &[u32],
    rule: MissingRule,
) -> (Vec<Vec<f64>>, usize, Option<usize>) {
    let v = d.vars();
    let mut r = vec![vec![1.0; v]; v];
    let mut fewest = usize::MAX;
    let mut constant = None;
    match rule {
        MissingRule::Listwise => {
            // Σc·x and the packed lower triangle of Σc·xxᵀ over the centred
            // complete rows, then the covariances Σc·xxᵀ − (Σc·x)(Σc·x)ᵀ/n.
            let n: f64 = w.iter().map(|&c| f64::from(c)).sum();
            let mut sum = vec![0.0; v];
            let mut packed = vec![0.0; v * (v + 1) / 2];
            for (x, &c) in d.complete.chunks_exact(v).zip(w) {
                if c == 0 {
                    continue;
                }
                let c = f64::from(c);
                let mut off = 0;
                for a in 0..v {
                    let ca = c * x[a];
                    sum[a] += ca;
                    for (dst, &xb) in packed[off..=off + a].iter_mut().zip(&x[..=a]) {
                        *dst += ca * xb;
                    }
                    off += a + 1;
                }
            }
            let cov = |a: usize, b: usize| packed[a * (a + 1) / 2 + b] - sum[a] * sum[b] / n;
            for a in 0..v {
                let va = cov(a, a);
                if va <= 1e-12 * packed[a * (a + 1) / 2].abs().max(f64::MIN_POSITIVE) || va.is_nan() {
                    constant.get_or_insert(a);
                }
                for b in 0..a {
                    let x = cov(a, b) / (va * cov(b, b)).sqrt();
                    r[a][b] = x;
                    r[b][a] = x;
                }
            }
            fewest = rows.len();
        }
        MissingRule::Pairwise => {
            for a in 0..v {
                for b in 0..a {
                    let (mut n, mut sa, mut sb, mut saa, mut sbb, mut sab) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
                    let mut count = 0;
                    for (&i, &c) in rows.iter().zip(w) {
                        let (x, y) = (d.cols[a][i], d.cols[b][i]);
                        if c == 0 || x.is_nan() || y.is_nan() {
                            continue;
                        }
                        let c = f64::from(c);
                        count += 1;
                        n += c;
                        sa += c * x;
                        sb += c * y;
                        saa += c * x * x;
                        sbb += c * y * y;
                        sab += c * x * y;
                    }
                    fewest = fewest.min(count);
                    let (va, vb) = (saa - sa * sa / n, sbb - sb * sb / n);
                    if va <= 1e-12 * saa.abs().max(1.0) || va.is_nan() {
                        constant.get_or_insert(a);
                    }
                    if vb <= 1e-12 * sbb.abs().max(1.0) || vb.is_nan() {
                        constant.get_or_insert(b);
                    }
                    let x = (sab - sa * sb / n) / (va * vb).sqrt();
                    r[a][b] = x;
                    r[b][a] = x;
                }
            }
        }
    }
    (r, fewest, constant)
}

/// The decomposition of R² of one correlation matrix.
struct Decomposition {
    r2: f64,
    beta: Vec<f64>,
    relative: Vec<f64>,
    shapley: Option<Vec<f64>>,
}

/// R², β, relative weights and (optionally) Shapley values of a full
/// correlation matrix whose last variable is the outcome; `None` when the
/// item correlations are not positive definite (collinear items, or a
/// pairwise matrix that is no correlation matrix).
fn analyse(r: &[Vec<f64>], shapley: bool) -> Option<Decomposition> {
    let p = r.len() - 1;
    let rxx: Vec<Vec<f64>> = r[..p].iter().map(|row| row[..p].to_vec()).collect();
    let rxy: Vec<f64> = (0..p).map(|j| r[j][p]).collect();
    if rxy.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let inv = invert_spd(&rxx)?;
    let beta: Vec<f64> = (0..p).map(|j| (0..p).map(|k| inv[j][k] * rxy[k]).sum()).collect();
    let r2: f64 = rxy.iter().zip(&beta).map(|(a, b)| a * b).sum();
    let (values, vectors) = jacobi_eigen(&rxx);
    if values.iter().any(|&l| l <= 1e-12) {
        return None;
    }
    // R^{1/2} and β* = R^{−1/2} r.
    let half = |power: f64| -> Vec<Vec<f64>> {
        (0..p)
            .map(|i| {
                (0..p)
                    .map(|j| {
                        (0..p)
                            .map(|k| vectors[i][k] * values[k].powf(power) * vectors[j][k])
                            .sum()
                    })
                    .collect()
            })
            .collect()
    };
    let (root, inv_root) = (half(0.5), half(-0.5));
    let beta_star: Vec<f64> = (0..p)
        .map(|k| (0..p).map(|m| inv_root[k][m] * rxy[m]).sum())
        .collect();
    let rw: Vec<f64> = (0..p)
        .map(|j| {
            (0..p)
                .map(|k| root[j][k] * root[j][k] * beta_star[k] * beta_star[k])
                .sum()
        })
        .collect();
    Some(Decomposition {
        r2,
        beta,
        relative: rw,
        shapley: shapley.then(|| shapley_values(&rxx, &rxy)),
    })
}

/// Eigenvalues and eigenvectors (columns) of a symmetric matrix by the
/// cyclic Jacobi method. Written here: the matrices are small (one row per
/// item), Jacobi is accurate to machine precision for them, and a linear
/// algebra crate would add its generic code to the WebAssembly module for
/// this one use.
fn jacobi_eigen(a: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| m[i][j] * m[i][j])
            .sum();
        if off < 1e-30 {
            break;
        }
        for p in 0..n {
            for q in (p + 1)..n {
                if m[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (m[q][q] - m[p][p]) / (2.0 * m[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[k][p], m[k][q]);
                    m[k][p] = c * mkp - s * mkq;
                    m[k][q] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[p][k], m[q][k]);
                    m[p][k] = c * mpk - s * mqk;
                    m[q][k] = s * mpk + c * mqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    ((0..n).map(|i| m[i][i]).collect(), v)
}

/// The depth-first walk over the subsets of items: the factor's rows
/// (lower triangular) of the current subset, the forward-solved outcome
/// correlations u = L⁻¹r_S and the items of S in order.
struct Walk<'a> {
    rxx: &'a [Vec<f64>],
    rxy: &'a [f64],
    r2: Vec<f64>,
    items: Vec<usize>,
    l: Vec<Vec<f64>>,
    u: Vec<f64>,
}

impl Walk<'_> {
    /// Visits every superset of the current subset (`mask`, R² `total`)
    /// that adds items after its last one.
    fn visit(&mut self, mask: usize, total: f64) {
        let p = self.rxy.len();
        let start = self.items.last().map_or(0, |&j| j + 1);
        for j in start..p {
            let k = self.items.len();
            // y = L⁻¹ R[S, j].
            let mut y = vec![0.0; k];
            for a in 0..k {
                let s: f64 = (0..a).map(|b| self.l[a][b] * y[b]).sum();
                y[a] = (self.rxx[self.items[a]][j] - s) / self.l[a][a];
            }
            let d2 = self.rxx[j][j] - y.iter().map(|x| x * x).sum::<f64>();
            let d = d2.max(1e-300).sqrt();
            let uj = (self.rxy[j] - y.iter().zip(&self.u).map(|(a, b)| a * b).sum::<f64>()) / d;
            let next = mask | (1 << j);
            self.r2[next] = total + uj * uj;
            y.push(d);
            self.l.push(y);
            self.u.push(uj);
            self.items.push(j);
            self.visit(next, total + uj * uj);
            self.items.pop();
            self.u.pop();
            self.l.pop();
        }
    }
}

/// Shapley values of R² over the items: R² of every subset by a depth-first
/// walk that extends a Cholesky factor by one row per added item (O(k²) per
/// subset), then the weighted marginal contributions.
fn shapley_values(rxx: &[Vec<f64>], rxy: &[f64]) -> Vec<f64> {
    let p = rxy.len();
    let mut walk = Walk {
        rxx,
        rxy,
        r2: vec![0.0; 1usize << p],
        items: Vec::new(),
        l: Vec::new(),
        u: Vec::new(),
    };
    walk.visit(0, 0.0);
    let r2 = walk.r2;
    // Weight of a subset of size k not containing j: k!(p−k−1)!/p!.
    let mut weight = vec![0.0; p];
    for (k, w) in weight.iter_mut().enumerate() {
        let mut x = 1.0 / p as f64;
        // 1/(p · C(p−1, k)).
        for m in 0..k {
            x *= (m + 1) as f64 / (p - 1 - m) as f64;
        }
        *w = x;
    }
    let mut phi = vec![0.0; p];
    for mask in 0..(1usize << p) {
        let k = mask.count_ones() as usize;
        for (j, f) in phi.iter_mut().enumerate() {
            if mask & (1 << j) == 0 {
                *f += weight[k] * (r2[mask | (1 << j)] - r2[mask]);
            }
        }
    }
    phi
}

fn check_outcome(outcome: &[f64], items: &Answers<'_>) -> Result<()> {
    CxError::check_len("outcome", outcome.len(), "items (rows)", items.respondents())?;
    if let Some(index) = outcome.iter().position(|x| x.is_infinite()) {
        return Err(CxError::NotFinite {
            argument: "outcome",
            index,
            value: outcome[index],
        });
    }
    if let Some(index) = items.values.iter().position(|x| x.is_infinite()) {
        return Err(CxError::NotFinite {
            argument: "items",
            index: index / items.items,
            value: items.values[index],
        });
    }
    Ok(())
}

fn interval(mut v: Vec<f64>, level: f64) -> Option<[f64; 2]> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let a = (1.0 - level) / 2.0;
    Some([
        stats::quantile_sorted(&v, a)?,
        stats::quantile_sorted(&v, 1.0 - a)?,
    ])
}

fn name_of(names: Option<&[String]>, j: usize) -> String {
    names
        .and_then(|n| n.get(j))
        .map_or(format!("item {j}"), |n| format!("`{n}`"))
}

/// The key drivers of `outcome` among the `items` (respondent rows × item
/// columns; `NaN` = no answer; an outcome of `NaN` is a missing outcome).
///
/// # Errors
/// [`CxError::LengthMismatch`]; [`CxError::NotFinite`] for an infinite
/// rating; [`CxError::InvalidParameter`] for fewer usable respondents than
/// items + 2, an item or outcome without variance (naming it), perfectly
/// collinear items, a pairwise matrix that is not a correlation matrix,
/// or bad options.
///
/// # Examples
/// ```
/// use cx::gaps::{Answers, DriverOptions, key_drivers};
/// // Outcome = item 0 + half item 1 (exactly), 6 respondents.
/// let items = [1., 2., 2., 1., 3., 3., 4., 2., 5., 5., 4., 4.];
/// let outcome: Vec<f64> = items.chunks(2).map(|r| r[0] + 0.5 * r[1]).collect();
/// let o = DriverOptions { bootstrap: 0, ..Default::default() };
/// let k = key_drivers(&outcome, Answers::new(&items, 2), &o)?;
/// assert!((k.r2 - 1.0).abs() < 1e-12);
/// let sum: f64 = k.drivers.iter().map(|d| d.relative_weight).sum();
/// assert!((sum - k.r2).abs() < 1e-12 && k.drivers[0].rank == 1);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn key_drivers(outcome: &[f64], items: Answers<'_>, o: &DriverOptions) -> Result<KeyDrivers> {
    let level = stats::check_level(o.level)?;
    if items.items == 0 || items.values.is_empty() || !items.values.len().is_multiple_of(items.items) {
        return Err(CxError::invalid(
            "items",
            format!("{} values in rows of {}", items.values.len(), items.items),
            "a respondent × item matrix with at least one item",
        ));
    }
    check_outcome(outcome, &items)?;
    check_names(o.names.as_deref(), items.items)?;
    if o.shapley_max_items > SHAPLEY_MAX {
        // 2^p subsets: 2^20 is 8 MB of R² values, 2^30 would be 8 GB.
        return Err(CxError::invalid(
            "shapley_max_items",
            o.shapley_max_items,
            format!("at most {SHAPLEY_MAX} (the Shapley values need all 2^p subsets of the items)"),
        ));
    }
    let p = items.items;
    let mut d = Data::new(outcome, &items);
    let rows: Vec<usize> = match o.missing {
        MissingRule::Listwise => (0..d.rows)
            .filter(|&i| d.cols.iter().all(|c| !c[i].is_nan()))
            .collect(),
        MissingRule::Pairwise => (0..d.rows).collect(),
    };
    if o.missing == MissingRule::Listwise {
        d.centre(&rows);
    }
    let ones = vec![1u32; rows.len()];
    let (r, used, constant) = correlations(&d, &rows, &ones, o.missing);
    if used < p + 2 {
        return Err(CxError::invalid(
            "items",
            format!("{used} usable respondents for {p} items"),
            "at least as many respondents as items + 2 (with every answer, listwise)",
        ));
    }
    if let Some(j) = constant {
        let what = if j == p {
            "the outcome".to_owned()
        } else {
            name_of(o.names.as_deref(), j)
        };
        return Err(CxError::invalid(
            if j == p { "outcome" } else { "items" },
            format!("{what} never varies"),
            "items and an outcome that vary between respondents",
        ));
    }
    let want_shapley = p <= o.shapley_max_items;
    let Decomposition {
        r2,
        beta,
        relative: rw,
        shapley: sh,
    } = analyse(&r, want_shapley).ok_or_else(|| {
        CxError::invalid(
            "items",
            "perfectly collinear items (or a pairwise correlation matrix that is not positive definite)",
            "items that are not linear combinations of each other; with pairwise deletion, more overlap between answers",
        )
    })?;

    let mut notes = Vec::new();
    if !want_shapley {
        notes.push(format!(
            "Shapley values need all 2^{p} subsets of the items: computed up to {} items (option shapley_max_items)",
            o.shapley_max_items
        ));
    }
    // Bootstrap: resample the rows, recompute everything from the
    // resampled correlations; replicates whose items became collinear or
    // constant are skipped.
    let boot_shapley = want_shapley && p <= SHAPLEY_BOOTSTRAP_MAX;
    let replicate = |b: usize| -> Option<Decomposition> {
        let mut rng =
            StdRng::seed_from_u64(o.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(b as u64));
        let mut w = vec![0u32; rows.len()];
        for _ in 0..rows.len() {
            w[rng.random_range(0..rows.len())] += 1;
        }
        let (r, _, constant) = correlations(&d, &rows, &w, o.missing);
        if constant.is_some() {
            return None;
        }
        analyse(&r, boot_shapley)
    };
    #[cfg(feature = "parallel")]
    let reps: Vec<_> = {
        use rayon::prelude::*;
        (0..o.bootstrap).into_par_iter().filter_map(replicate).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let reps: Vec<_> = (0..o.bootstrap).filter_map(replicate).collect();
    if reps.len() < o.bootstrap {
        notes.push(format!(
            "{} of {} bootstrap replicates were skipped (an item without variance or collinear items in the resample)",
            o.bootstrap - reps.len(),
            o.bootstrap
        ));
    }
    if want_shapley && !boot_shapley && o.bootstrap > 0 {
        notes.push(format!(
            "Shapley values are bootstrapped up to {SHAPLEY_BOOTSTRAP_MAX} items; relative weights carry the intervals"
        ));
    }
    let col = |f: &dyn Fn(&Decomposition) -> Option<f64>| -> Vec<f64> { reps.iter().filter_map(f).collect() };
    let mut order: Vec<usize> = (0..p).collect();
    order.sort_by(|&a, &b| rw[b].total_cmp(&rw[a]));
    let mut rank = vec![0; p];
    for (i, &j) in order.iter().enumerate() {
        rank[j] = i + 1;
    }
    let drivers = (0..p)
        .map(|j| Driver {
            item: j,
            name: o.names.as_ref().and_then(|n| n.get(j).cloned()),
            correlation: r[j][p],
            beta: beta[j],
            relative_weight: rw[j],
            relative_percent: 100.0 * rw[j] / r2,
            relative_ci: interval(col(&|x| Some(x.relative[j])), level),
            shapley: sh.as_ref().map(|s| s[j]),
            shapley_percent: sh.as_ref().map(|s| 100.0 * s[j] / r2),
            shapley_ci: if boot_shapley {
                interval(col(&|x| x.shapley.as_ref().map(|s| s[j])), level)
            } else {
                None
            },
            rank: rank[j],
        })
        .collect();
    Ok(KeyDrivers {
        r2,
        r2_ci: interval(col(&|x| Some(x.r2)), level),
        respondents: d.rows,
        used,
        missing: o.missing,
        drivers,
        bootstrap: reps.len(),
        level,
        notes,
    })
}

/// Options of [`penalty_reward`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PenaltyRewardOptions {
    /// Ratings at or below this are "low" (default: the bottom two points
    /// of a 1–5 scale, 2).
    pub low: f64,
    /// Ratings at or above this are "high" (default 5).
    pub high: f64,
    /// Level of the intervals; default 0.95.
    pub level: f64,
    /// Item names.
    pub names: Option<Vec<String>>,
}

impl Default for PenaltyRewardOptions {
    fn default() -> Self {
        PenaltyRewardOptions {
            low: 2.0,
            high: 5.0,
            level: 0.95,
            names: None,
        }
    }
}

/// One item's penalty and reward.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PenaltyRewardItem {
    /// Column index.
    pub item: usize,
    /// Name, if given.
    pub name: Option<String>,
    /// Coefficient of the low dummy (negative: the outcome drops when the
    /// item is rated low).
    pub penalty: f64,
    /// Its standard error.
    pub penalty_se: f64,
    /// Its t interval.
    pub penalty_ci: [f64; 2],
    /// Coefficient of the high dummy.
    pub reward: f64,
    /// Its standard error.
    pub reward_se: f64,
    /// Its t interval.
    pub reward_ci: [f64; 2],
    /// Respondents rating the item low, middle, high.
    pub counts: [usize; 3],
    /// `basic` (only the penalty is significantly non-zero: a must-be),
    /// `exciter` (only the reward), `performance` (both) or `neither`.
    pub kind: String,
}

/// Penalty–reward analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PenaltyReward {
    /// The cut-offs used: low ≤ `low`, high ≥ `high`.
    pub low: f64,
    /// High cut-off.
    pub high: f64,
    /// R² of the dummy regression.
    pub r2: f64,
    /// Respondents given.
    pub respondents: usize,
    /// Respondents with every answer (used).
    pub used: usize,
    /// The outcome's mean when every item is in the middle (the intercept).
    pub baseline: f64,
    /// One entry per item.
    pub items: Vec<PenaltyRewardItem>,
    /// Level of the intervals.
    pub level: f64,
}

/// Penalty–reward analysis of `outcome` on the item ratings: what costs
/// when rated low (penalty) and what pays when rated high (reward). The cut-
/// offs change the answer; they are part of the result.
///
/// # Errors
/// [`CxError::LengthMismatch`]; [`CxError::NotFinite`];
/// [`CxError::InvalidParameter`] for `low ≥ high`, an item with no low,
/// middle or high answers (naming it), too few respondents (2 × items + 2
/// with every answer), collinear dummies, or a bad level.
///
/// # Examples
/// ```
/// use cx::gaps::{Answers, PenaltyRewardOptions, penalty_reward};
/// // One item: penalty = mean(y | low) − mean(y | middle), reward likewise.
/// let items = [1., 2., 3., 3., 4., 5., 5.];
/// let y = [2., 4., 6., 8., 7., 9., 9.];
/// let r = penalty_reward(&y, Answers::new(&items, 1), &PenaltyRewardOptions::default())?;
/// assert!((r.items[0].penalty - (3.0 - 7.0)).abs() < 1e-12 && (r.items[0].reward - (9.0 - 7.0)).abs() < 1e-12);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn penalty_reward(
    outcome: &[f64],
    items: Answers<'_>,
    o: &PenaltyRewardOptions,
) -> Result<PenaltyReward> {
    let level = stats::check_level(o.level)?;
    if !(o.low.is_finite() && o.high.is_finite() && o.low < o.high) {
        return Err(CxError::invalid(
            "low",
            format!("low {}, high {}", o.low, o.high),
            "cut-offs with low < high (low ≤ low, high ≥ high, the middle between)",
        ));
    }
    if items.items == 0 || items.values.is_empty() || !items.values.len().is_multiple_of(items.items) {
        return Err(CxError::invalid(
            "items",
            format!("{} values in rows of {}", items.values.len(), items.items),
            "a respondent × item matrix with at least one item",
        ));
    }
    check_outcome(outcome, &items)?;
    check_names(o.names.as_deref(), items.items)?;
    let p = items.items;
    let rows: Vec<usize> = (0..items.respondents())
        .filter(|&r| !outcome[r].is_nan() && (0..p).all(|j| !items.get(r, j).is_nan()))
        .collect();
    let k = 2 * p + 1;
    if rows.len() < k + 1 {
        return Err(CxError::invalid(
            "items",
            format!("{} respondents with every answer for {p} items", rows.len()),
            format!(
                "at least {} (two dummies per item, the intercept and one more)",
                k + 1
            ),
        ));
    }
    let x_of = |r: usize| -> Vec<f64> {
        let mut x = vec![1.0; k];
        for j in 0..p {
            let v = items.get(r, j);
            x[1 + j] = f64::from(u8::from(v <= o.low));
            x[1 + p + j] = f64::from(u8::from(v >= o.high));
        }
        x
    };
    let mut counts = vec![[0usize; 3]; p];
    for &r in &rows {
        for (j, c) in counts.iter_mut().enumerate() {
            let v = items.get(r, j);
            c[if v <= o.low {
                0
            } else if v >= o.high {
                2
            } else {
                1
            }] += 1;
        }
    }
    for (j, c) in counts.iter().enumerate() {
        if let Some(cell) = c.iter().position(|&n| n == 0) {
            return Err(CxError::invalid(
                "items",
                format!(
                    "{} has no {} answers",
                    name_of(o.names.as_deref(), j),
                    ["low", "middle", "high"][cell]
                ),
                "low, middle and high answers for every item (change `low` or `high`)",
            ));
        }
    }
    let mut xtx = vec![vec![0.0; k]; k];
    let mut xty = vec![0.0; k];
    for &r in &rows {
        let x = x_of(r);
        for a in 0..k {
            xty[a] += x[a] * outcome[r];
            for b in 0..=a {
                xtx[a][b] += x[a] * x[b];
            }
        }
    }
    for a in 0..k {
        for b in 0..a {
            xtx[b][a] = xtx[a][b];
        }
    }
    let collinear = || {
        CxError::invalid(
            "items",
            "collinear low/high dummies (items rated low or high by the same respondents)",
            "items whose low and high answers come from different respondents",
        )
    };
    cholesky(&xtx).ok_or_else(collinear)?;
    let inv = invert_spd(&xtx).ok_or_else(collinear)?;
    let coef: Vec<f64> = (0..k).map(|a| (0..k).map(|b| inv[a][b] * xty[b]).sum()).collect();
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&r| outcome[r]).sum::<f64>() / n;
    let (mut rss, mut tss) = (0.0, 0.0);
    for &r in &rows {
        let x = x_of(r);
        let fit: f64 = x.iter().zip(&coef).map(|(a, b)| a * b).sum();
        rss += (outcome[r] - fit).powi(2);
        tss += (outcome[r] - mean).powi(2);
    }
    let df = n - k as f64;
    let s2 = rss / df;
    let t = stats::t_critical(level, df).unwrap_or_else(|| stats::z_critical(level));
    let est = |a: usize| -> (f64, f64, [f64; 2]) {
        let se = (s2 * inv[a][a]).sqrt();
        (coef[a], se, [coef[a] - t * se, coef[a] + t * se])
    };
    let items_out = (0..p)
        .map(|j| {
            let (penalty, penalty_se, penalty_ci) = est(1 + j);
            let (reward, reward_se, reward_ci) = est(1 + p + j);
            let pen = penalty_ci[1] < 0.0 || penalty_ci[0] > 0.0;
            let rew = reward_ci[1] < 0.0 || reward_ci[0] > 0.0;
            let kind = match (pen, rew) {
                (true, false) => "basic",
                (false, true) => "exciter",
                (true, true) => "performance",
                (false, false) => "neither",
            };
            PenaltyRewardItem {
                item: j,
                name: o.names.as_ref().and_then(|n| n.get(j).cloned()),
                penalty,
                penalty_se,
                penalty_ci,
                reward,
                reward_se,
                reward_ci,
                counts: counts[j],
                kind: kind.to_owned(),
            }
        })
        .collect();
    Ok(PenaltyReward {
        low: o.low,
        high: o.high,
        r2: if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN },
        respondents: items.respondents(),
        used: rows.len(),
        baseline: coef[0],
        items: items_out,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// REFERENCES.md §8(b): R, r_xy and the published decomposition.
    fn reference() -> Vec<Vec<f64>> {
        vec![
            vec![1.0, 0.5, 0.3, 0.2, 0.6],
            vec![0.5, 1.0, 0.4, 0.3, 0.55],
            vec![0.3, 0.4, 1.0, 0.25, 0.4],
            vec![0.2, 0.3, 0.25, 1.0, 0.3],
            vec![0.6, 0.55, 0.4, 0.3, 1.0],
        ]
    }

    #[test]
    fn reference_decomposition() {
        let Decomposition {
            r2,
            beta,
            relative: rw,
            shapley: sh,
        } = analyse(&reference(), true).unwrap();
        assert!((r2 - 0.4756525).abs() < 1e-7);
        for (b, want) in beta.iter().zip([0.406396, 0.255527, 0.149712, 0.104635]) {
            assert!((b - want).abs() < 1e-6);
        }
        for (w, want) in rw.iter().zip([0.2207642, 0.1462924, 0.0704502, 0.0381457]) {
            assert!((w - want).abs() < 1e-7, "{w} vs {want}");
        }
        let sh = sh.unwrap();
        for (s, want) in sh.iter().zip([0.2193910, 0.1500863, 0.0693239, 0.0368513]) {
            assert!((s - want).abs() < 1e-7, "{s} vs {want}");
        }
        assert!((rw.iter().sum::<f64>() - r2).abs() < 1e-12 && (sh.iter().sum::<f64>() - r2).abs() < 1e-12);
    }

    /// Shapley by the subsets above equals Shapley by all p! orderings,
    /// with R² of each subset by a direct solve.
    #[test]
    fn shapley_equals_the_mean_over_orderings() {
        let r = reference();
        let p = 4;
        let r2 = |s: &[usize]| -> f64 {
            if s.is_empty() {
                return 0.0;
            }
            let a: Vec<Vec<f64>> = s.iter().map(|&i| s.iter().map(|&j| r[i][j]).collect()).collect();
            let inv = invert_spd(&a).unwrap();
            let b: Vec<f64> = s.iter().map(|&i| r[i][p]).collect();
            (0..s.len())
                .map(|i| (0..s.len()).map(|j| b[i] * inv[i][j] * b[j]).sum::<f64>())
                .sum()
        };
        let mut phi = [0.0; 4];
        let mut orders = 0;
        let mut perm = [0, 1, 2, 3];
        // Heap's algorithm over the 24 orderings.
        fn heap(k: usize, perm: &mut [usize; 4], f: &mut dyn FnMut(&[usize; 4])) {
            if k == 1 {
                f(perm);
                return;
            }
            for i in 0..k {
                heap(k - 1, perm, f);
                if k.is_multiple_of(2) {
                    perm.swap(i, k - 1);
                } else {
                    perm.swap(0, k - 1);
                }
            }
        }
        heap(4, &mut perm, &mut |order| {
            orders += 1;
            for (pos, &j) in order.iter().enumerate() {
                let before = &order[..pos];
                let mut with: Vec<usize> = before.to_vec();
                with.push(j);
                phi[j] += r2(&with) - r2(before);
            }
        });
        assert_eq!(orders, 24);
        let rxx: Vec<Vec<f64>> = r[..4].iter().map(|row| row[..4].to_vec()).collect();
        let rxy: Vec<f64> = (0..4).map(|j| r[j][4]).collect();
        let sh = shapley_values(&rxx, &rxy);
        for j in 0..4 {
            assert!((sh[j] - phi[j] / 24.0).abs() < 1e-12);
        }
    }

    #[test]
    fn jacobi_reconstructs_the_matrix() {
        let r = reference();
        let a: Vec<Vec<f64>> = r[..4].iter().map(|row| row[..4].to_vec()).collect();
        let (l, q) = jacobi_eigen(&a);
        for i in 0..4 {
            for j in 0..4 {
                let back: f64 = (0..4).map(|k| q[i][k] * l[k] * q[j][k]).sum();
                assert!((back - a[i][j]).abs() < 1e-12);
            }
        }
    }
}
