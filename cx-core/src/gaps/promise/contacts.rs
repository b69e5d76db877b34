//! Promise gaps of support contacts: answer times against service levels,
//! first-contact resolution and customers contacting again.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use super::{Distribution, Grouped, Keyed, split};
use crate::error::{CxError, Result};
use crate::stats;
use crate::survey::Proportion;
use crate::time::TimeUnit;

/// Answer times of one channel (or of all contacts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerTimes {
    /// Contacts received.
    pub contacts: u64,
    /// Contacts answered.
    pub answered: u64,
    /// Contacts not answered (yet): counted, not in the shares.
    pub unanswered: u64,
    /// The service level applied, in seconds (`None` for the overall
    /// result when channels have different levels).
    pub service_level_seconds: Option<f64>,
    /// Share of answered contacts answered within their level (Wilson).
    pub within_level: Option<Proportion>,
    /// Answer times in seconds.
    pub seconds: Option<Distribution>,
}

/// The rows of a contact table whose `later` time (answered, resolved)
/// lies before the contact was received: impossible rows, which every
/// reader of contacts rejects ([`answer_times`], the signals, `cx report`).
pub fn before_received<'a>(
    received: &'a [i64],
    later: &'a [Option<i64>],
) -> impl Iterator<Item = usize> + 'a {
    received
        .iter()
        .zip(later)
        .enumerate()
        .filter(|(_, (r, l))| l.is_some_and(|l| l < **r))
        .map(|(i, _)| i)
}

/// Fails on the first row of [`before_received`], naming `argument`, the
/// row and the time.
///
/// # Errors
/// [`CxError::OutOfRange`].
///
/// # Examples
/// ```
/// use cx::gaps::check_after_received;
/// let e = check_after_received("resolved", &[10, 10], &[Some(12), Some(9)]).unwrap_err();
/// assert_eq!((e.argument(), e.index()), ("resolved", Some(1)));
/// ```
pub fn check_after_received(argument: &'static str, received: &[i64], later: &[Option<i64>]) -> Result<()> {
    match before_received(received, later).next() {
        None => Ok(()),
        Some(index) => Err(CxError::OutOfRange {
            argument,
            index,
            value: later[index].unwrap_or_default().to_string(),
            allowed: format!(
                "a time on or after the contact was received ({})",
                received[index]
            ),
        }),
    }
}

/// Options of [`answer_times`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnswerTimeOptions<K> {
    /// The service level in seconds: a contact answered within it counts
    /// as answered in time.
    pub service_level_seconds: f64,
    /// Levels of their own for some channels (channel, seconds).
    pub channel_levels: Vec<(K, f64)>,
    /// Confidence level of the shares' intervals; 0.95 by default.
    pub level: f64,
}

impl<K> Default for AnswerTimeOptions<K> {
    fn default() -> Self {
        AnswerTimeOptions {
            service_level_seconds: 86_400.0,
            channel_levels: Vec::new(),
            level: 0.95,
        }
    }
}

