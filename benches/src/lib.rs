//! Data generators shared by the criterion benchmarks in `benches/benches/`.

/// A small deterministic generator (xorshift), so that the inputs are the
/// same on every run.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `n` pseudo-random answers on 0–10 (a fixed-seed xorshift, so every run
/// and every language sees the same data).
pub fn nps_answers(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 11) as u8
        })
        .collect()
}

/// Columns of a generated order table.
pub struct Orders {
    /// Customer of each row.
    pub customers: Vec<u64>,
    /// Day of each row (counted from 1970-01-01).
    pub days: Vec<i64>,
    /// Amount of each row.
    pub amounts: Vec<f64>,
}

/// `n` order rows of `n / 10` customers over two years, in random order
/// (fixed-seed xorshift).
pub fn orders(n: usize, seed: u64) -> Orders {
    let customers = (n / 10).max(1) as u64;
    let mut x = seed.max(1);
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut o = Orders {
        customers: Vec::with_capacity(n),
        days: Vec::with_capacity(n),
        amounts: Vec::with_capacity(n),
    };
    for _ in 0..n {
        o.customers.push(next() % customers);
        o.days.push(19_000 + (next() % 730) as i64);
        o.amounts.push((next() % 20_000) as f64 / 100.0);
    }
    o
}
