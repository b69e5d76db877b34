//! BG/BB: buy-till-you-die in discrete time (Fader, Hardie & Shang 2010,
//! "Customer-base analysis in a discrete-time noncontractual setting",
//! Marketing Science 29(6)). For purchase opportunities that come at fixed
//! times (a yearly donation drive, an annual event, a weekly market): at
//! each opportunity an alive customer buys with probability p ~ Beta(α, β)
//! and then dies with probability θ ~ Beta(γ, δ).

use serde::{Deserialize, Serialize};

use super::check_params;
use super::data::{Rows, compress, out_of_range};
use super::fit::{FitOptions, FitReport, Model, fit, numeric_grad};
use super::special::{hyp2f1_ln, ln_beta, ln_gamma, log_add_exp};
use crate::error::{CxError, Result};

/// The most opportunities a history may span: the likelihood sums a term
/// per opportunity after the last purchase, so the bound keeps a hostile
/// input from taking hours.
pub const MAX_OPPORTUNITIES: f64 = 100_000.0;

/// Customers with their history over `periods` opportunities: `frequency`
/// repeat purchases, the last at opportunity `recency` (0 without), and
/// optionally how many customers each row stands for.
#[derive(Debug, Clone, Copy)]
pub struct OpportunityData<'a> {
    /// Purchases x (whole, ≥ 0).
    pub frequency: &'a [f64],
    /// Opportunity of the last purchase t_x (x ≤ t_x ≤ n; 0 when x = 0).
    pub recency: &'a [f64],
    /// Opportunities n since the first purchase.
    pub periods: &'a [f64],
    /// Customers per row (1 each without).
    pub weights: Option<&'a [f64]>,
}

/// The BG/BB model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "model", rename = "bg_bb")]
pub struct BetaGeoBetaBinom {
    alpha: f64,
    beta: f64,
    gamma: f64,
    delta: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    fit: Option<FitReport>,
}

/// The JSON fields without the tag, read strictly.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    alpha: f64,
    beta: f64,
    gamma: f64,
    delta: f64,
    #[serde(default)]
    fit: Option<FitReport>,
}

/// ln L of one customer (REFERENCES.md §6(e)): alive through n, or alive
/// through t_x + i and dead at the next opportunity, i = 0..n−t_x−1.
fn ll_value(p: &[f64], x: f64, tx: f64, n: f64) -> f64 {
    let (a, b, g, d) = (p[0], p[1], p[2], p[3]);
    let (lab, lgd) = (ln_beta(a, b), ln_beta(g, d));
    let mut l = ln_beta(a + x, b + n - x) - lab + ln_beta(g, d + n) - lgd;
    let mut i = 0.0;
    while i < n - tx {
        l = log_add_exp(
            l,
            ln_beta(a + x, b + tx - x + i) - lab + ln_beta(g + 1.0, d + tx + i) - lgd,
        );
        i += 1.0;
    }
    l
}

struct BgBbModel;

impl Model for BgBbModel {
    const NAMES: &'static [&'static str] = &["alpha", "beta", "gamma", "delta"];

    fn ll(p: &[f64], x: f64, tx: f64, n: f64, g: Option<&mut [f64]>) -> f64 {
        if let Some(g) = g {
            // Central differences: the sum has n − t_x terms and the data
            // sets are small (one row per distinct history).
            numeric_grad(p, g, |q| ll_value(q, x, tx, n));
        }
        ll_value(p, x, tx, n)
    }

    fn initial(_rows: &Rows) -> Vec<f64> {
        vec![1.0, 1.0, 1.0, 1.0]
    }
}

