//! Seeded simulators of the buy-till-you-die processes, for parameter
//! recovery tests: customers drawn from known parameters, then fitted.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Beta, Distribution, Exp, Gamma, Uniform};

/// Simulated (x, t_x, T) columns.
#[derive(Default)]
pub struct Simulated {
    /// Repeat purchases.
    pub x: Vec<f64>,
    /// Time of the last purchase.
    pub t_x: Vec<f64>,
    /// Age at the end of observation.
    pub t: Vec<f64>,
}

impl Simulated {
    fn push(&mut self, x: u32, tx: f64, t: f64) {
        self.x.push(f64::from(x));
        self.t_x.push(tx);
        self.t.push(t);
    }
}

/// `n` BG/NBD customers with ages uniform in `ages`: λ ~ Gamma(r, 1/α),
/// p ~ Beta(a, b); after each repeat purchase the customer leaves with
/// probability p (Fader, Hardie & Lee 2005, section 2).
pub fn bg_nbd(r: f64, alpha: f64, a: f64, b: f64, n: usize, ages: (f64, f64), seed: u64) -> Simulated {
    bg_nbd_with(n, ages, seed, false, |_| [r, alpha, a, b])
}

/// `n` Pareto/NBD customers: λ ~ Gamma(r, 1/α) while alive, lifetime
/// exponential with rate μ ~ Gamma(s, 1/β) (Schmittlein, Morrison &
/// Colombo 1987).
pub fn pareto_nbd(r: f64, alpha: f64, s: f64, beta: f64, n: usize, ages: (f64, f64), seed: u64) -> Simulated {
    pareto_nbd_with(n, ages, seed, |_| [r, alpha, s, beta])
}

/// `n` Pareto/NBD customers where customer i has its own parameters
/// `params(i)` = (r, αᵢ, s, βᵢ) — the covariate models of
/// `../shared/REFERENCES.md` §7 — with ages uniform in `ages`.
pub fn pareto_nbd_with(
    n: usize,
    ages: (f64, f64),
    seed: u64,
    params: impl Fn(usize) -> [f64; 4],
) -> Simulated {
    let mut rng = StdRng::seed_from_u64(seed);
    let age = Uniform::new(ages.0, ages.1).expect("ages");
    let mut out = Simulated::default();
    for i in 0..n {
        let [r, alpha, s, beta] = params(i);
        let l = Gamma::new(r, 1.0 / alpha).expect("gamma").sample(&mut rng);
        let m = Gamma::new(s, 1.0 / beta).expect("gamma").sample(&mut rng);
        let t = age.sample(&mut rng);
        let end = Exp::new(m).expect("rate").sample(&mut rng).min(t);
        let wait = Exp::new(l).expect("rate");
        let (mut now, mut x, mut tx) = (0.0, 0u32, 0.0);
        loop {
            now += wait.sample(&mut rng);
            if now > end {
                break;
            }
            x += 1;
            tx = now;
        }
        out.push(x, tx, t);
    }
    out
}

/// `n` BG/NBD customers (MBG/NBD when `modified`: the customer may also
/// leave right after the first purchase, Batislam et al. 2007) where
/// customer i has its own parameters `params(i)` = (r, αᵢ, aᵢ, bᵢ).
pub fn bg_nbd_with(
    n: usize,
    ages: (f64, f64),
    seed: u64,
    modified: bool,
    params: impl Fn(usize) -> [f64; 4],
) -> Simulated {
    let mut rng = StdRng::seed_from_u64(seed);
    let age = Uniform::new(ages.0, ages.1).expect("ages");
    let unit = Uniform::new(0.0, 1.0).expect("unit");
    let mut out = Simulated::default();
    for i in 0..n {
        let [r, alpha, a, b] = params(i);
        let l = Gamma::new(r, 1.0 / alpha).expect("gamma").sample(&mut rng);
        let p = Beta::new(a, b).expect("beta").sample(&mut rng);
        let t = age.sample(&mut rng);
        let wait = Exp::new(l).expect("rate");
        let (mut now, mut x, mut tx) = (0.0, 0u32, 0.0);
        let mut alive = !(modified && unit.sample(&mut rng) < p);
        while alive {
            now += wait.sample(&mut rng);
            if now > t {
                break;
            }
            x += 1;
            tx = now;
            alive = unit.sample(&mut rng) >= p;
        }
        out.push(x, tx, t);
    }
    out
}
