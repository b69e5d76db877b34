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
    let mut rng = StdRng::seed_from_u64(seed);
    let lam = Gamma::new(r, 1.0 / alpha).expect("gamma");
    let drop = Beta::new(a, b).expect("beta");
    let age = Uniform::new(ages.0, ages.1).expect("ages");
    let mut out = Simulated::default();
    for _ in 0..n {
        let (l, p, t) = (lam.sample(&mut rng), drop.sample(&mut rng), age.sample(&mut rng));
        let wait = Exp::new(l).expect("rate");
        let (mut now, mut x, mut tx) = (0.0, 0u32, 0.0);
        loop {
            now += wait.sample(&mut rng);
            if now > t {
                break;
            }
            x += 1;
            tx = now;
            if Uniform::new(0.0, 1.0).expect("unit").sample(&mut rng) < p {
                break;
            }
        }
        out.push(x, tx, t);
    }
    out
}

/// `n` Pareto/NBD customers: λ ~ Gamma(r, 1/α) while alive, lifetime
/// exponential with rate μ ~ Gamma(s, 1/β) (Schmittlein, Morrison &
/// Colombo 1987).
pub fn pareto_nbd(r: f64, alpha: f64, s: f64, beta: f64, n: usize, ages: (f64, f64), seed: u64) -> Simulated {
    let mut rng = StdRng::seed_from_u64(seed);
    let lam = Gamma::new(r, 1.0 / alpha).expect("gamma");
    let mu = Gamma::new(s, 1.0 / beta).expect("gamma");
    let age = Uniform::new(ages.0, ages.1).expect("ages");
    let mut out = Simulated::default();
    for _ in 0..n {
        let (l, m, t) = (lam.sample(&mut rng), mu.sample(&mut rng), age.sample(&mut rng));
        let life = Exp::new(m).expect("rate").sample(&mut rng);
        let wait = Exp::new(l).expect("rate");
        let end = life.min(t);
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
