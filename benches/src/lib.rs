//! Data generators shared by the criterion benchmarks in `benches/benches/`.

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
