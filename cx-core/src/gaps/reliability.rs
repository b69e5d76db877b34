//! Internal consistency of a multi-item scale: Cronbach's alpha (Cronbach
//! 1951, Psychometrika 16(3)) with the Feldt interval (Feldt, Woodruff &
//! Salih 1987, Applied Psychological Measurement 11(1)).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use super::Answers;
use crate::error::{CxError, Result};
use crate::stats;

/// The result of [`cronbach_alpha`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alpha {
    /// Cronbach's alpha (≤ 1; negative when the items disagree).
    pub alpha: f64,
    /// Lower end of the Feldt interval.
    pub ci_low: f64,
    /// Upper end of the Feldt interval.
    pub ci_high: f64,
    /// Confidence level of the interval.
    pub level: f64,
    /// Items k.
    pub items: usize,
    /// Respondents used (complete answers).
    pub n: u64,
    /// Respondents left out for a missing answer (listwise).
    pub missing: u64,
    /// Alpha of the scale without each item (`None` with two items: one
    /// item left has no alpha).
    pub alpha_if_deleted: Vec<Option<f64>>,
    /// Correlation of each item with the sum of the other items.
    pub item_rest_correlation: Vec<Option<f64>>,
}

/// Cronbach's alpha of the items (columns) of `answers`, over the
/// respondents who answered every item.
///
/// # Formula
/// α = k/(k−1)·(1 − Σσ²_j/σ²_total) with sample variances. Feldt interval at
/// level 1−γ: [1 − (1−α)·F_{1−γ/2}, 1 − (1−α)·F_{γ/2}] with F quantiles on
/// (n−1, (n−1)(k−1)) degrees of freedom.
///
/// # Errors
/// [`CxError::InvalidParameter`] for fewer than two items, fewer than two
/// complete respondents, a total score without variance, or an invalid
/// level; [`CxError::NotFinite`] for an infinite answer.
///
/// # Examples
/// ```
/// use cx::gaps::{cronbach_alpha, Answers};
/// // Three items answered by four respondents (row-major).
/// let a = [4.0, 5.0, 4.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 5.0, 4.0, 5.0];
/// let r = cronbach_alpha(Answers::new(&a, 3), 0.95)?;
/// assert!(r.alpha > 0.9 && r.alpha <= 1.0 && r.ci_low < r.alpha);
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn cronbach_alpha(answers: Answers<'_>, level: f64) -> Result<Alpha> {
    let level = stats::check_level(level)?;
    let k = answers.items;
    if k < 2 {
        return Err(CxError::invalid(
            "answers",
            format!("{k} items"),
            "at least 2 items",
        ));
    }
    if !answers.values.len().is_multiple_of(k) {
        return Err(CxError::invalid(
            "answers",
            format!("{} values", answers.values.len()),
            format!("a whole number of rows of {k} items"),
        ));
    }
    if let Some(i) = answers.values.iter().position(|v| v.is_infinite()) {
        return Err(CxError::NotFinite {
            argument: "answers",
            index: i / k,
            value: answers.values[i],
        });
    }
    let rows: Vec<&[f64]> = answers
        .values
        .chunks_exact(k)
        .filter(|row| row.iter().all(|v| !v.is_nan()))
        .collect();
    let n = rows.len();
    let missing = (answers.respondents() - n) as u64;
    if n < 2 {
        return Err(CxError::invalid(
            "answers",
            format!("{n} complete respondents"),
            "at least 2 respondents who answered every item",
        ));
    }
    let alpha_of = |skip: Option<usize>| -> Option<f64> {
        let cols: Vec<usize> = (0..k).filter(|&j| Some(j) != skip).collect();
        let kk = cols.len() as f64;
        let item_var: f64 = cols.iter().map(|&j| variance(rows.iter().map(|r| r[j]))).sum();
        let total_var = variance(rows.iter().map(|r| cols.iter().map(|&j| r[j]).sum::<f64>()));
        (kk >= 2.0 && total_var > 0.0).then(|| kk / (kk - 1.0) * (1.0 - item_var / total_var))
    };
    let alpha = alpha_of(None).ok_or_else(|| {
        CxError::invalid(
            "answers",
            "a total score without variance",
            "respondents whose totals differ",
        )
    })?;
    let (df1, df2) = ((n - 1) as f64, ((n - 1) * (k - 1)) as f64);
    let f = FisherSnedecor::new(df1, df2).map_err(|e| CxError::invalid("answers", e, "n >= 2 and k >= 2"))?;
    let gamma = 1.0 - level;
    let ci_low = 1.0 - (1.0 - alpha) * f.inverse_cdf(1.0 - gamma / 2.0);
    let ci_high = 1.0 - (1.0 - alpha) * f.inverse_cdf(gamma / 2.0);
    let item_rest_correlation = (0..k)
        .map(|j| {
            let x: Vec<f64> = rows.iter().map(|r| r[j]).collect();
            let y: Vec<f64> = rows.iter().map(|r| r.iter().sum::<f64>() - r[j]).collect();
            crate::stats::pearson(x.iter().copied().zip(y.iter().copied()))
        })
        .collect();
    Ok(Alpha {
        alpha,
        ci_low,
        ci_high,
        level,
        items: k,
        n: n as u64,
        missing,
        alpha_if_deleted: (0..k).map(|j| alpha_of(Some(j))).collect(),
        item_rest_correlation,
    })
}

/// Sample variance (n − 1), two-pass.
fn variance(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let n = values.clone().count() as f64;
    let m = values.clone().sum::<f64>() / n;
    values.map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
}
