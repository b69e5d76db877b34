//! Kano categories (Kano et al. 1984; evaluation table and the
//! better/worse coefficients of Berger et al. 1993, "Kano's methods for
//! understanding customer-defined quality", Center for Quality Management
//! Journal 2(4)).

use serde::{Deserialize, Serialize};

use crate::error::{CxError, Result};

/// An answer to a functional ("if the product has …") or dysfunctional
/// ("if it does not have …") question, coded 1–5 in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KanoAnswer {
    /// 1: I like it that way.
    Like = 1,
    /// 2: It must be that way.
    MustBe = 2,
    /// 3: I am neutral.
    Neutral = 3,
    /// 4: I can live with it that way.
    LiveWith = 4,
    /// 5: I dislike it that way.
    Dislike = 5,
}

impl KanoAnswer {
    const ALL: [KanoAnswer; 5] = [
        KanoAnswer::Like,
        KanoAnswer::MustBe,
        KanoAnswer::Neutral,
        KanoAnswer::LiveWith,
        KanoAnswer::Dislike,
    ];

    /// The answer of code 1–5.
    pub fn from_code(code: i64) -> Option<KanoAnswer> {
        usize::try_from(code - 1)
            .ok()
            .and_then(|i| Self::ALL.get(i).copied())
    }

    /// The answer of a label: `like`, `must-be` (or `must be`, `expect`),
    /// `neutral`, `live-with` (or `live with`, `tolerate`), `dislike`
    /// (any case, `_` for `-`), or a code `1`–`5`.
    pub fn parse(text: &str) -> Option<KanoAnswer> {
        let t = text.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        match t.as_str() {
            "like" | "1" => Some(KanoAnswer::Like),
            "must-be" | "mustbe" | "expect" | "2" => Some(KanoAnswer::MustBe),
            "neutral" | "3" => Some(KanoAnswer::Neutral),
            "live-with" | "livewith" | "tolerate" | "4" => Some(KanoAnswer::LiveWith),
            "dislike" | "5" => Some(KanoAnswer::Dislike),
            _ => None,
        }
    }

    /// The labels [`parse`](Self::parse) accepts, for error messages.
    pub const ACCEPTED: &'static str = "like, must-be, neutral, live-with, dislike or 1-5";
}

/// A Kano category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KanoCategory {
    /// Attractive: delights when present, not missed when absent.
    A,
    /// One-dimensional: the more the better.
    O,
    /// Must-be: expected; its absence dissatisfies.
    M,
    /// Indifferent.
    I,
    /// Reverse: the respondent prefers it absent.
    R,
    /// Questionable: contradictory answers.
    Q,
}

/// The category of one answer pair by the Kano evaluation table (rows:
/// functional answer, columns: dysfunctional answer).
pub fn kano_category(functional: KanoAnswer, dysfunctional: KanoAnswer) -> KanoCategory {
    use KanoAnswer::*;
    use KanoCategory as C;
    match (functional, dysfunctional) {
        (Like, Like) | (Dislike, Dislike) => C::Q,
        (Like, Dislike) => C::O,
        (Like, _) => C::A,
        (Dislike, _) => C::R,
        (_, Like) => C::R,
        (_, Dislike) => C::M,
        _ => C::I,
    }
}

/// The categories of one attribute over its respondents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kano {
    /// The attribute's name, when names were given (see
    /// [`Kano::named`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Count per category.
    pub a: u64,
    /// One-dimensional.
    pub o: u64,
    /// Must-be.
    pub m: u64,
    /// Indifferent.
    pub i: u64,
    /// Reverse.
    pub r: u64,
    /// Questionable.
    pub q: u64,
    /// Answer pairs used.
    pub n: u64,
    /// Pairs left out because an answer was missing.
    pub missing: u64,
    /// The most frequent category; ties broken M > O > A > I > R > Q (the
    /// must-be first: failing it costs most).
    pub category: KanoCategory,
    /// Better (satisfaction) coefficient (A+O)/(A+O+M+I); `None` when
    /// A+O+M+I = 0.
    pub better: Option<f64>,
    /// Worse (dissatisfaction) coefficient −(O+M)/(A+O+M+I); `None` when
    /// A+O+M+I = 0.
    pub worse: Option<f64>,
}

/// Kano categories of one attribute from its functional and dysfunctional
/// answers (one pair per respondent; `None` for no answer).
///
/// # Errors
/// [`CxError::LengthMismatch`] when the two columns differ in length;
/// [`CxError::Empty`] when no respondent answered both questions.
///
/// # Examples
/// ```
/// use cx::gaps::{kano, KanoAnswer::*, KanoCategory};
/// let f = [Some(Like), Some(Like), Some(Neutral), None];
/// let d = [Some(Neutral), Some(Dislike), Some(Dislike), Some(Like)];
/// let k = kano(&f, &d)?;
/// assert_eq!((k.a, k.o, k.m, k.missing), (1, 1, 1, 1));
/// assert_eq!(k.category, KanoCategory::M); // a three-way tie goes to must-be
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn kano(functional: &[Option<KanoAnswer>], dysfunctional: &[Option<KanoAnswer>]) -> Result<Kano> {
    if functional.len() != dysfunctional.len() {
        return Err(CxError::LengthMismatch {
            argument: "dysfunctional",
            expected: functional.len(),
            actual: dysfunctional.len(),
            other: "functional",
        });
    }
    let mut c = [0u64; 6];
    let mut missing = 0;
    for (f, d) in functional.iter().zip(dysfunctional) {
        match (f, d) {
            (Some(f), Some(d)) => c[kano_category(*f, *d) as usize] += 1,
            _ => missing += 1,
        }
    }
    let n: u64 = c.iter().sum();
    if n == 0 {
        return Err(CxError::Empty {
            argument: "functional",
        });
    }
    use KanoCategory as C;
    let count = |k: C| c[k as usize];
    let category = [C::M, C::O, C::A, C::I, C::R, C::Q]
        .into_iter()
        .fold(C::M, |best, k| if count(k) > count(best) { k } else { best });
    let base = count(C::A) + count(C::O) + count(C::M) + count(C::I);
    let share = |x: u64| (base > 0).then(|| x as f64 / base as f64);
    Ok(Kano {
        name: None,
        a: count(C::A),
        o: count(C::O),
        m: count(C::M),
        i: count(C::I),
        r: count(C::R),
        q: count(C::Q),
        n,
        missing,
        category,
        better: share(count(C::A) + count(C::O)),
        worse: share(count(C::O) + count(C::M)).map(|w| if w == 0.0 { 0.0 } else { -w }),
    })
}

impl Kano {
    /// The result with the attribute's name.
    pub fn named(self, name: impl Into<String>) -> Kano {
        Kano {
            name: Some(name.into()),
            ..self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cell of the Kano evaluation table (Berger et al. 1993, Center for Quality Management Journal 2(4)).
    #[test]
    fn evaluation_table() {
        let table = ["QAAAO", "RIIIM", "RIIIM", "RIIIM", "RRRRQ"];
        for (fi, row) in table.iter().enumerate() {
            for (di, want) in row.chars().enumerate() {
                let f = KanoAnswer::from_code(fi as i64 + 1).expect("code");
                let d = KanoAnswer::from_code(di as i64 + 1).expect("code");
                assert_eq!(
                    format!("{:?}", kano_category(f, d)),
                    want.to_string(),
                    "{f:?} {d:?}"
                );
            }
        }
    }
}
