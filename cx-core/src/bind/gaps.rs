//! The gap measures behind [`run`](super::run): survey gaps on answer
//! matrices, promise gaps on time and key columns.

use std::borrow::Cow;

use serde_json::Value;

use super::{Args, Keys, relabel, to_json, with_groups, wrong};
use crate::error::{CxError, Result};
use crate::gaps::{
    AnswerTimeOptions, Answers, Crosshair, DeliveryOptions, Dimension, DriverOptions, Grouped, IpaOptions,
    KanoAnswer, PenaltyRewardOptions, RepeatOptions, ServqualOptions, answer_times, cronbach_alpha, delivery,
    first_contact_resolution, ipa, kano, key_drivers, penalty_reward, repeat_contacts, servqual, servqual_by,
    servqual_dimensions,
};

/// Runs the gap measure `name`.
pub(super) fn run(name: &str, a: &mut Args<'_>) -> Result<Value> {
    match name {
        "servqual" => run_servqual(a),
        "ipa" => run_ipa(a),
        "kano" => run_kano(a),
        "cronbach_alpha" => run_alpha(a),
        "delivery" => run_delivery(a),
        "answer_times" => run_answer_times(a),
        "first_contact_resolution" => run_fcr(a),
        "repeat_contacts" => run_repeats(a),
        "key_drivers" => run_drivers(a),
        "penalty_reward" => run_penalty_reward(a),
        other => Err(CxError::invalid("measure", other, super::calls().join(", "))),
    }
}

/// Item names as text.
fn names(a: &mut Args<'_>) -> Result<Option<Vec<String>>> {
    Ok(a.keys("names")?.map(|k| k.texts()))
}

fn indices(name: &str, v: &Value) -> Result<Vec<usize>> {
    v.as_array()
        .and_then(|a| {
            a.iter()
                .map(|i| i.as_u64().map(|i| i as usize))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| {
            CxError::invalid(
                "dimensions",
                format!("{name}: {v}"),
                "a list of item indices per dimension",
            )
        })
}

/// `"servqual22"`, `{name: [items]}` or `[{name, items}]`.
fn dimensions(a: &mut Args<'_>) -> Result<Vec<Dimension>> {
    match a.json("dimensions")? {
        None => Ok(Vec::new()),
        Some(Value::String(p)) if p == "servqual22" => Ok(servqual_dimensions()),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(name, items)| {
                Ok(Dimension {
                    name: name.clone(),
                    items: indices(name, items)?,
                })
            })
            .collect(),
        Some(Value::Array(l)) => l
            .iter()
            .map(|d| {
                let name = d.get("name").and_then(Value::as_str).unwrap_or_default();
                Ok(Dimension {
                    name: name.to_owned(),
                    items: indices(name, d.get("items").unwrap_or(&Value::Null))?,
                })
            })
            .collect(),
        Some(other) => Err(wrong(
            "dimensions",
            &other,
            "\"servqual22\", {name: [items]} or [{name, items}]",
        )),
    }
}

fn run_servqual(a: &mut Args<'_>) -> Result<Value> {
    let (p, k) = Args::required("perceptions", a.matrix("perceptions")?)?;
    let e = a.matrix("expectations")?;
    let dims = dimensions(a)?;
    let names = names(a)?;
    let groups = a.keys("groups")?;
    let o = ServqualOptions {
        scale: a.scale(ServqualOptions::default().scale)?,
        level: a.level()?,
        importance: a.floats("importance")?.map(Cow::into_owned),
        names,
    };
    let ea = e.as_ref().map(|(v, items)| Answers::new(v, *items));
    let pa = Answers::new(&p, k);
    let overall = to_json(&servqual(ea, pa, &dims, &o)?);
    let groups = match groups {
        None => None,
        Some(g) => Some(Value::Array(
            servqual_by(&g.codes[..], ea, pa, &dims, &o)?
                .into_iter()
                .map(|(key, r)| {
                    let mut v = to_json(&r);
                    if let Value::Object(m) = &mut v {
                        m.insert("key".into(), g.label(key));
                    }
                    v
                })
                .collect(),
        )),
    };
    Ok(with_groups(overall, groups))
}

