//! Integer answer scales and the conversion of raw answers onto them.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};

/// The largest number of points a scale may have. Survey scales have 2 to 11
/// points; 101 leaves room for 0–100 sliders while keeping every
/// accumulator (and every decoded byte string) small.
pub const MAX_SCALE_POINTS: usize = 101;

/// A closed integer answer scale `min..=max`, such as 0–10 for NPS.
///
/// # Examples
/// ```
/// use cx::survey::Scale;
/// let s = Scale::new(1, 5)?;
/// assert_eq!(s.points(), 5);
/// assert!(Scale::new(5, 1).is_err());
/// # Ok::<(), cx::CxError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ScaleRepr")]
pub struct Scale {
    min: i32,
    max: i32,
}

#[derive(Deserialize)]
struct ScaleRepr {
    min: i32,
    max: i32,
}

impl TryFrom<ScaleRepr> for Scale {
    type Error = CxError;
    fn try_from(r: ScaleRepr) -> Result<Self> {
        Scale::new(r.min, r.max)
    }
}

impl Scale {
    /// The 0–10 likelihood-to-recommend scale of NPS.
    pub const NPS: Scale = Scale { min: 0, max: 10 };
    /// The 1–5 satisfaction scale of CSAT.
    pub const CSAT: Scale = Scale { min: 1, max: 5 };
    /// The 1–7 agreement scale of CES 2.0 ("the company made it easy for me").
    pub const CES: Scale = Scale { min: 1, max: 7 };
    /// The four buttons of a smiley terminal, 1 = very unhappy … 4 = very happy.
    pub const SMILEY: Scale = Scale { min: 1, max: 4 };

    /// A scale from `min` to `max` inclusive.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] unless `min < max` and the scale has at
    /// most [`MAX_SCALE_POINTS`] points.
    pub fn new(min: i32, max: i32) -> Result<Self> {
        let points = i64::from(max) - i64::from(min) + 1;
        if points < 2 || points > MAX_SCALE_POINTS as i64 {
            return Err(CxError::invalid(
                "scale",
                format!("{min}..={max}"),
                format!("min < max with at most {MAX_SCALE_POINTS} points"),
            ));
        }
        Ok(Scale { min, max })
    }

    /// Lowest answer.
    pub fn min(self) -> i32 {
        self.min
    }

    /// Highest answer.
    pub fn max(self) -> i32 {
        self.max
    }

    /// Number of points on the scale.
    pub fn points(self) -> usize {
        (self.max - self.min + 1) as usize
    }

    /// The answer value at point index `i` (0 = `min`).
    pub(crate) fn value(self, i: usize) -> i32 {
        self.min + i as i32
    }

    /// Checks that `value` is an answer on this scale (used for thresholds).
    pub(crate) fn check_contains(self, argument: &'static str, value: i32) -> Result<()> {
        if (self.min..=self.max).contains(&value) {
            Ok(())
        } else {
            Err(CxError::invalid(argument, value, format!("a point of {self}")))
        }
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.min, self.max)
    }
}

/// Why a single raw answer could not be placed on a scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BadScore {
    OutOfRange,
    NotInteger(f64),
    NotFinite(f64),
}

/// A raw answer type: the integer and float types a column of answers can
/// arrive in (numpy dtypes, JS typed arrays, Rust slices).
///
/// Floats must hold whole numbers; NaN (a missing answer) is an error.
pub trait Score: Copy + fmt::Display + Send + Sync + 'static {
    /// Index of this answer on `scale` (0 = `scale.min()`).
    #[doc(hidden)]
    fn point_index(self, scale: Scale) -> Result<usize, BadScoreOpaque>;

    /// Adds the histogram of `values` to `counts` (one slot per scale point).
    /// On a bad value nothing is added and its index is returned.
    #[doc(hidden)]
    fn count_into(values: &[Self], scale: Scale, counts: &mut [u64]) -> Result<(), (usize, BadScoreOpaque)> {
        count_generic(values, scale, counts)
    }

    /// Detractors (0–6), passives (7–8) and promoters (9–10) among
    /// `values` when this type counts them faster than the histogram, and
    /// all values are on the NPS scale; `None` sends the caller to
    /// [`count_into`](Self::count_into) (which also names a bad value).
    #[doc(hidden)]
    fn nps_classes(_values: &[Self]) -> Option<[u64; 3]> {
        None
    }
}

