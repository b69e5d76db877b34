//! SERVQUAL-style expectation–perception gaps (Parasuraman, Zeithaml &
//! Berry 1988, "SERVQUAL: a multiple-item scale for measuring consumer
//! perceptions of service quality", J. Retailing 64(1)), and perception-only
//! scoring in the manner of SERVPERF (Cronin & Taylor 1992, J. Marketing
//! 56(3)).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Answers, check_same_shape};
use crate::error::{CxError, Result};
use crate::stats;
use crate::survey::Scale;

/// A named group of items (0-based item indices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dimension {
    /// Name of the dimension (e.g. "reliability").
    pub name: String,
    /// The items (columns) that measure it.
    pub items: Vec<usize>,
}

/// The five dimensions of the 22-item SERVQUAL instrument (Parasuraman,
/// Zeithaml & Berry 1988): tangibles (items 1–4), reliability (5–9),
/// responsiveness (10–13), assurance (14–17) and empathy (18–22); indices
/// here are 0-based.
pub fn servqual_dimensions() -> Vec<Dimension> {
    [
        ("tangibles", 0..4),
        ("reliability", 4..9),
        ("responsiveness", 9..13),
        ("assurance", 13..17),
        ("empathy", 17..22),
    ]
    .into_iter()
    .map(|(name, items)| Dimension {
        name: name.to_owned(),
        items: items.collect(),
    })
    .collect()
}

/// Options of [`servqual`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServqualOptions {
    /// Answer scale; 1–7 by default (the original instrument).
    pub scale: Scale,
    /// Confidence level of the item intervals; 0.95 by default.
    pub level: f64,
    /// Importance points per dimension, in the order of the dimensions
    /// (e.g. the mean of 100 points each respondent split over them). The
    /// weighted score uses them normalized to sum 1.
    pub importance: Option<Vec<f64>>,
    /// Item names, one per column, copied into the items of the result.
    pub names: Option<Vec<String>>,
}

impl Default for ServqualOptions {
    fn default() -> Self {
        ServqualOptions {
            scale: Scale::CES,
            level: 0.95,
            importance: None,
            names: None,
        }
    }
}

/// One item's expectation, perception and gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemGap {
    /// Item index (0-based column).
    pub item: usize,
    /// The item's name, when names were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The dimension the item belongs to, if any.
    pub dimension: Option<String>,
    /// Respondents used: both answers present (perception only: the
    /// perception present).
    pub n: u64,
    /// Respondents left out for a missing answer.
    pub missing: u64,
    /// Mean expectation over the used respondents (`None` perception-only).
    pub expectation: Option<f64>,
    /// Mean perception over the used respondents.
    pub perception: f64,
    /// Mean paired gap P − E (`None` perception-only).
    pub gap: Option<f64>,
    /// Standard deviation of the paired differences (of the perceptions,
    /// perception-only); `None` below two respondents.
    pub sd: Option<f64>,
    /// Paired t interval of the gap (of the mean perception,
    /// perception-only); `None` below two respondents.
    pub ci_low: Option<f64>,
    /// Upper end of the interval.
    pub ci_high: Option<f64>,
}

/// One dimension's scores: the means of its items' scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DimensionGap {
    /// Name of the dimension.
    pub name: String,
    /// Number of items.
    pub items: usize,
    /// Mean of the items' mean expectations (`None` perception-only).
    pub expectation: Option<f64>,
    /// Mean of the items' mean perceptions.
    pub perception: f64,
    /// Mean of the items' gaps; perception-only: the mean perception.
    pub score: f64,
    /// The dimension's importance weight (points normalized to sum 1).
    pub weight: Option<f64>,
}

/// The result of [`servqual`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Servqual {
    /// `true` when no expectations were given (SERVPERF-style scores).
    pub perception_only: bool,
    /// Per item, in column order.
    pub items: Vec<ItemGap>,
    /// Per dimension, in the given order.
    pub dimensions: Vec<DimensionGap>,
    /// Mean of the dimension scores.
    pub unweighted: f64,
    /// Σ weight_d · score_d, when importance points were given.
    pub weighted: Option<f64>,
    /// Respondents (rows) in the input.
    pub respondents: u64,
    /// Answers (or answer pairs) used, over all items.
    pub used: u64,
    /// Answers (or pairs) left out because one was missing.
    pub missing: u64,
    /// Confidence level of the intervals.
    pub level: f64,
}

