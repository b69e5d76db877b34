//! Segments by attitude and behaviour: customers clustered on their survey
//! answers (what they care about: price, sustainability, experience,
//! convenience) together with what they do (RFM, cadence, CLV), each
//! segment described by what sets it apart, and new customers assigned to
//! a segment from a segmentation saved as JSON — in any of the three
//! languages.
//!
//! # Method
//! Features are standardized (z-scores over the respondents used, so that
//! a CLV in euros does not outweigh a 1–7 rating). k-means (Lloyd's
//! algorithm, k-means++ seeding, `restarts` seeded starts run on all cores,
//! the one with the smallest within-segment sum of squares kept; MacQueen 1967, Arthur &
//! Vassilvitskii 2007). The number of segments, unless given, is the k in
//! `k_min..=k_max` with the largest mean silhouette (Rousseeuw 1987),
//! computed on at most `silhouette_sample` respondents (a seeded sample).
//! Respondents with a missing feature are left out (listwise) and counted;
//! their assignment is `None`.
//!
//! Written here rather than taken from a clustering crate: Lloyd's
//! algorithm is short, and the maintained Rust implementations (linfa)
//! bring ndarray and BLAS-style generic code that the WebAssembly module
//! would carry for this one function.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};
use crate::stats;

/// Options of [`segments`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentOptions {
    /// The number of segments; default: chosen by silhouette.
    pub k: Option<usize>,
    /// Smallest k tried; default 2.
    pub k_min: usize,
    /// Largest k tried; default 8.
    pub k_max: usize,
    /// Seed of the starts and the silhouette sample; default 1.
    pub seed: u64,
    /// Seeded k-means++ starts per k; default 10.
    pub restarts: usize,
    /// Lloyd iterations per start at most; default 100.
    pub max_iter: usize,
    /// Respondents the silhouette is computed on at most; default 2,000.
    pub silhouette_sample: usize,
    /// Level of the segment means' intervals; default 0.95.
    pub level: f64,
    /// Feature names.
    pub names: Option<Vec<String>>,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            k: None,
            k_min: 2,
            k_max: 8,
            seed: 1,
            restarts: 10,
            max_iter: 100,
            silhouette_sample: 2000,
            level: 0.95,
            names: None,
        }
    }
}

/// How well one k separated the respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KChoice {
    /// Segments.
    pub k: usize,
    /// Mean silhouette (−1..1; higher is better separated).
    pub silhouette: f64,
    /// Within-segment sum of squares (standardized features).
    pub within: f64,
}

/// One feature in one segment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureProfile {
    /// Feature name.
    pub name: String,
    /// The segment's mean (original units).
    pub mean: f64,
    /// Its t interval.
    pub ci: [f64; 2],
    /// The mean over all respondents used.
    pub overall: f64,
    /// (segment mean − overall mean) / overall sd: how far the segment
    /// stands out on this feature.
    pub standardized: f64,
    /// The interval excludes the overall mean.
    pub distinct: bool,
}

/// A segment and what sets it apart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Segment number (0-based, largest first).
    pub id: usize,
    /// Respondents in it.
    pub size: usize,
    /// Share of the respondents used.
    pub share: f64,
    /// Every feature.
    pub features: Vec<FeatureProfile>,
    /// The distinct features, furthest from the average first ("price
    /// +1.2 sd, sustainability −0.8 sd").
    pub sets_apart: Vec<String>,
}

/// A segmentation: the segments, how k was chosen, and what is needed to
/// assign new customers ([`Segmentation::assign`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segmentation {
    /// `"segmentation"`: marks the JSON.
    pub kind: String,
    /// The number of segments.
    pub k: usize,
    /// Feature names, in column order.
    pub features: Vec<String>,
    /// Means used to standardize.
    pub means: Vec<f64>,
    /// Standard deviations used to standardize.
    pub sds: Vec<f64>,
    /// Segment centres in standardized units, `k` rows.
    pub centres: Vec<Vec<f64>>,
    /// The segments.
    pub segments: Vec<Segment>,
    /// Every k tried (empty when k was given).
    pub choice: Vec<KChoice>,
    /// Respondents given.
    pub respondents: usize,
    /// Respondents used (no missing feature).
    pub used: usize,
    /// Each respondent's segment (`None`: a missing feature).
    pub assignments: Vec<Option<usize>>,
    /// How the segments were found.
    pub method: String,
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// The nearest centre and its squared distance.
fn nearest(x: &[f64], centres: &[Vec<f64>]) -> (usize, f64) {
    centres
        .iter()
        .enumerate()
        .map(|(j, c)| (j, dist2(x, c)))
        .fold((0, f64::INFINITY), |best, c| if c.1 < best.1 { c } else { best })
}