/// Opaque wrapper so that the bad-score reason stays crate-private while the
/// trait stays implementable only here.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BadScoreOpaque(pub(crate) BadScore);

fn count_generic<T: Score>(
    values: &[T],
    scale: Scale,
    counts: &mut [u64],
) -> Result<(), (usize, BadScoreOpaque)> {
    let mut local = [0u64; MAX_SCALE_POINTS];
    for (i, &v) in values.iter().enumerate() {
        let p = v.point_index(scale).map_err(|e| (i, e))?;
        local[p] += 1;
    }
    for (c, l) in counts.iter_mut().zip(local.iter()) {
        *c += l;
    }
    Ok(())
}

/// Turns a bad answer at `index` of `argument` into the public error.
pub(crate) fn score_error<T: Score>(
    argument: &'static str,
    index: usize,
    value: T,
    bad: BadScoreOpaque,
    scale: Scale,
) -> CxError {
    match bad.0 {
        BadScore::OutOfRange => CxError::OutOfRange {
            argument,
            index,
            value: value.to_string(),
            allowed: scale.to_string(),
        },
        BadScore::NotInteger(v) => CxError::NotInteger {
            argument,
            index,
            value: v,
        },
        BadScore::NotFinite(v) => CxError::NotFinite {
            argument,
            index,
            value: v,
        },
    }
}

macro_rules! int_score {
    ($($t:ty),*) => {$(
        impl Score for $t {
            #[inline]
            fn point_index(self, scale: Scale) -> Result<usize, BadScoreOpaque> {
                // Widening to i128 is exact for every integer type here.
                let offset = self as i128 - scale.min as i128;
                if offset >= 0 && offset < scale.points() as i128 {
                    Ok(offset as usize)
                } else {
                    Err(BadScoreOpaque(BadScore::OutOfRange))
                }
            }
        }
    )*};
}
int_score!(i8, i16, i32, i64, u16, u32, u64);

impl Score for u8 {
    #[inline]
    fn point_index(self, scale: Scale) -> Result<usize, BadScoreOpaque> {
        let offset = i32::from(self) - scale.min;
        if offset >= 0 && (offset as usize) < scale.points() {
            Ok(offset as usize)
        } else {
            Err(BadScoreOpaque(BadScore::OutOfRange))
        }
    }

    fn nps_classes(values: &[u8]) -> Option<[u64; 3]> {
        // WebAssembly without SIMD128 (the npm modules) would count the
        // lanes one byte at a time: 2.3× slower there than the histogram.
        if cfg!(all(target_arch = "wasm32", not(target_feature = "simd128"))) {
            return None;
        }
        nps_byte_classes(values)
    }

    /// Bytes are the common storage of answers (a numpy `uint8` column, a JS
    /// `Uint8Array`): count all 256 byte values without a branch per row, then
    /// check that only on-scale slots were hit. Only when one was not is the
    /// input scanned again for the first bad row.
    fn count_into(values: &[u8], scale: Scale, counts: &mut [u64]) -> Result<(), (usize, BadScoreOpaque)> {
        let table = byte_counts(values);
        let lo = scale.min;
        let hi = scale.max;
        let off_scale = (0..256i32)
            .filter(|b| *b < lo || *b > hi)
            .any(|b| table[b as usize] != 0);
        if off_scale {
            return count_generic(values, scale, counts);
        }
        for (p, c) in counts.iter_mut().enumerate() {
            // Scale points below 0 or above 255 cannot be bytes.
            if let Ok(b) = u8::try_from(lo + p as i32) {
                *c += table[b as usize];
            }
        }
        Ok(())
    }
}