fn run_ipa(a: &mut Args<'_>) -> Result<Value> {
    let (p, k) = Args::required("performance", a.matrix("performance")?)?;
    let imp = a.matrix("importance")?;
    let overall = a.floats("overall")?;
    let o = IpaOptions {
        scale: a.scale(IpaOptions::default().scale)?,
        crosshair: a.text("crosshair")?.map_or(Ok(Crosshair::Data), |c| c.parse())?,
        names: names(a)?,
    };
    let r = ipa(
        Answers::new(&p, k),
        imp.as_ref().map(|(v, items)| Answers::new(v, *items)),
        overall.as_deref(),
        &o,
    )?;
    Ok(to_json(&r))
}

/// Key drivers: `outcome`, `items` (respondent rows), `names`, `options`
/// ([`DriverOptions`]).
fn run_drivers(a: &mut Args<'_>) -> Result<Value> {
    let y = Args::required("outcome", a.floats("outcome")?)?;
    let (x, k) = Args::required("items", a.matrix("items")?)?;
    let mut o: DriverOptions = a.options("options")?;
    if let Some(n) = names(a)? {
        o.names = Some(n);
    }
    Ok(to_json(&key_drivers(&y, Answers::new(&x, k), &o)?))
}

/// Penalty–reward: `outcome`, `items`, `names`, `options`
/// ([`PenaltyRewardOptions`]).
fn run_penalty_reward(a: &mut Args<'_>) -> Result<Value> {
    let y = Args::required("outcome", a.floats("outcome")?)?;
    let (x, k) = Args::required("items", a.matrix("items")?)?;
    let mut o: PenaltyRewardOptions = a.options("options")?;
    if let Some(n) = names(a)? {
        o.names = Some(n);
    }
    Ok(to_json(&penalty_reward(&y, Answers::new(&x, k), &o)?))
}

/// Columns of Kano answers: a 2-D array (respondents × attributes) or one
/// column.
fn kano_columns(argument: &'static str, rows: Vec<Value>) -> Result<Vec<Vec<Option<KanoAnswer>>>> {
    let two_d = rows.first().is_some_and(Value::is_array);
    let answer = |index: usize, v: &Value| -> Result<Option<KanoAnswer>> {
        let parsed = match v {
            Value::Null => return Ok(None),
            Value::String(s) => KanoAnswer::parse(s),
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .and_then(|f| KanoAnswer::from_code(f as i64)),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| CxError::Parse {
            argument,
            index,
            value: v.to_string(),
            expected: KanoAnswer::ACCEPTED.into(),
        })
    };
    if !two_d {
        return Ok(vec![
            rows.iter()
                .enumerate()
                .map(|(i, v)| answer(i, v))
                .collect::<Result<_>>()?,
        ]);
    }
    let k = rows[0].as_array().map_or(0, Vec::len);
    let mut cols = vec![Vec::with_capacity(rows.len()); k];
    for (i, row) in rows.iter().enumerate() {
        let row = row
            .as_array()
            .filter(|r| r.len() == k)
            .ok_or_else(|| CxError::OutOfRange {
                argument,
                index: i,
                value: format!("{:.40}", row.to_string()),
                allowed: format!("a row of {k} answers"),
            })?;
        for (j, v) in row.iter().enumerate() {
            cols[j].push(answer(i, v)?);
        }
    }
    Ok(cols)
}

