//! The mergeable distribution of answers every survey measure is computed from.

use serde::{Deserialize, Serialize};

use super::scale::{MAX_SCALE_POINTS, Scale, Score, score_error};
use crate::error::{CxError, Result};

/// Weighted counts of answers per point of a [`Scale`]: the one-pass summary
/// from which [`nps`](super::nps), [`csat`](super::csat), [`ces`](super::ces)
/// and [`smiley`](super::smiley) are computed.
///
/// It is an accumulator for continuous collection: [`push`](Self::push) or
/// [`extend`](Self::extend) answers as they arrive, [`merge`](Self::merge)
/// partial results from several terminals, days or workers (merging in any
/// order and split gives the batch result), and move it between processes
/// and languages with [`to_bytes`](Self::to_bytes) /
/// [`from_bytes`](Self::from_bytes) or serde.
///
/// Per point it keeps the number of rows and the sum of their weights, plus
/// the overall sum of squared weights for Kish's effective sample size
/// n_eff = (Σw)²/Σw² (Kish 1965, *Survey Sampling*). Unweighted answers have
/// weight 1, so n_eff = n.
///
/// # Examples
/// ```
/// use cx::survey::{Distribution, NpsOptions, Scale};
///
/// let mut monday = Distribution::new(Scale::NPS);
/// monday.extend(&[10u8, 9, 3])?;
/// let mut tuesday = Distribution::new(Scale::NPS);
/// tuesday.push(8, 1.0)?;
///
/// let bytes = tuesday.to_bytes();
/// monday.merge(&Distribution::from_bytes(&bytes)?)?;
/// assert_eq!(monday.n(), 4);
/// assert_eq!(monday.nps(&NpsOptions::default())?.score, 25.0);
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DistributionRepr", into = "DistributionRepr")]
pub struct Distribution {
    scale: Scale,
    counts: Vec<u64>,
    weights: Vec<f64>,
    sum_w2: f64,
}

/// Serialized form; [`Distribution::validate`] runs on the way in.
#[derive(Serialize, Deserialize)]
struct DistributionRepr {
    scale: Scale,
    counts: Vec<u64>,
    weights: Vec<f64>,
    sum_w2: f64,
}

impl From<Distribution> for DistributionRepr {
    fn from(d: Distribution) -> Self {
        DistributionRepr {
            scale: d.scale,
            counts: d.counts,
            weights: d.weights,
            sum_w2: d.sum_w2,
        }
    }
}

impl TryFrom<DistributionRepr> for Distribution {
    type Error = CxError;
    fn try_from(r: DistributionRepr) -> Result<Self> {
        let d = Distribution {
            scale: r.scale,
            counts: r.counts,
            weights: r.weights,
            sum_w2: r.sum_w2,
        };
        d.validate("distribution")?;
        Ok(d)
    }
}

const MAGIC: &[u8; 4] = b"CXSD";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 4 + 1 + 4 + 4;

impl Distribution {
    /// An empty distribution on `scale`.
    pub fn new(scale: Scale) -> Self {
        let k = scale.points();
        Distribution {
            scale,
            counts: vec![0; k],
            weights: vec![0.0; k],
            sum_w2: 0.0,
        }
    }

    /// Builds a distribution from `scores` and optional survey `weights`
    /// (one per score) in one pass.
    ///
    /// # Errors
    /// As [`extend`](Self::extend) and [`extend_weighted`](Self::extend_weighted).
    pub fn from_scores<T: Score>(scale: Scale, scores: &[T], weights: Option<&[f64]>) -> Result<Self> {
        let mut d = Distribution::new(scale);
        match weights {
            None => d.extend(scores)?,
            Some(w) => d.extend_weighted(scores, w)?,
        }
        Ok(d)
    }

    /// Unweighted NPS answers known only by class (detractors, passives,
    /// promoters), each class counted at one of its points (0, 7, 9):
    /// everything [`nps`](Self::nps) reads — class sums, n, Σw, Σw² — is as
    /// for the full histogram, and the sums of whole numbers are exact, so
    /// the result is the same to the bit. Internal: the per-point counts of
    /// such a distribution are not the answers'.
    pub(crate) fn of_nps_classes([detractors, passives, promoters]: [u64; 3]) -> Self {
        let mut counts = vec![0u64; Scale::NPS.points()];
        counts[0] = detractors;
        counts[7] = passives;
        counts[9] = promoters;
        let weights = counts.iter().map(|&c| c as f64).collect();
        let n = (detractors + passives + promoters) as f64;
        Distribution::from_parts(Scale::NPS, counts, weights, n)
    }

    /// A distribution from per-point counts, weight sums and Σw² that the
    /// caller accumulated itself from validated answers.
    pub(crate) fn from_parts(scale: Scale, counts: Vec<u64>, weights: Vec<f64>, sum_w2: f64) -> Self {
        debug_assert_eq!(counts.len(), scale.points());
        Distribution {
            scale,
            counts,
            weights,
            sum_w2,
        }
    }