impl OpportunityData<'_> {
    /// Checks every row as the fit does: equal lengths, whole numbers,
    /// 0 ≤ x ≤ t_x ≤ n (t_x = 0 without purchases), weights ≥ 0.
    ///
    /// # Errors
    /// The typed error naming the argument and row.
    pub fn check(&self) -> Result<()> {
        self.rows().map(|_| ())
    }

    fn rows(&self) -> Result<Rows> {
        let n = self.frequency.len();
        if n == 0 {
            return Err(CxError::Empty {
                argument: "frequency",
            });
        }
        CxError::check_len("recency", self.recency.len(), "frequency", n)?;
        CxError::check_len("periods", self.periods.len(), "frequency", n)?;
        compress(n, "frequency", self.weights, |i| {
            let (x, tx, m) = (self.frequency[i], self.recency[i], self.periods[i]);
            for (argument, v) in [("frequency", x), ("recency", tx), ("periods", m)] {
                if !v.is_finite() {
                    return Err(CxError::NotFinite {
                        argument,
                        index: i,
                        value: v,
                    });
                }
                if v.fract() != 0.0 {
                    return Err(CxError::NotInteger {
                        argument,
                        index: i,
                        value: v,
                    });
                }
                if v < 0.0 {
                    return Err(out_of_range(argument, i, v, ">= 0"));
                }
            }
            if m > MAX_OPPORTUNITIES {
                return Err(out_of_range(
                    "periods",
                    i,
                    m,
                    &format!("0..={MAX_OPPORTUNITIES} opportunities (the likelihood sums over them)"),
                ));
            }
            if x > m {
                return Err(out_of_range(
                    "frequency",
                    i,
                    x,
                    &format!("0..={m} (at most one purchase per opportunity)"),
                ));
            }
            if tx > m || tx < x || (x == 0.0 && tx != 0.0) {
                return Err(out_of_range(
                    "recency",
                    i,
                    tx,
                    &format!("{x}..={m} (0 without purchases)"),
                ));
            }
            Ok((x, tx, m))
        })
    }
}

impl BetaGeoBetaBinom {
    /// A model with given parameters.
    ///
    /// # Errors
    /// [`CxError::InvalidParameter`] unless all are positive and finite.
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self> {
        check_params(&[
            ("alpha", alpha),
            ("beta", beta),
            ("gamma", gamma),
            ("delta", delta),
        ])?;
        Ok(BetaGeoBetaBinom {
            alpha,
            beta,
            gamma,
            delta,
            fit: None,
        })
    }

    /// Maximum-likelihood fit (the usual fit with its report, restarts and
    /// standard errors).
    ///
    /// # Errors
    /// Input errors naming the row; option errors; a fit that converges
    /// from no start ([`CxError::NotConverged`]).
    pub fn fit(data: &OpportunityData<'_>, options: &FitOptions) -> Result<Self> {
        let rows = data.rows()?;
        let (p, report) = fit::<BgBbModel>(&rows, options)?;
        Ok(BetaGeoBetaBinom {
            alpha: p[0],
            beta: p[1],
            gamma: p[2],
            delta: p[3],
            fit: Some(report),
        })
    }

    /// The parameters (α, β, γ, δ).
    pub fn params(&self) -> [f64; 4] {
        [self.alpha, self.beta, self.gamma, self.delta]
    }

    /// The fit's report, for a fitted model.
    pub fn fit_report(&self) -> Option<&FitReport> {
        self.fit.as_ref()
    }

    /// ln L of one customer's history.
    pub fn log_likelihood(&self, x: f64, tx: f64, n: f64) -> f64 {
        ll_value(&self.params(), x, tx, n)
    }

    /// P(alive at opportunity n+1 | x, t_x, n).
    pub fn probability_alive(&self, x: f64, tx: f64, n: f64) -> f64 {
        let [a, b, g, d] = self.params();
        (ln_beta(a + x, b + n - x) + ln_beta(g, d + n + 1.0)
            - ln_beta(a, b)
            - ln_beta(g, d)
            - self.log_likelihood(x, tx, n))
        .exp()
    }

    /// E[X(n, n+n*) | x, t_x, n]: expected purchases at the next `future`
    /// opportunities.
    pub fn conditional_expected_purchases(&self, future: f64, x: f64, tx: f64, n: f64) -> f64 {
        let [a, b, g, d] = self.params();
        let g1 = nudge_from_one(g);
        let lead = (ln_beta(a + x + 1.0, b + n - x) - ln_beta(a, b) - self.log_likelihood(x, tx, n)).exp();
        let ratio = |k: f64| (ln_gamma(1.0 + d + k) - ln_gamma(g1 + d + k)).exp();
        let scale = d / (g1 - 1.0) * (ln_gamma(g1 + d) - ln_gamma(1.0 + d)).exp();
        (lead * scale * (ratio(n) - ratio(n + future))).max(0.0)
    }

