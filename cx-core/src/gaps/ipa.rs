//! Importance–performance analysis (Martilla & James 1977,
//! "Importance-performance analysis", J. Marketing 41(1)).

use serde::{Deserialize, Serialize};

use super::{Answers, check_same_shape, mean_sd};
use crate::error::{CxError, Result};
use crate::survey::Scale;

/// Where the quadrant cross-hair sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Crosshair {
    /// At the means over the attributes (data-centred).
    #[default]
    Data,
    /// At the scale midpoint (scale-centred). With derived importance
    /// (correlations) the importance axis stays data-centred.
    Scale,
}

impl std::str::FromStr for Crosshair {
    type Err = CxError;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "data" => Ok(Crosshair::Data),
            "scale" => Ok(Crosshair::Scale),
            other => Err(CxError::invalid("crosshair", other, "\"data\" or \"scale\"")),
        }
    }
}

/// The four quadrants of Martilla & James (1977).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quadrant {
    /// High importance, low performance.
    ConcentrateHere,
    /// High importance, high performance.
    KeepUpTheGoodWork,
    /// Low importance, low performance.
    LowPriority,
    /// Low importance, high performance.
    PossibleOverkill,
}

/// Options of [`ipa`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IpaOptions {
    /// Answer scale of performance (and stated importance); 1–5 by default.
    pub scale: Scale,
    /// Cross-hair placement; data-centred by default.
    pub crosshair: Crosshair,
    /// Attribute names, one per column, copied into the result.
    pub names: Option<Vec<String>>,
}

impl Default for IpaOptions {
    fn default() -> Self {
        IpaOptions {
            scale: Scale::CSAT,
            crosshair: Crosshair::Data,
            names: None,
        }
    }
}

/// One attribute's place on the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IpaAttribute {
    /// Attribute index (0-based column).
    pub attribute: usize,
    /// The attribute's name, when names were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Mean stated importance, or the correlation with the overall score.
    pub importance: f64,
    /// Mean performance.
    pub performance: f64,
    /// Performance − importance (stated importance only; same scale).
    pub gap: Option<f64>,
    /// The quadrant.
    pub quadrant: Quadrant,
    /// Respondents whose performance answer was used.
    pub n: u64,
}

/// The result of [`ipa`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ipa {
    /// Per attribute, in column order.
    pub attributes: Vec<IpaAttribute>,
    /// Importance coordinate of the cross-hair.
    pub importance_line: f64,
    /// Performance coordinate of the cross-hair.
    pub performance_line: f64,
    /// `true` when importance was derived from correlations.
    pub derived: bool,
    /// Respondents in the input.
    pub respondents: u64,
}