    /// The scale the answers are on.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Number of answers (rows) added.
    pub fn n(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Number of answers per scale point, from `scale.min()` up.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Sum of weights per scale point, from `scale.min()` up.
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Σw over all answers.
    pub fn total_weight(&self) -> f64 {
        self.weights.iter().sum()
    }

    /// Kish's effective sample size (Σw)²/Σw²; equals `n` without weights.
    pub fn effective_n(&self) -> f64 {
        let w = self.total_weight();
        if self.sum_w2 > 0.0 {
            w * w / self.sum_w2
        } else {
            0.0
        }
    }

    /// Whether no answer has been added.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|&c| c == 0)
    }

    /// Adds one answer with survey weight `weight` (1.0 when unweighted).
    ///
    /// # Errors
    /// [`CxError::OutOfRange`], [`CxError::NotInteger`] or
    /// [`CxError::NotFinite`] for an answer off the scale;
    /// [`CxError::NegativeWeight`] / [`CxError::NotFinite`] for a bad weight.
    /// The distribution is unchanged on error.
    pub fn push<T: Score>(&mut self, score: T, weight: f64) -> Result<()> {
        check_weight("weight", 0, weight)?;
        let p = score
            .point_index(self.scale)
            .map_err(|bad| score_error("score", 0, score, bad, self.scale))?;
        self.counts[p] += 1;
        self.weights[p] += weight;
        self.sum_w2 += weight * weight;
        Ok(())
    }

    /// Adds unweighted answers (weight 1 each).
    ///
    /// # Errors
    /// The first answer off the scale, as in [`push`](Self::push), with its
    /// row index in `scores`. Nothing is added on error.
    pub fn extend<T: Score>(&mut self, scores: &[T]) -> Result<()> {
        let mut local = [0u64; MAX_SCALE_POINTS];
        let local = &mut local[..self.scale.points()];
        T::count_into(scores, self.scale, local)
            .map_err(|(i, bad)| score_error("scores", i, scores[i], bad, self.scale))?;
        for ((c, w), &l) in self.counts.iter_mut().zip(&mut self.weights).zip(local.iter()) {
            *c += l;
            *w += l as f64;
        }
        self.sum_w2 += scores.len() as f64;
        Ok(())
    }

    /// Adds answers with one survey weight each.
    ///
    /// # Errors
    /// [`CxError::LengthMismatch`] when the lengths differ; the first bad
    /// answer or weight with its row index. Nothing is added on error.
    pub fn extend_weighted<T: Score>(&mut self, scores: &[T], weights: &[f64]) -> Result<()> {
        if weights.len() != scores.len() {
            return Err(CxError::LengthMismatch {
                argument: "weights",
                expected: scores.len(),
                actual: weights.len(),
                other: "scores",
            });
        }
        let k = self.scale.points();
        let mut counts = [0u64; MAX_SCALE_POINTS];
        let mut sums = [0f64; MAX_SCALE_POINTS];
        let mut sum_w2 = 0.0;
        for (i, (&s, &w)) in scores.iter().zip(weights).enumerate() {
            let p = s
                .point_index(self.scale)
                .map_err(|bad| score_error("scores", i, s, bad, self.scale))?;
            check_weight("weights", i, w)?;
            counts[p] += 1;
            sums[p] += w;
            sum_w2 += w * w;
        }
        for p in 0..k {
            self.counts[p] += counts[p];
            self.weights[p] += sums[p];
        }
        self.sum_w2 += sum_w2;
        Ok(())
    }

    /// Adds everything in `other` to `self`.
    ///
    /// # Errors
    /// [`CxError::Incompatible`] when the scales differ; `self` is unchanged.
    pub fn merge(&mut self, other: &Distribution) -> Result<()> {
        if other.scale != self.scale {
            return Err(CxError::Incompatible {
                argument: "scale",
                left: self.scale.to_string(),
                right: other.scale.to_string(),
            });
        }
        for p in 0..self.counts.len() {
            self.counts[p] += other.counts[p];
            self.weights[p] += other.weights[p];
        }
        self.sum_w2 += other.sum_w2;
        Ok(())
    }

    /// Sum of weights of the answers whose value satisfies `pred`, and the
    /// number of such rows.
    pub(crate) fn weight_where(&self, pred: impl Fn(i32) -> bool) -> (f64, u64) {
        let mut w = 0.0;
        let mut n = 0;
        for p in 0..self.counts.len() {
            if pred(self.scale.value(p)) {
                w += self.weights[p];
                n += self.counts[p];
            }
        }
        (w, n)
    }

    /// Errors unless the answers are on `expected`.
    pub(crate) fn check_scale(&self, expected: Scale) -> Result<()> {
        if self.scale == expected {
            Ok(())
        } else {
            Err(CxError::Incompatible {
                argument: "scale",
                left: self.scale.to_string(),
                right: expected.to_string(),
            })
        }
    }