/// Expectation–perception gaps per item and dimension, and the overall
/// SERVQUAL score.
///
/// # Formula
/// Per item j, over the respondents who answered both: gap_j = mean(P − E)
/// with the paired t interval gap ± t_{n−1}·sd/√n. Dimension score = mean
/// of its items' gaps; unweighted score = mean of the dimension scores;
/// weighted score = Σ (points_d/Σpoints)·score_d (Parasuraman, Zeithaml &
/// Berry 1988). Without `expectations` every score is the mean perception
/// (SERVPERF, Cronin & Taylor 1992). Missing answers (`NaN`) are left out
/// pairwise, per item, and counted.
///
/// # Errors
/// [`CxError::OutOfRange`] for an answer off the scale (row and item);
/// [`CxError::Incompatible`] / [`CxError::LengthMismatch`] when the two
/// matrices differ in shape; [`CxError::InvalidParameter`] for a dimension
/// naming an unknown item or none, an item in two dimensions, an item
/// nobody answered, or importance points that are negative, not one per
/// dimension or all zero.
///
/// # Examples
/// ```
/// use cx::gaps::{servqual, Answers, Dimension, ServqualOptions};
/// // Two respondents, two items: expectations and perceptions on 1–7.
/// let e = [7.0, 6.0, 6.0, 6.0];
/// let p = [5.0, 6.0, 6.0, f64::NAN];
/// let dims = [Dimension { name: "reliability".into(), items: vec![0, 1] }];
/// let r = servqual(Some(Answers::new(&e, 2)), Answers::new(&p, 2), &dims, &ServqualOptions::default())?;
/// assert_eq!(r.items[0].gap, Some(-1.0)); // (5−7 + 6−6) / 2
/// assert_eq!(r.items[1].missing, 1);
/// assert_eq!(r.unweighted, -0.5);          // mean of the item gaps −1 and 0
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn servqual(
    expectations: Option<Answers<'_>>,
    perceptions: Answers<'_>,
    dimensions: &[Dimension],
    options: &ServqualOptions,
) -> Result<Servqual> {
    let level = stats::check_level(options.level)?;
    perceptions.check("perceptions", options.scale)?;
    if let Some(e) = &expectations {
        e.check("expectations", options.scale)?;
        check_same_shape(("perceptions", &perceptions), ("expectations", e))?;
    }
    let k = perceptions.items;
    super::check_names(options.names.as_deref(), k)?;
    let owner = dimension_of_items(dimensions, k)?;
    let weights = importance_weights(options.importance.as_deref(), dimensions.len())?;
    let rows = perceptions.respondents();

    // One row-major pass: per item the count, the expectation sum and a
    // Welford mean / M2 of the scored value (P − E, or P alone).
    #[derive(Clone, Copy, Default)]
    struct Acc {
        n: u64,
        sum_e: f64,
        sum_p: f64,
        mean: f64,
        m2: f64,
    }
    let mut acc = vec![Acc::default(); k];
    for r in 0..rows {
        let prow = &perceptions.values[r * k..(r + 1) * k];
        let erow = expectations.as_ref().map(|e| &e.values[r * k..(r + 1) * k]);
        for (j, a) in acc.iter_mut().enumerate() {
            let p = prow[j];
            let e = erow.map_or(0.0, |row| row[j]);
            if p.is_nan() || e.is_nan() {
                continue;
            }
            let x = if erow.is_some() { p - e } else { p };
            a.n += 1;
            a.sum_e += e;
            a.sum_p += p;
            let delta = x - a.mean;
            a.mean += delta / a.n as f64;
            a.m2 += delta * (x - a.mean);
        }
    }
    let mut items = Vec::with_capacity(k);
    let (mut used, mut missing) = (0u64, 0u64);
    for (j, a) in acc.iter().enumerate() {
        let n = a.n;
        if n == 0 {
            return Err(CxError::invalid(
                "perceptions",
                format!("item {j} with no answered pair"),
                "at least one respondent per item",
            ));
        }
        let nf = n as f64;
        let sd = (n > 1).then(|| (a.m2 / (nf - 1.0)).sqrt());
        let (ci_low, ci_high) = match (sd, stats::t_critical(level, nf - 1.0)) {
            (Some(sd), Some(t)) => {
                let half = t * sd / nf.sqrt();
                (Some(a.mean - half), Some(a.mean + half))
            }
            _ => (None, None),
        };
        let absent = rows as u64 - n;
        used += n;
        missing += absent;
        items.push(ItemGap {
            item: j,
            name: options.names.as_ref().map(|n| n[j].clone()),
            dimension: owner[j].map(|d| dimensions[d].name.clone()),
            n,
            missing: absent,
            expectation: expectations.is_some().then(|| a.sum_e / nf),
            perception: a.sum_p / nf,
            gap: expectations.is_some().then_some(a.mean),
            sd,
            ci_low,
            ci_high,
        });
    }

    let dims: Vec<DimensionGap> = dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| {
            let of = |f: &dyn Fn(&ItemGap) -> f64| {
                dim.items.iter().map(|&j| f(&items[j])).sum::<f64>() / dim.items.len() as f64
            };
            let perception = of(&|i| i.perception);
            let expectation = expectations
                .is_some()
                .then(|| of(&|i| i.expectation.unwrap_or(0.0)));
            DimensionGap {
                name: dim.name.clone(),
                items: dim.items.len(),
                expectation,
                perception,
                score: if expectations.is_some() {
                    of(&|i| i.gap.unwrap_or(0.0))
                } else {
                    perception
                },
                weight: weights.as_ref().map(|w| w[d]),
            }
        })
        .collect();
    let unweighted = if dims.is_empty() {
        // No dimension map: the items are the dimensions.
        items.iter().map(|i| i.gap.unwrap_or(i.perception)).sum::<f64>() / k as f64
    } else {
        dims.iter().map(|d| d.score).sum::<f64>() / dims.len() as f64
    };
    let weighted = weights.map(|w| dims.iter().zip(&w).map(|(d, w)| w * d.score).sum());
    Ok(Servqual {
        perception_only: expectations.is_none(),
        items,
        dimensions: dims,
        unweighted,
        weighted,
        respondents: rows as u64,
        used,
        missing,
        level,
    })
}

