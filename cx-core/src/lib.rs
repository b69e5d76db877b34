//! # cx — customer-experience scores
//!
//! `cx` turns raw shop data into the numbers a retailer steers by. This crate
//! is the pure-Rust core; the Python (`cx-py`) and JavaScript (`cx-wasm`)
//! packages are thin bindings over it and give the same numbers.
//!
//! | module | what it answers |
//! |---|---|
//! | [`survey`] | NPS, CSAT, CES and smiley terminals with confidence intervals, weights, comparisons, grouping and mergeable accumulators |
//! | [`retention`] | the customer summary, repeat purchase, returning customers, cohorts, RFM and cadence from raw transactions |
//! | [`churn`] | BG/NBD, MBG/NBD, Pareto/NBD and gamma-gamma: probability alive, expected purchases, lifetime value |
//! | [`gaps`] | SERVQUAL, importance–performance, Kano, reliability and the promise gaps (delivery, answer times, first-contact resolution, repeat contacts) |
//! | [`signals`] | explainable per-customer churn signals and a risk ranking |
//! | `bind` (feature `bind`) | the one layer the Python, JavaScript and CLI bindings go through: named columns in, typed errors and JSON out |
//!
//! ## Example
//!
//! ```
//! use cx::survey::{nps, NpsOptions};
//!
//! let answers: [u8; 10] = [10, 9, 9, 8, 7, 6, 5, 3, 10, 0];
//! let r = nps(&answers, &NpsOptions::default())?;
//! assert_eq!(r.n, 10);
//! assert!((r.score - 0.0).abs() < 1e-12); // 4 promoters, 4 detractors
//! # Ok::<(), cx::CxError>(())
//! ```
//!
//! ## How the numbers are computed
//!
//! Every function's documentation gives its formula and source; the shared vectors in
//! `tests/vectors/survey.json` hold published and hand-checked values with their tolerance, and the
//! Rust, Python, Node and Chromium suites all read them.
//!
//! - **NPS**: promoters 9–10, passives 7–8, detractors 0–6; score = 100·(p − d) in points. Default
//!   interval: adjusted Wald (three pseudo-answers ¾ / 1½ / ¾; Rocks 2016, *The American
//!   Statistician* 70(4)); `wald` on request. Intervals are clipped to [−100, 100].
//! - **CSAT** is the top-box share (answers ≥ threshold, default the top two boxes), not the mean;
//!   the mean comes with a t interval. **CES** reports the mean and the share of easy answers.
//! - **Shares** use the Wilson score interval; **means** the Student t interval (undefined, shown as
//!   `None`/`null`, when there is only one answer — never NaN).
//! - **Weights** enter through Kish's effective sample size n_eff = (Σw)²/Σw².
//! - **Comparisons** assume independent samples (different respondents): Δ, SE = √(Var₁ + Var₂),
//!   two-sided normal p-value; the CI and the test use the same SE.
//! - **Smiley index**: buttons 1–4 mapped to 0, 33.3, 66.7, 100 and averaged. The vendor calls its
//!   index an arithmetic mean but publishes no button values; this even spacing is our assumption.
//! - **Customer summary**: timestamps floored to the period, same-period purchases merged with their
//!   amounts summed, frequency = purchase periods − 1, recency and T in periods (÷ `multiplier`),
//!   monetary value = mean of the repeat periods' sums — the semantics of `lifetimes`'
//!   `summary_data_from_transaction_data`. It reproduces the published CDNOW summary exactly and
//!   equals `lifetimes` on generated data (tests). Months count as calendar-month steps.
//! - **RFM** scores are quintiles of the customers' ranks; tied values share the score of their lowest
//!   rank, so scores never depend on input order. Segments follow the usual recency × frequency grid.
//! - **Expectation gaps** (`tests/vectors/gaps.json`, expected values from numpy/scipy and the
//!   published vectors): item gap = mean of the paired P − E over respondents who answered both (a
//!   missing answer leaves out that pair only, and is counted), with the paired t interval; dimension
//!   score = mean of its items' gaps; unweighted score = mean of the dimension scores; weighted score
//!   = Σ (points_d / Σ points)·score_d (Parasuraman, Zeithaml & Berry 1988). Without expectations the
//!   same layout holds mean perceptions (SERVPERF, Cronin & Taylor 1992). `dimensions="servqual22"`
//!   is the 22-item, five-dimension map of the original instrument.
//! - **Importance–performance** (Martilla & James 1977): quadrants "concentrate here", "keep up the
//!   good work", "low priority", "possible overkill"; a point on the cross-hair counts as high.
//!   Derived importance is the Pearson correlation of the attribute with an overall score.
//! - **Kano**: the standard evaluation table; dominant category with ties broken M > O > A > I > R > Q;
//!   better = (A+O)/(A+O+M+I), worse = −(O+M)/(A+O+M+I) (Berger et al. 1993), absent when undefined.
//! - **Cronbach's alpha** over complete respondents (listwise), Feldt interval from F quantiles on
//!   (n−1, (n−1)(k−1)) degrees of freedom (Feldt, Woodruff & Salih 1987).
//! - **Promise gaps**: lateness counts calendar days (UTC): days late = day delivered − day
//!   promised, on time when that is ≤ the grace days, so a parcel promised for a day is on time all
//!   that day (`gaps::days_late`, the same rule in the `late_deliveries` signal and `cx report`);
//!   delay in whole days (negative = early), lateness over late orders only; undelivered orders and unanswered contacts are counted
//!   separately, never dropped; percentiles interpolate linearly (numpy's default). First-contact
//!   resolution: the case's earliest contact is marked resolved and the case has no other contact. A
//!   repeat contact is one whose customer (or case, with `same_case`) had a contact within the window
//!   before it; its channel switch is (previous channel → this channel).
//! - **Churn models** (`tests/vectors/churn.json`; published CDNOW values in `data/cdnow/README.md`): BG/NBD (Fader, Hardie & Lee
//!   2005), MBG/NBD (Batislam et al. 2007), Pareto/NBD (Schmittlein, Morrison & Colombo 1987) and
//!   gamma-gamma spend (Fader, Hardie & Lee 2005). Every likelihood and prediction is evaluated in
//!   log space (log-sum-exp), so frequencies of 10⁵ and ages of 10⁴ periods give finite numbers.
//!   Pareto/NBD needs the Gauss hypergeometric ₂F₁: a log-space power series with Euler's
//!   transformation toward z → 1, and adaptive Gauss–Kronrod quadrature of the integral form when
//!   the series would crawl; checked against mpmath at 50 digits, frequency up to 1,000.
//! - **Forecasts per customer** (`churn::ChurnModel`; `../shared/REFERENCES.md` §6): given alive at
//!   T the rates are a posteriori λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x) (MBG/NBD b+x+1), μ ~
//!   Gamma(s, β+T). The conditional PMF of the next t: BG family in closed form by recurrences
//!   (survive all n purchases, or drop out right after the n-th); Pareto/NBD as NB(n; t)·P(no death)
//!   plus ∫₀ᵗ NB(n; τ)f(τ)dτ over the death time, one adaptive Gauss–Kronrod pass for every n,
//!   held in the tests against Fader & Hardie's closed form (note 028) and lifetimes. P(alive)
//!   ahead: if silent, P(alive | x, tₓ, T+t); whatever happens, PA·((β+T)/(β+T+t))^s (Pareto/NBD)
//!   and PA·₂F₁(r+x, a; a+b′; −t/(α+T)) (BG family, via Pfaff's transformation). The churn
//!   deadline bisects P(alive) of a silent customer, which never rises. DERT: Pareto/NBD by its
//!   closed form (Tricomi's U as a Laplace integral), the BG family as δ∫e^{−δτ}E[X(τ)]dτ.
//! - **Discrete-time models**: sBG (Fader & Hardie 2007) and BG/BB (Fader, Hardie & Shang 2010) are
//!   fitted by the same optimizer, restarts and Hessian as the other models; their discounted
//!   lifetimes and DERT are ₂F₁ closed forms, checked against brute-force discounted sums (1e-10) and
//!   against the published fits (`tests/vectors/discrete.json`).
//! - **Fitting** maximises the likelihood over log-parameters with L-BFGS (`argmin`), using analytic
//!   gradients (for Pareto/NBD, the series' own derivatives). Identical (x, tₓ, T) rows are merged
//!   into weights (CDNOW: 2,357 customers → 1,016 rows) and terms that depend only on x are computed
//!   once per distinct x; above 20,000 rows the sums run on all cores. Standard errors come from the
//!   Hessian at the optimum; the report gives ln L, AIC, BIC, iterations, gradient norm, the
//!   starting points tried and whether the optimizer converged. A run that does not converge is
//!   restarted (from the unpenalized optimum, lifetimes' start and the heuristic start moved both
//!   ways); when none converges the fit is a `not_converged` error, or with `accept_unconverged`
//!   the best estimate flagged `converged: false`. The optional penalizer is lifetimes'
//!   `penalizer_coef` with its semantics: c·Σθ² added to the mean negative log-likelihood, the
//!   parameters in units of time (α; Pareto/NBD's α and β) measured with time rescaled so that
//!   the largest T is 1, and for Pareto/NBD c divided by the customers (lifetimes divides that
//!   likelihood by the mean weight). The same c gives lifetimes' estimates on CDNOW (vectors).
//! - On CDNOW the fits reproduce the published values (BG/NBD ln L −9582.43, Pareto/NBD −9594.98,
//!   MBG/NBD −9582.13, gamma-gamma 6.25 / 3.74 / 15.44), and every prediction equals lifetimes 0.11.3
//!   at the same parameters within 1e-6 relative (pytest).
//! - **CLV** = Σₘ E\[spend\]·(E\[X(m·f)\] − E\[X((m−1)·f)\]) / (1 + d)ᵐ over months m = 1..M, with f the
//!   model's time units per month (30 for days, 4.345 for weeks) and d the monthly discount rate:
//!   lifetimes' monthly convention.
//! - **Time buckets** are in UTC (timezone-aware pandas/polars columns: their wall-clock time).
//!   Weeks are ISO weeks starting on Monday.
//!
//! Errors are values of [`CxError`]: each names the argument, and where one
//! row is at fault, its index and value.

#[cfg(feature = "bind")]
pub mod bind;
pub mod churn;
mod error;
#[cfg(feature = "exports")]
pub mod exports;
pub mod gaps;
pub mod options;
#[cfg(feature = "report")]
pub mod report;
pub mod retention;
pub mod scorecard;
pub mod signals;
mod stats;
pub mod survey;
pub mod time;

pub use error::{CxError, Result};
