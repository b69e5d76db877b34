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

/// Pareto/NBD customers whose rates vary by calendar period (Bachmann,
/// Meierer & Näf 2021): customer i, first purchase at calendar `first[i]`,
/// observed for `t[i]`; in period k (`[boundaries[k], boundaries[k+1])`)
/// its purchase rate is λᵢ·e^{γ_pᵀz} and its drop-out rate μᵢ·e^{γ_dᵀz},
/// z = `z(i, k)`. Drawn by time change: exponential waits and lifetime in
/// operational time, spent period by period. Returns the summary and the
/// repeat purchases per period (customer-major).
#[allow(clippy::too_many_arguments)]
pub fn pareto_nbd_periods(
    params: [f64; 4],
    gamma_p: &[f64],
    gamma_d: &[f64],
    boundaries: &[f64],
    first: &[f64],
    t: &[f64],
    seed: u64,
    z: impl Fn(usize, usize) -> Vec<f64>,
) -> (Simulated, Vec<f64>) {
    let [r, alpha, s, beta] = params;
    let mut rng = StdRng::seed_from_u64(seed);
    let lam = Gamma::new(r, 1.0 / alpha).expect("gamma");
    let mu = Gamma::new(s, 1.0 / beta).expect("gamma");
    let unit = Exp::new(1.0).expect("rate");
    let k = boundaries.len() - 1;
    let mut out = Simulated::default();
    let mut per_period = vec![0.0; first.len() * k];
    for i in 0..first.len() {
        let (l, m) = (lam.sample(&mut rng), mu.sample(&mut rng));
        // Remaining operational time to the next purchase and to drop-out.
        let mut next = unit.sample(&mut rng) / l;
        let mut life = unit.sample(&mut rng) / m;
        let (mut x, mut tx) = (0u32, 0.0);
        'periods: for p in 0..k {
            let lo = (boundaries[p] - first[i]).max(0.0);
            let hi = (boundaries[p + 1] - first[i]).min(t[i]);
            if hi <= lo {
                continue;
            }
            let zz = z(i, p);
            let cp = gamma_p.iter().zip(&zz).map(|(g, v)| g * v).sum::<f64>().exp();
            let cd = gamma_d.iter().zip(&zz).map(|(g, v)| g * v).sum::<f64>().exp();
            // Alive until `end` within this period.
            let end = if life < cd * (hi - lo) { lo + life / cd } else { hi };
            let mut now = lo;
            while next < cp * (end - now) {
                now += next / cp;
                x += 1;
                tx = now;
                per_period[i * k + p] += 1.0;
                next = unit.sample(&mut rng) / l;
            }
            next -= cp * (end - now);
            if end < hi {
                break 'periods;
            }
            life -= cd * (hi - lo);
        }
        out.push(x, tx, t[i]);
    }
    (out, per_period)
}