/// NPS classes of bytes: two comparisons per byte and a flag for bytes
/// above 10, counted 16 at a time in byte lanes that LLVM turns into SIMD
/// compares (SSE2 on any x86-64, SIMD128 where enabled), the lanes emptied
/// into u64 totals every 255 blocks, before a lane can wrap. Split across
/// cores from a million answers. `None` when a byte is off the scale.
fn nps_byte_classes(values: &[u8]) -> Option<[u64; 3]> {
    #[cfg(feature = "parallel")]
    if values.len() >= 1 << 20 {
        use rayon::prelude::*;
        let chunk = values.len().div_ceil(rayon::current_num_threads() * 2);
        return values
            .par_chunks(chunk)
            .map(nps_byte_classes_serial)
            .try_reduce(|| [0; 3], |a, b| Some([a[0] + b[0], a[1] + b[1], a[2] + b[2]]));
    }
    nps_byte_classes_serial(values)
}

fn nps_byte_classes_serial(values: &[u8]) -> Option<[u64; 3]> {
    const LANES: usize = 16;
    let (mut detractors, mut promoters, mut off) = (0u64, 0u64, 0u8);
    let lane_sum = |l: &[u8; LANES]| l.iter().map(|&v| u64::from(v)).sum::<u64>();
    for block in values.chunks(LANES * 255) {
        let (mut d, mut p, mut o) = ([0u8; LANES], [0u8; LANES], [0u8; LANES]);
        let mut rows = block.chunks_exact(LANES);
        for c in &mut rows {
            for j in 0..LANES {
                d[j] += u8::from(c[j] <= 6);
                p[j] += u8::from(c[j] >= 9);
                o[j] |= u8::from(c[j] > 10);
            }
        }
        for &v in rows.remainder() {
            detractors += u64::from(v <= 6);
            promoters += u64::from(v >= 9);
            off |= u8::from(v > 10);
        }
        detractors += lane_sum(&d);
        promoters += lane_sum(&p);
        off |= o.iter().fold(0, |a, &b| a | b);
    }
    let n = values.len() as u64;
    (off == 0).then(|| [detractors, n - detractors - promoters, promoters])
}

/// How often each byte value occurs. Four interleaved tables avoid the
/// store-to-load stall of runs of equal answers all incrementing one
/// counter; from a million answers the input is split across cores.
fn byte_counts(values: &[u8]) -> [u64; 256] {
    #[cfg(feature = "parallel")]
    if values.len() >= 1 << 20 {
        use rayon::prelude::*;
        let chunk = values.len().div_ceil(rayon::current_num_threads() * 2);
        return values.par_chunks(chunk).map(byte_counts_serial).reduce(
            || [0u64; 256],
            |mut a, b| {
                a.iter_mut().zip(&b).for_each(|(x, y)| *x += y);
                a
            },
        );
    }
    byte_counts_serial(values)
}

fn byte_counts_serial(values: &[u8]) -> [u64; 256] {
    let mut tables = [[0u64; 256]; 4];
    let mut chunks = values.chunks_exact(4);
    for c in &mut chunks {
        tables[0][c[0] as usize] += 1;
        tables[1][c[1] as usize] += 1;
        tables[2][c[2] as usize] += 1;
        tables[3][c[3] as usize] += 1;
    }
    for &v in chunks.remainder() {
        tables[0][v as usize] += 1;
    }
    let mut out = [0u64; 256];
    for (b, o) in out.iter_mut().enumerate() {
        *o = tables.iter().map(|t| t[b]).sum();
    }
    out
}

macro_rules! float_score {
    ($($t:ty),*) => {$(
        impl Score for $t {
            #[inline]
            fn point_index(self, scale: Scale) -> Result<usize, BadScoreOpaque> {
                let v = f64::from(self);
                // One saturating conversion and one comparison decide the
                // common case; the reasons are only worked out for bad rows.
                let i = v as i64;
                if i as f64 == v {
                    let offset = i.wrapping_sub(i64::from(scale.min));
                    if (offset as u64) < scale.points() as u64 {
                        return Ok(offset as usize);
                    }
                    return Err(BadScoreOpaque(BadScore::OutOfRange));
                }
                if !v.is_finite() {
                    Err(BadScoreOpaque(BadScore::NotFinite(v)))
                } else if v.fract() != 0.0 {
                    Err(BadScoreOpaque(BadScore::NotInteger(v)))
                } else {
                    // Whole but beyond i64: certainly off any scale.
                    Err(BadScoreOpaque(BadScore::OutOfRange))
                }
            }
        }
    )*};
}
float_score!(f32, f64);
