//! The survey scores behind [`run`](super::run): `nps`, `csat`, `ces` and
//! `smiley` of a column of answers (`scores`) with optional `weights` and
//! `options`. Answers keep their type: bytes (the compact storage of
//! survey answers) and integers are counted as they are, numbers with `NaN`
//! for no answer.

use serde_json::Value;

use super::{Args, Column, to_json};
use crate::error::{CxError, Result};
use crate::survey::{CesOptions, CsatOptions, Distribution, NpsOptions, Scale, Score, SmileyOptions};

/// The survey measures [`run`](super::run) knows.
pub(super) const MEASURES: [&str; 4] = ["nps", "csat", "ces", "smiley"];

/// Counts the answers of `column` on `scale`.
fn counted(column: Column<'_>, scale: Scale, weights: Option<&[f64]>) -> Result<Distribution> {
    fn of<T: Score>(s: &[T], scale: Scale, w: Option<&[f64]>) -> Result<Distribution> {
        Distribution::from_scores(scale, s, w)
    }
    match column {
        Column::Bytes(v) => of(&v, scale, weights),
        Column::Ints(v) => of(&v, scale, weights),
        Column::Floats(v) => of(&v, scale, weights),
        other => {
            let mut a = Args::new();
            a.insert("scores", other);
            let v = Args::required("scores", a.floats("scores")?)?;
            of(&v, scale, weights)
        }
    }
}

pub(super) fn run(name: &str, a: &mut Args<'_>) -> Result<Value> {
    let scores = a
        .take("scores")
        .ok_or_else(|| CxError::invalid("scores", "nothing", "a value (this argument is required)"))?;
    let weights = a.floats("weights")?;
    let w = weights.as_deref();
    Ok(match name {
        "nps" => {
            let o: NpsOptions = a.options("options")?;
            match (scores, w) {
                // Bytes without weights: the NPS classes counted directly.
                (Column::Bytes(v), None) => to_json(&crate::survey::nps(&v, &o)?),
                (scores, w) => to_json(&counted(scores, Scale::NPS, w)?.nps(&o)?),
            }
        }
        "csat" => {
            let o: CsatOptions = a.options("options")?;
            to_json(&counted(scores, o.scale, w)?.csat(&o)?)
        }
        "ces" => {
            let o: CesOptions = a.options("options")?;
            to_json(&counted(scores, o.resolved_scale(), w)?.ces(&o)?)
        }
        "smiley" => {
            let o: SmileyOptions = a.options("options")?;
            to_json(&counted(scores, Scale::SMILEY, w)?.smiley(&o)?)
        }
        other => return Err(CxError::invalid("measure", other, super::calls().join(", "))),
    })
}