/// Answer times against service levels: `received` and `answered`
/// timestamps per contact in `unit` (`None` = unanswered), a default level
/// in seconds and per-channel levels (by key of `channels`). Returns the
/// overall result and, with `channels`, one per channel.
///
/// # Errors
/// [`CxError::Empty`]; [`CxError::LengthMismatch`]; [`CxError::OutOfRange`]
/// for a contact answered before it was received (row and value);
/// [`CxError::InvalidParameter`] for a negative or non-finite level.
///
/// # Examples
/// ```
/// use cx::gaps::{answer_times, AnswerTimeOptions};
/// use cx::time::TimeUnit;
/// let received = [0, 0, 0];
/// let answered = [Some(30), Some(7200), None];        // seconds
/// let channels = ["chat", "email", "chat"];
/// // e-mail: a day; others: 60 s
/// let o = AnswerTimeOptions { service_level_seconds: 60.0, channel_levels: vec![("email", 86_400.0)], level: 0.95 };
/// let r = answer_times(&received, &answered, TimeUnit::Seconds, Some(&channels), &o)?;
/// assert_eq!((r.overall.answered, r.overall.unanswered), (2, 1));
/// assert_eq!(r.overall.within_level.unwrap().successes, 2);
/// assert_eq!(r.groups.unwrap()[0].key, "chat");
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn answer_times<K: Ord + Clone + Hash>(
    received: &[i64],
    answered: &[Option<i64>],
    unit: TimeUnit,
    channels: Option<&[K]>,
    options: &AnswerTimeOptions<K>,
) -> Result<Grouped<K, AnswerTimes>> {
    let service_level_seconds = options.service_level_seconds;
    let channel_levels = &options.channel_levels;
    let level = options.level;
    let level = stats::check_level(level)?;
    let n = received.len();
    if n == 0 {
        return Err(CxError::Empty { argument: "received" });
    }
    CxError::check_len("answered", answered.len(), "received", n)?;
    let check_level_value = |v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(CxError::invalid("service_level", v, "seconds >= 0"))
        }
    };
    check_level_value(service_level_seconds)?;
    let mut levels: HashMap<&K, f64> = HashMap::new();
    for (k, v) in channel_levels {
        levels.insert(k, check_level_value(*v)?);
    }
    if let Some(c) = channels {
        CxError::check_len("channels", c.len(), "received", n)?;
    }
    check_after_received("answered", received, answered)?;
    let per_second = unit.per_day() as f64 / 86_400.0;
    let mut secs = vec![f64::NAN; n];
    for i in 0..n {
        if let Some(a) = answered[i] {
            secs[i] = (a - received[i]) as f64 / per_second;
        }
    }
    let level_of = |i: usize| {
        channels
            .and_then(|c| levels.get(&c[i]).copied())
            .unwrap_or(service_level_seconds)
    };
    let one = |rows: &[usize]| -> AnswerTimes {
        let times: Vec<f64> = rows.iter().map(|&i| secs[i]).filter(|s| !s.is_nan()).collect();
        let within = rows
            .iter()
            .filter(|&&i| !secs[i].is_nan() && secs[i] <= level_of(i))
            .count() as u64;
        let first = rows.first().map(|&i| level_of(i));
        let same = rows.iter().all(|&i| Some(level_of(i)) == first);
        let answered = times.len() as u64;
        AnswerTimes {
            contacts: rows.len() as u64,
            answered,
            unanswered: rows.len() as u64 - answered,
            service_level_seconds: if same { first } else { None },
            within_level: (answered > 0).then(|| Proportion::from_counts(within, answered, level)),
            seconds: Distribution::of(times),
        }
    };
    let all: Vec<usize> = (0..n).collect();
    let groups = channels.map(|c| {
        split(c)
            .into_iter()
            .map(|(key, rows)| Keyed {
                key: key.clone(),
                result: one(&rows),
            })
            .collect()
    });
    Ok(Grouped {
        overall: one(&all),
        groups,
    })
}

/// First-contact resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FcrResult {
    /// Cases (distinct case ids).
    pub cases: u64,
    /// Contacts in those cases.
    pub contacts: u64,
    /// Share of cases resolved at the first contact (Wilson).
    pub resolved_first: Proportion,
}