    /// E[X(n)]: expected purchases of a new customer at the first `n`
    /// opportunities.
    pub fn expected_purchases(&self, n: f64) -> f64 {
        let [a, b, g, d] = self.params();
        let g1 = nudge_from_one(g);
        let tail =
            (ln_gamma(g1 + d) + ln_gamma(1.0 + d + n) - ln_gamma(g1 + d + n) - ln_gamma(1.0 + d)).exp();
        (a / (a + b) * d / (g1 - 1.0) * (1.0 - tail)).max(0.0)
    }

    /// DERT with discount rate `d` per opportunity (opportunity n+k
    /// discounted by (1+d)^{−k}): B(α+x+1, β+n−x)B(γ, δ+n+1)
    /// ₂F₁(1, δ+n+1; γ+δ+n+1; 1/(1+d))/(B(α, β)B(γ, δ)(1+d)L).
    pub fn dert(&self, d: f64, x: f64, tx: f64, n: f64) -> f64 {
        let [a, b, g, dl] = self.params();
        (ln_beta(a + x + 1.0, b + n - x) + ln_beta(g, dl + n + 1.0)
            - ln_beta(a, b)
            - ln_beta(g, dl)
            - (1.0 + d).ln()
            + hyp2f1_ln(1.0, dl + n + 1.0, g + dl + n + 1.0, 1.0 / (1.0 + d))
            - self.log_likelihood(x, tx, n))
        .exp()
    }

    /// The model as JSON (`{"model": "bg_bb", …}`).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a model's JSON; parameters are checked.
    ///
    /// # Errors
    /// [`CxError::Decode`] for malformed JSON or another model's;
    /// [`CxError::InvalidParameter`] for a parameter that is not positive.
    pub fn from_json(text: &str) -> Result<Self> {
        let r: Raw = super::raw::tagged(text, "bg_bb")?;
        let mut m = Self::new(r.alpha, r.beta, r.gamma, r.delta)?;
        m.fit = r.fit;
        Ok(m)
    }
}