    /// Errors for a distribution nothing can be estimated from.
    pub(crate) fn check_estimable(&self) -> Result<()> {
        if self.is_empty() {
            return Err(CxError::Empty { argument: "scores" });
        }
        if self.total_weight() <= 0.0 {
            return Err(CxError::ZeroWeight { argument: "weights" });
        }
        Ok(())
    }

    /// Encodes the state in cx's versioned binary format (little endian):
    /// magic `CXSD`, version byte, scale min and max (i32), then per point its
    /// row count (u64) and weight sum (f64), then Σw² (f64).
    ///
    /// The same bytes serve pickling in Python, Spark and Dask partials, and
    /// the browser.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN + 16 * self.counts.len() + 8);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.scale.min().to_le_bytes());
        out.extend_from_slice(&self.scale.max().to_le_bytes());
        for (c, w) in self.counts.iter().zip(&self.weights) {
            out.extend_from_slice(&c.to_le_bytes());
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&self.sum_w2.to_le_bytes());
        out
    }

    /// Decodes bytes written by [`to_bytes`](Self::to_bytes).
    ///
    /// # Errors
    /// [`CxError::Decode`] for a wrong magic, an unknown version, a length
    /// that does not match the scale, an invalid scale, or counts and weights
    /// that no sequence of valid answers could have produced. The length is
    /// checked before anything is allocated.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let bad = |reason: String| CxError::Decode {
            argument: "bytes",
            reason,
        };
        if bytes.len() < HEADER_LEN {
            return Err(bad(format!(
                "{} bytes is shorter than the {HEADER_LEN}-byte header",
                bytes.len()
            )));
        }
        if &bytes[..4] != MAGIC {
            return Err(bad("wrong magic: not a cx survey distribution".into()));
        }
        if bytes[4] != VERSION {
            return Err(bad(format!(
                "format version {} is not supported (this build reads {VERSION})",
                bytes[4]
            )));
        }
        let i32_at = |o: usize| i32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]);
        let scale = Scale::new(i32_at(5), i32_at(9)).map_err(|e| bad(e.to_string()))?;
        let k = scale.points();
        let expected = HEADER_LEN + 16 * k + 8;
        if bytes.len() != expected {
            return Err(bad(format!(
                "{} bytes, but scale {scale} needs exactly {expected}",
                bytes.len()
            )));
        }
        let word = |o: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[o..o + 8]);
            b
        };
        let mut counts = Vec::with_capacity(k);
        let mut weights = Vec::with_capacity(k);
        for p in 0..k {
            let o = HEADER_LEN + 16 * p;
            counts.push(u64::from_le_bytes(word(o)));
            weights.push(f64::from_le_bytes(word(o + 8)));
        }
        let sum_w2 = f64::from_le_bytes(word(HEADER_LEN + 16 * k));
        let d = Distribution {
            scale,
            counts,
            weights,
            sum_w2,
        };
        d.validate("bytes")?;
        Ok(d)
    }

    /// Checks the invariants every reachable state satisfies.
    fn validate(&self, argument: &'static str) -> Result<()> {
        let bad = |reason: String| CxError::Decode { argument, reason };
        let k = self.scale.points();
        if self.counts.len() != k || self.weights.len() != k {
            return Err(bad(format!(
                "scale {} has {k} points but {} counts and {} weights were given",
                self.scale,
                self.counts.len(),
                self.weights.len()
            )));
        }
        let mut n: u64 = 0;
        for p in 0..k {
            let (c, w) = (self.counts[p], self.weights[p]);
            n = n
                .checked_add(c)
                .ok_or_else(|| bad("the counts overflow 64 bits".into()))?;
            if !(w.is_finite() && w >= 0.0) {
                return Err(bad(format!(
                    "weight sum {w} at point {} is not finite and >= 0",
                    self.scale.value(p)
                )));
            }
            if c == 0 && w != 0.0 {
                return Err(bad(format!(
                    "point {} has weight {w} but no answers",
                    self.scale.value(p)
                )));
            }
        }
        let s2 = self.sum_w2;
        if !(s2.is_finite() && s2 >= 0.0) {
            return Err(bad(format!("sum of squared weights {s2} is not finite and >= 0")));
        }
        let total = self.total_weight();
        // Cauchy–Schwarz: (Σw)² <= n·Σw², and Σw² <= (Σw)² for w >= 0.
        let tol = 1e-9 * (total * total).max(1.0);
        if total * total > n as f64 * s2 + tol || s2 > total * total + tol {
            return Err(bad(format!(
                "sum of squared weights {s2} is inconsistent with {n} answers of total weight {total}"
            )));
        }
        Ok(())
    }
}

pub(crate) fn check_weight(argument: &'static str, index: usize, w: f64) -> Result<()> {
    if !w.is_finite() {
        return Err(CxError::NotFinite {
            argument,
            index,
            value: w,
        });
    }
    if w < 0.0 {
        return Err(CxError::NegativeWeight {
            argument,
            index,
            value: w,
        });
    }
    Ok(())
}