/// First-contact resolution from contacts grouped into cases: a case counts
/// as resolved at the first contact when its earliest contact is marked
/// resolved and no later contact belongs to the case. With `channels`, each
/// case is credited to the channel of its first contact.
///
/// # Errors
/// [`CxError::Empty`]; [`CxError::LengthMismatch`].
///
/// # Examples
/// ```
/// use cx::gaps::first_contact_resolution;
/// let cases = ["c1", "c2", "c2", "c3"];
/// let times = [1, 2, 5, 3];
/// let resolved = [true, false, true, false];
/// let r = first_contact_resolution(&cases, &times, &resolved, None::<&[&str]>, 0.95)?;
/// assert_eq!((r.overall.cases, r.overall.resolved_first.successes), (3, 1));
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn first_contact_resolution<K: Ord + Clone + Hash>(
    cases: &[K],
    timestamps: &[i64],
    resolved: &[bool],
    channels: Option<&[K]>,
    level: f64,
) -> Result<Grouped<K, FcrResult>> {
    let level = stats::check_level(level)?;
    let n = cases.len();
    if n == 0 {
        return Err(CxError::Empty { argument: "cases" });
    }
    CxError::check_len("timestamps", timestamps.len(), "cases", n)?;
    CxError::check_len("resolved", resolved.len(), "cases", n)?;
    if let Some(c) = channels {
        CxError::check_len("channels", c.len(), "cases", n)?;
    }
    // Per case: (contacts, row of the earliest contact; ties: the first row).
    let mut per_case: HashMap<&K, (u64, usize)> = HashMap::new();
    for i in 0..n {
        let e = per_case.entry(&cases[i]).or_insert((0, i));
        e.0 += 1;
        if timestamps[i] < timestamps[e.1] {
            e.1 = i;
        }
    }
    let mut tally: BTreeMap<Option<&K>, (u64, u64, u64)> = BTreeMap::new();
    for (count, first) in per_case.values() {
        let fcr = u64::from(*count == 1 && resolved[*first]);
        let mut add = |k| {
            let t = tally.entry(k).or_insert((0, 0, 0));
            *t = (t.0 + 1, t.1 + count, t.2 + fcr);
        };
        add(None);
        if let Some(c) = channels {
            add(Some(&c[*first]));
        }
    }
    let make = |(cases, contacts, fcr): (u64, u64, u64)| FcrResult {
        cases,
        contacts,
        resolved_first: Proportion::from_counts(fcr, cases, level),
    };
    let overall = make(tally.remove(&None).unwrap_or_default());
    let groups = channels.map(|_| {
        tally
            .into_iter()
            .filter_map(|(k, t)| {
                k.map(|k| Keyed {
                    key: k.clone(),
                    result: make(t),
                })
            })
            .collect()
    });
    Ok(Grouped { overall, groups })
}

/// Options of [`repeat_contacts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RepeatOptions {
    /// A contact is a repeat when the same customer contacted within this
    /// many days before; 7 by default.
    pub window_days: f64,
    /// Count only contacts about the same case (needs case ids); `false`
    /// by default: any earlier contact counts.
    pub same_case: bool,
    /// Confidence level of the rate's interval; 0.95 by default.
    pub level: f64,
}

impl Default for RepeatOptions {
    fn default() -> Self {
        RepeatOptions {
            window_days: 7.0,
            same_case: false,
            level: 0.95,
        }
    }
}

/// How often customers moved from one channel to another on a repeat
/// contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelSwitch<K> {
    /// Channel of the earlier contact.
    pub from: K,
    /// Channel of the repeat contact.
    pub to: K,
    /// Repeat contacts with this pair.
    pub count: u64,
}

/// The result of [`repeat_contacts`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatContacts<K> {
    /// Contacts in the input.
    pub contacts: u64,
    /// Customers who contacted.
    pub customers: u64,
    /// Share of contacts that repeat an earlier one within the window
    /// (Wilson).
    pub repeat_rate: Proportion,
    /// Customers with at least one repeat contact.
    pub customers_repeating: u64,
    /// Repeat contacts on another channel than the contact before.
    pub channel_switches: u64,
    /// Repeat contacts by (previous channel, channel), most frequent first.
    pub switches: Vec<ChannelSwitch<K>>,
}

