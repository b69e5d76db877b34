//! Strengths and the words of the reasons.

use super::{Signal, SignalKind};

/// Strength of a signal: 0.5 at `at`, rising linearly to 0.9 at `full`.
pub(super) fn ramp(x: f64, at: f64, full: f64) -> f64 {
    let t = if full > at { (x - at) / (full - at) } else { 1.0 };
    0.5 + 0.4 * t.clamp(0.0, 1.0)
}

pub(super) fn signal(
    kind: SignalKind,
    strength: f64,
    reason: String,
    evidence: &[(&'static str, f64)],
) -> Signal {
    Signal {
        kind,
        strength,
        reason,
        evidence: evidence.iter().copied().collect(),
    }
}

/// `1, 2 and 3`.
pub(super) fn and_list<T: std::fmt::Display>(items: &[T]) -> String {
    let s: Vec<String> = items.iter().map(ToString::to_string).collect();
    match s.len() {
        0 => String::new(),
        1 => s[0].clone(),
        n => format!("{} and {}", s[..n - 1].join(", "), s[n - 1]),
    }
}

pub(super) fn plural(n: impl Into<f64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{} {}", n, if n == 1.0 { one } else { many })
}