/// [`servqual`] per group of respondents (touchpoint, segment): `groups`
/// holds one key per respondent row; results are ordered by key.
///
/// # Errors
/// As [`servqual`] for each group; [`CxError::LengthMismatch`] when
/// `groups` does not have one key per respondent.
pub fn servqual_by<K: Ord + Clone>(
    groups: &[K],
    expectations: Option<Answers<'_>>,
    perceptions: Answers<'_>,
    dimensions: &[Dimension],
    options: &ServqualOptions,
) -> Result<Vec<(K, Servqual)>> {
    let rows = perceptions.respondents();
    if groups.len() != rows {
        return Err(CxError::LengthMismatch {
            argument: "groups",
            expected: rows,
            actual: groups.len(),
            other: "perceptions",
        });
    }
    let mut members: BTreeMap<&K, Vec<usize>> = BTreeMap::new();
    for (r, g) in groups.iter().enumerate() {
        members.entry(g).or_default().push(r);
    }
    let k = perceptions.items;
    let take = |m: &Answers<'_>, rows: &[usize]| -> Vec<f64> {
        rows.iter()
            .flat_map(|&r| m.values[r * k..(r + 1) * k].iter().copied())
            .collect()
    };
    members
        .into_iter()
        .map(|(key, rows)| {
            let p = take(&perceptions, &rows);
            let e = expectations.as_ref().map(|e| take(e, &rows));
            let r = servqual(
                e.as_deref().map(|e| Answers::new(e, k)),
                Answers::new(&p, k),
                dimensions,
                options,
            )?;
            Ok((key.clone(), r))
        })
        .collect()
}

/// For each item, the index of the dimension that owns it.
fn dimension_of_items(dimensions: &[Dimension], k: usize) -> Result<Vec<Option<usize>>> {
    let mut owner: Vec<Option<usize>> = vec![None; k];
    for (d, dim) in dimensions.iter().enumerate() {
        if dim.items.is_empty() {
            return Err(CxError::invalid(
                "dimensions",
                &dim.name,
                "dimensions with at least one item",
            ));
        }
        for &j in &dim.items {
            if j >= k {
                return Err(CxError::OutOfRange {
                    argument: "dimensions",
                    index: d,
                    value: format!("item {j} of {}", dim.name),
                    allowed: format!("item indices 0..{k}"),
                });
            }
            if let Some(other) = owner[j] {
                return Err(CxError::invalid(
                    "dimensions",
                    format!("item {j} in {} and {}", dimensions[other].name, dim.name),
                    "each item in at most one dimension",
                ));
            }
            owner[j] = Some(d);
        }
    }
    Ok(owner)
}

/// Importance points normalized to weights summing to 1.
fn importance_weights(points: Option<&[f64]>, dims: usize) -> Result<Option<Vec<f64>>> {
    let Some(points) = points else { return Ok(None) };
    if points.len() != dims {
        return Err(CxError::LengthMismatch {
            argument: "importance",
            expected: dims,
            actual: points.len(),
            other: "dimensions",
        });
    }
    for (i, &p) in points.iter().enumerate() {
        if !p.is_finite() {
            return Err(CxError::NotFinite {
                argument: "importance",
                index: i,
                value: p,
            });
        }
        if p < 0.0 {
            return Err(CxError::NegativeWeight {
                argument: "importance",
                index: i,
                value: p,
            });
        }
    }
    let total: f64 = points.iter().sum();
    if total <= 0.0 {
        return Err(CxError::ZeroWeight {
            argument: "importance",
        });
    }
    Ok(Some(points.iter().map(|p| p / total).collect()))
}