/// The expressions divide by γ − 1; exactly 1 is stepped around by 1e-9.
fn nudge_from_one(g: f64) -> f64 {
    if (g - 1.0).abs() < 1e-9 { 1.0 + 1e-9 } else { g }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// lifetimes' donations data (Fader, Hardie & Shang 2010): 11,104
    /// first-time donors of 1995, six later yearly opportunities.
    pub(crate) const DONATIONS: [(f64, f64, f64, f64); 22] = [
        (0.0, 0.0, 6.0, 3464.0),
        (1.0, 1.0, 6.0, 1091.0),
        (1.0, 2.0, 6.0, 277.0),
        (1.0, 3.0, 6.0, 129.0),
        (1.0, 4.0, 6.0, 78.0),
        (1.0, 5.0, 6.0, 119.0),
        (1.0, 6.0, 6.0, 129.0),
        (2.0, 2.0, 6.0, 613.0),
        (2.0, 3.0, 6.0, 255.0),
        (2.0, 4.0, 6.0, 155.0),
        (2.0, 5.0, 6.0, 173.0),
        (2.0, 6.0, 6.0, 234.0),
        (3.0, 3.0, 6.0, 322.0),
        (3.0, 4.0, 6.0, 181.0),
        (3.0, 5.0, 6.0, 225.0),
        (3.0, 6.0, 6.0, 357.0),
        (4.0, 4.0, 6.0, 240.0),
        (4.0, 5.0, 6.0, 284.0),
        (4.0, 6.0, 6.0, 512.0),
        (5.0, 5.0, 6.0, 335.0),
        (5.0, 6.0, 6.0, 728.0),
        (6.0, 6.0, 6.0, 1203.0),
    ];

    fn donations() -> BetaGeoBetaBinom {
        let col = |k: usize| {
            DONATIONS
                .iter()
                .map(|r| [r.0, r.1, r.2, r.3][k])
                .collect::<Vec<f64>>()
        };
        let (x, tx, n, w) = (col(0), col(1), col(2), col(3));
        let d = OpportunityData {
            frequency: &x,
            recency: &tx,
            periods: &n,
            weights: Some(&w),
        };
        BetaGeoBetaBinom::fit(&d, &FitOptions::default()).expect("fit")
    }

    /// REFERENCES.md §6(e): the published fit and lifetimes' predictions.
    #[test]
    fn reproduces_the_donations_fit_and_predictions() {
        let m = donations();
        let r = m.fit_report().expect("report");
        assert!(r.converged);
        assert_eq!((r.customers, r.distinct_rows), (11_104.0, 22));
        for (got, want) in m.params().iter().zip([1.20352, 0.74972, 0.65672, 2.78344]) {
            assert!((got - want).abs() < 2e-4 * want, "{:?}", m.params());
        }
        assert!(
            (r.log_likelihood - -33_225.58).abs() < 0.01,
            "{}",
            r.log_likelihood
        );
        assert!(
            (m.expected_purchases(6.0) - 2.220169).abs() < 2e-6 * 2.22,
            "{}",
            m.expected_purchases(6.0)
        );
        for (x, tx, n, alive, next5, dert) in [
            (0.0, 0.0, 6.0, 0.1081333, 0.0728633, Some(0.1147527)),
            (1.0, 1.0, 6.0, 0.0694618, 0.0856957, None),
            (1.0, 5.0, 6.0, 0.8281437, 1.0216890, Some(1.6090613)),
            (6.0, 6.0, 6.0, 0.9304336, 3.7525442, Some(5.9098941)),
        ] {
            let close = |g: f64, w: f64| (g - w).abs() <= 1e-5 * w;
            assert!(
                close(m.probability_alive(x, tx, n), alive),
                "{x} {tx}: {}",
                m.probability_alive(x, tx, n)
            );
            let e = m.conditional_expected_purchases(5.0, x, tx, n);
            assert!(close(e, next5), "{x} {tx}: {e}");
            if let Some(want) = dert {
                assert!(
                    close(m.dert(0.1, x, tx, n), want),
                    "{x} {tx}: {}",
                    m.dert(0.1, x, tx, n)
                );
            }
        }
    }

    #[test]
    fn dert_is_the_discounted_sum_of_expected_increments() {
        let m = BetaGeoBetaBinom::new(1.2, 0.75, 0.66, 2.78).expect("params");
        for (x, tx, n) in [(0.0, 0.0, 6.0), (3.0, 5.0, 6.0), (6.0, 6.0, 6.0)] {
            let d: f64 = 0.1;
            let sum: f64 = (1..3000)
                .map(|k| {
                    let inc = m.conditional_expected_purchases(k as f64, x, tx, n)
                        - m.conditional_expected_purchases(k as f64 - 1.0, x, tx, n);
                    inc / (1.0 + d).powi(k)
                })
                .sum();
            assert!(
                (m.dert(d, x, tx, n) - sum).abs() < 1e-9 * sum,
                "{x}: {} vs {sum}",
                m.dert(d, x, tx, n)
            );
        }
    }

    #[test]
    fn bad_histories_are_typed_errors() {
        let d = OpportunityData {
            frequency: &[2.0],
            recency: &[1.0],
            periods: &[6.0],
            weights: None,
        };
        let e = BetaGeoBetaBinom::fit(&d, &FitOptions::default()).unwrap_err();
        assert_eq!(
            (e.code(), e.argument(), e.index()),
            ("out_of_range", "recency", Some(0))
        );
        let d = OpportunityData {
            frequency: &[7.0],
            recency: &[7.0],
            periods: &[6.0],
            weights: None,
        };
        assert_eq!(
            BetaGeoBetaBinom::fit(&d, &FitOptions::default())
                .unwrap_err()
                .argument(),
            "frequency"
        );
        let m = BetaGeoBetaBinom::new(1.2, 0.75, 0.66, 2.78).expect("p");
        assert_eq!(BetaGeoBetaBinom::from_json(&m.to_json()).expect("round trip"), m);
        assert_eq!(
            BetaGeoBetaBinom::from_json(r#"{"model":"bg_nbd","alpha":1,"beta":1,"gamma":1,"delta":1}"#)
                .unwrap_err()
                .code(),
            "decode"
        );
    }
}
