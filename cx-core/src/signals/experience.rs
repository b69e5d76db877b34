//! The rules on the customer's experience: detractor answers and score
//! drops, open and repeated contacts, late deliveries.

use std::collections::HashSet;
use std::hash::Hash;

use super::build::{Builder, Due};
use super::wording::{and_list, plural, ramp, signal};
use super::{Contacts, Deliveries, Feedback, SignalKind, SignalOptions, TableRows};
use crate::error::{CxError, Result};
use crate::time::TimeUnit;
use foldhash::fast::RandomState;

impl<K: Hash + Eq + Ord + Clone> Builder<K> {
    pub(super) fn feedback(
        &mut self,
        f: &Feedback<'_, K>,
        unit: TimeUnit,
        options: &SignalOptions,
    ) -> Result<()> {
        let mut rows = TableRows {
            rows: f.customers.len(),
            ..TableRows::default()
        };
        // (customer, time, score) of the answers up to as_of, grouped by a sort.
        let mut answers: Vec<(usize, i64, f64)> = Vec::with_capacity(f.customers.len());
        for (i, (&t, &s)) in f.timestamps.iter().zip(f.scores).enumerate() {
            if s.is_nan() {
                // A row after as_of is not known then, answered or not.
                if unit.day_of(t) > self.as_of {
                    rows.after_as_of += 1;
                } else {
                    rows.missing += 1;
                    self.id(&f.customers[i]);
                }
                continue;
            }
            if !(0.0..=10.0).contains(&s) || s.fract() != 0.0 {
                return Err(CxError::OutOfRange {
                    argument: "feedback.scores",
                    index: i,
                    value: s.to_string(),
                    allowed: "whole numbers 0..=10 (NaN for no answer)".into(),
                });
            }
            if unit.day_of(t) > self.as_of {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            answers.push((self.id(&f.customers[i]), t, s));
        }
        self.tables.insert("feedback", rows);
        // Answers given at the same time: the lower score counts as the
        // later one, so that the result does not depend on row order.
        answers.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)).then(b.2.total_cmp(&a.2)));
        for group in answers.chunk_by(|a, b| a.0 == b.0) {
            let id = group[0].0;
            let last = group[group.len() - 1].2;
            let earlier: Vec<f64> = group[..group.len() - 1].iter().map(|a| a.2).collect();
            let out = &mut self.customers[id].signals;
            if last <= options.detractor_max {
                let s = ramp(options.detractor_max - last, 0.0, options.detractor_max);
                out.push(signal(
                    SignalKind::Detractor,
                    s,
                    format!("last NPS answer {last} (detractor)"),
                    &[("score", last)],
                ));
            }
            if !earlier.is_empty() {
                let mean = earlier.iter().sum::<f64>() / earlier.len() as f64;
                let drop = mean - last;
                if drop >= options.score_drop {
                    let s = ramp(drop, options.score_drop, 2.0 * options.score_drop);
                    let reason = if earlier.len() <= 3 {
                        format!("last NPS answer {last} after {}", and_list(&earlier))
                    } else {
                        format!(
                            "last NPS answer {last} after an average of {mean:.1} over {} answers",
                            earlier.len()
                        )
                    };
                    out.push(signal(
                        SignalKind::ScoreDrop,
                        s,
                        reason,
                        &[
                            ("score", last),
                            ("earlier_mean", mean),
                            ("earlier_answers", earlier.len() as f64),
                        ],
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn contacts(
        &mut self,
        c: &Contacts<'_, K>,
        unit: TimeUnit,
        options: &SignalOptions,
    ) -> Result<()> {
        let mut rows = TableRows {
            rows: c.customers.len(),
            ..TableRows::default()
        };
        let per_day = unit.per_day() as f64;
        let as_of_end = (self.as_of + 1) as f64 * per_day;
        let window_start = as_of_end - options.contact_window_days * per_day;
        // (customer, age in days, row) of open contacts and (customer, row)
        // of the contacts in the window, grouped by a sort.
        let mut open: Vec<(usize, f64, usize)> = Vec::new();
        let mut recent: Vec<(usize, usize)> = Vec::new();
        // Cases resolved by as_of (by any of their contacts).
        let closed: HashSet<&str, RandomState> = match c.cases {
            Some(cases) => c
                .resolved
                .iter()
                .zip(cases)
                .filter(|(r, _)| r.is_some_and(|d| unit.day_of(d) <= self.as_of))
                .map(|(_, k)| k.as_str())
                .collect(),
            None => HashSet::default(),
        };
        let channel = |i: usize| c.channels.map(|ch| ch[i].as_str());
        crate::gaps::check_after_received("contacts.resolved", c.received, c.resolved)?;
        for (i, (&received, &resolved)) in c.received.iter().zip(c.resolved).enumerate() {
            if unit.day_of(received) > self.as_of {
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let id = self.id(&c.customers[i]);
            let case_closed = c.cases.is_some_and(|cs| closed.contains(cs[i].as_str()));
            if !case_closed && resolved.is_none_or(|d| unit.day_of(d) > self.as_of) {
                open.push((id, (self.as_of - unit.day_of(received)) as f64, i));
            }
            if received as f64 >= window_start {
                recent.push((id, i));
            }
        }
        self.tables.insert("contacts", rows);
        // The oldest open contact first; among equally old ones the first
        // channel by name, so that row order does not matter.
        open.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total_cmp(&a.1))
                .then(channel(a.2).cmp(&channel(b.2)))
        });
        for group in open.chunk_by(|a, b| a.0 == b.0) {
            let (id, age, i) = group[0];
            if age >= options.open_contact_days {
                let s = ramp(
                    age,
                    options.open_contact_days,
                    4.0 * options.open_contact_days.max(1.0),
                );
                let mut reason = format!("contact open for {}", plural(age, "day", "days"));
                if let Some(ch) = channel(i) {
                    reason.push_str(&format!(" ({ch})"));
                }
                self.customers[id].signals.push(signal(
                    SignalKind::OpenContact,
                    s,
                    reason,
                    &[("days_open", age)],
                ));
            }
        }
        recent.sort_unstable();
        for group in recent.chunk_by(|a, b| a.0 == b.0) {
            let n = group.len() as u32;
            if n >= options.repeat_contacts {
                let mut chans: Vec<&str> = group.iter().filter_map(|&(_, i)| channel(i)).collect();
                chans.sort_unstable();
                chans.dedup();
                let s = ramp(
                    n.into(),
                    options.repeat_contacts.into(),
                    (2 * options.repeat_contacts).into(),
                );
                let mut reason = format!("{n} contacts in {} days", options.contact_window_days);
                if !chans.is_empty() {
                    reason.push_str(&format!(
                        " on {} ({})",
                        plural(chans.len() as f64, "channel", "channels"),
                        chans.join(", ")
                    ));
                }
                self.customers[group[0].0].signals.push(signal(
                    SignalKind::RepeatContacts,
                    s,
                    reason,
                    &[("contacts", n.into()), ("channels", chans.len() as f64)],
                ));
            }
        }
        Ok(())
    }

    pub(super) fn deliveries(
        &mut self,
        d: &Deliveries<'_, K>,
        unit: TimeUnit,
        options: &SignalOptions,
    ) -> Result<()> {
        let mut rows = TableRows {
            rows: d.customers.len(),
            ..TableRows::default()
        };
        let grace = options.late_grace_days;
        let mut due: Vec<Due> = Vec::with_capacity(d.customers.len());
        for (i, (&promised, &delivered)) in d.promised.iter().zip(d.delivered).enumerate() {
            let day = unit.day_of(promised);
            if day > self.as_of {
                // Not due yet: cannot be late.
                rows.after_as_of += 1;
                continue;
            }
            rows.used += 1;
            let arrived = delivered.filter(|&t| unit.day_of(t) <= self.as_of);
            let (late_by, pending) = match arrived {
                Some(t) => (crate::gaps::days_late(unit, promised, t) as f64, false),
                None => ((self.as_of - day) as f64, true),
            };
            let late = (late_by > grace).then_some(late_by);
            due.push((self.id(&d.customers[i]), promised, late, pending));
        }
        self.tables.insert("deliveries", rows);
        // Same promised time: order by lateness, so that row order does not matter.
        due.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.cmp(&b.1))
                .then(
                    a.2.unwrap_or(f64::NEG_INFINITY)
                        .total_cmp(&b.2.unwrap_or(f64::NEG_INFINITY)),
                )
                .then(a.3.cmp(&b.3))
        });
        for group in due.chunk_by(|a, b| a.0 == b.0) {
            let last = &group[group.len().saturating_sub(options.late_last as usize)..];
            let late: Vec<f64> = last.iter().filter_map(|x| x.2).collect();
            if late.len() as u32 >= options.late_min {
                let pending = last.iter().filter(|x| x.2.is_some() && x.3).count();
                let s = ramp(
                    late.len() as f64,
                    options.late_min.into(),
                    last.len().max(1) as f64,
                );
                let mut reason = format!(
                    "{} of the last {} deliveries late (by {} days)",
                    late.len(),
                    last.len(),
                    and_list(&late)
                );
                if pending > 0 {
                    reason.push_str(&format!(", {pending} still not delivered"));
                }
                self.customers[group[0].0].signals.push(signal(
                    SignalKind::LateDeliveries,
                    s,
                    reason,
                    &[
                        ("late", late.len() as f64),
                        ("of", last.len() as f64),
                        ("max_days_late", late.iter().fold(0.0, |a: f64, &b| a.max(b))),
                        ("pending", pending as f64),
                    ],
                ));
            }
        }
        Ok(())
    }
}