/// Importance–performance grid of the attributes (columns) of
/// `performance`.
///
/// Importance is either `stated` (a second matrix on the same scale) or,
/// with `overall` (one overall score per respondent), derived as the
/// Pearson correlation of each attribute with the overall score over the
/// respondents who answered both. A point on a line counts as high.
///
/// # Errors
/// Scale and shape errors as in [`super::servqual`]; neither or both of
/// `stated` and `overall`; a non-finite overall score; an attribute with
/// no answers, or (derived) with fewer than three answer pairs or no
/// variance.
///
/// # Examples
/// ```
/// use cx::gaps::{ipa, Answers, IpaOptions, Quadrant};
/// let perf = [2.0, 5.0, 2.0, 4.0];   // two respondents, two attributes
/// let imp = [5.0, 2.0, 4.0, 2.0];
/// let r = ipa(Answers::new(&perf, 2), Some(Answers::new(&imp, 2)), None, &IpaOptions::default())?;
/// assert_eq!(r.attributes[0].quadrant, Quadrant::ConcentrateHere);
/// assert_eq!(r.attributes[1].quadrant, Quadrant::PossibleOverkill);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn ipa(
    performance: Answers<'_>,
    stated: Option<Answers<'_>>,
    overall: Option<&[f64]>,
    options: &IpaOptions,
) -> Result<Ipa> {
    performance.check("performance", options.scale)?;
    let rows = performance.respondents();
    let k = performance.items;
    super::check_names(options.names.as_deref(), k)?;
    let importance: Vec<f64> = match (stated, overall) {
        (Some(s), None) => {
            s.check("importance", options.scale)?;
            check_same_shape(("performance", &performance), ("importance", &s))?;
            (0..k)
                .map(|j| {
                    let (n, m, _) = mean_sd((0..rows).map(|r| s.get(r, j)).filter(|v| !v.is_nan()));
                    if n == 0 {
                        Err(no_answers("importance", j))
                    } else {
                        Ok(m)
                    }
                })
                .collect::<Result<_>>()?
        }
        (None, Some(o)) => {
            if o.len() != rows {
                return Err(CxError::LengthMismatch {
                    argument: "overall",
                    expected: rows,
                    actual: o.len(),
                    other: "performance",
                });
            }
            if let Some(i) = o.iter().position(|v| !v.is_finite()) {
                return Err(CxError::NotFinite {
                    argument: "overall",
                    index: i,
                    value: o[i],
                });
            }
            (0..k)
                .map(|j| correlation(&performance, j, o))
                .collect::<Result<_>>()?
        }
        _ => {
            return Err(CxError::invalid(
                "importance",
                "neither or both of stated importance and overall scores",
                "exactly one of them",
            ));
        }
    };
    let derived = overall.is_some();
    let mut perf = Vec::with_capacity(k);
    for j in 0..k {
        let (n, m, _) = mean_sd((0..rows).map(|r| performance.get(r, j)).filter(|v| !v.is_nan()));
        if n == 0 {
            return Err(no_answers("performance", j));
        }
        perf.push((n, m));
    }
    let mean = |v: &mut dyn Iterator<Item = f64>| v.sum::<f64>() / k as f64;
    let mid = (f64::from(options.scale.min()) + f64::from(options.scale.max())) / 2.0;
    let (importance_line, performance_line) = match options.crosshair {
        Crosshair::Data => (
            mean(&mut importance.iter().copied()),
            mean(&mut perf.iter().map(|p| p.1)),
        ),
        Crosshair::Scale if derived => (mean(&mut importance.iter().copied()), mid),
        Crosshair::Scale => (mid, mid),
    };
    let attributes = (0..k)
        .map(|j| {
            let (n, p) = perf[j];
            let high_i = importance[j] >= importance_line;
            let high_p = p >= performance_line;
            IpaAttribute {
                attribute: j,
                name: options.names.as_ref().map(|n| n[j].clone()),
                importance: importance[j],
                performance: p,
                gap: (!derived).then(|| p - importance[j]),
                quadrant: match (high_i, high_p) {
                    (true, false) => Quadrant::ConcentrateHere,
                    (true, true) => Quadrant::KeepUpTheGoodWork,
                    (false, false) => Quadrant::LowPriority,
                    (false, true) => Quadrant::PossibleOverkill,
                },
                n: n as u64,
            }
        })
        .collect();
    Ok(Ipa {
        attributes,
        importance_line,
        performance_line,
        derived,
        respondents: rows as u64,
    })
}

fn no_answers(argument: &'static str, j: usize) -> CxError {
    CxError::invalid(
        argument,
        format!("attribute {j} with no answers"),
        "at least one answer per attribute",
    )
}

/// Pearson correlation of column `j` with `overall` over the complete pairs.
fn correlation(m: &Answers<'_>, j: usize, overall: &[f64]) -> Result<f64> {
    let pairs: Vec<(f64, f64)> = overall
        .iter()
        .enumerate()
        .map(|(r, &o)| (m.get(r, j), o))
        .filter(|(x, _)| !x.is_nan())
        .collect();
    if pairs.len() < 3 {
        return Err(CxError::invalid(
            "performance",
            format!("attribute {j} with {} answers", pairs.len()),
            "at least 3 answers to derive importance",
        ));
    }
    crate::stats::pearson(pairs.iter().copied()).ok_or_else(|| {
        CxError::invalid(
            "performance",
            format!("attribute {j} (or the overall score) without variance"),
            "varying answers to derive importance",
        )
    })
}