fn run_kano(a: &mut Args<'_>) -> Result<Value> {
    let f = kano_columns("functional", Args::required("functional", a.list("functional")?)?)?;
    let d = kano_columns(
        "dysfunctional",
        Args::required("dysfunctional", a.list("dysfunctional")?)?,
    )?;
    if f.len() != d.len() {
        return Err(CxError::Incompatible {
            argument: "dysfunctional",
            left: format!("{} attributes in `functional`", f.len()),
            right: format!("{} in `dysfunctional`", d.len()),
        });
    }
    let names = names(a)?;
    if let Some(n) = &names
        && n.len() != f.len()
    {
        return Err(CxError::LengthMismatch {
            argument: "names",
            expected: f.len(),
            actual: n.len(),
            other: "attributes",
        });
    }
    let attributes = f
        .iter()
        .zip(&d)
        .enumerate()
        .map(|(j, (f, d))| {
            let k = kano(f, d)?;
            Ok(to_json(&match &names {
                Some(n) => k.named(n[j].clone()),
                None => k,
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(serde_json::json!({ "attributes": attributes }))
}

fn run_alpha(a: &mut Args<'_>) -> Result<Value> {
    let (v, k) = Args::required("answers", a.matrix("answers")?)?;
    Ok(to_json(&cronbach_alpha(Answers::new(&v, k), a.level()?)?))
}

/// A grouped result as JSON, group keys as their labels.
fn grouped<T: serde::Serialize>(r: &Grouped<i64, T>, keys: Option<&Keys<'_>>) -> Value {
    let mut v = to_json(r);
    if let Some(k) = keys {
        relabel(v.get_mut("groups"), "key", k);
    }
    v
}

fn run_delivery(a: &mut Args<'_>) -> Result<Value> {
    let u = a.unit()?;
    let promised = Args::required("promised", a.times("promised", u)?)?;
    let delivered = Args::required("delivered", a.times_with_missing("delivered", u)?)?;
    let d = DeliveryOptions::default();
    let o = DeliveryOptions {
        grace_days: a.f64("grace_days")?.unwrap_or(d.grace_days),
        level: a.level()?,
    };
    let k = a.keys("keys")?;
    let r = delivery(&promised, &delivered, u, k.as_ref().map(|k| &k.codes[..]), &o)?;
    Ok(grouped(&r, k.as_ref()))
}

fn run_answer_times(a: &mut Args<'_>) -> Result<Value> {
    let u = a.unit()?;
    let received = Args::required("received", a.times("received", u)?)?;
    let answered = Args::required("answered", a.times_with_missing("answered", u)?)?;
    let ch = a.keys("channels")?;
    let given = a
        .list("channel_levels")?
        .unwrap_or_default()
        .iter()
        .map(|l| {
            let channel = match l.get("channel") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            };
            match (channel, l.get("seconds").and_then(Value::as_f64)) {
                (Some(c), Some(s)) => Ok((c, s)),
                _ => Err(wrong("channel_levels", l, "{channel, seconds} entries")),
            }
        })
        .collect::<Result<Vec<_>>>()?;
    // Levels of channels that are not in the data have nothing to apply to.
    let channel_levels = match &ch {
        None => Vec::new(),
        Some(k) => match &k.labels {
            Some(labels) => {
                let labels: Vec<String> = labels.iter().map(label_text).collect();
                given
                    .into_iter()
                    .filter_map(|(c, s)| labels.iter().position(|l| *l == c).map(|i| (i as i64, s)))
                    .collect()
            }
            // Integer channels: a level names its channel's number.
            None => given
                .into_iter()
                .filter_map(|(c, s)| c.parse::<i64>().ok().map(|i| (i, s)))
                .collect(),
        },
    };
    let o = AnswerTimeOptions {
        service_level_seconds: Args::required("service_level_seconds", a.f64("service_level_seconds")?)?,
        channel_levels,
        level: a.level()?,
    };
    let r = answer_times(&received, &answered, u, ch.as_ref().map(|k| &k.codes[..]), &o)?;
    Ok(grouped(&r, ch.as_ref()))
}

fn label_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn run_fcr(a: &mut Args<'_>) -> Result<Value> {
    let u = a.unit()?;
    let cases = Args::required("cases", a.keys("cases")?)?;
    let ts = Args::required("timestamps", a.times("timestamps", u)?)?;
    let resolved = Args::required("resolved", a.bools("resolved")?)?;
    let ch = a.keys("channels")?;
    let r = first_contact_resolution(
        &cases.codes,
        &ts,
        &resolved,
        ch.as_ref().map(|k| &k.codes[..]),
        a.level()?,
    )?;
    Ok(grouped(&r, ch.as_ref()))
}

fn run_repeats(a: &mut Args<'_>) -> Result<Value> {
    let u = a.unit()?;
    let customers = Args::required("customers", a.keys("customers")?)?;
    let ts = Args::required("timestamps", a.times("timestamps", u)?)?;
    let channels = Args::required("channels", a.keys("channels")?)?;
    let cases = a.keys("cases")?;
    let d = RepeatOptions::default();
    let o = RepeatOptions {
        window_days: a.f64("window_days")?.unwrap_or(d.window_days),
        same_case: a.bool("same_case")?.unwrap_or(d.same_case),
        level: a.level()?,
    };
    let r = repeat_contacts(
        &customers.codes,
        &ts,
        u,
        &channels.codes,
        cases.as_ref().map(|k| &k.codes[..]),
        &o,
    )?;
    let mut v = to_json(&r);
    relabel(v.get_mut("switches"), "from", &channels);
    relabel(v.get_mut("switches"), "to", &channels);
    Ok(v)
}
