//! Shared numerics for the measures: quantiles of the normal and Student t
//! distributions (from `statrs`) and the interval formulas built on them.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::error::{CxError, Result};

/// Checks a confidence level and returns it.
pub(crate) fn check_level(level: f64) -> Result<f64> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(level)
    } else {
        Err(CxError::invalid(
            "level",
            level,
            "a number strictly between 0 and 1",
        ))
    }
}

fn standard_normal() -> Normal {
    // Mean 0 and sd 1 are valid parameters, so construction cannot fail.
    Normal::standard()
}

/// Two-sided critical value z_{1-(1-level)/2} of the standard normal.
pub(crate) fn z_critical(level: f64) -> f64 {
    standard_normal().inverse_cdf(0.5 + level / 2.0)
}

/// Two-sided p-value of a standard normal statistic.
pub(crate) fn normal_two_sided_p(z: f64) -> f64 {
    (2.0 * standard_normal().sf(z.abs())).min(1.0)
}

/// Two-sided critical value of Student's t with `df` (possibly fractional)
/// degrees of freedom; `None` when `df` is not positive.
///
/// From 10⁴ degrees of freedom on (weighted answers can give an effective
/// size of billions) the Cornish–Fisher expansion
/// t ≈ z + (z³ + z)/(4ν) + (5z⁵ + 16z³ + 3z)/(96ν²) is used: statrs' inverse
/// CDF loses digits there (6.8e-6 at ν = 10⁵) and at ν ≈ 10⁹ does not
/// return in reasonable time (found by fuzzing); the expansion's error is
/// about 1e-12 at ν = 10⁴ (scipy's `t.ppf` as the reference).
pub(crate) fn t_critical(level: f64, df: f64) -> Option<f64> {
    if !(df > 0.0 && df.is_finite()) {
        return None;
    }
    if df >= 1e4 {
        let z = z_critical(level);
        let (z3, z5) = (z.powi(3), z.powi(5));
        return Some(z + (z3 + z) / (4.0 * df) + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df));
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(t.inverse_cdf(0.5 + level / 2.0))
}

/// Wilson score interval for a share `p` out of `n` (possibly an effective,
/// fractional size).
///
/// centre = (p + z²/2n)/(1 + z²/n), half-width = z·√(p(1−p)/n + z²/4n²)/(1 + z²/n)
/// (Wilson 1927, JASA 22(158)).
pub(crate) fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At p = 0 (p = 1) the lower (upper) end is exactly 0 (1) in exact
    // arithmetic; say so rather than leave a rounding residue.
    let low = if p <= 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let high = if p >= 1.0 { 1.0 } else { (centre + half).min(1.0) };
    (low, high)
}

/// The `q`-quantile of sorted values by linear interpolation between order
/// statistics (Hyndman & Fan 1996 type 7, numpy's and R's default).
/// `None` for no values.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Pearson correlation of paired values; `None` when either side has no
/// variance (or there are no pairs).
pub(crate) fn pearson(pairs: impl Iterator<Item = (f64, f64)> + Clone) -> Option<f64> {
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs.clone() {
        n += 1.0;
        sx += x;
        sy += y;
    }
    if n == 0.0 {
        return None;
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_for_any_degrees_of_freedom_returns_and_meets_statrs_at_the_switch() {
        // Fuzzing found a weighted accumulator with an effective size of
        // 1.7e9, for which statrs' t quantile did not return.
        for df in [1e-6, 0.3, 1.0, 30.0, 1e5, 1.7e9, 1e300] {
            let t = t_critical(0.95, df).expect("a value");
            assert!(t.is_finite() && t >= z_critical(0.95), "{df}: {t}");
        }
        // scipy.stats.t.ppf(0.975, ν), and statrs just below the switch.
        for (df, want) in [
            (1e3, 1.9623390808264074),
            (1e4, 1.960201239890626),
            (1e5, 1.9599877075346093),
        ] {
            let got = t_critical(0.95, df).unwrap();
            assert!((got - want).abs() < 1e-9, "{df}: {got} vs scipy {want}");
        }
        assert!((t_critical(0.95, 1.7e9).unwrap() - z_critical(0.95)).abs() < 1e-8);
    }

    #[test]
    fn z_for_95_percent() {
        assert!((z_critical(0.95) - 1.959_963_985).abs() < 1e-8);
    }

    #[test]
    fn t_for_95_percent_df_9() {
        // Published table value t_{0.975, 9} = 2.262157.
        let t = t_critical(0.95, 9.0).expect("df > 0");
        assert!((t - 2.262_157_163).abs() < 1e-6);
    }

    #[test]
    fn wilson_zero_successes() {
        let (lo, hi) = wilson(0.0, 10.0, z_critical(0.95));
        assert_eq!(lo, 0.0);
        assert!((hi - 0.277_53).abs() < 1e-5);
    }

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile([1, 2, 4, 10], [0.25, 0.5, 0.9]) = 1.75, 3.0, 8.2
        let v = [1.0, 2.0, 4.0, 10.0];
        assert!((quantile_sorted(&v, 0.25).expect("values") - 1.75).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.5).expect("values") - 3.0).abs() < 1e-12);
        assert!((quantile_sorted(&v, 0.9).expect("values") - 8.2).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }

    #[test]
    fn level_bounds() {
        assert!(check_level(0.0).is_err());
        assert!(check_level(1.0).is_err());
        assert!(check_level(f64::NAN).is_err());
        assert!(check_level(0.9).is_ok());
    }
}
