//! Key columns: codes with labels, or integers that are their own codes.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::wrong;
use crate::error::{CxError, Result};

/// A key column as codes into `labels` (`-1` = missing), or integer keys
/// that are their own codes (`labels` is `None`): what a binding sends for
/// keys it has factorized or for integer ids, and what [`Args::keys`](super::Args::keys) makes
/// of JSON keys. Codes in label order give groups in label order.
#[derive(Debug, Clone, PartialEq)]
pub struct Keys<'a> {
    /// One code per row.
    pub codes: Cow<'a, [i64]>,
    /// The label of each code; `None`: each code is the key itself.
    pub labels: Option<Vec<Value>>,
}

/// A key's text.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> Keys<'a> {
    /// Codes into `labels`.
    pub fn new(codes: Cow<'a, [i64]>, labels: Vec<Value>) -> Self {
        Keys {
            codes,
            labels: Some(labels),
        }
    }

    /// Integer keys, each its own code.
    pub fn integers(codes: Cow<'a, [i64]>) -> Self {
        Keys { codes, labels: None }
    }

    /// Keys from JSON values: integers stay integers (their own codes);
    /// otherwise strings, numbers and booleans are read as text, labels in
    /// text order. `null` is a missing-value error.
    pub(super) fn from_values(argument: &'static str, values: Vec<Value>) -> Result<Keys<'static>> {
        if let Some(index) = values.iter().position(Value::is_null) {
            return Err(CxError::Missing { argument, index });
        }
        if let Some(ints) = values.iter().map(Value::as_i64).collect::<Option<Vec<i64>>>() {
            return Ok(Keys::integers(Cow::Owned(ints)));
        }
        let mut texts = Vec::with_capacity(values.len());
        for k in values {
            texts.push(match k {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => return Err(wrong(argument, &other, "strings or numbers")),
            });
        }
        let mut labels: Vec<&str> = texts.iter().map(String::as_str).collect();
        labels.sort_unstable();
        labels.dedup();
        let index: HashMap<&str, i64> = labels.iter().enumerate().map(|(i, l)| (*l, i as i64)).collect();
        let codes = texts.iter().map(|t| index[t.as_str()]).collect();
        Ok(Keys::new(
            Cow::Owned(codes),
            labels.into_iter().map(|l| Value::String(l.to_owned())).collect(),
        ))
    }

    /// Checks that every code names a label.
    pub(super) fn check(&self, argument: &'static str) -> Result<()> {
        let Some(labels) = &self.labels else {
            return Ok(());
        };
        if let Some(index) = self.codes.iter().position(|&c| c < 0) {
            return Err(CxError::Missing { argument, index });
        }
        let n = labels.len() as i64;
        match self.codes.iter().position(|&c| c >= n) {
            None => Ok(()),
            Some(index) => Err(CxError::OutOfRange {
                argument,
                index,
                value: self.codes[index].to_string(),
                allowed: format!("a code below {n} (the number of labels)"),
            }),
        }
    }

    /// The label of `code` (`null` for a code without one).
    pub fn label(&self, code: i64) -> Value {
        match &self.labels {
            None => Value::from(code),
            Some(l) => usize::try_from(code)
                .ok()
                .and_then(|c| l.get(c))
                .cloned()
                .unwrap_or(Value::Null),
        }
    }

    /// The label of `code` as text (`null` for a code without one).
    pub fn label_text(&self, code: i64) -> String {
        text(&self.label(code))
    }

    /// Each row's key as text.
    pub(super) fn texts(&self) -> Vec<String> {
        match &self.labels {
            None => self.codes.iter().map(i64::to_string).collect(),
            Some(labels) => {
                let t: Vec<String> = labels.iter().map(text).collect();
                self.codes.iter().map(|&c| t[c as usize].clone()).collect()
            }
        }
    }

    /// Puts several key columns into one code space, unless they share it
    /// already (all integers, or the same labels); mixed columns become
    /// text labels in text order.
    pub(super) fn unify(columns: &mut [&mut Keys<'_>]) {
        if columns.windows(2).all(|w| w[0].labels == w[1].labels) {
            return;
        }
        let label_texts = |k: &Keys<'_>| -> Vec<String> {
            match &k.labels {
                Some(l) => l.iter().map(text).collect(),
                None => {
                    let mut v: Vec<i64> = k.codes.to_vec();
                    v.sort_unstable();
                    v.dedup();
                    v.iter().map(i64::to_string).collect()
                }
            }
        };
        let per: Vec<Vec<String>> = columns.iter().map(|k| label_texts(k)).collect();
        let mut all: Vec<String> = per.iter().flatten().cloned().collect();
        all.sort_unstable();
        all.dedup();
        let index: HashMap<&str, i64> = all
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_str(), i as i64))
            .collect();
        for (k, texts) in columns.iter_mut().zip(&per) {
            let codes: Vec<i64> = match &k.labels {
                Some(_) => {
                    let map: Vec<i64> = texts.iter().map(|t| index[t.as_str()]).collect();
                    k.codes.iter().map(|&c| map[c as usize]).collect()
                }
                None => k.codes.iter().map(|c| index[c.to_string().as_str()]).collect(),
            };
            k.codes = Cow::Owned(codes);
        }
        let labels: Vec<Value> = all.into_iter().map(Value::String).collect();
        for k in columns.iter_mut() {
            k.labels = Some(labels.clone());
        }
    }
}