/// Customers contacting again within `window_days` (of the same case, or
/// any), on any channel — the customers who had to repeat themselves —
/// with the channel switches as a table.
///
/// # Errors
/// [`CxError::Empty`]; [`CxError::LengthMismatch`];
/// [`CxError::InvalidParameter`] for a negative window, or `same_case`
/// without case ids.
///
/// # Examples
/// ```
/// use cx::gaps::{repeat_contacts, RepeatOptions};
/// use cx::time::TimeUnit;
/// let customers = ["ann", "ann", "bob", "ann"];
/// let days = [1, 3, 3, 30];
/// let channels = ["chat", "phone", "chat", "email"];
/// let r = repeat_contacts(&customers, &days, TimeUnit::Days, &channels, None, &RepeatOptions::default())?;
/// assert_eq!(r.repeat_rate.successes, 1);          // ann's phone call two days after her chat
/// assert_eq!((r.switches[0].from, r.switches[0].to), ("chat", "phone"));
/// # Ok::<(), cx::CxError>(())
/// ```
pub fn repeat_contacts<K: Ord + Clone + Hash, C: Ord + Clone + Hash>(
    customers: &[K],
    timestamps: &[i64],
    unit: TimeUnit,
    channels: &[C],
    cases: Option<&[C]>,
    options: &RepeatOptions,
) -> Result<RepeatContacts<C>> {
    let level = stats::check_level(options.level)?;
    let n = customers.len();
    if n == 0 {
        return Err(CxError::Empty {
            argument: "customers",
        });
    }
    CxError::check_len("timestamps", timestamps.len(), "customers", n)?;
    CxError::check_len("channels", channels.len(), "customers", n)?;
    if let Some(c) = cases {
        CxError::check_len("cases", c.len(), "customers", n)?;
    }
    if !(options.window_days.is_finite() && options.window_days >= 0.0) {
        return Err(CxError::invalid("window_days", options.window_days, "days >= 0"));
    }
    if options.same_case && cases.is_none() {
        return Err(CxError::invalid(
            "same_case",
            true,
            "case ids when counting repeats per case",
        ));
    }
    let window = options.window_days * unit.per_day() as f64;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        customers[a]
            .cmp(&customers[b])
            .then(timestamps[a].cmp(&timestamps[b]))
            .then(a.cmp(&b))
    });
    let (mut repeats, mut switched, mut repeating, mut people) = (0u64, 0u64, 0u64, 0u64);
    let mut table: HashMap<(&C, &C), u64> = HashMap::new();
    let mut start = 0;
    while start < n {
        let who = &customers[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| &customers[i] == who)
                .count();
        people += 1;
        let mut any = false;
        // The latest earlier contact of the thread: the customer, or with
        // `same_case` the customer's case (a map only then).
        let mut last_any: Option<usize> = None;
        let mut last_case: HashMap<&C, usize> = HashMap::new();
        for &i in &order[start..end] {
            let prev = match (options.same_case, cases) {
                (true, Some(c)) => last_case.insert(&c[i], i),
                _ => last_any.replace(i),
            };
            if let Some(prev) = prev
                && (timestamps[i] - timestamps[prev]) as f64 <= window
            {
                repeats += 1;
                any = true;
                if channels[prev] != channels[i] {
                    switched += 1;
                }
                *table.entry((&channels[prev], &channels[i])).or_insert(0) += 1;
            }
        }
        repeating += u64::from(any);
        start = end;
    }
    let mut switches: Vec<ChannelSwitch<C>> = table
        .into_iter()
        .map(|((f, t), count)| ChannelSwitch {
            from: f.clone(),
            to: t.clone(),
            count,
        })
        .collect();
    switches.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.from.cmp(&b.from))
            .then_with(|| a.to.cmp(&b.to))
    });
    Ok(RepeatContacts {
        contacts: n as u64,
        customers: people,
        repeat_rate: Proportion::from_counts(repeats, n as u64, level),
        customers_repeating: repeating,
        channel_switches: switched,
        switches,
    })
}