/// A k-means partition: labels, centres and the within-segment sum of
/// squares.
type Partition = (Vec<usize>, Vec<Vec<f64>>, f64);

/// One k-means run from a k-means++ start.
fn kmeans(z: &[Vec<f64>], k: usize, rng: &mut StdRng, max_iter: usize) -> Partition {
    let n = z.len();
    let mut centres = vec![z[rng.random_range(0..n)].clone()];
    let mut d2: Vec<f64> = z.iter().map(|x| dist2(x, &centres[0])).collect();
    while centres.len() < k {
        let total: f64 = d2.iter().sum();
        let next = if total > 0.0 {
            let mut u = rng.random::<f64>() * total;
            d2.iter()
                .position(|&d| {
                    u -= d;
                    u <= 0.0
                })
                .unwrap_or(n - 1)
        } else {
            rng.random_range(0..n)
        };
        centres.push(z[next].clone());
        for (d, x) in d2.iter_mut().zip(z) {
            *d = d.min(dist2(x, &centres[centres.len() - 1]));
        }
    }
    let p = z[0].len();
    let mut labels = vec![usize::MAX; n];
    for _ in 0..max_iter {
        let mut changed = false;
        for (l, x) in labels.iter_mut().zip(z) {
            let (j, _) = nearest(x, &centres);
            if *l != j {
                *l = j;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        let mut sums = vec![vec![0.0; p]; k];
        let mut counts = vec![0usize; k];
        for (&l, x) in labels.iter().zip(z) {
            counts[l] += 1;
            for (s, v) in sums[l].iter_mut().zip(x) {
                *s += v;
            }
        }
        for j in 0..k {
            if counts[j] > 0 {
                centres[j] = sums[j].iter().map(|s| s / counts[j] as f64).collect();
            } else {
                // An empty segment restarts at the respondent furthest from
                // its centre.
                let far = z
                    .iter()
                    .zip(&labels)
                    .map(|(x, &l)| dist2(x, &centres[l]))
                    .enumerate()
                    .fold((0, -1.0), |b, c| if c.1 > b.1 { c } else { b })
                    .0;
                centres[j] = z[far].clone();
            }
        }
    }
    let within = z.iter().zip(&labels).map(|(x, &l)| dist2(x, &centres[l])).sum();
    (labels, centres, within)
}

/// Mean silhouette of `labels` over the rows `sample`.
fn silhouette(z: &[Vec<f64>], labels: &[usize], k: usize, sample: &[usize]) -> f64 {
    let mut total = 0.0;
    for &i in sample {
        let mut sum = vec![0.0; k];
        let mut count = vec![0usize; k];
        for &j in sample {
            if i != j {
                sum[labels[j]] += dist2(&z[i], &z[j]).sqrt();
                count[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if count[own] == 0 {
            continue; // a singleton scores 0
        }
        let a = sum[own] / count[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && count[c] > 0)
            .map(|c| sum[c] / count[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b);
        }
    }
    total / sample.len() as f64
}

/// The best of `restarts` seeded k-means runs.
fn best_run(z: &[Vec<f64>], k: usize, o: &SegmentOptions) -> Partition {
    // Each start has its own seed (seed, k, start), so that the starts can
    // run on all cores and give the same result on any number of them.
    let start = |r: usize| {
        let seed = o
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add((k as u64) << 32)
            .wrapping_add(r as u64);
        kmeans(z, k, &mut StdRng::seed_from_u64(seed), o.max_iter.max(1))
    };
    let starts = o.restarts.max(1);
    #[cfg(feature = "parallel")]
    let runs: Vec<Partition> = {
        use rayon::prelude::*;
        (0..starts).into_par_iter().map(start).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let runs: Vec<Partition> = (0..starts).map(start).collect();
    // The smallest within-segment sum of squares; the first start on a tie.
    runs.into_iter()
        .reduce(|best, run| if run.2 < best.2 { run } else { best })
        .expect("at least one start")
}

/// Segments of the respondents (`rows` × `features` values, row-major,
/// `NaN` = missing).
///
/// # Errors
/// [`CxError::InvalidParameter`] for a matrix that is not whole rows, a
/// feature that never varies (named), fewer usable respondents than twice
/// the smallest k (a chosen k stays at most half the respondents), `k`
/// or `k_min..=k_max` outside 2..=20, or a bad level;
/// [`CxError::NotFinite`] for an infinite value.
///
/// # Examples
/// ```
/// use cx::survey::{SegmentOptions, segments};
/// // Two groups: price-minded (rates price high, buys rarely) and loyal.
/// let rows = [7., 1., 6., 2., 7., 1., 2., 9., 1., 8., 2., 10.];
/// let o = SegmentOptions { names: Some(vec!["price".into(), "orders".into()]), ..Default::default() };
/// let s = segments(&rows, 2, &o)?;
/// assert_eq!((s.k, s.segments[0].size, s.segments[1].size), (2, 3, 3));
/// assert_eq!(s.assign(&[6.5, 1.5])?, s.assignments[0].unwrap());
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn segments(values: &[f64], features: usize, o: &SegmentOptions) -> Result<Segmentation> {
    let level = stats::check_level(o.level)?;
    if features == 0 || values.is_empty() || !values.len().is_multiple_of(features) {
        return Err(CxError::invalid(
            "features",
            format!("{} values in rows of {features}", values.len()),
            "a respondent × feature matrix with at least one feature",
        ));
    }
    if let Some(index) = values.iter().position(|v| v.is_infinite()) {
        return Err(CxError::NotFinite {
            argument: "features",
            index: index / features,
            value: values[index],
        });
    }
    let names: Vec<String> = match &o.names {
        Some(n) if n.len() != features => {
            return Err(CxError::LengthMismatch {
                argument: "names",
                expected: features,
                actual: n.len(),
                other: "features (columns)",
            });
        }
        Some(n) => n.clone(),
        None => (0..features).map(|j| format!("feature {j}")).collect(),
    };
    let (k_lo, k_hi) = match o.k {
        Some(k) => (k, k),
        None => (o.k_min, o.k_max),
    };
    if !(2..=20).contains(&k_lo) || !(k_lo..=20).contains(&k_hi) {
        return Err(CxError::invalid(
            if o.k.is_some() { "k" } else { "k_min" },
            format!("{k_lo}..={k_hi}"),
            "segments between 2 and 20 (k_min ≤ k_max)",
        ));
    }
    let rows = values.len() / features;
    let used: Vec<usize> = (0..rows)
        .filter(|&r| {
            values[r * features..(r + 1) * features]
                .iter()
                .all(|v| !v.is_nan())
        })
        .collect();
    // Chosen k: at most half the respondents per segment count.
    let k_hi = if o.k.is_none() {
        k_hi.min(used.len() / 2)
    } else {
        k_hi
    };
    if used.len() < 2 * k_hi.max(k_lo) || k_hi < k_lo {
        return Err(CxError::invalid(
            "features",
            format!("{} respondents with every feature", used.len()),
            format!("at least {} (two per segment)", 2 * k_lo.max(k_hi)),
        ));
    }
    let n = used.len() as f64;
    let col = |j: usize| used.iter().map(move |&r| values[r * features + j]);
    let means: Vec<f64> = (0..features).map(|j| col(j).sum::<f64>() / n).collect();
    let sds: Vec<f64> = (0..features)
        .map(|j| (col(j).map(|v| (v - means[j]).powi(2)).sum::<f64>() / (n - 1.0)).sqrt())
        .collect();
    if let Some(j) = sds.iter().position(|&s| s <= 0.0 || s.is_nan()) {
        return Err(CxError::invalid(
            "features",
            format!("`{}` never varies", names[j]),
            "features that vary between respondents",
        ));
    }
    let z: Vec<Vec<f64>> = used
        .iter()
        .map(|&r| {
            (0..features)
                .map(|j| (values[r * features + j] - means[j]) / sds[j])
                .collect()
        })
        .collect();
    // The silhouette sample: every respondent, or a seeded sample.
    let sample: Vec<usize> = if z.len() <= o.silhouette_sample.max(2 * k_hi) {
        (0..z.len()).collect()
    } else {
        let mut rng = StdRng::seed_from_u64(o.seed ^ 0x5EED);
        let mut idx: Vec<usize> = (0..z.len()).collect();
        for i in 0..o.silhouette_sample {
            let j = rng.random_range(i..idx.len());
            idx.swap(i, j);
        }
        idx.truncate(o.silhouette_sample);
        idx.sort_unstable();
        idx
    };
    let mut choice = Vec::new();
    let mut best: Option<(f64, Partition)> = None;
    for k in k_lo..=k_hi {
        let run = best_run(&z, k, o);
        let s = if o.k.is_some() {
            f64::NAN
        } else {
            silhouette(&z, &run.0, k, &sample)
        };
        if o.k.is_none() {
            choice.push(KChoice {
                k,
                silhouette: s,
                within: run.2,
            });
        }
        if best.as_ref().is_none_or(|b| s > b.0) || o.k.is_some() {
            best = Some((s, run));
        }
    }
    let (_, (labels, centres, _)) = best.expect("at least one k");
    let k = centres.len();
    // Number the segments largest first.
    let mut sizes = vec![0usize; k];
    for &l in &labels {
        sizes[l] += 1;
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut renumber = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    let labels: Vec<usize> = labels.iter().map(|&l| renumber[l]).collect();
    let centres: Vec<Vec<f64>> = order.iter().map(|&old| centres[old].clone()).collect();
    let segments_out = (0..k)
        .map(|s| {
            let members: Vec<usize> = (0..used.len()).filter(|&i| labels[i] == s).collect();
            let m = members.len() as f64;
            let t = stats::t_critical(level, m - 1.0);
            let features_out: Vec<FeatureProfile> = (0..features)
                .map(|j| {
                    let v: Vec<f64> = members.iter().map(|&i| values[used[i] * features + j]).collect();
                    let mean = v.iter().sum::<f64>() / m;
                    let sd = if m > 1.0 {
                        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt()
                    } else {
                        f64::NAN
                    };
                    let half = t.map_or(f64::NAN, |t| t * sd / m.sqrt());
                    let ci = [mean - half, mean + half];
                    FeatureProfile {
                        name: names[j].clone(),
                        mean,
                        ci,
                        overall: means[j],
                        standardized: (mean - means[j]) / sds[j],
                        distinct: ci[0] > means[j] || ci[1] < means[j],
                    }
                })
                .collect();
            let mut apart: Vec<&FeatureProfile> = features_out.iter().filter(|f| f.distinct).collect();
            apart.sort_by(|a, b| b.standardized.abs().total_cmp(&a.standardized.abs()));
            let sets_apart = apart
                .iter()
                .map(|f| format!("{} {:+.1} sd", f.name, f.standardized))
                .collect();
            Segment {
                id: s,
                size: members.len(),
                share: m / n,
                features: features_out,
                sets_apart,
            }
        })
        .collect();
    let mut assignments = vec![None; rows];
    for (i, &r) in used.iter().enumerate() {
        assignments[r] = Some(labels[i]);
    }
    Ok(Segmentation {
        kind: "segmentation".into(),
        k,
        features: names,
        means,
        sds,
        centres,
        segments: segments_out,
        choice,
        respondents: rows,
        used: used.len(),
        assignments,
        method: format!(
            "k-means on standardized features (k-means++ seeding, {} seeded starts per k, the smallest within-segment \
             sum of squares kept); {}; respondents with a missing feature left out",
            o.restarts.max(1),
            match o.k {
                Some(k) => format!("k = {k} given"),
                None => format!(
                    "k from {k_lo} to {k_hi} by the largest mean silhouette on {} respondents",
                    sample.len()
                ),
            }
        ),
    })
}

impl Segmentation {
    /// The segment of a new customer's features (original units, in the
    /// order of [`Segmentation::features`]): the nearest centre after
    /// standardizing as the segmentation did.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] for the wrong number of features;
    /// [`CxError::NotFinite`] for a missing or infinite one.
    pub fn assign(&self, features: &[f64]) -> Result<usize> {
        CxError::check_len(
            "features",
            features.len(),
            "the segmentation's features",
            self.features.len(),
        )?;
        if let Some(index) = features.iter().position(|v| !v.is_finite()) {
            return Err(CxError::NotFinite {
                argument: "features",
                index,
                value: features[index],
            });
        }
        let z: Vec<f64> = features
            .iter()
            .zip(self.means.iter().zip(&self.sds))
            .map(|(v, (m, s))| (v - m) / s)
            .collect();
        Ok(nearest(&z, &self.centres).0)
    }

    /// Checks a segmentation read from JSON: its kind, and centres, means
    /// and sds that fit the features.
    ///
    /// # Errors
    /// [`CxError::Decode`] naming what does not fit.
    pub fn check(&self) -> Result<()> {
        let bad = |reason: String| CxError::Decode {
            argument: "segmentation",
            reason,
        };
        if self.kind != "segmentation" {
            return Err(bad(format!("kind is {:?}, not \"segmentation\"", self.kind)));
        }
        let p = self.features.len();
        if self.k == 0 || p == 0 {
            return Err(bad(format!(
                "{} segments of {p} features: at least one of each expected",
                self.k
            )));
        }
        if self.means.len() != p || self.sds.len() != p {
            return Err(bad(format!(
                "{p} features but {} means and {} sds",
                self.means.len(),
                self.sds.len()
            )));
        }
        if self.centres.len() != self.k || self.centres.iter().any(|c| c.len() != p) {
            return Err(bad(format!("{} centres of {p} values expected", self.k)));
        }
        if self.sds.iter().any(|s| !(s.is_finite() && *s > 0.0))
            || self
                .means
                .iter()
                .chain(self.centres.iter().flatten())
                .any(|v| !v.is_finite())
        {
            return Err(bad("means, sds (positive) and centres must be finite".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three well-separated groups: k = 3 is chosen and each group is one
    /// segment; a shuffled copy gives the same partition.
    #[test]
    fn separated_groups_are_found() {
        let mut rng = StdRng::seed_from_u64(3);
        let centres = [[1.0, 1.0, 10.0], [6.0, 2.0, 50.0], [3.0, 7.0, 200.0]];
        let mut rows = Vec::new();
        let mut truth = Vec::new();
        for i in 0..150 {
            let g = i % 3;
            truth.push(g);
            for (j, c) in centres[g].iter().enumerate() {
                let spread = if j == 2 { 8.0 } else { 0.4 };
                rows.push(c + spread * (rng.random::<f64>() - 0.5));
            }
        }
        let s = segments(&rows, 3, &SegmentOptions::default()).unwrap();
        assert_eq!(s.k, 3);
        let best = s
            .choice
            .iter()
            .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
            .unwrap();
        assert_eq!(best.k, 3);
        // One segment per true group.
        for g in 0..3 {
            let labels: Vec<usize> = (0..150)
                .filter(|&i| truth[i] == g)
                .map(|i| s.assignments[i].unwrap())
                .collect();
            assert!(labels.iter().all(|&l| l == labels[0]));
        }
        // The JSON round trip assigns as before.
        let back: Segmentation = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        back.check().unwrap();
        for i in 0..150 {
            assert_eq!(
                back.assign(&rows[i * 3..i * 3 + 3]).unwrap(),
                s.assignments[i].unwrap()
            );
        }
    }

    #[test]
    fn bad_input_is_named() {
        let o = SegmentOptions::default();
        let flat = [1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 4.0, 5.0];
        let few = SegmentOptions {
            k: Some(2),
            ..o.clone()
        };
        let e = segments(&flat, 2, &few).unwrap_err();
        assert!(
            e.to_string().contains("feature 1") && e.argument() == "features",
            "{e}"
        );
        assert_eq!(
            segments(
                &flat,
                2,
                &SegmentOptions {
                    k: Some(1),
                    ..o.clone()
                }
            )
            .unwrap_err()
            .argument(),
            "k"
        );
        assert_eq!(segments(&flat, 3, &o).unwrap_err().argument(), "features");
        assert_eq!(
            segments(&[1.0, f64::INFINITY], 1, &few).unwrap_err().code(),
            "not_finite"
        );
    }
}
